"""What every fake API shares: the request and response types, the server's state (data, clock, settings,
credentials, counters) and the paging helper that applies the listing faults."""

from __future__ import annotations

import base64
import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from .corpus import CorpusData, FakeItem, SourceType, injected_item
from .faults import FaultInjector, FaultKind, Plan

JSON = "application/json; charset=utf-8"
MALFORMED_VARIANTS = ("missing_id", "missing_time", "bad_time", "text_not_string", "not_an_object")


@dataclass(frozen=True)
class FakeSettings:
    """How the fake APIs behave beyond what the corpus says."""

    hold_seconds: float = 3.0
    """A `timeout` fault holds the response this long, then drops the connection unanswered."""
    short_retry_after: int = 1
    long_retry_after: int = 3600
    duplicates: int = 2
    """Items repeated by a `duplicates` fault."""
    decoys: int = 3
    """Decoys inserted by a `deleted_between_pages` fault (at most page size - 2)."""
    malformed: int = 2
    """Broken items mixed in by a `malformed_items` fault."""
    malformed_variants: tuple[str, ...] = MALFORMED_VARIANTS
    truncate_fraction: float = 0.5
    """Where a `truncated` fault cuts the body (a fraction of its characters)."""
    page_cap: dict[str, int] = field(default_factory=dict)
    """Source type -> the largest page the API serves (as if the API's maximum `limit` were lower).
    Not applied to Hacker News, whose `page` arithmetic depends on `hitsPerPage` being honoured."""
    hn_result_cap: int = 1000
    """Algolia's `paginationLimitedTo`: no hit past this rank of a query is served."""
    rss_window: int = 50
    """A feed lists its newest items only, like real feeds."""
    reddit_token_ttl: timedelta = timedelta(hours=24)
    bluesky_token_ttl: timedelta = timedelta(hours=2)
    bluesky_sessions_per_5min: int = 30
    bluesky_sessions_per_day: int = 300
    youtube_daily_units: int = 10_000
    youtube_search_calls_per_day: int = 100
    seed: int = 0


@dataclass(frozen=True)
class FakeCredentials:
    """What the fake APIs accept; `secret_for(source)` is the dict a connector's secret returns."""

    reddit_client_id: str = "fake-client-id"
    reddit_client_secret: str = "fake-client-secret"  # noqa: S105 (a fake)
    reddit_username: str = "crisiswatch_bot"
    reddit_password: str = "fake-reddit-password"  # noqa: S105
    bluesky_identifier: str = "crisiswatch.bsky.social"
    bluesky_password: str = "fake-app-pass-word"  # noqa: S105
    youtube_api_key: str = "AIzaFakeKey0123456789"
    x_bearer_token: str = "AAAAFakeBearerToken"  # noqa: S105

    def secret_for(self, source: str) -> dict[str, str]:
        secrets = {
            "reddit": {
                "client_id": self.reddit_client_id,
                "client_secret": self.reddit_client_secret,
                "username": self.reddit_username,
                "password": self.reddit_password,
            },
            "bluesky": {"identifier": self.bluesky_identifier, "password": self.bluesky_password},
            "youtube": {"api_key": self.youtube_api_key},
            "x": {"bearer_token": self.x_bearer_token},
        }
        return dict(secrets.get(source, {}))


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str
    """Below the source's prefix (e.g. `/search.json` for `/reddit/search.json`)."""
    full_path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-cased names."""
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name) or self.query.get(f"{name}[]")
        return values[0] if values else default

    def params(self, name: str) -> list[str]:
        return [*self.query.get(name, []), *self.query.get(f"{name}[]", [])]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def bearer(self) -> str | None:
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class FakeResponse:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False
    """A timeout: hold the connection, then close it without answering."""


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> FakeResponse:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return FakeResponse(status, body, JSON, dict(headers or {}))


def opaque(value: Any) -> str:
    """An opaque page token (base64url JSON, no padding)."""
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unopaque(token: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        return None


class State:
    """Everything the fake APIs share; every method is called with `lock` held."""

    def __init__(self, data: CorpusData, settings: FakeSettings, credentials: FakeCredentials) -> None:
        self.lock = threading.RLock()
        self.data = data
        self.settings = settings
        self.credentials = credentials
        self.faults = FaultInjector()
        self.counters: dict[str, Counter[str]] = {}
        self.last_pages: dict[str, tuple[datetime, list[FakeItem]]] = {}
        """Per listing: the clock when its last page was served, and that page's items."""
        self.rng = random.Random(settings.seed)
        self.clock: datetime | None = None
        self.url = ""
        self._serial = 0

    def now(self) -> datetime:
        return self.clock or datetime.now(UTC)

    def visible(self, items: Sequence[FakeItem]) -> list[FakeItem]:
        now = self.now()
        return [item for item in items if item.created_at <= now]

    def count(self, source: str, key: str, amount: int = 1) -> None:
        if amount:
            self.counters.setdefault(source, Counter())[key] += amount

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def cap(self, source: SourceType, requested: int) -> int:
        cap = self.settings.page_cap.get(source)
        return min(requested, cap) if cap else requested


@dataclass
class Call:
    """One request being answered: what was asked, the fault it may get, the shared state."""

    request: FakeRequest
    source: SourceType
    plan: Plan
    state: State

    def claim(self, *kinds: FaultKind) -> FaultKind | None:
        kind = self.plan.claim(kinds)
        if kind is not None:
            self.state.count(self.source, f"injected_{kind.value}")
        return kind


@dataclass
class Page:
    entries: list[FakeItem]
    """This page's items in their true order (decoys included): what cursors and links are made from."""
    payloads: list[Any]
    """What is sent, faults applied."""
    start: int
    next_start: int
    total: int
    """Size of the result set this page was cut from (decoys included)."""

    @property
    def more(self) -> bool:
        return self.next_start < self.total


Render = Callable[[FakeItem], Any]
Corrupt = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Listing:
    """A result set an API pages through, and how its items are rendered and broken.

    `route` names the listing (for `duplicates`: the previous page of the same route is repeated).
    `ordering` is the listing's whole order before the request's cursor bounds (`max_id`, `since`,
    `until`...; default `results`): a `duplicates` fault repeats the previous page's items only when that
    page is adjacent in it. `pages=False` for a document without pages (a feed): no decoys there.
    """

    route: str
    results: list[FakeItem]
    render: Render
    corrupt: Corrupt
    ordering: list[FakeItem] | None = None
    pages: bool = True


def _with_decoys(call: Call, results: list[FakeItem], start: int, size: int) -> list[FakeItem]:
    """`results` with decoys (items deleted between two page reads) after the page's first item."""
    state, source = call.state, call.source
    count = min(state.settings.decoys, size - 2)
    newer, older = results[start], results[start + 1]
    decoys = [
        injected_item(
            source, newer, _between(newer, older, index + 1, count + 1), state.serial(), matches=False
        )
        for index in range(count)
    ]
    state.count(source, "decoys_served", count)
    return [*results[: start + 1], *decoys, *results[start + 1 :]]


def _insert_malformed(call: Call, listing: Listing, entries: list[FakeItem], payloads: list[Any]) -> None:
    """Malformed items into the page's `payloads`, each between two neighbours (by time too)."""
    state, source, settings = call.state, call.source, call.state.settings
    count = len(entries)
    for index in range(settings.malformed):
        # Never first; last only on a one-item page.
        at = min(1 + index * max(count - 1, 1) // settings.malformed, count - 1) if count > 1 else 0
        newer, older = entries[at - 1] if at > 0 else entries[0], entries[at]
        serial = state.serial()
        broken = injected_item(source, newer, _between(newer, older, 1, 2), serial, matches=True)
        broken = _with_keyword(broken, state.data.keyword)
        variant = settings.malformed_variants[serial % len(settings.malformed_variants)]
        payloads.insert(
            at + index if count > 1 else len(payloads), listing.corrupt(listing.render(broken), variant)
        )
        state.count(source, f"malformed_served_{variant}")
        state.count(source, "malformed_served")


def paginate(call: Call, listing: Listing, start: int, size: int, *, from_end: bool = False) -> Page:
    """Cut `results[start:start+size]` (newest first) and apply a listing fault if one is due.

    `from_end=True` for a page that is the *last* `size` items of `results` (Mastodon's `min_id`,
    Reddit's `before`): `start` is then ignored and worked out after any decoys are inserted.
    """
    state, source = call.state, call.source
    route, results, render = listing.route, listing.results, listing.render
    pages, ordering = listing.pages, listing.ordering
    settings = state.settings
    size = max(size, 0)
    start = max(len(results) - size, 0) if from_end else max(start, 0)
    if (
        pages
        and size >= 3
        and len(results) - start >= 2
        and settings.decoys > 0
        and call.claim(FaultKind.DELETED_BETWEEN_PAGES)
    ):
        results = _with_decoys(call, results, start, size)
        if from_end:
            start = max(len(results) - size, 0)
    entries = results[start : start + size]
    payloads: list[Any] = [render(item) for item in entries]
    real = [item for item in entries if not item.decoy]
    previous = state.last_pages.get(route)
    if entries and settings.duplicates > 0 and call.claim(FaultKind.DUPLICATES):
        order = {item.native_id: index for index, item in enumerate(ordering or results)}
        payloads = _with_duplicates(call, previous, (entries, payloads), render, order)
    elif len(payloads) >= 2 and call.claim(FaultKind.OUT_OF_ORDER):
        shuffled = payloads[:]
        while shuffled == payloads:
            state.rng.shuffle(shuffled)
        payloads = shuffled
        state.count(source, "pages_reordered")
    elif (
        entries
        and settings.malformed > 0
        and settings.malformed_variants
        and call.claim(FaultKind.MALFORMED_ITEMS)
    ):
        _insert_malformed(call, listing, entries, payloads)
    state.last_pages[route] = (state.now(), real)
    state.count(source, "items_served", len(real))
    return Page(entries, payloads, start, start + len(entries), len(results))


def _with_duplicates(
    call: Call,
    previous: tuple[datetime, list[FakeItem]] | None,
    page: tuple[list[FakeItem], list[Any]],
    render: Render,
    order: dict[str, int],
) -> list[Any]:
    """Repeat items the way a shifted offset does: when this page continues the previous page of the same
    listing (same clock, so the same fetch, and adjacent to it in the listing's order), that page's items
    at the boundary are repeated: its last ones at the top when paging down (to older items), its first
    ones at the bottom when paging up. Otherwise the page's own last items are repeated in place (each
    right after itself)."""
    state, source = call.state, call.source
    entries, payloads = page
    count = state.settings.duplicates
    real = [item for item in entries if item.native_id in order]
    if previous is not None and previous[0] == state.now() and real:
        before = [item for item in previous[1] if item.native_id in order]
        if before and 0 <= order[real[0].native_id] - order[before[-1].native_id] <= 1:
            state.count(source, "duplicates_served", len(before[-count:]))
            return [*(render(item) for item in before[-count:]), *payloads]
        if before and 0 <= order[before[0].native_id] - order[real[-1].native_id] <= 1:
            state.count(source, "duplicates_served", len(before[:count]))
            return [*payloads, *(render(item) for item in before[:count])]
    repeated: list[Any] = []
    first_copy = max(len(payloads) - count, 0)
    for index, payload in enumerate(payloads):
        repeated.append(payload)
        if index >= first_copy:
            repeated.append(render(entries[index]) if index < len(entries) else payload)
    state.count(source, "duplicates_served", len(payloads) - first_copy)
    return repeated


def _between(newer: FakeItem, older: FakeItem, step: int, steps: int) -> datetime:
    gap = newer.created_at - older.created_at
    moment = newer.created_at - gap * step / steps
    return moment.replace(microsecond=0) if gap >= timedelta(seconds=steps) else moment


def _with_keyword(item: FakeItem, keyword: str) -> FakeItem:
    text = f"{keyword} broken item 🧨"
    return replace(item, text=text, title=text if item.title else "")


def dig(payload: Any, *path: str) -> Any:
    """payload[path[0]][path[1]]... or None."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


@dataclass(frozen=True)
class FieldPaths:
    """Where an API keeps an item's id, time and text (each a list of key paths into the payload), and
    what it sends instead of an object when an item is broken that way."""

    id_paths: Sequence[Sequence[str]]
    time_paths: Sequence[Sequence[str]]
    text_paths: Sequence[Sequence[str]]
    not_object: Any = "oops"


def corrupt_fields(payload: Any, variant: str, fields: FieldPaths) -> Any:
    """Break a rendered item the way `variant` says (`fields` says where the API keeps each field)."""
    id_paths, time_paths, text_paths = fields.id_paths, fields.time_paths, fields.text_paths
    not_object = fields.not_object
    if variant == "not_an_object":
        return not_object
    if not isinstance(payload, dict):
        return payload
    if variant == "missing_id":
        for path in id_paths:
            _delete(payload, path)
    elif variant == "missing_time":
        for path in time_paths:
            _delete(payload, path)
    elif variant == "bad_time":
        for path in time_paths:
            _set(payload, path, "sometime last week")
    elif variant == "text_not_string":
        for path in text_paths:
            _set(payload, path, {"html": ["not", "a", "string"]})
    return payload


def _delete(payload: dict[str, Any], path: Sequence[str]) -> None:
    parent = dig(payload, *path[:-1]) if len(path) > 1 else payload
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def _set(payload: dict[str, Any], path: Sequence[str], value: Any) -> None:
    parent = dig(payload, *path[:-1]) if len(path) > 1 else payload
    if isinstance(parent, dict) and path[-1] in parent:
        parent[path[-1]] = value


def iso_ms(moment: datetime) -> str:
    """2024-05-06T08:00:00.000Z (Mastodon, Bluesky, X)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_s(moment: datetime) -> str:
    """2024-05-06T08:00:00Z (Algolia, YouTube)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 with `Z` or an offset, or a plain date; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def int_param(value: str | None, default: int) -> int | None:
    """The integer in a parameter, `default` when absent, None when it is not an integer."""
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return None


_OPERATORS = ("OR", "AND", "NOT")


def query_terms(query: str) -> list[list[str]]:
    """A simplified search query: alternatives separated by OR (or `|`), each a list of words or quoted
    phrases that must all appear (case-insensitive substrings). Operators (`lang:en`, `-is:retweet`, `-word`,
    parentheses, AND) are not terms."""
    alternatives: list[list[str]] = [[]]
    token = ""
    quoted = False
    for char in query + " ":
        if char == '"':
            if quoted and token:
                alternatives[-1].append(token.casefold())
                token = ""
            quoted = not quoted
            continue
        if quoted or not (char.isspace() or char in "()|"):
            token += char
            continue
        if char == "|":  # YouTube's OR
            if token:
                alternatives[-1].append(token.casefold())
            alternatives.append([])
            token = ""
            continue
        if token in _OPERATORS[:1]:
            alternatives.append([])
        elif token and token not in _OPERATORS and not token.startswith("-") and ":" not in token:
            alternatives[-1].append(token.casefold())
        token = ""
    return [alternative for alternative in alternatives if alternative]


def matches_query(query: str, *texts: str) -> bool:
    terms = query_terms(query)
    if not terms:
        return True
    haystack = "\n".join(texts).casefold()
    return any(all(term in haystack for term in alternative) for alternative in terms)


_FAULT_STATUS = {FaultKind.HTTP_500: 500, FaultKind.HTTP_502: 502, FaultKind.HTTP_503: 503}
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    429: "Too Many Requests",
    404: "Not Found",
}


class Api:
    """One fake API under its path prefix. Subclasses answer `handle` and say how their errors look."""

    source: SourceType
    transport_faults: frozenset[FaultKind] = frozenset(
        {
            FaultKind.HTTP_500,
            FaultKind.HTTP_502,
            FaultKind.HTTP_503,
            FaultKind.TIMEOUT,
            FaultKind.RATE_LIMIT_SHORT,
            FaultKind.RATE_LIMIT_LONG,
        }
    )

    def __init__(self, state: State) -> None:
        self.state = state

    def handle(self, call: Call) -> FakeResponse:
        raise NotImplementedError

    def error(self, status: int, message: str) -> FakeResponse:
        """An error in this API's own shape."""
        return json_response(status, {"error": message})

    def limited_headers(self, seconds: int) -> dict[str, str]:
        """Rate-limit headers of this API that say "nothing left for `seconds`"."""
        return {}

    def fault(self, kind: FaultKind) -> FakeResponse:
        if kind == FaultKind.TIMEOUT:
            return FakeResponse(0, hold=True)
        if kind in (FaultKind.RATE_LIMIT_SHORT, FaultKind.RATE_LIMIT_LONG):
            settings = self.state.settings
            seconds = (
                settings.short_retry_after
                if kind == FaultKind.RATE_LIMIT_SHORT
                else settings.long_retry_after
            )
            response = self.error(429, _REASONS[429])
            response.headers.update(self.limited_headers(seconds))
            response.headers["Retry-After"] = str(seconds)
            return response
        status = _FAULT_STATUS[kind]
        return self.error(status, _REASONS[status])


def window(now: datetime, seconds: int) -> tuple[int, int]:
    """The fixed rate-limit window holding `now`: (its index, seconds until it ends)."""
    epoch = int(now.timestamp())
    return epoch // seconds, seconds - epoch % seconds
