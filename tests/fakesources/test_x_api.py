"""The fake X recent search: bearer check, problem-shaped errors, fields on request, since_id, next_token."""

from __future__ import annotations

from datetime import timedelta

from crisiswatch_ops.fakesources import FakeSourceServer

FIELDS = {
    "tweet.fields": "created_at,lang,author_id",
    "expansions": "author_id",
    "user.fields": "public_metrics",
}


def _search(server: FakeSourceServer, http, token: str | None = "ok", **params):
    if token == "ok":
        token = server.credentials.x_bearer_token
    params.setdefault("query", "Northwind")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.get(server.base_url("x") + "/2/tweets/search/recent", params=params, headers=headers)


def _ids(server: FakeSourceServer) -> list[str]:
    items = [
        item
        for item in server.data.of("x")
        if item.created_at <= server.now
        and item.created_at >= server.now - timedelta(days=7)
        and "northwind" in item.text.casefold()
    ]
    return sorted((item.native_id for item in items), key=int, reverse=True)


def test_bearer_token_is_checked(server, http):
    assert _search(server, http, token=None).status_code == 401
    wrong = _search(server, http, token="nope")
    assert wrong.status_code == 401 and wrong.json()["title"] == "Unauthorized"


def test_parameters_are_validated_in_xs_problem_shape(server, http):
    response = _search(server, http, max_results="5")
    body = response.json()
    assert response.status_code == 400 and body["title"] == "Invalid Request"
    assert body["errors"][0]["parameters"] == {"max_results": ["5"]}
    assert _search(server, http, query="").status_code == 400
    too_old = (server.now - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _search(server, http, start_time=too_old).status_code == 400


def test_fields_only_when_asked(server, http):
    bare = _search(server, http).json()
    assert set(bare["data"][0]) == {"id", "text", "edit_history_tweet_ids"} and "includes" not in bare
    full = _search(server, http, **FIELDS).json()
    assert {"created_at", "lang", "author_id"} <= set(full["data"][0])
    user = full["includes"]["users"][0]
    assert {"id", "username", "public_metrics"} <= set(user) and "followers_count" in user["public_metrics"]
    assert {tweet["author_id"] for tweet in full["data"]} == {
        user["id"] for user in full["includes"]["users"]
    }


def test_next_token_pages_through_everything_once_and_since_id_bounds_it(server, http):
    everything = _ids(server)
    seen, token = [], None
    while True:
        body = _search(server, http, max_results="10", **({"next_token": token} if token else {})).json()
        seen += [tweet["id"] for tweet in body.get("data", [])]
        assert body["meta"]["result_count"] == len(body.get("data", []))
        token = body["meta"].get("next_token")
        if not token:
            break
    assert seen == everything
    newer = _search(server, http, max_results="100", since_id=everything[5]).json()
    assert [tweet["id"] for tweet in newer["data"]] == everything[:5]
    assert newer["meta"]["newest_id"] == everything[0] and newer["meta"]["oldest_id"] == everything[4]
    assert _search(server, http, since_id=everything[0]).json() == {"meta": {"result_count": 0}}


def test_only_the_last_seven_days_are_searchable(server, http):
    before = len(_ids(server))
    server.advance(timedelta(days=7) - timedelta(hours=6))
    assert 0 < len(_ids(server)) < before
    body = _search(server, http, max_results="100").json()
    assert [tweet["id"] for tweet in body["data"]] == _ids(server)


def test_rate_limit_headers(server, http):
    response = _search(server, http)
    assert response.headers["x-rate-limit-limit"] == "450"
    assert (
        int(response.headers["x-rate-limit-remaining"]) < 450
        and response.headers["x-rate-limit-reset"].isdigit()
    )
