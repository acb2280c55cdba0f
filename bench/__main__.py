"""Run every benchmark and print its figures."""

from __future__ import annotations

import sys

from . import ingest, loop_latency, nab


def main() -> int:
    print("CrisisWatch benchmarks (2-core machine; medians of several runs)\n", flush=True)
    loop_latency.main()
    ingest.main()
    nab.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
