"""What the audit trail says happened: the kinds of entry, and an entry before it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AuditKind(StrEnum):
    """Every kind of audit entry. The values are what the trail stores (and reports and people grep):
    they never change; a new kind is a new member."""

    INCIDENT_OPENED = "incident.opened"
    INCIDENT_SEVERITY_CHANGED = "incident.severity_changed"
    ESCALATION_STARTED = "escalation.started"
    INCIDENT_HELD = "incident.held"
    INCIDENT_ROUTED = "incident.routed"
    TIER_NOTIFIED = "tier.notified"
    OWNER_NOTIFIED = "owner.notified"
    MONITORING_NOTIFIED = "monitoring.notified"
    REVIEW_REQUESTED = "review.requested"
    REMINDER_SENT = "reminder.sent"
    TIER_TIMED_OUT = "tier.timed_out"
    OWNER_TIMED_OUT = "owner.timed_out"
    ESCALATION_EXHAUSTED = "escalation.exhausted"
    INCIDENT_UNANSWERED = "incident.unanswered"
    ESCALATION_FAILED = "escalation.failed"
    DECISION_SUBMITTED = "decision.submitted"
    LINK_LATE = "link.late"
    CHECKLIST_TICKED = "checklist.ticked"
    INCIDENT_ACKNOWLEDGED = "incident.acknowledged"
    STATEMENT_APPROVED = "statement.approved"
    STATEMENT_CHANGES_REQUESTED = "statement.changes_requested"
    INCIDENT_DISMISSED = "incident.dismissed"
    INCIDENT_ESCALATED = "incident.escalated"
    STATEMENT_POSTED = "statement.posted"
    STATEMENT_PUBLISHED = "statement.published"
    MONITORING_STARTED = "monitoring.started"
    MONITORING_CALM = "monitoring.calm"
    INCIDENT_RESOLVED = "incident.resolved"
    REVIEW_DONE = "review.done"
    REVIEW_OVERDUE = "review.overdue"


@dataclass(frozen=True)
class AuditEvent:
    """One entry a change of the incident adds to its trail; the use case writes it with the time."""

    kind: AuditKind
    actor: str
    detail: dict[str, Any] = field(default_factory=dict)
