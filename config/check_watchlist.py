"""Validate a watchlist file at build time (run by the WatchlistLayer's Makefile)."""

import sys


def main(path: str) -> int:
    try:
        from crisiswatch.domain.watchlist import WatchlistError, load_watchlist  # noqa: PLC0415
    except ImportError:
        print("watchlist: not validated (build from the project's .venv, e.g. `make build`, to check it)")
        return 0
    try:
        watchlist = load_watchlist(path)
    except WatchlistError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"watchlist: {len(watchlist.brands)} brand(s), {len(watchlist.pairs())} enabled source(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
