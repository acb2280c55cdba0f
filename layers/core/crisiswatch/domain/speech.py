"""The languages CrisisWatch answers in, and the interface the domain words its texts through.

Shared kernel: messages (response), the report (review) and the pages all speak through a `Speech`,
built by `crisiswatch.i18n` from the gettext catalogues and Babel's locale data. The domain only
marks its texts for translation (`_ = speech.gettext; _("...")`), so `pybabel extract` finds them, and
never formats a date or a number itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES: tuple[str, ...] = ("en", "de")
"""The languages with a catalogue and pre-approved statements; the first is the default."""
DEFAULT_LANGUAGE = "en"

AddressForm = Literal["Sie", "du"]
"""How a German brand addresses its public: Sie (the default, formal) or du (chosen by the brand)."""


def unknown_language(code: object) -> str | None:
    """Why `code` is not a language CrisisWatch speaks, or None when it is one."""
    if isinstance(code, str) and code in LANGUAGES:
        return None
    return f"unknown language {code!r}: CrisisWatch speaks {', '.join(LANGUAGES)}"


def known_language(code: str) -> str:
    """`code`, or ValueError saying which languages there are (configuration's validator)."""
    problem = unknown_language(code)
    if problem:
        raise ValueError(problem)
    return code


def known_zone(name: str) -> str:
    """`name` if it is an IANA time zone, or ValueError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin)") from None
    return name


class Speech(Protocol):
    """One reader's language and time zone: translated texts and formatted values."""

    @property
    def language(self) -> str: ...
    @property
    def time_zone(self) -> str: ...
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, count: int) -> str: ...
    def moment(self, value: datetime) -> str:
        """A time that matters, in the reader's zone with UTC beside it when that zone is not UTC."""
        ...

    def number(self, value: float, digits: int = 0) -> str: ...
    def percent(self, share: float, digits: int = 1) -> str: ...
    def duration(self, value: timedelta) -> str: ...


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name, which `pybabel extract` looks for
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


class SourceSpeech:
    """English, in UTC: the language the messages are written in, needing no catalogue. The default
    of the pure functions; `crisiswatch.i18n.speech("en")` says the same (a test holds them together)."""

    language = DEFAULT_LANGUAGE
    time_zone = "UTC"

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return singular if count == 1 else plural

    def moment(self, value: datetime) -> str:
        return value.astimezone(UTC).strftime("%a %d %b %Y, %H:%M UTC")

    def number(self, value: float, digits: int = 0) -> str:
        return f"{value:,.{digits}f}"

    def percent(self, share: float, digits: int = 1) -> str:
        return f"{share * 100:,.{digits}f} %"

    def duration(self, value: timedelta) -> str:
        total = round(value.total_seconds())
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        if hours >= 48:
            return f"{hours // 24} d {hours % 24:02d} h"
        if hours:
            return f"{hours} h {minutes:02d} min"
        if minutes:
            return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
        return f"{secs} s"


SOURCE = SourceSpeech()


@dataclass(frozen=True)
class Voice:
    """How a brand speaks to its public: its statements' language and form of address."""

    language: str = DEFAULT_LANGUAGE
    address_form: AddressForm = "Sie"


@dataclass(frozen=True)
class Locales:
    """Who reads what: each brand's voice (the watchlist), each contact's language and the team's
    language and time zone (the policy). Built once per container by the composition root."""

    voices: Mapping[str, Voice] = field(default_factory=dict)
    readers: Mapping[str, str] = field(default_factory=dict)
    """Contact id -> the language they read (the policy's contacts, with the team's as default)."""
    team_language: str = DEFAULT_LANGUAGE
    time_zone: str = "UTC"

    def voice_of(self, brand: str) -> Voice:
        """A brand's voice; a brand the watchlist no longer names speaks the default language."""
        return self.voices.get(brand, Voice())

    def reader_language(self, contact_id: str) -> str:
        return self.readers.get(contact_id, self.team_language)

    def page_language(self, brand: str | None) -> str:
        """A page's language when its reader asks for none: the brand's, else the team's."""
        voice = self.voices.get(brand or "")
        return voice.language if voice else self.team_language
