"""The fake Mastodon instances: hashtag timeline paging (max_id/since_id/min_id, Link), 401, v2 search."""

from __future__ import annotations

from crisiswatch_ops.fakesources import FakeSourceServer


def _timeline(server: FakeSourceServer, http, instance: str = "a", **params):
    tag = server.data.hashtags[0]
    return http.get(f"{server.instance_url(instance)}/api/v1/timelines/tag/{tag}", params=params)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [status["id"] for status in response.json()]


def _local_ids(server: FakeSourceServer, instance: str = "a") -> list[str]:
    tag = server.data.hashtags[0]
    items = [
        item
        for item in server.data.of("mastodon")
        if instance in item.instance_ids and tag in item.tags and item.created_at <= server.now
    ]
    return sorted((item.instance_ids[instance] for item in items), key=int, reverse=True)


def test_statuses_look_like_mastodons(server, http):
    status = _timeline(server, http).json()[0]
    assert {"id", "uri", "url", "created_at", "content", "language", "account", "tags"} <= set(status)
    assert status["created_at"].endswith("Z") and "." in status["created_at"]
    assert status["content"].startswith("<p>") and {"acct", "followers_count"} <= set(status["account"])


def test_newest_first_default_20_and_limit_clamped_at_40(server, http):
    everything = _local_ids(server)
    assert _ids(_timeline(server, http)) == everything[:20]
    assert len(_ids(_timeline(server, http, limit="100"))) == min(40, len(everything))


def test_link_next_pages_through_everything_once(server, http):
    everything = _local_ids(server)
    seen: list[str] = []
    response = _timeline(server, http, limit="6")
    while True:
        seen += _ids(response)
        if "next" not in response.links:
            break
        assert "limit=6" in response.links["next"]["url"]
        response = http.get(response.links["next"]["url"])
    assert seen == everything
    assert response.links["prev"]["url"].endswith(f"min_id={seen[-len(_ids(response)) :][0]}")


def test_max_id_since_id_and_min_id(server, http):
    everything = _local_ids(server)
    assert _ids(_timeline(server, http, max_id=everything[4], limit="3")) == everything[5:8]
    assert _ids(_timeline(server, http, since_id=everything[10], limit="3")) == everything[:3]
    assert _ids(_timeline(server, http, min_id=everything[10], limit="3")) == everything[7:10]


def test_the_same_status_has_one_uri_and_a_local_id_per_instance(server, http):
    uris_a = {status["uri"]: status["id"] for status in _timeline(server, http, "a", limit="40").json()}
    uris_b = {status["uri"]: status["id"] for status in _timeline(server, http, "b", limit="40").json()}
    shared = set(uris_a) & set(uris_b)
    assert shared and all(uris_a[uri] != uris_b[uri] for uri in shared)


def test_an_instance_with_closed_timelines_answers_401(server, http):
    response = _timeline(server, http, "closed")
    assert response.status_code == 401 and response.json() == {
        "error": "This API requires an authenticated user"
    }


def test_search_finds_statuses_and_refuses_pagination_without_a_token(server, http):
    url = f"{server.instance_url('a')}/api/v2/search"
    body = http.get(url, params={"q": "Northwind", "type": "statuses", "limit": "40"}).json()
    assert set(body) == {"accounts", "statuses", "hashtags"} and body["statuses"]
    untagged = [status for status in body["statuses"] if not status["tags"]]
    assert untagged, "some statuses are reachable through search only"
    assert http.get(url, params={"q": "Northwind", "offset": "20"}).status_code == 401
    assert http.get(url, params={"q": "Northwind", "resolve": "true"}).status_code == 401
    with_token = http.get(
        url, params={"q": "Northwind", "offset": "5"}, headers={"Authorization": "Bearer user"}
    )
    assert with_token.status_code == 200
    no_search = http.get(f"{server.instance_url('b')}/api/v2/search", params={"q": "Northwind"}).json()
    assert no_search["statuses"] == []


def test_rate_limit_headers(server, http):
    response = _timeline(server, http)
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert int(response.headers["X-RateLimit-Remaining"]) < 300 and response.headers[
        "X-RateLimit-Reset"
    ].endswith("Z")
