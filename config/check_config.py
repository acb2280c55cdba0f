"""Validate the configuration at build time (run by the WatchlistLayer's Makefile).

A watchlist or crisis plan with a typo must fail the deploy, not the night of the crisis.
"""

import sys
from pathlib import Path


def main(directory: str) -> int:
    try:
        from crisiswatch.config_files.policy import PolicyError, load_policy  # noqa: PLC0415
        from crisiswatch.config_files.watchlist import WatchlistError, load_watchlist  # noqa: PLC0415
        from crisiswatch.domain.response.statements import StatementsError, default_statements  # noqa: PLC0415
    except ImportError:
        print("config: not validated (build from the project's .venv, e.g. `make build`, to check it)")
        return 0
    folder = Path(directory)
    try:
        watchlist = load_watchlist(str(folder / "watchlist.toml"))
        policy = load_policy(str(folder / "escalation_policy.toml"))
        # Every voice a brand speaks in must have its pre-approved statements, each within its channel.
        voices = sorted({(brand.statement_language, brand.address_form) for brand in watchlist.brands})
        for language, form in voices:
            default_statements(language, form)
    except (WatchlistError, PolicyError, StatementsError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"watchlist: {len(watchlist.brands)} brand(s), {len(watchlist.pairs())} enabled source(s)")
    print(f"escalation policy: {len(policy.tiers)} tier(s), {len(policy.all_contacts())} contact(s)")
    team = policy.team
    spoken = ", ".join(lang if lang == "en" else f"{lang} ({form})" for lang, form in voices)
    print(f"languages: statements in {spoken}; team reads {team.language}, times in {team.time_zone}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
