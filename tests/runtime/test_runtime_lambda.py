"""Functions deployed from the SAM template, invoked through moto's Lambda API."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch_ops.runtime import LocalRuntime

pytestmark = pytest.mark.runtime


def test_a_function_sees_lambdas_environment_its_variables_and_its_layers(runtime: LocalRuntime):
    payload, errored, logs = runtime.invoke("ProbeFunction", {"action": "echo", "n": 1})
    assert not errored and isinstance(payload, dict)
    env = payload["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == runtime.resources["ProbeFunction"]
    assert env["AWS_ENDPOINT_URL"] == runtime.endpoint_url
    assert (env["AWS_REGION"], env["AWS_DEFAULT_REGION"], env["_HANDLER"]) == (
        "us-east-1",
        "us-east-1",
        "app.lambda_handler",
    )
    assert (
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and env["STAGE"] == "dev" and env["IS_PROD"] == "no"
    )
    assert env["MENTIONS_TABLE"] == runtime.outputs["MentionsTableName"]
    assert env["SECRET_ARN"] == runtime.outputs["AppSecretArn"]
    assert env["STATE_MACHINE_ARN"] == runtime.outputs["EscalationStateMachineArn"]
    assert (
        env["API_ID"] == runtime.resources["ApprovalApi"] and env["CONFIG_PARAMETER"] == "/crisiswatch/config"
    )
    assert payload["layer"] == "fixture-core-layer"  # imported from CoreLayer's python/
    assert payload["words"] == ["calm", "crisis", "outage"]  # WORDS_FILE=/opt/data/words.txt, from DataLayer
    assert Path(env["WORDS_FILE"]).parts[-2:] == ("data", "words.txt")
    context = payload["context"]
    assert context["invoked_function_arn"].endswith(f":function:{runtime.resources['ProbeFunction']}")
    assert 0 < context["remaining_ms"] <= 2000
    assert "probe action=echo" in logs and "probe logging action=echo" in logs


def test_warm_invocations_reuse_the_same_environment(runtime: LocalRuntime):
    first, _, _ = runtime.invoke("ProbeFunction", {})
    second, _, logs = runtime.invoke(runtime.resources["ProbeFunction"], {})
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["pid"] == second["pid"] == second["init_pid"]
    assert "Init Duration" not in logs


def test_a_function_timeout_is_reported_like_aws(runtime: LocalRuntime):
    payload, errored, logs = runtime.invoke("ProbeFunction", {"action": "sleep", "seconds": 5})
    assert errored and isinstance(payload, dict)
    assert payload["errorType"] == "Sandbox.Timedout"
    assert payload["errorMessage"].endswith("Task timed out after 2.00 seconds")
    assert "Task timed out" in logs


def test_an_exception_becomes_its_error_type(runtime: LocalRuntime):
    payload, errored, logs = runtime.invoke("ProbeFunction", {"action": "raise", "message": "nope"})
    assert errored and isinstance(payload, dict)
    assert (payload["errorType"], payload["errorMessage"]) == ("ProbeError", "nope")
    assert payload["stackTrace"] and "[ERROR] ProbeError: nope" in logs


def test_a_crashing_process_is_a_runtime_exit_error(runtime: LocalRuntime):
    payload, errored, _ = runtime.invoke("ProbeFunction", {"action": "exit"})
    assert errored and isinstance(payload, dict) and payload["errorType"] == "Runtime.ExitError"
    after, errored_after, _ = runtime.invoke("ProbeFunction", {})
    assert not errored_after and isinstance(after, dict)


def test_full_logs_are_kept_per_function(runtime: LocalRuntime):
    runtime.invoke("ProbeFunction", {"action": "echo", "marker": "find-me"})
    log_file = runtime.state_dir / "logs" / f"{runtime.resources['ProbeFunction']}.log"
    assert "probe action=echo" in log_file.read_text()
    events = runtime.client("logs").filter_log_events(
        logGroupName=f"/aws/lambda/{runtime.resources['ProbeFunction']}"
    )
    assert any("probe action=echo" in event["message"] for event in events["events"])
