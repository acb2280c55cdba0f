"""Hacker News stories and comments, from Algolia's HN Search API (`search_by_date`, no credentials).

The cursor. `search_by_date` lists newest first, and Algolia serves at most ~1,000 hits of a query
(`nbPages * hitsPerPage <= 1000`); `page=N` offsets also shift when items arrive or are deleted between
two requests. So each fetch reads a frozen time window `[since - OVERLAP, top]` downwards by time
(keyset paging): every request is `created_at_i>=lower,created_at_i<=below` (page 0), and the next
`below` is the oldest `created_at_i` of the page. That bound is inclusive, and the ids already read at
that second are kept (`at_below`) and skipped, so several items sharing a second are neither lost nor
repeated. Each request is the newest page of a smaller slice, so the 1,000-hit cap is never reached, and
an item deleted between pages cannot shift anything. Only when more than a whole page shares one
second does the walk fall back to `page=N` within that second.

A walk cut short by `max_pages` or the deadline is saved in the cursor and resumed exactly there. When
it reaches `lower`, `since` becomes the walk's `top` (the fetch time when it started).

Algolia indexes an item shortly after it is created, so each window reaches OVERLAP seconds back into
the previous one, and the ids read in that stretch are kept in the cursor (`seen`): a late-indexed item
is found, an item already read is not repeated (this covers the items at the watermark second).

Algolia's query has no OR: without `spec.query`, each brand keyword is its own query (its own walk
in the cursor). HN has no followers, so author reach is always 0, and no language ("und").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import Mention, MentionParts, mention_from_parts
from crisiswatch.domain.listening.watchlist import HackerNewsSpec
from crisiswatch.ports import FetchResult

from .base import SourceContext, dump_cursor, load_cursor
from .errors import MalformedResponseError, SourceError
from .http import get, json_of

API_ROOT = "https://hn.algolia.com"
SEARCH_PATH = "/api/v1/search_by_date"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100
RESULT_CAP = 1_000
"""Algolia serves no hit past this rank of a query."""
INITIAL_LOOKBACK = timedelta(days=1)
"""How far back a source without a cursor starts."""
OVERLAP_SECONDS = 120
"""Each window re-reads this much of the previous one: items indexed a little late are not missed."""
MAX_SEEN = 2_000
MAX_RAW_CHARS = 20_000


@dataclass
class _Walk:
    """One query's progress (see the module docstring)."""

    query: str
    since: int
    seen: dict[str, int] = field(default_factory=dict)
    """Ids already read at `created_at_i >= since - OVERLAP` -> their created_at_i."""
    top: int | None = None
    below: int | None = None
    at_below: list[str] = field(default_factory=list)
    page: int = 0

    @property
    def lower(self) -> int:
        return self.since - OVERLAP_SECONDS

    def start(self, now: datetime) -> None:
        self.top = self.below = max(int(now.timestamp()), self.since)
        self.at_below = []
        self.page = 0

    def finish(self) -> None:
        assert self.top is not None
        self.since = self.top
        keep = sorted(
            ((item_id, at) for item_id, at in self.seen.items() if at >= self.lower),
            key=lambda pair: pair[1],
            reverse=True,
        )
        self.seen = dict(keep[:MAX_SEEN])
        self.top = self.below = None
        self.at_below = []
        self.page = 0

    def to_json(self) -> dict[str, Any]:
        state: dict[str, Any] = {"since": self.since, "seen": self.seen}
        if self.top is not None:
            state.update(top=self.top, below=self.below, at_below=self.at_below, page=self.page)
        return state

    @classmethod
    def from_json(cls, query: str, state: Any, now: datetime) -> _Walk:
        fresh = cls(query, since=int((now - INITIAL_LOOKBACK).timestamp()))
        if not isinstance(state, dict) or not _is_int(state.get("since")):
            return fresh
        seen = state.get("seen")
        walk = cls(
            query,
            since=state["since"],
            seen={str(key): at for key, at in seen.items() if _is_int(at)} if isinstance(seen, dict) else {},
        )
        top, below, page = state.get("top"), state.get("below"), state.get("page", 0)
        if _is_int(top) and _is_int(below) and _is_int(page) and walk.lower <= below <= top:
            walk.top, walk.below, walk.page = top, below, page
            at_below = state.get("at_below")
            walk.at_below = [str(item) for item in at_below] if isinstance(at_below, list) else []
        return walk


class HackerNewsSource:
    def __init__(self, spec: HackerNewsSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """What the last fetch skipped, for the caller to log."""
        root = str(spec.base_url).rstrip("/") if spec.base_url else API_ROOT
        self._url = f"{root}{SEARCH_PATH}"
        self._tags = spec.tags[0] if len(spec.tags) == 1 else f"({','.join(spec.tags)})"

    def queries(self) -> list[str]:
        if self.spec.query:
            return [self.spec.query]
        queries: dict[str, str] = {}
        for keyword in self.context.brand.keywords:
            queries.setdefault(keyword.casefold(), f'"{keyword}"' if " " in keyword else keyword)
        return list(queries.values())

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        saved = load_cursor(cursor).get("queries")
        saved = saved if isinstance(saved, dict) else {}
        walks = [_Walk.from_json(query, saved.get(query), now) for query in self.queries()]
        mentions: list[Mention] = []
        rejected: list[tuple[str, str]] = []
        read: set[str] = set()
        for walk in walks:
            if walk.top is None:
                walk.start(now)
            for _ in range(self.spec.max_pages):
                if self.context.out_of_time():
                    break
                if self._read_page(walk, now, read, mentions, rejected):
                    walk.finish()
                    break
        next_cursor = dump_cursor({"queries": {walk.query: walk.to_json() for walk in walks}})
        return FetchResult(mentions, next_cursor, rejected)

    def _read_page(
        self,
        walk: _Walk,
        now: datetime,
        read: set[str],
        mentions: list[Mention],
        rejected: list[tuple[str, str]],
    ) -> bool:
        """Read the next page of `walk` and move it on; True when the walk has reached its lower bound."""
        assert walk.top is not None and walk.below is not None
        params = {
            "query": walk.query,
            "tags": self._tags,
            "numericFilters": f"created_at_i>={walk.lower},created_at_i<={walk.below}",
            "hitsPerPage": HITS_PER_PAGE,
            "page": walk.page,
        }
        response = get(self.context.session, self._url, now, params=params)
        if response.status_code != 200:
            raise SourceError(f"{self._url}: HTTP {response.status_code} {response.reason}")
        body = json_of(response)
        hits = body.get("hits") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            raise MalformedResponseError(f"{self._url}: no 'hits' list in the response")
        skip = set(walk.at_below)
        page_times: dict[str, int] = {}
        for hit in hits:
            object_id = hit.get("objectID") if isinstance(hit, dict) else None
            if not isinstance(object_id, str | int) or isinstance(object_id, bool) or object_id == "":
                rejected.append((_raw(hit), "hit has no objectID"))
                continue
            item_id = str(object_id)
            created = hit.get("created_at_i")
            if _is_int(created):
                page_times[item_id] = created
            if item_id in skip or item_id in walk.seen:
                continue  # repeated across pages, or already read by an earlier window's overlap
            if _is_int(created) and created >= walk.top - OVERLAP_SECONDS:
                walk.seen[item_id] = created
            if item_id not in read:  # another keyword's query may have found it in this fetch
                read.add(item_id)
                self._keep(hit, item_id, mentions, rejected)
        return self._advance(walk, hits, page_times, body)

    def _advance(
        self, walk: _Walk, hits: list[Any], page_times: dict[str, int], body: dict[str, Any]
    ) -> bool:
        assert walk.below is not None
        pages = body.get("nbPages")
        if len(hits) < HITS_PER_PAGE or (_is_int(pages) and pages <= walk.page + 1):
            return True
        oldest = min([*page_times.values(), walk.below])
        if oldest < walk.below:
            walk.below, walk.page = oldest, 0
            walk.at_below = [item_id for item_id, at in page_times.items() if at == oldest]
            return False
        # A whole page at one second: page through that second (it is in the past, nothing arrives there).
        walk.at_below = sorted({*walk.at_below, *(i for i, at in page_times.items() if at == walk.below)})
        walk.page += 1
        if walk.page * HITS_PER_PAGE >= RESULT_CAP:
            self.warnings.append(
                f"{walk.query!r}: more than {RESULT_CAP} hits at created_at_i={walk.below}; the rest skipped"
            )
            walk.below, walk.page, walk.at_below = walk.below - 1, 0, []
        return walk.below < walk.lower

    def _keep(
        self, hit: dict[str, Any], item_id: str, mentions: list[Mention], rejected: list[tuple[str, str]]
    ) -> None:
        raw = {key: value for key, value in hit.items() if key != "_highlightResult"}
        try:
            mention = mention_from_parts(
                MentionParts(
                    source="hackernews",
                    native_id=item_id,
                    brand=self.context.brand.name,
                    created_at=hit["created_at_i"]
                    if _is_int(hit.get("created_at_i"))
                    else hit.get("created_at"),
                    text=_text(hit),
                    author=hit.get("author") or "",
                    author_followers=0,  # HN has no followers: reach is unknown, not zero influence
                    url=ITEM_URL.format(item_id),
                    lang="und",
                    engagement={"points": hit.get("points"), "comments": hit.get("num_comments")},
                    raw=raw,
                )
            )
        except InvalidMentionError as error:
            rejected.append((_raw(raw), error.reason))
            return
        if self.context.brand.matches(mention.text) and self.context.brand.keeps_language(mention.lang):
            mentions.append(mention)


def _text(hit: dict[str, Any]) -> str | None:
    """A comment's HTML, or a story's title, text and link."""
    tags = hit.get("_tags")
    is_comment = hit.get("comment_text") is not None or (isinstance(tags, list) and "comment" in tags)
    fields = ("comment_text",) if is_comment else ("title", "story_text", "url")
    parts = []
    for name in fields:
        value = hit.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidMentionError(f"field '{name}' must be a string, got {type(value).__name__}")
        parts.append(value)
    return "\n".join(parts) or None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _raw(item: Any) -> str:
    return json.dumps(item, default=str, ensure_ascii=False)[:MAX_RAW_CHARS]
