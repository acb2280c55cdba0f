"""Incidents: one detected crisis and the decisions taken on it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..clock import parse_iso, to_iso
from ..detection.severity import Severity, more_severe
from ..errors import InvalidRequestError
from .audit import AuditEvent, AuditKind
from .checklist import ChecklistItem

if TYPE_CHECKING:  # the statements (and the taxonomy under them) load only where drafts are read
    from .statements import Draft

NOTE_LIMIT = 1_000
"""Characters kept of a note on a decision or a review: a sentence or two, not a document."""


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

CLOSED_STATUSES = frozenset(
    {
        IncidentStatus.REVIEWED,
        IncidentStatus.DISMISSED,
        IncidentStatus.UNANSWERED,
        IncidentStatus.FAILED,
    }
)
"""Statuses that need nobody any more. A resolved incident still waits on its owner's review, so it is
not closed."""


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


SYSTEM = "crisiswatch"
"""The actor of what the flow does by itself, in the audit trail and the checklist."""


@dataclass(frozen=True)
class RoutedRound:
    """One round of the route as planned: the tiers told at once and how long they have to answer."""

    tiers: tuple[str, ...]
    response_seconds: int

    def to_dict(self) -> dict[str, Any]:
        return {"tiers": list(self.tiers), "response_seconds": self.response_seconds}


@dataclass(frozen=True)
class IncidentRoute:
    """The tiers told, round by round, as the policy routed it (kept for the review)."""

    rounds: tuple[RoutedRound, ...] = ()
    includes_legal: bool = False
    """Legal is on the route, so legal review is on the checklist."""
    minute_seconds: int | None = None
    """How long a policy minute lasted when it was routed: 60 in production, 1 in a drill (a report reads
    a drill's seconds as the policy minutes they stand for). None on incidents routed before it was kept."""

    @property
    def time_scale(self) -> float:
        """Policy seconds per response second."""
        if self.minute_seconds is not None and 0 < self.minute_seconds <= 60:
            return 60.0 / float(self.minute_seconds)
        return 1.0

    def to_dict(self) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "rounds": [planned.to_dict() for planned in self.rounds],
            "includes_legal": self.includes_legal,
        }
        if self.minute_seconds is not None:
            stored["minute_seconds"] = self.minute_seconds
        return stored

    @classmethod
    def from_dict(cls, data: object) -> IncidentRoute | None:
        """The stored route; None for an incident not routed yet (stored as `{}`)."""
        if not isinstance(data, Mapping) or not data:
            return None
        rounds = data.get("rounds")
        minute = data.get("minute_seconds")
        return cls(
            rounds=tuple(
                RoutedRound(
                    tiers=tuple(str(tier) for tier in planned.get("tiers") or ()),
                    response_seconds=int(planned.get("response_seconds") or 0),
                )
                for planned in (rounds if isinstance(rounds, list) else [])
                if isinstance(planned, Mapping)
            ),
            includes_legal=bool(data.get("includes_legal")),
            minute_seconds=minute if isinstance(minute, int) and not isinstance(minute, bool) else None,
        )


@dataclass(frozen=True)
class ApprovedStatement:
    """The approved draft, who approved it and when; once it is out, where and when it was published."""

    draft: Draft
    approved_by: str
    approved_at: datetime | None
    ref: str | None = None
    """The publisher's reference: set once the statement is out (publishing twice is refused by it)."""
    publisher: str | None = None
    published_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        stored: dict[str, Any] = {
            **self.draft.to_dict(),
            "approved_by": self.approved_by,
            "approved_at": to_iso(self.approved_at) if self.approved_at else None,
        }
        if self.ref is not None:
            stored["ref"] = self.ref
            stored["publisher"] = self.publisher
            stored["published_at"] = to_iso(self.published_at) if self.published_at else None
        return stored

    @classmethod
    def from_dict(cls, data: object) -> ApprovedStatement | None:
        """The stored statement; None for none, or for one whose kind or channel this code does not know
        (a table edited by hand): such a statement can be neither shown as approved nor published."""
        if not isinstance(data, Mapping) or not data:
            return None
        try:
            from .statements import Draft  # noqa: PLC0415

            draft = Draft.from_stored(data)
        except ValueError:
            return None
        ref, published_at = data.get("ref"), data.get("published_at")
        return cls(
            draft=draft,
            approved_by=str(data.get("approved_by") or ""),
            approved_at=_stored_time(data.get("approved_at")),
            ref=str(ref) if ref else None,
            publisher=str(data["publisher"]) if data.get("publisher") else None,
            published_at=_stored_time(published_at),
        )


@dataclass(frozen=True)
class Review:
    """The post-crisis review: started when the incident is resolved, done when its owner confirms it."""

    response_seconds: dict[str, int] | None = None
    """Seconds from the incident's opening to each checklist milestone reached by the resolution."""
    resolved_by: str | None = None
    done_by: str | None = None
    done_at: datetime | None = None
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        if self.response_seconds is not None:
            stored["response_seconds"] = dict(self.response_seconds)
        if self.resolved_by is not None:
            stored["resolved_by"] = self.resolved_by
        if self.done_by is not None:
            stored["done_by"] = self.done_by
            stored["done_at"] = to_iso(self.done_at) if self.done_at else None
            stored["notes"] = self.notes
        return stored

    @classmethod
    def from_dict(cls, data: object) -> Review | None:
        if not isinstance(data, Mapping) or not data:
            return None
        times = data.get("response_seconds")
        return cls(
            response_seconds=(
                {str(item): int(seconds) for item, seconds in times.items()}
                if isinstance(times, Mapping)
                else None
            ),
            resolved_by=str(data["resolved_by"]) if data.get("resolved_by") is not None else None,
            done_by=str(data["done_by"]) if data.get("done_by") is not None else None,
            done_at=_stored_time(data.get("done_at")),
            notes=str(data.get("notes") or ""),
        )


def _stored_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


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
    route: IncidentRoute | None = None
    """The tiers told, round by round, as the policy routed it; None until it is routed."""
    drafts: tuple[Draft, ...] = ()
    """Statements offered for approval, filled from the facts; revisions are appended."""
    statement: ApprovedStatement | None = None
    checklist: dict[str, dict[str, str]] = field(default_factory=dict)
    """Checklist item -> {"by": actor, "at": ISO time}, ticked by the flow or from a responder's page."""
    resolved_at: datetime | None = None
    review: Review | None = None

    @property
    def rounds(self) -> tuple[RoutedRound, ...]:
        """The route's rounds as planned, round 1 first."""
        return self.route.rounds if self.route else ()

    @property
    def includes_legal(self) -> bool:
        return bool(self.route and self.route.includes_legal)

    def tiers_of_round(self, number: int) -> list[str]:
        """The tiers told in round `number` (counted from 1); none for a round the route does not have."""
        rounds = self.rounds
        return list(rounds[number - 1].tiers) if 1 <= number <= len(rounds) else []

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

    # Status changes. Each returns what to write, the checklist items it ticks and its audit entries; the
    # use case writes them (the incident itself is never changed in place). `detail` is what the caller
    # knows of the moment (the phase, the tier) and goes into the audit entry.

    def offered(self, key: str) -> Draft:
        """The draft offered under `key`; InvalidRequestError for one that was never offered."""
        for draft in self.drafts:
            if draft.key == key:
                return draft
        raise InvalidRequestError(f"no statement {key!r} was offered for {self.incident_id}")

    def hold(self, reason: str, until: datetime) -> Transition:
        """A maintenance window holds it back; recorded once, however often it is assessed while held."""
        if self.status is IncidentStatus.HELD:
            return Transition()
        return Transition(
            IncidentChanges(status=IncidentStatus.HELD),
            events=(
                AuditEvent(AuditKind.INCIDENT_HELD, SYSTEM, {"reason": reason, "until": until.isoformat()}),
            ),
        )

    def routed(self, route: IncidentRoute, drafts: Sequence[Draft]) -> Transition:
        """Routed by the policy, with the statements to offer (the ones offered before are kept)."""
        offered = tuple(self.drafts) or tuple(drafts)
        rounds = [planned.to_dict() for planned in route.rounds]
        return Transition(
            IncidentChanges(status=IncidentStatus.ESCALATING, route=route, drafts=offered),
            ticks=((ChecklistItem.FACTS_GATHERED, SYSTEM),),
            events=(
                AuditEvent(
                    AuditKind.INCIDENT_ROUTED,
                    SYSTEM,
                    {
                        "severity": self.severity.value,
                        "crisis_types": list(self.crisis_types),
                        "rounds": rounds,
                        "includes_legal": route.includes_legal,
                        "statements": [draft.key for draft in offered],
                    },
                ),
            ),
        )

    def acknowledge(self, by: str, detail: dict[str, Any]) -> Transition:
        return Transition(
            IncidentChanges(status=IncidentStatus.ACKNOWLEDGED, owner=by),
            ticks=((ChecklistItem.ACKNOWLEDGED, by),),
            events=(AuditEvent(AuditKind.INCIDENT_ACKNOWLEDGED, by, detail),),
        )

    def approve(self, key: str, by: str, at: datetime, detail: dict[str, Any]) -> Transition:
        draft = self.offered(key)
        return Transition(
            IncidentChanges(
                status=IncidentStatus.APPROVED,
                owner=self.owner or by,
                statement=ApprovedStatement(draft, approved_by=by, approved_at=at),
                decision=Decision.APPROVE.value,
                decided_by=by,
                decided_at=at,
            ),
            ticks=((ChecklistItem.ACKNOWLEDGED, by), (ChecklistItem.STATEMENT_APPROVED, by)),
            events=(
                AuditEvent(
                    AuditKind.STATEMENT_APPROVED,
                    by,
                    {**detail, "statement": draft.key, "channel": draft.channel.value, "text": draft.text},
                ),
            ),
        )

    def request_changes(
        self, key: str, revised_text: str, note: str, by: str, detail: dict[str, Any]
    ) -> Transition:
        """A revised statement becomes a draft of its own, offered for approval next."""
        from .statements import Draft, StatementsError  # noqa: PLC0415

        base = self.offered(key)
        count = sum(1 for draft in self.drafts if draft.revised_by)
        try:
            revision = Draft.from_dict(
                {
                    **base.to_dict(),
                    "key": f"revision-{count + 1}",
                    "label": f"{base.label or base.key}, revised by {by}",
                    "revised_by": by,
                }
            ).revised(revised_text, by)
            # Tidied and checked again (the page did it already): a decision may reach the workflow by
            # another road, and only a clean text may be offered for approval.
        except StatementsError as error:
            raise InvalidRequestError(str(error)) from error
        return Transition(
            IncidentChanges(drafts=(*self.drafts, revision)),
            events=(
                AuditEvent(
                    AuditKind.STATEMENT_CHANGES_REQUESTED,
                    by,
                    {
                        **detail,
                        "of": key,
                        "revision": revision.key,
                        "text": revision.text,
                        "note": note[:NOTE_LIMIT],
                    },
                ),
            ),
        )

    def dismiss(self, by: str, at: datetime, detail: dict[str, Any]) -> Transition:
        return Transition(
            IncidentChanges(
                status=IncidentStatus.DISMISSED, decision=Decision.DISMISS.value, decided_by=by, decided_at=at
            ),
            events=(AuditEvent(AuditKind.INCIDENT_DISMISSED, by, detail),),
        )

    def escalate(self, by: str, detail: dict[str, Any]) -> Transition:
        """Someone asked for the next tier now: nothing changes on the incident, the plan moves on."""
        return Transition(events=(AuditEvent(AuditKind.INCIDENT_ESCALATED, by, detail),))

    def publish(self, text: str, reference: str, publisher: str, at: datetime) -> Transition:
        """The approved statement is out (as `text`: tidied once more on the way)."""
        if self.statement is None:
            raise InvalidRequestError(f"{self.incident_id} has no approved statement")
        statement = self.statement
        published = replace(
            statement,
            draft=replace(statement.draft, text=text),
            ref=reference,
            publisher=publisher,
            published_at=at,
        )
        channel = statement.draft.channel.value
        return Transition(
            IncidentChanges(status=IncidentStatus.PUBLISHED, statement=published),
            ticks=((ChecklistItem.PUBLISHED, SYSTEM),),
            events=(
                AuditEvent(
                    AuditKind.STATEMENT_PUBLISHED,
                    SYSTEM,
                    {"channel": channel, "ref": reference, "text": text},
                ),
            ),
        )

    def start_monitoring(self, calm_seconds: int) -> Transition:
        return Transition(
            IncidentChanges(status=IncidentStatus.MONITORING),
            ticks=((ChecklistItem.MONITORING, SYSTEM),),
            events=(AuditEvent(AuditKind.MONITORING_STARTED, SYSTEM, {"calm_seconds": calm_seconds}),),
        )

    def response_times(self, now: datetime) -> dict[str, int]:
        """Seconds from the incident's opening to each checklist milestone reached so far."""
        times = {}
        for item, done in self.checklist.items():
            at = done.get("at")
            if at:
                times[item] = int((parse_iso(at) - self.opened_at).total_seconds())
        times[ChecklistItem.RESOLVED.value] = int((now - self.opened_at).total_seconds())
        return times

    def resolve(self, by: str, at: datetime) -> Transition:
        """Resolved by a person or, when `by` is the system, by calm; the review record starts."""
        review = Review(response_seconds=self.response_times(at), resolved_by=by)
        return Transition(
            IncidentChanges(status=IncidentStatus.RESOLVED, resolved_at=at, review=review),
            ticks=((ChecklistItem.RESOLVED, by),),
            events=(
                AuditEvent(
                    AuditKind.INCIDENT_RESOLVED, by, {"how": "by a person" if by != SYSTEM else "calm"}
                ),
            ),
        )

    def complete_review(self, by: str, at: datetime, notes: str) -> Transition:
        review = replace(self.review or Review(), done_by=by, done_at=at, notes=notes[:NOTE_LIMIT])
        return Transition(
            IncidentChanges(status=IncidentStatus.REVIEWED, review=review),
            ticks=((ChecklistItem.REVIEW_DONE, by),),
            events=(AuditEvent(AuditKind.REVIEW_DONE, by, {"notes": review.notes}),),
        )

    def unanswered(self, at: datetime) -> Transition:
        """Every tier stayed silent."""
        return Transition(
            IncidentChanges(
                status=IncidentStatus.UNANSWERED, decision="unanswered", decided_by="nobody", decided_at=at
            ),
            events=(AuditEvent(AuditKind.INCIDENT_UNANSWERED, SYSTEM, {}),),
        )

    def fail(self, summary: dict[str, Any]) -> Transition:
        """A step kept failing: people take over by hand."""
        return Transition(
            IncidentChanges(status=IncidentStatus.FAILED),
            events=(AuditEvent(AuditKind.ESCALATION_FAILED, SYSTEM, summary),),
        )

    def raise_severity(self, to: Severity, reason: str) -> Transition:
        """The detector saw it grow; only ever up (a person may have regraded it higher already)."""
        if not more_severe(to, self.severity):
            return Transition()
        detail = {"from": self.severity.value, "to": to.value, "reason": reason}
        return Transition(
            IncidentChanges(severity=to),
            events=(AuditEvent(AuditKind.INCIDENT_SEVERITY_CHANGED, "detector", detail),),
        )


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
    route: IncidentRoute | None = None
    drafts: tuple[Draft, ...] | None = None
    statement: ApprovedStatement | None = None
    resolved_at: datetime | None = None
    review: Review | None = None

    def __bool__(self) -> bool:
        """Whether there is anything to write."""
        return self != IncidentChanges()


@dataclass(frozen=True)
class Transition:
    """A change of an incident: the fields to write, the checklist items it ticks (with who ticked them)
    and its audit entries, written in that order."""

    changes: IncidentChanges = field(default_factory=IncidentChanges)
    ticks: tuple[tuple[ChecklistItem, str], ...] = ()
    events: tuple[AuditEvent, ...] = ()


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
