"""Event source mappings created at run time: function errors, bisection, the retry limit, and the
on-failure destination that receives what the retries could not deliver."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models.dynamodb import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
)

from crisiswatch_ops.runtime import LocalRuntime

from .helpers import zip_bytes

pytestmark = pytest.mark.runtime

HANDLER = """
import os
import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["SEEN_TABLE"])


def handler(event, context):
    keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
    for key in keys:
        TABLE.update_item(
            Key={"pk": key}, UpdateExpression="ADD deliveries :one", ExpressionAttributeValues={":one": 1}
        )
    if "poison" in keys:
        raise ValueError(f"cannot process a batch with poison: {keys}")
    stuck = [r["dynamodb"]["SequenceNumber"] for r, key in zip(event["Records"], keys) if key == "stuck"]
    return {"processed": len(keys), "batchItemFailures": [{"itemIdentifier": s} for s in stuck]}
"""


def _table(runtime: LocalRuntime, name: str, stream: bool) -> dict:
    kwargs = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}} if stream else {}
    return runtime.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **kwargs,
    )["TableDescription"]


def _setup(runtime: LocalRuntime, *keys: str, **mapping: Any) -> tuple[str, str, str]:
    """A stream table, a recording function and a mapping between them; returns (source, seen, uuid).

    ``keys`` are written before the mapping exists, so its first read takes them all in one batch.
    """
    suffix = uuid.uuid4().hex[:8]
    source = _table(runtime, f"source-{suffix}", stream=True)
    _table(runtime, f"seen-{suffix}", stream=False)
    _put(runtime, source["TableName"], *keys)
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    role = runtime.client("iam").create_role(RoleName=f"rec-{suffix}", AssumeRolePolicyDocument=trust)[
        "Role"
    ]["Arn"]
    function = runtime.client("lambda").create_function(
        FunctionName=f"rec-{suffix}",
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": zip_bytes({"app.py": HANDLER})},
        Timeout=10,
        Environment={"Variables": {"SEEN_TABLE": f"seen-{suffix}"}},
    )
    created = runtime.client("lambda").create_event_source_mapping(
        EventSourceArn=source["LatestStreamArn"],
        FunctionName=function["FunctionArn"],
        StartingPosition="TRIM_HORIZON",
        **mapping,
    )
    runtime.streams.refresh()
    return source["TableName"], f"seen-{suffix}", created["UUID"]


def _put(runtime: LocalRuntime, table: str, *keys: str) -> None:
    for key in keys:
        runtime.client("dynamodb").put_item(TableName=table, Item={"pk": {"S": key}})


def _deliveries(runtime: LocalRuntime, seen: str) -> dict[str, int]:
    items = runtime.client("dynamodb").scan(TableName=seen)["Items"]
    return {item["pk"]["S"]: int(item["deliveries"]["N"]) for item in items}


def test_a_failing_batch_is_bisected_and_the_poison_record_dropped_after_its_retries(runtime: LocalRuntime):
    _source, seen, mapping = _setup(
        runtime,
        "a",  # written before the mapping exists: one batch of four, however slow the machine
        "b",
        "poison",
        "d",
        BatchSize=4,
        MaximumRetryAttempts=2,
        BisectBatchOnFunctionError=True,
    )
    runtime.streams.wait_until_idle(timeout=30)

    stats = runtime.streams.stats[mapping]
    assert (stats.batches, stats.records, stats.failures) == (1, 4, 1)  # only the poison record is dropped
    # [a b poison d] fails -> halves: [a b] ok; [poison d] fails -> [poison] 1 + 2 retries, [d] ok
    assert _deliveries(runtime, seen) == {"a": 2, "b": 2, "poison": 5, "d": 3}
    assert stats.function_errors == 5 and stats.retries == 2


def test_updating_a_mapping_keeps_its_position_in_the_stream(runtime: LocalRuntime):
    source, seen, mapping = _setup(runtime, BatchSize=10)
    _put(runtime, source, "first", "second")
    runtime.streams.wait_until_idle(timeout=30)
    runtime.client("lambda").update_event_source_mapping(UUID=mapping, BatchSize=1)
    runtime.streams.refresh()  # a new poller, from the old one's checkpoint
    _put(runtime, source, "third")
    runtime.streams.wait_until_idle(timeout=30)
    assert _deliveries(runtime, seen) == {"first": 1, "second": 1, "third": 1}
    assert runtime.streams.stats[mapping].records == 3


def _queue(runtime: LocalRuntime) -> tuple[str, str]:
    sqs = runtime.client("sqs")
    url = sqs.create_queue(QueueName=f"dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _messages(runtime: LocalRuntime, url: str) -> list[dict]:
    sqs = runtime.client("sqs")
    found = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def _stream_keys(runtime: LocalRuntime, table: str) -> dict[str, str]:
    """Sequence number -> key of every record in the table's stream."""
    streams = runtime.client("dynamodbstreams")
    arn = runtime.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return {record["dynamodb"]["SequenceNumber"]: record["dynamodb"]["Keys"]["pk"]["S"] for record in records}


def test_a_record_that_exhausts_its_retries_reaches_the_on_failure_queue_as_batch_metadata(
    runtime: LocalRuntime,
):
    url, arn = _queue(runtime)
    source, seen, mapping = _setup(
        runtime,
        "a",
        "b",
        "poison",
        "d",
        BatchSize=4,
        MaximumRetryAttempts=1,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    runtime.streams.wait_until_idle(timeout=30)

    [record] = _messages(runtime, url)
    parsed = DynamoDBStreamLambdaOnFailureDestinationModel.model_validate(record)  # AWS's documented shape
    keys = _stream_keys(runtime, source)
    info = record["DDBStreamBatchInfo"]
    assert keys[info["startSequenceNumber"]] == keys[info["endSequenceNumber"]] == "poison"
    assert parsed.ddb_stream_batch_info.batch_size == 1
    assert (
        info["streamArn"]
        == runtime.client("dynamodb").describe_table(TableName=source)["Table"]["LatestStreamArn"]
    )
    assert info["shardId"].startswith("shardId-")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["approximateArrivalOfFirstRecord"])
    context = record["requestContext"]
    assert context["condition"] == "RetryAttemptsExhausted"
    assert context["functionArn"] == runtime.streams.stats[mapping].function_arn
    # [a b poison d] -> [poison d] -> [poison] and its one retry: four invocations saw the record
    assert context["approximateInvokeCount"] == 4
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["version"] == "1.0" and "Records" not in json.dumps(record)  # metadata, not the records
    stats = runtime.streams.stats[mapping]
    assert (stats.failures, stats.dead_lettered, stats.destination_errors) == (1, 1, 0)
    assert _deliveries(runtime, seen) == {"a": 2, "b": 2, "poison": 4, "d": 3}


def test_a_partial_batch_failure_dead_letters_from_the_failed_record_on(runtime: LocalRuntime):
    """With ReportBatchItemFailures the retries restart at the failed record, so after the last one the
    destination gets the range from that record to the end of the batch."""
    url, arn = _queue(runtime)
    source, seen, mapping = _setup(
        runtime,
        "ok",
        "stuck",
        "after",
        BatchSize=10,
        MaximumRetryAttempts=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    runtime.streams.wait_until_idle(timeout=30)

    [record] = _messages(runtime, url)
    keys = _stream_keys(runtime, source)
    info = record["DDBStreamBatchInfo"]
    assert (keys[info["startSequenceNumber"]], keys[info["endSequenceNumber"]]) == ("stuck", "after")
    assert info["batchSize"] == 2
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert "functionError" not in record["responseContext"]  # the function answered; a record failed
    assert runtime.streams.stats[mapping].dead_lettered == 2
    assert _deliveries(runtime, seen) == {"ok": 1, "stuck": 3, "after": 3}
