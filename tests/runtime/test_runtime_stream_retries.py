"""Event source mappings created at run time: function errors, bisection and the retry limit."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

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
    return {"processed": len(keys)}
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


def _setup(runtime: LocalRuntime, before: tuple[str, ...] = (), **mapping: Any) -> tuple[str, str, str]:
    """A stream table, a recording function and a mapping between them; returns (source, seen, uuid).

    Keys in `before` are written before the mapping exists: the poller's first read (from the stream's
    start) finds them all at once, so they make one batch however slow the machine is.
    """
    suffix = uuid.uuid4().hex[:8]
    source = _table(runtime, f"source-{suffix}", stream=True)
    _table(runtime, f"seen-{suffix}", stream=False)
    _put(runtime, source["TableName"], *before)
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
        before=("a", "b", "poison", "d"),  # one batch of four
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
