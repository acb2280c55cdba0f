"""Bluesky: `app.bsky.feed.searchPosts` (newest first) through an app-password session on a PDS.

The AppView has refused logged-out searchPosts with 403 on and off since 2025, so a session is created
with `com.atproto.server.createSession` and renewed with `refreshSession` when the access token expires.
Sessions are kept per process (PDS, identifier): createSession is limited per account (about 30 per
5 minutes, 300 a day), and a connector object lives for one fetch only.

One search per brand keyword unless the spec gives a query: Bluesky's search has no `OR` (a literal "OR"
is just another word that every result must contain).

Cursor, per query: `since`, the newest post time seen minus a small overlap (late-indexed posts), from
which the next sweep down from the top starts. A sweep cut short by the page budget or the deadline is
saved as `until` (plus `then`, the newest time it saw) and resumed next time. Pages after the first are
asked with `until` = the oldest time on the previous page (+1 ms), not with the API's `cursor`: that
cursor is an offset into the result list, which shifts when a post is deleted between pages. The API
cursor is used only when `until` cannot move (a whole page of posts from the same millisecond).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import Mention, MentionParts, clean_text, mention_from_parts
from crisiswatch.domain.listening.watchlist import BlueskySpec
from crisiswatch.ports import FetchResult

from .base import SourceContext, combined_failure, dump_cursor, load_cursor
from .errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
)
from .http import get, json_of, request

DEFAULT_ROOT = "https://bsky.social"
SEARCH_PATH = "/xrpc/app.bsky.feed.searchPosts"
CREATE_SESSION_PATH = "/xrpc/com.atproto.server.createSession"
REFRESH_SESSION_PATH = "/xrpc/com.atproto.server.refreshSession"
PAGE_SIZE = 100
SINCE_OVERLAP = timedelta(minutes=2)
"""How far back each sweep reaches before the newest post seen: posts indexed late are still found."""
EXPIRY_MARGIN = timedelta(minutes=1)
ONE_MS = timedelta(milliseconds=1)
MAX_RAW_REJECTED = 10_000
_TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})


@dataclass(frozen=True)
class _Session:
    access: str
    refresh: str
    expires: datetime | None
    """When the access token expires (its JWT `exp`), if it says."""


_SESSIONS: dict[tuple[str, str], _Session] = {}
_SESSIONS_LOCK = threading.Lock()


def forget_sessions() -> None:
    """Drop every cached session (tests; or after rotating an app password)."""
    with _SESSIONS_LOCK:
        _SESSIONS.clear()


@dataclass
class _Run:
    """What one fetch has collected so far."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class BlueskySource:
    def __init__(self, spec: BlueskySpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """Queries skipped or cut short in the last fetch, and why; the caller logs them."""
        self._root = str(spec.base_url).rstrip("/") if spec.base_url else DEFAULT_ROOT
        self._credentials: dict[str, str] | None = None
        self._pages_read = 0

    # ----- fetch ----------------------------------------------------------------------------------

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        self._pages_read = 0
        state = load_cursor(cursor)
        saved = state.get("queries")
        queries: dict[str, Any] = dict(saved) if isinstance(saved, dict) else {}
        run = _Run()
        failures: list[SourceError] = []
        attempted = 0
        for query in self._queries():
            previous = queries.get(query)
            query_state: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
            attempted += 1
            try:
                self._sweep(query, query_state, run, now)
            except (SourceAuthError, RateLimitedError) as error:
                # The session or the account's rate limit: every other query would fail the same way.
                queries[query] = query_state
                if self._pages_read == 0:
                    raise
                self.warnings.append(f"{query!r}: {error}; the rest waits for the next fetch")
                break
            except SourceError as error:
                failures.append(error)
                self.warnings.append(f"{query!r}: {error}")
            queries[query] = query_state  # always matches the pages whose posts are in `run`
        if failures and len(failures) == attempted and self._pages_read == 0:
            raise combined_failure("bluesky", "query", failures)
        run.mentions.sort(key=lambda mention: mention.created_at)
        # Only the queries the spec still asks: a removed keyword or a changed query is dropped.
        kept = {query: queries[query] for query in self._queries() if queries.get(query)}
        return FetchResult(run.mentions, dump_cursor({"queries": kept}), run.rejected)

    def _queries(self) -> list[str]:
        if self.spec.query:
            return [self.spec.query]
        keywords = (f'"{keyword}"' if " " in keyword else keyword for keyword in self.context.brand.keywords)
        return list(dict.fromkeys(keywords))

    def _sweep(self, query: str, state: dict[str, Any], run: _Run, now: datetime) -> None:
        """Read from the top (or where the last sweep stopped) down to `since`, updating `state` per page."""
        first_ever = "since" not in state
        pages = 0
        while pages < self.spec.max_pages and not self.context.out_of_time():
            params = {"q": query, "sort": "latest", "limit": str(PAGE_SIZE)}
            for name in ("since", "until", "cursor"):
                if isinstance(state.get(name), str) and state[name]:
                    params[name] = state[name]
            payload = self._search(params, now)
            pages += 1
            posts: list[Any] = payload["posts"]
            newest: datetime | None = _time(state.get("then"))
            oldest: datetime | None = None
            for post in posts:
                self._accept(post, run)
                times = list(_post_times(post))
                if times:
                    # The search orders by a post's sort time, about min(createdAt, indexedAt): the
                    # watermark takes the lower (never too late), the next `until` the higher (never too
                    # early), so neither can skip a post.
                    newest = max(newest, min(times)) if newest else min(times)
                    oldest = min(oldest, max(times)) if oldest else max(times)
            if newest is not None:
                state["then"] = _iso(min(newest, now))
            api_cursor = payload.get("cursor")
            if first_ever or not posts or not isinstance(api_cursor, str) or not api_cursor:
                # The sweep is over (or this was the very first poll: newest page only, no backfill).
                self._finish_sweep(state, now)
                return
            until = _time(state.get("until"))
            if oldest is not None and (until is None or oldest + ONE_MS < until):
                state["until"] = _iso(oldest + ONE_MS)
                state.pop("cursor", None)
            else:
                state["cursor"] = api_cursor  # same since/until as the page it continues

    @staticmethod
    def _finish_sweep(state: dict[str, Any], now: datetime) -> None:
        then, since = _time(state.get("then")), _time(state.get("since"))
        candidates = [moment for moment in (then - SINCE_OVERLAP if then else None, since) if moment]
        start = max(candidates) if candidates else now - SINCE_OVERLAP
        state.clear()
        state["since"] = _iso(start)

    # ----- items ----------------------------------------------------------------------------------

    def _accept(self, post: Any, run: _Run) -> None:
        if not isinstance(post, dict):
            run.rejected.append((_raw(post), "a post must be a JSON object"))
            return
        uri = post.get("uri")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            run.rejected.append((_raw(post), "missing or invalid 'uri'"))
            return
        if uri in run.seen:
            return
        run.seen.add(uri)
        record, author = post.get("record"), post.get("author")
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            run.rejected.append((_raw(post), f"{uri}: 'record.text' must be a string"))
            return
        if not isinstance(author, dict):
            run.rejected.append((_raw(post), f"{uri}: 'author' must be an object"))
            return
        text: str = record["text"]
        langs = record.get("langs")
        # Every language the author declared ("de,en"): identification at ingest chooses among them.
        tags = [tag for tag in langs[:5] if isinstance(tag, str) and tag] if isinstance(langs, list) else []
        lang = ",".join(tags) or "und"
        brand = self.context.brand
        if not brand.matches(clean_text(text)[0]) or not brand.keeps_language(lang or "und"):
            return
        handle, did = author.get("handle"), author.get("did")
        profile = handle if isinstance(handle, str) and handle and handle != "handle.invalid" else did
        rkey = uri.rsplit("/", 1)[-1]
        try:
            mention = mention_from_parts(
                MentionParts(
                    source="bluesky",
                    native_id=uri,
                    brand=brand.name,
                    created_at=record.get("createdAt"),
                    text=text,
                    author=profile or "",
                    # searchPosts' author view (profileViewBasic) usually has no followersCount: 0 then.
                    author_followers=author.get("followersCount", 0),
                    url=f"https://bsky.app/profile/{profile}/post/{rkey}" if isinstance(profile, str) else "",
                    lang=lang or "und",
                    engagement={
                        "likes": post.get("likeCount"),
                        "reposts": post.get("repostCount"),
                        "replies": post.get("replyCount"),
                        "quotes": post.get("quoteCount"),
                    },
                    raw=post,
                )
            )
        except InvalidMentionError as error:
            run.rejected.append((_raw(post), f"{uri}: {error.reason}"))
            return
        run.mentions.append(mention)

    # ----- HTTP and the session -------------------------------------------------------------------

    def _search(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        url = f"{self._root}{SEARCH_PATH}"
        session = self._session(now)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {session.access}"}
            try:
                response = get(
                    self.context.session,
                    url,
                    now,
                    params=params,
                    headers=headers,
                    timeout=self.context.timeout(),
                )
            except SourceAuthError:
                # 401: the session is gone; 403: the AppView refuses search. Log in afresh next time.
                self._forget()
                raise
            if response.status_code == 200:
                payload = json_of(response)
                if not isinstance(payload, dict) or not isinstance(payload.get("posts"), list):
                    raise MalformedResponseError(f"{url}: no 'posts' array")
                self._pages_read += 1
                return payload
            error = _xrpc_error(response)
            if response.status_code == 400 and error in _TOKEN_ERRORS and attempt == 1:
                session = self._refreshed(session, now)
                continue
            raise SourceError(f"{url}: {response.status_code} {error or response.reason}")
        raise SourceAuthError(f"{url}: the access token was refused twice")  # pragma: no cover

    def _session(self, now: datetime) -> _Session:
        key = self._cache_key()
        with _SESSIONS_LOCK:
            cached = _SESSIONS.get(key)
        if cached is None:
            return self._create_session(now)
        if cached.expires is not None and cached.expires - EXPIRY_MARGIN <= now:
            return self._refreshed(cached, now)
        return cached

    def _create_session(self, now: datetime) -> _Session:
        secret = self._secret()
        identifier, password = secret.get("identifier"), secret.get("password")
        if not identifier or not password:
            raise SourceAuthError("bluesky secret needs 'identifier' and 'password' (an app password)")
        url = f"{self._root}{CREATE_SESSION_PATH}"
        response = request(
            self.context.session,
            "POST",
            url,
            now,
            json_body={"identifier": identifier, "password": password},
            timeout=self.context.timeout(),
        )
        if response.status_code != 200:
            raise SourceAuthError(f"{url}: {response.status_code} {_xrpc_error(response) or response.reason}")
        return self._store(response, url)

    def _refreshed(self, stale: _Session, now: datetime) -> _Session:
        url = f"{self._root}{REFRESH_SESSION_PATH}"
        try:
            response = request(
                self.context.session,
                "POST",
                url,
                now,
                headers={"Authorization": f"Bearer {stale.refresh}"},
                timeout=self.context.timeout(),
            )
        except SourceAuthError:
            response = None
        if response is None or response.status_code != 200:
            self._forget()  # the refresh token expired or was revoked too: log in again
            return self._create_session(now)
        return self._store(response, url)

    def _store(self, response: requests.Response, url: str) -> _Session:
        payload = json_of(response)
        access = payload.get("accessJwt") if isinstance(payload, dict) else None
        refresh = payload.get("refreshJwt") if isinstance(payload, dict) else None
        if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
            raise MalformedResponseError(f"{url}: no accessJwt/refreshJwt in the answer")
        session = _Session(access, refresh, _jwt_expiry(access))
        with _SESSIONS_LOCK:
            _SESSIONS[self._cache_key()] = session
        return session

    def _forget(self) -> None:
        with _SESSIONS_LOCK:
            _SESSIONS.pop(self._cache_key(), None)

    def _cache_key(self) -> tuple[str, str]:
        return self._root, self._secret().get("identifier") or ""

    def _secret(self) -> dict[str, str]:
        if self._credentials is None:
            self._credentials = self.context.secret()
        return self._credentials


def _xrpc_error(response: requests.Response) -> str:
    """The XRPC error name (`{"error": "ExpiredToken", "message": ...}`), or "" when there is none."""
    try:
        payload = json_of(response)
    except MalformedResponseError:
        return ""
    error = payload.get("error") if isinstance(payload, dict) else None
    return error[:100] if isinstance(error, str) else ""


def _jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim, read without verifying (only to renew early); None when it is not a JWT."""
    try:
        body = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        return datetime.fromtimestamp(float(claims["exp"]), UTC)
    except (IndexError, ValueError, binascii.Error, KeyError, TypeError, OverflowError, OSError):
        return None


def _post_times(post: Any) -> Iterator[datetime]:
    if not isinstance(post, dict):
        return
    record = post.get("record")
    for value in (record.get("createdAt") if isinstance(record, dict) else None, post.get("indexedAt")):
        moment = _time(value)
        if moment is not None:
            yield moment


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_iso(value)
    except (ValueError, OverflowError):
        return None


def _iso(moment: datetime) -> str:
    """AT Protocol datetime: UTC, millisecond precision, `Z`."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _raw(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, default=str)[:MAX_RAW_REJECTED]
