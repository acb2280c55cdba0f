"""EventBridge schedule expressions: ``rate(...)`` and ``cron(...)``, in UTC as EventBridge uses.

``cron(Minutes Hours Day-of-month Month Day-of-week Year)`` supports numbers, names (JAN-DEC,
SUN-SAT), ``*``, ``?``, lists, ranges and ``/`` steps. ``L``, ``W`` and ``#`` are refused with a
clear error rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    name: index
    for index, name in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_DAYS = {name: index for index, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
#: How far ahead a cron is searched before it is declared never to fire.
_SEARCH_DAYS = 366 * 8


class ScheduleExpressionError(ValueError):
    """Not a schedule expression this runtime can evaluate."""


class Schedule:
    """A parsed expression; ``next_after(t)`` is the first firing strictly after ``t`` (None: never)."""

    expression: str

    def next_after(self, moment: datetime) -> datetime | None:
        raise NotImplementedError


@dataclass(frozen=True)
class RateSchedule(Schedule):
    expression: str
    period: timedelta

    def next_after(self, moment: datetime) -> datetime | None:
        return moment + self.period


@dataclass(frozen=True)
class CronSchedule(Schedule):
    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: "?" (the day-of-week field decides)
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # AWS numbering: 1 = Sunday ... 7 = Saturday
    years: frozenset[int] | None

    def next_after(self, moment: datetime) -> datetime | None:
        moment = moment.astimezone(UTC)
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.replace(hour=0, minute=0)
        for _ in range(_SEARCH_DAYS):
            if self.years is not None and day.year > max(self.years):
                return None
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        return None

    def _day_matches(self, day: datetime) -> bool:
        if self.years is not None and day.year not in self.years:
            return False
        if day.month not in self.months:
            return False
        if self.days_of_month is not None and day.day not in self.days_of_month:
            return False
        aws_weekday = (day.weekday() + 1) % 7 + 1
        return self.days_of_week is None or aws_weekday in self.days_of_week


def parse(expression: str) -> Schedule:
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if value <= 0:
            raise ScheduleExpressionError(f"{expression}: the rate must be positive")
        return RateSchedule(text, timedelta(seconds=value * _UNITS[unit]))
    cron = _CRON.match(text)
    if not cron:
        raise ScheduleExpressionError(f"{expression!r} is neither rate(...) nor cron(...)")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleExpressionError(f"{expression}: cron needs 6 fields (min hour day month weekday year)")
    minute, hour, day_of_month, month, day_of_week, year = fields
    if day_of_month != "?" and day_of_week != "?":
        raise ScheduleExpressionError(f"{expression}: one of day-of-month and day-of-week must be '?'")
    return CronSchedule(
        expression=text,
        minutes=_field(minute, 0, 59, {}, expression),
        hours=_field(hour, 0, 23, {}, expression),
        days_of_month=None if day_of_month == "?" else _field(day_of_month, 1, 31, {}, expression),
        months=_field(month, 1, 12, _MONTHS, expression),
        days_of_week=None if day_of_week == "?" else _field(day_of_week, 1, 7, _DAYS, expression),
        years=None if year in ("*", "?") else _field(year, 1970, 2199, {}, expression),
    )


def _field(text: str, low: int, high: int, names: dict[str, int], expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if "#" in part:
            raise ScheduleExpressionError(f"{expression}: '{part}' (nth weekday, #) is not supported locally")
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base in ("*", "?"):
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _value(first, names, expression), _value(last, names, expression)
        else:
            start = _value(base, names, expression)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or step <= 0:
            raise ScheduleExpressionError(f"{expression}: '{part}' is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int], expression: str) -> int:
    upper = text.upper()
    if upper in names:
        return names[upper]
    if upper == "L" or upper.endswith(("L", "W")):
        raise ScheduleExpressionError(
            f"{expression}: '{text}' (last day L, weekday W) is not supported locally"
        )
    if not upper.isdigit():
        raise ScheduleExpressionError(f"{expression}: '{text}' is not a number or a known name")
    return int(upper)
