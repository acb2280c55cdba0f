"""An incident's timeline as a manager reads it: the execution history merged with the audit trail."""

from __future__ import annotations

from crisiswatch.domain.incidents import Incident
from crisiswatch.domain.timeline import TimelineEntry, merge
from crisiswatch.ports import AuditTrail, ExecutionHistory


def read_timeline(incident: Incident, history: ExecutionHistory, audit: AuditTrail) -> list[TimelineEntry]:
    """Both halves, oldest first. A history Step Functions no longer keeps (90 days) reads as empty: the
    audit trail still tells the story."""
    events = history.events(incident.execution_arn) if incident.execution_arn else iter(())
    return merge(events, audit.read(incident.incident_id))
