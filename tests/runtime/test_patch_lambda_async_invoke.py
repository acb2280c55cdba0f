"""Self-test: an `Event` invocation returns at once (202) and runs in the background, as in AWS.

moto 5.2.5 runs it inside the Invoke request, so fan-out would serialise every fetch.
"""

from __future__ import annotations

import inspect
import json

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.patches import _patching, lambda_async_invoke


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


def test_an_event_invocation_returns_before_the_function_finishes(runtime: LocalRuntime):
    client = runtime.client("lambda")
    function = runtime.resources["ProbeFunction"]
    runtime.invoke("ProbeFunction", {"action": "echo"})  # warm a worker so timing is the function's own
    responses = [
        client.invoke(
            FunctionName=function,
            InvocationType="Event",
            Payload=json.dumps({"action": "sleep", "seconds": 1.5}),
        )
        for _ in range(3)
    ]
    assert [response["StatusCode"] for response in responses] == [202, 202, 202]
    assert lambda_async_invoke.in_flight() >= 1, "the invocations must still be running in the background"
    lambda_async_invoke.wait_until_idle(timeout=30)
    assert lambda_async_invoke.in_flight() == 0


def test_a_request_response_invocation_still_waits(runtime: LocalRuntime):
    payload, errored, _logs = runtime.invoke("ProbeFunction", {"action": "echo", "n": 7})
    assert not errored and isinstance(payload, dict) and payload["event"]["n"] == 7
