"""Speech in a reader's language: the gettext catalogues (managed with Babel) and Babel's formats.

The catalogues live in `locale/` beside this module: `messages.pot` extracted from the code and
templates (`babel.cfg` at the repository root), one `<lang>/LC_MESSAGES/messages.po` per language,
compiled to `.mo` by the core layer's build. Run from a source tree with no `.mo` (tests, the CLI), a
catalogue is compiled in memory from its `.po`, so what runs is always what the `.po` says.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from .domain.speech import DEFAULT_LANGUAGE, LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_MOMENT = {
    # English keeps the wording it always had: "Mon 07 Dec 2026, 12:53 UTC".
    "en": "EEE dd MMM yyyy, HH:mm",
    "de": "EEE, d. MMM yyyy, HH:mm",
}
_TAG = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*")
_MAX_HEADER = 512
"""Accept-Language longer than this is not read at all: no browser sends one, a hostile client might."""


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language`; English is the source language and needs none."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def zone_name(moment: datetime, time_zone: str, language: str) -> str:
    """The zone's short name in the language ("MEZ"); where CLDR has none it gives an offset
    ("+0100"), and the zone database's abbreviation ("CET") reads better."""
    zone = ZoneInfo(time_zone)
    name = format_datetime(moment, "z", tzinfo=zone, locale=language)
    return name if name[:1] not in "+-" else moment.astimezone(zone).tzname() or name


def local_and_utc(moment: datetime, pattern: str, utc_pattern: str, voice: BabelSpeech) -> str:
    """`moment` in the reader's zone with the zone's name and UTC beside it (`utc_pattern`), or in UTC
    alone when that is the reader's zone: a crisis team across zones agrees on the UTC time."""
    if voice.time_zone == "UTC":
        return format_datetime(moment.astimezone(UTC), pattern, tzinfo=UTC, locale=voice.language) + " UTC"
    local = format_datetime(moment, pattern, tzinfo=ZoneInfo(voice.time_zone), locale=voice.language)
    zone = zone_name(moment, voice.time_zone, voice.language)
    return f"{local} {zone} ({format_datetime(moment, utc_pattern, tzinfo=UTC, locale=voice.language)} UTC)"


@dataclass(frozen=True)
class BabelSpeech:
    """`Speech` (domain/speech.py) for one language and time zone."""

    language: str = DEFAULT_LANGUAGE
    time_zone: str = "UTC"

    @property
    def _catalogue(self) -> gettext.NullTranslations:
        return translations(self.language)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue.ngettext(singular, plural, count)

    def moment(self, value: datetime) -> str:
        return local_and_utc(value, _MOMENT.get(self.language, _MOMENT[DEFAULT_LANGUAGE]), "HH:mm", self)

    def number(self, value: float, digits: int = 0) -> str:
        fraction = "." + "0" * digits if digits else ""
        return format_decimal(value, format=f"#,##0{fraction}", locale=self.language)

    def percent(self, share: float, digits: int = 1) -> str:
        fraction = "." + "0" * digits if digits else ""
        return format_percent(share, format=f"#,##0{fraction} %", locale=self.language)

    def duration(self, value: timedelta) -> str:
        """Two units at most, as a crisis team reads them: `1 h 05 min`, `3 d 04 h` (German: `1 Std. 05
        Min.`, `3 T. 04 Std.`). Days start at two of them: a week is not `168 h 00 min`."""
        _ = self.gettext
        total = round(value.total_seconds())
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        if hours >= 48:
            return _("%(days)d d %(hours)02d h") % {"days": hours // 24, "hours": hours % 24}
        if hours:
            return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
        if minutes and secs:
            return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
        if minutes:
            return _("%(minutes)d min") % {"minutes": minutes}
        return _("%(seconds)d s") % {"seconds": secs}


@cache
def speech(language: str = DEFAULT_LANGUAGE, time_zone: str = "UTC") -> BabelSpeech:
    """The speech for a language CrisisWatch knows; anything else speaks the default language."""
    return BabelSpeech(language if language in LANGUAGES else DEFAULT_LANGUAGE, time_zone)


def negotiate(query: str | None, accept_language: str | None, fallback: str) -> str:
    """The page's language: `?lang=` if it names a known language, then the best known language of
    Accept-Language, then `fallback`. Anything malformed or unknown is skipped, never echoed."""
    chosen = preferred(query, accept_language)
    if chosen is not None:
        return chosen
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE


def preferred(query: str | None, accept_language: str | None) -> str | None:
    """The reader's own choice (`?lang=`, then Accept-Language), or None when they name no known one."""
    if isinstance(query, str) and query.strip().lower() in LANGUAGES:
        return query.strip().lower()
    if isinstance(accept_language, str) and len(accept_language) <= _MAX_HEADER:
        ranked: list[tuple[float, int, str]] = []
        for index, part in enumerate(accept_language.split(",")[:20]):
            match = _TAG.fullmatch(part)
            if match is None:
                continue
            primary, weight = match.group(1).lower(), float(match.group(2) or 1)
            if primary in LANGUAGES and weight > 0:
                ranked.append((-weight, index, primary))
        if ranked:
            return min(ranked)[2]
    return None
