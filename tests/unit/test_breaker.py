"""The circuit breaker: a failing source rests, a source that asked us to wait is paused until then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crisiswatch.breaker import BreakerState, CircuitBreaker, SourceHealth

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BREAKER = CircuitBreaker(threshold=3, base_cooldown=timedelta(minutes=5), max_cooldown=timedelta(hours=1))


def fail(times: int, health: SourceHealth | None = None, at: datetime = NOW) -> SourceHealth:
    health = health or SourceHealth()
    for _ in range(times):
        health = BREAKER.failed(health, at, "SourceUnavailableError: 503")
    return health


def test_a_few_failures_keep_fetching() -> None:
    health = fail(2)
    assert BREAKER.state(health, NOW) is BreakerState.CLOSED
    assert BREAKER.allows(health, NOW) == (True, "")


def test_the_third_failure_opens_the_circuit_for_the_cool_down() -> None:
    health = fail(3)
    allowed, why = BREAKER.allows(health, NOW + timedelta(minutes=4))
    assert not allowed and "circuit open" in why
    assert BREAKER.state(health, NOW + timedelta(minutes=5)) is BreakerState.HALF_OPEN
    assert BREAKER.allows(health, NOW + timedelta(minutes=5))[0], "one trial fetch after the cool-down"


def test_the_cool_down_doubles_with_each_further_failure_up_to_the_cap() -> None:
    health = fail(4)
    assert health.open_until == "2026-03-02T10:10:00Z"
    health = fail(20)
    assert health.open_until == "2026-03-02T11:00:00Z"


def test_a_success_closes_the_circuit_and_forgets_the_failures() -> None:
    health = BREAKER.succeeded(fail(5), NOW)
    assert (health.failures, health.open_until, health.last_success) == (0, None, "2026-03-02T10:00:00Z")
    assert BREAKER.state(health, NOW) is BreakerState.CLOSED


def test_a_pause_asked_by_the_source_is_honoured_without_counting_as_a_failure() -> None:
    health = BREAKER.paused(SourceHealth(), NOW + timedelta(minutes=15), "RateLimitedError: 429")
    assert health.failures == 0
    assert not BREAKER.allows(health, NOW + timedelta(minutes=14))[0]
    assert BREAKER.allows(health, NOW + timedelta(minutes=15))[0]


def test_health_round_trips_through_a_dict() -> None:
    health = fail(3)
    assert SourceHealth.from_dict({**health.to_dict(), "unknown": 1}) == health
