"""Read an incident's whole record and turn it into a report; write the report where managers find it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.clock import utc_now
from ..domain.errors import IncidentNotFoundError
from ..domain.response.checklist import ChecklistLine, checklist_lines
from ..domain.response.incidents import CLOSED_STATUSES, Incident, IncidentFilter
from ..domain.response.links import DecisionRequest
from ..domain.review.report import IncidentRecord, PostCrisisReport, build_report, window
from ..domain.review.timeline import HistoryEvent, TimelineEntry, merge
from ..domain.speech import Locales, Speech
from ..ports import (
    ActionLinkStore,
    AggregateStore,
    AuditTrail,
    ExecutionHistory,
    IncidentStore,
    ReportPorts,
    ReportStore,
)

ReportFiles = dict[str, tuple[bytes, str]]


@dataclass(frozen=True)
class IncidentView:
    """Everything the incident page shows: the report, the checklist and what is waiting on people."""

    report: PostCrisisReport
    checklist: list[ChecklistLine]
    pending: DecisionRequest | None


def compile_report(
    incident_id: str,
    ports: ReportPorts,
    now: datetime,
    ending: str | None = None,
    language: str | None = None,
) -> PostCrisisReport:
    """The report in `language`; None: the brand's (its statements' language), else the team's."""
    incident = ports.incidents.get(incident_id)
    if incident is None:
        raise IncidentNotFoundError(incident_id)
    events = list(_history_of(incident, ports.history))
    first, last = window(incident)
    buckets = ports.aggregates.buckets(incident.brand, first, last).values()
    speech = ports.speech(language or ports.locales.page_language(incident.brand))
    record = IncidentRecord(incident, ports.audit.read(incident_id), events, buckets)
    return build_report(record, now, ending, speech)


def _history_of(incident: Incident, history: ExecutionHistory) -> Iterator[HistoryEvent]:
    # No execution yet (just opened) reads like an expired history: the audit trail tells the story.
    return history.events(incident.execution_arn) if incident.execution_arn else iter(())


def incident_timeline(
    incident: Incident, history: ExecutionHistory, audit: AuditTrail
) -> list[TimelineEntry]:
    """The execution history merged with the audit trail, oldest first, without compiling a report."""
    return merge(_history_of(incident, history), audit.read(incident.incident_id))


def view_incident(
    incident_id: str,
    ports: ReportPorts,
    now: datetime,
    language: str | None = None,
) -> IncidentView:
    report = compile_report(incident_id, ports, now, language=language)
    incident = report.incident
    includes_legal = incident.includes_legal
    checklist = checklist_lines(incident.checklist, includes_legal, ports.speech(report.language))
    return IncidentView(report, checklist, pending_request(incident_id, ports.links))


def pending_request(incident_id: str, links: ActionLinkStore) -> DecisionRequest | None:
    """The question the incident is waiting on people to answer, if any."""
    request = links.current_request(incident_id)
    if request is not None and links.decision_for(request.notification_id) is not None:
        return None  # answered: the current request stays until the flow opens its next one
    return request


def find_incidents(incidents: IncidentStore, wanted: IncidentFilter, limit: int) -> list[Incident]:
    """The newest `limit` incidents the filter matches, newest first (the dashboard's list and the CLI's
    `incidents`). The store reads every page anyway, so every incident is filtered before the limit."""
    return [incident for incident in incidents.list(limit=sys.maxsize) if wanted.matches(incident)][:limit]


def waiting_on_people(
    incidents: IncidentStore, links: ActionLinkStore
) -> list[tuple[Incident, DecisionRequest]]:
    """Incidents still open with a question out to people, the soonest deadline first."""
    waiting = []
    for incident in incidents.list(limit=sys.maxsize):
        if incident.status in CLOSED_STATUSES:
            continue
        request = pending_request(incident.incident_id, links)
        if request is not None:
            waiting.append((incident, request))
    return sorted(waiting, key=lambda pair: pair[1].expires_at)


def write_report(
    incident_id: str,
    ports: ReportPorts,
    render: Callable[[PostCrisisReport], ReportFiles],
    now: datetime,
    ending: str | None = None,
) -> str:
    """Compile, render and store the report; returns where it is. Writing again replaces it.

    The state machine writes it as its last step and says how it is ending (`SUCCEEDED`, `FAILED`)."""
    report = compile_report(incident_id, ports, now, ending)
    return ports.reports.put(incident_id, render(report))


@dataclass(frozen=True)
class Reporting:
    """An incident's page, its report and its timeline, read from one container's stores."""

    ports: ReportPorts
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)

    def compile(
        self, incident_id: str, ending: str | None = None, language: str | None = None
    ) -> PostCrisisReport:
        return compile_report(incident_id, self.ports, self.clock(), ending, language)

    def view(self, incident_id: str, language: str | None = None) -> IncidentView:
        return view_incident(incident_id, self.ports, self.clock(), language)

    def write(
        self, incident_id: str, render: Callable[[PostCrisisReport], ReportFiles], ending: str | None = None
    ) -> str:
        return write_report(incident_id, self.ports, render, self.clock(), ending)

    def timeline(self, incident: Incident) -> list[TimelineEntry]:
        return incident_timeline(incident, self.ports.history, self.ports.audit)

    def pending(self, incident_id: str) -> DecisionRequest | None:
        return pending_request(incident_id, self.ports.links)

    def find(self, wanted: IncidentFilter, limit: int) -> list[Incident]:
        """The newest `limit` incidents the filter matches (the dashboard's list, the CLI's `incidents`)."""
        return find_incidents(self.ports.incidents, wanted, limit)

    def waiting(self) -> list[tuple[Incident, DecisionRequest]]:
        """Open incidents with a question out to people, the soonest deadline first."""
        return waiting_on_people(self.ports.incidents, self.ports.links)

    def reading_history(self, history: ExecutionHistory) -> Reporting:
        """The same use case, reading execution histories through `history` (the CLI counts them)."""
        return Reporting(_OtherHistory(self.ports, history), self.clock)


@dataclass(frozen=True)
class _OtherHistory:
    """A container's report ports with the execution history read another way (counted, cached)."""

    ports: ReportPorts
    history: ExecutionHistory

    @property
    def incidents(self) -> IncidentStore:
        return self.ports.incidents

    @property
    def audit(self) -> AuditTrail:
        return self.ports.audit

    @property
    def aggregates(self) -> AggregateStore:
        return self.ports.aggregates

    @property
    def links(self) -> ActionLinkStore:
        return self.ports.links

    @property
    def reports(self) -> ReportStore:
        return self.ports.reports

    @property
    def locales(self) -> Locales:
        return self.ports.locales

    def speech(self, language: str) -> Speech:
        return self.ports.speech(language)
