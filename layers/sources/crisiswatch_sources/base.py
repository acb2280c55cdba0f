"""What every connector is given, and the helpers they share."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch.ports import FetchResult, UsageStore

from .errors import RateLimitedError, SourceError, SourceUnavailableError
from .http import DEFAULT_TIMEOUT

Secret = Callable[[], dict[str, str]]
"""Loads the source's credentials (from SSM or Secrets Manager, cached by Powertools parameters)."""


@dataclass
class Harvest:
    """What one fetch gathers as it reads: the mentions kept, the items rejected (raw, why), and the ids
    emitted so far (a post found twice in one fetch is kept once)."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    emitted: set[str] = field(default_factory=set)

    def result(self, cursor: str | None) -> FetchResult:
        return FetchResult(self.mentions, cursor, self.rejected)


@dataclass(frozen=True)
class SourceContext:
    brand: Brand
    session: requests.Session
    secret: Secret
    usage: UsageStore
    deadline: float
    """`time.monotonic()` value by which the fetch must return what it has."""

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds for one request: the usual ones, the read cut to the time left."""
        connect, read = DEFAULT_TIMEOUT
        return connect, max(1.0, min(read, self.time_left()))

    def out_of_time(self, margin: float = 2.0) -> bool:
        """True when another page would risk the deadline: return what we have, the cursor resumes."""
        return self.time_left() < margin


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """Connectors keep their cursor as JSON; an unreadable one starts over (the table dedupes)."""
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def dump_cursor(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def combined_failure(source: str, what: str, failures: list[SourceError]) -> SourceError:
    """The one error to raise when every query of a fetch failed: theirs when they agree (rate limits
    combined to the earliest retry), else "unavailable" naming each."""
    limited = [failure for failure in failures if isinstance(failure, RateLimitedError)]
    if len(limited) == len(failures):
        return RateLimitedError(f"{source}: {limited[0]}", min(failure.retry_at for failure in limited))
    if all(type(failure) is type(failures[0]) for failure in failures):
        return failures[0]
    return SourceUnavailableError(f"{source}: every {what} failed: {'; '.join(map(str, failures))}")
