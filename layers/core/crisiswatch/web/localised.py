"""The pages' Jinja2 environments, one per language and time zone, with gettext installed.

Templates mark their words with `_()` / `ngettext()` (Jinja2's i18n extension, new style: values are
escaped, placeholders are named) and show times, durations and numbers through the filters below, so
one template serves every language. English in UTC reads exactly as the pages always did.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..domain.clock import parse_iso, to_iso
from ..domain.response.notices import CRISIS_TYPE_NAMES, summary_in
from ..domain.speech import DEFAULT_LANGUAGE, LANGUAGES, N_
from ..i18n import BabelSpeech, local_and_utc, speech, translations

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
"""Each language in its own words, for the language switch."""
_STAMP = {"en": "yyyy-MM-dd HH:mm", "de": "dd.MM.yyyy HH:mm"}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")

LABELS = {
    # Incident statuses
    "open": N_("open"),
    "held": N_("held"),
    "escalating": N_("escalating"),
    "acknowledged": N_("acknowledged"),
    "approved": N_("approved"),
    "published": N_("published"),
    "monitoring": N_("monitoring"),
    "resolved": N_("resolved"),
    "reviewed": N_("reviewed"),
    "dismissed": N_("dismissed"),
    "unanswered": N_("unanswered"),
    "failed": N_("failed"),
    # Decisions
    "acknowledge": N_("acknowledge"),
    "approve": N_("approve"),
    "request_changes": N_("request changes"),
    "dismiss": N_("dismiss"),
    "escalate": N_("escalate"),
    "resolve": N_("resolve"),
    "review_done": N_("review done"),
    # Channels and phases
    "social": N_("social"),
    "web": N_("web"),
    "tiers": N_("tiers"),
    "owner": N_("owner"),
    "monitor": N_("monitor"),
    "review": N_("review"),
    "nobody": N_("nobody"),
    # The detector's signals
    "volume": N_("volume"),
    "negativity": N_("negativity"),
    "spread": N_("spread"),
    "crisis_type": N_("crisis type"),
    # Checklist items a person ticks
    "stakeholders_informed": N_("stakeholders informed"),
    "legal_reviewed": N_("legal reviewed"),
    # Report periods and execution states
    "before": N_("before"),
    "during": N_("during"),
    "after": N_("after"),
    "running": N_("running"),
    "succeeded": N_("succeeded"),
    "aborted": N_("aborted"),
    "timed_out": N_("timed out"),
    "unknown": N_("unknown"),
}
"""Stored values a page shows (a status, a decision, a channel, a phase), as messages: English shows
the value with spaces, as it always did."""


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return parse_iso(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def stamp(voice: BabelSpeech, value: datetime | str | None, seconds: bool = False) -> str:
    """A moment in a table or a fact line: the reader's zone, and UTC beside it when that zone is not
    UTC. Stored text that is no time is shown as it is."""
    moment = _moment(value)
    if moment is None:
        return str(value) if value else "—"
    pattern = _STAMP.get(voice.language, _STAMP[DEFAULT_LANGUAGE]) + (":ss" if seconds else "")
    return local_and_utc(moment, pattern, "HH:mm:ss" if seconds else "HH:mm", voice)


def humanize(value: object) -> str:
    """`product_safety` -> `product safety`."""
    return str(value).replace("_", " ")


def filters(voice: BabelSpeech) -> dict[str, Any]:
    _ = voice.gettext

    def label(value: object) -> str:
        key = str(getattr(value, "value", value))
        return _(LABELS[key]) if key in LABELS else humanize(key)

    def crisis_type(value: object) -> str:
        key = str(value)
        return _(CRISIS_TYPE_NAMES[key]) if key in CRISIS_TYPE_NAMES else humanize(key)

    def duration(seconds: float | None) -> str:
        return "—" if seconds is None else voice.duration(timedelta(seconds=seconds))

    return {
        "utc": lambda value, seconds=False: stamp(voice, value, seconds),
        "iso": to_iso,
        "duration": duration,
        "humanize": humanize,
        "percent": lambda share: voice.percent(share, 1),
        "number": lambda value, digits=0: voice.number(value, digits),
        "status": label,
        "decision": label,
        "channel": label,
        "phase": label,
        "period": label,
        "signal": label,
        "crisis_type": crisis_type,
        "summary": lambda incident: summary_in(incident, voice),
    }


def _install(env: Environment, language: str, time_zone: str) -> Environment:
    voice = speech(language, time_zone)
    env.policies["ext.i18n.trimmed"] = True  # as `pybabel extract` reads {% trans %} blocks (babel.cfg)
    env.install_gettext_translations(translations(voice.language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters(voice))
    env.globals.update(lang=voice.language, language_names=LANGUAGE_NAMES, languages=LANGUAGES)
    return env


@cache
def html_environment(language: str = DEFAULT_LANGUAGE, time_zone: str = "UTC") -> Environment:
    """Autoescaping everything; one per (language, zone), built once per container."""
    env = Environment(
        loader=PackageLoader("crisiswatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
    )
    return _install(env, language, time_zone)


@cache
def markdown_environment(language: str = DEFAULT_LANGUAGE, time_zone: str = "UTC") -> Environment:
    env = Environment(
        loader=PackageLoader("crisiswatch.web", "templates"),
        autoescape=False,  # noqa: S701 - Markdown, not HTML: `md` escapes what needs it
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    return _install(env, language, time_zone)
