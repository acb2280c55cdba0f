"""Validate the configuration at build time (run by the WatchlistLayer's Makefile).

A watchlist or crisis plan with a typo must fail the deploy, not the night of the crisis.
"""

import sys
from pathlib import Path


def main(directory: str) -> int:
    try:
        from crisiswatch.config_files.policy import PolicyError, load_policy  # noqa: PLC0415
        from crisiswatch.config_files.watchlist import WatchlistError, load_watchlist  # noqa: PLC0415
    except ImportError:
        print("config: not validated (build from the project's .venv, e.g. `make build`, to check it)")
        return 0
    folder = Path(directory)
    try:
        watchlist = load_watchlist(str(folder / "watchlist.toml"))
        policy = load_policy(str(folder / "escalation_policy.toml"))
    except (WatchlistError, PolicyError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"watchlist: {len(watchlist.brands)} brand(s), {len(watchlist.pairs())} enabled source(s)")
    print(f"escalation policy: {len(policy.tiers)} tier(s), {len(policy.all_contacts())} contact(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
