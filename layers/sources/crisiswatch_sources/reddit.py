"""Reddit: keyword search of posts and the newest comments of chosen subreddits.

Two modes: `oauth` (a "script" app: password grant, 100 requests a minute per client id) and `anonymous`
(the public `.json` pages, about 10 a minute). Comments cannot be searched through the API (search's
`type` takes `link`, `sr` and `user` only), so comments come from `/r/{sub}/comments` listings.

Cursor, per listing (`search:<query>`, `r/<sub>`): `before` is the fullname at the top of what we have
read and `watermark` the newest `created_utc` seen. A poll asks for `before=<that fullname>` and pages upward
while Reddit says there is more. When that answers nothing, the anchor may simply be the newest item,
or it may have been deleted or removed (then `before` returns nothing forever): we walk down from the
top with `after` until we meet the anchor or an item older than the watermark. A walk cut short by the
page budget or the deadline is saved in the cursor (`walk`) and resumed first next time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import Mention, MentionParts, clean_text, mention_from_parts
from crisiswatch.domain.listening.watchlist import RedditSpec
from crisiswatch.ports import FetchResult

from .base import SourceContext, combined_failure, dump_cursor, load_cursor
from .errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
)
from .http import get, json_of, request

OAUTH_ROOT = "https://oauth.reddit.com"
WWW_ROOT = "https://www.reddit.com"
TOKEN_PATH = "/api/v1/access_token"  # noqa: S105 (a path, not a secret)
PAGE_SIZE = 100
TOKEN_MARGIN = timedelta(minutes=1)
"""A token is renewed this long before Reddit says it expires."""
MAX_RAW_REJECTED = 10_000
_AUTHOR_REACH_KEYS = ("author_karma", "author_total_karma", "total_karma")


@dataclass(frozen=True)
class _Listing:
    key: str
    path: str
    params: Mapping[str, str]


@dataclass
class _Page:
    children: list[Any]
    before: str | None
    after: str | None


@dataclass
class _Run:
    """What one fetch has collected so far."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class _RateLimitStopError(Exception):
    """Reddit said no requests are left in this period: stop paging, keep what we have."""


class RedditSource:
    def __init__(self, spec: RedditSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """Listings skipped in the last fetch (a private or banned subreddit...); the caller logs them."""
        self._token: str | None = None
        self._token_expires: datetime | None = None
        self._user_agent: str | None = None
        self._limited_until: datetime | None = None
        """Set from `X-Ratelimit-*` when Reddit says no requests are left; no request goes out before it."""
        self._pages_read = 0

    # ----- fetch ----------------------------------------------------------------------------------

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        self._pages_read = 0
        if self._limited_until is not None and self._limited_until > now:
            raise RateLimitedError("reddit: no requests left in this period", self._limited_until)
        state = load_cursor(cursor)
        saved = state.get("listings")
        listings: dict[str, Any] = dict(saved) if isinstance(saved, dict) else {}
        if self.spec.auth == "oauth" and not self.context.out_of_time():
            self._access_token(now)  # refused credentials fail the whole fetch, not each listing
        run = _Run()
        failures: list[SourceError] = []
        attempted = 0
        current = self._listings()
        for listing in current:
            previous = listings.get(listing.key)
            listing_state: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
            attempted += 1
            try:
                self._read_listing(listing, listing_state, run, now)
            except _RateLimitStopError:
                listings[listing.key] = listing_state
                break
            except RateLimitedError as error:
                # Reddit limits the client, not the listing: the other listings would be refused too.
                self._limited_until = max(error.retry_at, self._limited_until or error.retry_at)
                self.warnings.append(f"{listing.key}: {error}")
                listings[listing.key] = listing_state
                break
            except SourceError as error:
                # One listing failing (a private or banned subreddit, a 5xx) does not cost the others.
                failures.append(error)
                self.warnings.append(f"{listing.key}: {error}")
            # Saved even after an error: it only ever covers pages whose items are in `run`.
            listings[listing.key] = listing_state
        if self._pages_read == 0:
            if self._limited_until is not None and self._limited_until > now:
                raise RateLimitedError("reddit: no requests left in this period", self._limited_until)
            if failures and len(failures) == attempted:
                raise combined_failure("reddit", "listing", failures)
        run.mentions.sort(key=lambda mention: mention.created_at)
        # Only the listings the spec still names: a removed subreddit or a changed query is dropped.
        kept = {listing.key: listings[listing.key] for listing in current if listings.get(listing.key)}
        return FetchResult(run.mentions, dump_cursor({"listings": kept}), run.rejected)

    def _listings(self) -> list[_Listing]:
        oauth = self.spec.auth == "oauth"
        query = self.spec.query or self.context.brand.default_query()
        listings = [
            _Listing(
                f"search:{query}",  # another query is another listing: its anchors mean nothing here
                "/search" if oauth else "/search.json",
                {"q": query, "sort": "new", "type": "link", "limit": str(PAGE_SIZE), "raw_json": "1"},
            )
        ]
        for subreddit in self.spec.subreddits:
            path = f"/r/{subreddit}/comments" if oauth else f"/r/{subreddit}/comments.json"
            listings.append(
                _Listing(f"r/{subreddit.lower()}", path, {"limit": str(PAGE_SIZE), "raw_json": "1"})
            )
        return listings

    def _read_listing(self, listing: _Listing, state: dict[str, Any], run: _Run, now: datetime) -> None:
        """Read one listing, updating `state` after each page so it always matches what `run` holds."""
        pages = 0
        while pages < self.spec.max_pages and not self.context.out_of_time():
            if isinstance(state.get("walk"), dict):
                pages += 1
                if self._walk_step(listing, state, run, now):
                    return  # the walk reached what we had: the next poll goes forward from its top
                continue
            anchor = state.get("before")
            if not isinstance(anchor, str) or not anchor:
                # First poll of this listing: its newest page only (we watch from now on, no backfill).
                page = self._page(listing, now)
                pages += 1
                self._take(page.children, run, state)
                top = _first_name(page.children)
                if top:
                    state["before"] = top
                return
            page = self._page(listing, now, before=anchor)
            pages += 1
            if not page.children:
                # Nothing newer than the anchor, or the anchor was deleted/removed and `before` finds
                # nothing ever again: walk down from the top to the watermark to tell which.
                state["walk"] = {"after": None, "floor": _number(state.get("watermark")), "anchor": anchor}
                continue
            self._take(page.children, run, state)
            # `before` pages upward: the next anchor is the top of this page (listing order, not time).
            state["before"] = page.before or _first_name(page.children) or anchor
            if not page.before:
                return

    def _walk_step(self, listing: _Listing, state: dict[str, Any], run: _Run, now: datetime) -> bool:
        """One page of a walk down from the top; True when it is over."""
        walk: dict[str, Any] = state["walk"]
        after = walk.get("after")
        page = self._page(listing, now, after=after if isinstance(after, str) else None)
        if after is None:
            walk["top"] = _first_name(page.children)
        floor = _number(walk.get("floor"))
        anchor = walk.get("anchor")
        reached = not page.children
        fresh: list[Any] = []
        for child in page.children:
            data = child.get("data") if isinstance(child, dict) else None
            name = data.get("name") if isinstance(data, dict) else None
            created = data.get("created_utc") if isinstance(data, dict) else None
            # Only a readable time can say "older than what we had": a broken item must not end the walk.
            if name == anchor or (floor and _is_number(created) and _number(created) < floor):
                reached = True  # out-of-order neighbours on this page are still checked
                continue
            fresh.append(child)
        self._take(fresh, run, state)
        next_after = page.after or _last_name(page.children)
        if reached or not next_after:
            top = walk.get("top")
            state.pop("walk")
            if isinstance(top, str) and top:
                state["before"] = top
            return True
        walk["after"] = next_after
        return False

    # ----- items ----------------------------------------------------------------------------------

    def _take(self, children: list[Any], run: _Run, state: dict[str, Any]) -> None:
        for child in children:
            created = self._accept(child, run)
            if created is not None and created > _number(state.get("watermark")):
                state["watermark"] = created

    def _accept(self, child: Any, run: _Run) -> float | None:
        """Keep, drop or reject one listing item; returns its `created_utc` when it could be read."""
        if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
            run.rejected.append((_raw(child), "not a listing item (no 'data' object)"))
            return None
        kind, data = child.get("kind"), child["data"]
        if kind not in ("t1", "t3"):
            return None  # "more" stubs and anything else that is not a post or a comment
        name = data.get("name")
        created = data.get("created_utc")
        readable_time = float(created) if _is_number(created) else None
        if not isinstance(name, str) or not name:
            run.rejected.append((_raw(child), "missing fullname ('name')"))
            return readable_time
        if name in run.seen:
            return readable_time
        run.seen.add(name)
        if kind == "t3":
            parts: tuple[Any, ...] = (data.get("title"), data.get("selftext"))
            engagement = {"score": data.get("score"), "num_comments": data.get("num_comments")}
        else:
            parts = (data.get("body"),)
            engagement = {"score": data.get("score")}
        if any(part is not None and not isinstance(part, str) for part in parts):
            run.rejected.append((_raw(child), f"{name}: text fields must be strings"))
            return readable_time
        text = "\n\n".join(part for part in parts if isinstance(part, str) and part)
        lang = "und"  # Reddit does not say which language an item is in
        if not self.context.brand.matches(clean_text(text)[0]) or not self.context.brand.keeps_language(lang):
            return readable_time
        permalink = data.get("permalink")
        try:
            mention = mention_from_parts(
                MentionParts(
                    source="reddit",
                    native_id=name,
                    brand=self.context.brand.name,
                    created_at=created,
                    text=text,
                    author=data.get("author") or "",
                    # Listings carry no follower counts. Karma is the closest thing to reach and is used only
                    # when a payload happens to carry it; otherwise reach is unknown, reported as 0.
                    author_followers=_author_reach(data),
                    url=f"{WWW_ROOT}{permalink}" if isinstance(permalink, str) and permalink else "",
                    lang=lang,
                    engagement=engagement,
                    raw=child,
                )
            )
        except InvalidMentionError as error:
            run.rejected.append((_raw(child), f"{name}: {error.reason}"))
            return readable_time
        run.mentions.append(mention)
        return readable_time

    # ----- HTTP -----------------------------------------------------------------------------------

    def _page(
        self, listing: _Listing, now: datetime, *, before: str | None = None, after: str | None = None
    ) -> _Page:
        if self._limited_until is not None and self._limited_until > now:
            raise _RateLimitStopError
        params = dict(listing.params)
        if before:
            params["before"] = before
        if after:
            params["after"] = after
        if self.spec.auth == "oauth":
            token = self._access_token(now)
            root = self._root(OAUTH_ROOT)
            headers = {"Authorization": f"bearer {token}", "User-Agent": self._user_agent or ""}
        else:
            root = self._root(WWW_ROOT)
            headers = {}
        url = f"{root}{listing.path}"
        timeout = self.context.timeout()
        response = get(self.context.session, url, now, params=params, headers=headers, timeout=timeout)
        self._note_rate_limit(response, now)
        if response.status_code != 200:  # 404: a banned or missing subreddit
            raise SourceError(f"{url}: {response.status_code} {response.reason}")
        payload = json_of(response)
        data = payload.get("data") if isinstance(payload, dict) else None
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(children, list):
            raise MalformedResponseError(f"{url}: not a listing")
        self._pages_read += 1
        run_before, run_after = data.get("before"), data.get("after")
        return _Page(
            children,
            run_before if isinstance(run_before, str) and run_before else None,
            run_after if isinstance(run_after, str) and run_after else None,
        )

    def _note_rate_limit(self, response: requests.Response, now: datetime) -> None:
        remaining = _float_header(response, "X-Ratelimit-Remaining")
        if remaining is None or remaining >= 1:
            return
        reset = _float_header(response, "X-Ratelimit-Reset")
        self._limited_until = now + timedelta(seconds=reset if reset is not None else 60)

    def _access_token(self, now: datetime) -> str:
        if self._token and self._token_expires and now < self._token_expires:
            return self._token
        secret = self.context.secret()
        try:
            client_id, client_secret = secret["client_id"], secret["client_secret"]
            username, password = secret["username"], secret["password"]
        except KeyError as missing:
            raise SourceAuthError(f"reddit secret lacks {missing}") from None
        self._user_agent = f"python:crisiswatch:0.1 (by /u/{username})"
        url = f"{self._root(WWW_ROOT)}{TOKEN_PATH}"
        response = request(
            self.context.session,
            "POST",
            url,
            now,
            data={"grant_type": "password", "username": username, "password": password},
            auth=(client_id, client_secret),
            headers={"User-Agent": self._user_agent},
            timeout=self.context.timeout(),
        )
        payload = json_of(response)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            error = payload.get("error") if isinstance(payload, dict) else None
            raise SourceAuthError(f"{url}: no token ({response.status_code}, {error or 'no access_token'})")
        expires_in = payload.get("expires_in")
        lifetime = float(expires_in) if _is_number(expires_in) else 3600.0
        self._token = token
        self._token_expires = now + timedelta(seconds=lifetime) - TOKEN_MARGIN
        return token

    def _root(self, default: str) -> str:
        return str(self.spec.base_url).rstrip("/") if self.spec.base_url else default


def _first_name(children: list[Any]) -> str | None:
    return next(_names(children), None)


def _last_name(children: list[Any]) -> str | None:
    return next(_names(reversed(children)), None)


def _names(children: Any) -> Iterator[str]:
    for child in children:
        data = child.get("data") if isinstance(child, dict) else None
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name:
            yield name


def _author_reach(data: dict[str, Any]) -> int:
    for key in _AUTHOR_REACH_KEYS:
        value = data.get(key)
        if _is_number(value):
            return max(int(_number(value)), 0)
    return 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any) -> float:
    return float(value) if _is_number(value) else 0.0


def _float_header(response: requests.Response, name: str) -> float | None:
    try:
        return float(response.headers.get(name, ""))
    except ValueError:
        return None


def _raw(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, default=str)[:MAX_RAW_REJECTED]
