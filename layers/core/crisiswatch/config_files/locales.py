"""Who reads which language, from the watchlist's and the policy's TOML text.

Only the language fields are read, with the standard library: the build validated both files
(config/check_config.py, through the schemas beside this module), and a page or a message should not pay
for loading pydantic and every model of the configuration. tests/unit/test_i18n.py checks that this
light reading agrees with the validated one.
"""

from __future__ import annotations

import tomllib

from ..domain.speech import DEFAULT_LANGUAGE, LANGUAGES, Locales, Voice, known_zone


def locales_from_toml(watchlist: str | None, policy: str | None) -> Locales:
    """Who reads what, from the watchlist's and the policy's TOML text (either may be absent: its
    defaults stand). Only the language fields are read, with the standard library: the build validated
    both files (config/check_config.py), and a page or a message should not pay for loading pydantic
    and every model of the configuration. A value no language names is read as the default."""
    brands = tomllib.loads(watchlist).get("brands", []) if watchlist else []
    team_table = tomllib.loads(policy).get("team", {}) if policy else {}
    tiers = tomllib.loads(policy).get("tiers", {}) if policy else {}
    team = _spoken(team_table.get("language"))
    zone = team_table.get("time_zone", "UTC")
    voices = {
        str(brand.get("name")): Voice(
            _spoken(brand.get("statement_language")), "du" if brand.get("address_form") == "du" else "Sie"
        )
        for brand in brands
        if isinstance(brand, dict)
    }
    readers = {
        str(contact.get("id")): _spoken(contact.get("language"), team)
        for tier in tiers.values()
        if isinstance(tier, dict)
        for contact in tier.get("contacts", [])
        if isinstance(contact, dict)
    }
    return Locales(
        voices, readers, team, zone if isinstance(zone, str) and not _zone_problem(zone) else "UTC"
    )


def _spoken(code: object, default: str = DEFAULT_LANGUAGE) -> str:
    return code if isinstance(code, str) and code in LANGUAGES else default


def _zone_problem(name: str) -> bool:
    try:
        known_zone(name)
    except ValueError:
        return True
    return False
