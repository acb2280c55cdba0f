"""DynamoDB implementations of the storage ports."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..breaker import SourceHealth
from ..domain.clock import bucket_start, to_iso
from ..domain.detection.detector import BucketStats, DetectorState, TypeTally, tally_type
from ..domain.detection.scoring import MentionScore
from ..domain.detection.severity import Severity
from ..domain.errors import IncidentNotFoundError
from ..domain.listening.mentions import Mention
from ..domain.response.audit import AuditKind
from ..domain.response.incidents import (
    ApprovedStatement,
    Decision,
    Incident,
    IncidentChanges,
    IncidentRoute,
    IncidentStatus,
    Review,
)
from ..domain.response.links import ActionLink, DecisionRequest, LinkState
from ..domain.review.timeline import AuditEntry
from .tables import (
    ActionLinkItem,
    AuditItem,
    BucketItem,
    CursorItem,
    DetectorItem,
    IncidentItem,
    MentionItem,
    QuarantineItem,
    StoryItem,
    transaction_connection,
)

if TYPE_CHECKING:
    from ..domain.response.statements import Draft

SEEN_MARKER_TTL = timedelta(days=14)
STORY_TTL = timedelta(days=7)
"""A story copied a week later is news again, not syndication."""
"""Stream records are retried for at most a day; two weeks of markers is ample."""


def _conditional_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _cancelled(error: TransactWriteError) -> bool:
    return error.cause_response_code == "TransactionCanceledException"


class DynamoMentionStore:
    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl

    def add(self, mention: Mention, syndicated_of: str | None = None) -> bool:
        now = datetime.now(UTC)
        item = MentionItem(
            mention.mention_id,
            brand=mention.brand,
            source=mention.source,
            native_id=mention.native_id,
            created_at=mention.created_at,
            text=mention.text,
            author=mention.author,
            author_followers=mention.author_followers,
            url=mention.url,
            lang=mention.lang,
            lang_tag=mention.lang_tag or None,
            extra=mention.extra,
            engagement=mention.engagement,
            syndicated_of=syndicated_of,
            fetched_at=now,
            expires_at=now + self._ttl,
        )
        try:
            item.save(condition=MentionItem.mention_id.does_not_exist())
        except PutError as error:
            if _conditional_failed(error):
                return False
            raise
        return True


def mention_from_item(item: MentionItem) -> Mention:
    return Mention(
        source=item.source,
        native_id=item.native_id,
        brand=item.brand,
        created_at=item.created_at,
        text=item.text,
        author=item.author,
        author_followers=int(item.author_followers),
        url=item.url,
        lang=item.lang,
        lang_tag=item.lang_tag or "",
        extra=dict(item.extra or {}),
        engagement={str(key): int(value) for key, value in (item.engagement or {}).items()},
    )


class DynamoQuarantineStore:
    def put(self, source: str, raw: str, reason: str) -> None:
        now = datetime.now(UTC)
        QuarantineItem(
            secrets.token_hex(12),
            source=source,
            reason=reason[:1000],
            raw=raw[:100_000],
            at=now,
            expires_at=now + timedelta(days=30),
        ).save()


class DynamoCursorStore:
    def get(self, key: str) -> str | None:
        try:
            return str(CursorItem.get(key, consistent_read=True).cursor)
        except CursorItem.DoesNotExist:
            return None

    def put(self, key: str, cursor: str) -> None:
        CursorItem(key, cursor=cursor, updated_at=datetime.now(UTC)).save()


class DynamoSourceHealthStore:
    """Breaker state per (brand, source), kept beside the cursors as `health#<key>` items."""

    def get(self, key: str) -> SourceHealth:
        try:
            item = CursorItem.get(f"health#{key}", consistent_read=True)
        except CursorItem.DoesNotExist:
            return SourceHealth()
        return SourceHealth.from_dict(json.loads(item.cursor))

    def put(self, key: str, health: SourceHealth) -> None:
        CursorItem(f"health#{key}", cursor=json.dumps(health.to_dict()), updated_at=datetime.now(UTC)).save()


class DynamoUsageStore:
    """Budget counters as `usage#<key>` items; a reservation is one conditional ADD: it never overshoots."""

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        if amount > limit:
            return False
        item = CursorItem(f"usage#{key}")
        try:
            item.update(
                actions=[CursorItem.used.add(amount), CursorItem.updated_at.set(datetime.now(UTC))],
                condition=CursorItem.used.does_not_exist() | (CursorItem.used <= limit - amount),
            )
        except UpdateError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def used(self, key: str) -> int:
        try:
            return int(CursorItem.get(f"usage#{key}", consistent_read=True).used or 0)
        except CursorItem.DoesNotExist:
            return 0


class DynamoStoryIndex:
    """`story#<key>` items naming the first mention of each story; they expire with the news cycle."""

    def claim(self, keys: Sequence[str], mention_id: str) -> str | None:
        earlier = None
        for key in keys:
            item = StoryItem(key, first_mention_id=mention_id, expires_at=datetime.now(UTC) + STORY_TTL)
            try:
                item.save(
                    condition=StoryItem.story_key.does_not_exist()
                    | (StoryItem.first_mention_id == mention_id)
                )
            except PutError as error:
                if not _conditional_failed(error):
                    raise
                owner = StoryItem.get(key, consistent_read=True).first_mention_id
                earlier = earlier or (owner if owner != mention_id else None)
        return earlier


class DynamoAggregateStore:
    """Counters per (brand, bucket, source), updated in one transaction with the batch's seen-markers."""

    CHUNK = 45
    """Mentions per transaction: their markers plus at most as many counters stay under 100 actions."""

    def record_batch(self, scored: Sequence[tuple[Mention, MentionScore]]) -> int:
        unique = list({mention.mention_id: (mention, score) for mention, score in scored}.values())
        return sum(self._record_chunk(unique[i : i + self.CHUNK]) for i in range(0, len(unique), self.CHUNK))

    def _record_chunk(self, chunk: list[tuple[Mention, MentionScore]]) -> int:
        while chunk:
            try:
                self._transact(chunk)
            except TransactWriteError as error:
                reasons = error.cancellation_reasons or []
                counted_before = {
                    index
                    for index, reason in enumerate(reasons[: len(chunk)])
                    if reason is not None and reason.code == "ConditionalCheckFailed"
                }
                if not _cancelled(error) or not counted_before:
                    raise
                chunk = [item for index, item in enumerate(chunk) if index not in counted_before]
                continue
            return len(chunk)
        return 0

    @staticmethod
    def _transact(chunk: list[tuple[Mention, MentionScore]]) -> None:
        expires = datetime.now(UTC) + SEEN_MARKER_TTL
        totals: dict[tuple[str, str], list[float]] = {}
        type_counts: dict[tuple[str, str], TypeTally] = {}
        for mention, score in chunk:
            key = (mention.brand, f"{to_iso(bucket_start(mention.created_at))}#{score.source}")
            total = totals.setdefault(key, [0, 0, 0, 0, 0.0])
            total[0] += 1
            total[1] += 1 if score.negative else 0
            total[2] += 0 if score.compound is None else 1
            total[3] += score.reach if score.negative else 0
            total[4] += score.compound or 0.0
            for crisis_type in score.crisis_types:
                type_key = (key[0], f"{key[1]}#{crisis_type}")
                type_counts[type_key] = tally_type(type_counts.get(type_key), mention, score)
        with TransactWrite(connection=transaction_connection()) as transaction:
            # Markers first: a cancellation's reasons then index straight into the chunk.
            for mention, _score in chunk:
                transaction.save(
                    BucketItem(f"seen#{mention.mention_id}", "-", expires_at=expires),
                    condition=BucketItem.pk.does_not_exist(),
                )
            for (brand, sort_key), (volume, negative, scored, reach, compound) in totals.items():
                actions: list[Action] = [
                    BucketItem.volume.add(volume),
                    BucketItem.negative.add(negative),
                    BucketItem.scored.add(scored),
                    BucketItem.negative_reach.add(reach),
                    BucketItem.compound_sum.add(round(compound, 4)),
                ]
                transaction.update(BucketItem(brand, sort_key), actions=actions)
            # Crisis-type counters sit beside their source's: `<bucket>#<source>#<type>`.
            # Beside the count: positive reports, their authors' reach and distinct authors (as slots).
            for (brand, sort_key), tally in type_counts.items():
                type_actions: list[Action] = [
                    BucketItem.volume.add(tally.count),
                    BucketItem.positive.add(tally.positive),
                    BucketItem.reach.add(tally.reach),
                    BucketItem.negative.add(tally.negative),
                    BucketItem.scored.add(tally.scored),
                ]
                if tally.authors:
                    type_actions.append(BucketItem.authors.add(set(tally.authors)))
                transaction.update(BucketItem(brand, sort_key), actions=type_actions)

    def buckets(self, brand: str, first: datetime, last: datetime) -> dict[datetime, BucketStats]:
        totals: dict[datetime, dict[str, Any]] = {}
        condition = BucketItem.sk.between(to_iso(first), to_iso(last) + "#~")
        for item in BucketItem.query(brand, condition, consistent_read=True):
            stamp, _, rest = item.sk.partition("#")
            source, _, crisis_type = rest.partition("#")
            moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            total = totals.setdefault(
                moment,
                {
                    "volume": 0,
                    "negative": 0,
                    "scored": 0,
                    "negative_reach": 0,
                    "sources": {},
                    "crisis_types": {},
                    "type_authors": {},
                    "type_positive": {},
                    "type_reach": {},
                    "type_negative": {},
                    "type_scored": {},
                },
            )
            if crisis_type:
                total["crisis_types"].setdefault(crisis_type, {})[source] = int(item.volume)
                slots = {int(slot) for slot in item.authors or ()}
                known = set(total["type_authors"].get(crisis_type, ()))
                total["type_authors"][crisis_type] = sorted(known | slots)
                positive, reach = int(item.positive or 0), int(item.reach or 0)
                total["type_positive"][crisis_type] = total["type_positive"].get(crisis_type, 0) + positive
                total["type_reach"][crisis_type] = total["type_reach"].get(crisis_type, 0) + reach
                for field, value in (("type_negative", item.negative), ("type_scored", item.scored)):
                    total[field][crisis_type] = total[field].get(crisis_type, 0) + int(value or 0)
                continue
            total["volume"] += int(item.volume)
            total["negative"] += int(item.negative)
            total["scored"] += int(item.scored)
            total["negative_reach"] += int(item.negative_reach)
            total["sources"][source] = int(item.volume)
        return {moment: BucketStats(bucket=moment, **values) for moment, values in totals.items()}


class DynamoDetectorStateStore:
    def load(self, brand: str) -> tuple[DetectorState, int | None]:
        try:
            item = DetectorItem.get(brand, consistent_read=True)
        except DetectorItem.DoesNotExist:
            return DetectorState(), None
        return DetectorState.from_dict(item.state or {}), int(item.version)

    def save(self, brand: str, state: DetectorState, version: int | None) -> bool:
        try:
            if version is None:
                DetectorItem(brand, state=state.to_dict(), version=1).save(
                    condition=DetectorItem.brand.does_not_exist()
                )
            else:
                DetectorItem(brand).update(
                    actions=[DetectorItem.state.set(state.to_dict()), DetectorItem.version.set(version + 1)],
                    condition=DetectorItem.version == version,
                )
        except (PutError, UpdateError) as error:
            if _conditional_failed(error):
                return False
            raise
        return True


def incident_from_item(item: IncidentItem) -> Incident:
    return Incident(
        incident_id=item.incident_id,
        brand=item.brand,
        severity=Severity(item.severity),
        opened_at=item.opened_at,
        detected_bucket=item.detected_bucket,
        detected_at=item.detected_at,
        status=IncidentStatus(item.status),
        summary=item.summary,
        explanation=dict(item.explanation or {}),
        crisis_types=tuple(str(value) for value in item.crisis_types or ()),
        decision=item.decision,
        decided_by=item.decided_by,
        decided_at=item.decided_at,
        execution_arn=item.execution_arn,
        owner=item.owner,
        route=IncidentRoute.from_dict(item.route),
        drafts=_drafts(item),
        statement=ApprovedStatement.from_dict(item.statement),
        checklist=_checklist(item),
        resolved_at=item.resolved_at,
        review=Review.from_dict(item.review),
    )


def _drafts(item: IncidentItem) -> tuple[Draft, ...]:
    """The drafts offered; one this code cannot read (a table edited by hand) is not offered again."""
    from ..domain.response.statements import Draft  # noqa: PLC0415 (the fetch functions never read a draft)

    drafts = []
    for stored in item.drafts or ():
        try:
            drafts.append(Draft.from_stored(stored))
        except (ValueError, AttributeError):
            continue
    return tuple(drafts)


def _checklist(item: IncidentItem) -> dict[str, dict[str, str]]:
    if item.checklist is None:
        return {}
    ticked: dict[str, Any] = item.checklist.as_dict()  # type: ignore[no-untyped-call]
    return {str(key): {str(k): str(v) for k, v in dict(value).items()} for key, value in ticked.items()}


def _change_actions(changes: IncidentChanges) -> list[Action]:
    fields: list[tuple[Any, Any]] = [
        (IncidentItem.status, changes.status.value if changes.status else None),
        (IncidentItem.severity, changes.severity.value if changes.severity else None),
        (IncidentItem.decision, changes.decision),
        (IncidentItem.decided_by, changes.decided_by),
        (IncidentItem.decided_at, changes.decided_at),
        (IncidentItem.owner, changes.owner),
        (IncidentItem.route, changes.route.to_dict() if changes.route else None),
        (
            IncidentItem.drafts,
            [draft.to_dict() for draft in changes.drafts] if changes.drafts is not None else None,
        ),
        (IncidentItem.statement, changes.statement.to_dict() if changes.statement else None),
        (IncidentItem.resolved_at, changes.resolved_at),
        (IncidentItem.review, changes.review.to_dict() if changes.review else None),
    ]
    return [attribute.set(value) for attribute, value in fields if value is not None]


class DynamoIncidentStore:
    def open(self, incident: Incident) -> bool:
        item = IncidentItem(
            incident.incident_id,
            brand=incident.brand,
            severity=incident.severity.value,
            status=incident.status.value,
            opened_at=incident.opened_at,
            detected_bucket=incident.detected_bucket,
            detected_at=incident.detected_at,
            summary=incident.summary,
            explanation=incident.explanation,
            crisis_types=list(incident.crisis_types),
            checklist={},
        )
        lock = DetectorItem(incident.brand)
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.update(
                    lock,
                    actions=[
                        DetectorItem.open_incident_id.set(incident.incident_id),
                        DetectorItem.version.add(1),
                    ],
                    condition=DetectorItem.open_incident_id.does_not_exist(),
                )
                transaction.save(item, condition=IncidentItem.incident_id.does_not_exist())
        except TransactWriteError as error:
            if _cancelled(error):
                return False
            raise
        return True

    def get(self, incident_id: str) -> Incident | None:
        try:
            return incident_from_item(IncidentItem.get(incident_id, consistent_read=True))
        except IncidentItem.DoesNotExist:
            return None

    def update(self, incident_id: str, changes: IncidentChanges) -> Incident:
        actions = _change_actions(changes)
        if not actions:
            found = self.get(incident_id)
            if found is None:
                raise IncidentNotFoundError(incident_id)
            return found
        item = IncidentItem(incident_id)
        try:
            item.update(actions=actions, condition=IncidentItem.incident_id.exists())
        except UpdateError as error:
            if _conditional_failed(error):
                raise IncidentNotFoundError(incident_id) from None
            raise
        return incident_from_item(item)

    def tick(self, incident_id: str, item: str, by: str, at: datetime) -> bool:
        path = IncidentItem.checklist[item]
        try:
            IncidentItem(incident_id).update(
                actions=[path.set({"by": by, "at": to_iso(at)})],
                condition=IncidentItem.incident_id.exists() & path.does_not_exist(),
            )
        except UpdateError as error:
            if _conditional_failed(error):
                if self.get(incident_id) is None:
                    raise IncidentNotFoundError(incident_id) from None
                return False
            raise
        return True

    def set_execution(self, incident_id: str, execution_arn: str) -> None:
        IncidentItem(incident_id).update(
            actions=[IncidentItem.execution_arn.set(execution_arn)],
            condition=IncidentItem.incident_id.exists(),
        )

    def close(self, incident: Incident) -> None:
        try:
            DetectorItem(incident.brand).update(
                actions=[DetectorItem.open_incident_id.remove(), DetectorItem.version.add(1)],
                condition=DetectorItem.open_incident_id == incident.incident_id,
            )
        except UpdateError as error:
            if not _conditional_failed(error):  # Already released: a retried task.
                raise

    def list(self, limit: int = 100) -> list[Incident]:
        """The newest `limit` incidents. Incidents are few (a busy brand has tens a year), so every page of
        the table is read: a scan's own limit would cut an arbitrary page, not the oldest."""
        items = [incident_from_item(item) for item in IncidentItem.scan()]
        return sorted(items, key=lambda incident: incident.opened_at, reverse=True)[:limit]


class DynamoDetectorFeedback:
    def false_alarm(self, brand: str, incident_id: str, decided_by: str, at: datetime) -> None:
        entry = {"incident_id": incident_id, "by": decided_by, "at": to_iso(at)}
        existing = DetectorItem.false_alarms | []  # if_not_exists: the brand's first dismissal
        DetectorItem(brand).update(actions=[DetectorItem.false_alarms.set(existing.append([entry]))])


class DynamoAuditLog:
    def record(
        self, incident_id: str, kind: AuditKind, actor: str, detail: dict[str, Any], at: datetime
    ) -> None:
        AuditItem(
            incident_id,
            f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}",
            kind=str(kind),
            actor=actor,
            at=at,
            detail=json.loads(json.dumps(detail, default=str)),
        ).save()

    def read(self, incident_id: str) -> list[AuditEntry]:
        return [
            AuditEntry(item.at, item.kind, item.actor, dict(item.detail or {}))
            for item in AuditItem.query(incident_id)
        ]


def _link_from_item(item: ActionLinkItem) -> ActionLink:
    return ActionLink(
        key=item.key,
        incident_id=item.incident_id,
        notification_id=item.notification_id,
        tier=int(item.tier),
        recipient=item.recipient,
        expires_at=item.expires_at or datetime.now(UTC),
        allowed=tuple(Decision(value) for value in item.allowed),
        state=LinkState(item.state),
        decision=item.decision,
        decided_by=item.decided_by,
        decided_at=item.decided_at,
    )


_REQUEST = "request#"
_CURRENT = "current#"
_DECISION = "decision#"
_LINK_RECORD_DAYS = 30
"""How long after expiry link records stay for "who decided" pages; the audit trail keeps the rest."""


def _request_from_item(item: ActionLinkItem) -> DecisionRequest:
    return DecisionRequest(
        notification_id=item.notification_id,
        incident_id=item.incident_id,
        phase=item.phase or "",
        tier=int(item.tier),
        recipients=tuple(item.recipients or ()),
        allowed=tuple(Decision(value) for value in item.allowed),
        expires_at=item.expires_at or datetime.now(UTC),
    )


class DynamoActionLinkStore:
    def open_request(self, request: DecisionRequest, task_token: str) -> None:
        purge_at = request.expires_at + timedelta(days=_LINK_RECORD_DAYS)
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.save(
                ActionLinkItem(
                    _REQUEST + request.notification_id,
                    incident_id=request.incident_id,
                    notification_id=request.notification_id,
                    tier=request.tier,
                    phase=request.phase,
                    recipients=list(request.recipients),
                    allowed=[decision.value for decision in request.allowed],
                    expires_at=request.expires_at,
                    task_token=task_token,
                    purge_at=purge_at,
                ),
                condition=ActionLinkItem.key.does_not_exist(),
            )
            transaction.save(
                ActionLinkItem(
                    _CURRENT + request.incident_id,
                    incident_id=request.incident_id,
                    notification_id=request.notification_id,
                    purge_at=purge_at,
                )
            )

    def rebind(self, notification_id: str, task_token: str, expires_at: datetime) -> None:
        ActionLinkItem(_REQUEST + notification_id).update(
            actions=[
                ActionLinkItem.task_token.set(task_token),
                ActionLinkItem.expires_at.set(expires_at),
                ActionLinkItem.purge_at.set(expires_at + timedelta(days=_LINK_RECORD_DAYS)),
            ],
            condition=ActionLinkItem.key.exists(),
        )

    def close_request(self, notification_id: str, at: datetime) -> None:
        try:
            ActionLinkItem(_REQUEST + notification_id).update(
                actions=[ActionLinkItem.expires_at.set(at)],
                condition=ActionLinkItem.key.exists() & (ActionLinkItem.expires_at > at),
            )
        except UpdateError as error:
            if not _conditional_failed(error):  # gone, or already expired by then: nothing to close
                raise

    def current_request(self, incident_id: str) -> DecisionRequest | None:
        try:
            pointer = ActionLinkItem.get(_CURRENT + incident_id, consistent_read=True)
        except ActionLinkItem.DoesNotExist:
            return None
        return self.request(pointer.notification_id)

    def request(self, notification_id: str) -> DecisionRequest | None:
        try:
            return _request_from_item(ActionLinkItem.get(_REQUEST + notification_id, consistent_read=True))
        except ActionLinkItem.DoesNotExist:
            return None

    def task_token(self, notification_id: str) -> str | None:
        try:
            return ActionLinkItem.get(_REQUEST + notification_id, consistent_read=True).task_token
        except ActionLinkItem.DoesNotExist:
            return None

    def add(self, link: ActionLink) -> None:
        ActionLinkItem(
            link.key,
            incident_id=link.incident_id,
            notification_id=link.notification_id,
            tier=link.tier,
            recipient=link.recipient,
            expires_at=link.expires_at,
            allowed=[decision.value for decision in link.allowed],
            state=link.state.value,
            purge_at=link.expires_at + timedelta(days=_LINK_RECORD_DAYS),
        ).save(condition=ActionLinkItem.key.does_not_exist())

    def get(self, key: str) -> ActionLink | None:
        if not key or "#" in key:  # requests, pointers and locks are no links
            return None
        try:
            item = ActionLinkItem.get(key, consistent_read=True)
        except ActionLinkItem.DoesNotExist:
            return None
        return _link_from_item(item)

    def claim(self, link: ActionLink, decision: str, decided_by: str, at: datetime) -> bool:
        lock = ActionLinkItem(_DECISION + link.notification_id, winning_key=link.key, decided_at=at)
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.save(lock, condition=ActionLinkItem.key.does_not_exist())
                transaction.update(
                    ActionLinkItem(link.key),
                    actions=[
                        ActionLinkItem.state.set(LinkState.USED.value),
                        ActionLinkItem.decision.set(decision),
                        ActionLinkItem.decided_by.set(decided_by),
                        ActionLinkItem.decided_at.set(at),
                    ],
                    condition=ActionLinkItem.state == LinkState.PENDING.value,
                )
        except TransactWriteError as error:
            if _cancelled(error):
                return False
            raise
        return True

    def release(self, link: ActionLink) -> None:
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.delete(ActionLinkItem(_DECISION + link.notification_id))
            transaction.update(
                ActionLinkItem(link.key),
                actions=[
                    ActionLinkItem.state.set(LinkState.PENDING.value),
                    ActionLinkItem.decision.remove(),
                    ActionLinkItem.decided_by.remove(),
                    ActionLinkItem.decided_at.remove(),
                ],
            )

    def decision_for(self, notification_id: str) -> ActionLink | None:
        try:
            lock = ActionLinkItem.get(_DECISION + notification_id, consistent_read=True)
        except ActionLinkItem.DoesNotExist:
            return None
        winner = self.get(lock.winning_key or "")
        return replace(winner, decided_at=winner.decided_at or lock.decided_at) if winner else None
