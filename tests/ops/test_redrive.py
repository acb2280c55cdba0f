"""`crisiswatch redrive` against in-memory SQS, Lambda and DynamoDB Streams: what is replayed, what is
kept, and why. (The whole loop on the embedded runtime is in tests/loop/test_dead_letters.py.)"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from crisiswatch_ops import cli
from crisiswatch_ops.problems import EXIT_AWS
from crisiswatch_ops.redrive import (
    QUEUES,
    RecordsExpiredError,
    RedriveOptions,
    Redriver,
    Status,
    StreamBatch,
    read_batch,
)
from crisiswatch_ops.runtime.template import load_template

ROOT = Path(__file__).resolve().parents[2]

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/Mentions/stream/2026-01-01T00:00:00.000"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:Score"
FETCH = "arn:aws:lambda:us-east-1:123456789012:function:Fetch"
SHARD = "shardId-00000001-aaaa"
URL = "https://sqs.example/123/dlq"


def _error(code: str, operation: str = "GetShardIterator") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"}}, operation)


class FakeSqs:
    """One queue: receive hides messages until deleted or released (visibility 0)."""

    def __init__(self, bodies: list[Any]) -> None:
        self.messages = {
            f"m{index}": body if isinstance(body, str) else json.dumps(body)
            for index, body in enumerate(bodies)
        }
        self.hidden: set[str] = set()
        self.deleted: list[str] = []
        self.released: list[str] = []

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        visible = [key for key in self.messages if key not in self.hidden][: kwargs["MaxNumberOfMessages"]]
        self.hidden.update(visible)
        return {
            "Messages": [
                {"MessageId": key, "ReceiptHandle": f"rh-{key}", "Body": self.messages[key]}
                for key in visible
            ]
        }

    def delete_message(self, **kwargs: Any) -> None:
        key = kwargs["ReceiptHandle"].removeprefix("rh-")
        del self.messages[key]
        self.deleted.append(key)

    def change_message_visibility_batch(self, **kwargs: Any) -> None:
        for entry in kwargs["Entries"]:
            key = entry["ReceiptHandle"].removeprefix("rh-")
            self.hidden.discard(key)
            self.released.append(key)


class FakeStreams:
    """A shard holding records with sequence numbers 100, 101, ...; those below ``trimmed`` are gone."""

    def __init__(self, events: list[tuple[str, str]], trimmed: int = 0) -> None:
        self.records = [
            {
                "eventID": f"e{seq}",
                "eventName": name,
                "dynamodb": {
                    "Keys": {"pk": {"S": key}},
                    "SequenceNumber": str(seq),
                    "ApproximateCreationDateTime": 0,
                },
            }
            for seq, (name, key) in enumerate(events, start=100)
        ]
        self.trimmed = trimmed

    def get_shard_iterator(self, **kwargs: Any) -> dict[str, str]:
        assert kwargs["ShardIteratorType"] == "AT_SEQUENCE_NUMBER" and kwargs["ShardId"] == SHARD
        if int(kwargs["SequenceNumber"]) < self.trimmed:
            raise _error("TrimmedDataAccessException")
        return {"ShardIterator": kwargs["SequenceNumber"]}

    def get_records(self, **kwargs: Any) -> dict[str, Any]:
        start = int(kwargs["ShardIterator"])
        page = [r for r in self.records if int(r["dynamodb"]["SequenceNumber"]) >= start][:2]  # small pages
        after = int(page[-1]["dynamodb"]["SequenceNumber"]) + 1 if page else start
        return {"Records": page, "NextShardIterator": str(after)}


class FakeLambda:
    def __init__(self, answers: Iterator[tuple[str | None, Any]] | None = None, filters: bool = True) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.answers = answers
        self.mapping = {
            "FunctionArn": FUNCTION,
            "EventSourceArn": STREAM,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }
        if filters:
            self.mapping["FilterCriteria"] = {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]}

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["InvocationType"] == "RequestResponse"
        event = json.loads(kwargs["Payload"])
        self.calls.append((kwargs["FunctionName"], event))
        error, answer = next(self.answers) if self.answers else (None, None)
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}
        if error:
            response["FunctionError"] = error
        return response

    def get_paginator(self, name: str) -> Any:
        assert name == "list_event_source_mappings"
        mapping = self.mapping

        class Pages:
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                return [{"EventSourceMappings": [mapping] if kwargs["EventSourceArn"] == STREAM else []}]

        return Pages()


def stream_record(start: int, end: int, function: str = FUNCTION) -> dict[str, Any]:
    return {
        "requestContext": {
            "requestId": "r",
            "functionArn": function,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 6,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": "2026-01-01T00:00:00.000Z",
        "DDBStreamBatchInfo": {
            "shardId": SHARD,
            "startSequenceNumber": str(start),
            "endSequenceNumber": str(end),
            "approximateArrivalOfFirstRecord": "2026-01-01T00:00:00Z",
            "approximateArrivalOfLastRecord": "2026-01-01T00:00:00Z",
            "batchSize": end - start + 1,
            "streamArn": STREAM,
        },
    }


def async_record(payload: Any) -> dict[str, Any]:
    return {
        "version": "1.0",
        "timestamp": "2026-01-01T00:00:00.000Z",
        "requestContext": {
            "requestId": "r",
            "functionArn": f"{FETCH}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 1,
        },
        "requestPayload": payload,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorType": "Boom", "errorMessage": "no"},
    }


EVENTS = [
    ("INSERT", "a"),
    ("MODIFY", "a"),
    ("INSERT", "b"),
    ("INSERT", "c"),
    ("REMOVE", "b"),
    ("INSERT", "d"),
]


def run(sqs: FakeSqs, lam: FakeLambda, streams: FakeStreams, **options: Any) -> Any:
    return Redriver(sqs, lam, streams, RedriveOptions(**options)).run({"score": URL})


def test_a_stream_batch_is_read_between_its_sequence_numbers_filtered_and_replayed() -> None:
    sqs, lam, streams = FakeSqs([stream_record(101, 104)]), FakeLambda(), FakeStreams(EVENTS)
    summary = run(sqs, lam, streams)

    [(function, event)] = lam.calls
    assert function == FUNCTION
    # 101..104 holds MODIFY a, INSERT b, INSERT c, REMOVE b: the INSERT-only filter keeps b and c
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]] == ["b", "c"]
    assert {r["eventSource"] for r in event["Records"]} == {"aws:dynamodb"}
    assert {r["eventSourceARN"] for r in event["Records"]} == {STREAM}
    [outcome] = summary.outcomes
    assert (outcome.status, outcome.records, outcome.kind) == (Status.REPLAYED, 2, "stream")
    assert sqs.deleted == ["m0"] and summary.exit_code == 0


def test_a_function_error_keeps_the_message_and_makes_it_visible_again() -> None:
    sqs = FakeSqs([stream_record(100, 100)])
    lam = FakeLambda(
        iter([("Unhandled", {"errorType": "ResourceNotFoundException", "errorMessage": "no table"})])
    )
    summary = run(sqs, lam, FakeStreams(EVENTS))
    [outcome] = summary.outcomes
    assert outcome.status is Status.FAILED and "ResourceNotFoundException: no table" in outcome.detail
    assert sqs.deleted == [] and sqs.released == ["m0"] and summary.exit_code == 1


def test_batch_item_failures_count_as_a_failure_and_unknown_identifiers_fail_the_whole_batch() -> None:
    answers = iter(
        [(None, {"batchItemFailures": [{"itemIdentifier": "103"}]}), (None, {"batchItemFailures": [{}]})]
    )
    sqs, lam = FakeSqs([stream_record(102, 103), stream_record(105, 105)]), FakeLambda(answers)
    summary = run(sqs, lam, FakeStreams(EVENTS))
    first, second = summary.outcomes
    assert first.status is Status.FAILED and "1 record(s) failed, the first at sequence 103" in first.detail
    assert second.status is Status.FAILED and "unknown identifier" in second.detail
    assert sqs.deleted == []


def test_without_report_batch_item_failures_the_answer_is_not_read() -> None:
    lam = FakeLambda(iter([(None, {"batchItemFailures": [{"itemIdentifier": "102"}]})]))
    lam.mapping.pop("FunctionResponseTypes")
    sqs = FakeSqs([stream_record(102, 102)])
    assert run(sqs, lam, FakeStreams(EVENTS)).outcomes[0].status is Status.REPLAYED


def test_trimmed_records_are_reported_as_expired_and_kept_unless_dropped() -> None:
    sqs = FakeSqs([stream_record(100, 101), stream_record(104, 105)])
    streams = FakeStreams(EVENTS, trimmed=102)
    summary = run(sqs, FakeLambda(iter([(None, None)])), streams)
    expired, replayed = summary.outcomes
    assert expired.status is Status.EXPIRED and "TrimmedDataAccessException" in expired.detail
    assert "100..101" in expired.detail and replayed.status is Status.REPLAYED
    assert sqs.messages.keys() == {"m0"} and summary.exit_code == 1

    dropped = run(sqs, FakeLambda(), streams, drop_expired=True)
    assert [outcome.status for outcome in dropped.outcomes] == [Status.DROPPED]
    assert sqs.messages == {} and dropped.exit_code == 0


def test_a_range_the_stream_holds_only_in_part_is_expired() -> None:
    streams = FakeStreams(EVENTS)
    streams.records = streams.records[2:]  # 100 and 101 trimmed, and the iterator silently starts later
    streams.trimmed = 0
    with pytest.raises(RecordsExpiredError, match=r"holds 102\.\.103"):
        read_batch(streams, StreamBatch.of(stream_record(100, 103)["DDBStreamBatchInfo"]))
    assert [
        r["dynamodb"]["SequenceNumber"]
        for r in read_batch(streams, StreamBatch.of(stream_record(102, 104)["DDBStreamBatchInfo"]))
    ] == ["102", "103", "104"]


def test_an_async_failure_is_invoked_again_with_its_request_payload() -> None:
    payload = {"brand": "Acme", "source_id": "rss", "time": "2026-01-01T00:05:00Z"}
    sqs, lam = FakeSqs([async_record(payload)]), FakeLambda()
    summary = Redriver(sqs, lam, FakeStreams([])).run({"fetch": URL})
    assert lam.calls == [(f"{FETCH}:$LATEST", payload)]
    assert summary.outcomes[0].status is Status.REPLAYED and sqs.deleted == ["m0"]


def test_dry_run_reads_but_invokes_and_deletes_nothing() -> None:
    sqs, lam = FakeSqs([stream_record(100, 103), async_record({"x": 1})]), FakeLambda()
    summary = run(sqs, lam, FakeStreams(EVENTS), dry_run=True)
    assert [outcome.status for outcome in summary.outcomes] == [Status.WOULD_REPLAY] * 2
    assert summary.outcomes[0].records == 3 and lam.calls == [] and sqs.deleted == []
    assert sorted(sqs.released) == ["m0", "m1"] and summary.exit_code == 0


def test_a_message_that_is_no_invocation_record_is_kept_as_unreadable() -> None:
    sqs = FakeSqs(["not json", {"hello": "world"}])
    summary = run(sqs, FakeLambda(), FakeStreams(EVENTS))
    assert [outcome.status for outcome in summary.outcomes] == [Status.UNREADABLE] * 2
    assert sqs.deleted == [] and summary.exit_code == 1


def test_stream_batches_are_replayed_oldest_first() -> None:
    sqs, lam = FakeSqs([stream_record(104, 105), stream_record(100, 101)]), FakeLambda()
    run(sqs, lam, FakeStreams(EVENTS))
    assert [[r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]] for _, event in lam.calls] == [
        ["a"],
        ["d"],
    ]


def test_the_queues_are_the_templates_outputs() -> None:
    outputs = load_template(ROOT / "template.yaml")["Outputs"]
    assert set(QUEUES.values()) <= set(outputs)


def test_an_unknown_queue_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_status:
        cli.main(["redrive", "--queue", "everything"])
    assert exit_status.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.mark.usefixtures("aws_offline")
def test_a_missing_stack_is_a_setup_error(capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        assert cli.main(["redrive", "--stack", "nowhere"]) == EXIT_AWS
    assert "no stack named 'nowhere'" in capsys.readouterr().err
