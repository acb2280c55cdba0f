"""The words of each notification: an email that explains, an SMS that fits one GSM-7 part.

Pure text in the reader's language (a `Speech`): who receives it and how is the adapters' business.
Every sentence is a gettext message with named `%(placeholders)s`, so a translation may reorder them.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..speech import DEFAULT_LANGUAGE, N_, SOURCE, Speech
from .crisis_plan import Message, Phase
from .incidents import Incident

SMS_LIMIT = 160
"""Septets in one GSM-7 part."""
UCS2_LIMIT = 70
"""Characters in one UCS-2 part: what a single character outside GSM-7 turns an SMS into."""

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""GSM 03.38's basic table: one septet each."""
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
"""Its extension table: an escape septet and one more, two each."""

_GSM7_SAFE = frozenset(string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@_")
"""What an English SMS keeps, as it always has: plain ASCII of the basic table."""
_SMS_LETTERS = {"de": _GSM7_SAFE | frozenset("ÄÖÜäöüß")}
"""Letters of a language that GSM-7 carries in one septet: a German SMS keeps its umlauts."""

_SMS_VERB = {
    (Phase.TIERS, Message.NOTIFY): N_("decide"),
    (Phase.TIERS, Message.REMIND): N_("reminder, decide"),
    (Phase.OWNER, Message.NOTIFY): N_("you own it, approve"),
    (Phase.OWNER, Message.REMIND): N_("reminder, approve"),
    (Phase.MONITOR, Message.NOTIFY): N_("monitoring, resolve"),
    (Phase.REVIEW, Message.NOTIFY): N_("resolved, review"),
}
CRISIS_TYPE_NAMES = {
    "product_failure": N_("product failure"),
    "data_breach": N_("data breach"),
    "legal_safety": N_("legal safety"),
    "misinformation": N_("misinformation"),
    "employee_misconduct": N_("employee misconduct"),
    "customer_dissatisfaction": N_("customer dissatisfaction"),
    "supplier_conflict": N_("supplier conflict"),
    "boycott": N_("boycott"),
}
"""The packaged crisis types' names as messages (the English name is the key with spaces), so a reader
sees them in their language; a team's own type shows its key."""


@dataclass(frozen=True)
class Notice:
    subject: str
    email: str
    sms: str


def septets(text: str) -> int | None:
    """GSM-7 septets `text` needs, or None when a character is outside GSM-7 (the SMS would be UCS-2)."""
    total = 0
    for char in text:
        if char in GSM7_BASIC:
            total += 1
        elif char in GSM7_EXTENSION:
            total += 2
        else:
            return None
    return total


def fits_one_part(text: str) -> bool:
    """One SMS part: 160 septets in GSM-7, else 70 UTF-16 code units in UCS-2."""
    counted = septets(text)
    if counted is not None:
        return counted <= SMS_LIMIT
    return len(text.encode("utf-16-le")) // 2 <= UCS2_LIMIT


def gsm7(text: str, language: str = "en") -> str:
    """`text` folded to characters that cost one septet: a letter the language keeps stays, an accent
    GSM-7 lacks is dropped ("Zoë" -> "Zoe"), anything else (emoji, `’`, `{`) goes. One character left
    outside would switch the SMS to UCS-2 and 70 characters a part, and the link would no longer fit."""
    keep = _SMS_LETTERS.get(language, _GSM7_SAFE)
    folded = "".join(
        char if char in keep else unicodedata.normalize("NFKD", char)  # "é" -> "e" + a combining accent
        for char in unicodedata.normalize("NFC", text)
    )
    kept = "".join(char if char in keep else " " if char.isspace() else "" for char in folded)
    return " ".join(kept.split())


def sms_text(incident: Incident, label: str, url: str, language: str = "en") -> str:
    brand = gsm7(incident.brand, language)[:24].strip()
    parts = ("CrisisWatch", incident.severity.value, brand, gsm7(label, language) + ":")
    head = " ".join(
        part for part in parts if part and part != ":"
    )  # a brand with no GSM-7 letters is left out
    url = gsm7(url) if septets(url) is None else url  # a link is ASCII; nothing else may make it UCS-2
    text = f"{head} {url}"
    # The link is never shortened: the head gives way so the whole SMS fits one GSM-7 part.
    return text if fits_one_part(text) else head[: max(0, SMS_LIMIT - len(url) - 1)] + " " + url


def crisis_type_names(kinds: tuple[str, ...], speech: Speech = SOURCE) -> list[str]:
    return [speech.gettext(CRISIS_TYPE_NAMES[kind]) if kind in CRISIS_TYPE_NAMES else kind for kind in kinds]


def _voices(details: Mapping[str, Any], speech: Speech) -> str:
    """Who reported a type, as the detector's summary says it (detector.py `_voices`)."""
    sources = details.get("sources") or {}
    if len(sources) >= 2:
        return speech.gettext("%(count)s sources") % {"count": len(sources)}
    source = next(iter(sources), "?")
    corroboration = details.get("corroboration")
    if corroboration == "authors":
        return speech.gettext("%(count)s authors on %(source)s") % {
            "count": details.get("authors"),
            "source": source,
        }
    if corroboration == "news":
        return speech.gettext("news source %(source)s") % {"source": source}
    reach = speech.number(int(details.get("reach", 0)))
    return speech.gettext("%(source)s, reach %(reach)s") % {"source": source, "reach": reach}


def summary_in(incident: Incident, speech: Speech = SOURCE) -> str:
    """The alert's summary in the reader's language. The detector stores it in English: English readers
    get it as stored; others get it worded again from the figures the explanation keeps, or as stored
    when an older incident lacks them."""
    explanation = incident.explanation or {}
    observed, expected = explanation.get("observed"), explanation.get("expected")
    if (
        speech.language == DEFAULT_LANGUAGE
        or not isinstance(observed, Mapping)
        or not isinstance(expected, Mapping)
    ):
        return incident.summary
    _ = speech.gettext
    try:
        parts = [
            _("%(observed)s mentions in 5 min against %(expected)s expected")
            % {"observed": observed["volume"], "expected": speech.number(float(expected["volume"]), 1)}
        ]
        for kind, details in sorted((explanation.get("crisis_types") or {}).items()):
            parts.append(
                _("%(observed)s %(type)s reports from %(voices)s in 15 min against %(usual)s usual")
                % {
                    "observed": details["observed"],
                    "type": crisis_type_names((kind,), speech)[0],
                    "voices": _voices(details, speech),
                    "usual": speech.number(float(details["expected"]), 2),
                }
            )
        if "negativity" in (explanation.get("signals") or ()):
            parts.append(
                _("%(observed)s negative against %(expected)s expected")
                % {
                    "observed": observed["negative"],
                    "expected": speech.number(float(expected["negative"]), 1),
                }
            )
    except (KeyError, TypeError, ValueError):
        return incident.summary  # a hand-made or older explanation: the stored words stand
    return "; ".join(parts)


def _what_we_see(incident: Incident, speech: Speech) -> str:
    _ = speech.gettext
    types = ", ".join(crisis_type_names(incident.crisis_types, speech)) or _("none named")
    return _("What we see: %(summary)s\nCrisis types: %(types)s") % {
        "summary": summary_in(incident, speech),
        "types": types,
    }


@dataclass(frozen=True)
class Asking:
    """What one request asks of everyone it goes to: the phase and message of the plan's cursor, why
    they get it (`who`: "tier 1: On-call responders"), until when, and the first statement offered."""

    phase: Phase
    message: Message
    who: str
    expires_at: datetime
    first_statement: str


def compose(incident: Incident, asking: Asking, name: str, url: str, speech: Speech = SOURCE) -> Notice:
    """The notice for one recipient, `name`, with their own link `url`, in their language."""
    _ = speech.gettext
    phase, message = asking.phase, asking.message
    values = {
        "sev": incident.severity.value,
        "brand": incident.brand,
        "incident": incident.incident_id,
        "who": asking.who,
        "name": name,
        "url": url,
        "deadline": speech.moment(asking.expires_at),  # a review may be due days later: the date too
        "statement": asking.first_statement,
        "what_we_see": _what_we_see(incident, speech),
    }
    sms = sms_text(incident, _(_SMS_VERB.get((phase, message), N_("open"))), url, speech.language)
    if phase in (Phase.TIERS, Phase.OWNER):
        subject, paragraphs = _decision_words(phase, message is Message.REMIND, speech)
    elif phase is Phase.MONITOR:
        subject, paragraphs = _monitoring_words(speech)
    else:
        subject, paragraphs = _review_words(speech)
    closing = _("This link is yours alone. Opening it changes nothing until you confirm on the page.")
    # Each paragraph is a message of its own; the values go in once, after they are joined, so a value
    # holding "%" (a summary, a statement) is never read as a placeholder.
    body = "\n\n".join([_("Hello %(name)s,"), *paragraphs, closing])
    return Notice(subject % values, body % values, sms)


def _decision_words(phase: Phase, reminder: bool, speech: Speech) -> tuple[str, list[str]]:
    """A tier or the owner is asked to decide (or reminded to)."""
    _ = speech.gettext
    subject = (
        _("[%(sev)s] %(brand)s: REMINDER, decision needed (%(who)s)")
        if reminder
        else _("[%(sev)s] %(brand)s: decision needed (%(who)s)")
    )
    lead = (
        _("Reminder: incident %(incident)s for %(brand)s is still waiting for a decision.")
        if reminder
        else _("CrisisWatch opened incident %(incident)s for %(brand)s (%(sev)s).")
    )
    ask = (
        _(
            "You are told as %(who)s. You acknowledged this incident and own it now: approve a "
            "statement, ask for changes, escalate or dismiss it before %(deadline)s; after that the "
            "incident moves on to the next people on the route."
        )
        if phase is Phase.OWNER
        else _(
            "You are told as %(who)s. Please acknowledge it, approve a holding statement, ask for "
            "changes, escalate it or dismiss it as a false alarm before %(deadline)s; after that the "
            "incident moves on to the next people on the route."
        )
    )
    proposed = _("The holding statement proposed (see every option on the page):")
    return subject, [
        lead,
        "%(what_we_see)s",
        ask,
        proposed,
        "    %(statement)s",
        _("Review and decide: %(url)s"),
    ]


def _monitoring_words(speech: Speech) -> tuple[str, list[str]]:
    """The statement is out: CrisisWatch watches, the owner may resolve sooner."""
    _ = speech.gettext
    return _("[%(sev)s] %(brand)s: statement published, monitoring"), [
        _(
            "The approved statement for incident %(incident)s is published. CrisisWatch now watches "
            "the signals and resolves the incident once they stay calm."
        ),
        _("When you judge it over sooner, resolve it here: %(url)s"),
        _("The page also holds the incident's checklist."),
    ]


def _review_words(speech: Speech) -> tuple[str, list[str]]:
    """Resolved: the post-crisis review is due."""
    _ = speech.gettext
    return _("[%(sev)s] %(brand)s: resolved, post-crisis review due"), [
        _(
            "Incident %(incident)s is resolved. Please hold the post-crisis review and confirm it before "
            "%(deadline)s: %(url)s"
        )
    ]
