"""The service metrics alarms watch: Lambda invocations and errors, SQS queue depths."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from moto.cloudwatch.models import cloudwatch_backends

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.constants import ACCOUNT_ID, REGION

pytestmark = pytest.mark.runtime


def _sums(runtime: LocalRuntime, function: str) -> dict[str, float]:
    cloudwatch = runtime.client("cloudwatch")
    now = datetime.now(UTC)
    sums = {}
    for name in ("Invocations", "Errors"):
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda",
            MetricName=name,
            Dimensions=[{"Name": "FunctionName", "Value": function}],
            StartTime=now - timedelta(hours=1),
            EndTime=now + timedelta(minutes=5),
            Period=3600,
            Statistics=["Sum"],
        )["Datapoints"]
        sums[name] = sum(point["Sum"] for point in points)
    return sums


def test_each_invocation_counts_and_each_error_counts_as_an_error(runtime: LocalRuntime):
    function = runtime.resources["ProbeFunction"]
    before = _sums(runtime, function)
    runtime.invoke("ProbeFunction", {"action": "echo"})
    _payload, errored, _logs = runtime.invoke("ProbeFunction", {"action": "raise"})
    assert errored
    after = _sums(runtime, function)
    assert after["Invocations"] - before["Invocations"] == 2
    assert after["Errors"] - before["Errors"] == 1


def _depths(queue: str) -> list[tuple[str, float]]:
    """Every AWS/SQS datapoint of ``queue``, in the order they were put."""
    return [
        (datum.name, datum.value)
        for datum in cloudwatch_backends[ACCOUNT_ID][REGION].metric_data
        if datum.namespace == "AWS/SQS" and any(d.value == queue for d in datum.dimensions)
    ]


def _latest(queue: str) -> tuple[float, float]:
    visible = [value for metric, value in _depths(queue) if metric == "ApproximateNumberOfMessagesVisible"]
    hidden = [value for metric, value in _depths(queue) if metric == "ApproximateNumberOfMessagesNotVisible"]
    return visible[-1], hidden[-1]


def test_queue_depth_is_published_when_it_changes(runtime: LocalRuntime):
    """The sampler thread may publish too (once a second); each check holds whichever sample was last."""
    sqs = runtime.client("sqs")
    name = f"depth-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    runtime.queue_depths.sample()
    assert _latest(name) == (0, 0)
    for body in ("one", "two"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert runtime.queue_depths.sample()[name].visible == 2
    assert _latest(name) == (2, 0)
    published = len(_depths(name))
    runtime.queue_depths.sample()
    assert len(_depths(name)) == published, "an unchanged depth is not put again (for 30 seconds)"
    [received] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=300)["Messages"]
    runtime.queue_depths.sample()
    assert _latest(name) == (1, 1)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received["ReceiptHandle"])
    runtime.queue_depths.sample()
    assert _latest(name) == (1, 0)

    now = datetime.now(UTC)
    [point] = runtime.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": name}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=7200,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert point["Maximum"] == 2  # as an alarm on the queue would see it
