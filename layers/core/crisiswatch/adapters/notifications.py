"""SNS: one message per recipient on the contacts topic, routed by filter policy to that person's email
and SMS subscriptions; announcements on the comms channel topic; the recording statement publisher."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..domain.errors import InvalidRequestError
from ..domain.response.audit import AuditKind
from ..ports import AuditLog, OutboundMessage

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""SNS refuses a subject with line breaks or control characters, or of 100 characters or more."""


def _subject(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:99] or "CrisisWatch"


class SnsNotifier:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic = topic_arn

    def send(self, messages: Iterable[OutboundMessage]) -> None:
        if not self._topic:
            raise InvalidRequestError("no contacts topic is configured")
        for message in messages:
            self._sns.publish(
                TopicArn=self._topic,
                Subject=_subject(message.subject),
                MessageStructure="json",
                Message=json.dumps(
                    {"default": message.email_body, "email": message.email_body, "sms": message.sms_body}
                ),
                MessageAttributes={"recipient": {"DataType": "String", "StringValue": message.recipient}},
            )


class SnsCommsChannel:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic = topic_arn

    def announce(self, subject: str, body: str) -> None:
        if not self._topic:
            raise InvalidRequestError("no comms channel topic is configured")
        self._sns.publish(TopicArn=self._topic, Subject=_subject(subject), Message=body)


class RecordingPublisher:
    """Records what would be posted, in the audit trail, instead of posting it anywhere.

    Posting to a brand's own accounts needs that brand's credentials and review; a team replaces this
    with a publisher for its platforms (the `StatementPublisher` port) and keeps everything else.
    """

    name = "recorded"

    def __init__(self, audit: AuditLog) -> None:
        self._audit = audit

    def post(self, incident_id: str, channel: str, text: str, at: datetime) -> str:
        reference = f"recorded:{incident_id}:{channel}:{int(at.timestamp())}"
        self._audit.record(
            incident_id,
            AuditKind.STATEMENT_POSTED,
            self.name,
            {"channel": channel, "text": text, "ref": reference},
            at,
        )
        return reference
