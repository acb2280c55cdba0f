"""Self-test: an `Event` invocation returns at once (202) and runs in the background, as in AWS, and a
failing one is retried and then recorded in its on-failure destination.

moto 5.2.5 runs it inside the Invoke request, so fan-out would serialise every fetch, and it has no
retries or destinations for asynchronous invocations.
"""

from __future__ import annotations

import inspect
import json
import re
import uuid
from pathlib import Path

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.patches import _patching, lambda_async_invoke

from .helpers import zip_bytes


def test_moto_alone_still_invokes_events_inline():
    """The reason for the patch; if this fails, moto changed and the patch may go."""
    original = _patching.original(*lambda_async_invoke.TARGET)
    assert list(inspect.signature(original).parameters) == [
        "self",
        "body",
        "request_headers",
        "response_headers",
    ]
    assert "self._invoke_lambda(event=body)" in inspect.getsource(original)


BLOCKER = """
import os
import time


def handler(event, context):
    while not os.path.exists(event["release"]):  # runs until the test lets it finish
        time.sleep(0.01)
    return {"released": True}
"""


def _blocker(runtime: LocalRuntime) -> str:
    """A function that runs until a file exists (a minute at most: that only bounds a hang)."""
    suffix = uuid.uuid4().hex[:8]
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    role = runtime.client("iam").create_role(RoleName=f"blocker-{suffix}", AssumeRolePolicyDocument=trust)
    function = runtime.client("lambda").create_function(
        FunctionName=f"blocker-{suffix}",
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="app.handler",
        Code={"ZipFile": zip_bytes({"app.py": BLOCKER})},
        Timeout=60,
    )
    return str(function["FunctionName"])


def test_an_event_invocation_returns_before_the_function_finishes(runtime: LocalRuntime, tmp_path: Path):
    client = runtime.client("lambda")
    function = _blocker(runtime)
    release = tmp_path / "release"
    responses = [
        client.invoke(
            FunctionName=function,
            InvocationType="Event",
            Payload=json.dumps({"release": str(release)}),
        )
        for _ in range(3)
    ]
    assert [response["StatusCode"] for response in responses] == [202, 202, 202]
    assert lambda_async_invoke.in_flight() >= 1, "the invocations must still be running in the background"
    release.touch()
    lambda_async_invoke.wait_until_idle(timeout=60)
    assert lambda_async_invoke.in_flight() == 0


def test_a_request_response_invocation_still_waits(runtime: LocalRuntime):
    payload, errored, _logs = runtime.invoke("ProbeFunction", {"action": "echo", "n": 7})
    assert not errored and isinstance(payload, dict) and payload["event"]["n"] == 7


def _drain(runtime: LocalRuntime, output: str) -> list[dict]:
    """Every message in the queue, deleted as read."""
    sqs = runtime.client("sqs")
    url = runtime.outputs[output]
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_a_failing_event_is_retried_then_its_record_goes_to_the_on_failure_queue(runtime: LocalRuntime):
    _drain(runtime, "AsyncDeadLetterQueueUrl")
    event = {"action": "raise", "message": f"no luck {uuid.uuid4().hex[:6]}"}
    before = dict(lambda_async_invoke.STATS)
    runtime.client("lambda").invoke(
        FunctionName=runtime.resources["ProbeFunction"], InvocationType="Event", Payload=json.dumps(event)
    )
    lambda_async_invoke.wait_until_idle(timeout=60)

    [record] = _drain(runtime, "AsyncDeadLetterQueueUrl")
    function_arn = runtime.client("lambda").get_function(FunctionName=runtime.resources["ProbeFunction"])[
        "Configuration"
    ]["FunctionArn"]
    # The shape of AWS's record ("Capturing records of Lambda asynchronous invocations").
    assert set(record) == {
        "version",
        "timestamp",
        "requestContext",
        "requestPayload",
        "responseContext",
        "responsePayload",
    }
    assert record["version"] == "1.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"])
    context = record["requestContext"]
    assert context["functionArn"] == f"{function_arn}:$LATEST"
    assert context["condition"] == "RetriesExhausted"
    assert context["approximateInvokeCount"] == 2  # MaximumRetryAttempts: 1 in the template
    log = runtime.state_dir / "logs" / f"{runtime.resources['ProbeFunction']}.log"
    assert f"START RequestId: {context['requestId']}" in log.read_text()
    assert record["requestPayload"] == event
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorType"] == "ProbeError"
    assert record["responsePayload"]["errorMessage"] == event["message"]
    after = lambda_async_invoke.STATS
    assert after["failed"] - before["failed"] == 2 and after["retried"] - before["retried"] == 1
    assert after["dead_lettered"] - before["dead_lettered"] == 1


def test_a_successful_event_sends_nothing_to_the_queue(runtime: LocalRuntime):
    _drain(runtime, "AsyncDeadLetterQueueUrl")
    runtime.client("lambda").invoke(
        FunctionName=runtime.resources["ProbeFunction"], InvocationType="Event", Payload=b'{"action": "echo"}'
    )
    lambda_async_invoke.wait_until_idle(timeout=60)
    assert _drain(runtime, "AsyncDeadLetterQueueUrl") == []
