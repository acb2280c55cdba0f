"""The fake Reddit: token grant, OAuth vs anonymous paths, listing shape, after/before paging, limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from crisiswatch_ops.fakesources import FakeSourceServer

from .conftest import END


def _token(server: FakeSourceServer, http, **form) -> dict[str, Any]:
    credentials = server.credentials
    data = {
        "grant_type": "password",
        "username": credentials.reddit_username,
        "password": credentials.reddit_password,
    }
    data.update(form)
    response = http.post(
        server.base_url("reddit") + "/api/v1/access_token",
        auth=(credentials.reddit_client_id, credentials.reddit_client_secret),
        data=data,
    )
    assert response.status_code == 200
    granted: dict[str, Any] = response.json()
    return granted


def _listing(server: FakeSourceServer, http, path: str = "/search.json", token: str | None = None, **params):
    params.setdefault("q", "Northwind")
    headers = {"Authorization": f"bearer {token}"} if token else {}
    response = http.get(server.base_url("reddit") + path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def _names(response) -> list[str]:
    return [child["data"]["name"] for child in response.json()["data"]["children"]]


def _all_posts(server: FakeSourceServer) -> list[str]:
    posts = [item for item in server.data.of("reddit") if item.kind == "t3" and item.created_at <= server.now]
    return [
        item.native_id
        for item in sorted(posts, key=lambda item: (item.created_at, item.native_id), reverse=True)
    ]


def test_password_grant_gives_a_bearer_token_and_wrong_credentials_are_refused(server, http):
    granted = _token(server, http)
    assert granted["token_type"] == "bearer" and granted["expires_in"] == 86400 and granted["access_token"]
    assert _token(server, http, password="wrong") == {"error": "invalid_grant"}
    assert _token(server, http, grant_type="client_credentials")["access_token"]
    refused = http.post(server.base_url("reddit") + "/api/v1/access_token", auth=("x", "y"), data={})
    assert refused.status_code == 401


def test_oauth_paths_need_a_valid_unexpired_token(server, http):
    url = server.base_url("reddit") + "/search"
    assert http.get(url, params={"q": "Northwind"}).status_code == 401
    assert (
        http.get(url, params={"q": "Northwind"}, headers={"Authorization": "bearer nope"}).status_code == 401
    )
    token = _token(server, http)["access_token"]
    ok = http.get(url, params={"q": "Northwind"}, headers={"Authorization": f"bearer {token}"})
    assert ok.status_code == 200
    assert float(ok.headers["X-Ratelimit-Remaining"]) < 1000 and ok.headers["X-Ratelimit-Reset"].isdigit()
    server.advance(timedelta(hours=25))
    assert (
        http.get(url, params={"q": "Northwind"}, headers={"Authorization": f"bearer {token}"}).status_code
        == 401
    )


def test_anonymous_json_pages_need_no_token_but_a_real_user_agent(server, http):
    assert _listing(server, http).json()["kind"] == "Listing"
    response = http.get(
        server.base_url("reddit") + "/search.json",
        params={"q": "x"},
        headers={"User-Agent": "python-requests/2.32"},
    )
    assert response.status_code == 429


def test_listing_shape_newest_first_and_default_limit(server, http):
    body = _listing(server, http).json()
    data = body["data"]
    assert set(data) >= {"after", "before", "children", "dist"}
    assert data["before"] is None and data["dist"] == len(data["children"]) == 25
    first = data["children"][0]
    assert first["kind"] == "t3"
    assert {"name", "id", "title", "selftext", "author", "created_utc", "permalink", "subreddit"} <= set(
        first["data"]
    )
    created = [child["data"]["created_utc"] for child in data["children"]]
    assert created == sorted(created, reverse=True)
    assert data["after"] == data["children"][-1]["data"]["name"]


def test_after_pages_through_every_post_once_and_before_goes_back_up(server, http):
    seen: list[str] = []
    after = None
    while True:
        params = {"limit": "7", **({"after": after} if after else {})}
        response = _listing(server, http, **params)
        seen += _names(response)
        after = response.json()["data"]["after"]
        if not after:
            break
    assert seen == _all_posts(server)
    anchor = seen[20]
    newer = _listing(server, http, before=anchor, limit="5")
    assert _names(newer) == seen[15:20]
    assert newer.json()["data"]["before"] == seen[15]
    assert _names(_listing(server, http, before=seen[3], limit="10")) == seen[:3]
    assert _listing(server, http, before=seen[3], limit="10").json()["data"]["before"] is None


def test_an_anchor_that_is_not_in_the_listing_gives_an_empty_listing(server, http):
    for key in ("after", "before"):
        data = _listing(server, http, **{key: "t3_doesnotexist"}).json()["data"]
        assert data["children"] == [] and data["after"] is None and data["before"] is None


def test_limit_is_capped_at_100_and_by_the_page_cap(server, http):
    assert len(_names(_listing(server, http, limit="500"))) == min(100, len(_all_posts(server)))
    server.configure(replace(server.settings, page_cap={"reddit": 4}))
    assert len(_names(_listing(server, http, limit="100"))) == 4


def test_subreddit_comments_are_that_subreddits_t1_items(server, http):
    sub = server.data.subreddits[0]
    response = _listing(server, http, path=f"/r/{sub}/comments.json", limit="100")
    children = response.json()["data"]["children"]
    expected = [item for item in server.data.of("reddit") if item.kind == "t1" and item.place == sub]
    assert len(children) == len(expected) and all(child["kind"] == "t1" for child in children)
    assert all(child["data"]["subreddit"] == sub and child["data"]["body"] for child in children)


def test_text_is_html_escaped_unless_raw_json(server, http):
    def bodies(**params) -> str:
        children = _listing(server, http, limit="100", **params).json()["data"]["children"]
        return "".join(child["data"]["selftext"] + child["data"]["title"] for child in children)

    escaped, raw = bodies(), bodies(raw_json="1")
    assert "<" in raw and "<" not in escaped and "&lt;" in escaped


def test_items_appear_as_the_clock_moves(server, http):
    everything = len(_all_posts(server))
    server.set_time(END - timedelta(hours=6))
    assert len(_names(_listing(server, http, limit="100"))) == len(_all_posts(server)) < everything
