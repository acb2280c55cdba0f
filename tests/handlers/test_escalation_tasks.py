"""The state machine's Lambda tasks with the ASL payloads: CrisisPlanFunction, RequestDecisionFunction,
PublishStatementFunction."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.detection.detector import DetectorState
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import IncidentNotFoundError, InvalidRequestError
from crisiswatch.domain.response.incidents import Incident, IncidentChanges, IncidentStatus
from crisiswatch.domain.response.statements import StatementTextError
from tests.builders.lambdas import FakeLambdaContext, clone, load_event, load_function
from tests.fakes import FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

plan_app = load_function("crisis_plan")
request_app = load_function("request_decision")
publish_app = load_function("publish_statement")
INCIDENT_ID = load_event("crisis_plan", "assess")["incident_id"]
STEPS = ("assess", "time_ran_out", "decide_approve", "decide_acknowledge", "monitor", "resolve", "review")


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
            crisis_types=("product_failure",),
        )
    )
    return world


def plan(event: Any, services: FakeServices) -> dict[str, Any]:
    return plan_app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def request(event: Any, services: FakeServices) -> dict[str, Any]:
    return request_app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def publish(event: Any, services: FakeServices) -> dict[str, Any]:
    return publish_app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def assessed(services: FakeServices) -> dict[str, Any]:
    result = plan(load_event("crisis_plan", "assess"), services)
    services.audit.entries.clear()
    return result


def stored(services: FakeServices) -> Incident:
    found = services.incidents.get(INCIDENT_ID)
    assert found is not None
    return found


# ----- the sample events ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", STEPS)
def test_every_crisis_plan_sample_names_a_known_step_and_the_incident(name: str) -> None:
    event = load_event("crisis_plan", name)

    assert event["step"] in plan_app.STEPS
    assert event["incident_id"] == INCIDENT_ID


@pytest.mark.parametrize("name", ["tier1", "reminder", "owner"])
def test_every_request_sample_carries_what_the_state_machine_sends(name: str) -> None:
    event = load_event("request_decision", name)

    assert set(event) == {"incident_id", "cursor", "task_token"}
    assert event["incident_id"] == INCIDENT_ID
    assert len(event["task_token"]) > 200  # real task tokens are long; a leak of 40 characters shows


# ----- CrisisPlanFunction ---------------------------------------------------------------------------


def test_assess_routes_the_incident_and_returns_the_first_round(services: FakeServices) -> None:
    result = plan(load_event("crisis_plan", "assess"), services)

    assert result["held"] is False and result["includes_legal"] is False
    assert result["cursor"] == load_event("request_decision", "tier1")["cursor"]
    incident = stored(services)
    assert incident.status is IncidentStatus.ESCALATING
    assert incident.drafts[0].key == "holding-social-product"
    assert "facts_gathered" in incident.checklist
    assert services.audit.kinds(INCIDENT_ID) == ["incident.routed"]


def test_time_ran_out_after_the_reminder_hands_over_to_the_next_tier(services: FakeServices) -> None:
    assessed(services)

    result = plan(load_event("crisis_plan", "time_ran_out"), services)

    assert result == {
        "phase": "tiers",
        "round": 1,
        "reminders_sent": 0,
        "wait_seconds": 1800,
        "message": "notify",
        "deadline_seconds": 1800,
    }
    assert services.audit.kinds(INCIDENT_ID) == ["tier.timed_out"]


def test_decide_approve_stores_the_statement_and_leaves_the_cursor(services: FakeServices) -> None:
    assessed(services)
    event = load_event("crisis_plan", "decide_approve")

    result = plan(event, services)

    assert result == event["cursor"]
    incident = stored(services)
    assert incident.status is IncidentStatus.APPROVED
    assert incident.statement is not None and incident.statement.draft.key == "holding-social-product"
    assert incident.statement.approved_by == "tier1-primary"
    assert services.audit.kinds(INCIDENT_ID) == ["statement.approved"]


def test_decide_acknowledge_makes_an_owner_and_returns_the_owner_cursor(services: FakeServices) -> None:
    assessed(services)

    result = plan(load_event("crisis_plan", "decide_acknowledge"), services)

    assert result == load_event("request_decision", "owner")["cursor"]
    incident = stored(services)
    assert (incident.status, incident.owner) == (IncidentStatus.ACKNOWLEDGED, "tier1-backup")


def test_publish_then_monitor_then_resolve_then_review(services: FakeServices) -> None:
    assessed(services)
    plan(load_event("crisis_plan", "decide_approve"), services)

    published = publish(load_event("publish_statement", "publish"), services)
    again = publish(load_event("publish_statement", "publish"), services)
    monitored = plan(load_event("crisis_plan", "monitor"), services)
    resolved = plan(load_event("crisis_plan", "resolve"), services)
    assert stored(services).status is IncidentStatus.RESOLVED
    reviewed = plan(load_event("crisis_plan", "review"), services)

    assert published == {"ref": "fake:1"}
    assert again == {"ref": "fake:1", "already": True}
    assert len(services.publisher.posts) == 1 and len(services.comms.announced) == 1
    assert monitored["calm"] is False and monitored["checks"] == 1
    assert monitored["cursor"]["phase"] == "monitor" and monitored["cursor"]["message"] == "notify"
    assert resolved["resolved_by"] == "tier1-primary"
    review = resolved["cursor"]
    assert (review["phase"], review["message"]) == ("review", "notify")
    assert review["wait_seconds"] == review["deadline_seconds"] == services.settings.timing.review_seconds
    assert reviewed == {"reviewed_by": "tier1-primary"}
    incident = stored(services)
    assert incident.status is IncidentStatus.REVIEWED
    assert services.incidents.open_by_brand == {}
    assert incident.review is not None and incident.review.notes.startswith("Reviewed with comms")
    assert services.audit.kinds(INCIDENT_ID) == [
        "statement.approved",
        "statement.published",
        "monitoring.started",
        "incident.resolved",
        "review.done",
    ]


def test_monitor_reports_the_detectors_last_signal(services: FakeServices) -> None:
    assessed(services)
    services.detector_states.save(
        "Acme Coffee", DetectorState(last_signal_bucket="2024-05-23T12:05:00Z"), None
    )

    result = plan(load_event("crisis_plan", "monitor"), services)

    assert result["last_signal"] == "2024-05-23T12:05:00Z"
    assert stored(services).status is IncidentStatus.MONITORING


@pytest.mark.parametrize(
    ("step", "extra", "kind", "status"),
    [
        ("unanswered", {}, "incident.unanswered", IncidentStatus.UNANSWERED),
        (
            "failed",
            {"error": {"Error": "Lambda.Unknown", "Cause": "The function timed out."}},
            "escalation.failed",
            IncidentStatus.FAILED,
        ),
    ],
)
def test_the_fallback_steps_record_the_end_and_free_the_brand(
    step: str, extra: dict[str, Any], kind: str, status: IncidentStatus, services: FakeServices
) -> None:
    assessed(services)

    plan({"step": step, "incident_id": INCIDENT_ID, **extra}, services)

    assert stored(services).status is status
    assert services.incidents.open_by_brand == {}
    assert services.audit.kinds(INCIDENT_ID) == [kind]


def test_review_overdue_is_audited(services: FakeServices) -> None:
    result = plan({"step": "review_overdue", "incident_id": INCIDENT_ID}, services)

    assert result == {"overdue": True}
    assert services.audit.kinds(INCIDENT_ID) == ["review.overdue"]


@pytest.mark.parametrize(
    "change",
    [
        {"step": "notify_tier"},
        {"step": None},
        {"step": ["assess"]},
        {"incident_id": None},
        {"incident_id": ""},
        {"incident_id": 42},
    ],
    ids=[
        "unknown-step",
        "no-step",
        "step-not-a-string",
        "no-incident",
        "empty-incident",
        "incident-not-a-string",
    ],
)
def test_a_malformed_plan_step_is_a_typed_error_and_changes_nothing(
    change: dict[str, Any], services: FakeServices
) -> None:
    event = clone(load_event("crisis_plan", "assess"))
    for key, value in change.items():
        if value is None:
            del event[key]
        else:
            event[key] = value
    before = stored(services)

    with pytest.raises(InvalidRequestError):
        plan(event, services)

    assert stored(services) == before
    assert services.audit.entries == []


@pytest.mark.parametrize("event", [[], "assess", None])
def test_a_plan_event_that_is_not_an_object_is_a_typed_error(event: Any, services: FakeServices) -> None:
    with pytest.raises(InvalidRequestError):
        plan(event, services)


@pytest.mark.parametrize("name", ["time_ran_out", "decide_approve", "decide_acknowledge"])
@pytest.mark.parametrize(
    "cursor", [{"phase": "tiers", "wait_seconds": 0}, {"phase": "sideways"}, "tiers", None, {}]
)
def test_a_malformed_cursor_is_a_typed_error_and_changes_nothing(
    name: str, cursor: Any, services: FakeServices
) -> None:
    assessed(services)
    event = clone(load_event("crisis_plan", name))
    if cursor is None:
        del event["cursor"]
    else:
        event["cursor"] = cursor
    before = stored(services)

    with pytest.raises(InvalidRequestError):
        plan(event, services)

    assert stored(services) == before
    assert services.audit.entries == []


@pytest.mark.parametrize("name", [*STEPS])
def test_a_step_for_an_unknown_incident_is_refused(name: str, services: FakeServices) -> None:
    event = clone(load_event("crisis_plan", name))
    event["incident_id"] = "inc-nobody-20240523T1200Z"

    with pytest.raises(IncidentNotFoundError):
        plan(event, services)
    assert services.audit.entries == []


# ----- RequestDecisionFunction ----------------------------------------------------------------------


def test_tier1_is_asked_with_one_link_each(services: FakeServices) -> None:
    assessed(services)

    result = request(load_event("request_decision", "tier1"), services)

    assert result == {"sent": 2, "phase": "tiers", "tier": 1}
    assert [m.recipient for m in services.notifier.sent] == ["tier1-primary", "tier1-backup"]
    assert sorted(link.recipient for link in services.links.links.values()) == [
        "tier1-backup",
        "tier1-primary",
    ]
    for message in services.notifier.sent:
        assert re.search(r"/Prod/a/[A-Za-z0-9_-]{22}$", message.sms_body)
    assert services.audit.kinds(INCIDENT_ID) == ["tier.notified"]


def test_the_reminder_reuses_the_request_under_the_new_token(services: FakeServices) -> None:
    assessed(services)
    request(load_event("request_decision", "tier1"), services)
    first = services.links.current_request(INCIDENT_ID)
    assert first is not None
    services.notifier.sent.clear()
    reminder = load_event("request_decision", "reminder")

    result = request(reminder, services)

    assert result == {"sent": 2, "phase": "tiers", "tier": 1}
    assert services.links.current_request(INCIDENT_ID) == services.links.request(first.notification_id)
    assert services.links.task_token(first.notification_id) == reminder["task_token"]
    assert all("REMINDER" in m.subject for m in services.notifier.sent)
    assert len(services.links.links) == 4
    assert services.audit.kinds(INCIDENT_ID) == ["tier.notified", "reminder.sent"]


def test_the_owner_alone_is_asked_once_someone_acknowledged(services: FakeServices) -> None:
    assessed(services)
    plan(load_event("crisis_plan", "decide_acknowledge"), services)

    result = request(load_event("request_decision", "owner"), services)

    assert result == {"sent": 1, "phase": "owner", "tier": 1}
    (message,) = services.notifier.sent
    assert message.recipient == "tier1-backup"
    assert "(the incident's owner)" in message.subject


@pytest.mark.parametrize("name", ["tier1", "reminder", "owner"])
def test_the_task_token_appears_in_no_message_result_audit_or_log(
    name: str, services: FakeServices, logs: Any
) -> None:
    assessed(services)
    services.incidents.update(INCIDENT_ID, IncidentChanges(owner="tier2-primary"))
    event = load_event("request_decision", name)
    token = event["task_token"]
    captured = logs(request_app)

    result = request(event, services)

    assert "Decision requested" in captured.text  # the capture works
    assert INCIDENT_ID in captured.text
    assert token[:40] not in captured.text
    assert token[-40:] not in captured.text
    assert token[:40] not in repr(result)
    assert token[:40] not in repr(services.audit.entries)
    assert services.notifier.sent
    for message in services.notifier.sent:
        assert token[:40] not in message.email_body + message.sms_body + message.subject


def test_a_refused_request_logs_no_token_either(services: FakeServices, logs: Any) -> None:
    assessed(services)
    event = clone(load_event("request_decision", "tier1"))
    event["cursor"] = {"phase": "nobody"}
    captured = logs(request_app)

    with pytest.raises(InvalidRequestError) as error:
        request(event, services)

    assert event["task_token"][:40] not in captured.text
    assert event["task_token"][:40] not in str(error.value)


@pytest.mark.parametrize(
    "change",
    [
        {"task_token": None},
        {"task_token": ""},
        {"cursor": None},
        {"cursor": {"phase": "nobody"}},
        {"cursor": {"phase": "tiers", "round": 9, "wait_seconds": 60}},
        {"cursor": {"phase": "tiers", "wait_seconds": "soon"}},
        {"cursor": "tiers"},
        {"incident_id": None},
    ],
    ids=[
        "no-token",
        "empty-token",
        "no-cursor",
        "nobody",
        "beyond-the-route",
        "wait-not-a-number",
        "cursor-not-an-object",
        "no-incident",
    ],
)
def test_a_malformed_decision_request_is_a_typed_error_and_sends_nothing(
    change: dict[str, Any], services: FakeServices
) -> None:
    assessed(services)
    event = clone(load_event("request_decision", "tier1"))
    for key, value in change.items():
        if value is None:
            del event[key]
        else:
            event[key] = value

    with pytest.raises(InvalidRequestError):
        request(event, services)

    assert services.notifier.sent == []
    assert services.links.links == {} and services.links.requests == {}
    assert services.audit.entries == []


def test_a_null_task_token_is_a_typed_error_and_sends_nothing(services: FakeServices) -> None:
    assessed(services)
    event = clone(load_event("request_decision", "tier1"))
    event["task_token"] = None

    with pytest.raises(InvalidRequestError):
        request(event, services)

    assert services.notifier.sent == []


@pytest.mark.parametrize("event", [[], "tier1", None])
def test_a_request_event_that_is_not_an_object_is_a_typed_error(event: Any, services: FakeServices) -> None:
    with pytest.raises(InvalidRequestError):
        request(event, services)
    assert services.notifier.sent == []


def test_a_request_for_an_unknown_incident_is_refused(services: FakeServices) -> None:
    event = clone(load_event("request_decision", "tier1"))
    event["incident_id"] = "inc-nobody-20240523T1200Z"

    with pytest.raises(IncidentNotFoundError):
        request(event, services)
    assert services.notifier.sent == []


# ----- PublishStatementFunction ---------------------------------------------------------------------


def test_publishing_without_an_approved_statement_is_a_typed_error(services: FakeServices) -> None:
    assessed(services)

    with pytest.raises(InvalidRequestError):
        publish(load_event("publish_statement", "publish"), services)
    assert services.publisher.posts == []


HOSTILE_TEXTS = {
    "esc": "We are \x1b[31mon it\x1b[0m.",
    "nul": "We are on it.\x00",
    "bidi-override": "Refunds: \u202e%001\u202c",
    "too-long-after-nfc": "e\u0301" * 281,
}


@pytest.mark.parametrize("text", list(HOSTILE_TEXTS.values())[:3], ids=list(HOSTILE_TEXTS)[:3])
def test_a_revision_reaching_the_workflow_another_way_is_refused_there_too(
    services: FakeServices, text: str
) -> None:
    assessed(services)
    event = clone(load_event("crisis_plan", "decide_approve"))
    event["decision"].update(decision="request_changes", revised_text=text)
    before = stored(services)

    with pytest.raises(InvalidRequestError, match="text: "):
        plan(event, services)
    assert stored(services) == before and services.audit.kinds(INCIDENT_ID) == []


@pytest.mark.parametrize("text", list(HOSTILE_TEXTS.values()), ids=list(HOSTILE_TEXTS))
def test_publishing_a_statement_that_could_not_have_been_approved_posts_nothing(
    services: FakeServices, text: str
) -> None:
    assessed(services)
    plan(load_event("crisis_plan", "decide_approve"), services)
    statement = stored(services).statement
    assert statement is not None
    unpublishable = replace(statement, draft=replace(statement.draft, text=text))
    services.incidents.update(INCIDENT_ID, IncidentChanges(statement=unpublishable))
    services.audit.entries.clear()
    before = stored(services)

    with pytest.raises(StatementTextError) as caught:
        publish(load_event("publish_statement", "publish"), services)

    # Step Functions sees the class name ("RefusedCharacterError", "StatementTooLongError"): the
    # state machine's catch-all records the failure, and nothing went out.
    assert type(caught.value).__name__ in {"RefusedCharacterError", "StatementTooLongError"}
    assert services.publisher.posts == [] and services.comms.announced == []
    assert stored(services) == before and services.audit.kinds(INCIDENT_ID) == []


@pytest.mark.parametrize("event", [{}, {"incident_id": ""}, {"incident_id": 7}, [], None])
def test_a_malformed_publish_event_is_a_typed_error(event: Any, services: FakeServices) -> None:
    with pytest.raises(InvalidRequestError):
        publish(event, services)
    assert services.publisher.posts == []


def test_publishing_for_an_unknown_incident_is_refused(services: FakeServices) -> None:
    with pytest.raises(IncidentNotFoundError):
        publish({"incident_id": "inc-nobody-20240523T1200Z"}, services)
    assert services.publisher.posts == []
