"""Posts on X, from API v2 recent search (app-only Bearer token). Every post read is billed.

The budget. `spec.monthly_read_budget` posts per calendar month (UTC) at most. Before each page, the
page size is reserved with `context.usage.reserve` (atomic, never past the limit): 100, or what is left
of the budget, down to the API's minimum of 10. The request asks for exactly what was reserved, so even
concurrent fetches sharing the counter cannot read more than the budget. Once the page is in, the part of
the reservation it did not use (fewer posts than asked) is given back with a negative reservation, so
quiet polls do not eat the budget; if that fails, the counter just stays higher than the truth (safe).
When nothing can be reserved the fetch returns what it read, or raises BudgetExhaustedError (retry on
the first day of next month, UTC) if it read nothing.

The cursor. `since_id` is the newest post id read. A fetch pages with `next_token` (newest first);
stopped early (pages, deadline, budget, rate limit), it saves the token, the walk's own `since_id` and the
newest id of the walk, and resumes there; `since_id` moves to that newest id only when the walk is done.
A source without a cursor starts INITIAL_LOOKBACK ago (`start_time`), not at the 7-day window's start.

Rate limits: when `x-rate-limit-remaining` reaches 0 the fetch stops and keeps `x-rate-limit-reset`
(epoch seconds) in the cursor; a fetch before then raises RateLimitedError without calling X. A 429 is
also dated from `x-rate-limit-reset`. Reach is the author's `followers_count` (from `includes.users`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import Mention, MentionParts, mention_from_parts
from crisiswatch.domain.listening.watchlist import XSpec
from crisiswatch.ports import FetchResult

from .base import SourceContext, dump_cursor, load_cursor
from .errors import (
    BudgetExhaustedError,
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
)
from .http import json_of, request, response_of

API_ROOT = "https://api.x.com"
SEARCH_PATH = "/2/tweets/search/recent"
MIN_RESULTS = 10
MAX_RESULTS = 100
SEARCH_WINDOW = timedelta(days=7)
INITIAL_LOOKBACK = timedelta(hours=1)
"""A new source reads the last hour, not the whole 7-day window: every post read is paid for."""
RESERVE_ATTEMPTS = 5
"""Reservations lost to a concurrent fetch before this fetch gives up for now."""
MAX_RAW_CHARS = 20_000
TWEET_FIELDS = "created_at,lang,public_metrics,author_id"
USER_FIELDS = "public_metrics,username"
UNDETERMINED_LANGS = {"zxx", "qam", "qct", "qht", "qme", "qst", "art"}
"""X's pseudo-languages (media only, hashtags only, ...): the language is unknown."""


@dataclass
class _Walk:
    since_id: str | None
    start_time: str | None = None
    next_token: str | None = None
    newest_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if value is not None}


@dataclass
class _Run:
    """What one fetch has gathered so far."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    emitted: set[str] = field(default_factory=set)
    pages_read: int = 0


class XSource:
    def __init__(self, spec: XSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """Why the last fetch stopped early, for the caller to log."""
        root = str(spec.base_url).rstrip("/") if spec.base_url else API_ROOT
        self._url = f"{root}{SEARCH_PATH}"

    def budget_key(self, now: datetime) -> str:
        return f"x:{self.context.brand.name}:{self.spec.id}:{now.astimezone(UTC):%Y-%m}"

    @staticmethod
    def next_month(now: datetime) -> datetime:
        moment = now.astimezone(UTC)
        return datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        state = load_cursor(cursor)
        reset = state.get("rate_reset")
        if _is_int(reset) and reset > now.timestamp():
            raise RateLimitedError(f"{self.name}: rate limit window", datetime.fromtimestamp(reset, UTC))
        walk = _walk_from(state, now)
        run = _Run()
        next_state: dict[str, Any] = {}
        for _ in range(self.spec.max_pages):
            if self.context.out_of_time():
                break
            reserved = self._reserve(now)
            if not reserved:
                if run.pages_read == 0:
                    raise BudgetExhaustedError(
                        f"{self.name}: monthly read budget of {self.spec.monthly_read_budget} is spent",
                        retry_at=self.next_month(now),
                    )
                self.warnings.append("the monthly read budget is spent; the walk resumes next month")
                break
            try:
                page = self._get(walk, reserved, now)
            except SourceError as error:
                if isinstance(error, RateLimitedError):
                    self._release(reserved, now)  # a 429 returns no posts
                    next_state["rate_reset"] = int(error.retry_at.timestamp())
                if run.pages_read == 0:
                    raise
                # Posts already read are paid for: return them; the cursor resumes at the failed page.
                self.warnings.append(f"stopped after {run.pages_read} page(s): {error}")
                break
            if page is None:  # a stale since_id or page token: the walk was reset, try again
                self._release(reserved, now)
                continue
            body, headers = page
            run.pages_read += 1
            walk = self._take(body, walk, reserved, run, now)
            if headers.get("x-rate-limit-remaining") == "0":
                reset_at = headers.get("x-rate-limit-reset", "")
                if reset_at.isdigit() and int(reset_at) > now.timestamp():
                    next_state["rate_reset"] = int(reset_at)
                break
            if walk.next_token is None:
                break
        next_state.update(walk.to_json())
        return FetchResult(run.mentions, dump_cursor(next_state), run.rejected)

    def _take(self, body: dict[str, Any], walk: _Walk, reserved: int, run: _Run, now: datetime) -> _Walk:
        """Keep a page's posts, give back the unused reads, and move the walk on."""
        posts = _list(body.get("data"))
        self._release(reserved - len(posts), now)
        self._keep_page(body, posts, walk, run)
        token = _dict(body.get("meta")).get("next_token")
        walk.next_token = token if isinstance(token, str) and token else None
        if walk.next_token is not None:
            return walk
        # The walk reached since_id: the next one starts after its newest post. Nothing read ever: keep
        # the start time (an empty search bills nothing).
        since_id = _newest(walk.newest_id, walk.since_id)
        return _Walk(since_id=since_id, start_time=None if since_id else walk.start_time)

    def _reserve(self, now: datetime) -> int:
        """Reserve the next page's reads: up to 100, at least 10, never past the budget (0 if impossible)."""
        key, limit = self.budget_key(now), self.spec.monthly_read_budget
        for _ in range(RESERVE_ATTEMPTS):
            amount = min(MAX_RESULTS, limit - self.context.usage.used(key))
            if amount < MIN_RESULTS:
                return 0
            if self.context.usage.reserve(key, amount, limit):
                return amount
        return 0  # lost every race to concurrent fetches: they are reading; stop for now

    def _release(self, unused: int, now: datetime) -> None:
        if unused <= 0:
            return
        key = self.budget_key(now)
        try:
            released = self.context.usage.reserve(key, -unused, self.spec.monthly_read_budget)
        except Exception as error:  # the posts are read and returned; a high counter is the safe side
            released = False
            self.warnings.append(f"could not give back {unused} unused reads ({type(error).__name__})")
        if not released:
            self.warnings.append(f"{unused} unused reads stay counted against the budget")

    def _get(self, walk: _Walk, max_results: int, now: datetime) -> tuple[dict[str, Any], Any] | None:
        """One page: its JSON body and headers, or None if X refused the walk's since_id or token."""
        token = self.context.secret().get("bearer_token", "")
        if not token:
            raise SourceAuthError(f"{self.name}: the secret has no bearer_token")
        params: dict[str, Any] = {
            "query": self.spec.query or self.context.brand.default_query(),
            "max_results": max_results,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if walk.since_id:
            params["since_id"] = walk.since_id
        elif walk.start_time:
            # Recent search covers 7 days: a start time older than that is refused.
            params["start_time"] = max(walk.start_time, to_iso(now - SEARCH_WINDOW + timedelta(minutes=1)))
        if walk.next_token:
            params["next_token"] = walk.next_token
        try:
            response = request(
                self.context.session,
                "GET",
                self._url,
                now,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
            )
        except RateLimitedError as limited:
            answer = response_of(limited)
            reset_at = answer.headers.get("x-rate-limit-reset", "") if answer is not None else ""
            if reset_at.isdigit() and int(reset_at) > now.timestamp():
                raise RateLimitedError(str(limited), datetime.fromtimestamp(int(reset_at), UTC)) from None
            raise
        if response.status_code == 400:
            detail = response.text[:2_000]
            if walk.next_token and "token" in detail:
                self.warnings.append("the page token was refused; the walk starts again")
                walk.next_token = None
                return None
            if walk.since_id and "since_id" in detail:
                self.warnings.append("since_id is older than the search window; starting from the lookback")
                walk.since_id, walk.next_token, walk.newest_id = None, None, None
                walk.start_time = to_iso(now - INITIAL_LOOKBACK)
                return None
        if response.status_code != 200:
            raise SourceError(f"{self._url}: HTTP {response.status_code} {response.reason}")
        body = json_of(response)
        if not isinstance(body, dict):
            raise MalformedResponseError(f"{self._url}: the response is not a JSON object")
        return body, response.headers

    def _keep_page(self, body: dict[str, Any], posts: list[Any], walk: _Walk, run: _Run) -> None:
        users = {
            str(user.get("id")): user
            for user in _list(_dict(body.get("includes")).get("users"))
            if isinstance(user, dict)
        }
        for post in posts:
            post_id = post.get("id") if isinstance(post, dict) else None
            if isinstance(post_id, str) and post_id.isdigit():
                walk.newest_id = _newest(walk.newest_id, post_id)
                if post_id in run.emitted:
                    continue
                run.emitted.add(post_id)
            try:
                mention = self._mention(post, users)
            except InvalidMentionError as error:
                run.rejected.append((_raw(post), error.reason))
                continue
            if self.context.brand.matches(mention.text) and self.context.brand.keeps_language(mention.lang):
                run.mentions.append(mention)

    def _mention(self, post: Any, users: dict[str, dict[str, Any]]) -> Mention:
        if not isinstance(post, dict):
            raise InvalidMentionError("post is not an object")
        post_id = post.get("id")
        if not isinstance(post_id, str) or not post_id.isdigit():
            raise InvalidMentionError("post has no numeric id")
        user = users.get(str(post.get("author_id")), {})
        user_metrics = _dict(user.get("public_metrics"))
        username = user.get("username") if isinstance(user.get("username"), str) else ""
        metrics = _dict(post.get("public_metrics"))
        lang = post.get("lang") if isinstance(post.get("lang"), str) else "und"
        return mention_from_parts(
            MentionParts(
                source="x",
                native_id=post_id,
                brand=self.context.brand.name,
                created_at=post.get("created_at"),
                text=post.get("text"),
                author=username or post.get("author_id") or "",
                author_followers=user_metrics.get("followers_count", 0),
                url=f"https://x.com/{username or 'i/web'}/status/{post_id}",
                lang="und" if lang in UNDETERMINED_LANGS else lang,
                engagement={
                    "likes": metrics.get("like_count"),
                    "reposts": metrics.get("retweet_count"),
                    "replies": metrics.get("reply_count"),
                    "quotes": metrics.get("quote_count"),
                    "bookmarks": metrics.get("bookmark_count"),
                    "impressions": metrics.get("impression_count"),
                },
                raw={"post": post, "author": user} if user else {"post": post},
            )
        )


def _walk_from(state: dict[str, Any], now: datetime) -> _Walk:
    def text(key: str) -> str | None:
        value = state.get(key)
        return value if isinstance(value, str) and value else None

    since_id = text("since_id")
    since_id = since_id if since_id and since_id.isdigit() else None
    walk = _Walk(since_id=since_id, start_time=text("start_time"), next_token=text("next_token"))
    newest = text("newest_id")
    walk.newest_id = newest if newest and newest.isdigit() else None
    if walk.since_id is None and walk.start_time is None:
        walk.start_time = to_iso(now - INITIAL_LOOKBACK)
    return walk


def _newest(first: str | None, second: str | None) -> str | None:
    """The larger of two post ids (ids are 64-bit numbers in strings; compare them as numbers)."""
    candidates = [value for value in (first, second) if value and value.isdigit()]
    return max(candidates, key=int) if candidates else None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _raw(item: Any) -> str:
    return json.dumps(item, default=str, ensure_ascii=False)[:MAX_RAW_CHARS]
