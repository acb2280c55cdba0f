"""A small CloudWatch alarm evaluator: moto stores alarms but never evaluates them.

Every :data:`EVALUATE_SECONDS` (and on :meth:`AlarmEvaluator.evaluate`) each single-metric alarm is
judged the way CloudWatch judges one, in simplified form:

* the last ``EvaluationPeriods`` periods of ``Period`` seconds ending now (wall time, the clock the
  metrics carry) each get the alarm's ``Statistic`` of the metric (GetMetricStatistics);
* a period breaches when its value compares to ``Threshold`` by ``ComparisonOperator`` (the four
  static operators); ``TreatMissingData`` decides for a period without data (``missing``, the default,
  and ``ignore`` leave it out; ``breaching``/``notBreaching`` count it as such);
* ``DatapointsToAlarm`` (default ``EvaluationPeriods``) breaching periods mean ALARM, fewer mean OK;
  no data at all means INSUFFICIENT_DATA (with ``ignore``: the state stays).

A new state is set with SetAlarmState and, if the alarm's actions are enabled, the state's actions that
are SNS topics get CloudWatch's notification (JSON message, subject ``ALARM: "name" in <region>``), so
an email subscription lands in the outbox. Not emulated: metric-math, percentile and anomaly-detection
alarms (skipped), ``EvaluateLowSampleCountPercentile``, composite alarms, non-SNS actions, and
CloudWatch's handling of partially missing data (which looks further back than the evaluated periods).
"""

from __future__ import annotations

import json
import operator
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .constants import ACCOUNT_ID, REGION, get_logger
from .server import make_client

LOG = get_logger("alarms")

EVALUATE_SECONDS = 10.0
COMPARISONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
STATISTICS = frozenset({"Average", "Sum", "Minimum", "Maximum", "SampleCount"})
REGION_NAMES = {"us-east-1": "US East (N. Virginia)"}


@dataclass(frozen=True)
class Verdict:
    state: str  # OK, ALARM or INSUFFICIENT_DATA
    reason: str


@dataclass(frozen=True)
class Transition:
    alarm: str
    old: str
    new: str
    reason: str
    notified: tuple[str, ...] = ()


def judge(
    values: Sequence[float | None],
    *,
    comparison: str,
    threshold: float,
    datapoints_to_alarm: int,
    treat_missing: str = "missing",
) -> Verdict | None:
    """The state for one value per evaluation period, oldest first (None: no data); None keeps the
    current state (``TreatMissingData: ignore`` with no data)."""
    compare, words = COMPARISONS[comparison]
    judged: list[tuple[float | None, bool]] = []
    for value in values:
        if value is not None:
            judged.append((value, compare(value, threshold)))
        elif treat_missing in ("breaching", "notBreaching"):
            judged.append((None, treat_missing == "breaching"))
    if not judged:
        if treat_missing == "ignore":
            return None
        return Verdict("INSUFFICIENT_DATA", f"Insufficient Data: {len(values)} datapoints were unknown.")
    breaching = sum(flag for _, flag in judged)
    shown = ", ".join("missing" if value is None else f"{value:g}" for value, _ in judged)
    state = "ALARM" if breaching >= datapoints_to_alarm else "OK"
    verb = "Threshold Crossed" if state == "ALARM" else "Threshold not crossed"
    return Verdict(
        state,
        f"{verb}: {breaching} out of the last {len(judged)} datapoints [{shown}] "
        f"{'was' if breaching == 1 else 'were'} {words} the threshold ({threshold:g}) "
        f"(minimum {datapoints_to_alarm} datapoint(s) for ALARM).",
    )


def supported(alarm: dict[str, Any]) -> bool:
    """A single-metric alarm with a plain statistic and a static threshold."""
    return bool(
        alarm.get("MetricName")
        and not alarm.get("Metrics")
        and alarm.get("Statistic") in STATISTICS
        and alarm.get("ComparisonOperator") in COMPARISONS
    )


class AlarmEvaluator:
    """Evaluates moto's alarms on a thread and on demand; see the module docstring."""

    def __init__(self, endpoint_url: str, interval: float = EVALUATE_SECONDS) -> None:
        self._cloudwatch = make_client(endpoint_url, "cloudwatch")
        self._sns = make_client(endpoint_url, "sns")
        self._interval = interval
        self._lock = threading.Lock()
        self._paused = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._skipped: set[str] = set()
        self.history: list[Transition] = []

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="alarm-evaluator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def pause(self) -> None:
        """No evaluation on the thread (after one in progress ends) until :meth:`resume`."""
        self._paused = True
        with self._lock:
            pass

    def resume(self) -> None:
        self._paused = False

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            if self._paused:
                continue
            try:
                self.evaluate(background=True)
            except Exception:
                LOG.debug("evaluating alarms failed", exc_info=True)

    def evaluate(self, at: datetime | None = None, *, background: bool = False) -> list[Transition]:
        """Judge every alarm as of ``at`` (default now); returns the state changes made."""
        with self._lock:
            if background and self._paused:
                return []
            moment = (at or datetime.now(UTC)).astimezone(UTC)
            changes = []
            for alarm in self._alarms():
                change = self._evaluate(alarm, moment)
                if change is not None:
                    changes.append(change)
                    self.history.append(change)
            return changes

    def _alarms(self) -> list[dict[str, Any]]:
        alarms: list[dict[str, Any]] = []
        for page in self._cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
            alarms.extend(page.get("MetricAlarms", []))
        return alarms

    def _evaluate(self, alarm: dict[str, Any], moment: datetime) -> Transition | None:
        name = str(alarm["AlarmName"])
        if not supported(alarm):
            if name not in self._skipped:
                self._skipped.add(name)
                LOG.info("alarm %s is not evaluated locally (metric math, percentile or operator)", name)
            return None
        period = int(alarm["Period"])
        periods = int(alarm["EvaluationPeriods"])
        values = [
            self._value(alarm, moment - timedelta(seconds=period * step), period)
            for step in range(periods, 0, -1)
        ]
        verdict = judge(
            values,
            comparison=str(alarm["ComparisonOperator"]),
            threshold=float(alarm["Threshold"]),
            datapoints_to_alarm=int(alarm.get("DatapointsToAlarm") or periods),
            treat_missing=str(alarm.get("TreatMissingData") or "missing"),
        )
        old = str(alarm.get("StateValue") or "INSUFFICIENT_DATA")
        if verdict is None or verdict.state == old:
            return None
        data = {"version": "1.0", "queryDate": moment.isoformat(), "recentDatapoints": values}
        self._cloudwatch.set_alarm_state(
            AlarmName=name,
            StateValue=verdict.state,
            StateReason=verdict.reason,
            StateReasonData=json.dumps(data),
        )
        notified = self._notify(alarm, old, verdict, moment) if alarm.get("ActionsEnabled", True) else ()
        LOG.info("alarm %s: %s -> %s", name, old, verdict.state)
        return Transition(name, old, verdict.state, verdict.reason, notified)

    def _value(self, alarm: dict[str, Any], start: datetime, period: int) -> float | None:
        statistic = str(alarm["Statistic"])
        # moto drops the fraction of a second from StartTime and EndTime: round up instead, so a
        # datapoint put in the last second of the period still counts.
        if start.microsecond:
            start = start.replace(microsecond=0) + timedelta(seconds=1)
        arguments: dict[str, Any] = {
            "Namespace": alarm["Namespace"],
            "MetricName": alarm["MetricName"],
            "Dimensions": alarm.get("Dimensions") or [],
            "StartTime": start,
            "EndTime": start + timedelta(seconds=period),
            "Period": period,
            "Statistics": [statistic],
        }
        if alarm.get("Unit"):
            arguments["Unit"] = alarm["Unit"]
        points = self._cloudwatch.get_metric_statistics(**arguments)["Datapoints"]
        if not points:
            return None
        return float(points[0][statistic])

    def _notify(self, alarm: dict[str, Any], old: str, verdict: Verdict, moment: datetime) -> tuple[str, ...]:
        actions = {
            "ALARM": alarm.get("AlarmActions"),
            "OK": alarm.get("OKActions"),
            "INSUFFICIENT_DATA": alarm.get("InsufficientDataActions"),
        }[verdict.state] or []
        region = REGION_NAMES.get(REGION, REGION)
        dimensions = alarm.get("Dimensions") or []
        message = {
            "AlarmName": alarm["AlarmName"],
            "AlarmDescription": alarm.get("AlarmDescription"),
            "AWSAccountId": ACCOUNT_ID,
            "NewStateValue": verdict.state,
            "NewStateReason": verdict.reason,
            "StateChangeTime": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000",
            "Region": region,
            "AlarmArn": alarm.get("AlarmArn"),
            "OldStateValue": old,
            "OKActions": alarm.get("OKActions") or [],
            "AlarmActions": alarm.get("AlarmActions") or [],
            "InsufficientDataActions": alarm.get("InsufficientDataActions") or [],
            "Trigger": {
                "MetricName": alarm["MetricName"],
                "Namespace": alarm["Namespace"],
                "StatisticType": "Statistic",
                "Statistic": str(alarm["Statistic"]).upper(),
                "Unit": alarm.get("Unit"),
                "Dimensions": [{"value": item["Value"], "name": item["Name"]} for item in dimensions],
                "Period": alarm["Period"],
                "EvaluationPeriods": alarm["EvaluationPeriods"],
                "DatapointsToAlarm": alarm.get("DatapointsToAlarm") or alarm["EvaluationPeriods"],
                "ComparisonOperator": alarm["ComparisonOperator"],
                "Threshold": alarm["Threshold"],
                "TreatMissingData": alarm.get("TreatMissingData") or "missing",
                "EvaluateLowSampleCountPercentile": "",
            },
        }
        subject = f'{verdict.state}: "{alarm["AlarmName"]}" in {region}'[:100]
        notified = []
        for action in actions:
            if ":sns:" not in action:
                LOG.info("alarm %s: action %s is not emulated locally", alarm["AlarmName"], action)
                continue
            self._sns.publish(TopicArn=action, Subject=subject, Message=json.dumps(message))
            notified.append(action)
        return tuple(notified)
