"""DynamoDB stream records as Lambda delivers them, and Lambda's event filters, in one place.

Shared by the embedded runtime's stream pollers (which deliver live records) and by `crisiswatch
redrive` (which re-reads dead-lettered records from the stream and replays them against AWS or the
embedded runtime alike), so a replayed batch is the event the function would have received.

Filters use moto's EventBridge pattern matcher: Lambda's `FilterCriteria` patterns are EventBridge
patterns applied to the event record (``{"eventName": ["INSERT"]}``, ``{"dynamodb": {...}}``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from moto.events.models import EventPattern


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


class EventFilter:
    """A mapping's ``FilterCriteria``: a record passes when any pattern matches (or there are none)."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self._compiled = [EventPattern.load(pattern) for pattern in self.patterns]

    @classmethod
    def of(cls, filter_criteria: Mapping[str, Any] | None) -> EventFilter:
        filters = (filter_criteria or {}).get("Filters") or []
        return cls(tuple(str(entry["Pattern"]) for entry in filters))

    def matches(self, event_record: Mapping[str, Any]) -> bool:
        if not self._compiled:
            return True
        return any(pattern.matches_event(cast(Any, event_record)) for pattern in self._compiled)
