"""Read an incident's whole record and turn it into a report; write the report where managers find it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..domain.checklist import ChecklistLine, checklist_lines
from ..domain.errors import IncidentNotFoundError
from ..domain.links import DecisionRequest
from ..domain.report import PostCrisisReport, build_report, window
from ..ports import ActionLinkStore, AggregateStore, AuditTrail, ExecutionHistory, IncidentStore, ReportStore

ReportFiles = dict[str, tuple[bytes, str]]


@dataclass(frozen=True)
class IncidentView:
    """Everything the incident page shows: the report, the checklist and what is waiting on people."""

    report: PostCrisisReport
    checklist: list[ChecklistLine]
    pending: DecisionRequest | None


def compile_report(
    incident_id: str,
    incidents: IncidentStore,
    audit: AuditTrail,
    history: ExecutionHistory,
    aggregates: AggregateStore,
    now: datetime,
) -> PostCrisisReport:
    incident = incidents.get(incident_id)
    if incident is None:
        raise IncidentNotFoundError(incident_id)
    events = list(history.events(incident.execution_arn)) if incident.execution_arn else []
    first, last = window(incident)
    buckets = aggregates.buckets(incident.brand, first, last).values()
    return build_report(incident, audit.read(incident_id), events, buckets, now)


def view_incident(
    incident_id: str,
    incidents: IncidentStore,
    audit: AuditTrail,
    history: ExecutionHistory,
    aggregates: AggregateStore,
    links: ActionLinkStore,
    now: datetime,
) -> IncidentView:
    report = compile_report(incident_id, incidents, audit, history, aggregates, now)
    incident = report.incident
    includes_legal = bool(incident.route.get("includes_legal")) if incident.route else False
    pending = links.current_request(incident_id)
    if pending is not None and links.decision_for(pending.notification_id) is not None:
        pending = None  # answered: the flow is moving on
    return IncidentView(report, checklist_lines(incident.checklist, includes_legal), pending)


def write_report(
    incident_id: str,
    incidents: IncidentStore,
    audit: AuditTrail,
    history: ExecutionHistory,
    aggregates: AggregateStore,
    render: Callable[[PostCrisisReport], ReportFiles],
    store: ReportStore,
    now: datetime,
) -> str:
    """Compile, render and store the report; returns where it is. Writing again replaces it."""
    report = compile_report(incident_id, incidents, audit, history, aggregates, now)
    return store.put(incident_id, render(report))
