"""Fake Bluesky (a PDS/AppView answering XRPC), under `/bluesky`.

Faithful:
- `POST /xrpc/com.atproto.server.createSession` with JSON `{"identifier", "password"}` answers
  `accessJwt`, `refreshJwt`, `handle`, `did`, `active`; a wrong pair is a 401
  `{"error": "AuthenticationRequired", "message": "Invalid identifier or password"}`. Sessions are rate
  limited (30 per 5 minutes, 300 per day, by the server clock) with `RateLimit-*` headers and a 429
  `RateLimitExceeded`, like bsky.social.
- `POST /xrpc/com.atproto.server.refreshSession` with `Authorization: Bearer <refreshJwt>`: a new pair.
- `GET /xrpc/app.bsky.feed.searchPosts` needs `Authorization: Bearer <accessJwt>`: missing is a 401
  `AuthMissing`, an unknown or wrong-scope token a 400 `InvalidToken`, an expired one (access tokens live
  2 hours of server clock by default) a 400 `ExpiredToken`, as the PDS answers. `q` is required, `limit`
  1..100 (default 25; out of range is a 400 `InvalidRequest`), `sort=latest` (default) lists newest first
  by `createdAt`, `since` (inclusive) and `until` (exclusive) take a datetime or a date, `lang` filters.
- The `cursor` is opaque to clients and, like the real search service's, an offset into the result set:
  items deleted between two pages shift it. It is only present when more results exist.
- Posts are `PostView`s: `uri` (`at://did/app.bsky.feed.post/<tid>`), `cid`, `author` (did, handle,
  displayName), `record` (`$type`, `text`, `createdAt`, `langs`), counts and `indexedAt`.

Simplified: the query's words are matched as case-insensitive substrings (search operators like `from:`
are ignored); `sort=top` is served as `latest`; `author`, `mentions`, `domain`, `url` and `tag` filters
are ignored; tokens look like JWTs but are only looked up, never verified cryptographically; a refresh
token is strictly single-use (the real PDS tolerates reuse for a short grace period).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

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
    parse_time,
    window,
)
from .corpus import FakeItem, SourceType, did_for

SESSION = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
REFRESH_TTL = timedelta(days=90)


class BlueskyApi(Api):
    source: SourceType = "bluesky"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tokens: dict[str, tuple[str, datetime]] = {}
        """token -> (scope "access" or "refresh", expiry by the server clock)."""
        self._sessions: dict[tuple[str, int], int] = {}

    def error(self, status: int, message: str) -> FakeResponse:
        names = {
            429: "RateLimitExceeded",
            500: "InternalServerError",
            502: "UpstreamFailure",
            503: "NotEnoughResources",
        }
        return xrpc_error(status, names.get(status, "InternalServerError"), message)

    def limited_headers(self, seconds: int) -> dict[str, str]:
        reset = int((self.state.now() + timedelta(seconds=seconds)).timestamp())
        return {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": "3000;w=300",
        }

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        path = request.path.rstrip("/")
        if path in (SESSION, REFRESH) and request.method != "POST":
            return xrpc_error(
                400, "InvalidRequest", f"Incorrect HTTP method ({request.method}) expected POST"
            )
        if path == SESSION:
            return self._create(call)
        if path == REFRESH:
            return self._refresh(call)
        if path == SEARCH:
            if request.method not in ("GET", "HEAD"):
                return xrpc_error(
                    400, "InvalidRequest", f"Incorrect HTTP method ({request.method}) expected GET"
                )
            return self._search(call)
        return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")

    # ----- sessions ---------------------------------------------------------------------------------

    def _create(self, call: Call) -> FakeResponse:
        body = call.request.json()
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("identifier"), str)
            or not isinstance(body.get("password"), str)
        ):
            return xrpc_error(400, "InvalidRequest", 'Input must have the property "identifier"')
        limited = self._session_limit()
        if isinstance(limited, FakeResponse):
            return limited
        credentials = self.state.credentials
        if (body["identifier"], body["password"]) != (
            credentials.bluesky_identifier,
            credentials.bluesky_password,
        ):
            response = xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
            response.headers.update(limited)
            return response
        self.state.count("bluesky", "sessions_created")
        response = json_response(200, self._pair())
        response.headers.update(limited)
        return response

    def _refresh(self, call: Call) -> FakeResponse:
        token = call.request.bearer()
        if not token:
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        problem = self._check(token, "refresh")
        if problem:
            return problem
        del self.tokens[token]  # a refresh token is single-use
        self.state.count("bluesky", "sessions_refreshed")
        return json_response(200, self._pair())

    def _pair(self) -> dict[str, Any]:
        now = self.state.now()
        did = did_for(self.state.credentials.bluesky_identifier)
        access = self._jwt("com.atproto.access", did, now + self.state.settings.bluesky_token_ttl)
        refresh = self._jwt("com.atproto.refresh", did, now + REFRESH_TTL)
        self.tokens[access] = ("access", now + self.state.settings.bluesky_token_ttl)
        self.tokens[refresh] = ("refresh", now + REFRESH_TTL)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.state.credentials.bluesky_identifier,
            "did": did,
            "didDoc": {"id": did},
            "active": True,
        }

    def _jwt(self, scope: str, did: str, expires: datetime) -> str:
        def part(value: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

        serial = self.state.serial()
        claims = {
            "scope": scope,
            "sub": did,
            "iat": int(self.state.now().timestamp()),
            "exp": int(expires.timestamp()),
            "jti": serial,
        }
        return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.{part({'sig': serial})}"

    def _check(self, token: str, scope: str) -> FakeResponse | None:
        known = self.tokens.get(token)
        if known is None or known[0] != scope:
            return xrpc_error(
                400, "InvalidToken", "Token could not be verified" if known is None else "Bad token scope"
            )
        if self.state.now() >= known[1]:
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        return None

    def _session_limit(self) -> dict[str, str] | FakeResponse:
        settings, now = self.state.settings, self.state.now()
        short, short_reset = window(now, 300)
        day, day_reset = window(now, 86_400)
        used_short = self._sessions.get(("5min", short), 0) + 1
        used_day = self._sessions.get(("day", day), 0) + 1
        self._sessions[("5min", short)] = used_short
        self._sessions[("day", day)] = used_day
        limit, used, reset = (
            (settings.bluesky_sessions_per_day, used_day, day_reset)
            if settings.bluesky_sessions_per_day - used_day < settings.bluesky_sessions_per_5min - used_short
            else (settings.bluesky_sessions_per_5min, used_short, short_reset)
        )
        headers = {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(max(limit - used, 0)),
            "RateLimit-Reset": str(int(now.timestamp()) + reset),
            "RateLimit-Policy": f"{limit};w={300 if limit == settings.bluesky_sessions_per_5min else 86_400}",
        }
        if used_short > settings.bluesky_sessions_per_5min or used_day > settings.bluesky_sessions_per_day:
            response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            response.headers.update(headers)
            return response
        return headers

    # ----- search -----------------------------------------------------------------------------------

    def _search(self, call: Call) -> FakeResponse:
        request = call.request
        token = request.bearer()
        if not token:
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        problem = self._check(token, "access")
        if problem:
            return problem
        query = request.param("q")
        if not query:
            return xrpc_error(400, "InvalidRequest", 'Params must have the property "q"')
        limit = int_param(request.param("limit"), 25)
        if limit is None or not 1 <= limit <= 100:
            return xrpc_error(400, "InvalidRequest", "limit must be an integer between 1 and 100")
        since, until = request.param("since"), request.param("until")
        since_at, until_at = parse_time(since), parse_time(until)
        if (since and since_at is None) or (until and until_at is None):
            return xrpc_error(400, "InvalidRequest", "since/until must be a datetime or a date")
        cursor = request.param("cursor")
        if cursor and not cursor.isdigit():
            return xrpc_error(400, "InvalidRequest", "malformed cursor")
        lang = (request.param("lang") or "").casefold()
        ordering = sorted(
            (
                item
                for item in self.state.visible(self.state.data.of("bluesky"))
                if matches_query(query, item.text)
                and (not lang or (item.lang or "").casefold().split("-")[0] == lang)
            ),
            key=lambda item: (item.created_at, item.native_id),
            reverse=True,
        )
        results = [
            item
            for item in ordering
            if (since_at is None or item.created_at >= since_at)
            and (until_at is None or item.created_at < until_at)
        ]
        size = self.state.cap("bluesky", limit)
        page = paginate(
            call,
            Listing("/bluesky/search", results, _post_view, _corrupt, ordering=ordering),
            int(cursor or 0),
            size,
        )
        payload: dict[str, Any] = {"posts": page.payloads, "hitsTotal": page.total}
        if page.more:
            payload["cursor"] = str(page.next_start)
        return json_response(200, payload)


def xrpc_error(status: int, error: str, message: str) -> FakeResponse:
    return json_response(status, {"error": error, "message": message})


def _post_view(item: FakeItem) -> dict[str, Any]:
    did = item.extra.get("did") or did_for(item.author)
    handle = item.extra.get("handle") or item.author
    created = iso_ms(item.created_at)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created, "text": item.text}
    if item.lang:
        record["langs"] = [item.lang]
    return {
        "uri": item.native_id,
        "cid": item.extra.get("cid", "bafyreib2rxk3rh6kzwq"),
        "author": {
            "did": did,
            "handle": handle,
            "displayName": handle.split(".")[0].title(),
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkrei@jpeg",
            "labels": [],
            "createdAt": "2023-09-01T10:00:00.000Z",
        },
        "record": record,
        "replyCount": item.followers % 3,
        "repostCount": item.followers % 5,
        "likeCount": item.followers % 17,
        "quoteCount": 0,
        "indexedAt": created,
        "labels": [],
    }


def _corrupt(payload: Any, variant: str) -> Any:
    return corrupt_fields(
        payload,
        variant,
        FieldPaths(
            id_paths=[("uri",)],
            time_paths=[("record", "createdAt"), ("indexedAt",)],
            text_paths=[("record", "text")],
            not_object="oops",
        ),
    )
