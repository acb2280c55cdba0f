"""Estimated AWS cost per million mentions, from figures measured in this run.

Lambda GB-seconds, invocations and log bytes, and DynamoDB write and read units come from the
listening benchmark (`bench.ingest`: every function on the real path, billed as Lambda bills them).
Prices are public on-demand list prices, us-east-1, x86_64; the free tier is ignored.
"""

from __future__ import annotations

from .ingest import IngestFigures

LAMBDA_GB_SECOND = 0.0000166667
LAMBDA_REQUEST = 0.20 / 1_000_000
DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000
DYNAMODB_READ_UNIT = 0.125 / 1_000_000
LOG_INGESTION_GB = 0.50
STORAGE_GB_MONTH = 0.25
MANAGED_SENTIMENT_API = 100.0
"""A managed sentiment API, per million short texts (for scale, as the issue states it)."""
TARGET = 2.0


TARGET_WRITE_UNITS = 2.5
"""Write units per mention: the mention itself in one 1 KB write, the rest for counting and stories."""


def main(figures: IngestFigures) -> dict[str, float]:
    per_million = 1_000_000 / max(figures.mentions, 1)
    compute = {
        name: gb_seconds * per_million * LAMBDA_GB_SECOND for name, gb_seconds in figures.gb_seconds.items()
    }
    writes = {
        table: units * per_million * DYNAMODB_WRITE_UNIT for table, units in figures.write_units.items()
    }
    reads = {
        table: units * per_million * DYNAMODB_READ_UNIT
        for table, units in figures.read_units_by_table.items()
    }
    lines = {
        "Lambda compute": sum(compute.values()),
        "Lambda requests": sum(figures.invocations.values()) * per_million * LAMBDA_REQUEST,
        "DynamoDB writes": sum(writes.values()),
        "DynamoDB reads": figures.read_units * per_million * DYNAMODB_READ_UNIT,
        "CloudWatch Logs ingestion": figures.log_bytes * per_million / 1e9 * LOG_INGESTION_GB,
    }
    parts = {"Lambda compute": compute, "DynamoDB writes": writes, "DynamoDB reads": reads}
    total = sum(lines.values())
    print("Cost per million mentions (measured above, at public on-demand prices, us-east-1)")
    for name, dollars in lines.items():
        print(f"  {name:<28} ${dollars:7.2f}")
        for part, part_dollars in sorted(parts.get(name, {}).items(), key=lambda pair: -pair[1]):
            print(f"    {part:<26} ${part_dollars:7.2f}")
    print(f"  {'total':<28} ${total:7.2f}   (target under ${TARGET:.2f})")
    write_units = sum(figures.write_units.values()) / max(figures.mentions, 1)
    print(f"  write units per mention      {write_units:7.2f}   (target under {TARGET_WRITE_UNITS})")
    print(f"  reference: a managed sentiment API  ${MANAGED_SENTIMENT_API:7.2f}+ for the sentiment alone")
    mention_units = sum(units for table, units in figures.write_units.items() if table.startswith("Mentions"))
    kilobytes = mention_units / max(figures.mentions, 1)
    print(
        f"  storage: about {kilobytes:.1f} KB per stored mention, "
        f"${kilobytes * STORAGE_GB_MONTH:.2f} per million mentions per month kept (the TTL decides how long)"
    )
    print()
    return {"total": total, "write_units_per_mention": write_units}
