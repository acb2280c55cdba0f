"""Fault injection for the fake sources: on demand and deterministic.

Two ways to ask for faults, both keyed by a path prefix (`"/reddit"`, `"/mastodon/a"`, `"/x/2/tweets"`):

- `inject(prefix, kind, count)`: the next `count` requests under `prefix` that the fault can apply to get
  it (FIFO across calls; a request gets at most one fault).
- `schedule(prefix, kinds, rate, seed)`: every request under `prefix` draws from its own seeded random
  generator; with probability `rate` it gets one of `kinds` (if that kind does not apply to the request,
  nothing happens). The same sequence of requests gets the same faults.

A fault only applies where it makes sense, and an explicit one waits for the next request it fits:

- transport faults (any request): HTTP 500/502/503, a timeout (the response is held, then the connection
  is closed without an answer), 429 with a short or a long `Retry-After`, YouTube's 403 `quotaExceeded`;
- `truncated`: a 200 response with a body is cut mid-way (a valid prefix, Content-Type unchanged);
- listing faults (a response that lists mentions): `duplicates` (the last items of the previous page of
  that listing repeated at the top), `out_of_order` (the page shuffled; cursors and Link headers still
  follow the true order), `deleted_between_pages` (decoys inserted into the result set for one response
  and gone for the next, which shifts offset-based paging) and `malformed_items` (broken items mixed in).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    HTTP_500 = "http_500"
    HTTP_502 = "http_502"
    HTTP_503 = "http_503"
    TIMEOUT = "timeout"
    RATE_LIMIT_SHORT = "rate_limit_short"
    RATE_LIMIT_LONG = "rate_limit_long"
    QUOTA_EXCEEDED = "quota_exceeded"
    """YouTube only: 403 with reason `quotaExceeded`."""
    TRUNCATED = "truncated"
    DUPLICATES = "duplicates"
    OUT_OF_ORDER = "out_of_order"
    DELETED_BETWEEN_PAGES = "deleted_between_pages"
    MALFORMED_ITEMS = "malformed_items"


TRANSPORT_FAULTS = frozenset(
    {
        FaultKind.HTTP_500,
        FaultKind.HTTP_502,
        FaultKind.HTTP_503,
        FaultKind.TIMEOUT,
        FaultKind.RATE_LIMIT_SHORT,
        FaultKind.RATE_LIMIT_LONG,
        FaultKind.QUOTA_EXCEEDED,
    }
)
BODY_FAULTS = frozenset({FaultKind.TRUNCATED})
LISTING_FAULTS = frozenset(
    {
        FaultKind.DUPLICATES,
        FaultKind.OUT_OF_ORDER,
        FaultKind.DELETED_BETWEEN_PAGES,
        FaultKind.MALFORMED_ITEMS,
    }
)
ALL_FAULTS = tuple(FaultKind)


@dataclass
class _Pending:
    prefix: str
    kind: FaultKind
    remaining: int


@dataclass
class _Schedule:
    prefix: str
    kinds: tuple[FaultKind, ...]
    rate: float
    rng: random.Random


class Plan:
    """The fault (if any) one request may get; `claim` takes it when the request reaches a point where it
    applies. An explicit fault that no point of the request claims stays queued for the next request."""

    def __init__(self, kind: FaultKind | None, pending: _Pending | None) -> None:
        self.kind = kind
        self._pending = pending
        self.claimed: FaultKind | None = None

    def claim(self, kinds: Iterable[FaultKind]) -> FaultKind | None:
        if self.kind is None or self.claimed is not None or self.kind not in set(kinds):
            return None
        self.claimed = self.kind
        if self._pending is not None:
            self._pending.remaining -= 1
        return self.kind


class FaultInjector:
    """Not thread-safe by itself: the server calls it under its lock."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._schedules: list[_Schedule] = []

    def inject(self, prefix: str, kind: FaultKind | str, count: int = 1) -> None:
        """The next `count` requests under `prefix` that `kind` applies to get it."""
        if count < 1:
            raise ValueError("count must be at least 1")
        self._pending.append(_Pending(_norm(prefix), FaultKind(kind), count))

    def schedule(self, prefix: str, kinds: Iterable[FaultKind | str], rate: float, seed: int = 0) -> None:
        """Each request under `prefix` gets one of `kinds` with probability `rate` (seeded, per schedule).
        A later schedule for the same prefix replaces the earlier one; the longest matching prefix wins."""
        chosen = tuple(FaultKind(kind) for kind in kinds)
        if not chosen or not 0.0 <= rate <= 1.0:
            raise ValueError("give at least one kind and a rate between 0 and 1")
        prefix = _norm(prefix)
        self._schedules = [schedule for schedule in self._schedules if schedule.prefix != prefix]
        self._schedules.append(_Schedule(prefix, chosen, rate, random.Random(seed)))

    def clear(self) -> None:
        """Forget queued faults and schedules (the counters stay)."""
        self._pending.clear()
        self._schedules.clear()

    def pending(self) -> list[tuple[str, FaultKind, int]]:
        return [(entry.prefix, entry.kind, entry.remaining) for entry in self._pending if entry.remaining > 0]

    def plan(self, path: str) -> Plan:
        self._pending = [entry for entry in self._pending if entry.remaining > 0]
        for entry in self._pending:
            if _under(path, entry.prefix):
                return Plan(entry.kind, entry)
        matching = [schedule for schedule in self._schedules if _under(path, schedule.prefix)]
        if not matching:
            return Plan(None, None)
        schedule = max(matching, key=lambda candidate: len(candidate.prefix))
        draw, pick = schedule.rng.random(), schedule.rng.choice(schedule.kinds)
        return Plan(pick if draw < schedule.rate else None, None)


def _norm(prefix: str) -> str:
    prefix = "/" + prefix.strip("/")
    return prefix if prefix != "/" else ""


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix)
