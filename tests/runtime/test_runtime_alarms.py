"""The local alarm evaluator: how a state is judged, and an alarm from the template that goes off when its
dead-letter queue fills and tells its SNS topic (an email in the outbox), then clears."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.alarms import judge, supported
from crisiswatch_ops.runtime.patches import lambda_async_invoke

GT = "GreaterThanThreshold"


def test_enough_breaching_periods_mean_alarm() -> None:
    verdict = judge([0.0, 3.0, 2.0], comparison=GT, threshold=1, datapoints_to_alarm=2)
    assert verdict is not None and verdict.state == "ALARM"
    assert "2 out of the last 3 datapoints [0, 3, 2] were greater than the threshold (1)" in verdict.reason
    verdict = judge([0.0, 3.0, 1.0], comparison=GT, threshold=1, datapoints_to_alarm=2)
    assert verdict is not None and verdict.state == "OK"


def test_the_four_static_operators() -> None:
    for comparison, value, state in (
        ("GreaterThanOrEqualToThreshold", 1.0, "ALARM"),
        ("LessThanThreshold", 1.0, "OK"),
        ("LessThanOrEqualToThreshold", 1.0, "ALARM"),
        (GT, 1.0, "OK"),
    ):
        verdict = judge([value], comparison=comparison, threshold=1, datapoints_to_alarm=1)
        assert verdict is not None and verdict.state == state, comparison


def test_missing_data_as_the_alarm_says() -> None:
    def state(treat: str) -> str | None:
        verdict = judge([None, None], comparison=GT, threshold=0, datapoints_to_alarm=1, treat_missing=treat)
        return verdict.state if verdict else None

    assert state("missing") == "INSUFFICIENT_DATA"
    assert state("ignore") is None  # the state stays
    assert state("notBreaching") == "OK"
    assert state("breaching") == "ALARM"
    partial = judge([None, 5.0], comparison=GT, threshold=0, datapoints_to_alarm=1)
    assert partial is not None and partial.state == "ALARM"


def test_metric_math_and_percentiles_are_not_evaluated() -> None:
    plain = {"MetricName": "Errors", "Statistic": "Sum", "ComparisonOperator": GT}
    assert supported(plain)
    assert not supported({**plain, "Statistic": None, "ExtendedStatistic": "p99"})
    assert not supported({"Metrics": [{"Id": "e1", "Expression": "m1 + m2"}], "ComparisonOperator": GT})
    assert not supported({**plain, "ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"})


def quiet_sample(runtime: LocalRuntime, dimensions: list, seconds_ahead: int) -> datetime:
    """An empty-queue datapoint ``seconds_ahead`` from now, as the sampler's heartbeat would put it then
    (stamped ahead rather than waited for); returns an instant just after it to evaluate at."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds_ahead)
    runtime.client("cloudwatch").put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": dimensions,
                "Value": 0,
                "Timestamp": moment,
            }
        ],
    )
    return moment + timedelta(seconds=2)


def ops_emails(runtime: LocalRuntime, name: str) -> list:
    return [
        delivery
        for delivery in runtime.outbox.messages(protocol="email")
        if delivery.endpoint == "ops@example.com" and name in str(delivery.subject)
    ]


@pytest.mark.runtime
def test_the_templates_alarm_goes_off_when_its_queue_fills_and_clears_when_it_empties(runtime: LocalRuntime):
    """The package's runtime keeps the evaluator thread paused: only these evaluations change the alarm.
    Earlier tests used the queue, so the alarm first settles on a quiet minute of its own."""
    name = runtime.outputs["AsyncDeadLetterAlarmName"]
    cloudwatch, sqs = runtime.client("cloudwatch"), runtime.client("sqs")
    url = runtime.outputs["AsyncDeadLetterQueueUrl"]
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": url.rsplit("/", 1)[-1]}]
    assert alarm["AlarmActions"] == alarm["OKActions"] == [runtime.outputs["OpsTopicArn"]]
    assert "AsyncDeadLetterAlarm" not in runtime.deployment.stand_ins
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for old in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=old["ReceiptHandle"])
    runtime.alarms.evaluate(at=quiet_sample(runtime, alarm["Dimensions"], 60))
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "OK"
    emails = len(ops_emails(runtime, name))

    probe = runtime.resources["ProbeFunction"]
    runtime.client("lambda").invoke(FunctionName=probe, InvocationType="Event", Payload=b'{"action":"raise"}')
    lambda_async_invoke.wait_until_idle(timeout=60)
    runtime.queue_depths.sample()
    [change] = runtime.alarms.evaluate()
    assert (change.alarm, change.old, change.new) == (name, "OK", "ALARM")
    assert change.notified == (runtime.outputs["OpsTopicArn"],)
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "ALARM"
    [email] = ops_emails(runtime, name)[emails:]
    assert email.subject == f'ALARM: "{name}" in US East (N. Virginia)'
    notice = json.loads(str(email.message))
    assert notice["NewStateValue"] == "ALARM" and notice["OldStateValue"] == "OK"
    assert notice["Trigger"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert "greater than the threshold (0)" in notice["NewStateReason"]
    assert runtime.alarms.evaluate() == []  # no change, no second notification

    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert runtime.queue_depths.sample()[url.rsplit("/", 1)[-1]].visible == 0
    # The last minute still holds the depth of 1: the alarm clears once a minute holds only empty samples.
    [cleared] = runtime.alarms.evaluate(at=quiet_sample(runtime, alarm["Dimensions"], 65))
    assert (cleared.old, cleared.new) == ("ALARM", "OK") and "[0]" in cleared.reason
    assert [delivery.subject for delivery in ops_emails(runtime, name)][-1].startswith("OK: ")
