"""Run the fake-source server by hand (for the local runtime): `python -m crisiswatch_ops.fakesources`.

The corpus starts now and spreads over `--minutes`, and the server follows the wall clock, so mentions
arrive live while the local runtime's schedule polls. The watchlist pointing every source here is
written to `--watchlist` (or printed), and the credentials each source accepts are printed (fakes).
`--fault-rate` turns on a seeded schedule of every fault kind on every API.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .corpus import SOURCE_TYPES, make_corpus
from .faults import ALL_FAULTS, FaultKind
from .server import FakeSourceServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crisiswatch_ops.fakesources", description=__doc__)
    parser.add_argument("--brand", default="Northwind")
    parser.add_argument("--total", type=int, default=350, help="mentions in the corpus")
    parser.add_argument("--minutes", type=float, default=60.0, help="over how long they arrive")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--watchlist", type=Path, help="write the watchlist TOML here")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests given a fault")
    args = parser.parse_args(argv)

    start = datetime.now(UTC)
    corpus = make_corpus(args.brand, args.total, args.seed, (start, start + timedelta(minutes=args.minutes)))
    server = FakeSourceServer(corpus.data, address=("127.0.0.1", args.port)).start()
    if args.fault_rate > 0:
        slow = {FaultKind.TIMEOUT, FaultKind.QUOTA_EXCEEDED}
        server.faults.schedule(
            "/", [kind for kind in ALL_FAULTS if kind not in slow], args.fault_rate, args.seed
        )
    toml = server.watchlist_toml(args.brand)
    if args.watchlist:
        args.watchlist.write_text(toml, encoding="utf-8")
        print(f"watchlist written to {args.watchlist}")
    else:
        print(toml)
    print(
        f"fake sources at {server.url}; {len(corpus.expected)} mentions arriving until "
        f"{start + timedelta(minutes=args.minutes):%H:%M:%S} UTC"
    )
    print(
        "secrets:",
        json.dumps(
            {source: server.secret_for(source) for source in SOURCE_TYPES if server.secret_for(source)}
        ),
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(60):
            print(json.dumps(server.counters()), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
