"""Self-tests of the ``stepfunctions_waits`` patch: a wait ends when a caller says its time ran out, and a
task token whose wait timed out answers TaskTimedOut.

Nothing here depends on how fast the machine is: the waits are an hour long unless a test says
otherwise, and every wait for an outcome is a bound on a hang, never a race.
"""

from __future__ import annotations

import inspect
import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import (
    CallbackEndpoint,
    CallbackOutcomeSuccess,
    CallbackPoolManager,
)
from moto.stepfunctions.parser.models import StepFunctionsParserBackend, stepfunctions_parser_backends

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.patches import _patching, stepfunctions_waits

from .helpers import ISOLATED_ACCOUNT

pytestmark = pytest.mark.runtime
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ISOLATED_ACCOUNT}:role/sfn"
HOUR = 3600


def _wait_machine(seconds: int) -> str:
    return json.dumps(
        {
            "StartAt": "Hold",
            "States": {
                "Hold": {"Type": "Wait", "Seconds": seconds, "Next": "Done"},
                "Done": {"Type": "Pass", "End": True},
            },
        }
    )


def _token_machine(notify_arn: str, timeout_seconds: int) -> str:
    """Ask for a decision; then, answered or timed out, wait an hour (the execution runs on)."""
    return json.dumps(
        {
            "StartAt": "Notify And Wait",
            "States": {
                "Notify And Wait": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": notify_arn,
                        "Payload": {"taskToken.$": "$$.Task.Token", "incident.$": "$"},
                    },
                    "TimeoutSeconds": timeout_seconds,
                    "ResultPath": "$.decision",
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Hold"}],
                    "Next": "Decided Hold",
                },
                "Hold": {"Type": "Wait", "Seconds": HOUR, "Next": "Timed Out"},
                "Timed Out": {"Type": "Pass", "Result": "timed-out", "ResultPath": "$.outcome", "End": True},
                "Decided Hold": {"Type": "Wait", "Seconds": HOUR, "Next": "Decided"},
                "Decided": {"Type": "Pass", "Result": "decided", "ResultPath": "$.outcome", "End": True},
            },
        }
    )


def _waits_after_the_task(runtime: LocalRuntime, arn: str) -> list[Any]:
    """The waits of the states after the task: the task's own wait may still be listed for a moment
    after its answer (the execution moves on in its own thread)."""
    return [wait for wait in runtime.stepfunctions.waits(arn) if wait.state != "Notify And Wait"]


def _until(what: str, probe: Any, timeout: float = 30) -> Any:
    """Poll until `probe` answers; the timeout only bounds a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# ----------------------------------------------------------------------------- what the patch relies on
def test_moto_hooks_keep_their_shape():
    task_wait = _patching.original(*stepfunctions_waits.TASK_WAIT)
    assert list(inspect.signature(task_wait).parameters) == [
        "self",
        "env",
        "timeout_seconds",
        "callback_endpoint",
        "heartbeat_endpoint",
    ]
    source = inspect.getsource(task_wait)
    assert "_wait_for_task_token_timeout(" in source and "CallbackOutcomeTimedOut(" in source
    task = state_task_service_callback.StateTaskServiceCallback
    assert "callback_endpoint.wait(" in inspect.getsource(task._wait_for_task_token_timeout)
    # The timed-out outcome becomes States.Timeout, and every wait is interrupted once the task is over.
    pattern = inspect.getsource(task._eval_integration_pattern)
    assert "self._eval_wait_for_task_token(" in pattern and "raise CallbackTimeoutError()" in pattern
    assert "callback_endpoint.interrupt_all()" in pattern

    # The token exists (in the context object) while the state's attempts run, and only then.
    body = inspect.getsource(task._eval_body)
    assert body.index("update_task_token()") < body.index("super()._eval_body(env=env)")
    assert 'context_object_data.pop("Task", None)' in body
    state = _patching.original(*stepfunctions_waits.TASK_STATE)
    assert state is ExecutionState._eval_state, "moto's callback tasks inherit the retry loop"
    assert list(inspect.signature(state).parameters) == ["self", "env"]
    assert "self._evaluate_with_timeout(env)" in inspect.getsource(state)

    wait_interval = _patching.original(*stepfunctions_waits.WAIT_STATE)
    assert list(inspect.signature(wait_interval).parameters) == ["self", "env", "wait_seconds"]
    assert "env.program_state_event.wait(wait_seconds)" in inspect.getsource(wait_interval)
    assert "self._wait_interval(env=env, wait_seconds=" in inspect.getsource(WaitFunction._eval_body)

    for name in ("interrupt_all", "wait", "get_outcome", "report"):
        assert callable(getattr(CallbackEndpoint, name)), name
    assert list(inspect.signature(_patching.original(*stepfunctions_waits.NOTIFY)).parameters) == [
        "self",
        "callback_id",
        "outcome",
    ]
    # SendTaskSuccess/Failure/Heartbeat find the token through the pool of each running execution.
    backend = StepFunctionsParserBackend
    for name in ("send_task_success", "send_task_failure"):
        assert "callback_pool_manager.notify(" in inspect.getsource(getattr(backend, name))
    assert "callback_pool_manager.heartbeat(" in inspect.getsource(backend.send_task_heartbeat)


def test_moto_alone_takes_an_answer_after_the_wait_timed_out():
    """The reason for the TaskTimedOut part; if this fails, moto refuses late answers by itself."""
    pool = CallbackPoolManager(activity_store={})
    endpoint = pool.add("token-1")
    assert endpoint.wait(timeout=0) is None  # timed out
    original = _patching.original(*stepfunctions_waits.NOTIFY)
    assert original(pool, "token-1", CallbackOutcomeSuccess("token-1", "{}")) is True


# ----------------------------------------------------------------------------- Wait states
def _isolated_start(definition: str) -> tuple[Any, str]:
    backend = stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION]
    machine = backend.create_state_machine(f"waits-{uuid.uuid4().hex[:8]}", definition, ROLE)
    return backend, backend.start_execution(machine.arn, None, "{}").exec_arn


def _isolated_status(backend: Any, arn: str) -> str | None:
    status = str(backend.describe_execution(arn).status)
    return None if status == "RUNNING" else status


def test_an_hour_long_wait_state_ends_when_told():
    backend, arn = _isolated_start(_wait_machine(HOUR))

    ended = stepfunctions_waits.expire(arn, "Hold", timeout=30)

    assert (ended.execution_arn, ended.state, ended.kind, ended.seconds) == (arn, "Hold", "wait", HOUR)
    assert _until("the execution to end", lambda: _isolated_status(backend, arn)) == "SUCCEEDED"
    assert stepfunctions_waits.waits(arn) == []


def test_a_wait_state_nobody_expires_ends_on_its_own_on_time():
    began = time.monotonic()
    backend, arn = _isolated_start(_wait_machine(1))
    assert _until("the execution to end", lambda: _isolated_status(backend, arn)) == "SUCCEEDED"
    assert time.monotonic() - began >= 1.0, "a wait is never shorter than its seconds"


def test_expire_waits_for_the_wait_and_names_where_the_execution_is_instead():
    backend, arn = _isolated_start(_wait_machine(HOUR))
    listed = _until("the wait to start", lambda: stepfunctions_waits.waits(arn))
    assert [(wait.state, wait.kind) for wait in listed] == [("Hold", "wait")]

    with pytest.raises(TimeoutError, match=r"did not wait in Elsewhere within 0.2 s \(it waits in Hold\)"):
        stepfunctions_waits.expire(arn, "Elsewhere", timeout=0.2)

    stepfunctions_waits.expire(arn, timeout=30)
    assert _until("the execution to end", lambda: _isolated_status(backend, arn)) == "SUCCEEDED"
    with pytest.raises(TimeoutError, match="did not wait in any state"):
        stepfunctions_waits.expire(arn, timeout=0.2)  # a wait is ended once; nothing waits any more


# ----------------------------------------------------------------------------- task tokens, on the runtime
@pytest.fixture
def token_machine(runtime: LocalRuntime) -> Any:
    sfn = runtime.client("stepfunctions")
    role = sfn.describe_state_machine(stateMachineArn=runtime.outputs["EscalationStateMachineArn"])["roleArn"]
    notify = runtime.client("lambda").get_function(FunctionName=runtime.resources["NotifyFunction"])

    def create(timeout_seconds: int) -> str:
        return str(
            sfn.create_state_machine(
                name=f"tokens-{uuid.uuid4().hex[:8]}",
                definition=_token_machine(notify["Configuration"]["FunctionArn"], timeout_seconds),
                roleArn=role,
            )["stateMachineArn"]
        )

    return create


def _start_and_get_token(runtime: LocalRuntime, machine_arn: str) -> tuple[str, str]:
    incident = {"id": f"inc-{uuid.uuid4().hex[:8]}", "severity": "critical"}
    mark = len(runtime.outbox)
    arn = runtime.client("stepfunctions").start_execution(
        stateMachineArn=machine_arn, input=json.dumps(incident)
    )["executionArn"]
    email = runtime.outbox.wait_for(
        lambda message: message["protocol"] == "email" and incident["id"] in message["subject"],
        timeout=30,
        since=mark,
    )
    return str(arn), email["message"].split("token=", 1)[1].strip()


def _history(runtime: LocalRuntime, arn: str) -> list[dict[str, Any]]:
    return list(runtime.client("stepfunctions").get_execution_history(executionArn=arn)["events"])


def _late_answer_error(runtime: LocalRuntime, token: str) -> str:
    with pytest.raises(ClientError) as raised:
        runtime.client("stepfunctions").send_task_success(taskToken=token, output="{}")
    return str(raised.value.response["Error"]["Code"])


def test_expire_wait_times_a_task_out_and_a_late_answer_is_refused(runtime: LocalRuntime, token_machine: Any):
    arn, token = _start_and_get_token(runtime, token_machine(HOUR))

    ended = runtime.stepfunctions.expire_wait(arn, state="Notify And Wait")

    assert (ended.kind, ended.seconds) == ("task", HOUR)
    held = _until("the Catch to move on", lambda: _waits_after_the_task(runtime, arn))
    assert [wait.state for wait in held] == ["Hold"], "the Catch took over, as after a real timeout"
    events = _history(runtime, arn)
    timed_out = [event for event in events if event["type"] == "TaskTimedOut"]
    assert len(timed_out) == 1 and timed_out[0]["taskTimedOutEventDetails"]["error"] == "States.Timeout"
    assert _late_answer_error(runtime, token) == "TaskTimedOut", "as in AWS, not a silent success"

    runtime.stepfunctions.expire_wait(arn, state="Hold")
    sfn = runtime.client("stepfunctions")
    done = _until(
        "the execution to end",
        lambda: (d := sfn.describe_execution(executionArn=arn)) and d["status"] != "RUNNING" and d,
    )
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"])["outcome"] == "timed-out"
    assert json.loads(done["output"])["error"]["Error"] == "States.Timeout"


def test_a_task_that_times_out_on_its_own_refuses_a_late_answer_too(
    runtime: LocalRuntime, token_machine: Any
) -> None:
    """A one-second timeout: it fires while the task waits, or even before its Lambda returned (moto
    starts the clock before the invocation, as AWS does). The token is closed either way."""
    arn, token = _start_and_get_token(runtime, token_machine(1))
    _until("the Catch to move on", lambda: [w for w in runtime.stepfunctions.waits(arn) if w.state == "Hold"])
    assert "TaskTimedOut" in [event["type"] for event in _history(runtime, arn)]
    assert _late_answer_error(runtime, token) == "TaskTimedOut"
    runtime.stepfunctions.expire_wait(arn, state="Hold")


def test_an_answer_in_time_is_taken_and_a_second_one_is_refused(runtime: LocalRuntime, token_machine: Any):
    arn, token = _start_and_get_token(runtime, token_machine(HOUR))
    sfn = runtime.client("stepfunctions")
    sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True}))
    held = _until("the next state", lambda: _waits_after_the_task(runtime, arn))
    assert [wait.state for wait in held] == ["Decided Hold"], "the answer was taken: nothing left to expire"
    assert _late_answer_error(runtime, token) == "TaskTimedOut", "a task answers once, as in AWS"

    runtime.stepfunctions.expire_wait(arn, state="Decided Hold")
    done = _until(
        "the execution to end",
        lambda: (d := sfn.describe_execution(executionArn=arn)) and d["status"] != "RUNNING" and d,
    )
    assert json.loads(done["output"])["outcome"] == "decided"
    assert json.loads(done["output"])["decision"] == {"approved": True}
    assert _late_answer_error(runtime, token) == "InvalidToken", "no running execution knows it any more"
