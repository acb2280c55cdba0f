"""The fake Bluesky: sessions (create, refresh, expiry, rate limit), searchPosts auth, cursor, since/until."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from crisiswatch_ops.fakesources import FakeSourceServer

SEARCH = "/xrpc/app.bsky.feed.searchPosts"


def _session(server: FakeSourceServer, http) -> dict[str, Any]:
    response = http.post(
        server.base_url("bluesky") + "/xrpc/com.atproto.server.createSession",
        json=server.secret_for("bluesky"),
    )
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


def _search(server: FakeSourceServer, http, token: str | None, **params):
    params.setdefault("q", "Northwind")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.get(server.base_url("bluesky") + SEARCH, params=params, headers=headers)


def _uris(server: FakeSourceServer, since=None, until=None) -> list[str]:
    items = [
        item
        for item in server.data.of("bluesky")
        if item.created_at <= server.now
        and "northwind" in item.text.casefold()
        and (since is None or item.created_at >= since)
        and (until is None or item.created_at < until)
    ]
    return [
        item.native_id
        for item in sorted(items, key=lambda item: (item.created_at, item.native_id), reverse=True)
    ]


def test_create_session_and_wrong_password(server, http):
    session = _session(server, http)
    assert {"accessJwt", "refreshJwt", "handle", "did"} <= set(session) and session["accessJwt"].count(
        "."
    ) == 2
    wrong = http.post(
        server.base_url("bluesky") + "/xrpc/com.atproto.server.createSession",
        json={"identifier": server.credentials.bluesky_identifier, "password": "nope"},
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "AuthenticationRequired"
    assert "RateLimit-Remaining" in wrong.headers


def test_search_needs_a_valid_access_token(server, http):
    assert _search(server, http, None).status_code == 401
    assert _search(server, http, None).json()["error"] == "AuthMissing"
    bogus = _search(server, http, "not-a-token")
    assert bogus.status_code == 400 and bogus.json()["error"] == "InvalidToken"
    session = _session(server, http)
    wrong_scope = _search(server, http, session["refreshJwt"])
    assert wrong_scope.status_code == 400 and wrong_scope.json()["error"] == "InvalidToken"
    ok = _search(server, http, session["accessJwt"])
    assert ok.status_code == 200 and ok.json()["posts"]


def test_access_tokens_expire_and_refresh_tokens_are_single_use(server, http):
    session = _session(server, http)
    server.advance(timedelta(hours=2, minutes=1))
    expired = _search(server, http, session["accessJwt"])
    assert expired.status_code == 400 and expired.json()["error"] == "ExpiredToken"
    refresh_url = server.base_url("bluesky") + "/xrpc/com.atproto.server.refreshSession"
    refreshed = http.post(refresh_url, headers={"Authorization": f"Bearer {session['refreshJwt']}"})
    assert refreshed.status_code == 200
    assert _search(server, http, refreshed.json()["accessJwt"]).status_code == 200
    again = http.post(refresh_url, headers={"Authorization": f"Bearer {session['refreshJwt']}"})
    assert again.status_code == 400 and again.json()["error"] == "InvalidToken"


def test_sessions_are_rate_limited(server, http):
    server.configure(replace(server.settings, bluesky_sessions_per_5min=3))
    for _ in range(3):
        _session(server, http)
    refused = http.post(
        server.base_url("bluesky") + "/xrpc/com.atproto.server.createSession",
        json=server.secret_for("bluesky"),
    )
    assert refused.status_code == 429 and refused.json()["error"] == "RateLimitExceeded"
    assert refused.headers["RateLimit-Remaining"] == "0"
    server.advance(timedelta(minutes=5))
    _session(server, http)


def test_parameters_are_validated(server, http):
    token = _session(server, http)["accessJwt"]
    assert _search(server, http, token, q="").status_code == 400
    assert _search(server, http, token, limit="101").json()["error"] == "InvalidRequest"
    assert _search(server, http, token, since="yesterday").status_code == 400


def test_post_views_and_the_cursor_pages_through_everything_once(server, http):
    token = _session(server, http)["accessJwt"]
    first = _search(server, http, token, limit="7").json()
    post = first["posts"][0]
    assert post["uri"].startswith("at://did:plc:") and "/app.bsky.feed.post/" in post["uri"]
    assert {"text", "createdAt", "$type"} <= set(post["record"]) and {"did", "handle"} <= set(post["author"])
    seen, cursor = [], None
    while True:
        page = _search(server, http, token, limit="7", **({"cursor": cursor} if cursor else {})).json()
        seen += [post["uri"] for post in page["posts"]]
        cursor = page.get("cursor")
        if not cursor:
            break
    assert seen == _uris(server)


def test_since_is_inclusive_and_until_exclusive(server, http):
    token = _session(server, http)["accessJwt"]
    everything = _uris(server)
    items = {item.native_id: item for item in server.data.of("bluesky")}
    newer, older = items[everything[3]].created_at, items[everything[9]].created_at
    page = _search(
        server,
        http,
        token,
        limit="100",
        since=older.isoformat().replace("+00:00", "Z"),
        until=newer.isoformat(),
    ).json()
    assert [post["uri"] for post in page["posts"]] == everything[4:10]
    assert _search(server, http, token, since=older.date().isoformat()).status_code == 200
