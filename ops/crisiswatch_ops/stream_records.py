"""DynamoDB stream records as Lambda delivers them, and Lambda's event filters, in one place.

Shared by the embedded runtime's stream pollers (which deliver live records) and by `crisiswatch
redrive` (which re-reads dead-lettered records from the stream and replays them against AWS or the
embedded runtime alike), so a replayed batch is the event the function would have received.

Lambda's `FilterCriteria` patterns are EventBridge patterns applied to the event record
(``{"eventName": ["INSERT"]}``, ``{"dynamodb": {...}}``). Patterns of plain values, the template's kind,
are matched here, so `crisiswatch redrive` needs no moto; a pattern with content filters (prefix,
numeric, exists...) goes to moto's EventBridge matcher, which comes with the `local` extra.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast


def region_of(arn: str) -> str:
    """The region field of an ARN (``arn:aws:dynamodb:REGION:ACCOUNT:...``)."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[3]


def lambda_event_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record (as boto3 parses it) in the shape Lambda puts in ``event["Records"]``."""
    dynamodb = jsonable(record["dynamodb"])
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region_of(stream_arn),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def sequence_number(event_record: Mapping[str, Any]) -> str:
    return str(event_record["dynamodb"]["SequenceNumber"])


def jsonable(value: Any) -> Any:
    """boto3's parsed record back to the JSON Lambda sends (bytes as base64, datetimes as epoch)."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


Matcher = Callable[[Mapping[str, Any]], bool]


def plain_values(pattern: Any) -> bool:
    """True for a pattern of nested objects whose leaves are lists of plain values (no content filter)."""
    if isinstance(pattern, Mapping):
        return all(plain_values(rule) for rule in pattern.values())
    return isinstance(pattern, list) and not any(isinstance(value, dict | list) for value in pattern)


def matches_values(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """EventBridge's rule for plain values: every field of the pattern is in the event, and the event's
    value (or one of its values, for an array) is among the pattern's."""
    for key, rule in pattern.items():
        if key not in event:
            return False
        value = event[key]
        if isinstance(rule, Mapping):
            if not isinstance(value, Mapping) or not matches_values(rule, value):
                return False
        elif not any(item in rule for item in (value if isinstance(value, list) else [value])):
            return False
    return True


def _matcher(text: str) -> Matcher:
    pattern = json.loads(text)
    if isinstance(pattern, Mapping) and plain_values(pattern):
        return lambda event: matches_values(pattern, event)
    from moto.events.models import EventPattern  # noqa: PLC0415 - content filters: the local extra

    compiled = EventPattern.load(text)
    return lambda event: bool(compiled.matches_event(cast(Any, event)))


class EventFilter:
    """A mapping's ``FilterCriteria``: a record passes when any pattern matches (or there are none)."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self._compiled = [_matcher(pattern) for pattern in self.patterns]

    @classmethod
    def of(cls, filter_criteria: Mapping[str, Any] | None) -> EventFilter:
        filters = (filter_criteria or {}).get("Filters") or []
        return cls(tuple(str(entry["Pattern"]) for entry in filters))

    def matches(self, event_record: Mapping[str, Any]) -> bool:
        if not self._compiled:
            return True
        return any(matches(event_record) for matches in self._compiled)
