"""Patch: `InvocationType=Event` returns at once and runs in the background, as in AWS, with the
function's event invoke config: retries, then the on-failure destination.

moto 5.2.5 runs an asynchronous invocation synchronously inside the Invoke request, so a function that
fans out (one `Event` invocation per source) waits for every fetch in turn, and a slow source delays
the others: the very thing fan-out exists to prevent. Background invocations go to a bounded thread
pool; `wait_until_idle` lets tests and replays wait for them (retries and the destination included).

A failed invocation (a function error, or the runner failing) is retried up to the function's
`MaximumRetryAttempts` (PutFunctionEventInvokeConfig, or the template's `EventInvokeConfig`; 2 when
unset, as in AWS), then its invocation record (the original event as `requestPayload`, the error as
`responsePayload`) goes to `DestinationConfig.OnFailure` if one is set. Unlike AWS, retries follow at
once (AWS waits about one, then two minutes), `MaximumEventAgeInSeconds` is not applied, and an
`OnSuccess` destination is not notified.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from moto.awslambda.models import LambdaFunction, lambda_backends

from .. import destinations
from ..constants import get_logger
from . import _patching, lambda_invoke

LOG = get_logger("lambda.async")
TARGET = (LambdaFunction, "invoke")
#: AWS's default when a function has no event invoke config.
DEFAULT_RETRIES = 2
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="lambda-event")
_LOCK = threading.Condition()
_IN_FLIGHT: set[Future[Any]] = set()
STATS = {"submitted": 0, "failed": 0, "retried": 0, "dead_lettered": 0, "destination_errors": 0}


def _finished(future: Future[Any]) -> None:
    with _LOCK:
        _IN_FLIGHT.discard(future)
        if future.exception() is not None:
            LOG.warning("asynchronous invocation broke down: %s", future.exception())
        _LOCK.notify_all()


def _count(key: str) -> None:
    with _LOCK:
        STATS[key] += 1


def event_invoke_config(function: Any) -> dict[str, Any]:
    """The function's event invoke config as GetFunctionEventInvokeConfig returns it ({} if none)."""
    backend = lambda_backends[function.account_id][function.region]
    try:
        config: dict[str, Any] = backend.get_function_event_invoke_config(function.function_name)
    except Exception:  # UnknownEventConfig: none set
        return {}
    return config


def _run(function: Any, body: str, request_headers: dict[str, Any]) -> None:
    """One event, as Lambda's async queue handles it: attempts, then the on-failure destination."""
    original = _patching.original(*TARGET)
    config = event_invoke_config(function)
    retries = config.get("MaximumRetryAttempts")
    attempts = 1 + (DEFAULT_RETRIES if retries is None else int(retries))
    payload: Any = None
    request_id = ""
    for attempt in range(1, attempts + 1):
        response_headers: dict[str, Any] = {}
        try:
            result = original(function, body, dict(request_headers), response_headers)
            errored = bool(response_headers.get("x-amz-function-error"))
            payload = result.decode("utf-8") if isinstance(result, bytes) else result
        except Exception as error:  # the invocation itself broke down: Lambda would retry it too
            errored = True
            payload = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)})
        request_id = lambda_invoke.last_request_id() or request_id
        if not errored:
            return
        _count("failed")
        LOG.warning("%s: asynchronous invocation %d of %d failed", function.function_name, attempt, attempts)
        if attempt < attempts:
            _count("retried")
    destination = destinations.on_failure_destination(config.get("DestinationConfig"))
    if destination is None:
        return
    record = destinations.async_failure_record(
        function_arn=_qualified(function.function_arn),
        request_id=request_id,
        invoke_count=attempts,
        request_payload=_json_or_text(body),
        response_payload=_json_or_text(payload),
    )
    try:
        destinations.send(destination, record)
    except destinations.DestinationError as error:
        _count("destination_errors")
        LOG.warning("%s: %s", function.function_name, error)
        return
    _count("dead_lettered")


def _qualified(arn: str) -> str:
    return arn if arn.count(":") >= 7 else f"{arn}:$LATEST"


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value) if value else {}
    except ValueError:
        return value


def _invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
    original = _patching.original(*TARGET)
    if str(request_headers.get("x-amz-invocation-type", "")).lower() != "event":
        return original(self, body, request_headers, response_headers)  # type: ignore[no-any-return]
    with _LOCK:
        STATS["submitted"] += 1
        future = _POOL.submit(_run, self, body, dict(request_headers))
        _IN_FLIGHT.add(future)
    future.add_done_callback(_finished)
    return b""


def in_flight() -> int:
    with _LOCK:
        return len(_IN_FLIGHT)


def wait_until_idle(timeout: float = 30.0) -> None:
    """Return once no asynchronous invocation is running; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with _LOCK:
        while _IN_FLIGHT:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(_IN_FLIGHT)} asynchronous invocation(s) still running")
            _LOCK.wait(remaining)


def apply() -> None:
    _patching.replace(*TARGET, _invoke)
