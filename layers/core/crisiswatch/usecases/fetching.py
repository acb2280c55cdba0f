"""One scheduled fetch of one (brand, source) pair, behind its circuit breaker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..breaker import BreakerState, CircuitBreaker
from ..domain.errors import BudgetExhaustedError, RateLimitedError, SourceError
from ..domain.listening.language import LanguageResolver
from ..ports import MentionSource, SourceHealthStore
from .ingest import Ingestion, IngestReport


class FetchStatus(StrEnum):
    FETCHED = "fetched"
    SKIPPED = "skipped"
    """The breaker is open or the source asked us to wait: no request was made."""
    PAUSED = "paused"
    """This fetch hit a rate limit or a budget; the source rests until it said."""
    FAILED = "failed"


@dataclass(frozen=True)
class FetchOutcome:
    status: FetchStatus
    breaker: BreakerState
    report: IngestReport | None = None
    detail: str = ""


@dataclass(frozen=True)
class SourceFetch:
    """One (brand, source) fetch behind its circuit breaker, stored through `ingestion`."""

    ingestion: Ingestion
    healths: SourceHealthStore
    breaker: CircuitBreaker

    def fetch(
        self,
        source: MentionSource,
        key: str,
        now: datetime,
        received_at: datetime | None = None,
        languages: LanguageResolver | None = None,
    ) -> FetchOutcome:
        """Fetch unless the breaker says rest; a failure is recorded, never raised: one source's trouble
        must not stop the others, and the next tick retries from the saved cursor."""
        healths, breaker = self.healths, self.breaker
        health = healths.get(key)
        allowed, why = breaker.allows(health, now)
        if not allowed:
            return FetchOutcome(FetchStatus.SKIPPED, breaker.state(health, now), detail=why)
        try:
            report = self.ingestion.ingest(source, key, now, received_at, languages)
        except (RateLimitedError, BudgetExhaustedError) as error:
            paused = breaker.paused(health, error.retry_at, f"{type(error).__name__}: {error}")
            healths.put(key, paused)
            return FetchOutcome(FetchStatus.PAUSED, breaker.state(paused, now), detail=str(error))
        except SourceError as error:
            failed = breaker.failed(health, now, f"{type(error).__name__}: {error}")
            healths.put(key, failed)
            return FetchOutcome(FetchStatus.FAILED, breaker.state(failed, now), detail=str(error))
        if health.failures or health.paused_until or health.last_success is None:
            healths.put(key, breaker.succeeded(health, now))  # only on change: a write per fetch adds up
        return FetchOutcome(FetchStatus.FETCHED, BreakerState.CLOSED, report)
