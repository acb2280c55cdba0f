"""The embedded runtime the crisis-plan tests share: the real template, the loop's test policy, and one
policy minute lasting one second, so a tier's response time is a few seconds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.domain.incidents import Incident
from crisiswatch_ops.contacts import sync_local
from crisiswatch_ops.pages import LINK
from crisiswatch_ops.replay import ReplayFile, drive_schedule, incidents_of, scenario_clock_start, upload
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.synthetic import burst_scenario, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
LOOP_POLICY = ROOT / "tests" / "data" / "escalation_policy_loop.toml"
PLAN_PARAMETERS = {
    "PolicyMinuteSeconds": "1",
    "OwnerResponseSeconds": "8",
    "MonitorIntervalSeconds": "2",
    "CalmSeconds": "4",
    "ReviewTimeoutSeconds": "6",
    "WatchlistFile": "",
}
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
            parameter_overrides={**PLAN_PARAMETERS, "EscalationPolicyFile": str(policy)},
            build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
            start_scheduler=False,
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
    drive_schedule(lambda moment: runtime.scheduler.tick(at=moment), replay, clock, timedelta(minutes=5))
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


def execution_status(runtime: LocalRuntime, incident_id: str) -> str:
    arn = wait_for("the execution", lambda: DynamoIncidentStore().get(incident_id).execution_arn)  # type: ignore[union-attr]
    return str(runtime.client("stepfunctions").describe_execution(executionArn=arn)["status"])


def finished(runtime: LocalRuntime, incident_id: str) -> str:
    def ended() -> str | None:
        status = execution_status(runtime, incident_id)
        return None if status == "RUNNING" else status

    return wait_for("the execution to finish", ended, timeout=60)
