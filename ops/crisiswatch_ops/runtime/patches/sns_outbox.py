"""Patch (g): SNS email, email-json and SMS deliveries land in the outbox instead of nowhere.

moto 5.2.5's ``Subscription.publish`` evaluates the subscription's filter policy and the
per-protocol ``MessageStructure="json"`` body, then delivers only to sqs/http(s)/lambda: email and
SMS subscribers get nothing. The replacement keeps moto's filter evaluation
(``_filter_policy_matcher``, which covers MessageAttributes and MessageBody scopes) and moto's
message-structure parsing, and appends email/email-json/sms deliveries to the installed outbox.
Direct SMS (``Publish(PhoneNumber=...)``) is stored by moto in ``sms_messages``; the patched
``SNSBackend.publish`` also writes it to the outbox.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any, Protocol

from moto.sns.models import SNSBackend, Subscription

from . import _patching

OUTBOX_PROTOCOLS = frozenset({"email", "email-json", "sms"})


class DeliverySink(Protocol):
    def deliver(self, record: dict[str, Any]) -> None: ...


_STATE_LOCK = threading.Lock()
_SINK: DeliverySink | None = None


def install(sink: DeliverySink | None) -> None:
    global _SINK  # noqa: PLW0603 - the single active outbox of this process
    with _STATE_LOCK:
        _SINK = sink


def installed() -> DeliverySink | None:
    """The outbox deliveries currently go to."""
    with _STATE_LOCK:
        return _SINK


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _subscription_publish(  # noqa: PLR0913, PLR0917 - moto's Subscription.publish, replaced in place
    self: Any,
    message: str,
    message_id: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> None:
    sink = installed()
    if sink is None or self.protocol not in OUTBOX_PROTOCOLS:
        original = _patching.original(Subscription, "publish")
        original(
            self,
            message,
            message_id,
            subject=subject,
            message_attributes=message_attributes,
            group_id=group_id,
            deduplication_id=deduplication_id,
            message_structure=message_structure,
        )
        return
    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(
        message_attributes, message
    ):
        return
    body = self._parse_message_structure(message, self.protocol) if message_structure == "json" else message
    timestamp = _now()
    if self.protocol == "email-json":  # the subscriber receives the notification document itself
        body = json.dumps(
            {
                "Type": "Notification",
                "MessageId": message_id,
                "TopicArn": self.topic.arn,
                "Subject": subject,
                "Message": body,
                "Timestamp": timestamp,
                "MessageAttributes": message_attributes or {},
            }
        )
    sink.deliver(
        {
            "time": timestamp,
            "topic_arn": self.topic.arn,
            "subscription_arn": self.arn,
            "protocol": self.protocol,
            "endpoint": self.endpoint,
            "subject": None if self.protocol == "sms" else subject,
            "message": body,
            "message_attributes": message_attributes or {},
            "message_id": message_id,
        }
    )


def _backend_publish(  # noqa: PLR0913, PLR0917 - moto's SNSBackend.publish, replaced in place
    self: Any,
    message: str,
    arn: str | None,
    phone_number: str | None = None,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> str:
    original = _patching.original(SNSBackend, "publish")
    message_id: str = original(
        self,
        message,
        arn,
        phone_number=phone_number,
        subject=subject,
        message_attributes=message_attributes,
        group_id=group_id,
        deduplication_id=deduplication_id,
        message_structure=message_structure,
    )
    sink = installed()
    if phone_number and sink is not None:
        if message_structure == "json":  # the phone gets the "sms" entry, else "default"
            structured = json.loads(message)
            message = structured.get("sms") or structured["default"]
        sink.deliver(
            {
                "time": _now(),
                "topic_arn": None,
                "subscription_arn": None,
                "protocol": "sms",
                "endpoint": phone_number,
                "subject": None,
                "message": message,
                "message_attributes": message_attributes or {},
                "message_id": message_id,
            }
        )
    return message_id


def apply() -> None:
    _patching.replace(Subscription, "publish", _subscription_publish)
    _patching.replace(SNSBackend, "publish", _backend_publish)
