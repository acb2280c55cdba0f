"""What only the DynamoDB adapters do: item shapes the stream carries, TTLs, audit order, cursors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError

from crisiswatch.adapters.dynamodb import (
    DynamoAggregateStore,
    DynamoAuditLog,
    DynamoCursorStore,
    DynamoDetectorFeedback,
    DynamoDetectorStateStore,
    DynamoMentionStore,
    DynamoQuarantineStore,
    _counter_keys,
    mention_from_item,
    mention_hash,
)
from crisiswatch.adapters.tables import DetectorItem, MentionItem, bind_tables, transaction_connection
from crisiswatch.config import Tables
from crisiswatch.domain.detection.detector import DetectorState
from crisiswatch.domain.detection.scoring import MentionScore
from tests.builders.tables import DynamoTables
from tests.fakes import T0, make_mention


def test_a_stored_mention_is_what_the_stream_hands_the_scorer(dynamo: DynamoTables) -> None:
    mention = make_mention(1, text="Glass in my latte ☕️ <3", followers=1840)
    mention = type(mention)(**{**mention.__dict__, "extra": {"reply_to": None, "text_truncated": True}})
    DynamoMentionStore(timedelta(days=90)).add(mention)

    # A NEW_IMAGE stream record carries the item exactly as stored.
    raw = dynamo.client.get_item(
        TableName=dynamo.tables.mentions, Key={"mention_id": {"S": mention.mention_id}}
    )
    restored = mention_from_item(MentionItem.from_raw_data(raw["Item"]))

    assert restored == mention
    assert "lang_tag" not in raw["Item"]  # nothing stored when the tag and the language agree


def test_a_stored_mention_keeps_the_sources_language_tag_beside_its_language(dynamo: DynamoTables) -> None:
    mention = replace(make_mention(2, text="Der Kaffee war kalt", lang="de"), lang_tag="en")
    DynamoMentionStore(timedelta(days=90)).add(mention)

    raw = dynamo.client.get_item(
        TableName=dynamo.tables.mentions, Key={"mention_id": {"S": mention.mention_id}}
    )

    assert (raw["Item"]["lang"], raw["Item"]["lang_tag"]) == ({"S": "de"}, {"S": "en"})
    assert mention_from_item(MentionItem.from_raw_data(raw["Item"])) == mention


def test_a_stored_mention_expires_after_its_ttl(dynamo: DynamoTables) -> None:
    before = datetime.now(UTC)
    DynamoMentionStore(timedelta(days=90)).add(make_mention(1))

    raw = dynamo.client.get_item(TableName=dynamo.tables.mentions, Key={"mention_id": {"S": "social#1"}})
    expires = datetime.fromtimestamp(int(raw["Item"]["expires_at"]["N"]), UTC)
    assert (
        before + timedelta(days=90) - timedelta(minutes=1)
        <= expires
        <= datetime.now(UTC) + timedelta(days=90)
    )


def test_the_sample_stream_event_matches_the_mention_model() -> None:
    from tests.builders.lambdas import load_event  # noqa: PLC0415

    for record in load_event("score_mentions", "mentions_insert")["Records"]:
        image = record["dynamodb"]["NewImage"]
        mention = mention_from_item(MentionItem.from_raw_data(image))
        assert record["dynamodb"]["Keys"] == {"mention_id": image["mention_id"]}
        assert mention.mention_id == image["mention_id"]["S"]
        assert mention.created_at.tzinfo is not None


def test_counting_marks_a_group_in_one_expiring_ledger(dynamo: DynamoTables) -> None:
    at = T0 + timedelta(minutes=2)
    grouped = [replace(make_mention(n, at=at), group="g7") for n in (1, 2, 3)]
    DynamoAggregateStore().record_batch(
        [
            (mention, MentionScore(mention.mention_id, mention.brand, "social", -0.5, 10))
            for mention in grouped
        ]
    )

    items = dynamo.client.scan(TableName=dynamo.tables.buckets)["Items"]
    keys = sorted((i["pk"]["S"], i["sk"]["S"]) for i in items)
    assert keys == [("Acme Coffee", "2024-05-23T12:00:00Z"), ("ledger#g7", "-")]  # one item per bucket
    ledger = next(i for i in items if i["pk"]["S"].startswith("ledger#"))
    assert {int(value) for value in ledger["counted"]["NS"]} == {
        mention_hash(mention.mention_id) for mention in grouped
    }
    assert int(ledger["expires_at"]["N"]) > datetime.now(UTC).timestamp()


def test_a_mention_stored_before_groups_keeps_its_own_marker(dynamo: DynamoTables) -> None:
    mention = make_mention(1, at=T0 + timedelta(minutes=2))
    score = MentionScore(mention.mention_id, mention.brand, "social", -0.5, 10)
    # Counted before the upgrade: its marker exists, so a redrive after the upgrade counts nothing.
    dynamo.client.put_item(
        TableName=dynamo.tables.buckets, Item={"pk": {"S": "seen#social#1"}, "sk": {"S": "-"}}
    )

    assert DynamoAggregateStore().record_batch([(mention, score)]) == 0
    assert DynamoAggregateStore().record_batch([(make_mention(2), score)]) == 1
    items = dynamo.client.scan(TableName=dynamo.tables.buckets)["Items"]
    assert ("seen#social#2", "-") in {(i["pk"]["S"], i["sk"]["S"]) for i in items}


def test_counting_tries_again_when_a_concurrent_batch_holds_the_counters(dynamo: DynamoTables) -> None:
    pauses: list[float] = []
    store = DynamoAggregateStore(pause=pauses.append)
    real = store._transact
    conflicts = iter([True, True])

    def contended(ledgers: Any) -> None:
        if next(conflicts, False):
            raise _ConflictError("Transaction cancelled")
        real(ledgers)

    store._transact = contended  # type: ignore[method-assign]
    mention = replace(make_mention(1), group="g1")

    assert (
        store.record_batch([(mention, MentionScore(mention.mention_id, mention.brand, "social", -0.5, 1))])
        == 1
    )
    assert len(pauses) == 2
    (stats,) = store.buckets("Acme Coffee", T0, T0).values()
    assert stats.volume == 1


class _ConflictError(TransactWriteError):
    """What DynamoDB answers when another transaction holds one of the items."""

    cause_response_code = "TransactionCanceledException"

    @property
    def cancellation_reasons(self) -> list[CancellationReason | None]:
        return [None, CancellationReason("TransactionConflict")]


def test_a_batch_is_planned_in_transactions_of_at_most_100_items() -> None:
    # Crisis-typed mentions on many sources over hours, in many groups: ledgers and buckets both add up.
    pairs = []
    for n in range(120):
        mention = replace(
            make_mention(n, source=f"s{n % 40}", at=T0 + n * timedelta(minutes=2)), group=f"g{n % 70}"
        )
        pairs.append(
            (
                mention,
                MentionScore(
                    mention.mention_id,
                    mention.brand,
                    mention.source,
                    -0.5,
                    1,
                    crisis_types=("data_breach", "legal_safety")[: n % 3],
                ),
            )
        )

    plans = DynamoAggregateStore.plan(pairs)

    assert len(plans) > 1
    for plan in plans:
        chunk = [pair for group in plan.values() for pair in group]
        counters = {key for mention, score in chunk for key in _counter_keys(mention, score)}
        assert len(plan) + len(counters) <= 100
    planned = [pair[0].mention_id for plan in plans for group in plan.values() for pair in group]
    assert sorted(planned) == sorted(mention.mention_id for mention, _ in pairs)


def test_mentions_stored_together_share_a_counting_group(dynamo: DynamoTables) -> None:
    store = DynamoMentionStore(timedelta(days=90))
    store.add(make_mention(0))
    assert store.add(make_mention(0)) is False  # a duplicate takes no place in the group
    for n in range(1, DynamoMentionStore.GROUP_SIZE + 2):
        store.add(make_mention(n))

    groups = [item.group for item in MentionItem.scan()]
    sizes = sorted(Counter(groups).values())
    assert sizes == [2, DynamoMentionStore.GROUP_SIZE]


def test_the_raw_payload_is_stored_deflated_and_items_stored_before_still_read(dynamo: DynamoTables) -> None:
    raw = {"data": {"title": "Glass in my latte", "body": "the same words " * 80, "score": 12}}
    mention = replace(make_mention(3), extra={"raw": raw}, engagement={"likes": 4})
    DynamoMentionStore(timedelta(days=90)).add(mention)
    item = dynamo.client.get_item(TableName=dynamo.tables.mentions, Key={"mention_id": {"S": "social#3"}})[
        "Item"
    ]

    assert not {"text", "author", "url", "extra", "engagement", "fetched_at"} & set(item)
    assert len(item["packed"]["B"]) < len(json.dumps(raw)) / 4
    assert mention_from_item(MentionItem.from_raw_data(item)) == mention

    # As stored before: text, author and url as attributes, JSON text attributes and a fetch time.
    before = {key: value for key, value in item.items() if key not in ("packed", "group")}
    before |= {
        "text": {"S": mention.text},
        "author": {"S": mention.author},
        "url": {"S": mention.url},
        "extra": {"S": json.dumps({"raw": raw})},
        "engagement": {"S": json.dumps({"likes": 4})},
        "fetched_at": {"S": "2024-05-23T12:00:00.000000+0000"},
    }
    restored = mention_from_item(MentionItem.from_raw_data(before))
    assert restored == mention and restored.group == ""


def test_the_audit_trail_reads_in_time_order_whatever_the_write_order(dynamo: DynamoTables) -> None:
    audit = DynamoAuditLog()
    times = [T0 + timedelta(minutes=m) for m in (9, 0, 4)]
    for n, at in enumerate(times):
        audit.record("inc-1", f"event-{n}", "system", {"n": n}, at)
    audit.record("inc-1", "same-instant", "system", {"n": 3}, times[1])
    audit.record("inc-2", "elsewhere", "system", {}, T0)

    entries = DynamoAuditLog().read("inc-1")

    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert [e.kind for e in entries][-1] == "event-0"
    assert sorted(e.kind for e in entries) == ["event-0", "event-1", "event-2", "same-instant"]


def test_audit_details_are_stored_as_json(dynamo: DynamoTables) -> None:
    DynamoAuditLog().record("inc-1", "k", "tier1-primary", {"at": T0, "tier": 1, "nested": {"a": [1]}}, T0)

    (entry,) = DynamoAuditLog().read("inc-1")
    assert entry.detail == {"at": str(T0), "tier": 1, "nested": {"a": [1]}}
    assert (entry.actor, entry.at) == ("tier1-primary", T0)
    assert json.dumps(entry.detail)


def test_a_cursor_is_read_back_and_overwritten(dynamo: DynamoTables) -> None:
    cursors = DynamoCursorStore()

    assert cursors.get("Acme Coffee#replay#k") is None
    cursors.put("Acme Coffee#replay#k", "17")
    cursors.put("Acme Coffee#replay#k", "42")

    assert cursors.get("Acme Coffee#replay#k") == "42"


def test_quarantine_keeps_every_rejected_item(dynamo: DynamoTables) -> None:
    quarantine = DynamoQuarantineStore()

    quarantine.put("replay", "{bad", "line 3: not valid JSON")
    quarantine.put("replay", "{bad", "line 3: not valid JSON")  # the same line again after a crash
    quarantine.put("replay", "x" * 150_000, "r" * 5_000)

    items = dynamo.client.scan(TableName=dynamo.tables.quarantine)["Items"]
    assert len(items) == 3
    assert max(len(i["raw"]["S"]) for i in items) == 100_000
    assert max(len(i["reason"]["S"]) for i in items) == 1_000


def test_false_alarms_accumulate_beside_the_detector_state_without_touching_it(dynamo: DynamoTables) -> None:
    states = DynamoDetectorStateStore()
    state = DetectorState(last_bucket="2024-05-23T12:00:00Z", buckets_seen=7)
    assert states.save("Acme Coffee", state, None)
    feedback = DynamoDetectorFeedback()

    feedback.false_alarm("Acme Coffee", "inc-acme-coffee-20240523T1200Z", "tier1-primary", T0)
    feedback.false_alarm("Acme Coffee", "inc-acme-coffee-20240524T0900Z", "tier2-primary", T0 + timedelta(1))
    feedback.false_alarm("New Brand", "inc-new-brand-20240523T1200Z", "tier1-primary", T0)

    item = DetectorItem.get("Acme Coffee")
    assert [entry["incident_id"] for entry in item.false_alarms] == [
        "inc-acme-coffee-20240523T1200Z",
        "inc-acme-coffee-20240524T0900Z",
    ]
    assert item.false_alarms[0]["by"] == "tier1-primary"
    loaded, version = states.load("Acme Coffee")
    assert loaded.buckets_seen == 7 and version == 1, "feedback never bumps the state's version"
    assert DetectorItem.get("New Brand").false_alarms[0]["incident_id"] == "inc-new-brand-20240523T1200Z"


def test_binding_to_another_stack_sends_transactions_to_its_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    # A process that binds twice (the test suite, an operator's CLI) must not keep writing transactions
    # to the endpoint of the first binding, nor to real AWS when the first binding had none.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5001")
    bind_tables(Tables())
    first = transaction_connection().client.meta.endpoint_url

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5002")
    bind_tables(Tables())

    assert first == "http://127.0.0.1:5001"
    assert transaction_connection().client.meta.endpoint_url == "http://127.0.0.1:5002"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    bind_tables(Tables())  # leave no connection behind for the next test


def test_a_detector_state_saved_before_packing_is_read_and_packed_at_its_next_save(
    dynamo: DynamoTables,
) -> None:
    before = DetectorState(last_bucket="2024-05-23T12:00:00Z", buckets_seen=7, source_levels={"reddit": 2.5})
    dynamo.client.put_item(
        TableName=dynamo.tables.detector,
        Item={
            "brand": {"S": "Acme Coffee"},
            "state": {"S": json.dumps(before.to_dict())},
            "version": {"N": "3"},
        },
    )
    states = DynamoDetectorStateStore()

    loaded, version = states.load("Acme Coffee")
    assert (loaded, version) == (before, 3)

    later = DetectorState(last_bucket="2024-05-23T12:05:00Z", buckets_seen=8)
    assert states.save("Acme Coffee", later, version)
    item = dynamo.client.get_item(TableName=dynamo.tables.detector, Key={"brand": {"S": "Acme Coffee"}})[
        "Item"
    ]
    assert "state" not in item and "B" in item["packed_state"]
    assert states.load("Acme Coffee") == (later, 4)


def test_a_long_cursor_is_stored_deflated_and_read_back_as_written(dynamo: DynamoTables) -> None:
    cursors = DynamoCursorStore()
    long = json.dumps({"recent": [f"t3_{n:06x}" for n in range(300)], "since": "2024-05-23T12:00:00Z"})
    cursors.put("acme#reddit", long)
    cursors.put("acme#bluesky", '{"cursor":"3kabc"}')

    assert (cursors.get("acme#reddit"), cursors.get("acme#bluesky")) == (long, '{"cursor":"3kabc"}')
    item = dynamo.client.get_item(TableName=dynamo.tables.cursors, Key={"cursor_key": {"S": "acme#reddit"}})
    assert len(item["Item"]["packed"]["B"]) < len(long) / 3
    # As written before: text, with the time it was written.
    dynamo.client.put_item(
        TableName=dynamo.tables.cursors,
        Item={
            "cursor_key": {"S": "old"},
            "cursor": {"S": long},
            "updated_at": {"S": "2024-05-23T12:00:00.000000+0000"},
        },
    )
    assert cursors.get("old") == long


def test_a_bucket_counted_before_and_after_one_item_per_bucket_adds_up(dynamo: DynamoTables) -> None:
    # Counted before: one item per source and one per crisis type and source.
    dynamo.client.put_item(
        TableName=dynamo.tables.buckets,
        Item={
            "pk": {"S": "Acme Coffee"},
            "sk": {"S": "2024-05-23T12:00:00Z#reddit"},
            **{name: {"N": "2"} for name in ("volume", "negative", "scored")},
            "negative_reach": {"N": "300"},
        },
    )
    dynamo.client.put_item(
        TableName=dynamo.tables.buckets,
        Item={
            "pk": {"S": "Acme Coffee"},
            "sk": {"S": "2024-05-23T12:00:00Z#reddit#legal_safety"},
            "volume": {"N": "1"},
            "negative": {"N": "1"},
            "scored": {"N": "1"},
            "reach": {"N": "150"},
            "authors": {"NS": ["7"]},
        },
    )
    mention = replace(make_mention(5, source="reddit", followers=40, text="recall!"), group="g1")
    score = MentionScore(
        mention.mention_id, mention.brand, "reddit", -0.6, 40, crisis_types=("legal_safety",)
    )
    assert DynamoAggregateStore().record_batch([(mention, score)]) == 1

    (stats,) = DynamoAggregateStore().buckets("Acme Coffee", T0, T0).values()
    assert (stats.volume, stats.negative, stats.negative_reach, stats.sources) == (3, 3, 340, {"reddit": 3})
    assert stats.crisis_types == {"legal_safety": {"reddit": 2}}
    assert (stats.type_negative, stats.type_reach) == ({"legal_safety": 2}, {"legal_safety": 190})
    assert 7 in stats.type_authors["legal_safety"] and len(stats.type_authors["legal_safety"]) == 2
