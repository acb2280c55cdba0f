"""Fake Mastodon instances, under `/mastodon/{instance}` (each instance is its own base URL).

Faithful:
- `GET /api/v1/timelines/tag/{hashtag}`: public statuses with the tag (case-insensitive; `any[]` adds
  tags, `none[]` removes, `local`/`remote` filter by the status's home instance), newest first by id.
  `max_id` (older than), `since_id` (newer than, newest page) and `min_id` (newer than, the page just
  above it, still returned newest first); `limit` default 20, at most 40 (larger values are clamped).
  A `Link` header with `rel="next"` (`max_id` = the page's last id, only when the page is full) and
  `rel="prev"` (`min_id` = the page's first id), keeping `limit` and the tag filters, as Mastodon does.
- Status ids are snowflakes (milliseconds << 16 + 16 bits) that differ per instance for the same
  federated status; the `uri` is the same everywhere. `created_at` has milliseconds, `content` is HTML,
  `language` may be null, `account.acct` is `user@domain` for remote accounts.
- An instance with closed public timelines answers 401 `{"error": "This API requires an authenticated
  user"}` on the timeline.
- `GET /api/v2/search?q=…&type=statuses`: `{"accounts": [], "statuses": [...], "hashtags": [...]}`;
  `offset` or `resolve=true` without a user token is a 401 ("Search queries pagination is not supported
  without authentication"); an instance without full-text search finds no statuses.
- `X-RateLimit-Limit/Remaining/Reset` (300 per 5 minutes by the server clock, then 429).

Simplified: `min_id` in search behaves like `since_id`; user tokens are not checked (any bearer counts as
a user); `only_media` is ignored; no other endpoints than these two (and a minimal `/api/v1/instance`).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from .common import (
    Api,
    Call,
    FakeResponse,
    FieldPaths,
    Listing,
    corrupt_fields,
    int_param,
    iso_ms,
    json_response,
    matches_query,
    paginate,
    window,
)
from .corpus import FakeItem, SourceType

LIMIT = 300
WINDOW_SECONDS = 300
_TIMELINE = re.compile(r"^/(?P<instance>[A-Za-z0-9_.-]+)/api/v1/timelines/tag/(?P<tag>[^/?]+)/?$")
_SEARCH = re.compile(r"^/(?P<instance>[A-Za-z0-9_.-]+)/api/v2/search/?$")
_INSTANCE = re.compile(r"^/(?P<instance>[A-Za-z0-9_.-]+)/api/v[12]/instance/?$")
_FILTER_PARAMS = ("any", "all", "none", "local", "remote", "only_media")


@dataclass(frozen=True)
class _Query:
    """A listing asked of one instance: its name, the route paged (for `duplicates`), and whether it is
    a search (answered as `{"statuses": [...]}`) rather than a timeline (a bare list)."""

    name: str
    route: str
    search: bool


class MastodonApi(Api):
    source: SourceType = "mastodon"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._windows: dict[tuple[str, int], int] = {}

    def limited_headers(self, seconds: int) -> dict[str, str]:
        reset = self.state.now() + timedelta(seconds=seconds)
        return {
            "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": iso_ms(reset),
        }

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        if request.method not in ("GET", "HEAD"):
            return self.error(404, "Record not found")
        for pattern in (_TIMELINE, _SEARCH, _INSTANCE):
            matched = pattern.match(request.path)
            if matched:
                break
        else:
            return self.error(404, "Record not found")
        name = matched.group("instance")
        if name not in self.state.data.instances:
            return self.error(404, "Record not found")
        headers = self._rate(name)
        if isinstance(headers, FakeResponse):
            return headers
        if pattern is _INSTANCE:
            response = json_response(
                200, {"uri": f"{name}.social.example", "title": f"Instance {name}", "version": "4.2.8"}
            )
        elif pattern is _TIMELINE:
            response = self._timeline(call, name, matched.group("tag"))
        else:
            response = self._search(call, name)
        response.headers.update(headers)
        return response

    # ----- hashtag timeline -------------------------------------------------------------------------

    def _timeline(self, call: Call, name: str, tag: str) -> FakeResponse:
        request = call.request
        instance = self.state.data.instances[name]
        if instance.closed and not request.bearer():
            return self.error(401, "This API requires an authenticated user")
        limit = _limit(request.param("limit"))
        size = self.state.cap("mastodon", limit)
        wanted = {tag.casefold(), *(value.casefold() for value in request.params("any"))}
        required = {value.casefold() for value in request.params("all")}
        excluded = {value.casefold() for value in request.params("none")}
        local, remote = _flag(request.param("local")), _flag(request.param("remote"))

        def keep(item: FakeItem) -> bool:
            tags = {value.casefold() for value in item.tags}
            if not tags & wanted or not required <= tags or tags & excluded:
                return False
            return not (local and item.place != name) and not (remote and item.place == name)

        items = [item for item in self.state.data.of("mastodon") if name in item.instance_ids and keep(item)]
        route = f"/mastodon/{name}/tag/{tag.casefold()}"
        page = self._page(call, _Query(name, route, search=False), items, size)
        if isinstance(page, FakeResponse):
            return page
        payloads, entries = page
        response = json_response(200, payloads)
        links = []
        keep_params = {
            key: value
            for key, value in request.query.items()
            if key.rstrip("[]") in (*_FILTER_PARAMS, "limit")
        }
        base = f"{self.state.url}/mastodon/{name}/api/v1/timelines/tag/{tag}"
        if entries and len(entries) == size:
            older = urlencode({**keep_params, "max_id": entries[-1].instance_ids[name]}, doseq=True)
            links.append(f'<{base}?{older}>; rel="next"')
        if entries:
            newer = urlencode({**keep_params, "min_id": entries[0].instance_ids[name]}, doseq=True)
            links.append(f'<{base}?{newer}>; rel="prev"')
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    # ----- search -----------------------------------------------------------------------------------

    def _search(self, call: Call, name: str) -> FakeResponse:
        request = call.request
        instance = self.state.data.instances[name]
        user = request.bearer()
        query = request.param("q", "") or ""
        if not query.strip():
            return json_response(200, {"accounts": [], "statuses": [], "hashtags": []})
        offset = int_param(request.param("offset"), 0)
        if offset is None:
            return self.error(400, "Validation failed: offset is not a number")
        if offset and not user:
            return self.error(401, "Search queries pagination is not supported without authentication")
        if _flag(request.param("resolve")) and not user:
            return self.error(
                401, "Search queries that resolve remote resources are not supported without authentication"
            )
        kind = request.param("type")
        tag = query.lstrip("#").casefold()
        hashtags = (
            [{"name": tag, "url": f"https://{name}.social.example/tags/{tag}", "history": []}]
            if kind in (None, "hashtags") and tag in {value.casefold() for value in self.state.data.hashtags}
            else []
        )
        if kind not in (None, "statuses") or not instance.search:
            return json_response(200, {"accounts": [], "statuses": [], "hashtags": hashtags})
        size = self.state.cap("mastodon", _limit(request.param("limit")))
        items = [
            item
            for item in self.state.data.of("mastodon")
            if name in item.instance_ids and matches_query(query, item.text)
        ]
        page = self._page(
            call, _Query(name, f"/mastodon/{name}/search", search=True), items, size, offset=offset
        )
        if isinstance(page, FakeResponse):
            return page
        return json_response(200, {"accounts": [], "statuses": page[0], "hashtags": hashtags})

    # ----- shared -----------------------------------------------------------------------------------

    def _page(
        self, call: Call, query: _Query, items: list[FakeItem], size: int, *, offset: int = 0
    ) -> tuple[list[Any], list[FakeItem]] | FakeResponse:
        name, route, search = query.name, query.route, query.search
        request = call.request
        bounds = {}
        for key in ("max_id", "since_id", "min_id"):
            value = request.param(key)
            if value:
                if not value.isdigit():
                    return json_response(
                        200, [] if not search else {"accounts": [], "statuses": [], "hashtags": []}
                    )
                bounds[key] = int(value)
        results = sorted(
            self.state.visible(items), key=lambda item: int(item.instance_ids[name]), reverse=True
        )

        def local_id(item: FakeItem) -> int:
            return int(item.instance_ids[name])

        ordering = results
        if "max_id" in bounds:
            results = [item for item in results if local_id(item) < bounds["max_id"]]
        lower = max(bounds.get("since_id", -1), bounds.get("min_id", -1))
        results = [item for item in results if local_id(item) > lower]

        def render(item: FakeItem) -> Any:
            return _status(item, name)

        def corrupt(payload: Any, variant: str) -> Any:
            return corrupt_fields(
                payload,
                variant,
                FieldPaths(
                    id_paths=[("id",), ("uri",)],
                    time_paths=[("created_at",)],
                    text_paths=[("content",)],
                    not_object=None,
                ),
            )

        from_end = "min_id" in bounds and not search
        page = paginate(
            call, Listing(route, results, render, corrupt, ordering=ordering), offset, size, from_end=from_end
        )
        return page.payloads, page.entries

    def _rate(self, name: str) -> dict[str, str] | FakeResponse:
        now = self.state.now()
        index, reset = window(now, WINDOW_SECONDS)
        used = self._windows.get((name, index), 0) + 1
        self._windows[(name, index)] = used
        headers = {
            "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": str(max(LIMIT - used, 0)),
            "X-RateLimit-Reset": iso_ms(now + timedelta(seconds=reset)),
        }
        if used > LIMIT:
            response = self.error(429, "Too many requests")
            response.headers.update(headers)
            return response
        return headers


def _limit(value: str | None) -> int:
    limit = int_param(value, 20)
    return 20 if limit is None or limit < 1 else min(limit, 40)


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")


def _status(item: FakeItem, name: str) -> dict[str, Any]:
    origin = item.native_id.split("/")[2]
    user = item.author.split("@")[0]
    local = item.place == name
    account_id = str(int(hashlib.sha256(f"{name}/{item.author}".encode()).hexdigest()[:12], 16))
    content = item.text if item.text.startswith("<p>") else f"<p>{html.escape(item.text)}</p>"
    for tag in item.tags:
        link = (
            f'<a href="https://{origin}/tags/{tag}" class="mention hashtag" rel="tag">#<span>{tag}</span></a>'
        )
        content += f" <p>{link}</p>"
    created = iso_ms(item.created_at)
    return {
        "id": item.instance_ids[name],
        "created_at": created,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": item.lang,
        "uri": item.native_id,
        "url": item.url,
        "replies_count": item.followers % 7,
        "reblogs_count": item.followers % 5,
        "favourites_count": item.followers % 11,
        "edited_at": None,
        "content": content,
        "reblog": None,
        "account": {
            "id": account_id,
            "username": user,
            "acct": user if local else item.author,
            "display_name": user.title(),
            "locked": False,
            "bot": False,
            "created_at": iso_ms(datetime(2022, 11, 1, tzinfo=UTC)),
            "note": "",
            "url": f"https://{origin}/@{user}",
            "avatar": f"https://{origin}/avatars/{account_id}.png",
            "followers_count": item.followers,
            "following_count": 12,
            "statuses_count": 340,
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": tag, "url": f"https://{name}.social.example/tags/{tag}"} for tag in item.tags],
        "emojis": [],
        "card": None,
        "poll": None,
    }
