"""The state machine's Lambda tasks: NotifyTierFunction and RecordOutcomeFunction, with the ASL payloads."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.domain.incidents import Incident, IncidentStatus, Severity
from tests.fakes import FakeServices, make_settings
from tests.handlers.conftest import FakeLambdaContext, clone, load_event, load_function

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

notify_app = load_function("notify_tier")
record_app = load_function("record_outcome")
INCIDENT_ID = load_event("notify_tier", "tier1")["incident_id"]


@pytest.fixture
def services() -> FakeServices:
    world = FakeServices()
    world.incidents.open(
        Incident(
            incident_id=INCIDENT_ID,
            brand="Acme Coffee",
            severity=Severity.SEV2,
            opened_at=parse_iso("2024-05-23T12:08:01Z"),
            detected_bucket=parse_iso("2024-05-23T12:05:00Z"),
            summary="60 mentions in 5 min against 5.0 expected",
        )
    )
    return world


def notify(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return notify_app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def record(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return record_app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


# ----- NotifyTierFunction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "recipients"), [("tier1", ["tier1-primary", "tier1-backup"]), ("tier2", ["tier2-primary"])]
)
def test_a_tier_is_notified_with_one_link_each(
    name: str, recipients: list[str], services: FakeServices
) -> None:
    event = load_event("notify_tier", name)

    result = notify(event, services)

    assert [item["recipient"] for item in result["notified"]] == recipients
    assert [m.recipient for _, m in services.notifier.sent] == recipients
    assert {tier for tier, _ in services.notifier.sent} == {event["tier"]}
    assert sorted(link.recipient for link in services.links.links.values()) == sorted(recipients)
    for _, message in services.notifier.sent:
        assert re.search(r"/Prod/a/[A-Za-z0-9_-]{22}$", message.sms_body)


def test_the_task_token_appears_in_no_message_result_or_log(services: FakeServices, logs: Any) -> None:
    event = load_event("notify_tier", "tier1")
    token = event["task_token"]
    captured = logs(notify_app)

    result = notify(event, services)

    assert "Tier notified" in captured.text  # the capture works
    assert token[:40] not in captured.text
    assert token[:40] not in repr(result)
    for _, message in services.notifier.sent:
        assert token[:40] not in message.email_body + message.sms_body + message.subject


@pytest.mark.parametrize(
    "change",
    [
        {"task_token": None},
        {"tier": "one"},
        {"timeout_seconds": "soon"},
        {"incident_id": None},
    ],
)
def test_a_malformed_notify_request_is_a_typed_error(change: dict[str, Any], services: FakeServices) -> None:
    event = clone(load_event("notify_tier", "tier1"))
    for key, value in change.items():
        if value is None:
            del event[key]
        else:
            event[key] = value

    with pytest.raises(InvalidRequestError):
        notify(event, services)
    assert services.notifier.sent == []


def test_a_tier_without_recipients_is_a_typed_error(services: FakeServices) -> None:
    services.settings = make_settings(tier_recipients={})

    with pytest.raises(InvalidRequestError, match="no recipients"):
        notify(load_event("notify_tier", "tier1"), services)


# ----- RecordOutcomeFunction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "decided_by"),
    [
        ("decision_approve", IncidentStatus.APPROVED, "tier1-primary"),
        ("decision_dismiss", IncidentStatus.DISMISSED, "tier2-primary"),
        ("decision_unanswered", IncidentStatus.UNANSWERED, "nobody"),
    ],
)
def test_a_decision_is_recorded_and_frees_the_brand(
    name: str, status: IncidentStatus, decided_by: str, services: FakeServices
) -> None:
    result = record(load_event("record_outcome", name), services)

    assert result == {"status": status.value, "decision": result["decision"], "decided_by": decided_by}
    stored = services.incidents.get(INCIDENT_ID)
    assert stored is not None and stored.status is status
    assert services.incidents.open_by_brand == {}
    assert services.audit.kinds(INCIDENT_ID) == ["incident.decided"]


def test_a_tier_timeout_is_recorded(services: FakeServices) -> None:
    result = record(load_event("record_outcome", "tier_timeout"), services)

    assert result == {"tier": 1, "timed_out": True}
    assert services.audit.kinds(INCIDENT_ID) == ["tier.timed_out"]
    stored = services.incidents.get(INCIDENT_ID)
    assert stored is not None and stored.status is IncidentStatus.ESCALATING


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "decision", "incident_id": INCIDENT_ID, "outcome": {"decision": "escalate"}},
        {"kind": "decision", "incident_id": INCIDENT_ID, "outcome": "approve"},
        {"kind": "decision", "outcome": {"decision": "approve"}},
        {"kind": "decision", "incident_id": "", "outcome": {"decision": "approve"}},
        {"kind": "reminder", "incident_id": INCIDENT_ID},
        {},
    ],
)
def test_a_malformed_outcome_is_a_typed_error_and_changes_nothing(
    event: dict[str, Any], services: FakeServices
) -> None:
    with pytest.raises(InvalidRequestError):
        record(event, services)

    stored = services.incidents.get(INCIDENT_ID)
    assert stored is not None and stored.status is IncidentStatus.ESCALATING
    assert services.audit.entries == []
