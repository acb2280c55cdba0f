"""Mastodon: hashtag timelines (and optionally status search) on several instances, without a token.

Each instance sees a different slice of the fediverse, so several are polled; the same status reached
through two instances carries the same federated `uri`, which is its native id (else `host/id`).

Cursor, per instance and hashtag (`timelines`, `<instance>|#<tag>`): the `min_id` to ask from.
`min_id` returns the page of statuses immediately newer than it (newest first within the page), and the
`Link` header's `rel="prev"` names the next newer page; ids are keys, not offsets, so a status deleted
between pages shifts nothing. The cursor moves after each page, so a fetch cut short by the page budget
or the deadline resumes exactly there.

Status search (`searches`, `<instance>|search:<keyword>`) cannot page with `offset` without a token and
treats `min_id` as a lower bound (newest first, like `since_id`), so it is swept from the top down with
`max_id` to the newest id of the previous sweep (`min_id`); a sweep cut short saves `max_id` and `then`
(the newest id it saw) and is finished first next time.

One instance failing (a 401 because it closed its public timelines, a 5xx, its rate limit) is reported
in `warnings` and the others go on; only when every instance fails does the fetch raise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import requests

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import Mention, MentionParts, clean_text, mention_from_parts
from crisiswatch.domain.listening.watchlist import MastodonSpec
from crisiswatch.ports import FetchResult

from .base import SourceContext, combined_failure, dump_cursor, load_cursor
from .errors import MalformedResponseError, RateLimitedError, SourceError
from .http import get, json_of

PAGE_SIZE = 40
"""The most Mastodon returns per page."""
MAX_RAW_REJECTED = 10_000
SEARCH_OVERLAP_MS = 2_000
"""How far below the last newest id a search sweep's lower bound is sent (see `_earlier_id`)."""
RATE_WINDOW = timedelta(minutes=5)
"""Mastodon's default rate-limit window (300 requests per 5 minutes)."""


@dataclass
class _Run:
    """What one fetch has collected so far."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class _InstanceLimitedError(Exception):
    """The instance said no requests are left until `retry_at`: stop asking it, keep what we have."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(retry_at)
        self.retry_at = retry_at


class MastodonSource:
    def __init__(self, spec: MastodonSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """Instances skipped or partly read in the last fetch, and why; the caller logs them."""
        self._limited_until: dict[str, datetime] = {}
        self._access_notes: dict[str, str | None] = {}
        """Per instance: why its hashtag feeds come back empty (`timelines_access`), once looked up."""
        self._pages = 0
        """Pages read so far (to tell "limited before reading anything" from "cut short")."""

    # ----- fetch ----------------------------------------------------------------------------------

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        state = load_cursor(cursor)
        saved = state.get("timelines")
        timelines: dict[str, str] = (
            {key: value for key, value in saved.items() if isinstance(value, str)}
            if isinstance(saved, dict)
            else {}
        )
        saved_searches = state.get("searches")
        searches: dict[str, dict[str, str]] = (
            {key: dict(value) for key, value in saved_searches.items() if isinstance(value, dict)}
            if isinstance(saved_searches, dict)
            else {}
        )
        run = _Run()
        failures: list[SourceError] = []
        for instance in self.spec.instances:
            root = str(instance).rstrip("/")
            pages_before = self._pages
            try:
                self._read_instance(root, timelines, searches, run, now)
            except _InstanceLimitedError as limited:
                if self._pages == pages_before:
                    failures.append(RateLimitedError(f"{root}: rate limited", limited.retry_at))
                self.warnings.append(f"instance {root}: rate limited until {limited.retry_at.isoformat()}")
            except SourceError as error:
                if self._pages == pages_before:  # else it was read in part: what it gave is kept
                    failures.append(error)
                self.warnings.append(f"instance {root}: {error}")
        if failures and len(failures) == len(self.spec.instances):
            raise combined_failure("mastodon", "instance", failures)
        run.mentions.sort(key=lambda mention: mention.created_at)
        # Only what the spec still names: a removed instance, tag or keyword is dropped.
        roots = [str(instance).rstrip("/") for instance in self.spec.instances]
        tag_keys = {_tag_key(root, tag) for root in roots for tag in self.spec.hashtags}
        search_keys = (
            {_search_key(root, keyword) for root in roots for keyword in self.context.brand.keywords}
            if self.spec.search
            else set()
        )
        kept = {
            "timelines": {key: value for key, value in timelines.items() if key in tag_keys},
            "searches": {key: value for key, value in searches.items() if key in search_keys and value},
        }
        return FetchResult(run.mentions, dump_cursor(kept), run.rejected)

    def _read_instance(
        self,
        root: str,
        timelines: dict[str, str],
        searches: dict[str, dict[str, str]],
        run: _Run,
        now: datetime,
    ) -> None:
        for tag in self.spec.hashtags:
            self._read_tag(root, tag, timelines, run, now)
        if self.spec.search:
            for keyword in self.context.brand.keywords:
                self._read_search(
                    root, keyword, searches.setdefault(_search_key(root, keyword), {}), run, now
                )

    def _read_tag(self, root: str, tag: str, timelines: dict[str, str], run: _Run, now: datetime) -> None:
        key = _tag_key(root, tag)
        url = f"{root}/api/v1/timelines/tag/{quote(tag)}"
        pages = 0
        while pages < self.spec.max_pages and not self.context.out_of_time():
            min_id = timelines.get(key)
            params = {"limit": str(PAGE_SIZE)}
            if min_id:
                params["min_id"] = min_id
            response, statuses = self._get_list(root, url, params, now)
            pages += 1
            if not statuses:
                if not min_id:  # never had anything from this feed: it may be closed
                    self._explain_empty_feed(root, now)
                return
            for status in statuses:
                self._accept(status, root, run)
            newest = _next_min_id(response, statuses)
            if newest and (not min_id or _id_key(newest) > _id_key(min_id)):
                timelines[key] = newest
            if not min_id or len(statuses) < PAGE_SIZE:
                # First poll: the newest page only (we watch from now on). A short page: nothing newer.
                return

    def _read_search(self, root: str, keyword: str, state: dict[str, str], run: _Run, now: datetime) -> None:
        """Sweep status search for one keyword from the top down to the last sweep's newest id."""
        first_ever = "min_id" not in state
        # Mastodon search has no OR: one query per keyword, a phrase quoted.
        query = f'"{keyword}"' if " " in keyword else keyword
        url = f"{root}/api/v2/search"
        pages = 0
        while pages < self.spec.max_pages and not self.context.out_of_time():
            floor, resume = state.get("min_id"), state.get("max_id")
            params = {"q": query, "type": "statuses", "limit": str(PAGE_SIZE)}
            if floor:
                params["min_id"] = _earlier_id(floor)
            if resume:
                params["max_id"] = resume
            payload = json_of(self._get(root, url, params, now))
            statuses = payload.get("statuses") if isinstance(payload, dict) else None
            if not isinstance(statuses, list):
                raise MalformedResponseError(f"{url}: no 'statuses' array")
            self._pages += 1
            pages += 1
            # Bounds are checked here as well: the instance may round them (to the second) or ignore them.
            fresh: list[Any] = []
            reached = False
            for status in statuses:
                status_id = _entry_id(status)
                if status_id and floor and _id_key(status_id) <= _id_key(floor):
                    reached = True  # only a readable id can say so: a broken status is just rejected
                elif not (status_id and resume and _id_key(status_id) >= _id_key(resume)):
                    fresh.append(status)
            for status in fresh:
                self._accept(status, root, run)
            newest, oldest = _newest_id(fresh), _oldest_id(fresh)
            if newest and (not state.get("then") or _id_key(newest) > _id_key(state["then"])):
                state["then"] = newest
            # Not "a short page": servers may cap `limit` below 40. The bound sent early usually brings
            # the last newest status back, which ends the sweep without an extra request.
            if first_ever or reached or oldest is None:
                # Reached the last sweep's newest (or the first poll: newest page only).
                then = state.get("then") or floor
                state.clear()
                if then:
                    state["min_id"] = then
                return
            state["max_id"] = oldest

    # ----- items ----------------------------------------------------------------------------------

    def _accept(self, entry: Any, root: str, run: _Run) -> None:
        if not isinstance(entry, dict):
            run.rejected.append((_raw(entry), "a status must be a JSON object"))
            return
        # A boost counts as the status it boosts: same native id, so both dedupe to one mention.
        status = entry["reblog"] if isinstance(entry.get("reblog"), dict) else entry
        status_id, uri = status.get("id"), status.get("uri")
        if isinstance(uri, str) and uri:
            native_id = uri
        elif isinstance(status_id, str | int) and not isinstance(status_id, bool) and str(status_id):
            native_id = f"{_host_and_prefix(root)}/{status_id}"
        else:
            run.rejected.append((_raw(entry), "status without 'uri' or 'id'"))
            return
        if native_id in run.seen:
            return
        run.seen.add(native_id)
        content, spoiler = status.get("content"), status.get("spoiler_text")
        account = status.get("account")
        if not isinstance(content, str) or (spoiler is not None and not isinstance(spoiler, str)):
            run.rejected.append((_raw(entry), f"{native_id}: 'content' must be a string"))
            return
        if not isinstance(account, dict):
            run.rejected.append((_raw(entry), f"{native_id}: 'account' must be an object"))
            return
        # The content warning is part of what was said (and is often where a complaint is summed up).
        text = f"{spoiler}\n{content}" if spoiler else content
        language = status.get("language")
        lang = language if isinstance(language, str) and language else "und"
        brand = self.context.brand
        if not brand.matches(clean_text(text)[0]) or not brand.keeps_language(lang):
            return
        url = status.get("url") or uri or ""
        try:
            mention = mention_from_parts(
                MentionParts(
                    source="mastodon",
                    native_id=native_id,
                    brand=brand.name,
                    created_at=status.get("created_at"),
                    text=text,
                    author=_author(account.get("acct"), root),
                    author_followers=account.get("followers_count", 0),
                    url=url,
                    lang=lang,
                    engagement={
                        "favourites": status.get("favourites_count"),
                        "reblogs": status.get("reblogs_count"),
                        "replies": status.get("replies_count"),
                    },
                    raw=entry,
                )
            )
        except InvalidMentionError as error:
            run.rejected.append((_raw(entry), f"{native_id}: {error.reason}"))
            return
        run.mentions.append(mention)

    def _explain_empty_feed(self, root: str, now: datetime) -> None:
        """An empty hashtag feed may mean the instance closed it (`timelines_access`): look once, say so."""
        if root not in self._access_notes:
            self._access_notes[root] = self._hashtag_access_note(root, now)
        note = self._access_notes[root]
        if note:
            self.warnings.append(f"instance {root}: {note}")

    def _hashtag_access_note(self, root: str, now: datetime) -> str | None:
        try:
            response = self._get(root, f"{root}/api/v2/instance", {}, now)
            payload = json_of(response)
        except (SourceError, _InstanceLimitedError):
            return None  # an older server without the setting, or a hiccup: nothing to add
        configuration = payload.get("configuration") if isinstance(payload, dict) else None
        access = configuration.get("timelines_access") if isinstance(configuration, dict) else None
        feeds = access.get("hashtag_feeds") if isinstance(access, dict) else None
        if not isinstance(feeds, dict):
            return None
        closed = {scope: value for scope, value in feeds.items() if value != "public"}
        if not closed:
            return None
        described = ", ".join(f"{scope}={value}" for scope, value in sorted(closed.items()))
        return f"hashtag feeds are not public without a login (timelines_access: {described})"

    # ----- HTTP -----------------------------------------------------------------------------------

    def _get_list(
        self, root: str, url: str, params: Mapping[str, str], now: datetime
    ) -> tuple[requests.Response, list[Any]]:
        response = self._get(root, url, params, now)
        payload = json_of(response)
        if not isinstance(payload, list):
            raise MalformedResponseError(f"{url}: expected a JSON array of statuses")
        self._pages += 1
        return response, payload

    def _get(self, root: str, url: str, params: Mapping[str, str], now: datetime) -> requests.Response:
        limited = self._limited_until.get(root)
        if limited is not None and limited > now:
            raise _InstanceLimitedError(limited)
        timeout = self.context.timeout()
        response = get(self.context.session, url, now, params=dict(params), timeout=timeout)
        self._note_rate_limit(root, response, now)
        if response.status_code != 200:
            raise SourceError(f"{url}: {response.status_code} {response.reason}")
        return response

    def _note_rate_limit(self, root: str, response: requests.Response, now: datetime) -> None:
        try:
            remaining = int(response.headers.get("X-RateLimit-Remaining", ""))
        except ValueError:
            return
        if remaining > 0:
            return
        try:
            reset = parse_iso(response.headers.get("X-RateLimit-Reset", ""))
        except (ValueError, OverflowError):
            reset = now + RATE_WINDOW  # no usable reset time: wait out one whole window
        self._limited_until[root] = max(reset, now)


def _tag_key(root: str, tag: str) -> str:
    return f"{root}|#{tag.lower()}"


def _search_key(root: str, keyword: str) -> str:
    return f"{root}|search:{keyword.casefold()}"


def _next_min_id(response: requests.Response, statuses: list[Any]) -> str | None:
    """Where the next newer page starts: the `min_id` of the `Link: <...>; rel="prev"` URL.

    That is the newest id of this page; should the two ever differ, the lower one is kept (a page read
    twice is deduped, a page skipped is lost)."""
    newest = _newest_id(statuses)
    prev = response.links.get("prev", {}).get("url")
    values = parse_qs(urlsplit(prev).query).get("min_id") if prev else None
    linked = values[-1] if values else None
    if linked and newest:
        return min(linked, newest, key=_id_key)
    return linked or newest


def _entry_id(entry: Any) -> str:
    value = entry.get("id") if isinstance(entry, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _newest_id(entries: list[Any]) -> str | None:
    ids = [entry_id for entry_id in map(_entry_id, entries) if entry_id]
    return max(ids, key=_id_key) if ids else None


def _oldest_id(entries: list[Any]) -> str | None:
    ids = [entry_id for entry_id in map(_entry_id, entries) if entry_id]
    return min(ids, key=_id_key) if ids else None


def _earlier_id(status_id: str) -> str:
    """A search lower bound a little before `status_id`: Mastodon turns it into a time to the second.

    Mastodon ids are snowflakes (milliseconds << 16); other ids are sent as they are."""
    if status_id.isdigit() and int(status_id) > SEARCH_OVERLAP_MS << 16:
        return str(int(status_id) - (SEARCH_OVERLAP_MS << 16))
    return status_id


def _id_key(status_id: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings ("snowflakes"): compare by length, then text. Other servers'
    # ids (Pleroma's flake ids) are fixed-length strings that sort as text, which this also does.
    return len(status_id), status_id


def _host_and_prefix(root: str) -> str:
    parts = urlsplit(root)
    return f"{parts.netloc}{parts.path}".rstrip("/")


def _author(acct: Any, root: str) -> Any:
    # A local account's `acct` has no domain; add the instance's so authors are unique fediverse-wide.
    if isinstance(acct, str) and acct and "@" not in acct:
        return f"{acct}@{urlsplit(root).hostname}"
    return acct or ""


def _raw(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, default=str)[:MAX_RAW_REJECTED]
