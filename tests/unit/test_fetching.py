"""fetch_source(): one source's trouble is recorded, never raised, and the breaker rests it."""

from __future__ import annotations

from datetime import timedelta

from crisiswatch.breaker import BreakerState, CircuitBreaker
from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.errors import BudgetExhaustedError, RateLimitedError, SourceUnavailableError
from crisiswatch.ports import FetchResult
from crisiswatch.usecases.fetching import FetchStatus, SourceFetch
from crisiswatch.usecases.ingest import Ingestion
from tests.fakes import (
    T0,
    FakeCursorStore,
    FakeMentionStore,
    FakeQuarantineStore,
    FakeSourceHealthStore,
    FakeStoryIndex,
    make_mention,
)

KEY = "Acme Coffee#social"
BREAKER = CircuitBreaker(threshold=2, base_cooldown=timedelta(minutes=10))


class ScriptedSource:
    name = "test:social"

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def fetch(self, cursor: str | None, now: object) -> FetchResult:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, FetchResult)
        return outcome


def run(source: ScriptedSource, healths: FakeSourceHealthStore, minutes: int = 0, store=None):
    return SourceFetch(
        Ingestion(FakeCursorStore(), store or FakeMentionStore(), FakeQuarantineStore(), FakeStoryIndex()),
        healths,
        BREAKER,
    ).fetch(source, KEY, T0 + timedelta(minutes=minutes))


def test_a_healthy_fetch_stores_and_reports() -> None:
    healths, store = FakeSourceHealthStore(), FakeMentionStore()
    outcome = run(ScriptedSource(FetchResult([make_mention(1)], "c1")), healths, store=store)
    assert outcome.status is FetchStatus.FETCHED and outcome.report and outcome.report.stored == 1
    assert healths.get(KEY).last_success is not None


def test_failures_open_the_circuit_then_it_skips_without_calling_the_source() -> None:
    healths = FakeSourceHealthStore()
    source = ScriptedSource(
        SourceUnavailableError("503"), SourceUnavailableError("503"), FetchResult([], "c")
    )
    assert run(source, healths).status is FetchStatus.FAILED
    second = run(source, healths, minutes=1)
    assert (second.status, second.breaker) == (FetchStatus.FAILED, BreakerState.OPEN)
    skipped = run(source, healths, minutes=5)
    assert skipped.status is FetchStatus.SKIPPED and source.calls == 2
    recovered = run(source, healths, minutes=12)
    assert recovered.status is FetchStatus.FETCHED and healths.get(KEY).failures == 0


def test_a_rate_limit_pauses_until_the_source_said_without_counting_as_failure() -> None:
    healths = FakeSourceHealthStore()
    source = ScriptedSource(RateLimitedError("429", T0 + timedelta(minutes=7)), FetchResult([], "c"))
    assert run(source, healths).status is FetchStatus.PAUSED
    assert healths.get(KEY).failures == 0
    assert run(source, healths, minutes=6).status is FetchStatus.SKIPPED
    assert run(source, healths, minutes=7).status is FetchStatus.FETCHED


def test_an_exhausted_budget_pauses_the_source() -> None:
    healths = FakeSourceHealthStore()
    outcome = run(ScriptedSource(BudgetExhaustedError("monthly reads used", T0 + timedelta(days=3))), healths)
    assert outcome.status is FetchStatus.PAUSED
    assert healths.get(KEY).paused_until == to_iso(T0 + timedelta(days=3))
