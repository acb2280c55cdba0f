"""DynamoDB implementations of the storage ports."""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, NumberSetAttribute
from pynamodb.constants import ALL_OLD, ITEM
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
from ..ports import StoredDetector
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
"""How long a ledger (or a marker) remembers what it counted."""
STORY_TTL = timedelta(days=7)
"""A story copied a week later is news again, not syndication."""
"""Stream records are retried for at most a day; two weeks of markers is ample."""


def _conditional_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _cancelled(error: TransactWriteError) -> bool:
    return error.cause_response_code == "TransactionCanceledException"


class DynamoMentionStore:
    GROUP_SIZE = 48
    """Mentions stored together share a counting group of at most this many: its ledger of hashes
    (`DynamoAggregateStore`) stays under 1 KB, one billed write unit."""

    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._group = ""
        self._in_group = self.GROUP_SIZE

    def _next_group(self) -> str:
        if self._in_group >= self.GROUP_SIZE:
            self._group, self._in_group = secrets.token_hex(8), 0
        self._in_group += 1
        return self._group

    def add(self, mention: Mention, syndicated_of: str | None = None) -> bool:
        item = MentionItem(
            mention.mention_id,
            brand=mention.brand,
            source=mention.source,
            native_id=mention.native_id,
            created_at=mention.created_at,
            author_followers=mention.author_followers,
            lang=mention.lang,
            lang_tag=mention.lang_tag or None,
            packed={
                "text": mention.text,
                "author": mention.author,
                "url": mention.url,
                "extra": mention.extra,
                "engagement": mention.engagement,
            },
            group=self._next_group(),
            syndicated_of=syndicated_of,
            expires_at=datetime.now(UTC) + self._ttl,
        )
        try:
            item.save(condition=MentionItem.mention_id.does_not_exist())
        except PutError as error:
            if _conditional_failed(error):
                self._in_group -= 1  # not stored: the slot is free
                return False
            raise
        return True


def mention_from_item(item: MentionItem) -> Mention:
    """Reads items as stored now (`packed`) and as stored before (text, author and url as attributes,
    `extra` and `engagement` as JSON)."""
    packed = item.packed or {
        "text": item.text or "",
        "author": item.author or "",
        "url": item.url or "",
        "extra": item.extra or {},
        "engagement": item.engagement or {},
    }
    return Mention(
        source=item.source,
        native_id=item.native_id,
        brand=item.brand,
        created_at=item.created_at,
        text=str(packed.get("text") or ""),
        author=str(packed.get("author") or ""),
        author_followers=int(item.author_followers),
        url=str(packed.get("url") or ""),
        lang=item.lang,
        lang_tag=item.lang_tag or "",
        extra=dict(packed.get("extra") or {}),
        engagement={str(key): int(value) for key, value in (packed.get("engagement") or {}).items()},
        group=item.group or "",
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


PACK_CURSORS_OVER = 400
"""Characters: a cursor longer than this (a connector's list of recent ids) is stored deflated."""


class DynamoCursorStore:
    def get(self, key: str) -> str | None:
        try:
            item = CursorItem.get(key, consistent_read=True)
        except CursorItem.DoesNotExist:
            return None
        return str(item.packed) if item.packed is not None else str(item.cursor)

    def put(self, key: str, cursor: str) -> None:
        if len(cursor) > PACK_CURSORS_OVER:
            CursorItem(key, cursor="", packed=cursor).save()
        else:
            CursorItem(key, cursor=cursor).save()


class DynamoSourceHealthStore:
    """Breaker state per (brand, source), kept beside the cursors as `health#<key>` items."""

    def get(self, key: str) -> SourceHealth:
        try:
            item = CursorItem.get(f"health#{key}", consistent_read=True)
        except CursorItem.DoesNotExist:
            return SourceHealth()
        return SourceHealth.from_dict(json.loads(item.cursor))

    def put(self, key: str, health: SourceHealth) -> None:
        CursorItem(f"health#{key}", cursor=json.dumps(health.to_dict())).save()


class DynamoUsageStore:
    """Budget counters as `usage#<key>` items; a reservation is one conditional ADD: it never overshoots."""

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        if amount > limit:
            return False
        item = CursorItem(f"usage#{key}")
        try:
            item.update(
                actions=[CursorItem.used.add(amount)],
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
            owner = _claim_story(key, mention_id)
            earlier = earlier or (owner if owner != mention_id else None)
        return earlier


def _claim_story(key: str, mention_id: str) -> str:
    """Who owns the story: `mention_id` if the claim took, else the first copy's id, which the failed
    write returns (`ReturnValuesOnConditionCheckFailure`) instead of a read after it."""
    item = StoryItem(key, first_mention_id=mention_id, expires_at=datetime.now(UTC) + STORY_TTL)
    condition = StoryItem.story_key.does_not_exist() | (StoryItem.first_mention_id == mention_id)
    attributes = item.serialize()
    table = StoryItem._get_connection()
    operation = table.connection.get_operation_kwargs(
        table.table_name,
        attributes.pop("story_key")["S"],
        key=ITEM,
        attributes=attributes,
        condition=condition,
        return_values_on_condition_failure=ALL_OLD,
    )
    try:
        # Through botocore itself: PynamoDB's errors keep only the code, not the item returned.
        client: Any = table.connection.client
        client.put_item(**operation)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        response: dict[str, Any] = dict(error.response)
        returned: dict[str, Any] = response.get("Item") or {}
        found = returned.get("first_mention_id", {}).get("S")
        if found is None:  # an endpoint that does not return the item: read it
            found = StoryItem.get(key, consistent_read=True).first_mention_id
        return str(found)
    return mention_id


def mention_hash(mention_id: str) -> int:
    """48 bits of the mention id: a ledger holds at most `GROUP_SIZE` of them, so a collision (two
    mentions of one group sharing a hash) has a chance of about 1 in 10**11 per group."""
    return int.from_bytes(hashlib.blake2b(mention_id.encode("utf-8"), digest_size=6).digest(), "big")


def _ledger_key(mention: Mention) -> str:
    # A mention stored before groups keeps the per-mention marker it may already have.
    return f"ledger#{mention.group}" if mention.group else f"seen#{mention.mention_id}"


_Scored = tuple[Mention, MentionScore]


def _counter_keys(mention: Mention, score: MentionScore) -> set[tuple[str, str]]:
    return {(mention.brand, to_iso(bucket_start(mention.created_at)))}


def _not_yet_counted(key: str, pairs: list[_Scored]) -> list[_Scored]:
    if key.startswith("seen#"):
        return []  # the mention's own marker exists: it was counted
    try:
        counted = BucketItem.get(key, "-", consistent_read=True).counted or set()
    except BucketItem.DoesNotExist:
        counted = set()
    return [pair for pair in pairs if mention_hash(pair[0].mention_id) not in counted]


class DynamoAggregateStore:
    """Counters per (brand, bucket, source), updated in one transaction with the ledgers of the mentions
    they count: each mention's hash is added to its group's ledger on condition that it is not there
    yet, so a replayed stream record (a retry, a bisected batch, a redrive) is counted once, at the cost
    of one ledger write per group in the batch rather than one marker per mention."""

    MAX_ACTIONS = 100
    """DynamoDB's limit of items in one transaction."""
    CONFLICT_ATTEMPTS = 10
    """Concurrent batches of one brand update the same counters: DynamoDB cancels one of two
    overlapping transactions (TransactionConflict), which waits a moment and tries again."""

    def __init__(self, pause: Callable[[float], None] = time.sleep) -> None:
        self._pause = pause

    def record_batch(self, scored: Sequence[_Scored]) -> int:
        unique = {mention.mention_id: (mention, score) for mention, score in scored}
        ordered = sorted(unique.values(), key=lambda pair: (_ledger_key(pair[0]), pair[0].mention_id))
        return sum(self._commit(chunk) for chunk in self.plan(ordered))

    @classmethod
    def plan(cls, ordered: Sequence[_Scored]) -> list[dict[str, list[_Scored]]]:
        """Transactions of at most `MAX_ACTIONS` items: ledgers (mentions by group) and counters."""
        plans: list[dict[str, list[_Scored]]] = []
        ledgers: dict[str, list[_Scored]] = {}
        counters: set[tuple[str, str]] = set()
        for pair in ordered:
            key, keys = _ledger_key(pair[0]), _counter_keys(*pair)
            if len(ledgers | {key: []}) + len(counters | keys) > cls.MAX_ACTIONS and ledgers:
                plans.append(ledgers)
                ledgers, counters = {}, set()
            ledgers.setdefault(key, []).append(pair)
            counters |= keys
        return plans + ([ledgers] if ledgers else [])

    def _commit(self, ledgers: dict[str, list[_Scored]]) -> int:
        for attempt in range(self.CONFLICT_ATTEMPTS):
            if not ledgers:
                return 0
            try:
                self._transact(ledgers)
            except TransactWriteError as error:
                reasons = (error.cancellation_reasons or []) if _cancelled(error) else []
                codes = [reason.code if reason is not None else None for reason in reasons]
                keys = list(ledgers)
                counted = [
                    keys[i] for i, code in enumerate(codes[: len(keys)]) if code == "ConditionalCheckFailed"
                ]
                if counted:
                    # Some of these mentions were counted before: count only the others.
                    for key in counted:
                        ledgers[key] = _not_yet_counted(key, ledgers[key])
                    ledgers = {key: pairs for key, pairs in ledgers.items() if pairs}
                    continue
                if "TransactionConflict" in codes:
                    self._pause(random.uniform(0, 0.025 * 2**attempt))
                    continue
                raise
            return sum(len(pairs) for pairs in ledgers.values())
        raise RuntimeError(f"counters kept conflicting after {self.CONFLICT_ATTEMPTS} attempts")

    @staticmethod
    def _transact(ledgers: dict[str, list[_Scored]]) -> None:
        expires = datetime.now(UTC) + SEEN_MARKER_TTL
        buckets: dict[tuple[str, str], _BucketTally] = {}
        for pairs in ledgers.values():
            for mention, score in pairs:
                key = (mention.brand, to_iso(bucket_start(mention.created_at)))
                buckets.setdefault(key, _BucketTally()).add(mention, score)
        with TransactWrite(connection=transaction_connection()) as transaction:
            # Ledgers first: a cancellation's reasons then index straight into `ledgers`.
            for ledger, pairs in ledgers.items():
                if ledger.startswith("seen#"):
                    # An update, as every item here: TransactWrite sends puts before updates, and the
                    # reasons must keep this order.
                    transaction.update(
                        BucketItem(ledger, "-"),
                        actions=[BucketItem.expires_at.set(expires)],
                        condition=BucketItem.pk.does_not_exist(),
                    )
                    continue
                hashes = {mention_hash(mention.mention_id) for mention, _score in pairs}
                transaction.update(
                    BucketItem(ledger, "-"),
                    actions=[BucketItem.counted.add(hashes), BucketItem.expires_at.set(expires)],
                    condition=functools.reduce(
                        operator.and_, [~BucketItem.counted.contains(value) for value in sorted(hashes)]
                    ),
                )
            for (brand, bucket), tally in buckets.items():
                transaction.update(BucketItem(brand, bucket), actions=tally.actions())

    def buckets(self, brand: str, first: datetime, last: datetime) -> dict[datetime, BucketStats]:
        totals: dict[datetime, dict[str, Any]] = {}
        for item in _query_raw(brand, to_iso(first), to_iso(last) + "#~"):
            stamp, _, rest = item["sk"]["S"].partition("#")
            moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            total = totals.setdefault(moment, _empty_totals())
            if rest:
                _add_per_source_item(total, rest, item)
            else:
                _add_bucket_item(total, item)
        return {moment: BucketStats(bucket=moment, **values) for moment, values in totals.items()}


_SOURCE = "src#"
_TYPE = "type#"
"""Attribute names of a bucket item: `src#<source>` its mentions on a source; `type#<type>#src#<source>`
a crisis type's reports on a source, and `type#<type>#<field>` (positive, reach, negative, scored,
authors) its other tallies. Names are any UTF-8 in DynamoDB; expressions refer to them by placeholder."""
_TYPE_FIELDS = ("positive", "reach", "negative", "scored")


def _number(name: str) -> NumberAttribute:
    attribute = NumberAttribute(attr_name=name)
    attribute.attr_name = name  # bound by hand: these names are data, not a model's fields
    return attribute


def _number_set(name: str) -> NumberSetAttribute:
    attribute = NumberSetAttribute(attr_name=name)
    attribute.attr_name = name
    return attribute


class _BucketTally:
    """One brand's bucket as one batch adds to it: one item, one update (it was one item per source and
    one per crisis type and source, each a transactional write of its own)."""

    def __init__(self) -> None:
        self.totals = [0, 0, 0, 0, 0.0]
        self.sources: Counter[str] = Counter()
        self.types: dict[str, dict[str, TypeTally]] = {}

    def add(self, mention: Mention, score: MentionScore) -> None:
        self.totals[0] += 1
        self.totals[1] += 1 if score.negative else 0
        self.totals[2] += 0 if score.compound is None else 1
        self.totals[3] += score.reach if score.negative else 0
        self.totals[4] += score.compound or 0.0
        self.sources[score.source] += 1
        for crisis_type in score.crisis_types:
            per_source = self.types.setdefault(crisis_type, {})
            per_source[score.source] = tally_type(per_source.get(score.source), mention, score)

    def actions(self) -> list[Action]:
        volume, negative, scored, reach, compound = self.totals
        actions: list[Action] = [
            BucketItem.volume.add(volume),
            BucketItem.negative.add(negative),
            BucketItem.scored.add(scored),
            BucketItem.negative_reach.add(reach),
            BucketItem.compound_sum.add(round(compound, 4)),
        ]
        actions += [
            _number(f"{_SOURCE}{source}").add(count) for source, count in sorted(self.sources.items())
        ]
        for crisis_type, per_source in sorted(self.types.items()):
            prefix = f"{_TYPE}{crisis_type}#"
            tallies = list(per_source.values())
            actions += [
                _number(f"{prefix}{_SOURCE}{source}").add(tally.count)
                for source, tally in sorted(per_source.items())
            ]
            actions += [
                _number(prefix + name).add(sum(getattr(tally, name) for tally in tallies))
                for name in _TYPE_FIELDS
            ]
            authors = set().union(*(tally.authors for tally in tallies))
            if authors:
                actions.append(_number_set(f"{prefix}authors").add(authors))
        return actions


def _query_raw(brand: str, low: str, high: str) -> Iterator[dict[str, Any]]:
    """A bucket item's attributes are named by its sources and types, which no model declares: read raw."""
    connection = BucketItem._get_connection()
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            brand,
            range_key_condition=BucketItem.sk.between(low, high),
            consistent_read=True,
            exclusive_start_key=start,
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def _empty_totals() -> dict[str, Any]:
    return {
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
    }


def _int(item: dict[str, Any], name: str) -> int:
    return int(float(item[name]["N"])) if name in item else 0


def _add(mapping: dict[str, int], key: str, value: int) -> None:
    mapping[key] = mapping.get(key, 0) + value


def _add_authors(total: dict[str, Any], crisis_type: str, slots: set[int]) -> None:
    known = set(total["type_authors"].get(crisis_type, ()))
    total["type_authors"][crisis_type] = sorted(known | slots)


def _add_bucket_item(total: dict[str, Any], item: dict[str, Any]) -> None:
    for name in ("volume", "negative", "scored", "negative_reach"):
        total[name] += _int(item, name)
    for name, value in item.items():
        if name.startswith(_SOURCE):
            _add(total["sources"], name[len(_SOURCE) :], int(float(value["N"])))
        elif name.startswith(_TYPE):
            crisis_type, _, rest = name[len(_TYPE) :].partition("#")
            if rest.startswith(_SOURCE):
                _add(
                    total["crisis_types"].setdefault(crisis_type, {}),
                    rest[len(_SOURCE) :],
                    int(float(value["N"])),
                )
            elif rest == "authors":
                _add_authors(total, crisis_type, {int(float(slot)) for slot in value["NS"]})
            elif rest in _TYPE_FIELDS:
                _add(total[f"type_{rest}"], crisis_type, int(float(value["N"])))


def _add_per_source_item(total: dict[str, Any], rest: str, item: dict[str, Any]) -> None:
    """Items counted before one item per bucket: `<bucket>#<source>` and `<bucket>#<source>#<type>`."""
    source, _, crisis_type = rest.partition("#")
    if crisis_type:
        _add(total["crisis_types"].setdefault(crisis_type, {}), source, _int(item, "volume"))
        _add_authors(total, crisis_type, {int(float(slot)) for slot in item.get("authors", {}).get("NS", [])})
        for name in _TYPE_FIELDS:
            _add(total[f"type_{name}"], crisis_type, _int(item, name))
        return
    for name in ("volume", "negative", "scored", "negative_reach"):
        total[name] += _int(item, name)
    _add(total["sources"], source, _int(item, "volume"))


class DynamoDetectorStateStore:
    def load(self, brand: str) -> tuple[DetectorState, int | None]:
        stored = self.read(brand)
        return stored.state, stored.version

    def read(self, brand: str) -> StoredDetector:
        try:
            item = DetectorItem.get(brand, consistent_read=True)
        except DetectorItem.DoesNotExist:
            return StoredDetector(DetectorState(), None)
        # Saved before `packed_state`: the JSON `state` (rewritten packed at the next save).
        state = DetectorState.from_dict(item.packed_state or item.state or {})
        return StoredDetector(state, int(item.version), item.open_incident_id)

    def save(self, brand: str, state: DetectorState, version: int | None) -> bool:
        try:
            if version is None:
                DetectorItem(brand, packed_state=state.to_dict(), version=1).save(
                    condition=DetectorItem.brand.does_not_exist()
                )
            else:
                DetectorItem(brand).update(
                    actions=[
                        DetectorItem.packed_state.set(state.to_dict()),
                        DetectorItem.state.remove(),
                        DetectorItem.version.set(version + 1),
                    ],
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
