"""SNS email and SMS deliveries in the outbox, per protocol and filter policy."""

from __future__ import annotations

import json

import pytest

from crisiswatch_ops.runtime import LocalRuntime

pytestmark = pytest.mark.runtime

STRUCTURED = json.dumps({"default": "fallback", "email": "Email body", "sms": "SMS body"})


def test_a_structured_message_reaches_each_protocol_that_its_filter_lets_through(runtime: LocalRuntime):
    sns = runtime.client("sns")
    mark = len(runtime.outbox)
    for severity in ("high", "critical", "low"):
        sns.publish(
            TopicArn=runtime.outputs["AlertsTopicArn"],
            Subject=f"severity {severity}",
            Message=STRUCTURED,
            MessageStructure="json",
            MessageAttributes={"severity": {"DataType": "String", "StringValue": severity}},
        )
    delivered = [
        (m["protocol"], m["endpoint"], m["subject"], m["message"])
        for m in runtime.outbox.messages(since=mark)
    ]
    assert delivered == [
        ("email", "oncall@example.com", "severity high", "Email body"),
        ("email", "oncall@example.com", "severity critical", "Email body"),
        ("sms", "+15555550100", None, "SMS body"),
    ]
    lines = [json.loads(line) for line in (runtime.state_dir / "outbox.jsonl").read_text().splitlines()]
    assert lines[-1]["message"] == "SMS body" and lines[-1]["topic_arn"] == runtime.outputs["AlertsTopicArn"]
    assert lines[-1]["message_attributes"] == {"severity": {"Type": "String", "Value": "critical"}}


def test_a_direct_sms_goes_to_the_outbox(runtime: LocalRuntime):
    runtime.client("sns").publish(PhoneNumber="+15555550123", Message="Your code is 4321")
    message = runtime.outbox.wait_for(lambda m: m["endpoint"] == "+15555550123", timeout=5)
    assert (message["protocol"], message["message"], message["topic_arn"]) == (
        "sms",
        "Your code is 4321",
        None,
    )
