"""The embedded runtime the crisis-plan tests share: the real template and the loop's test policy, in
real time (a policy minute is a minute, a tier has an hour).

No test races the machine. Every wait of the plan is long, so nothing runs out while a slow machine
opens a link; a test that wants silence says when time runs out (`run_out`: the runtime ends the
execution's wait as if its time had run out) and then waits for what that causes (a reminder in the
outbox, the next tier told). Every `wait_for` timeout only bounds a hang.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.domain.response.incidents import Incident
from crisiswatch_ops.contacts import sync_local
from crisiswatch_ops.pages import LINK
from crisiswatch_ops.replay import (
    ReplayFile,
    Schedule,
    drive_schedule,
    incidents_of,
    scenario_clock_start,
    upload,
)
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.synthetic import burst_scenario, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
LOOP_POLICY = ROOT / "tests" / "data" / "escalation_policy_loop.toml"
CALM_SECONDS = 1
"""Calm is judged by the Lambda on the wall clock: the signals must stay quiet this long between checks."""
PLAN_PARAMETERS = {
    "PolicyMinuteSeconds": "60",
    "OwnerResponseSeconds": "3600",
    # Signals are re-checked only when a test ends the monitoring wait (`let_calm_pass`).
    "MonitorIntervalSeconds": "3600",
    "CalmSeconds": str(CALM_SECONDS),
    "ReviewTimeoutSeconds": "86400",
    "WatchlistFile": "",
}
ASK = "Ask For A Decision"
MONITOR = "Wait For Resolve Or Recheck"
REVIEW = "Ask For The Review"
HOLD = "Hold Until The Window Ends"
TIER1 = {"riley@example.com", "+15555550111", "rowan@example.com"}
TIER2 = {"casey@example.com", "+15555550112"}
T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def plan_runtime(state: Path, policy: Path = LOOP_POLICY) -> Iterator[LocalRuntime]:
    """A running stack with the policy's contacts subscribed and this process bound to it."""
    saved = dict(os.environ)
    try:
        with LocalRuntime(
            ROOT,
            state,
            RuntimeOptions(
                parameter_overrides={**PLAN_PARAMETERS, "EscalationPolicyFile": str(policy)},
                build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
                start_scheduler=False,
            ),
        ) as runtime:
            os.environ.update(runtime.environ())
            Stack(runtime.stack_name, runtime.outputs).bind()
            sync_local(runtime)
            yield runtime
    finally:
        os.environ.clear()
        os.environ.update(saved)


def replay_crisis(
    runtime: LocalRuntime, stack: Stack, tmp_path: Path, brand: str, extra_raw_lines: tuple[str, ...] = ()
) -> Incident:
    start = datetime(2026, 2, 2, 8, 0, tzinfo=UTC) + timedelta(days=abs(hash(brand)) % 300)
    path = write_jsonl(tmp_path / "scenario.jsonl", burst_scenario(brand, start), extra_raw_lines)
    replay = ReplayFile.read(path, brand)
    clock = scenario_clock_start(replay)
    upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock, speed=1.0)
    drive_schedule(
        lambda moment: runtime.scheduler.tick(at=moment), replay, Schedule(clock, timedelta(minutes=5))
    )
    runtime.streams.wait_until_idle(timeout=60)
    incidents = wait_for(f"an incident for {brand}", lambda: incidents_of(brand))
    assert len(incidents) == 1, "one crisis must open exactly one incident"
    return incidents[0]


def messages_to(runtime: LocalRuntime, stack: Stack, endpoints: set[str], incident: Incident) -> list[Any]:
    """What the contacts topic delivered to these emails and phones about this incident."""
    topic = stack.output("ContactsTopicArn")
    return [
        delivery
        for delivery in runtime.outbox.messages()
        if delivery.topic_arn == topic
        and delivery.endpoint in endpoints
        and incident.brand in str(delivery.message) + str(delivery.subject)
    ]


def link_from(delivery: Any) -> str:
    match = LINK.search(str(delivery.message))
    assert match, f"no action link in {delivery.message!r}"
    return match.group(0)


def execution_arn(incident_id: str) -> str:
    def started() -> str | None:
        incident = DynamoIncidentStore().get(incident_id)
        return incident.execution_arn if incident else None

    return wait_for("the execution", started)


def execution_status(runtime: LocalRuntime, incident_id: str) -> str:
    arn = execution_arn(incident_id)
    return str(runtime.client("stepfunctions").describe_execution(executionArn=arn)["status"])


def run_out(runtime: LocalRuntime, incident_id: str, state: str = ASK) -> None:
    """The incident's current wait (in `state`) runs out now: silence, without waiting for it.

    Waits for the execution to reach that wait first (the message that starts it may still be going
    out); each call ends one wait, so calling twice lets a reminder's wait run out too.
    """
    runtime.stepfunctions.expire_wait(execution_arn(incident_id), state=state, timeout=60)


def let_calm_pass(runtime: LocalRuntime, incident_id: str) -> None:
    """The signals stay quiet for CalmSeconds, then the monitoring wait ends: the next check finds calm.

    Call it once monitoring has asked the owner (the first check is done by then). The sleep is a lower
    bound (calm needs that much wall-clock time to pass), never a race: waiting longer changes nothing.
    """
    time.sleep(CALM_SECONDS + 0.1)
    run_out(runtime, incident_id, MONITOR)


def finished(runtime: LocalRuntime, incident_id: str) -> str:
    def ended() -> str | None:
        status = execution_status(runtime, incident_id)
        return None if status == "RUNNING" else status

    return wait_for("the execution to finish", ended, timeout=60)
