"""Patch: `InvocationType=Event` returns at once and runs in the background, as in AWS.

moto 5.2.5 runs an asynchronous invocation synchronously inside the Invoke request, so a function that
fans out (one `Event` invocation per source) waits for every fetch in turn, and a slow source delays
the others: the very thing fan-out exists to prevent. Background invocations go to a bounded thread
pool; `wait_until_idle` lets tests and replays wait for them. As `EventInvokeConfig` retries are not
emulated, a failed asynchronous invocation is logged and counted, not retried.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from moto.awslambda.models import LambdaFunction

from ..constants import get_logger
from . import _patching

LOG = get_logger("lambda.async")
TARGET = (LambdaFunction, "invoke")
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="lambda-event")
_LOCK = threading.Condition()
_IN_FLIGHT: set[Future[Any]] = set()
STATS = {"submitted": 0, "failed": 0}


def _finished(future: Future[Any]) -> None:
    with _LOCK:
        _IN_FLIGHT.discard(future)
        if future.exception() is not None:
            STATS["failed"] += 1
            LOG.warning("asynchronous invocation failed: %s", future.exception())
        _LOCK.notify_all()


def _invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
    original = _patching.original(*TARGET)
    if str(request_headers.get("x-amz-invocation-type", "")).lower() != "event":
        return original(self, body, request_headers, response_headers)  # type: ignore[no-any-return]
    with _LOCK:
        STATS["submitted"] += 1
        future = _POOL.submit(original, self, body, dict(request_headers), {})
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
