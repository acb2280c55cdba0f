"""Whole-loop tests: the real template on the embedded runtime, driven like a person and a mail scanner.

One runtime serves the module (start-up is the expensive part); each test uses a brand of its own, so
incidents never collide. The plan runs in real time (a tier has an hour): silence is a test ending the
wait (`run_out`), never a test waiting for a timer, so no outcome depends on how fast the machine is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from crisiswatch.adapters.dynamodb import DynamoAuditLog, DynamoIncidentStore
from crisiswatch.adapters.stepfunctions import StepFunctionsHistory
from crisiswatch.adapters.tables import ActionLinkItem, MentionItem, QuarantineItem
from crisiswatch.domain.response.links import link_key
from crisiswatch.usecases.reporting import incident_timeline
from crisiswatch_ops.pages import read_page
from crisiswatch_ops.replay import ReplayFile, Schedule, drive_schedule, incidents_of, scenario_clock_start
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.views import format_timeline
from tests.builders.plan_runtime import (
    REVIEW,
    TIER1,
    TIER2,
    execution_status,
    finished,
    let_calm_pass,
    link_from,
    messages_to,
    plan_runtime,
    replay_crisis,
    run_out,
    wait_for,
)

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    with plan_runtime(tmp_path_factory.mktemp("runtime")) as rt:
        yield rt


@pytest.fixture
def stack(runtime: LocalRuntime) -> Stack:
    return Stack(runtime.stack_name, runtime.outputs)


def test_tier1_silent_then_tier2_approves_by_link(
    runtime: LocalRuntime, stack: Stack, tmp_path: Path
) -> None:
    incident = replay_crisis(runtime, stack, tmp_path, "Loop Approve Co")
    assert incident.explanation["signals"], "the alert explains itself"
    tier1 = wait_for("tier 1 messages", lambda: messages_to(runtime, stack, TIER1, incident))
    assert {delivery.protocol for delivery in tier1} == {"email", "sms"}
    sms = next(delivery for delivery in tier1 if delivery.protocol == "sms")
    assert len(str(sms.message)) <= 160
    run_out(runtime, incident.incident_id)  # tier 1 is silent until its reminder...
    run_out(runtime, incident.incident_id)  # ... and until its time is over
    tier2 = wait_for("tier 2 messages", lambda: messages_to(runtime, stack, TIER2, incident))
    url = link_from(next(delivery for delivery in tier2 if delivery.protocol == "email"))

    page = requests.get(url, timeout=30)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    form = read_page(page.text)
    assert {"approve", "acknowledge", "request_changes", "escalate", "dismiss"} <= set(form.buttons)
    statement = form.statements[0]

    decided = requests.post(url, data=form.press("approve", statement), timeout=30)
    assert decided.status_code == 200, decided.text
    wait_for(
        "the monitoring notice",
        lambda: [d for d in messages_to(runtime, stack, TIER2, incident) if "monitoring" in str(d.subject)],
    )
    let_calm_pass(runtime, incident.incident_id)
    wait_for(
        "the review request",
        lambda: [d for d in messages_to(runtime, stack, TIER2, incident) if "review" in str(d.subject)],
    )
    run_out(runtime, incident.incident_id, REVIEW)  # nobody confirms the review in time
    assert finished(runtime, incident.incident_id) == "SUCCEEDED"
    final = DynamoIncidentStore().get(incident.incident_id)
    assert final is not None and final.statement is not None
    assert (final.decision, final.decided_by, final.statement.approved_by) == ("approve", "c1", "c1")
    assert final.status.value == "resolved", "published, calm, resolved; the review is still due"

    again = requests.post(url, data=form.press("dismiss"), timeout=30)
    assert again.status_code == 409
    assert "c1" in again.text and "approve" in again.text

    tier1_url = link_from(next(delivery for delivery in tier1 if delivery.protocol == "email"))
    late = requests.get(tier1_url, timeout=30)
    assert late.status_code == 410, "tier 1's link expired with its tier"

    history = StepFunctionsHistory(runtime.client("stepfunctions"))
    kinds = [event.type for event in history.events(final.execution_arn or "")]
    assert "TaskTimedOut" in kinds and kinds[-1] == "ExecutionSucceeded"
    story = format_timeline(incident_timeline(final, history, DynamoAuditLog()))
    assert "tier.timed_out" in story and "decision.submitted" in story and "statement.published" in story
    tokens = {
        item.task_token
        for item in ActionLinkItem.scan()
        if item.incident_id == final.incident_id and item.task_token
    }
    assert tokens and all(token and token not in story for token in tokens), (
        "a task token leaked into history"
    )


def test_dismiss_at_tier1_releases_the_brand(runtime: LocalRuntime, stack: Stack, tmp_path: Path) -> None:
    incident = replay_crisis(runtime, stack, tmp_path, "Loop Dismiss Co")
    tier1 = wait_for("tier 1 messages", lambda: messages_to(runtime, stack, TIER1, incident))
    url = link_from(next(delivery for delivery in tier1 if delivery.protocol == "email"))
    form = read_page(requests.get(url, timeout=30).text)
    response = requests.post(url, data=form.press("dismiss"), timeout=30)
    assert response.status_code == 200
    assert finished(runtime, incident.incident_id) == "SUCCEEDED"
    final = DynamoIncidentStore().get(incident.incident_id)
    assert final is not None and final.status.value == "dismissed" and final.decided_by in {"r1", "r2"}
    assert not messages_to(runtime, stack, TIER2, incident), "a decision stops the escalation"


def test_scanner_get_and_head_storm_changes_nothing(
    runtime: LocalRuntime, stack: Stack, tmp_path: Path
) -> None:
    incident = replay_crisis(runtime, stack, tmp_path, "Loop Scanner Co")
    tier1 = wait_for("tier 1 messages", lambda: messages_to(runtime, stack, TIER1, incident))
    url = link_from(next(delivery for delivery in tier1 if delivery.protocol == "email"))
    for _ in range(15):
        assert requests.get(url, timeout=30).status_code == 200
        head = requests.head(url, timeout=30)
        assert head.status_code == 200 and not head.content
    link_id = url.rsplit("/", 1)[1]
    assert ActionLinkItem.get(link_key(link_id)).state == "pending"
    assert execution_status(runtime, incident.incident_id) == "RUNNING"
    for hostile in (
        {"decision": "approve"},  # no form token: a blind POST
        {"decision": "approve", "form_token": "1.forged"},
        {"decision": "approve", "form_token": "x" * 5000},
    ):
        response = requests.post(url, data=hostile, timeout=30)
        assert 400 <= response.status_code < 500
    forged = url[: -len(link_id)] + ("A" * 22)
    assert requests.get(forged, timeout=30).status_code == 404
    assert requests.post(url, data=b"\xff\xfe" * 40_000, timeout=30).status_code == 413
    assert ActionLinkItem.get(link_key(link_id)).state == "pending"
    assert execution_status(runtime, incident.incident_id) == "RUNNING"


def test_every_tier_silent_alerts_operators(runtime: LocalRuntime, stack: Stack, tmp_path: Path) -> None:
    incident = replay_crisis(runtime, stack, tmp_path, "Loop Silent Co")
    for _wait in ("tier 1 until its reminder", "the rest of tier 1's time", "tier 2's time"):
        run_out(runtime, incident.incident_id)
    assert finished(runtime, incident.incident_id) == "FAILED"
    final = DynamoIncidentStore().get(incident.incident_id)
    assert final is not None and final.status.value == "unanswered"
    ops = stack.output("OpsAlertsTopicArn")
    alerts = [
        d for d in runtime.outbox.messages() if d.topic_arn == ops and incident.incident_id in str(d.message)
    ]
    assert alerts, "operators are told when nobody answered"


def test_repeated_ticks_and_bad_lines_lose_and_duplicate_nothing(
    runtime: LocalRuntime, stack: Stack, tmp_path: Path
) -> None:
    brand = "Loop Repeat Co"
    bad_lines = ("{not json", json.dumps({"source": "reddit", "id": "t1_nodate", "text": "hi"}), "[1, 2]")
    incident = replay_crisis(runtime, stack, tmp_path, brand, extra_raw_lines=bad_lines)
    # Fire the same ticks again: same scheduled times, as a duplicate EventBridge delivery would.
    replay = ReplayFile.read(tmp_path / "scenario.jsonl", brand)
    clock = scenario_clock_start(replay)
    drive_schedule(
        lambda moment: runtime.scheduler.tick(at=moment), replay, Schedule(clock, timedelta(minutes=5))
    )
    runtime.streams.wait_until_idle(timeout=60)
    stored = [item for item in MentionItem.scan() if item.brand == brand]
    assert len(stored) == replay.valid == len({item.mention_id for item in stored})
    reasons = [item.reason for item in QuarantineItem.scan()]
    assert sum("not valid JSON" in reason for reason in reasons) >= 1
    assert sum("missing field" in reason for reason in reasons) >= 1
    assert len(incidents_of(brand)) == 1
    executions = runtime.client("stepfunctions").list_executions(
        stateMachineArn=stack.output("EscalationStateMachineArn")
    )["executions"]
    assert [item["name"] for item in executions].count(incident.incident_id) == 1
