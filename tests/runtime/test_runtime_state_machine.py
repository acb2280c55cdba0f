"""The task-token state machine: notify through SNS, approve from outside, or time out and be caught."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from crisiswatch_ops.runtime import LocalRuntime

from .conftest import DECISION_TIMEOUT_SECONDS

pytestmark = pytest.mark.runtime


def _start(runtime: LocalRuntime, incident: dict[str, Any], name: str | None = None) -> str:
    kwargs = {"name": name} if name else {}
    response = runtime.client("stepfunctions").start_execution(
        stateMachineArn=runtime.outputs["EscalationStateMachineArn"], input=json.dumps(incident), **kwargs
    )
    return str(response["executionArn"])


def _finish(runtime: LocalRuntime, execution_arn: str, timeout: float) -> dict[str, Any]:
    sfn = runtime.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return dict(described)
        time.sleep(0.05)
    raise AssertionError(f"{execution_arn} still RUNNING after {timeout}s")


def test_a_decision_sent_with_the_task_token_completes_the_execution(runtime: LocalRuntime):
    incident = {"id": f"inc-{uuid.uuid4().hex[:6]}", "severity": "critical"}
    mark = len(runtime.outbox)
    execution_arn = _start(runtime, incident, name=incident["id"])
    email = runtime.outbox.wait_for(
        lambda message: message["protocol"] == "email" and incident["id"] in message["subject"],
        timeout=15,
        since=mark,
    )
    token = email["message"].split("token=", 1)[1].strip()
    assert token and "Task.Token" not in token  # the real token, so $$.Task.Token survived deployment
    assert f"{runtime.api_url}/decisions/" in email["message"]  # PublicBaseUrl is the local API
    runtime.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps({"approved": True}))
    finished = _finish(runtime, execution_arn, timeout=15)
    assert finished["status"] == "SUCCEEDED"
    output = json.loads(finished["output"])
    assert output["decision"] == {"approved": True} and output["outcome"] == "decided"


def test_a_missed_decision_times_out_and_the_catch_handles_states_timeout(runtime: LocalRuntime):
    execution_arn = _start(runtime, {"id": "inc-silent", "severity": "high"})
    ended = runtime.stepfunctions.expire_wait(execution_arn, state="Notify And Wait")
    assert ended.seconds == DECISION_TIMEOUT_SECONDS, "the decision's own timeout is an hour"
    finished = _finish(runtime, execution_arn, timeout=15)
    assert finished["status"] == "SUCCEEDED"
    output = json.loads(finished["output"])
    assert output["error"]["Error"] == "States.Timeout" and output["outcome"] == "timed-out"
    history = runtime.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]
    assert "TaskTimedOut" in [event["type"] for event in history]


def test_executions_without_a_name_get_distinct_names(runtime: LocalRuntime):
    first = _start(runtime, {"id": "inc-a", "severity": "low"})
    second = _start(runtime, {"id": "inc-b", "severity": "low"})
    assert first != second and not first.endswith(":None")
