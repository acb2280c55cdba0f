"""Schedule -> function -> table -> stream -> function, with a partial batch failure retried, and a
record that keeps failing dead-lettered."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime

import pytest

from crisiswatch_ops.runtime import LocalRuntime

pytestmark = pytest.mark.runtime


def _results(runtime: LocalRuntime, batch_id: str) -> dict[str, dict]:
    table = runtime.client("dynamodb")
    items = table.scan(
        TableName=runtime.outputs["ResultsTableName"],
        FilterExpression="begins_with(pk, :prefix)",
        ExpressionAttributeValues={":prefix": {"S": f"batch#{batch_id}/"}},
    )["Items"]
    return {item["pk"]["S"].rsplit("/", 1)[1]: item for item in items}


def _stats(runtime: LocalRuntime):
    return dataclasses.replace(runtime.streams.stats_for(runtime.resources["ProcessMentionsFunction"]))


def test_tick_to_stream_retries_the_failed_record_and_loses_nothing(runtime: LocalRuntime):
    before = _stats(runtime)
    [fired] = runtime.scheduler.tick("ScheduledFetchFunctionEveryMinute")
    assert not fired.errored, fired.payload
    event = fired.event
    assert (
        event["detail-type"] == "Scheduled Event"
        and event["source"] == "aws.events"
        and event["detail"] == {}
    )
    assert event["resources"] == [
        f"arn:aws:events:us-east-1:123456789012:rule/{runtime.resources['ScheduledFetchFunctionEveryMinute']}"
    ]
    assert fired.payload == {
        "batchId": event["id"],
        "written": 5,
        "time": event["time"],
        "resources": event["resources"],
    }

    runtime.streams.wait_until_idle(timeout=30)
    results = _results(runtime, event["id"])
    assert sorted(results) == ["000", "001", "002", "003", "004"]  # nothing lost
    attempts = {sk: int(item["attempts"]["N"]) for sk, item in results.items()}
    assert attempts["002"] == 2  # reported in batchItemFailures once, then retried
    assert attempts["000"] == attempts["001"] == 1  # before the checkpoint: never redelivered
    assert all(item["eventName"]["S"] == "INSERT" for item in results.values())
    sequence = [int(results[sk]["sequenceNumber"]["S"]) for sk in sorted(results)]
    assert sequence == sorted(sequence) and len(set(sequence)) == 5

    after = _stats(runtime)
    assert after.records - before.records == 5
    assert after.partial_failures - before.partial_failures == 1
    assert after.retries - before.retries == 1 and after.failures == before.failures


def test_filter_criteria_drop_modify_events(runtime: LocalRuntime):
    [fired] = runtime.scheduler.tick("ScheduledFetchFunctionEveryMinute")
    runtime.streams.wait_until_idle(timeout=30)
    before = _stats(runtime)
    table = runtime.client("dynamodb")
    table.update_item(
        TableName=runtime.outputs["MentionsTableName"],
        Key={"pk": {"S": f"batch#{fired.payload['batchId']}"}, "sk": {"S": "000"}},
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "edited"}},
    )
    runtime.streams.wait_until_idle(timeout=30)
    after = _stats(runtime)
    assert after.filtered - before.filtered == 1 and after.invocations == before.invocations
    assert int(_results(runtime, fired.payload["batchId"])["000"]["attempts"]["N"]) == 1


def test_a_rule_with_input_sends_its_input_and_a_disabled_rule_never_fires(runtime: LocalRuntime):
    [digest] = runtime.scheduler.tick("ScheduledFetchFunctionDailyDigest")
    assert digest.event == {"mode": "digest", "count": 2}
    assert digest.payload["written"] == 2 and digest.payload["batchId"].startswith("digest-")
    assert runtime.scheduler.tick("ScheduledFetchFunctionPaused") == []
    runtime.streams.wait_until_idle(timeout=30)
    assert sorted(_results(runtime, digest.payload["batchId"])) == ["000", "001"]


def test_the_virtual_clock_fires_rules_on_schedule_faster_than_real_time(runtime: LocalRuntime):
    scheduler = runtime.scheduler
    scheduler.set_time(datetime(2026, 1, 5, 7, 29, 30, tzinfo=UTC))
    seen = len(scheduler.history)
    scheduler.speedup = 60  # a virtual minute per second
    scheduler.resume()
    try:
        deadline = time.monotonic() + 60  # bounds a hang: both fire within a second or two of real time
        while time.monotonic() < deadline:
            fired = list(scheduler.history)[seen:]
            names = {result.rule_name for result in fired}
            if any("DailyDigest" in name for name in names) and any("EveryMinute" in name for name in names):
                break
            time.sleep(0.05)
    finally:
        scheduler.pause()
        scheduler.speedup = 1
    fired = list(scheduler.history)[seen:]
    digest = next(result for result in fired if "DailyDigest" in result.rule_name)
    minute = next(result for result in fired if "EveryMinute" in result.rule_name)
    assert digest.scheduled_time == "2026-01-05T07:30:00Z"  # cron(30 7 * * ? *)
    assert minute.scheduled_time == "2026-01-05T07:30:30Z" and minute.event["time"] == minute.scheduled_time
    assert not any("Paused" in result.rule_name for result in fired)
    runtime.streams.wait_until_idle(timeout=30)


def test_expired_items_are_not_deleted_by_moto_so_readers_filter(runtime: LocalRuntime):
    """TTL is configured but moto never expires items: readers must filter (documented difference)."""
    table = runtime.client("dynamodb")
    table.put_item(
        TableName=runtime.outputs["MentionsTableName"],
        Item={"pk": {"S": "expired"}, "sk": {"S": "000"}, "expiresAt": {"N": "1"}, "source": {"S": "rss"}},
    )
    runtime.streams.wait_until_idle(timeout=30)
    fresh = table.scan(
        TableName=runtime.outputs["MentionsTableName"],
        FilterExpression="expiresAt > :now",
        ExpressionAttributeValues={":now": {"N": str(int(time.time()))}},
    )["Items"]
    assert all(item["pk"]["S"] != "expired" for item in fresh)
    assert table.get_item(
        TableName=runtime.outputs["MentionsTableName"], Key={"pk": {"S": "expired"}, "sk": {"S": "000"}}
    )["Item"]


def test_a_mention_that_keeps_failing_goes_to_the_templates_dead_letter_queue(runtime: LocalRuntime):
    """The mapping from the template keeps its DestinationConfig; the queue's depth is a metric."""
    function = runtime.resources["ProcessMentionsFunction"]
    mappings = runtime.client("lambda").list_event_source_mappings(FunctionName=function)
    [mapping] = mappings["EventSourceMappings"]
    sqs = runtime.client("sqs")
    url = runtime.outputs["StreamDeadLetterQueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn}}
    runtime.streams.wait_until_idle(timeout=30)
    before = _stats(runtime)

    runtime.client("dynamodb").put_item(
        TableName=runtime.outputs["MentionsTableName"],
        Item={
            "pk": {"S": "batch#doomed"},
            "sk": {"S": "000"},
            "source": {"S": "rss"},
            "failAlways": {"BOOL": True},
        },
    )
    runtime.streams.wait_until_idle(timeout=30)

    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    record = json.loads(message["Body"])
    sequence = _results(runtime, "doomed")["000"]["sequenceNumber"]["S"]
    info = record["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (sequence, sequence)
    assert info["batchSize"] == 1
    assert record["requestContext"]["approximateInvokeCount"] == 4  # MaximumRetryAttempts: 3
    after = _stats(runtime)
    assert after.dead_lettered - before.dead_lettered == 1 and after.failures - before.failures == 1
    depth = runtime.queue_depths.sample()[url.rsplit("/", 1)[-1]]
    assert depth.visible + depth.not_visible == 1
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
