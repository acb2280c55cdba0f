"""Fake Reddit, under `/reddit` (one root for both www.reddit.com and oauth.reddit.com).

Faithful:
- `POST /api/v1/access_token`: HTTP Basic client credentials, `grant_type=password` (username and
  password checked: a wrong one is a 200 `{"error": "invalid_grant"}`, wrong client credentials a 401) or
  `client_credentials`; answers `access_token`, `token_type: bearer`, `expires_in`, `scope`.
- `GET /search.json` and `/r/{sub}/comments.json` (the anonymous www pages) and `/search`,
  `/r/{sub}/comments` (the OAuth host: a valid, unexpired `Authorization: bearer` token is required, else
  401). Listings are `{"kind": "Listing", "data": {"children": [{"kind": "t3"|"t1", "data": {...}}],
  "after", "before", "dist"}}`, newest first, `limit` default 25 and at most 100.
- `after=<fullname>` pages to older items, `before=<fullname>` to the items just newer than it; a
  fullname that is no longer in the listing (deleted, removed) yields an empty listing, as on Reddit.
  The answer's `after` is the last child's fullname when older items exist, `before` the first child's
  when newer ones exist.
- Without `raw_json=1` the text fields are HTML-escaped (`&amp;`, `&lt;`, `&gt;`), as Reddit does.
- `X-Ratelimit-Used/Remaining/Reset` on every answer: 1,000 requests per 10-minute window with a token,
  100 without (windows follow the server clock); past the limit a 429. A missing or default
  `python-requests` User-Agent gets a 429, as Reddit does to anonymous scripts.

Simplified: search matches the query's words as case-insensitive substrings of title + selftext (OR
between alternatives) and only searches posts (`type=link`); every `sort` is served as `new`; `t`,
`count`, `restrict_sr` and `include_over_18` are ignored; comment `link_title` is made up.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any

from .common import (
    Api,
    Call,
    FakeResponse,
    FieldPaths,
    Listing,
    corrupt_fields,
    int_param,
    json_response,
    matches_query,
    paginate,
    window,
)
from .corpus import FakeItem, SourceType

WINDOW_SECONDS = 600
LIMIT_OAUTH = 1000
LIMIT_ANONYMOUS = 100
_COMMENTS = re.compile(r"^/r/(?P<sub>[A-Za-z0-9_]{2,21})/comments(?P<json>\.json)?/?$")


class RedditApi(Api):
    source: SourceType = "reddit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tokens: dict[str, Any] = {}
        self._windows: dict[tuple[bool, int], int] = {}

    def error(self, status: int, message: str) -> FakeResponse:
        return json_response(status, {"message": message, "error": status})

    def limited_headers(self, seconds: int) -> dict[str, str]:
        return {
            "X-Ratelimit-Used": str(LIMIT_OAUTH),
            "X-Ratelimit-Remaining": "0.0",
            "X-Ratelimit-Reset": str(seconds),
        }

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        user_agent = request.header("user-agent") or ""
        if not user_agent or user_agent.lower().startswith("python-requests"):
            return self.error(429, "Too Many Requests")
        if request.path == "/api/v1/access_token":
            if request.method != "POST":
                return self.error(405, "Method Not Allowed")
            return self._token(call)
        search = request.path.rstrip("/") in ("/search", "/search.json")
        comments = _COMMENTS.match(request.path)
        if request.method not in ("GET", "HEAD") or not (search or comments):
            return self.error(404, "Not Found")
        oauth = not request.path.rstrip("/").endswith(".json")
        token = request.bearer()
        if (oauth or token) and not self._valid(token):
            response = self.error(401, "Unauthorized")
            response.headers["www-authenticate"] = 'Bearer realm="reddit", error="invalid_token"'
            return response
        limited = self._rate(oauth or bool(token))
        if isinstance(limited, FakeResponse):
            return limited
        if search:
            query = request.param("q", "") or ""
            items = [
                item
                for item in self.state.data.of("reddit")
                if item.kind == "t3" and matches_query(query, item.title, item.text)
            ]
            route = "/reddit/search"
        else:
            assert comments is not None
            sub = comments.group("sub").casefold()
            items = [
                item
                for item in self.state.data.of("reddit")
                if item.kind == "t1" and item.place.casefold() == sub
            ]
            route = f"/reddit/r/{sub}/comments"
        response = self._listing(call, route, items)
        response.headers.update(limited)
        return response

    # ----- listing ----------------------------------------------------------------------------------

    def _listing(self, call: Call, route: str, items: list[FakeItem]) -> FakeResponse:
        request = call.request
        limit = int_param(request.param("limit"), 25)
        if limit is None:
            return self.error(400, "Bad Request")
        size = self.state.cap("reddit", max(1, min(limit, 100)))
        raw_json = request.param("raw_json") == "1"
        results = sorted(
            self.state.visible(items), key=lambda item: (item.created_at, item.native_id), reverse=True
        )
        names = [item.native_id for item in results]
        after, before = request.param("after"), request.param("before")

        def render(item: FakeItem) -> Any:
            return _child(item, raw_json)

        if before:
            if before not in names:
                return _empty()
            anchor = names.index(before)
            page = paginate(
                call,
                Listing(route, results[:anchor], render, _corrupt_child, ordering=results),
                0,
                size,
                from_end=True,
            )
            newer_exist = page.start > 0
            older_exist = True
        else:
            if after and after not in names:
                return _empty()
            start = names.index(after) + 1 if after else 0
            page = paginate(call, Listing(route, results, render, _corrupt_child), start, size)
            newer_exist = start > 0
            older_exist = page.more
        entries = page.entries
        return json_response(
            200,
            {
                "kind": "Listing",
                "data": {
                    "after": entries[-1].native_id if entries and older_exist else None,
                    "dist": len(page.payloads),
                    "modhash": "",
                    "geo_filter": "",
                    "children": page.payloads,
                    "before": entries[0].native_id if entries and newer_exist else None,
                },
            },
        )

    # ----- auth and limits --------------------------------------------------------------------------

    def _token(self, call: Call) -> FakeResponse:
        request, credentials = call.request, self.state.credentials
        basic = request.header("authorization") or ""
        scheme, _, encoded = basic.partition(" ")
        try:
            client = base64.b64decode(encoded.strip()).decode() if scheme.lower() == "basic" else ""
        except ValueError:
            client = ""
        if client != f"{credentials.reddit_client_id}:{credentials.reddit_client_secret}":
            return self.error(401, "Unauthorized")
        form = request.form()
        grant = form.get("grant_type")
        if grant == "password":
            if (form.get("username"), form.get("password")) != (
                credentials.reddit_username,
                credentials.reddit_password,
            ):
                return json_response(200, {"error": "invalid_grant"})
        elif grant != "client_credentials":
            return json_response(200, {"error": "unsupported_grant_type"})
        serial = self.state.serial()
        token = f"{serial}-" + hashlib.sha256(f"reddit-token-{serial}".encode()).hexdigest()[:30]
        ttl = self.state.settings.reddit_token_ttl
        self.tokens[token] = self.state.now() + ttl
        self.state.count("reddit", "tokens_issued")
        return json_response(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": int(ttl.total_seconds()),
                "scope": "*",
            },
        )

    def _valid(self, token: str | None) -> bool:
        expires = self.tokens.get(token or "")
        return expires is not None and self.state.now() < expires

    def _rate(self, oauth: bool) -> dict[str, str] | FakeResponse:
        index, reset = window(self.state.now(), WINDOW_SECONDS)
        limit = LIMIT_OAUTH if oauth else LIMIT_ANONYMOUS
        used = self._windows.get((oauth, index), 0) + 1
        self._windows[(oauth, index)] = used
        headers = {
            "X-Ratelimit-Used": str(min(used, limit)),
            "X-Ratelimit-Remaining": f"{max(limit - used, 0):.1f}",
            "X-Ratelimit-Reset": str(reset),
        }
        if used > limit:
            response = self.error(429, "Too Many Requests")
            response.headers.update(headers)
            return response
        return headers


def _empty() -> FakeResponse:
    return json_response(
        200,
        {
            "kind": "Listing",
            "data": {
                "after": None,
                "dist": 0,
                "modhash": "",
                "geo_filter": "",
                "children": [],
                "before": None,
            },
        },
    )


def _escape(text: str, raw_json: bool) -> str:
    return text if raw_json else text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _corrupt_child(payload: Any, variant: str) -> Any:
    kind = payload.get("kind", "t3") if isinstance(payload, dict) else "t3"
    text_paths = [("data", "title"), ("data", "selftext")] if kind == "t3" else [("data", "body")]
    return corrupt_fields(
        payload,
        variant,
        FieldPaths(
            id_paths=[("data", "name"), ("data", "id")],
            time_paths=[("data", "created_utc"), ("data", "created")],
            text_paths=text_paths,
            not_object={"kind": kind, "data": "oops"},
        ),
    )


def _child(item: FakeItem, raw_json: bool) -> dict[str, Any]:
    ident = item.native_id.split("_", 1)[-1]
    author_id = "t2_" + hashlib.sha256(item.author.encode()).hexdigest()[:8]
    path = item.url.removeprefix("https://www.reddit.com")
    if item.kind == "t1":
        return _comment(item, raw_json, ident, author_id, path)
    return _post(item, raw_json, ident, author_id, path)


def _comment(item: FakeItem, raw_json: bool, ident: str, author_id: str, path: str) -> dict[str, Any]:
    created = item.created_at.timestamp()
    score = int(created) % 97
    link_id = item.extra.get("link_id", "t3_0")
    return {
        "kind": "t1",
        "data": {
            "subreddit_id": "t5_2qh" + str(len(item.place)),
            "subreddit": item.place,
            "link_id": link_id,
            "link_title": "A thread",
            "link_permalink": f"https://www.reddit.com/r/{item.place}/comments/{link_id[3:]}/x/",
            "parent_id": link_id,
            "id": ident,
            "name": item.native_id,
            "author": item.author,
            "author_fullname": author_id,
            "body": _escape(item.text, raw_json),
            "body_html": '&lt;div class="md"&gt;&lt;p&gt;'
            + html.escape(item.text[:200])
            + "&lt;/p&gt;&lt;/div&gt;",
            "score": score,
            "ups": score,
            "created": created,
            "created_utc": created,
            "permalink": path,
            "over_18": False,
            "edited": False,
        },
    }


def _post(item: FakeItem, raw_json: bool, ident: str, author_id: str, path: str) -> dict[str, Any]:
    created = item.created_at.timestamp()
    score = int(created) % 97
    return {
        "kind": "t3",
        "data": {
            "subreddit": item.place,
            "subreddit_name_prefixed": f"r/{item.place}",
            "selftext": _escape(item.text, raw_json),
            "selftext_html": None
            if not item.text
            else "&lt;!-- SC_OFF --&gt;" + html.escape(item.text[:200]),
            "title": _escape(item.title, raw_json),
            "id": ident,
            "name": item.native_id,
            "author": item.author,
            "author_fullname": author_id,
            "score": score,
            "ups": score,
            "upvote_ratio": 0.93,
            "num_comments": int(created) % 13,
            "created": created,
            "created_utc": created,
            "permalink": path,
            "url": item.url,
            "domain": f"self.{item.place}",
            "is_self": True,
            "over_18": False,
            "edited": False,
        },
    }
