"""Patch: the Step Functions engine's waits end when a caller says the time ran out, and a task token
whose wait timed out answers ``TaskTimedOut``, as in AWS.

moto's engine waits in real time: a ``waitForTaskToken`` task blocks in ``CallbackEndpoint.wait(timeout)``
and a Wait state in ``env.program_state_event.wait(seconds)``, and nothing outside can end either early.
A test of silence had to sit out the policy's time, and a test of an answer had to answer before that
time ran out: on a busy machine both raced it. With this patch:

* every such wait is registered (execution ARN, state name, kind, seconds) while it lasts, and
  ``expire(execution_arn)`` ends the execution's current wait now, exactly as if its time had run out:
  the task fails with ``States.Timeout`` (``TaskTimedOut`` in the history) and its Catch takes over; a
  Wait state moves on to its next state. Waits nobody expires still end on their own, on time;
* a task token is closed once its task is over (it timed out, by itself or by ``expire``, even
  while its Lambda was still starting; or it was answered): a late SendTaskSuccess/Failure/Heartbeat
  answers ``TaskTimedOut`` as in AWS. moto 5.2.5 keeps the token's endpoint and quietly accepts the
  late answer while the execution runs on, so a decision made just after a timeout vanished without
  an error.

Heartbeat waits (``HeartbeatSeconds``) are left to moto and cannot be expired.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import (
    CallbackConsumerTimeout,
    CallbackOutcomeTimedOut,
    CallbackPoolManager,
    HeartbeatTimedOut,
)

from ..constants import get_logger
from . import _patching

LOG = get_logger("stepfunctions.waits")
TASK_WAIT = (state_task_service_callback.StateTaskServiceCallback, "_eval_wait_for_task_token")
TASK_STATE = (state_task_service_callback.StateTaskServiceCallback, "_eval_state")
"""Inherited from ExecutionState: every attempt of the task, its retries and its Catch."""
WAIT_STATE = (WaitFunction, "_wait_interval")
NOTIFY = (CallbackPoolManager, "notify")
HEARTBEAT = (CallbackPoolManager, "heartbeat")
POLL_SECONDS = 0.2
"""How soon a wait notices that its execution stopped or that its task's own timeout fired."""

TASK = "task"
"""A ``waitForTaskToken`` task waiting for its token (its TimeoutSeconds)."""
WAIT = "wait"
"""A Wait state."""


@dataclass(frozen=True)
class Wait:
    """One wait of an execution: where it waits and how long it would last on its own."""

    execution_arn: str
    state: str
    kind: str
    """``task`` (a task token's timeout) or ``wait`` (a Wait state)."""
    seconds: float
    started_at: datetime


class _Entry:
    def __init__(self, wait: Wait) -> None:
        self.wait = wait
        self.ended = threading.Event()
        self.claimed = False
        """An ``expire`` call took this wait (no other call takes it)."""
        self.result: str | None = None
        """``timed_out`` or ``answered`` once the wait is over."""
        self.wake: Any = None


_LOCK = threading.Condition()
_ACTIVE: list[_Entry] = []
_TOKENS = threading.Lock()
"""Serialises a task's timing out with answers to its token: an answer is taken or refused, never lost."""
STATS = {"expired": 0}


class TaskTimedOutError(AWSError):
    """The API's answer to a late SendTask* (moto's own ``TaskTimedOut()`` cannot be raised: it lacks
    the message its base class requires, and the request ends in a TypeError and a 500)."""

    TYPE = "TaskTimedOut"
    STATUS = 400


def _register(env: Any, kind: str, seconds: float) -> _Entry:
    context = env.states.context_object.context_object_data
    wait = Wait(
        execution_arn=str(context["Execution"]["Id"]),
        state=str(context["State"]["Name"]),
        kind=kind,
        seconds=float(seconds),
        started_at=datetime.now(UTC),
    )
    entry = _Entry(wait)
    with _LOCK:
        _ACTIVE.append(entry)
        _LOCK.notify_all()
    return entry


def _finish(entry: _Entry, result: str) -> None:
    with _LOCK:
        entry.result = result
        if entry in _ACTIVE:
            _ACTIVE.remove(entry)
        _LOCK.notify_all()


def _eval_wait_for_task_token(
    self: Any, env: Any, timeout_seconds: int, callback_endpoint: Any, heartbeat_endpoint: Any
) -> Any:
    if heartbeat_endpoint is not None:
        outcome = _patching.original(*TASK_WAIT)(
            self, env, timeout_seconds, callback_endpoint, heartbeat_endpoint
        )
        if isinstance(outcome, HeartbeatTimedOut):
            with _TOKENS:
                callback_endpoint.report(CallbackConsumerTimeout())
        return outcome
    # moto: `outcome = callback_endpoint.wait(timeout)`, None meaning timed out. The same wait, in slices,
    # so that an `expire` or the end of this task's frame (its own timeout, which moto fires from the
    # state around this wait) ends it at once.
    entry = _register(env, TASK, timeout_seconds)
    entry.wake = callback_endpoint.interrupt_all
    outcome = None
    try:
        deadline = time.monotonic() + timeout_seconds
        while outcome is None and not entry.ended.is_set() and env.is_running():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            outcome = callback_endpoint.wait(timeout=min(remaining, POLL_SECONDS))
        with _TOKENS:  # an answer either arrived before this (and counts) or is refused as too late
            outcome = outcome or callback_endpoint.get_outcome()
            if outcome is None:
                callback_endpoint.report(CallbackConsumerTimeout())
    finally:
        _finish(entry, "answered" if outcome is not None else "timed_out")
    return outcome or CallbackOutcomeTimedOut(callback_id=callback_endpoint.callback_id)


def _eval_callback_state(self: Any, env: Any) -> None:
    # moto's callback task creates its token (`update_task_token`) before evaluating the state; once
    # every attempt is over, however it ended, nobody can answer that token any more.
    task = env.states.context_object.context_object_data.get("Task") or {}
    token = task.get("Token") if self.resource.condition == ResourceCondition.WaitForTaskToken else None
    try:
        _patching.original(*TASK_STATE)(self, env)
    finally:
        endpoint = env.callback_pool_manager.get(token) if token else None
        if endpoint is not None:
            with _TOKENS:
                if endpoint.consumer_error is None:
                    endpoint.report(CallbackConsumerTimeout())


def _wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
    # moto: `env.program_state_event.wait(wait_seconds)`, waiting again after an unrelated wake-up while
    # the execution runs. The same, in slices, ending early on `expire`.
    if wait_seconds <= 0:
        return
    entry = _register(env, WAIT, wait_seconds)
    entry.wake = entry.ended.set
    try:
        deadline = time.monotonic() + wait_seconds
        while env.is_running() and not entry.ended.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            entry.ended.wait(min(remaining, POLL_SECONDS))
    finally:
        _finish(entry, "timed_out" if env.is_running() else "stopped")


def _refuse_timed_out(pool: Any, callback_id: str) -> None:
    endpoint = pool.get(callback_id)
    if endpoint is not None and isinstance(endpoint.consumer_error, CallbackConsumerTimeout):
        raise TaskTimedOutError("Task Timed Out: 'Provided task does not exist anymore'")  # as AWS says


def _notify(self: Any, callback_id: str, outcome: Any) -> bool:
    with _TOKENS:
        _refuse_timed_out(self, callback_id)
        return bool(_patching.original(*NOTIFY)(self, callback_id, outcome))


def _heartbeat(self: Any, callback_id: str) -> bool:
    with _TOKENS:
        _refuse_timed_out(self, callback_id)
        return bool(_patching.original(*HEARTBEAT)(self, callback_id))


# ---------------------------------------------------------------------- what the runtime offers
def waits(execution_arn: str | None = None) -> list[Wait]:
    """The waits in progress (of one execution, or all), oldest first; expired ones are left out."""
    with _LOCK:
        return [
            entry.wait
            for entry in _ACTIVE
            if not entry.claimed and execution_arn in (None, entry.wait.execution_arn)
        ]


def expire(execution_arn: str, state: str | None = None, timeout: float = 30.0) -> Wait:
    """End the execution's wait (in ``state``, if given) now, as if its time had run out.

    The execution may not be waiting yet (the task that sends a message is still finishing, say): this
    waits up to ``timeout`` seconds for it to. Returns once the wait is over, with the wait it ended.
    Each wait is ended once: call again for the next one (a reminder's wait, the next tier's). A task
    that was answered at the same moment stays answered; the next wait is taken instead.
    """
    deadline = time.monotonic() + timeout
    with _LOCK:
        while True:
            found = [
                entry
                for entry in _ACTIVE
                if entry.wait.execution_arn == execution_arn
                and not entry.claimed
                and state in (None, entry.wait.state)
            ]
            if len(found) > 1:
                names = ", ".join(sorted({entry.wait.state for entry in found}))
                raise ValueError(f"{execution_arn} waits in more than one place ({names}): name the state")
            if found:
                entry = found[0]
                entry.claimed = True
                entry.ended.set()
                entry.wake()
                while entry.result is None:
                    _LOCK.wait(POLL_SECONDS)
                if entry.result == "timed_out":
                    STATS["expired"] += 1
                    LOG.info("expired the wait of %s in %r", execution_arn, entry.wait.state)
                    return entry.wait
                continue  # answered (or stopped) just before: not a wait any more
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                elsewhere = sorted({e.wait.state for e in _ACTIVE if e.wait.execution_arn == execution_arn})
                where = f" (it waits in {', '.join(elsewhere)})" if elsewhere else ""
                raise TimeoutError(
                    f"{execution_arn} did not wait in {state or 'any state'} within {timeout:g} s{where}"
                )
            _LOCK.wait(remaining)


def apply() -> None:
    _patching.replace(*TASK_WAIT, _eval_wait_for_task_token)
    _patching.replace(*TASK_STATE, _eval_callback_state)
    _patching.replace(*WAIT_STATE, _wait_interval)
    _patching.replace(*NOTIFY, _notify)
    _patching.replace(*HEARTBEAT, _heartbeat)
