"""Each fault kind happens when asked (and where it applies), and not otherwise; schedules are seeded."""

from __future__ import annotations

import json

import pytest
import requests

from crisiswatch_ops.fakesources import FakeSettings, FakeSourceServer, FaultKind

from .conftest import END, HOLD_SECONDS, READ_TIMEOUT


def _hn(server: FakeSourceServer, http, **params) -> requests.Response:
    params = {"query": "Northwind", "hitsPerPage": "5", **params}
    response: requests.Response = http.get(
        server.base_url("hackernews") + "/api/v1/search_by_date", params=params
    )
    return response


def _ids(response: requests.Response) -> list[str]:
    return [hit["objectID"] for hit in response.json()["hits"] if isinstance(hit, dict) and "objectID" in hit]


def _injected(server: FakeSourceServer, source: str, kind: FaultKind) -> int:
    return server.counters().get(source, {}).get(f"injected_{kind.value}", 0)


@pytest.mark.parametrize(
    ("kind", "status"), [(FaultKind.HTTP_500, 500), (FaultKind.HTTP_502, 502), (FaultKind.HTTP_503, 503)]
)
def test_http_errors_happen_for_the_requests_asked(server, http, kind, status):
    clean = _hn(server, http)
    server.faults.inject("/hn", kind, count=2)
    assert [_hn(server, http).status_code for _ in range(3)] == [status, status, 200]
    assert _hn(server, http).json() == clean.json()
    assert _injected(server, "hackernews", kind) == 2


def test_a_timeout_holds_the_answer_past_the_clients_read_timeout(server, http):
    server.faults.inject("/x", FaultKind.TIMEOUT)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(server.base_url("x") + "/2/tweets/search/recent", timeout=READ_TIMEOUT)
    assert HOLD_SECONDS > READ_TIMEOUT
    assert http.get(server.base_url("x") + "/2/tweets/search/recent", timeout=READ_TIMEOUT).status_code == 401
    assert server.counters()["x"]["held"] == 1


def test_rate_limits_say_when_to_come_back(server, http):
    server.faults.inject("/x", FaultKind.RATE_LIMIT_SHORT)
    server.faults.inject("/x", FaultKind.RATE_LIMIT_LONG)
    url = server.base_url("x") + "/2/tweets/search/recent"
    short, long = http.get(url), http.get(url)
    assert (short.status_code, short.headers["Retry-After"]) == (429, "1")
    assert (long.status_code, long.headers["Retry-After"]) == (429, "3600")
    assert long.headers["x-rate-limit-remaining"] == "0" and long.json()["status"] == 429
    server.faults.inject("/reddit", FaultKind.RATE_LIMIT_LONG)
    reddit = http.get(server.base_url("reddit") + "/search.json", params={"q": "x"})
    assert reddit.headers["X-Ratelimit-Remaining"] == "0.0" and reddit.headers["Retry-After"] == "3600"


def test_truncated_is_a_valid_prefix_with_the_right_content_type(server, http):
    clean = _hn(server, http)
    server.faults.inject("/hn", FaultKind.TRUNCATED)
    cut = _hn(server, http)
    assert cut.status_code == 200 and cut.headers["Content-Type"].startswith("application/json")
    assert 0 < len(cut.content) < len(clean.content) and clean.content.startswith(cut.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert _hn(server, http).content == clean.content


def test_truncated_waits_for_a_response_with_a_body(server, http):
    url = server.feed_url("news")
    etag = http.get(url).headers["ETag"]
    server.faults.inject("/rss", FaultKind.TRUNCATED)
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert server.faults.pending() == [("/rss", FaultKind.TRUNCATED, 1)]
    cut = http.get(url)
    assert cut.status_code == 200 and not cut.text.rstrip().endswith("</rss>")


def test_duplicates_repeat_the_previous_pages_last_items(server, http):
    first = _ids(_hn(server, http, page="0"))
    clean_second = _ids(_hn(server, http, page="1"))
    _hn(server, http, page="0")
    server.faults.inject("/hn", FaultKind.DUPLICATES)
    second = _ids(_hn(server, http, page="1"))
    assert second == first[-2:] + clean_second
    third = _ids(_hn(server, http, page="2"))  # asked once: the next page is clean
    assert len(third) == 5 and not set(third) & set(second)
    lone = FakeSourceServer(server.data, now=END, settings=FakeSettings(duplicates=1))
    with lone:
        lone.faults.inject("/hn", FaultKind.DUPLICATES)
        alone = _ids(_hn(lone, http, page="3"))  # no previous page: an item repeated in place
        assert len(alone) == 6 and alone[-1] == alone[-2]


def test_out_of_order_shuffles_the_page_but_not_the_cursor(server, http):
    url = server.base_url("reddit") + "/search.json"
    clean = http.get(url, params={"q": "Northwind", "limit": "8"}).json()["data"]
    server.faults.inject("/reddit", FaultKind.OUT_OF_ORDER)
    shuffled = http.get(url, params={"q": "Northwind", "limit": "8"}).json()["data"]
    names = [child["data"]["name"] for child in shuffled["children"]]
    assert names != [child["data"]["name"] for child in clean["children"]]
    assert sorted(names) == sorted(child["data"]["name"] for child in clean["children"])
    assert shuffled["after"] == clean["after"]


def test_deleted_between_pages_shifts_offset_paging(server, http):
    everything = _ids(_hn(server, http, hitsPerPage="1000"))
    server.faults.inject("/hn", FaultKind.DELETED_BETWEEN_PAGES)
    first = _hn(server, http, page="0").json()["hits"]
    decoys = [hit for hit in first if hit["objectID"] not in everything]
    assert len(decoys) == 3 and all("northwind" not in json.dumps(hit).casefold() for hit in decoys)
    second = _ids(_hn(server, http, page="1"))
    served = [hit["objectID"] for hit in first if hit not in decoys] + second
    assert served == everything[:2] + everything[5:10], "the decoys' slots pushed 3 real items out of reach"
    assert server.counters()["hackernews"]["decoys_served"] == 3


def test_malformed_items_are_mixed_into_a_valid_page(server, http):
    settings = FakeSettings(malformed=5)
    with FakeSourceServer(server.data, now=END, settings=settings) as lone:
        url = lone.base_url("x") + "/2/tweets/search/recent"
        params = {"query": "Northwind", "max_results": "10", "tweet.fields": "created_at,lang"}
        headers = {"Authorization": f"Bearer {lone.credentials.x_bearer_token}"}
        clean = http.get(url, params=params, headers=headers).json()["data"]
        lone.faults.inject("/x", FaultKind.MALFORMED_ITEMS)
        mixed = http.get(url, params=params, headers=headers).json()["data"]
        broken = [tweet for tweet in mixed if tweet not in clean]
        assert len(mixed) == len(clean) + 5 and len(broken) == 5
        assert [tweet for tweet in mixed if tweet in clean] == clean
        assert "oops" in broken, "one is not an object"
        objects = [tweet for tweet in broken if isinstance(tweet, dict)]
        assert any("id" not in tweet for tweet in objects)
        assert any("created_at" not in tweet for tweet in objects)
        assert any(tweet.get("created_at") == "sometime last week" for tweet in objects)
        assert any(not isinstance(tweet.get("text"), str) for tweet in objects)
        assert http.get(url, params=params, headers=headers).json()["data"] == clean


def test_a_fault_waits_for_a_request_it_applies_to_and_stays_in_its_prefix(server, http):
    server.faults.inject("/reddit", FaultKind.DUPLICATES)
    server.faults.inject("/youtube", FaultKind.QUOTA_EXCEEDED)
    server.faults.inject("/x", FaultKind.HTTP_500)
    assert _hn(server, http).status_code == 200
    token = http.post(
        server.base_url("reddit") + "/api/v1/access_token",
        auth=(server.credentials.reddit_client_id, server.credentials.reddit_client_secret),
        data={"grant_type": "client_credentials"},
    )
    assert token.status_code == 200
    assert ("/reddit", FaultKind.DUPLICATES, 1) in server.faults.pending()
    quota = http.get(
        server.base_url("youtube") + "/youtube/v3/search",
        params={"part": "snippet", "q": "Northwind", "key": server.credentials.youtube_api_key},
    )
    assert quota.status_code == 403 and quota.json()["error"]["errors"][0]["reason"] == "quotaExceeded"
    with pytest.raises(ValueError, match="not a valid FaultKind"):
        server.faults.inject("/hn", "no_such_fault")


def test_explicit_faults_go_in_order_one_per_request(server, http):
    server.faults.inject("/hn", FaultKind.HTTP_500)
    server.faults.inject("/hn", FaultKind.HTTP_502)
    assert [_hn(server, http).status_code for _ in range(3)] == [500, 502, 200]


def test_a_schedule_is_seeded_and_its_rate_is_respected(server, http):
    def statuses(seed: int, rate: float) -> list[int]:
        with FakeSourceServer(server.data, now=END) as fresh:
            fresh.faults.schedule("/hn", [FaultKind.HTTP_500, FaultKind.HTTP_503], rate=rate, seed=seed)
            return [_hn(fresh, http).status_code for _ in range(40)]

    first = statuses(7, 0.5)
    assert first == statuses(7, 0.5) and first != statuses(8, 0.5)
    assert {500, 503, 200} == set(first)
    assert set(statuses(7, 0.0)) == {200}
    assert set(statuses(7, 1.0)) <= {500, 503}


def test_counters_say_what_was_requested_served_and_injected(server, http):
    _hn(server, http)
    server.faults.inject("/hn", FaultKind.HTTP_503)
    _hn(server, http)
    counters = server.counters()["hackernews"]
    assert counters["requests"] == 2 and counters["status_200"] == 1 and counters["status_503"] == 1
    assert counters["items_served"] == 5 and counters["injected_http_503"] == 1
    assert [entry.fault for entry in server.requests_to("/hn")] == ["", "http_503"]
