"""Fake X API v2 recent search, under `/x` (paths as on api.x.com: `/2/tweets/search/recent`).

Faithful:
- App-only `Authorization: Bearer <token>`: missing or wrong is a 401 `{"title": "Unauthorized", "type":
  "about:blank", "status": 401, "detail": "Unauthorized"}`.
- `query` is required; `max_results` 10..100 (default 10), outside is a 400 in X's problem shape
  (`{"errors": [{"parameters", "message"}], "title": "Invalid Request", "detail", "type"}`).
- Only the last 7 days (by the server clock) are searchable; a `start_time` before that is a 400.
  `since_id` / `until_id` (exclusive), `start_time` (inclusive) / `end_time` (exclusive); newest first by
  id (ids are snowflakes, so id order is time order).
- `next_token` (or `pagination_token`) is opaque; it pages to older results and is present only when more
  exist. `meta` has `newest_id`, `oldest_id`, `result_count` and `next_token`; an empty result is
  `{"meta": {"result_count": 0}}`.
- Fields only when asked, as on X: a tweet is `id`, `text`, `edit_history_tweet_ids` unless
  `tweet.fields` asks for `created_at`, `lang`, `author_id`, `public_metrics`, `conversation_id`...;
  `expansions=author_id` adds `includes.users` (`id`, `name`, `username`, plus `user.fields`, e.g.
  `public_metrics.followers_count`).
- `x-rate-limit-limit/remaining/reset` (450 requests per 15 minutes by the server clock, then 429).

Simplified: the query's words are matched as case-insensitive substrings (OR between alternatives;
operators such as `lang:xx` filter by language, other operators like `-is:retweet` are ignored);
`sort_order=relevancy` is served newest first; the page token is a keyset token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .common import (
    Api,
    Call,
    FakeResponse,
    FieldPaths,
    Listing,
    Page,
    corrupt_fields,
    int_param,
    iso_ms,
    json_response,
    matches_query,
    opaque,
    paginate,
    parse_time,
    unopaque,
    window,
)
from .corpus import FakeItem, SourceType

PATH = "/2/tweets/search/recent"
LIMIT = 450
WINDOW_SECONDS = 900
SEARCH_WINDOW = timedelta(days=7)
_PROBLEM = "https://api.twitter.com/2/problems/invalid-request"


def invalid(parameter: str, value: str, message: str) -> FakeResponse:
    return json_response(
        400,
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": _PROBLEM,
        },
    )


class XApi(Api):
    source: SourceType = "x"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._windows: dict[int, int] = {}

    def error(self, status: int, message: str) -> FakeResponse:
        return json_response(
            status, {"title": message, "detail": message, "type": "about:blank", "status": status}
        )

    def limited_headers(self, seconds: int) -> dict[str, str]:
        reset = int((self.state.now() + timedelta(seconds=seconds)).timestamp())
        return {
            "x-rate-limit-limit": str(LIMIT),
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        }

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        if request.path.rstrip("/") != PATH or request.method not in ("GET", "HEAD"):
            return self.error(404, "Not Found")
        if request.bearer() != self.state.credentials.x_bearer_token:
            return self.error(401, "Unauthorized")
        now = self.state.now()
        index, reset = window(now, WINDOW_SECONDS)
        used = self._windows.get(index, 0) + 1
        self._windows[index] = used
        headers = {
            "x-rate-limit-limit": str(LIMIT),
            "x-rate-limit-remaining": str(max(LIMIT - used, 0)),
            "x-rate-limit-reset": str(int(now.timestamp()) + reset),
        }
        if used > LIMIT:
            response = self.error(429, "Too Many Requests")
            response.headers.update(headers)
            return response
        response = self._search(call)
        response.headers.update(headers)
        return response

    def _search(self, call: Call) -> FakeResponse:
        request = call.request
        now = self.state.now()
        query = request.param("query")
        if not query:
            return invalid("query", "", "The `query` query parameter can not be empty")
        if len(query) > 512:
            return invalid("query", query, "The `query` query parameter value is longer than 512 characters")
        raw_max = request.param("max_results")
        limit = int_param(raw_max, 10)
        if limit is None or not 10 <= limit <= 100:
            return invalid(
                "max_results",
                raw_max or "",
                f"The `max_results` query parameter value [{raw_max}] is not between 10 and 100",
            )
        oldest = now - SEARCH_WINDOW
        bounds = _search_bounds(request, oldest)
        if isinstance(bounds, FakeResponse):
            return bounds
        below: int | None = bounds.get("below")
        languages = [part[5:].casefold() for part in query.split() if part.startswith("lang:")]
        ordering = sorted(
            (
                item
                for item in self.state.visible(self.state.data.of("x"))
                if item.created_at >= oldest
                and matches_query(query, item.text)
                and (not languages or (item.lang or "und").casefold() in languages)
            ),
            key=lambda item: int(item.native_id),
            reverse=True,
        )
        results = [
            item
            for item in ordering
            if ("start_time" not in bounds or item.created_at >= bounds["start_time"])
            and ("end_time" not in bounds or item.created_at < bounds["end_time"])
            and ("since_id" not in bounds or int(item.native_id) > bounds["since_id"])
            and ("until_id" not in bounds or int(item.native_id) < bounds["until_id"])
            and (below is None or int(item.native_id) < below)
        ]
        tweet_fields = _fields(request.param("tweet.fields"))
        expansions = _fields(request.param("expansions"))

        def render(item: FakeItem) -> Any:
            return _tweet(item, tweet_fields)

        page = paginate(
            call,
            Listing("/x/search", results, render, _corrupt, ordering=ordering),
            0,
            self.state.cap("x", limit),
        )
        if not page.payloads:
            return json_response(200, {"meta": {"result_count": 0}})
        return json_response(200, self._search_page(page, _fields(request.param("user.fields")), expansions))

    def _search_page(self, page: Page, user_fields: set[str], expansions: set[str]) -> dict[str, Any]:
        """A page of search results as X answers it: the tweets, their authors if asked, and `meta`."""
        entries = page.entries
        payload: dict[str, Any] = {"data": page.payloads}
        if "author_id" in expansions:
            shown = _ids(page.payloads)
            users: dict[str, dict[str, Any]] = {}
            for item in [*entries, *(item for item in self.state.data.of("x") if item.native_id in shown)]:
                users.setdefault(item.extra.get("author_id", "0"), _user(item, user_fields))
            payload["includes"] = {"users": list(users.values())}
        meta: dict[str, Any] = {"result_count": len(page.payloads)}
        if entries:
            meta.update(newest_id=entries[0].native_id, oldest_id=entries[-1].native_id)
        if page.more and page.entries:
            meta["next_token"] = opaque({"below": int(entries[-1].native_id)})
        payload["meta"] = meta
        return payload


def _search_bounds(request: Any, oldest: datetime) -> dict[str, Any] | FakeResponse:
    """The search's time and id bounds and its page token (as `below`), or the 400 X answers."""
    bounds: dict[str, Any] = {}
    for name in ("start_time", "end_time"):
        value = request.param(name)
        if value:
            parsed = parse_time(value)
            if parsed is None:
                return invalid(name, value, f"Invalid '{name}':'{value}'")
            bounds[name] = parsed
    if "start_time" in bounds and bounds["start_time"] < oldest - timedelta(seconds=10):
        value = request.param("start_time") or ""
        return invalid(
            "start_time",
            value,
            f"Invalid 'start_time':'{value}'. 'start_time' must be on or after {iso_ms(oldest)}",
        )
    for name in ("since_id", "until_id"):
        value = request.param(name)
        if value:
            if not value.isdigit():
                return invalid(name, value, f"The `{name}` query parameter value [{value}] is not valid")
            bounds[name] = int(value)
    token = request.param("next_token") or request.param("pagination_token")
    if token:
        decoded = unopaque(token)
        if not isinstance(decoded, dict) or not isinstance(decoded.get("below"), int):
            return invalid(
                "next_token", token, f"The `next_token` query parameter value [{token}] is not valid"
            )
        bounds["below"] = decoded["below"]
    return bounds


def _ids(payloads: list[Any]) -> set[str]:
    return {str(payload.get("id")) for payload in payloads if isinstance(payload, dict)}


def _fields(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def _tweet(item: FakeItem, fields: set[str]) -> dict[str, Any]:
    tweet: dict[str, Any] = {
        "id": item.native_id,
        "text": item.text,
        "edit_history_tweet_ids": [item.native_id],
    }
    seed = int(item.native_id) >> 22
    optional: dict[str, Any] = {
        "created_at": iso_ms(item.created_at),
        "lang": item.lang or "und",
        "author_id": item.extra.get("author_id", "0"),
        "conversation_id": item.native_id,
        "possibly_sensitive": False,
        "public_metrics": {
            "retweet_count": seed % 7,
            "reply_count": seed % 5,
            "like_count": seed % 31,
            "quote_count": seed % 3,
            "bookmark_count": 0,
            "impression_count": seed % 1000,
        },
        "source": "Twitter Web App",
    }
    tweet.update({name: value for name, value in optional.items() if name in fields})
    return tweet


def _user(item: FakeItem, fields: set[str]) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": item.extra.get("author_id", "0"),
        "name": item.author.title(),
        "username": item.author,
    }
    optional: dict[str, Any] = {
        "public_metrics": {
            "followers_count": item.followers,
            "following_count": 10,
            "tweet_count": 100,
            "listed_count": 0,
            "like_count": 5,
        },
        "created_at": "2015-03-01T12:00:00.000Z",
        "verified": False,
        "description": "",
    }
    user.update({name: value for name, value in optional.items() if name in fields})
    return user


def _corrupt(payload: Any, variant: str) -> Any:
    return corrupt_fields(
        payload,
        variant,
        FieldPaths(
            id_paths=[("id",), ("edit_history_tweet_ids",)],
            time_paths=[("created_at",)],
            text_paths=[("text",)],
            not_object="oops",
        ),
    )
