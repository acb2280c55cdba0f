"""An incident's execution history (paged in code) and audit trail, as one readable timeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crisiswatch.adapters.dynamodb import DynamoAuditLog

_SECRET_KEYS = ("token", "secret", "password")
_DETAIL_KEYS = {
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    origin: str
    """`sfn` for the state machine's history, `audit` for our own trail."""
    kind: str
    what: str


def redact(value: Any) -> Any:
    """Drop task tokens and secrets from anything we print."""
    if isinstance(value, dict):
        return {
            key: "<redacted>" if any(word in key.lower() for word in _SECRET_KEYS) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _parsed(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def execution_events(sfn: Any, execution_arn: str, page_size: int = 200) -> Iterator[dict[str, Any]]:
    """Every history event, oldest first, following `nextToken` (histories of thousands are normal)."""
    token: str | None = None
    seen: set[int] = set()
    while True:
        kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": page_size}
        if token:
            kwargs["nextToken"] = token
        page = sfn.get_execution_history(**kwargs)
        for event in page["events"]:
            # The local emulator ignores paging and returns everything each time: never repeat an event.
            if event["id"] not in seen:
                seen.add(event["id"])
                yield event
        token = page.get("nextToken")
        if not token:
            return


def _describe(event: dict[str, Any]) -> str:
    kind = event["type"]
    if kind.endswith("StateEntered") or kind.endswith("StateExited"):
        details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
        return str(details.get("name", ""))
    details = event.get(_DETAIL_KEYS.get(kind, ""), {}) or {}
    parts: list[str] = []
    if "resource" in details:
        parts.append(f"{details.get('resourceType', '')}:{details['resource']}")
    for key in ("error", "cause"):
        if details.get(key):
            parts.append(f"{key}={str(details[key])[:160]}")
    output = _parsed(details.get("output"))
    if kind in {"TaskSucceeded", "ExecutionSucceeded"} and output is not None:
        parts.append(json.dumps(redact(output), default=str)[:200])
    if kind == "ExecutionStarted":
        started = _parsed(details.get("input"))
        if isinstance(started, dict) and isinstance(started.get("incident"), dict):
            incident = started["incident"]
            parts.append(f"incident {incident.get('incident_id')} ({incident.get('severity')})")
    return " ".join(parts)


def timeline(sfn: Any, execution_arn: str | None, incident_id: str) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    if execution_arn:
        for event in execution_events(sfn, execution_arn):
            entries.append(TimelineEntry(event["timestamp"], "sfn", event["type"], _describe(event)))
    for item in DynamoAuditLog.entries(incident_id):
        detail = redact(dict(item.detail or {}))
        detail.pop("explanation", None)
        entries.append(
            TimelineEntry(
                item.at, "audit", item.kind, f"by {item.actor} {json.dumps(detail, default=str)[:200]}"
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def format_timeline(entries: list[TimelineEntry]) -> str:
    if not entries:
        return "(no history)"
    start = entries[0].at
    lines = []
    for entry in entries:
        offset = (entry.at - start).total_seconds()
        lines.append(
            f"{entry.at.strftime('%H:%M:%S.%f')[:-3]}  +{offset:7.2f}s  {entry.origin:5}  "
            f"{entry.kind:28} {entry.what}".rstrip()
        )
    return "\n".join(lines)
