"""A viral crisis at scale: one brand, as many mentions as the embedded runtime takes, each counted once.

Quiet history first (40 five-minute buckets of four ordinary posts: past the detector's warm-up), then a
burst of crisis posts about the brand, all within one minute of event time, written into the mentions
table as fast as the fetchers' own adapter (`DynamoMentionStore`, counting groups included) can write
them from several threads at once. The real stream -> ScoreMentionsFunction -> buckets -> detector path
does the rest. Printed: the rate the burst was written at, the rate it was scored and counted at (first
write to last count), and the checks: every stored mention counted exactly once (bucket counters against
the table, and each mention's ledger) and the incident opened.

The rates are the embedded runtime's (moto over HTTP, one stream shard, two cores shared with the
writers), not AWS's; `docs/capacity.md` models AWS.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crisiswatch.adapters.dynamodb import DynamoMentionStore, mention_hash
from crisiswatch.adapters.tables import BucketItem, IncidentItem, MentionItem
from crisiswatch.domain.listening.mentions import Mention, mention_from_dict
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.synthetic import burst_scenario

ROOT = Path(__file__).resolve().parents[1]
BRAND = "Viralia"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BURST = 6_000
WRITERS = 4
"""Concurrent writers, as concurrent fetch invocations for one brand would be."""


@dataclass(frozen=True)
class LoadFigures:
    burst: int
    write_rate: float
    counted_rate: float
    counted: int
    stored: int
    ledgered: int
    incident_opened: bool


def _write(mentions: list[Mention], errors: list[BaseException]) -> None:
    store = DynamoMentionStore(timedelta(days=90))
    try:
        for mention in mentions:
            store.add(mention)
    except BaseException as error:  # reported by the caller
        errors.append(error)


def write_concurrently(mentions: list[Mention], writers: int = WRITERS) -> None:
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_write, args=(mentions[index::writers], errors)) for index in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def counted(brand: str) -> int:
    """Mentions the bucket items hold for `brand` (and per-source items counted before them)."""
    return sum(int(item.volume) for item in BucketItem.query(brand) if item.sk.count("#") <= 1)


def ledgered(items: list[MentionItem]) -> int:
    """Stored mentions whose group's ledger holds them as counted."""
    ledgers: dict[str, set[int]] = {}
    found = 0
    for item in items:
        if item.group not in ledgers:
            try:
                ledger = BucketItem.get(f"ledger#{item.group}", "-", consistent_read=True)
                ledgers[item.group or ""] = set(ledger.counted or ())
            except BucketItem.DoesNotExist:
                ledgers[item.group or ""] = set()
        found += mention_hash(item.mention_id) in ledgers[item.group or ""]
    return found


def main(burst: int = BURST) -> LoadFigures:
    lines = burst_scenario(BRAND, START, quiet_buckets=40, per_bucket=4, burst=burst)
    mentions = [mention_from_dict(line, BRAND) for line in lines]
    quiet, crisis = mentions[:160], mentions[160:]
    with (
        tempfile.TemporaryDirectory() as state,
        LocalRuntime(
            ROOT, Path(state) / "runtime", RuntimeOptions(build=False, start_scheduler=False)
        ) as runtime,
    ):
        saved = dict(os.environ)
        os.environ.update(runtime.environ())
        try:
            Stack(runtime.stack_name, runtime.outputs).bind()
            write_concurrently(quiet, writers=1)
            runtime.wait_until_idle(timeout=300)
            began = time.monotonic()
            write_concurrently(crisis)
            written = time.monotonic() - began
            runtime.wait_until_idle(timeout=1800)
            elapsed = time.monotonic() - began
            items = [item for item in MentionItem.scan() if item.brand == BRAND]
            figures = LoadFigures(
                burst=len(crisis),
                write_rate=len(crisis) / written,
                counted_rate=len(crisis) / elapsed,
                counted=counted(BRAND),
                stored=len(items),
                ledgered=ledgered(items),
                incident_opened=any(item.brand == BRAND for item in IncidentItem.scan()),
            )
        finally:
            os.environ.clear()
            os.environ.update(saved)
    once = figures.counted == figures.stored == figures.ledgered == len(mentions)
    print("A viral crisis, one brand (embedded runtime: moto over HTTP, one stream shard, two cores)")
    print(
        f"  burst written by {WRITERS} writers            "
        f"{figures.burst} mentions at {figures.write_rate:.0f} per second"
    )
    print(f"  scored and counted (first write to last count) {figures.counted_rate:.0f} mentions per second")
    print(
        f"  exactly once: {figures.counted} counted, {figures.ledgered} in their ledgers, "
        f"{figures.stored} stored, {len(mentions)} written: {'yes' if once else 'NO'}"
    )
    print(f"  incident opened: {'yes' if figures.incident_opened else 'NO'}")
    print()
    return figures


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else BURST)
    sys.exit(0 if result.incident_opened and result.counted == result.stored else 1)
