"""The words of each notification: an email that explains, an SMS that fits one GSM-7 part.

Pure text: who receives it and how is the adapters' business.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from .crisis_plan import Message, Phase
from .incidents import Incident

SMS_LIMIT = 160

_GSM7_SAFE = frozenset(string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@_")
"""Characters that are one septet in GSM-7's basic table: one more (an emoji, `’`, `{`) and the SMS
switches to UCS-2 with 70 characters a part, or spends two septets on it, and the link no longer fits."""

_SMS_VERB = {
    (Phase.TIERS, Message.NOTIFY): "decide",
    (Phase.TIERS, Message.REMIND): "reminder, decide",
    (Phase.OWNER, Message.NOTIFY): "you own it, approve",
    (Phase.OWNER, Message.REMIND): "reminder, approve",
    (Phase.MONITOR, Message.NOTIFY): "monitoring, resolve",
    (Phase.REVIEW, Message.NOTIFY): "resolved, review",
}


@dataclass(frozen=True)
class Notice:
    subject: str
    email: str
    sms: str


def gsm7(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)  # "Café" -> "Cafe" + a combining accent, dropped below
    kept = "".join(char if char in _GSM7_SAFE else " " if char.isspace() else "" for char in folded)
    return " ".join(kept.split())


def sms_text(incident: Incident, label: str, url: str) -> str:
    brand = gsm7(incident.brand)[:24].strip()
    parts = ("CrisisWatch", incident.severity.value, brand, gsm7(label) + ":")
    head = " ".join(
        part for part in parts if part and part != ":"
    )  # a brand with no GSM-7 letters is left out
    text = f"{head} {url}"
    # The link is never shortened: the head gives way so the whole SMS fits one GSM-7 part.
    return text if len(text) <= SMS_LIMIT else head[: max(0, SMS_LIMIT - len(url) - 1)] + " " + url


def _what_we_see(incident: Incident) -> str:
    types = ", ".join(kind.replace("_", " ") for kind in incident.crisis_types) or "none named"
    return f"What we see: {incident.summary}\nCrisis types: {types}"


@dataclass(frozen=True)
class Asking:
    """What one request asks of everyone it goes to: the phase and message of the plan's cursor, why
    they get it (`who`: "tier 1: On-call responders"), until when, and the first statement offered."""

    phase: Phase
    message: Message
    who: str
    expires_at: datetime
    first_statement: str


def compose(incident: Incident, asking: Asking, name: str, url: str) -> Notice:
    """The notice for one recipient, `name`, with their own link `url`."""
    phase, message, who = asking.phase, asking.message, asking.who
    expires_at, first_statement = asking.expires_at, asking.first_statement
    deadline = expires_at.strftime("%a %d %b %Y, %H:%M UTC")  # a review may be due days later
    sev = incident.severity.value
    verb = _SMS_VERB.get((phase, message), "open")
    sms = sms_text(incident, verb, url)
    closing = "This link is yours alone. Opening it changes nothing until you confirm on the page."
    if phase in (Phase.TIERS, Phase.OWNER):
        reminder = message is Message.REMIND
        subject = f"[{sev}] {incident.brand}: {'REMINDER, ' if reminder else ''}decision needed ({who})"
        lead = (
            f"Reminder: incident {incident.incident_id} for {incident.brand} is still waiting for a decision."
            if reminder
            else f"CrisisWatch opened incident {incident.incident_id} for {incident.brand} ({sev})."
        )
        ask = (
            "You acknowledged this incident and own it now: approve a statement, ask for changes, "
            "escalate or dismiss it"
            if phase is Phase.OWNER
            else "Please acknowledge it, approve a holding statement, ask for changes, escalate it or "
            "dismiss it as a false alarm"
        )
        body = (
            f"Hello {name},\n\n{lead}\n\n{_what_we_see(incident)}\n\n"
            f"You are told as {who}. {ask} before {deadline}; after that the incident moves on to the "
            f"next people on the route.\n\nThe holding statement proposed (see every option on the page):\n\n"
            f"    {first_statement}\n\nReview and decide: {url}\n\n{closing}"
        )
        return Notice(subject, body, sms)
    if phase is Phase.MONITOR:
        subject = f"[{sev}] {incident.brand}: statement published, monitoring"
        body = (
            f"Hello {name},\n\nThe approved statement for incident {incident.incident_id} is published. "
            f"CrisisWatch now watches the signals and resolves the incident once they stay calm.\n\n"
            f"When you judge it over sooner, resolve it here: {url}\n\n"
            f"The page also holds the incident's checklist.\n\n{closing}"
        )
        return Notice(subject, body, sms)
    subject = f"[{sev}] {incident.brand}: resolved, post-crisis review due"
    body = (
        f"Hello {name},\n\nIncident {incident.incident_id} is resolved. Please hold the post-crisis review "
        f"and confirm it before {deadline}: {url}\n\n{closing}"
    )
    return Notice(subject, body, sms)
