"""EventBridge schedules that fire: moto stores rules with a ``ScheduleExpression`` but never runs them.

A thread reads the default bus's scheduled rules through the Events API and, when one is due on a
virtual clock, sends each target the event EventBridge would: a "Scheduled Event" (or the
target's ``Input``/``InputPath``/``InputTransformer`` result). Lambda targets are invoked through
moto's Lambda API (so the warm workers run them); Step Functions, SNS and SQS targets work too.

The clock has a ``speedup`` (60 = a ``rate(1 minute)`` rule fires every wall-clock second, and
the events' ``time`` advances in virtual time), a settable time, ``pause``/``resume``, and
:meth:`Scheduler.tick` fires now, synchronously, returning what each target returned. Disabled
rules never fire. A ``rate`` rule first fires one period after the scheduler first sees it.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from jsonpath_ng.ext.parser import parse as jsonpath
from moto.events.utils import EventTemplateParser

from .constants import ACCOUNT_ID, REGION, get_logger
from .schedule_expressions import Schedule, ScheduleExpressionError, parse
from .server import make_client

LOG = get_logger("scheduler")

#: After falling this many firings behind (a paused debugger, a huge speedup), skip ahead.
MAX_CATCH_UP = 10
#: Longest the loop sleeps, so pause/resume/speedup changes and new rules are seen promptly.
MAX_SLEEP_SECONDS = 0.25
REFRESH_SECONDS = 2.0


class VirtualClock:
    """UTC time that runs ``speedup`` times faster than the wall clock and can be paused or set."""

    def __init__(self, start: datetime | None = None, speedup: float = 1.0) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        self._lock = threading.Lock()
        self._base_virtual = (start or datetime.now(UTC)).astimezone(UTC)
        self._base_real = time.monotonic()
        self._speedup = float(speedup)
        self._paused = False

    def _now_locked(self) -> datetime:
        if self._paused:
            return self._base_virtual
        elapsed = (time.monotonic() - self._base_real) * self._speedup
        return self._base_virtual + timedelta(seconds=elapsed)

    def _rebase_locked(self) -> None:
        self._base_virtual = self._now_locked()
        self._base_real = time.monotonic()

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._base_virtual = moment.astimezone(UTC)
            self._base_real = time.monotonic()

    @property
    def speedup(self) -> float:
        with self._lock:
            return self._speedup

    @speedup.setter
    def speedup(self, value: float) -> None:
        if value <= 0:
            raise ValueError("speedup must be positive")
        with self._lock:
            self._rebase_locked()
            self._speedup = float(value)

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    def pause(self) -> None:
        with self._lock:
            if not self._paused:
                self._rebase_locked()
                self._paused = True

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._base_real = time.monotonic()
                self._paused = False

    def real_seconds_until(self, moment: datetime) -> float:
        """Wall-clock seconds until virtual ``moment`` (infinite while paused)."""
        with self._lock:
            if self._paused:
                return float("inf")
            return max((moment - self._now_locked()).total_seconds() / self._speedup, 0.0)


@dataclass(frozen=True)
class FireResult:
    """One target's delivery: what was sent and what came back."""

    rule_name: str
    target_id: str
    target_arn: str
    scheduled_time: str
    event: Any
    payload: Any
    errored: bool
    logs: str = ""


@dataclass
class ScheduledRule:
    name: str
    arn: str
    expression: str
    enabled: bool
    schedule: Schedule | None
    targets: list[dict[str, Any]] = field(default_factory=list)
    next_due: datetime | None = None
    error: str | None = None


class Scheduler:
    """Fires the scheduled rules of moto's default event bus on a virtual clock."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        clock: VirtualClock | None = None,
        resolve_name: Callable[[str], str] | None = None,
        history_size: int = 1000,
    ) -> None:
        self.clock = clock or VirtualClock()
        self._resolve_name = resolve_name or (lambda name: name)
        self._events = make_client(endpoint_url, "events")
        self._lambda = make_client(
            endpoint_url, "lambda", read_timeout=960, retries={"total_max_attempts": 1}
        )
        self._sfn = make_client(endpoint_url, "stepfunctions")
        self._sns = make_client(endpoint_url, "sns")
        self._sqs = make_client(endpoint_url, "sqs")
        self._lock = threading.RLock()
        self._rules: dict[str, ScheduledRule] = {}
        self._last_refresh = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="scheduler-fire")
        self.history: deque[FireResult] = deque(maxlen=history_size)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self.refresh()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._executor.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ clock controls
    def pause(self) -> None:
        self.clock.pause()
        self._wake.set()

    def resume(self) -> None:
        self.clock.resume()
        self._wake.set()

    @property
    def speedup(self) -> float:
        return self.clock.speedup

    @speedup.setter
    def speedup(self, value: float) -> None:
        self.clock.speedup = value
        self._wake.set()

    def set_time(self, moment: datetime) -> None:
        """Jump the virtual clock; pending firings are recomputed from the new time."""
        self.clock.set(moment)
        with self._lock:
            for rule in self._rules.values():
                rule.next_due = self._first_due(rule.schedule) if rule.schedule else None
        self._wake.set()

    # ------------------------------------------------------------------ rules
    def refresh(self) -> None:
        """Re-read the scheduled rules and their targets from the Events API."""
        found: dict[str, dict[str, Any]] = {}
        for page in self._events.get_paginator("list_rules").paginate(EventBusName="default"):
            for rule in page.get("Rules", []):
                if rule.get("ScheduleExpression"):
                    found[rule["Name"]] = rule
        with self._lock:
            for name in list(self._rules):
                if name not in found:
                    del self._rules[name]
            for name, description in found.items():
                targets = self._events.list_targets_by_rule(Rule=name, EventBusName="default").get(
                    "Targets", []
                )
                expression = description["ScheduleExpression"]
                enabled = description.get("State", "ENABLED") == "ENABLED"
                current = self._rules.get(name)
                if current is not None and current.expression == expression:
                    current.targets, current.enabled = targets, enabled
                    continue
                try:
                    schedule: Schedule | None = parse(expression)
                    error = None
                except ScheduleExpressionError as problem:
                    schedule, error = None, str(problem)
                    LOG.warning("rule %s will not fire: %s", name, problem)
                self._rules[name] = ScheduledRule(
                    name=name,
                    arn=description["Arn"],
                    expression=expression,
                    enabled=enabled,
                    schedule=schedule,
                    targets=targets,
                    next_due=self._first_due(schedule) if schedule else None,
                    error=error,
                )
            self._last_refresh = time.monotonic()

    def rules(self) -> list[ScheduledRule]:
        with self._lock:
            return list(self._rules.values())

    def _first_due(self, schedule: Schedule | None) -> datetime | None:
        return schedule.next_after(self.clock.now()) if schedule else None

    def _find(self, name: str) -> ScheduledRule:
        with self._lock:
            candidates = [name, self._resolve_name(name), name.rsplit("/", 1)[-1]]
            for candidate in candidates:
                if candidate in self._rules:
                    return self._rules[candidate]
        raise KeyError(f"no scheduled rule named {name}")

    # ------------------------------------------------------------------ firing
    def tick(self, rule_name: str | None = None, at: datetime | None = None) -> list[FireResult]:
        """Fire ``rule_name`` (or every enabled scheduled rule) now, synchronously.

        ``at`` sets the event's ``time`` (default: the virtual clock). A disabled rule fires nothing.
        """
        self.refresh()
        moment = (at or self.clock.now()).astimezone(UTC)
        rules = [self._find(rule_name)] if rule_name is not None else self.rules()
        results: list[FireResult] = []
        for rule in rules:
            if not rule.enabled:
                LOG.info("tick: rule %s is disabled; nothing fires", rule.name)
                continue
            results.extend(self._fire(rule, moment))
        return results

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if time.monotonic() - self._last_refresh >= REFRESH_SECONDS:
                    self.refresh()
                self._fire_due()
            except Exception:
                LOG.warning("scheduler loop error", exc_info=True)
            self._wake.wait(self._sleep_seconds())
            self._wake.clear()

    def _fire_due(self) -> None:
        now = self.clock.now()
        due: list[tuple[ScheduledRule, datetime]] = []
        with self._lock:
            for rule in self._rules.values():
                if rule.schedule is None or rule.next_due is None:
                    continue
                fired = 0
                while rule.next_due is not None and rule.next_due <= now and fired < MAX_CATCH_UP:
                    if rule.enabled:
                        due.append((rule, rule.next_due))
                    fired += 1
                    rule.next_due = rule.schedule.next_after(rule.next_due)
                if rule.next_due is not None and rule.next_due <= now:
                    LOG.info("rule %s fell behind the clock; skipping ahead", rule.name)
                    rule.next_due = rule.schedule.next_after(now)
        for rule, moment in due:
            self._executor.submit(self._fire_logged, rule, moment)

    def _fire_logged(self, rule: ScheduledRule, moment: datetime) -> None:
        try:
            self._fire(rule, moment)
        except Exception:
            LOG.warning("firing %s failed", rule.name, exc_info=True)

    def _sleep_seconds(self) -> float:
        with self._lock:
            upcoming = [rule.next_due for rule in self._rules.values() if rule.enabled and rule.next_due]
        if not upcoming:
            return MAX_SLEEP_SECONDS
        return min(MAX_SLEEP_SECONDS, self.clock.real_seconds_until(min(upcoming)))

    def _fire(self, rule: ScheduledRule, moment: datetime) -> list[FireResult]:
        event = scheduled_event(rule.arn, moment)
        results = [self._deliver(rule, target, event) for target in rule.targets]
        for result in results:
            self.history.append(result)
        return results

    def _deliver(self, rule: ScheduledRule, target: dict[str, Any], event: dict[str, Any]) -> FireResult:
        arn = str(target["Arn"])
        payload_in = target_input(target, event)
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        payload: Any = None
        errored = False
        logs = ""
        try:
            if service == "lambda":
                response = self._lambda.invoke(
                    FunctionName=arn,
                    InvocationType="RequestResponse",
                    Payload=json.dumps(payload_in),
                    LogType="Tail",
                )
                payload = _decode(response["Payload"].read())
                errored = bool(response.get("FunctionError"))
                logs = _log_result(response.get("LogResult"))
            elif service == "states":
                payload = self._sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload_in))[
                    "executionArn"
                ]
            elif service == "sns":
                payload = self._sns.publish(TopicArn=arn, Message=json.dumps(payload_in))["MessageId"]
            elif service == "sqs":
                queue_url = self._sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
                payload = self._sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(payload_in))[
                    "MessageId"
                ]
            else:
                errored, payload = True, f"target type of {arn} is not supported locally"
        except Exception as error:
            errored, payload = True, f"{type(error).__name__}: {error}"
        if errored:
            LOG.warning("rule %s -> %s failed: %s", rule.name, arn, payload)
        return FireResult(
            rule.name, str(target.get("Id", "")), arn, event["time"], payload_in, payload, errored, logs
        )


def scheduled_event(rule_arn: str, moment: datetime) -> dict[str, Any]:
    """The event EventBridge sends for a schedule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


def target_input(target: dict[str, Any], event: dict[str, Any]) -> Any:
    """Apply a target's ``Input``, ``InputPath`` or ``InputTransformer`` to the event."""
    if target.get("Input") is not None:
        return json.loads(target["Input"])
    if target.get("InputPath"):
        matches = jsonpath(target["InputPath"]).find(event)
        return matches[0].value if matches else None
    transformer = target.get("InputTransformer")
    if transformer:
        with_ingestion = {**event, "ingestion-time": event["time"]}
        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=cast(Any, with_ingestion),
        )
    return event


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", errors="replace")


def _log_result(encoded: str | None) -> str:
    return base64.b64decode(encoded).decode("utf-8", errors="replace") if encoded else ""
