"""The typed incident: its changes and their audit entries, the audit kinds' stored values, the decision
payload the link pages write and the crisis plan reads, and the listings the dashboard and CLI share."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.domain.response.audit import AuditKind
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.incidents import (
    CLOSED_STATUSES,
    SYSTEM,
    Decision,
    IncidentFilter,
    IncidentStatus,
    Transition,
)
from crisiswatch.domain.response.links import DecisionPayload, DecisionRequest
from crisiswatch.domain.response.statements import StatementFacts, default_statements
from crisiswatch.wiring import UseCases
from tests.fakes import T0, FakeActionLinkStore, FakeIncidentStore, FakeServices, make_incident

NOW = T0 + timedelta(minutes=5)


def test_audit_kinds_keep_the_values_the_trail_stores() -> None:
    assert sorted(kind.value for kind in AuditKind) == sorted(
        [
            "incident.opened",
            "incident.severity_changed",
            "escalation.started",
            "incident.held",
            "incident.routed",
            "tier.notified",
            "owner.notified",
            "monitoring.notified",
            "review.requested",
            "reminder.sent",
            "tier.timed_out",
            "owner.timed_out",
            "escalation.exhausted",
            "incident.unanswered",
            "escalation.failed",
            "decision.submitted",
            "link.late",
            "checklist.ticked",
            "incident.acknowledged",
            "statement.approved",
            "statement.changes_requested",
            "incident.dismissed",
            "incident.escalated",
            "statement.posted",
            "statement.published",
            "monitoring.started",
            "monitoring.calm",
            "incident.resolved",
            "review.done",
            "review.overdue",
        ]
    )


def routed_incident():  # type: ignore[no-untyped-def]
    incident = make_incident()
    drafts = default_statements().drafts_for(StatementFacts(incident.brand, incident.crisis_types))
    return replace(incident, drafts=tuple(drafts))


def test_a_change_is_returned_with_its_ticks_and_audit_entries_and_the_incident_is_left_alone() -> None:
    incident = routed_incident()
    before = replace(incident)
    key = incident.drafts[0].key

    approval = incident.approve(key, "ana", NOW, {"tier": 1, "phase": "tiers"})

    assert incident == before, "a method returns the change; the store writes it"
    assert approval.changes.status is IncidentStatus.APPROVED and approval.changes.owner == "ana"
    assert approval.changes.statement is not None and approval.changes.statement.draft.key == key
    assert approval.ticks == ((ChecklistItem.ACKNOWLEDGED, "ana"), (ChecklistItem.STATEMENT_APPROVED, "ana"))
    ((event),) = approval.events
    assert (event.kind, event.actor, event.detail["statement"]) == (AuditKind.STATEMENT_APPROVED, "ana", key)


def test_approving_a_statement_that_was_never_offered_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="no statement 'nope' was offered"):
        routed_incident().approve("nope", "ana", NOW, {})


def test_escalating_changes_nothing_but_is_recorded_and_a_raise_never_lowers() -> None:
    incident = routed_incident()
    escalation = incident.escalate("ana", {"tier": 1})
    assert not escalation.changes and [e.kind for e in escalation.events] == [AuditKind.INCIDENT_ESCALATED]
    assert not incident.raise_severity(Severity.SEV3, "quieter").changes
    raised = incident.raise_severity(Severity.SEV1, "volume: 300 mentions")
    assert raised.changes.severity is Severity.SEV1
    assert raised.events[0].detail == {"from": "SEV2", "to": "SEV1", "reason": "volume: 300 mentions"}


def test_the_flow_holds_once_and_its_own_changes_are_by_the_system() -> None:
    held = replace(routed_incident(), status=IncidentStatus.HELD)
    assert held.hold("window", NOW) == Transition(), "held once, however often it is assessed"
    assert all(event.actor == SYSTEM for event in routed_incident().start_monitoring(7200).events)


def test_the_decision_payload_reads_back_what_the_page_wrote() -> None:
    written = DecisionPayload(
        Decision.REQUEST_CHANGES, "ana", tier=2, decided_at=NOW, statement="holding", revised_text="We know."
    )

    stored = written.to_dict()

    assert list(stored) == ["decision", "decided_by", "tier", "decided_at", "statement", "revised_text"]
    assert stored["decided_at"] == NOW.isoformat()
    assert DecisionPayload.from_dict(stored) == written


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("approve", "must be an object"),
        ({"decision": "publish", "decided_by": "ana"}, "unknown decision"),
        ({"decision": "approve"}, "names who decided"),
    ],
)
def test_a_decision_payload_without_a_decision_or_a_person_is_refused(raw: object, why: str) -> None:
    with pytest.raises(InvalidRequestError, match=why):
        DecisionPayload.from_dict(raw)


def test_listing_filters_every_incident_before_keeping_the_newest() -> None:
    incidents = FakeIncidentStore()
    for hour in range(5):
        opened = make_incident(brand=f"Brand {hour}", bucket=T0 + timedelta(hours=hour))
        incidents.open(
            replace(opened, status=IncidentStatus.DISMISSED if hour < 3 else IncidentStatus.ESCALATING)
        )

    reporting = UseCases(FakeServices(incidents=incidents)).reporting  # the dashboard's and the CLI's
    dismissed = reporting.find(IncidentFilter(status=IncidentStatus.DISMISSED), limit=2)

    assert [incident.brand for incident in dismissed] == ["Brand 2", "Brand 1"]


def test_waiting_on_people_skips_closed_incidents_and_puts_the_soonest_deadline_first() -> None:
    incidents, links = FakeIncidentStore(), FakeActionLinkStore()
    for hour, status in enumerate(
        [IncidentStatus.ESCALATING, IncidentStatus.REVIEWED, IncidentStatus.RESOLVED]
    ):
        incident = replace(
            make_incident(brand=f"Brand {hour}", bucket=T0 + timedelta(hours=hour)), status=status
        )
        incidents.open(incident)
        request = DecisionRequest(
            notification_id=f"{incident.incident_id}/tiers1/x",
            incident_id=incident.incident_id,
            phase="tiers",
            tier=1,
            recipients=("ana",),
            allowed=(Decision.ACKNOWLEDGE,),
            expires_at=NOW + timedelta(hours=3 - hour),
        )
        links.open_request(request, "token")

    waiting = UseCases(FakeServices(incidents=incidents, links=links)).reporting.waiting()

    assert IncidentStatus.REVIEWED in CLOSED_STATUSES and IncidentStatus.RESOLVED not in CLOSED_STATUSES
    assert [incident.brand for incident, _ in waiting] == ["Brand 2", "Brand 0"]
