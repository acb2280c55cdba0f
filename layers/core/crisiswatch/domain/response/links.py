"""Action links: what a responder taps in an email or SMS to decide.

Rules (see the project's approval-link design): the URL carries only a short random id; the task token
stays server-side next to a hash of that id; GET/HEAD never change anything; only a POST carrying the
form token issued by the confirmation page decides; a link is single use and expires with its tier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ..errors import InvalidRequestError
from .incidents import NOTE_LIMIT, Decision

LINK_ID_BYTES = 16
"""128 bits of randomness: unguessable, and 22 URL-safe characters so an SMS keeps its link."""

LINK_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
FORM_TOKEN_TTL = timedelta(minutes=30)


def new_link_id() -> str:
    return secrets.token_urlsafe(LINK_ID_BYTES)


def is_well_formed_link_id(link_id: str) -> bool:
    return bool(LINK_ID_PATTERN.match(link_id))


def link_key(link_id: str) -> str:
    """What the table stores instead of the id: a leaked table or log does not yield working links."""
    return hashlib.sha256(link_id.encode("ascii")).hexdigest()


def link_hint(link_id: str) -> str:
    """A loggable stand-in for a link id."""
    return link_id[:4] + "…"


class LinkState(StrEnum):
    PENDING = "pending"
    USED = "used"
    SUPERSEDED = "superseded"
    """Another recipient of the same notification decided first."""


@dataclass(frozen=True)
class DecisionRequest:
    """One question put to some people at once ("approve a statement?"); each gets a link of their own.

    The first of them to decide answers it for all. The task token of the wait it resumes lives here,
    server-side: a reminder or a monitoring re-check moves the request to its next wait's token, so the
    links already sent keep working.
    """

    notification_id: str
    incident_id: str
    phase: str
    tier: int
    """The route's round, counted from 1 (0 outside the tier rounds)."""
    recipients: tuple[str, ...]
    allowed: tuple[Decision, ...]
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class ActionLink:
    key: str
    incident_id: str
    notification_id: str
    tier: int
    recipient: str
    """Who this link was sent to: the audit trail names this person, not a shared address."""
    expires_at: datetime
    allowed: tuple[Decision, ...]
    state: LinkState = LinkState.PENDING
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def form_token(secret: bytes, link_id: str, issued_at: datetime) -> str:
    """An HMAC over the link id and issue time: a POST must come from a page we rendered recently."""
    stamp = str(int(issued_at.timestamp()))
    mac = hmac.new(secret, f"{link_id}.{stamp}".encode(), hashlib.sha256).digest()
    return f"{stamp}.{base64.urlsafe_b64encode(mac[:18]).decode('ascii')}"


def verify_form_token(secret: bytes, link_id: str, token: str, now: datetime) -> bool:
    stamp, _, _mac = token.partition(".")
    if not (stamp.isascii() and stamp.isdigit()) or len(token) > 64:  # "²".isdigit() but int("²") fails
        return False
    issued = int(stamp)
    age = now.timestamp() - issued
    if age < -60 or age > FORM_TOKEN_TTL.total_seconds():
        return False
    expected = form_token(secret, link_id, datetime.fromtimestamp(issued, now.tzinfo))
    return hmac.compare_digest(expected, token)


@dataclass(frozen=True)
class DecisionPayload:
    """What a click on an action link tells the waiting workflow: written by the link's page, read by the
    crisis plan's steps (through Step Functions, as JSON)."""

    decision: Decision
    decided_by: str
    tier: int | None = None
    decided_at: datetime | None = None
    statement: str | None = None
    """The draft approved, or the draft the revision replaces."""
    revised_text: str | None = None
    """A revision's text, already tidied by the page."""
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "decision": self.decision.value,
            "decided_by": self.decided_by,
            "tier": self.tier,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }
        for name in ("statement", "revised_text", "note"):
            value = getattr(self, name)
            if value is not None:
                output[name] = value
        return output

    @classmethod
    def from_dict(cls, raw: object) -> DecisionPayload:
        """The payload a task received; InvalidRequestError for one that names no decision or no person."""
        if not isinstance(raw, Mapping):
            raise InvalidRequestError("the decision must be an object")
        try:
            decision = Decision(str(raw.get("decision")))
        except ValueError:
            raise InvalidRequestError(f"unknown decision {raw.get('decision')!r}") from None
        decided_by = str(raw.get("decided_by") or "")
        if not decided_by:
            raise InvalidRequestError("a decision names who decided")
        tier, decided_at = raw.get("tier"), raw.get("decided_at")
        try:
            moment = datetime.fromisoformat(decided_at) if isinstance(decided_at, str) else None
        except ValueError:
            moment = None

        def text(name: str) -> str | None:
            value = raw.get(name)
            return None if value is None else str(value)

        note = text("note")
        return cls(
            decision=decision,
            decided_by=decided_by,
            tier=tier if isinstance(tier, int) and not isinstance(tier, bool) else None,
            decided_at=moment,
            statement=text("statement"),
            revised_text=text("revised_text"),
            note=note[:NOTE_LIMIT] if note is not None else None,
        )
