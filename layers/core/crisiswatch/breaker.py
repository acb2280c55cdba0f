"""A circuit breaker per (brand, source): a source that keeps failing is rested, not hammered.

Closed: every tick fetches. After `threshold` consecutive failures it opens for a cool-down that doubles
with each further failure (up to `max_cooldown`); when the cool-down ends one fetch is let through
(half-open): success closes the breaker, failure opens it again. A source that told us when to come
back (429 Retry-After, an exhausted budget) is paused until then without counting as broken.

Fetch infrastructure, not crisis language, so not in `domain/`; pure and named by the fetch use case and
the ports, which import no adapter, so not in `adapters/` either.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .domain.clock import parse_iso, to_iso


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class SourceHealth:
    failures: int = 0
    open_until: str | None = None
    paused_until: str | None = None
    last_error: str | None = None
    last_success: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceHealth:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True)
class CircuitBreaker:
    threshold: int = 3
    base_cooldown: timedelta = timedelta(minutes=5)
    max_cooldown: timedelta = timedelta(hours=1)

    def state(self, health: SourceHealth, now: datetime) -> BreakerState:
        if health.failures < self.threshold:
            return BreakerState.CLOSED
        if health.open_until and now < parse_iso(health.open_until):
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def allows(self, health: SourceHealth, now: datetime) -> tuple[bool, str]:
        """Whether to fetch now, and why not."""
        if health.paused_until and now < parse_iso(health.paused_until):
            return False, f"paused until {health.paused_until} as the source asked"
        if self.state(health, now) is BreakerState.OPEN:
            return False, f"circuit open until {health.open_until} after {health.failures} failures"
        return True, ""

    def succeeded(self, health: SourceHealth, now: datetime) -> SourceHealth:
        return SourceHealth(last_success=to_iso(now), last_error=health.last_error)

    def failed(self, health: SourceHealth, now: datetime, error: str) -> SourceHealth:
        failures = health.failures + 1
        open_until = health.open_until
        if failures >= self.threshold:
            doublings = min(failures - self.threshold, 10)
            cooldown = min(self.base_cooldown * (2**doublings), self.max_cooldown)
            open_until = to_iso(now + cooldown)
        return SourceHealth(failures, open_until, None, error[:500], health.last_success)

    def paused(self, health: SourceHealth, until: datetime, reason: str) -> SourceHealth:
        return SourceHealth(
            health.failures, health.open_until, to_iso(until), reason[:500], health.last_success
        )
