"""Fault injection for the fake sources: on demand and deterministic.

Two ways to ask for faults, both keyed by a path prefix (`"/reddit"`, `"/mastodon/a"`, `"/x/2/tweets"`):

- `inject(prefix, kind, count)`: the next `count` requests under `prefix` that the fault can apply to get
  it (a request gets at most one fault: the first one queued that applies to it; explicit faults go
  before the schedule).
- `schedule(prefix, kinds, rate, seed)`: every request under `prefix` draws from its own seeded random
  generator; with probability `rate` it gets one of `kinds` (if that kind does not apply to the request,
  nothing happens). The same sequence of requests gets the same faults.

A fault only applies where it makes sense, and an explicit one waits for the next request it fits:

- transport faults (any request): HTTP 500/502/503, a timeout (the response is held, then the connection
  is closed without an answer), 429 with a short or a long `Retry-After`, YouTube's 403 `quotaExceeded`;
- `truncated`: a 200 response with a body is cut mid-way (a valid prefix, Content-Type unchanged);
- listing faults (a response that lists mentions): `duplicates` (as an offset shift does: the previous
  page's boundary items repeated when this page continues it in the same fetch, else the page's last
  items each repeated in place), `out_of_order` (the page shuffled; cursors and Link headers still
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
    """The faults one request may get. `claim(kinds)` is called at each point of answering where some
    kinds apply (transport first, then the listing, then the body); it takes the first explicit fault
    pending for this path whose kind applies there, else the scheduled draw if it applies. A request gets
    at most one fault; explicit faults that did not apply stay queued for the next requests."""

    def __init__(self, pending: list[_Pending], drawn: FaultKind | None) -> None:
        self._pending = pending
        self._drawn = drawn
        self.claimed: FaultKind | None = None

    def claim(self, kinds: Iterable[FaultKind]) -> FaultKind | None:
        if self.claimed is not None:
            return None
        wanted = set(kinds)
        for entry in self._pending:
            if entry.remaining > 0 and entry.kind in wanted:
                entry.remaining -= 1
                self.claimed = entry.kind
                return entry.kind
        if self._drawn is not None and self._drawn in wanted:
            self.claimed = self._drawn
            return self._drawn
        return None


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
        pending = [entry for entry in self._pending if _under(path, entry.prefix)]
        matching = [schedule for schedule in self._schedules if _under(path, schedule.prefix)]
        drawn = None
        if matching:
            schedule = max(matching, key=lambda candidate: len(candidate.prefix))
            draw, pick = schedule.rng.random(), schedule.rng.choice(schedule.kinds)
            drawn = pick if draw < schedule.rate else None
        return Plan(pending, drawn)


def _norm(prefix: str) -> str:
    prefix = "/" + prefix.strip("/")
    return prefix if prefix != "/" else ""


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix)
