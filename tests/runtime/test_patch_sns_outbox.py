"""Self-test of patch (g): SNS email/email-json/SMS deliveries reach the outbox, through moto's
filter policy evaluation and per-protocol MessageStructure handling."""

from __future__ import annotations

import inspect
import json
import uuid
from pathlib import Path

from moto.sns.models import SNSBackend, Subscription, sns_backends

from crisiswatch_ops.runtime.outbox import Outbox
from crisiswatch_ops.runtime.patches import _patching

from .conftest import isolated_hooks
from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"
STRUCTURED = json.dumps({"default": "plain", "email": "the email body", "sms": "the sms body"})


def _topic_with_subscribers() -> tuple[SNSBackend, str]:
    backend = sns_backends[ISOLATED_ACCOUNT][REGION]
    topic = backend.create_topic(f"alerts-{uuid.uuid4().hex[:8]}")
    email = backend.subscribe(topic.arn, "oncall@example.com", "email")
    backend.set_subscription_attributes(email.arn, "FilterPolicyScope", "MessageAttributes")
    backend.set_subscription_attributes(
        email.arn, "FilterPolicy", json.dumps({"severity": ["high", "critical"]})
    )
    sms = backend.subscribe(topic.arn, "+15555550100", "sms")
    backend.set_subscription_attributes(sms.arn, "FilterPolicy", json.dumps({"severity": ["critical"]}))
    raw = backend.subscribe(topic.arn, "ops@example.com", "email-json")
    backend.set_subscription_attributes(raw.arn, "FilterPolicyScope", "MessageBody")
    backend.set_subscription_attributes(raw.arn, "FilterPolicy", json.dumps({"kind": ["page"]}))
    return backend, topic.arn


def _attributes(severity: str) -> dict:
    return {"severity": {"Type": "String", "Value": severity}}


def test_moto_hooks_keep_their_shape():
    publish = _patching.original(Subscription, "publish")
    assert list(inspect.signature(publish).parameters) == [
        "self",
        "message",
        "message_id",
        "subject",
        "message_attributes",
        "group_id",
        "deduplication_id",
        "message_structure",
    ]
    source = inspect.getsource(publish)
    assert (
        "_filter_policy_matcher" in source and "_parse_message_structure" in source
    )  # what the patch reuses
    assert '"email"' not in source, "moto now delivers email itself: recheck patch (g)"
    backend_publish = _patching.original(SNSBackend, "publish")
    assert "phone_number" in inspect.signature(backend_publish).parameters


def test_deliveries_respect_filter_policies_and_message_structure(tmp_path: Path):
    outbox = Outbox(tmp_path / "outbox.jsonl")
    backend, topic_arn = _topic_with_subscribers()
    with isolated_hooks(sink=outbox):
        backend.publish(
            STRUCTURED,
            topic_arn,
            subject="S1",
            message_attributes=_attributes("high"),
            message_structure="json",
        )
        backend.publish(
            STRUCTURED,
            topic_arn,
            subject="S2",
            message_attributes=_attributes("critical"),
            message_structure="json",
        )
        backend.publish(
            STRUCTURED,
            topic_arn,
            subject="S3",
            message_attributes=_attributes("low"),
            message_structure="json",
        )
        backend.publish(json.dumps({"kind": "page", "text": "raw"}), topic_arn, subject="S4")
    delivered = [
        (message["protocol"], message["subject"], message["message"]) for message in outbox.messages()
    ]
    assert delivered == [
        ("email", "S1", "the email body"),
        ("email", "S2", "the email body"),
        ("sms", None, "the sms body"),
        ("email-json", "S4", delivered[3][2]),
    ]
    notification = json.loads(delivered[3][2])
    assert notification["Type"] == "Notification" and json.loads(notification["Message"])["kind"] == "page"
    lines = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert [line["subject"] for line in lines] == ["S1", "S2", None, "S4"]
    assert lines[0]["message_attributes"] == _attributes("high") and lines[0]["topic_arn"] == topic_arn


def test_direct_sms_goes_to_the_outbox(tmp_path: Path):
    outbox = Outbox(None)
    backend = sns_backends[ISOLATED_ACCOUNT][REGION]
    with isolated_hooks(sink=outbox):
        backend.publish("your code is 1234", None, phone_number="+15555550111")
    [message] = outbox.messages()
    assert (message["protocol"], message["endpoint"], message["message"]) == (
        "sms",
        "+15555550111",
        "your code is 1234",
    )


def test_without_an_outbox_moto_behaves_as_before():
    backend, topic_arn = _topic_with_subscribers()
    with isolated_hooks(sink=None):
        message_id = backend.publish(
            STRUCTURED, topic_arn, message_attributes=_attributes("critical"), message_structure="json"
        )
    assert message_id
