"""Writing an incident's change: its fields, then the checklist items it ticks, then its audit entries.

The audit entries come last: a step retried after a failed write records them once, not twice.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.response.incidents import Incident, Transition
from ..ports import AuditLog, IncidentStore


def write(incidents: IncidentStore, incident: Incident, transition: Transition, now: datetime) -> Incident:
    """The fields and the ticks; the incident as written (as it was, when there was nothing to set)."""
    written = incidents.update(incident.incident_id, transition.changes) if transition.changes else incident
    for item, by in transition.ticks:
        incidents.tick(incident.incident_id, item, by, now)
    return written


def record(audit: AuditLog, incident_id: str, transition: Transition, now: datetime) -> None:
    for event in transition.events:
        audit.record(incident_id, event.kind, event.actor, event.detail, now)


def apply(
    incidents: IncidentStore, audit: AuditLog, incident: Incident, transition: Transition, now: datetime
) -> Incident:
    written = write(incidents, incident, transition, now)
    record(audit, incident.incident_id, transition, now)
    return written
