"""Run every benchmark and print its figures."""

from __future__ import annotations

import sys

from . import (
    cold_start,
    cost,
    crisis_types,
    german,
    ingest,
    language,
    load,
    loop_latency,
    nab,
    report,
    scenarios,
    sentiment,
)


def main() -> int:
    print("CrisisWatch benchmarks (2-core machine; medians of several runs)\n", flush=True)
    loop_latency.main()
    figures = ingest.main()
    language.main()
    sentiment.main()
    german.main()
    crisis_types.main()
    cost.main(figures)
    load.main()
    nab.main()
    scenarios.main()
    report.main()
    cold_start.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
