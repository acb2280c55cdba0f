"""One incident's story in time: the state machine's execution history merged with our audit trail.

The execution history says what the plan did (states entered, tasks run, retries, waits); the audit trail
says what people and the flow decided and who they were. Step Functions forgets a history 90 days after
the run; the audit trail is kept, so a timeline read later has the audit half only (and says so).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_SECRET_KEYS = ("token", "secret", "password")
_DETAIL_KEYS = {
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
}
HISTORY = "execution"
AUDIT = "audit"


@dataclass(frozen=True)
class AuditEntry:
    """One line of our own trail: what happened, who did it, when."""

    at: datetime
    kind: str
    actor: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEvent:
    """One event of a Step Functions execution history, as `GetExecutionHistory` returns it."""

    event_id: int
    at: datetime
    type: str
    state: str = ""
    """The state entered or exited, for state events."""
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_api(cls, event: dict[str, Any]) -> HistoryEvent:
        kind = str(event["type"])
        state_details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
        return cls(
            event_id=int(event["id"]),
            at=event["timestamp"],
            type=kind,
            state=str(state_details.get("name", "")),
            detail=dict(event.get(_DETAIL_KEYS.get(kind, ""), {}) or {}),
        )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    origin: str
    """`execution` for the state machine's history, `audit` for our own trail."""
    kind: str
    actor: str
    what: str
    """One line for people (cut to fit)."""
    detail: dict[str, Any] = field(default_factory=dict, compare=False)
    """The whole record, redacted, with JSON inputs and outputs parsed: for `--json` readers."""


def redact(value: Any) -> Any:
    """Drop task tokens and secrets from anything shown to people."""
    if isinstance(value, dict):
        return {
            key: "<redacted>" if any(word in str(key).lower() for word in _SECRET_KEYS) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _parsed(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def describe_event(event: HistoryEvent) -> str:
    if event.state:
        return event.state
    details = event.detail
    parts: list[str] = []
    if "resource" in details:
        parts.append(f"{details.get('resourceType', '')}:{details['resource']}")
    for key in ("error", "cause"):
        if details.get(key):
            parts.append(f"{key}={str(details[key])[:160]}")
    output = _parsed(details.get("output"))
    if event.type in {"TaskSucceeded", "ExecutionSucceeded"} and output is not None:
        parts.append(json.dumps(redact(output), default=str)[:200])
    if event.type == "ExecutionStarted":
        started = _parsed(details.get("input"))
        if isinstance(started, dict) and isinstance(started.get("incident"), dict):
            incident = started["incident"]
            parts.append(f"incident {incident.get('incident_id')} ({incident.get('severity')})")
    return " ".join(parts)


def describe_audit(entry: AuditEntry) -> str:
    detail = redact(dict(entry.detail))
    detail.pop("explanation", None)  # shown with the incident itself; too long for one line
    return json.dumps(detail, default=str, ensure_ascii=False)[:240] if detail else ""


def event_detail(event: HistoryEvent) -> dict[str, Any]:
    """An event's details as data: Step Functions sends inputs and outputs as JSON text."""
    detail: dict[str, Any] = {"id": event.event_id}
    if event.state:
        detail["state"] = event.state
    for key, value in event.detail.items():
        parsed = _parsed(value) if key in {"input", "output", "parameters"} else value
        detail[key] = parsed if parsed is not None else value
    return dict(redact(detail))


def merge(history: Iterable[HistoryEvent], audit: Iterable[AuditEntry]) -> list[TimelineEntry]:
    """Both sources in one list, oldest first; at equal times the history comes first (it caused it)."""
    entries = [
        TimelineEntry(
            event.at, HISTORY, event.type, "crisiswatch", describe_event(event), event_detail(event)
        )
        for event in history
    ]
    entries += [
        TimelineEntry(item.at, AUDIT, item.kind, item.actor, describe_audit(item), redact(dict(item.detail)))
        for item in audit
    ]
    return sorted(entries, key=lambda entry: (entry.at, entry.origin != HISTORY))


PAGE_LIMIT = 2_000
"""Timeline entries one page shows: a Lambda response holds 6 MB, and 25,000 history events would not fit."""
_MILESTONE_EVENTS = (
    "StateEntered",
    "Failed",
    "TimedOut",
    "Aborted",
    "ExecutionStarted",
    "ExecutionSucceeded",
)


def condense(entries: list[TimelineEntry], limit: int = PAGE_LIMIT) -> tuple[list[TimelineEntry], int]:
    """At most `limit` entries for a page, and how many were left out: every audit entry and the
    history's milestones (states entered, failures, time-outs, start and end) first; if even those are
    too many, the oldest and newest halves. The command line and the report keep the whole timeline."""
    if len(entries) <= limit:
        return entries, 0
    kept = [e for e in entries if e.origin == AUDIT or any(word in e.kind for word in _MILESTONE_EVENTS)]
    if len(kept) > limit:
        kept = kept[: limit // 2] + kept[len(kept) - (limit - limit // 2) :]
    return kept, len(entries) - len(kept)
