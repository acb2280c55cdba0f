"""The interfaces the use cases need. Adapters implement them for AWS; tests implement them in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from .breaker import CircuitBreaker, SourceHealth
from .domain.detection.detector import BucketStats, Detector, DetectorState
from .domain.detection.scoring import MentionScore
from .domain.listening.mentions import Mention
from .domain.response.audit import AuditKind
from .domain.response.incidents import Incident, IncidentChanges
from .domain.response.links import ActionLink, DecisionRequest
from .domain.review.timeline import AuditEntry, HistoryEvent

if TYPE_CHECKING:  # the policy and the statements (TOML files) load only where they are used
    from .domain.response.crisis_plan import Timing
    from .domain.response.policy import EscalationPolicy
    from .domain.response.statements import StatementLibrary
    from .domain.speech import Locales, Speech


@dataclass(frozen=True)
class FetchResult:
    """A page of mentions from a source, the cursor to save once they are stored, and what was rejected."""

    mentions: Sequence[Mention]
    next_cursor: str | None
    rejected: Sequence[tuple[str, str]] = field(default_factory=tuple)
    """(raw item, reason) pairs that could not be normalised."""


class MentionSource(Protocol):
    name: str

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        """Mentions published after `cursor` and no later than `now`."""
        ...


class MentionStore(Protocol):
    def add(self, mention: Mention, syndicated_of: str | None = None) -> bool:
        """Store unless (source, id) is already there; True if it was new."""
        ...


class StoryIndex(Protocol):
    def claim(self, keys: Sequence[str], mention_id: str) -> str | None:
        """Register `mention_id` as the first copy under each key it is first for; return the mention id
        of an earlier copy if any key was already taken (this mention is then a syndicated copy)."""
        ...


class SourceHealthStore(Protocol):
    def get(self, key: str) -> SourceHealth: ...

    def put(self, key: str, health: SourceHealth) -> None: ...


class QuarantineStore(Protocol):
    def put(self, source: str, raw: str, reason: str) -> None: ...


class CursorStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, cursor: str) -> None: ...


class UsageStore(Protocol):
    """Counters for budgets that must never be exceeded (X reads per month, YouTube units per day)."""

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        """Add `amount` to counter `key` unless that would pass `limit`, atomically; True if reserved."""
        ...

    def used(self, key: str) -> int: ...


class AggregateStore(Protocol):
    def record_batch(self, scored: Sequence[tuple[Mention, MentionScore]]) -> int:
        """Add each mention to its bucket exactly once, atomically with the mark that it was counted
        (its hash in its group's ledger).

        Returns how many were new; mentions counted before (a replayed stream record) are skipped.
        """
        ...

    def buckets(self, brand: str, first: datetime, last: datetime) -> dict[datetime, BucketStats]:
        """Buckets of `brand` from `first` to `last` inclusive that have any mention."""
        ...


@dataclass(frozen=True)
class StoredDetector:
    """A brand's detector as one read finds it."""

    state: DetectorState
    version: int | None
    """None when the brand is new."""
    open_incident_id: str | None = None
    """The incident holding the brand (its lock), if any: one runs."""


class DetectorStateStore(Protocol):
    def load(self, brand: str) -> tuple[DetectorState, int | None]:
        """The state and its version (None when the brand is new)."""
        ...

    def read(self, brand: str) -> StoredDetector:
        """The state, its version and the brand's lock, in one read (a scoring batch reads no more)."""
        ...

    def save(self, brand: str, state: DetectorState, version: int | None) -> bool:
        """Save if nobody saved since `version`; False on a lost race."""
        ...


class IncidentStore(Protocol):
    def open(self, incident: Incident) -> bool:
        """Create the incident unless the brand already has one open; True if this call opened it."""
        ...

    def get(self, incident_id: str) -> Incident | None: ...

    def update(self, incident_id: str, changes: IncidentChanges) -> Incident:
        """Apply the changes and return the incident as it now is; unknown incidents raise."""
        ...

    def tick(self, incident_id: str, item: str, by: str, at: datetime) -> bool:
        """Tick a checklist item once; False if it was ticked already (the first tick is the record)."""
        ...

    def set_execution(self, incident_id: str, execution_arn: str) -> None: ...

    def close(self, incident: Incident) -> None:
        """Release the brand's one-open-incident slot."""
        ...

    def list(self, limit: int = 100) -> list[Incident]: ...


class DetectorFeedback(Protocol):
    def false_alarm(self, brand: str, incident_id: str, decided_by: str, at: datetime) -> None:
        """Remember that people judged this alert a false alarm (kept with the brand's detector state)."""
        ...


class AuditLog(Protocol):
    def record(
        self, incident_id: str, kind: AuditKind, actor: str, detail: dict[str, Any], at: datetime
    ) -> None: ...


class AuditTrail(Protocol):
    def read(self, incident_id: str) -> list[AuditEntry]:
        """Every entry of the incident's trail, oldest first."""
        ...


class ExecutionHistory(Protocol):
    def events(self, execution_arn: str) -> Iterator[HistoryEvent]:
        """Every event of the execution, oldest first (paged underneath; thousands are normal). Nothing
        when Step Functions no longer keeps it (90 days after the run)."""
        ...


class ReportStore(Protocol):
    def put(self, incident_id: str, files: dict[str, tuple[bytes, str]]) -> str:
        """Store a report's files (name -> (content, media type)); returns where they are."""
        ...


class ActionLinkStore(Protocol):
    def open_request(self, request: DecisionRequest, task_token: str) -> None:
        """Store a request, bound to the wait it resumes, as its incident's current request."""
        ...

    def rebind(self, notification_id: str, task_token: str, expires_at: datetime) -> None:
        """Move a request to a new wait (a reminder, a monitoring re-check): its links keep working."""
        ...

    def close_request(self, notification_id: str, at: datetime) -> None:
        """The wait the request was asked for is over for good (its time ran out, the incident moved
        on): its links expire at `at` if they would expire later. The state machine decides when a
        request ends; the links follow it instead of comparing clocks."""
        ...

    def current_request(self, incident_id: str) -> DecisionRequest | None: ...

    def request(self, notification_id: str) -> DecisionRequest | None: ...

    def task_token(self, notification_id: str) -> str | None: ...

    def add(self, link: ActionLink) -> None: ...

    def get(self, key: str) -> ActionLink | None: ...

    def claim(self, link: ActionLink, decision: str, decided_by: str, at: datetime) -> bool:
        """Atomically take the decision for this link's notification; False if someone already did."""
        ...

    def release(self, link: ActionLink) -> None:
        """Undo a claim whose decision could not be delivered, so the link works again."""
        ...

    def decision_for(self, notification_id: str) -> ActionLink | None:
        """The link whose click decided this notification, if any."""
        ...


@dataclass(frozen=True)
class OutboundMessage:
    recipient: str
    """A contact id: the SNS filter policy routes the message to that person's email and phone only."""
    subject: str
    email_body: str
    sms_body: str


class Notifier(Protocol):
    def send(self, messages: Iterable[OutboundMessage]) -> None: ...


class CommsChannel(Protocol):
    def announce(self, subject: str, body: str) -> None:
        """Tell the internal comms channel (a topic the whole team follows)."""
        ...


class StatementPublisher(Protocol):
    """Posts an approved statement to a platform. The shipped implementation records the post; a team
    wires its own platform accounts behind this interface."""

    name: str

    def post(self, incident_id: str, channel: str, text: str, at: datetime) -> str:
        """Post and return the platform's reference for it."""
        ...


class FanOut(Protocol):
    def dispatch(self, payload: dict[str, Any]) -> None:
        """Run one fetch asynchronously (FetchSourceFunction)."""
        ...


class PlanStarter(Protocol):
    def start(self, incident: Incident) -> str | None:
        """Start the incident's execution (named by its id); the ARN, or None if it already existed."""
        ...


class TaskCallbacks(Protocol):
    def succeed(self, task_token: str, output: dict[str, Any]) -> bool:
        """Resume the waiting execution; False if the token expired or was already used."""
        ...


class AuditStore(AuditLog, AuditTrail, Protocol):
    """The audit table: written by the flow, read by reports."""


# ----- what each use case reads from its container ---------------------------------------------------
# The composition root (`wiring.Services`) and the tests' `FakeServices` both provide these; mypy checks
# each against them. Read-only properties, so a lazily built adapter and a plain attribute both fit.


class IngestPorts(Protocol):
    @property
    def cursors(self) -> CursorStore: ...
    @property
    def mentions(self) -> MentionStore: ...
    @property
    def quarantine(self) -> QuarantineStore: ...
    @property
    def stories(self) -> StoryIndex: ...
    @property
    def source_health(self) -> SourceHealthStore: ...
    @property
    def breaker(self) -> CircuitBreaker: ...


class DetectionPorts(Protocol):
    @property
    def detector(self) -> Detector: ...
    @property
    def aggregates(self) -> AggregateStore: ...
    @property
    def detector_states(self) -> DetectorStateStore: ...
    @property
    def incidents(self) -> IncidentStore: ...
    @property
    def audit(self) -> AuditLog: ...


class Localising(Protocol):
    """Who reads which language, and speech in one (translations and formats in the team's zone)."""

    @property
    def locales(self) -> Locales: ...
    def speech(self, language: str) -> Speech: ...


class PlanPorts(Localising, Protocol):
    """The crisis plan: its tasks from start to review."""

    @property
    def policy(self) -> EscalationPolicy: ...
    @property
    def statements(self) -> StatementLibrary: ...
    @property
    def timing(self) -> Timing: ...
    @property
    def action_base_url(self) -> str: ...
    @property
    def incidents(self) -> IncidentStore: ...
    @property
    def links(self) -> ActionLinkStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def notifier(self) -> Notifier: ...
    @property
    def detector_feedback(self) -> DetectorFeedback: ...
    @property
    def detector_states(self) -> DetectorStateStore: ...
    @property
    def publisher(self) -> StatementPublisher: ...
    @property
    def comms(self) -> CommsChannel: ...
    @property
    def workflow(self) -> PlanStarter: ...


class LinkPorts(Localising, Protocol):
    """The pages behind action links."""

    @property
    def links(self) -> ActionLinkStore: ...
    @property
    def incidents(self) -> IncidentStore: ...
    @property
    def workflow(self) -> TaskCallbacks: ...
    @property
    def audit(self) -> AuditLog: ...
    def link_secret(self) -> bytes: ...


class ReportPorts(Localising, Protocol):
    """What an incident's page and report read, and where reports are written."""

    @property
    def incidents(self) -> IncidentStore: ...
    @property
    def audit(self) -> AuditTrail: ...
    @property
    def history(self) -> ExecutionHistory: ...
    @property
    def aggregates(self) -> AggregateStore: ...
    @property
    def links(self) -> ActionLinkStore: ...
    @property
    def reports(self) -> ReportStore: ...
