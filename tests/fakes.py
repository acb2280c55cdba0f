"""In-memory implementations of every port in `crisiswatch.ports`, honouring the same contracts as the
DynamoDB/SNS/Step Functions adapters (conditional adds, single-winner claims, one open incident per brand,
optimistic locking), plus a deterministic sentiment analyzer and a `Services`-like bundle for handlers.

Every fake copies what it stores and what it returns, so a caller mutating a returned object cannot change
the "table" behind it: the same isolation a real database gives.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crisiswatch.breaker import CircuitBreaker, SourceHealth
from crisiswatch.config import Settings, Tables
from crisiswatch.config_files.policy import parse_policy
from crisiswatch.domain.clock import bucket_start, to_iso
from crisiswatch.domain.detection.detector import (
    BucketStats,
    CrisisDetector,
    Detector,
    DetectorState,
    TypeTally,
    tally_type,
)
from crisiswatch.domain.detection.scoring import MentionScore
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.detection.taxonomy import Taxonomy, default_taxonomy
from crisiswatch.domain.errors import IncidentNotFoundError, TransientError
from crisiswatch.domain.listening.language import LanguageResolver
from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.domain.response.crisis_plan import Timing
from crisiswatch.domain.response.incidents import (
    ApprovedStatement,
    Incident,
    IncidentChanges,
    IncidentRoute,
    Review,
    incident_id_for,
)
from crisiswatch.domain.response.links import ActionLink, DecisionRequest, LinkState
from crisiswatch.domain.response.policy import EscalationPolicy
from crisiswatch.domain.response.statements import Draft, StatementLibrary, default_statements
from crisiswatch.domain.review import timeline
from crisiswatch.domain.speech import Locales, Speech
from crisiswatch.i18n import speech
from crisiswatch.ports import FetchResult, OutboundMessage, StoredDetector
from crisiswatch.wiring import Container


class StoreDownError(RuntimeError):
    """What a fake raises when told to fail, standing in for a DynamoDB outage."""


# ----- ingest ---------------------------------------------------------------------------------------


class FakeMentionSource:
    """Serves pre-set pages keyed by the cursor it is given."""

    def __init__(self, name: str, pages: dict[str | None, FetchResult]) -> None:
        self.name = name
        self.pages = pages
        self.calls: list[tuple[str | None, datetime]] = []

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.calls.append((cursor, now))
        return self.pages.get(cursor, FetchResult((), cursor))


class FakeMentionStore:
    def __init__(self) -> None:
        self.items: dict[str, Mention] = {}
        self.fail_after: int | None = None
        """Raise on the write after this many successful ones (None: never)."""
        self.writes = 0
        self.syndicated: dict[str, str] = {}

    def add(self, mention: Mention, syndicated_of: str | None = None) -> bool:
        if self.fail_after is not None and self.writes >= self.fail_after:
            raise StoreDownError("mentions table unavailable")
        self.writes += 1
        if mention.mention_id in self.items:
            return False
        self.items[mention.mention_id] = copy.deepcopy(mention)
        if syndicated_of:
            self.syndicated[mention.mention_id] = syndicated_of
        return True


class FakeStoryIndex:
    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def claim(self, keys: Sequence[str], mention_id: str) -> str | None:
        earlier = None
        for key in keys:
            owner = self.owners.setdefault(key, mention_id)
            if owner != mention_id:
                earlier = earlier or owner
        return earlier


class FakeUsageStore:
    def __init__(self) -> None:
        self.counters: dict[str, int] = {}

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        if self.counters.get(key, 0) + amount > limit:
            return False
        self.counters[key] = self.counters.get(key, 0) + amount
        return True

    def used(self, key: str) -> int:
        return self.counters.get(key, 0)


class FakeSourceHealthStore:
    def __init__(self) -> None:
        self.items: dict[str, SourceHealth] = {}

    def get(self, key: str) -> SourceHealth:
        return copy.deepcopy(self.items.get(key, SourceHealth()))

    def put(self, key: str, health: SourceHealth) -> None:
        self.items[key] = copy.deepcopy(health)


class FakeQuarantineStore:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def put(self, source: str, raw: str, reason: str) -> None:
        self.items.append((source, raw, reason))


class FakeCursorStore:
    def __init__(self) -> None:
        self.cursors: dict[str, str] = {}
        self.puts = 0

    def get(self, key: str) -> str | None:
        return self.cursors.get(key)

    def put(self, key: str, cursor: str) -> None:
        self.puts += 1
        self.cursors[key] = cursor


# ----- detection ------------------------------------------------------------------------------------


@dataclass
class _Counter:
    volume: int = 0
    negative: int = 0
    scored: int = 0
    negative_reach: int = 0
    crisis_types: dict[str, int] = field(default_factory=dict)
    type_tallies: dict[str, TypeTally] = field(default_factory=dict)


class FakeAggregateStore:
    """Counters per (brand, bucket, source) and a seen-set that makes counting idempotent."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, datetime, str], _Counter] = {}
        self.seen: set[str] = set()

    def record_batch(self, scored: Sequence[tuple[Mention, MentionScore]]) -> int:
        return sum(self._record(mention, score) for mention, score in scored)

    def _record(self, mention: Mention, score: MentionScore) -> bool:
        if mention.mention_id in self.seen:
            return False
        self.seen.add(mention.mention_id)
        key = (mention.brand, bucket_start(mention.created_at), score.source)
        counter = self.counters.setdefault(key, _Counter())
        counter.volume += 1
        counter.negative += 1 if score.negative else 0
        counter.scored += 0 if score.compound is None else 1
        counter.negative_reach += score.reach if score.negative else 0
        for crisis_type in score.crisis_types:
            counter.crisis_types[crisis_type] = counter.crisis_types.get(crisis_type, 0) + 1
            counter.type_tallies[crisis_type] = tally_type(
                counter.type_tallies.get(crisis_type), mention, score
            )
        return True

    def buckets(self, brand: str, first: datetime, last: datetime) -> dict[datetime, BucketStats]:
        totals: dict[datetime, BucketStats] = {}
        for (item_brand, moment, source), counter in sorted(self.counters.items()):
            if item_brand != brand or not first <= moment <= last:
                continue
            total = totals.get(moment, BucketStats(bucket=moment))
            crisis_types = {key: dict(value) for key, value in total.crisis_types.items()}
            type_authors = {key: list(value) for key, value in total.type_authors.items()}
            type_positive, type_reach = dict(total.type_positive), dict(total.type_reach)
            type_negative, type_scored = dict(total.type_negative), dict(total.type_scored)
            for crisis_type, count in counter.crisis_types.items():
                crisis_types.setdefault(crisis_type, {})[source] = count
                tally = counter.type_tallies.get(crisis_type)
                if tally is None:
                    continue
                slots = set(type_authors.get(crisis_type, ())) | tally.authors
                type_authors[crisis_type] = sorted(slots)
                type_positive[crisis_type] = type_positive.get(crisis_type, 0) + tally.positive
                type_negative[crisis_type] = type_negative.get(crisis_type, 0) + tally.negative
                type_scored[crisis_type] = type_scored.get(crisis_type, 0) + tally.scored
                type_reach[crisis_type] = type_reach.get(crisis_type, 0) + tally.reach
            totals[moment] = BucketStats(
                bucket=moment,
                volume=total.volume + counter.volume,
                negative=total.negative + counter.negative,
                scored=total.scored + counter.scored,
                negative_reach=total.negative_reach + counter.negative_reach,
                sources={**total.sources, source: counter.volume},
                crisis_types=crisis_types,
                type_authors=type_authors,
                type_positive=type_positive,
                type_negative=type_negative,
                type_scored=type_scored,
                type_reach=type_reach,
            )
        return totals

    def put_bucket(self, brand: str, stats: BucketStats) -> None:
        """Test helper: set one bucket's totals directly (as one source, or as `stats.sources` says)."""
        sources = stats.sources or {"test": stats.volume}
        for index, (source, volume) in enumerate(sources.items()):
            first = index == 0  # the first source carries the bucket's negativity
            self.counters[(brand, stats.bucket, source)] = _Counter(
                volume,
                stats.negative if first else 0,
                stats.scored if first else 0,
                stats.negative_reach if first else 0,
                {
                    key: per_source[source]
                    for key, per_source in stats.crisis_types.items()
                    if source in per_source
                },
            )


class FakeDetectorStateStore:
    """Versioned states: a save with a stale version loses, like the DynamoDB conditional update."""

    def __init__(self, locks: dict[str, str] | None = None) -> None:
        self.items: dict[str, tuple[dict[str, Any], int]] = {}
        self.locks: dict[str, str] = {} if locks is None else locks
        """Brand -> the incident holding it: `FakeIncidentStore.open_by_brand`, as one item holds both."""
        self.reads = 0
        self.concurrent_writes = 0
        """The next N saves find that another invocation saved first (and lose)."""
        self.saves = 0

    def load(self, brand: str) -> tuple[DetectorState, int | None]:
        if brand not in self.items:
            return DetectorState(), None
        data, version = self.items[brand]
        return DetectorState.from_dict(copy.deepcopy(data)), version

    def read(self, brand: str) -> StoredDetector:
        self.reads += 1
        state, version = self.load(brand)
        return StoredDetector(state, version, self.locks.get(brand))

    def save(self, brand: str, state: DetectorState, version: int | None) -> bool:
        if self.concurrent_writes:
            self.concurrent_writes -= 1
            current = self.items.get(brand, (DetectorState().to_dict(), 0))
            self.items[brand] = (current[0], current[1] + 1)
        current_version = self.items[brand][1] if brand in self.items else None
        if current_version != version:
            return False
        self.saves += 1
        self.items[brand] = (copy.deepcopy(state.to_dict()), (version or 0) + 1)
        return True

    def state(self, brand: str) -> DetectorState:
        return self.load(brand)[0]


class FakeIncidentStore:
    def __init__(self) -> None:
        self.items: dict[str, Incident] = {}
        self.open_by_brand: dict[str, str] = {}

    def open(self, incident: Incident) -> bool:
        if incident.brand in self.open_by_brand or incident.incident_id in self.items:
            return False
        self.items[incident.incident_id] = copy.deepcopy(incident)
        self.open_by_brand[incident.brand] = incident.incident_id
        return True

    def get(self, incident_id: str) -> Incident | None:
        found = self.items.get(incident_id)
        return copy.deepcopy(found) if found else None

    def update(self, incident_id: str, changes: IncidentChanges) -> Incident:
        if incident_id not in self.items:
            raise IncidentNotFoundError(incident_id)
        incident = self.items[incident_id]
        for name in IncidentChanges.__dataclass_fields__:
            value = getattr(changes, name)
            if value is not None:
                setattr(incident, name, copy.deepcopy(value))
        return copy.deepcopy(incident)

    def tick(self, incident_id: str, item: str, by: str, at: datetime) -> bool:
        if incident_id not in self.items:
            raise IncidentNotFoundError(incident_id)
        checklist = self.items[incident_id].checklist
        if item in checklist:
            return False
        checklist[item] = {"by": by, "at": to_iso(at)}
        return True

    def set_execution(self, incident_id: str, execution_arn: str) -> None:
        if incident_id not in self.items:
            raise IncidentNotFoundError(incident_id)
        self.items[incident_id].execution_arn = execution_arn

    def close(self, incident: Incident) -> None:
        if self.open_by_brand.get(incident.brand) == incident.incident_id:
            del self.open_by_brand[incident.brand]

    def list(self, limit: int = 100) -> list[Incident]:
        items = sorted(self.items.values(), key=lambda incident: incident.opened_at, reverse=True)
        return [copy.deepcopy(item) for item in items[:limit]]


@dataclass(frozen=True)
class AuditEntry:
    incident_id: str
    kind: str
    actor: str
    detail: dict[str, Any]
    at: datetime


class FakeAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, incident_id: str, kind: str, actor: str, detail: dict[str, Any], at: datetime) -> None:
        # The DynamoDB log stores JSON: anything that would not survive that must not pass here either.
        stored = json.loads(json.dumps(detail, default=str))
        self.entries.append(AuditEntry(incident_id, kind, actor, stored, at))

    def kinds(self, incident_id: str | None = None) -> list[str]:
        return [e.kind for e in self.entries if incident_id is None or e.incident_id == incident_id]

    def read(self, incident_id: str) -> list[timeline.AuditEntry]:
        ordered = sorted((e for e in self.entries if e.incident_id == incident_id), key=lambda e: e.at)
        return [timeline.AuditEntry(e.at, e.kind, e.actor, dict(e.detail)) for e in ordered]


class FakeExecutionHistory:
    def __init__(self) -> None:
        self.histories: dict[str, list[timeline.HistoryEvent]] = {}

    def events(self, execution_arn: str) -> Iterator[timeline.HistoryEvent]:
        yield from self.histories.get(execution_arn, [])


class FakeReportStore:
    def __init__(self) -> None:
        self.reports: dict[str, dict[str, tuple[bytes, str]]] = {}

    def put(self, incident_id: str, files: dict[str, tuple[bytes, str]]) -> str:
        self.reports[incident_id] = dict(files)
        return f"memory://reports/{incident_id}/"


# ----- escalation -----------------------------------------------------------------------------------


class FakeActionLinkStore:
    """Requests with the task token of their wait, links by key, and one decision lock per request."""

    def __init__(self) -> None:
        self.links: dict[str, ActionLink] = {}
        self.requests: dict[str, DecisionRequest] = {}
        self.tokens: dict[str, str] = {}
        """notification id -> the task token of the wait it is bound to."""
        self.current: dict[str, str] = {}
        self.locks: dict[str, tuple[str, datetime]] = {}
        """notification id -> (winning link key, decided at)."""

    def open_request(self, request: DecisionRequest, task_token: str) -> None:
        if request.notification_id in self.requests:
            raise ValueError(f"request {request.notification_id} exists")
        self.requests[request.notification_id] = request
        self.tokens[request.notification_id] = task_token
        self.current[request.incident_id] = request.notification_id

    def rebind(self, notification_id: str, task_token: str, expires_at: datetime) -> None:
        request = self.requests[notification_id]
        self.requests[notification_id] = replace(request, expires_at=expires_at)
        self.tokens[notification_id] = task_token

    def close_request(self, notification_id: str, at: datetime) -> None:
        request = self.requests.get(notification_id)
        if request is not None and request.expires_at > at:
            self.requests[notification_id] = replace(request, expires_at=at)

    def current_request(self, incident_id: str) -> DecisionRequest | None:
        found = self.current.get(incident_id)
        return self.requests.get(found) if found else None

    def request(self, notification_id: str) -> DecisionRequest | None:
        return self.requests.get(notification_id)

    def task_token(self, notification_id: str) -> str | None:
        return self.tokens.get(notification_id)

    def add(self, link: ActionLink) -> None:
        if link.key in self.links:
            raise ValueError(f"link {link.key[:8]} exists")  # the adapter's conditional put fails too
        self.links[link.key] = link

    def get(self, key: str) -> ActionLink | None:
        return self.links.get(key)

    def claim(self, link: ActionLink, decision: str, decided_by: str, at: datetime) -> bool:
        stored = self.links.get(link.key)
        if stored is None or stored.state is not LinkState.PENDING or link.notification_id in self.locks:
            return False
        self.locks[link.notification_id] = (link.key, at)
        self.links[link.key] = replace(
            stored, state=LinkState.USED, decision=decision, decided_by=decided_by, decided_at=at
        )
        return True

    def release(self, link: ActionLink) -> None:
        self.locks.pop(link.notification_id, None)
        stored = self.links[link.key]
        self.links[link.key] = replace(
            stored, state=LinkState.PENDING, decision=None, decided_by=None, decided_at=None
        )

    def decision_for(self, notification_id: str) -> ActionLink | None:
        lock = self.locks.get(notification_id)
        if lock is None:
            return None
        winner = self.links.get(lock[0])
        return replace(winner, decided_at=winner.decided_at or lock[1]) if winner else None

    def snapshot(self) -> tuple[dict[str, ActionLink], dict[str, tuple[str, datetime]]]:
        return dict(self.links), dict(self.locks)


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self.fail = False

    def send(self, messages: Iterable[OutboundMessage]) -> None:
        if self.fail:
            raise StoreDownError("SNS is down")
        self.sent.extend(messages)


class FakeCommsChannel:
    def __init__(self) -> None:
        self.announced: list[tuple[str, str]] = []

    def announce(self, subject: str, body: str) -> None:
        self.announced.append((subject, body))


class FakePublisher:
    name = "fake"

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, str]] = []

    def post(self, incident_id: str, channel: str, text: str, at: datetime) -> str:
        self.posts.append((incident_id, channel, text))
        return f"fake:{len(self.posts)}"


class FakeDetectorFeedback:
    def __init__(self) -> None:
        self.false_alarms: list[tuple[str, str, str]] = []

    def false_alarm(self, brand: str, incident_id: str, decided_by: str, at: datetime) -> None:
        self.false_alarms.append((brand, incident_id, decided_by))


@dataclass
class _Execution:
    name: str
    input: str
    arn: str
    running: bool = True


class FakeStepFunctions:
    """Both sides of Step Functions the code uses: `start` (PlanStarter) and `succeed`
    (TaskCallbacks).

    `start` behaves like the real service (and moto): the same name *and* input while the execution runs
    returns the same ARN again; anything else with a used name is ExecutionAlreadyExists, which the
    adapter turns into None.
    """

    def __init__(self) -> None:
        self.executions: dict[str, _Execution] = {}
        self.succeeded: list[tuple[str, dict[str, Any]]] = []
        self.dead_tokens: set[str] = set()
        self.succeed_plan: list[str] = []
        """Per call, in order: "ok", "dead" (returns False) or "transient" (raises). Empty means "ok"."""

    def start(self, incident: Incident) -> str | None:
        payload = json.dumps({"incident": incident.facts()})
        existing = self.executions.get(incident.incident_id)
        if existing is not None:
            return existing.arn if existing.running and existing.input == payload else None
        arn = f"arn:aws:states:eu-west-1:123456789012:execution:Escalation:{incident.incident_id}"
        self.executions[incident.incident_id] = _Execution(incident.incident_id, payload, arn)
        return arn

    def succeed(self, task_token: str, output: dict[str, Any]) -> bool:
        plan = self.succeed_plan.pop(0) if self.succeed_plan else "ok"
        if plan == "transient":
            raise TransientError("ThrottlingException")
        if plan == "dead" or task_token in self.dead_tokens:
            return False
        self.dead_tokens.add(task_token)  # a token resumes its task once
        self.succeeded.append((task_token, json.loads(json.dumps(output))))
        return True


# ----- scoring --------------------------------------------------------------------------------------

NEGATIVE_WORDS = ("terrible", "awful", "glass", "recall", "scam", "boycott", "sick", "worst", "angry")
POSITIVE_WORDS = ("love", "great", "good", "delicious", "thanks")


class FixedSentiment:
    """One compound score for every text; remembers the texts it read."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.texts: list[str] = []

    def compound(self, text: str) -> float:
        self.texts.append(text)
        return self.value


class FakeSentiment:
    """Keyword sentiment: -0.8 with a negative word, 0.6 with a positive one, else 0."""

    def __init__(self) -> None:
        self.calls = 0

    def compound(self, text: str) -> float:
        self.calls += 1
        lowered = text.lower()
        if any(word in lowered for word in NEGATIVE_WORDS):
            return -0.8
        if any(word in lowered for word in POSITIVE_WORDS):
            return 0.6
        return 0.0


_GERMAN_WORDS_TEXT = """
der die das und ist nicht ich nie wieder war kaffee schrecklich furchtbar katastrophe wir kaufen dort ein
eine heute kalt sehr von mit auf schon
"""
GERMAN_WORDS = frozenset(_GERMAN_WORDS_TEXT.split())


class FakeLanguageIdentifier:
    """A deterministic stand-in for fastText: German when a third of the words are common German
    ones, English for other Latin script, Russian for Cyrillic, Japanese for kana and CJK."""

    def __init__(self) -> None:
        self.calls = 0

    def guesses(self, text: str) -> list[tuple[str, float]]:
        self.calls += 1
        if any("\u0400" <= char <= "\u04ff" for char in text):
            return [("ru", 0.98)]
        if any("\u3040" <= char <= "\u9fff" for char in text):
            return [("ja", 0.97), ("zh", 0.02)]
        words = text.lower().split()
        if words and sum(word in GERMAN_WORDS for word in words) * 3 >= len(words):
            return [("de", 0.95), ("en", 0.03)]
        return [("en", 0.93), ("de", 0.04)]


def fake_languages() -> LanguageResolver:
    return LanguageResolver(FakeLanguageIdentifier())


# ----- handlers -------------------------------------------------------------------------------------

LINK_SECRET = b"test-link-signing-secret-0123456789abcdef"
BASE_URL = "https://k2x9d7q4mb.execute-api.eu-west-1.amazonaws.com/Prod"


TEST_POLICY = """
[tiers.responders]
label = "On-call responders"
response_minutes = 15
reminders_before_minutes = [5]
contacts = [
  { id = "tier1-primary", name = "Tier 1 responder", email = "t1@example.com", phone = "+15555550101" },
  { id = "tier1-backup", name = "Tier 1 backup", email = "t1b@example.com" },
]

[tiers.comms_lead]
label = "Communications lead"
response_minutes = 30
contacts = [{ id = "tier2-primary", name = "Tier 2 decision maker", email = "t2@example.com" }]

[tiers.executive]
label = "Executive on duty"
response_minutes = 30
contacts = [{ id = "exec-duty", name = "Executive", phone = "+15555550103" }]

[tiers.legal]
label = "Legal counsel"
legal = true
response_minutes = 60
contacts = [{ id = "legal-counsel", name = "Legal counsel", email = "legal@example.com" }]

[routes]
SEV1 = ["responders", "comms_lead", "executive"]
SEV2 = ["responders", "comms_lead"]
SEV3 = ["responders", "comms_lead"]

[at_once]
SEV1 = ["executive"]
data_breach = ["legal"]
legal_safety = ["legal"]
"""


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "tables": Tables(),
        "contacts_topic": "arn:aws:sns:eu-west-1:123456789012:contacts",
        "comms_topic": "arn:aws:sns:eu-west-1:123456789012:comms",
        "state_machine_arn": "arn:aws:states:eu-west-1:123456789012:stateMachine:Escalation",
        "action_base_url": BASE_URL,
        "link_secret_name": "unused",
        "replay_bucket": "replays",
        "mention_ttl": timedelta(days=90),
    }
    values.update(overrides)
    return Settings(**values)


class FakeFanOut:
    def __init__(self) -> None:
        self.dispatched: list[dict[str, Any]] = []

    def dispatch(self, payload: dict[str, Any]) -> None:
        self.dispatched.append(payload)


@dataclass
class FakeServices:
    """A `crisiswatch.wiring.Container` (what `Services` provides in AWS), every port of it in memory."""

    settings: Settings = field(default_factory=make_settings)
    mentions: FakeMentionStore = field(default_factory=FakeMentionStore)
    quarantine: FakeQuarantineStore = field(default_factory=FakeQuarantineStore)
    cursors: FakeCursorStore = field(default_factory=FakeCursorStore)
    aggregates: FakeAggregateStore = field(default_factory=FakeAggregateStore)
    detector_states: FakeDetectorStateStore = field(default_factory=FakeDetectorStateStore)
    incidents: FakeIncidentStore = field(default_factory=FakeIncidentStore)
    audit: FakeAuditLog = field(default_factory=FakeAuditLog)
    links: FakeActionLinkStore = field(default_factory=FakeActionLinkStore)
    taxonomy: Taxonomy = field(default_factory=default_taxonomy)
    detector: Detector = field(
        default_factory=lambda: CrisisDetector(type_weights=default_taxonomy().weights)
    )
    sentiment: FakeSentiment = field(default_factory=FakeSentiment)
    languages: LanguageResolver = field(default_factory=fake_languages)
    workflow: FakeStepFunctions = field(default_factory=FakeStepFunctions)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    comms: FakeCommsChannel = field(default_factory=FakeCommsChannel)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    history: FakeExecutionHistory = field(default_factory=FakeExecutionHistory)
    reports: FakeReportStore = field(default_factory=FakeReportStore)
    detector_feedback: FakeDetectorFeedback = field(default_factory=FakeDetectorFeedback)
    policy: EscalationPolicy = field(default_factory=lambda: parse_policy(TEST_POLICY))
    statements: StatementLibrary = field(default_factory=default_statements)
    s3: Any = None
    secret: bytes = LINK_SECRET
    source_health: FakeSourceHealthStore = field(default_factory=FakeSourceHealthStore)
    usage: FakeUsageStore = field(default_factory=FakeUsageStore)
    stories: FakeStoryIndex = field(default_factory=FakeStoryIndex)
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    fan_out: FakeFanOut = field(default_factory=FakeFanOut)
    watchlist: Any = None
    locales: Locales = field(default_factory=Locales)
    source_secrets: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.detector_states.locks = self.incidents.open_by_brand  # one DynamoDB item holds both

    @property
    def timing(self) -> Timing:
        return self.settings.timing

    @property
    def action_base_url(self) -> str:
        return self.settings.action_base_url

    def link_secret(self) -> bytes:
        return self.secret

    def speech(self, language: str) -> Speech:
        return speech(language, self.locales.time_zone)

    def dashboard_password(self) -> str:
        return DASHBOARD_PASSWORD

    def source_secret(self, name: str | None) -> dict[str, str]:
        return self.source_secrets.get(name or "", {})


if TYPE_CHECKING:  # mypy checks every fake against the port it stands in for
    _fakes_fit: Container = FakeServices()


DASHBOARD_PASSWORD = "correct-horse-battery-staple"
"""The password the dashboard's sample events in events/dashboard/ sign in with."""

# ----- builders -------------------------------------------------------------------------------------

T0 = datetime(2024, 5, 23, 12, 0, tzinfo=UTC)
"""A bucket boundary: every test clock starts here."""


def make_mention(
    n: int,
    *,
    brand: str = "Acme Coffee",
    source: str = "social",
    at: datetime = T0,
    text: str = "just had a coffee",
    followers: int = 10,
    lang: str = "en",
) -> Mention:
    return Mention(
        source=source,
        native_id=str(n),
        brand=brand,
        created_at=at,
        text=text,
        author=f"user{n}",
        author_followers=followers,
        lang=lang,
    )


def make_incident(
    brand: str = "Acme Coffee",
    bucket: datetime = T0,
    summary: str = "40 mentions in 5 min",
    severity: Severity = Severity.SEV2,
    crisis_types: tuple[str, ...] = ("product_failure",),
) -> Incident:
    return Incident(
        incident_id=incident_id_for(brand, bucket),
        brand=brand,
        severity=severity,
        opened_at=bucket + timedelta(minutes=1),
        detected_bucket=bucket,
        summary=summary,
        crisis_types=crisis_types,
    )


def quiet_history(
    buckets: int, start: datetime = T0, volume: Callable[[int], int] | None = None
) -> Sequence[BucketStats]:
    """`buckets` ordinary buckets: a few mentions, about 10% negative."""
    step = timedelta(minutes=5)
    series = []
    for i in range(buckets):
        v = volume(i) if volume else 4 + (i % 3)
        series.append(BucketStats(bucket=start + i * step, volume=v, negative=i % 2, scored=v))
    return series


def as_stored(fields: dict[str, Any]) -> dict[str, Any]:
    """Incident fields whose route, drafts, statement and review are given as the table stores them
    (plain JSON), read the way the incident store reads them."""
    typed = dict(fields)
    if isinstance(typed.get("route"), dict):
        typed["route"] = IncidentRoute.from_dict(typed["route"])
    if isinstance(typed.get("drafts"), list):
        typed["drafts"] = tuple(Draft.from_stored(draft) for draft in typed["drafts"])
    if isinstance(typed.get("statement"), dict):
        typed["statement"] = ApprovedStatement.from_dict(typed["statement"])
    if isinstance(typed.get("review"), dict):
        typed["review"] = Review.from_dict(typed["review"])
    return typed
