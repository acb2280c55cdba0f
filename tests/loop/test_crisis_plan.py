"""Every path of the crisis plan, on the real state machine in the embedded runtime.

Incidents are opened straight in the incidents table (the detector's part is tested elsewhere); the
stream starts the execution, SNS deliveries land in the outbox, and people act through the action
links over HTTP, as they would from their phones. The plan runs in real time (a tier has an hour), so
nobody's time runs out while the machine is slow; a test that wants silence ends the wait itself
(`Story.run_out`) and waits for what follows. No outcome depends on how fast the machine is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from crisiswatch.adapters.dynamodb import DynamoAuditLog, DynamoIncidentStore
from crisiswatch.adapters.tables import DetectorItem
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident, incident_id_for
from crisiswatch_ops.pages import LINK, Page, read_page
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.builders.plan_runtime import ASK, HOLD, LOOP_POLICY, REVIEW, plan_runtime, wait_for

pytestmark = pytest.mark.runtime
POLICY_USERS = ("CrisisPlanFunction", "RequestDecisionFunction")
"""The functions that read the escalation policy (ESCALATION_POLICY_FILE)."""


def policy_with_window(path: Any, start: datetime, end: datetime) -> Any:
    path.write_text(
        LOOP_POLICY.read_text(encoding="utf-8")
        + "\n[[maintenance_windows]]\n"
        + f'start = "{start.strftime("%Y-%m-%dT%H:%M:%SZ")}"\n'
        + f'end = "{end.strftime("%Y-%m-%dT%H:%M:%SZ")}"\n'
        + 'reason = "Spring campaign launch"\nhold = ["SEV3"]\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state = tmp_path_factory.mktemp("plan-runtime")
    now = datetime.now(UTC)
    # A campaign window that lasts all day: SEV3 alerts are held however long the tests take.
    policy = policy_with_window(state / "policy.toml", now - timedelta(hours=1), now + timedelta(days=1))
    with plan_runtime(state, policy) as rt:
        stack = Stack(rt.stack_name, rt.outputs)
        yield {"runtime": rt, "stack": stack, "state": state, "held": {}}


def unless(value: str, unwanted: str) -> str | None:
    return None if value == unwanted else value


class Story:
    """One incident, driven through the plan like the people on the route would."""

    def __init__(self, world: dict[str, Any], brand: str, severity: Severity, crisis_types: tuple[str, ...]):
        self.runtime: LocalRuntime = world["runtime"]
        self.stack: Stack = world["stack"]
        bucket = datetime(2026, 3, 3, 9, 0, tzinfo=UTC) + timedelta(minutes=5 * (abs(hash(brand)) % 1000))
        self.incident = Incident(
            incident_id=incident_id_for(brand, bucket),
            brand=brand,
            severity=severity,
            opened_at=datetime.now(UTC),
            detected_bucket=bucket,
            summary=f"{brand}: 120 mentions in 5 min against 6 expected",
            crisis_types=crisis_types,
        )
        assert DynamoIncidentStore().open(self.incident)

    @property
    def incident_id(self) -> str:
        return self.incident.incident_id

    def deliveries(self, protocol: str = "email") -> list[Any]:
        topic = self.stack.output("ContactsTopicArn")
        return [
            d
            for d in self.runtime.outbox.messages(protocol=protocol)
            if d.topic_arn == topic
            and (self.incident_id in str(d.message) or self.incident.brand in str(d.message))
        ]

    def emails_to(self, endpoint: str, subject: str = "") -> list[Any]:
        return [d for d in self.deliveries() if d.endpoint == endpoint and subject in str(d.subject)]

    def link(self, endpoint: str, subject: str = "", timeout: float = 30) -> str:
        email = wait_for(
            f"an email to {endpoint} ({subject})", lambda: self.emails_to(endpoint, subject), timeout
        )[-1]
        match = LINK.search(str(email.message))
        assert match, email.message
        return match.group(0)

    def open_page(self, url: str) -> Page:
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, response.text
        return read_page(response.text)

    def press(self, url: str, decision: str, statement: str | None = None, **typed: str) -> requests.Response:
        page = self.open_page(url)
        if statement is None and decision in ("approve", "request_changes"):
            statement = page.statements[0]
        return requests.post(url, data=page.press(decision, statement, **typed), timeout=30)

    def current(self) -> Incident:
        found = DynamoIncidentStore().get(self.incident_id)
        assert found is not None
        return found

    def audit(self) -> list[str]:
        return [entry.kind for entry in DynamoAuditLog().read(self.incident_id)]

    @property
    def execution_arn(self) -> str:
        return wait_for("the execution", lambda: self.current().execution_arn)

    def status(self) -> str:
        arn = self.execution_arn
        return str(self.runtime.client("stepfunctions").describe_execution(executionArn=arn)["status"])

    def run_out(self, state: str = ASK) -> None:
        """Whoever this wait asks stays silent until its time runs out, now."""
        self.runtime.stepfunctions.expire_wait(self.execution_arn, state=state, timeout=60)

    def finished(self, timeout: float = 60) -> str:
        return wait_for("the execution to end", lambda: unless(self.status(), "RUNNING"), timeout)

    def wait_status(self, status: str, timeout: float = 30) -> Incident:
        return wait_for(f"status {status}", lambda: self._with_status(status), timeout)

    def _with_status(self, status: str) -> Incident | None:
        incident = self.current()
        return incident if incident.status.value == status else None


def test_a_maintenance_window_holds_a_sev3_but_never_a_sev1(world: dict[str, Any]) -> None:
    held = Story(world, "Plan Held Co", Severity.SEV3, ("customer_dissatisfaction",))
    urgent = Story(world, "Plan Urgent Co", Severity.SEV1, ("product_failure",))

    urgent.link("riley@example.com")
    held.wait_status("held")
    assert "incident.held" in held.audit()
    waiting = wait_for("the hold", lambda: held.runtime.stepfunctions.waits(held.execution_arn))
    assert [wait.state for wait in waiting] == [HOLD]
    assert waiting[0].seconds > 23 * 3600, "the hold lasts until the window's end, a day away"
    assert held.deliveries() == [], "a held alert tells nobody while the window lasts"
    world["held"]["story"] = held


def test_a_hold_that_ends_early_is_held_again_while_the_window_lasts(world: dict[str, Any]) -> None:
    held: Story = world["held"]["story"]

    held.run_out(HOLD)

    again = wait_for("the next hold", lambda: held.runtime.stepfunctions.waits(held.execution_arn))
    assert [wait.state for wait in again] == [HOLD]
    assert held.current().status.value == "held" and held.audit().count("incident.held") == 1
    assert held.deliveries() == []


def test_approve_at_tier_1_publishes_the_statement(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Approve Co", Severity.SEV2, ("product_failure",))
    url = story.link("riley@example.com")
    page = story.open_page(url)
    assert {"approve", "acknowledge", "escalate", "dismiss"} <= set(page.buttons)
    statement = page.statements[0]

    response = story.press(url, "approve", statement)

    assert response.status_code == 200, response.text
    published = story.wait_status("monitoring")
    assert published.statement is not None and published.statement.draft.key == statement
    assert published.statement.approved_by == "r1" and published.statement.ref
    comms = story.stack.output("CommsChannelTopicArn")
    announced = [
        d
        for d in story.runtime.outbox.messages()
        if d.topic_arn == comms and story.incident_id in str(d.message)
    ]
    assert announced and published.statement.draft.text in str(announced[0].message)
    assert not story.emails_to("casey@example.com"), "a decision at tier 1 stops the escalation"
    assert {"acknowledged", "facts_gathered", "statement_approved", "published"} <= set(published.checklist)


def test_tier_1_silent_is_reminded_then_tier_2_approves(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Escalate Co", Severity.SEV2, ("product_failure",))
    first = story.link("riley@example.com")

    story.run_out()  # tier 1 stays silent until its reminder is due

    reminder = story.link("riley@example.com", subject="REMINDER")
    assert reminder != first, "a reminder carries a fresh link"

    def riley_sms() -> list[Any]:
        return [d for d in story.deliveries("sms") if d.endpoint == "+15555550111"]

    sms = wait_for("the reminder by SMS", lambda: riley_sms() if len(riley_sms()) >= 2 else None)
    assert all(len(str(d.message)) <= 160 for d in sms) and len(sms) == 2
    form = story.open_page(first)  # the first link works across the reminder
    assert not story.emails_to("casey@example.com"), "tier 2 waits for the end of tier 1's time"

    story.run_out()  # ... and until its time is over

    url = story.link("casey@example.com")
    assert story.press(url, "approve").status_code == 200
    story.wait_status("monitoring")
    kinds = story.audit()
    assert kinds.index("tier.notified") < kinds.index("reminder.sent") < kinds.index("tier.timed_out")
    assert requests.get(first, timeout=30).status_code == 410, "tier 1's link closed when tier 2 took over"
    late = requests.post(first, data=form.press("dismiss"), timeout=30)
    assert late.status_code == 410 and "link.late" in story.audit(), "a click after the timeout is late"


def test_every_tier_silent_ends_in_the_fallback(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Silent Co", Severity.SEV2, ("product_failure",))
    story.link("riley@example.com")

    for _wait in ("tier 1 until its reminder", "the rest of tier 1's time", "tier 2's time"):
        story.run_out()

    assert story.finished() == "FAILED"

    assert story.current().status.value == "unanswered"
    ops = story.stack.output("OpsAlertsTopicArn")
    assert [
        d
        for d in story.runtime.outbox.messages()
        if d.topic_arn == ops and story.incident_id in str(d.message)
    ]
    assert "escalation.exhausted" in story.audit()
    assert DetectorItem.get(story.incident.brand).open_incident_id is None, "the brand can alert again"


def test_acknowledge_then_the_owner_approves_then_resolves_and_reviews(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Owner Co", Severity.SEV2, ("product_failure",))
    url = story.link("rowan@example.com")
    assert story.press(url, "acknowledge").status_code == 200

    owner_url = story.link("rowan@example.com", subject="decision needed (the incident's owner)")
    page = story.open_page(owner_url)
    assert "acknowledge" not in page.buttons and "approve" in page.buttons
    assert story.press(owner_url, "approve").status_code == 200
    assert story.current().owner == "r2"

    resolve_url = story.link("rowan@example.com", subject="monitoring")
    assert story.press(resolve_url, "resolve").status_code == 200
    review_url = story.link("rowan@example.com", subject="review")
    assert (
        story.press(review_url, "review_done", note="Holding line worked; reply faster at night.").status_code
        == 200
    )

    assert story.finished() == "SUCCEEDED"
    final = story.current()
    assert final.status.value == "reviewed"
    assert final.review and final.review.done_by == "r2" and "reply faster" in final.review.notes
    assert final.review.response_seconds["acknowledged"] <= final.review.response_seconds["resolved"]
    assert not story.emails_to("casey@example.com"), "acknowledging stopped the escalation"


def test_request_changes_then_the_revision_is_approved_and_published(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Changes Co", Severity.SEV2, ("product_failure",))
    url = story.link("riley@example.com")
    page = story.open_page(url)
    statement = page.statements[-1]
    revised = "We are looking into reports about our oat latte and will update everyone within the hour."
    assert story.press(url, "request_changes", statement, revised_text=revised).status_code == 200

    second = wait_for("the revised request", lambda: unless(story.link("riley@example.com"), url))
    again = story.open_page(second)
    assert again.statements[0].startswith("revision-")
    assert story.press(second, "approve", again.statements[0]).status_code == 200

    final = story.wait_status("monitoring")
    assert (
        final.statement and final.statement.draft.text == revised and final.statement.draft.revised_by == "r1"
    )
    assert "statement.changes_requested" in story.audit()


def test_dismiss_is_recorded_for_the_detector(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Dismiss Co", Severity.SEV2, ("boycott",))
    url = story.link("riley@example.com")
    assert story.press(url, "dismiss").status_code == 200

    assert story.finished() == "SUCCEEDED"
    assert story.current().status.value == "dismissed"
    detector = DetectorItem.get(story.incident.brand)
    assert detector.open_incident_id is None
    assert [entry["incident_id"] for entry in detector.false_alarms] == [story.incident_id]


def test_a_data_breach_pulls_legal_in_at_once_and_legal_ticks_its_review(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Breach Co", Severity.SEV2, ("data_breach",))
    legal = story.link("logan@example.com")
    story.link("riley@example.com")
    page = story.open_page(legal)
    tick = page.form_for("tick", "legal_reviewed")
    response = requests.post(legal, data=tick.submit("tick", "legal_reviewed"), timeout=30)

    assert response.status_code == 200, response.text
    assert story.current().checklist["legal_reviewed"]["by"] == "l1"
    assert story.current().includes_legal is True
    assert story.press(legal, "escalate").status_code == 200
    story.link("casey@example.com")  # escalating now skips the rest of tier 1's time


def test_sev1_tells_the_executive_at_once(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Sev1 Co", Severity.SEV1, ("product_failure",))
    story.link("emery@example.com")
    story.link("riley@example.com")
    route = story.current().route
    assert route is not None
    assert [planned.tiers for planned in route.rounds] == [("responders", "executive"), ("comms_lead",)]
    assert route.includes_legal is False, "no legal review on a product failure's checklist"
    assert not story.emails_to("casey@example.com"), "the comms lead waits for the second round"


def test_the_owner_going_silent_hands_over_to_the_next_tier(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Owner Silent Co", Severity.SEV2, ("product_failure",))
    assert story.press(story.link("rowan@example.com"), "acknowledge").status_code == 200
    story.link("rowan@example.com", subject="decision needed (the incident's owner)")

    story.run_out()  # the owner's time to approve runs out

    url = story.link("casey@example.com")
    assert "owner.timed_out" in story.audit()
    assert story.press(url, "dismiss").status_code == 200
    assert story.finished() == "SUCCEEDED"


def test_an_overdue_review_tells_operators_and_its_link_expires(world: dict[str, Any]) -> None:
    story = Story(world, "Plan Overdue Co", Severity.SEV2, ("product_failure",))
    assert story.press(story.link("riley@example.com"), "approve").status_code == 200
    assert story.press(story.link("riley@example.com", subject="monitoring"), "resolve").status_code == 200
    review_url = story.link("riley@example.com", subject="review")

    story.run_out(REVIEW)

    assert story.finished() == "SUCCEEDED"
    assert story.current().status.value == "resolved", "resolved, with its review still due"
    ops = story.stack.output("OpsAlertsTopicArn")
    alerts = [d for d in story.runtime.outbox.messages() if d.topic_arn == ops]
    assert [d for d in alerts if "review is overdue" in str(d.subject) and story.incident_id in d.message]
    assert "review.overdue" in story.audit()
    assert requests.get(review_url, timeout=30).status_code == 410, "the review link expired with it"


def test_the_held_alert_goes_out_once_the_window_is_over(world: dict[str, Any]) -> None:
    """The campaign's window is cut short (a new deployment of the policy, which the plan's functions read
    when they start); the hold's wait ends and the alert is routed."""
    held: Story = world["held"]["story"]
    now = datetime.now(UTC)
    policy = policy_with_window(world["state"] / "policy-window-over.toml", now - timedelta(hours=1), now)
    lambdas = held.runtime.client("lambda")
    for function in POLICY_USERS:
        name = held.runtime.resources[function]
        variables = lambdas.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
        variables = {key: str(value) for key, value in variables.items()}  # moto keeps numbers as numbers
        lambdas.update_function_configuration(
            FunctionName=name,
            Environment={"Variables": {**variables, "ESCALATION_POLICY_FILE": str(policy)}},
        )

    held.run_out(HOLD)

    url = held.link("riley@example.com")
    assert held.current().status.value == "escalating"
    assert held.press(url, "dismiss").status_code == 200
    assert held.finished() == "SUCCEEDED"
