"""EventBridge schedule expressions and the scheduler's virtual clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch_ops.runtime.schedule_expressions import ScheduleExpressionError, parse
from crisiswatch_ops.runtime.scheduler import VirtualClock, scheduled_event, target_input

SATURDAY = datetime(2026, 11, 21, 3, 5, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "first", "second"),
    [
        ("rate(1 minute)", "2026-11-21T03:06:20", "2026-11-21T03:07:20"),
        ("rate(5 minutes)", "2026-11-21T03:10:20", "2026-11-21T03:15:20"),
        ("rate(2 hours)", "2026-11-21T05:05:20", "2026-11-21T07:05:20"),
        ("rate(1 day)", "2026-11-22T03:05:20", "2026-11-23T03:05:20"),
        ("cron(30 7 * * ? *)", "2026-11-21T07:30:00", "2026-11-22T07:30:00"),
        ("cron(0/15 * * * ? *)", "2026-11-21T03:15:00", "2026-11-21T03:30:00"),
        ("cron(0 12 ? * MON-FRI *)", "2026-11-23T12:00:00", "2026-11-24T12:00:00"),
        ("cron(0 9 ? * 1 *)", "2026-11-22T09:00:00", "2026-11-29T09:00:00"),  # 1 = Sunday in AWS
        ("cron(5,35 3 1 DEC ? *)", "2026-12-01T03:05:00", "2026-12-01T03:35:00"),
    ],
)
def test_next_firings(expression: str, first: str, second: str):
    schedule = parse(expression)
    one = schedule.next_after(SATURDAY)
    assert one is not None
    two = schedule.next_after(one)
    assert (one.isoformat()[:19], two.isoformat()[:19] if two else None) == (first, second)


def test_a_cron_with_a_past_year_never_fires_again():
    schedule = parse("cron(0 0 1 JAN ? 2027)")
    once = schedule.next_after(SATURDAY)
    assert once == datetime(2027, 1, 1, tzinfo=UTC)
    assert schedule.next_after(once) is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",
        "rate(1 week)",
        "cron(0 12 L * ? *)",
        "cron(0 12 ? * 6#3 *)",
        "cron(0 12 * * 1 *)",
        "every hour",
    ],
)
def test_unsupported_or_invalid_expressions_are_refused(expression: str):
    with pytest.raises(ScheduleExpressionError):
        parse(expression)


def test_virtual_clock_speedup_pause_resume_and_set():
    # Bounds come from the real time measured around each call, so a slow machine changes no outcome.
    before = time.monotonic()
    clock = VirtualClock(start=SATURDAY, speedup=600)
    time.sleep(0.05)
    advanced = (clock.now() - SATURDAY).total_seconds()
    real = time.monotonic() - before
    assert 0.05 * 600 - 1e-6 <= advanced <= real * 600 + 1e-6, "600 virtual seconds per real second"
    clock.pause()
    frozen = clock.now()
    time.sleep(0.05)
    assert clock.now() == frozen and clock.real_seconds_until(frozen + timedelta(hours=1)) == float("inf")
    clock.resume()
    clock.speedup = 1
    before = time.monotonic()
    clock.set(SATURDAY)
    until = clock.real_seconds_until(SATURDAY + timedelta(minutes=1))
    drift = (clock.now() - SATURDAY).total_seconds()
    real = time.monotonic() - before
    assert 0 <= drift <= real + 1e-6
    assert 60 - real - 1e-6 <= until <= 60


def test_scheduled_event_and_target_inputs():
    event = scheduled_event("arn:aws:events:us-east-1:123456789012:rule/r", SATURDAY)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["time"] == "2026-11-21T03:05:20Z" and event["resources"] == [
        "arn:aws:events:us-east-1:123456789012:rule/r"
    ]
    assert event["detail"] == {} and event["version"] == "0"
    assert target_input({"Input": '{"a": 1}'}, event) == {"a": 1}
    assert target_input({"InputPath": "$.time"}, event) == "2026-11-21T03:05:20Z"
    transformed = target_input(
        {"InputTransformer": {"InputPathsMap": {"t": "$.time"}, "InputTemplate": '{"at": "<t>"}'}}, event
    )
    assert transformed == {"at": "2026-11-21T03:05:20Z"}
    assert target_input({}, event) is event
