"""Incidents: one detected crisis and the decisions taken on it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .clock import parse_iso, to_iso

NOTE_LIMIT = 1_000
"""Characters kept of a note on a decision or a review: a sentence or two, not a document."""


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"


SEVERITY_ORDER = (Severity.SEV3, Severity.SEV2, Severity.SEV1)
"""Least severe first."""


def more_severe(severity: Severity, than: Severity) -> bool:
    return SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(than)


class IncidentStatus(StrEnum):
    HELD = "held"
    """A maintenance window holds a low-severity alert back until it ends."""
    ESCALATING = "escalating"
    ACKNOWLEDGED = "acknowledged"
    """Someone owns it; escalation stopped, a statement is still to be approved."""
    APPROVED = "approved"
    PUBLISHED = "published"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    REVIEWED = "reviewed"
    DISMISSED = "dismissed"
    UNANSWERED = "unanswered"
    FAILED = "failed"


RAISABLE = frozenset(
    {
        IncidentStatus.HELD,
        IncidentStatus.ESCALATING,
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.APPROVED,
        IncidentStatus.PUBLISHED,
        IncidentStatus.MONITORING,
        IncidentStatus.UNANSWERED,
    }
)
"""Statuses in which the detector may still raise an incident's severity: it is not over yet."""
RUNNING = RAISABLE - {IncidentStatus.UNANSWERED}
"""Statuses in which an incident holds its brand: the brand's next alert raises it or is covered by it.
An unanswered incident has freed its brand (the next alert opens anew), though it may still be raised."""


class Decision(StrEnum):
    """What a person can decide from an action link (which ones a link offers depends on the phase)."""

    ACKNOWLEDGE = "acknowledge"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    DISMISS = "dismiss"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    REVIEW_DONE = "review_done"


_NOT_ID_CHARS = re.compile(r"[^a-z0-9]+")


def brand_slug(brand: str) -> str:
    slug = _NOT_ID_CHARS.sub("-", brand.lower()).strip("-")
    return slug[:40] or "brand"


def incident_id_for(brand: str, detected_bucket: datetime) -> str:
    """Deterministic, so a replayed detection opens the same incident and starts no second execution.

    It doubles as the Step Functions execution name (at most 80 of `[A-Za-z0-9_-]`).
    """
    return f"inc-{brand_slug(brand)}-{detected_bucket.strftime('%Y%m%dT%H%MZ')}"


@dataclass
class Incident:
    incident_id: str
    brand: str
    severity: Severity
    opened_at: datetime
    detected_bucket: datetime
    detected_at: datetime | None = None
    """Event time of the detection: the newest mention the detector had seen (scenario time in a replay)."""
    status: IncidentStatus = IncidentStatus.ESCALATING
    summary: str = ""
    explanation: dict[str, Any] = field(default_factory=dict)
    crisis_types: tuple[str, ...] = ()
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    execution_arn: str | None = None
    owner: str | None = None
    """Who acknowledged (or approved) it: monitoring and review go to this person."""
    route: dict[str, Any] = field(default_factory=dict)
    """The tiers told, round by round, as the policy routed it (kept for the review)."""
    drafts: list[dict[str, Any]] = field(default_factory=list)
    """Statements offered for approval, filled from the facts; revisions are appended."""
    statement: dict[str, Any] | None = None
    """The approved statement: the draft, who approved it and when; later where it was published."""
    checklist: dict[str, dict[str, str]] = field(default_factory=dict)
    """Checklist item -> {"by": actor, "at": ISO time}, ticked by the flow or from a responder's page."""
    resolved_at: datetime | None = None
    review: dict[str, Any] | None = None

    @property
    def rounds(self) -> list[dict[str, Any]]:
        """The route's rounds as planned: `{"tiers": [...], "response_seconds": n}`, round 1 first."""
        rounds = self.route.get("rounds") if self.route else None
        return rounds if isinstance(rounds, list) else []

    def tiers_of_round(self, number: int) -> list[str]:
        """The tiers told in round `number` (counted from 1); none for a round the route does not have."""
        rounds = self.rounds
        return list(rounds[number - 1].get("tiers", [])) if 1 <= number <= len(rounds) else []

    def facts(self) -> dict[str, Any]:
        """What the state machine carries: small, JSON-safe."""
        return {
            "incident_id": self.incident_id,
            "brand": self.brand,
            "severity": self.severity.value,
            "summary": self.summary,
            "crisis_types": list(self.crisis_types),
            "opened_at": to_iso(self.opened_at),
            "detected_bucket": to_iso(self.detected_bucket),
            "detected_at": to_iso(self.detected_at or self.detected_bucket),
        }


@dataclass(frozen=True)
class IncidentChanges:
    """Fields to set on an incident in one write; None leaves a field as it is."""

    status: IncidentStatus | None = None
    severity: Severity | None = None
    """Set by a raise (`incident.severity_changed`); a person regrades through a decision instead."""
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    owner: str | None = None
    route: dict[str, Any] | None = None
    drafts: list[dict[str, Any]] | None = None
    statement: dict[str, Any] | None = None
    resolved_at: datetime | None = None
    review: dict[str, Any] | None = None


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a manager asked to see; every field left empty matches everything."""

    status: IncidentStatus | None = None
    severity: Severity | None = None
    brand: str = ""
    """Matched case-insensitively anywhere in the brand's name."""
    since: datetime | None = None
    until: datetime | None = None
    """Inclusive: an incident opened on the `until` day is in."""

    @classmethod
    def parse(cls, raw: Mapping[str, str | None]) -> IncidentFilter:
        """From query or command-line values (`status`, `severity`, `brand`, `from`, `to`); dates are
        ISO days or times. A bad value raises ValueError saying which and what is allowed."""

        def text(name: str) -> str:
            return (raw.get(name) or "").strip()

        def day(name: str, end: bool) -> datetime | None:
            value = text(name)
            if not value:
                return None
            try:
                moment = parse_iso(value)
            except ValueError:
                raise ValueError(f"{name} must be a date like 2026-03-02, not {value!r}") from None
            # A bare date means the whole day.
            return (
                moment + timedelta(days=1) - timedelta(microseconds=1) if end and len(value) == 10 else moment
            )

        status, severity = text("status").lower(), text("severity").upper()
        if status and status not in {known.value for known in IncidentStatus}:
            raise ValueError(f"status must be one of {', '.join(s.value for s in IncidentStatus)}")
        if severity and severity not in {known.value for known in Severity}:
            raise ValueError(f"severity must be one of {', '.join(s.value for s in Severity)}")
        return cls(
            status=IncidentStatus(status) if status else None,
            severity=Severity(severity) if severity else None,
            brand=text("brand")[:100],
            since=day("from", end=False),
            until=day("to", end=True),
        )

    def matches(self, incident: Incident) -> bool:
        return (
            (self.status is None or incident.status is self.status)
            and (self.severity is None or incident.severity is self.severity)
            and (not self.brand or self.brand.lower() in incident.brand.lower())
            and (self.since is None or incident.opened_at >= self.since)
            and (self.until is None or incident.opened_at <= self.until)
        )
