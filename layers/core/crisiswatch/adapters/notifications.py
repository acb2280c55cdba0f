"""SNS: one message per recipient, routed to that person's email and SMS subscriptions by filter policy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ..domain.errors import InvalidRequestError
from ..ports import OutboundMessage

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""SNS refuses a subject with line breaks or control characters, or of 100 characters or more."""


class SnsNotifier:
    def __init__(self, sns_client: Any, tier_topics: dict[int, str]) -> None:
        self._sns = sns_client
        self._topics = tier_topics

    def send(self, tier: int, messages: Iterable[OutboundMessage]) -> None:
        topic = self._topics.get(tier)
        if not topic:
            raise InvalidRequestError(f"no SNS topic is configured for tier {tier}")
        for message in messages:
            self._sns.publish(
                TopicArn=topic,
                Subject=" ".join(_CONTROL.sub(" ", message.subject).split())[:99],
                MessageStructure="json",
                Message=json.dumps(
                    {"default": message.email_body, "email": message.email_body, "sms": message.sms_body}
                ),
                MessageAttributes={"recipient": {"DataType": "String", "StringValue": message.recipient}},
            )
