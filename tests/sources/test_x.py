"""XSource against a model of API v2 recent search, with the monthly read budget under concurrency."""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crisiswatch.config_files.watchlist import source_spec
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch.ports import FetchResult
from crisiswatch_sources.errors import (
    BudgetExhaustedError,
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceUnavailableError,
)
from crisiswatch_sources.x import XSource

from .conftest import (
    FakeUsageStore,
    Recorded,
    Reply,
    ScriptedServer,
    hanging_session,
    make_fast_session,
    source_context,
)

FIXTURES = Path(__file__).parent / "fixtures" / "x"
NOW = datetime(2024, 6, 4, 15, 0, tzinfo=UTC)
RESET = int((NOW + timedelta(minutes=10)).timestamp())
PATH = "/2/tweets/search/recent"
TOKEN = "AAAAAAAAAAAAAAAAAAAAA-test-bearer-token"
BRAND = Brand(name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street",))
KEY = "x:Northwind:tw:2024-06"
HEADERS = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": str(RESET)}


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def fixture_posts() -> list[dict[str, Any]]:
    return [*load("recent_search_page1.json")["data"], *load("recent_search_page2.json")["data"]]


def users() -> list[dict[str, Any]]:
    return list(load("recent_search_page1.json")["includes"]["users"])


def new_post(
    number: int, text: str = "Northwind again", created: str = "2024-06-04T14:59:00.000Z"
) -> dict[str, Any]:
    post = copy.deepcopy(fixture_posts()[0])
    post.update(
        id=str(1798000000000000000 + number), text=text, created_at=created, edit_history_tweet_ids=[]
    )
    return post


class FakeX:
    """Recent search: since_id (exclusive), start_time, max_results 10..100, newest first, a `next_token`
    naming the last post served (deletions shift nothing), and the billing: one read per post returned."""

    def __init__(self, posts: list[dict[str, Any]]) -> None:
        self.posts = posts
        self.lock = threading.Lock()
        self.billed = 0
        self.remaining = 449

    def __call__(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, load("error_401.json"))
        size = int(request.param("max_results") or 10)
        if not 10 <= size <= 100:
            return Reply(
                400, {"title": "Invalid Request", "detail": "max_results must be between 10 and 100"}
            )
        since_id, start, token = (
            request.param("since_id"),
            request.param("start_time"),
            request.param("next_token"),
        )
        with self.lock:
            pool = [
                post
                for post in self.posts
                if (since_id is None or int(post["id"]) > int(since_id))
                and (start is None or post["created_at"] >= start)
                and (token is None or int(post["id"]) < int(token.removeprefix("before-")))
            ]
            pool.sort(key=lambda post: int(post["id"]), reverse=True)
            page = pool[:size]
            self.billed += len(page)
        meta: dict[str, Any] = {"result_count": len(page)}
        body: dict[str, Any] = {"meta": meta}
        if page:
            authors = {post["author_id"] for post in page}
            body["data"] = page
            body["includes"] = {"users": [user for user in users() if user["id"] in authors]}
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if len(pool) > size:
            meta["next_token"] = f"before-{page[-1]['id']}"
        headers = {**HEADERS, "x-rate-limit-remaining": str(self.remaining)}
        return Reply(200, body, headers)


def make_source(
    server: ScriptedServer,
    usage: FakeUsageStore | None = None,
    budget: int = 10_000,
    brand: Brand = BRAND,
    seconds: float = 60.0,
    **spec: Any,
) -> XSource:
    values = {
        "id": "tw",
        "type": "x",
        "secret": "/cw/x",
        "monthly_read_budget": budget,
        "base_url": server.url,
        **spec,
    }
    context = source_context(
        brand,
        make_fast_session(),
        secret=lambda: {"bearer_token": TOKEN},
        usage=usage or FakeUsageStore(),
        seconds=seconds,
    )
    return XSource(source_spec(values), context)


def ids(result: FetchResult) -> list[str]:
    return [mention.native_id for mention in result.mentions]


def cursor_of(result: FetchResult) -> dict[str, Any]:
    return dict(json.loads(result.next_cursor or "{}"))


# ----- first fetch, normalisation ---------------------------------------------------------------------------


def test_first_fetch_reads_the_last_hour_page_by_page(scripted_server):
    scripted_server.script(
        "GET",
        PATH,
        Reply(200, load("recent_search_page1.json"), HEADERS),
        Reply(200, load("recent_search_page2.json"), HEADERS),
    )
    usage = FakeUsageStore()
    result = make_source(scripted_server, usage).fetch(None, NOW)

    first, second = scripted_server.requests_to(PATH)
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert {
        key: first.param(key) for key in ("query", "max_results", "start_time", "since_id", "next_token")
    } == {
        "query": "Northwind",
        "max_results": "100",
        "start_time": "2024-06-04T14:00:00Z",
        "since_id": None,
        "next_token": None,
    }
    assert first.param("tweet.fields") == "created_at,lang,public_metrics,author_id"
    assert (first.param("expansions"), first.param("user.fields")) == ("author_id", "public_metrics,username")
    assert second.param("next_token") == "b26v89c19zqg8o3fr5qmzu3m4bpkoyxtg5gonwwy3ng9p"
    assert second.param("start_time") == "2024-06-04T14:00:00Z"

    # "Northwind Street" is an exclusion; the rest are kept.
    assert ids(result) == [
        "1797999999000000005",
        "1797999999000000004",
        "1797999999000000003",
        "1797999999000000002",
    ]
    breaking = result.mentions[0]
    assert breaking.source == "x"
    assert breaking.author == "techreporter" and breaking.author_followers == 182_340
    assert breaking.url == "https://x.com/techreporter/status/1797999999000000005"
    assert breaking.lang == "en"
    assert breaking.created_at == datetime(2024, 6, 4, 14, 58, 31, tzinfo=UTC)
    assert breaking.engagement == {
        "likes": 1520,
        "reposts": 803,
        "replies": 211,
        "quotes": 95,
        "bookmarks": 0,
        "impressions": 480233,
    }
    assert result.mentions[1].text == (
        "@NorthwindHelp I've been on hold for 2 hours & nobody answers 😤 "
        "Northwind support is a joke #northwind"
    )
    assert result.mentions[3].lang == "und"  # X's "zxx" (media only) is an unknown language
    assert cursor_of(result) == {"since_id": "1797999999000000005"}
    assert usage.used(KEY) == 5  # 2 x 100 reserved, the 195 unused reads given back


def test_an_empty_first_search_keeps_its_start_time_and_gives_back_the_reservation(scripted_server):
    scripted_server.always("GET", PATH, Reply(200, load("recent_search_empty.json"), HEADERS))
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage)
    first = source.fetch(None, NOW)
    second = source.fetch(first.next_cursor, NOW + timedelta(minutes=5))
    assert first.mentions == [] == second.mentions
    assert cursor_of(second) == {"start_time": "2024-06-04T14:00:00Z"}  # nothing skipped, nothing billed
    assert scripted_server.requests[1].param("start_time") == "2024-06-04T14:00:00Z"
    assert usage.used(KEY) == 0


def test_the_next_fetch_reads_only_what_is_newer(scripted_server):
    api = FakeX(fixture_posts())
    scripted_server.always("GET", PATH, api)
    source = make_source(scripted_server)
    first = source.fetch(None, NOW)
    api.posts.append(new_post(1))
    second = source.fetch(first.next_cursor, NOW + timedelta(minutes=5))

    assert ids(second) == ["1798000000000000001"]
    request = scripted_server.requests_to(PATH)[-1]
    assert (request.param("since_id"), request.param("start_time")) == ("1797999999000000005", None)
    assert cursor_of(second) == {"since_id": "1798000000000000001"}


def test_a_walk_cut_by_max_pages_resumes_and_only_then_moves_since_id(scripted_server, monkeypatch):
    monkeypatch.setattr("crisiswatch_sources.x.MAX_RESULTS", 10)
    posts = [new_post(n, created=f"2024-06-04T14:{30 + n:02d}:00.000Z") for n in range(25)]
    api = FakeX(posts)
    scripted_server.always("GET", PATH, api)
    source = make_source(scripted_server, max_pages=1)

    first = source.fetch(None, NOW)
    assert cursor_of(first) == {
        "start_time": "2024-06-04T14:00:00Z",
        "next_token": "before-1798000000000000015",
        "newest_id": "1798000000000000024",
    }
    api.posts.append(new_post(99))  # arrives during the walk: read by the next walk, not skipped
    second = source.fetch(first.next_cursor, NOW)
    third = source.fetch(second.next_cursor, NOW)
    assert cursor_of(third) == {"since_id": "1798000000000000024"}
    fourth = source.fetch(third.next_cursor, NOW)

    seen = ids(first) + ids(second) + ids(third) + ids(fourth)
    assert sorted(seen) == sorted(post["id"] for post in posts)  # the 25, and the one that arrived
    assert len(seen) == len(set(seen))


def test_duplicates_across_pages_and_out_of_order_posts(scripted_server):
    page1 = load("recent_search_page1.json")
    page1["data"] = list(reversed(page1["data"]))  # oldest first
    page2 = load("recent_search_page2.json")
    page2["data"].append(copy.deepcopy(page1["data"][0]))  # repeated on the next page
    scripted_server.script("GET", PATH, Reply(200, page1, HEADERS), Reply(200, page2, HEADERS))
    result = make_source(scripted_server).fetch(None, NOW)
    assert len(ids(result)) == len(set(ids(result))) == 4
    assert cursor_of(result)["since_id"] == "1797999999000000005"


def test_a_post_deleted_between_pages_skips_nothing(scripted_server, monkeypatch):
    monkeypatch.setattr("crisiswatch_sources.x.MAX_RESULTS", 10)
    posts = [new_post(n) for n in range(15)]
    api = FakeX(posts)

    def deleting(request: Recorded) -> Reply:
        reply = api(request)
        api.posts[:] = [post for post in api.posts if post["id"] != "1798000000000000014"]
        return reply

    scripted_server.always("GET", PATH, deleting)
    result = make_source(scripted_server).fetch(None, NOW)
    assert len(result.mentions) == 15


def test_a_malformed_post_is_rejected_and_the_rest_kept(scripted_server):
    page = load("recent_search_page2.json")
    no_date = new_post(7)
    del no_date["created_at"]
    wrong_text = new_post(8)
    wrong_text["text"] = ["Northwind"]
    page["data"] += [no_date, wrong_text, "not a post"]
    scripted_server.script("GET", PATH, Reply(200, page, HEADERS))
    result = make_source(scripted_server).fetch(None, NOW)
    assert ids(result) == ["1797999999000000002"]
    assert sorted(reason for _, reason in result.rejected) == [
        "field 'text' must be a string",
        "missing field(s): created_at",
        "post is not an object",
    ]


def test_html_emoji_100_kb_text_and_invalid_utf8(scripted_server):
    long = new_post(1, text="Northwind " + "w" * 100_000)
    html = new_post(2, text="<b>Northwind</b> &lt;3 🎉")
    body = json.dumps(
        {"data": [long, html], "includes": {"users": users()}, "meta": {"result_count": 2}}
    ).encode()
    body = body.replace(b"\\ud83c\\udf89", "🎉".encode()).replace(b"Northwind ww", b"Northwind \xff\xfeww")
    scripted_server.script("GET", PATH, Reply(200, body, {"Content-Type": "application/json; charset=utf-8"}))
    result = make_source(scripted_server).fetch(None, NOW)
    texts = {mention.native_id: mention.text for mention in result.mentions}
    assert len(texts["1798000000000000001"]) == 20_000
    assert texts["1798000000000000002"] == "Northwind <3 🎉"


def test_languages_filter_and_unknown_languages_are_kept(scripted_server):
    scripted_server.script(
        "GET",
        PATH,
        Reply(200, load("recent_search_page1.json"), HEADERS),
        Reply(200, load("recent_search_page2.json"), HEADERS),
    )
    brand = replace(BRAND, languages=("en",))
    result = make_source(scripted_server, brand=brand).fetch(None, NOW)
    assert "1797999999000000003" not in ids(result)  # Spanish
    assert "1797999999000000002" in ids(result)  # "zxx": unknown, kept
    assert result.rejected == []


# ----- the monthly read budget ------------------------------------------------------------------------------


def test_each_page_asks_for_no_more_than_is_left_down_to_ten(scripted_server):
    api = FakeX([new_post(n) for n in range(200)])
    scripted_server.always("GET", PATH, api)
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage, budget=125)

    result = source.fetch(None, NOW)
    sizes = [request.param("max_results") for request in scripted_server.requests_to(PATH)]
    assert sizes == ["100", "25"]
    assert len(result.mentions) == 125 == api.billed == usage.used(KEY)
    assert cursor_of(result)["next_token"]  # the walk resumes next month

    with pytest.raises(BudgetExhaustedError) as raised:
        source.fetch(result.next_cursor, NOW + timedelta(minutes=5))
    assert raised.value.retry_at == datetime(2024, 7, 1, tzinfo=UTC)
    assert len(scripted_server.requests_to(PATH)) == 2


def test_less_than_the_api_minimum_left_is_exhausted(scripted_server):
    scripted_server.always("GET", PATH, FakeX([]))
    usage = FakeUsageStore()
    usage.reserve(KEY, 91, 100)
    with pytest.raises(BudgetExhaustedError):
        make_source(scripted_server, usage, budget=100).fetch(None, NOW)
    assert scripted_server.requests == []


def test_many_fetches_never_read_more_than_the_budget_and_a_new_month_starts_over(scripted_server):
    api = FakeX([])
    scripted_server.always("GET", PATH, api)
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage, budget=200)
    cursor, moment, exhausted = None, NOW, 0
    for step in range(60):
        api.posts += [new_post(step * 10 + n) for n in range(10)]
        try:
            cursor = source.fetch(cursor, moment).next_cursor
        except BudgetExhaustedError as error:
            exhausted += 1
            assert error.retry_at == datetime(2024, 7, 1, tzinfo=UTC)
        moment += timedelta(minutes=15)
    assert exhausted > 0
    assert api.billed == usage.used(KEY) <= 200
    assert api.billed >= 190  # quiet polls give back their unused reservation: the budget buys posts

    july = datetime(2024, 7, 1, 0, 5, tzinfo=UTC)
    api.posts.append(new_post(9_999, created="2024-07-01T00:01:00.000Z"))
    assert ids(source.fetch(cursor, july))  # a fresh month, a fresh counter
    assert usage.used("x:Northwind:tw:2024-07") > 0


def test_concurrent_fetches_sharing_the_counter_never_pass_the_budget(scripted_server):
    api = FakeX([new_post(n) for n in range(3_000)])
    scripted_server.always("GET", PATH, api)
    usage = FakeUsageStore()
    budget = 777
    errors: list[BaseException] = []

    def poll() -> None:
        source = make_source(scripted_server, usage, budget=budget, max_pages=3)
        cursor = None
        for _ in range(10):
            try:
                cursor = source.fetch(cursor, NOW).next_cursor
            except BudgetExhaustedError:
                continue
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert api.billed <= budget
    assert usage.used(KEY) >= api.billed  # the counter is never below what was read
    assert api.billed >= budget - 9  # the budget was used, down to less than the API minimum


def test_a_failed_give_back_keeps_the_counter_on_the_safe_side(scripted_server):
    class NoRefunds(FakeUsageStore):
        def reserve(self, key: str, amount: int, limit: int) -> bool:
            if amount < 0:
                raise RuntimeError("throttled")
            return super().reserve(key, amount, limit)

    scripted_server.always("GET", PATH, FakeX(fixture_posts()))
    usage = NoRefunds()
    source = make_source(scripted_server, usage)
    result = source.fetch(None, NOW)
    assert len(result.mentions) == 4
    assert usage.used(KEY) == 100
    assert any("unused reads" in warning for warning in source.warnings)


def test_budget_key_and_reset_dates():
    assert XSource.next_month(datetime(2024, 12, 31, 23, 59, tzinfo=UTC)) == datetime(2025, 1, 1, tzinfo=UTC)
    assert XSource.next_month(datetime(2024, 6, 4, tzinfo=UTC)) == datetime(2024, 7, 1, tzinfo=UTC)


# ----- rate limits ------------------------------------------------------------------------------------------


def test_an_exhausted_rate_window_stops_paging_and_waits_for_its_reset(scripted_server, monkeypatch):
    monkeypatch.setattr("crisiswatch_sources.x.MAX_RESULTS", 10)
    api = FakeX([new_post(n) for n in range(30)])
    api.remaining = 0
    scripted_server.always("GET", PATH, api)
    source = make_source(scripted_server)

    first = source.fetch(None, NOW)
    assert len(first.mentions) == 10 and len(scripted_server.requests) == 1
    assert cursor_of(first)["rate_reset"] == RESET

    with pytest.raises(RateLimitedError) as raised:
        source.fetch(first.next_cursor, NOW + timedelta(minutes=5))
    assert raised.value.retry_at == datetime.fromtimestamp(RESET, UTC)
    assert len(scripted_server.requests) == 1

    api.remaining = 449
    after = source.fetch(first.next_cursor, NOW + timedelta(minutes=11))
    assert len(after.mentions) == 20


def test_a_429_is_dated_from_x_rate_limit_reset(scripted_server):
    scripted_server.always(
        "GET", PATH, Reply(429, load("error_429.json"), {**HEADERS, "x-rate-limit-remaining": "0"})
    )
    usage = FakeUsageStore()
    with pytest.raises(RateLimitedError) as raised:
        make_source(scripted_server, usage).fetch(None, NOW)
    assert raised.value.retry_at == datetime.fromtimestamp(RESET, UTC)
    assert usage.used(KEY) == 0  # a 429 returns no posts: the reservation is given back


def test_a_short_retry_after_is_waited_out(scripted_server):
    scripted_server.script("GET", PATH, Reply(429, load("error_429.json"), {"Retry-After": "1"}))
    scripted_server.always("GET", PATH, FakeX(fixture_posts()))
    assert len(make_source(scripted_server).fetch(None, NOW).mentions) == 4


def test_a_429_after_some_pages_returns_them(scripted_server, monkeypatch):
    monkeypatch.setattr("crisiswatch_sources.x.MAX_RESULTS", 10)
    api = FakeX([new_post(n) for n in range(30)])
    scripted_server.script("GET", PATH, api)
    scripted_server.always("GET", PATH, Reply(429, load("error_429.json"), {"Retry-After": "900"}))
    source = make_source(scripted_server)
    result = source.fetch(None, NOW)
    assert len(result.mentions) == 10
    state = cursor_of(result)
    assert state["next_token"] == "before-1798000000000000020"
    assert state["rate_reset"] == int((NOW + timedelta(minutes=15)).timestamp())


# ----- other failures ---------------------------------------------------------------------------------------


def test_a_stale_since_id_restarts_from_the_lookback(scripted_server):
    scripted_server.script("GET", PATH, Reply(400, load("error_400_since_id.json")))
    scripted_server.always("GET", PATH, FakeX(fixture_posts()))
    source = make_source(scripted_server)
    result = source.fetch(json.dumps({"since_id": "1790000000000000000"}), NOW)
    assert len(result.mentions) == 4
    retried = scripted_server.requests_to(PATH)[1]
    assert (retried.param("since_id"), retried.param("start_time")) == (None, "2024-06-04T14:00:00Z")


def test_a_500_is_retried(scripted_server):
    scripted_server.script("GET", PATH, Reply(503, "over capacity"))
    scripted_server.always("GET", PATH, FakeX(fixture_posts()))
    assert len(make_source(scripted_server).fetch(None, NOW).mentions) == 4


def test_a_timeout_raises_unavailable_and_keeps_the_reservation(scripted_server):
    scripted_server.always("GET", PATH, Reply(200, {"meta": {"result_count": 0}}, hang=True))
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage)
    source.context = source_context(
        BRAND, hanging_session(retries=0), secret=lambda: {"bearer_token": TOKEN}, usage=usage
    )
    with pytest.raises(SourceUnavailableError):
        source.fetch(None, NOW)
    assert usage.used(KEY) == 100  # X may have served (and billed) the page we did not see


def test_truncated_json_is_malformed(scripted_server):
    body = (FIXTURES / "recent_search_page1.json").read_bytes()[:500]
    scripted_server.always("GET", PATH, Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(MalformedResponseError):
        make_source(scripted_server).fetch(None, NOW)


@pytest.mark.parametrize(("status", "fixture"), [(401, "error_401.json"), (403, "error_403.json")])
def test_refused_credentials_raise_source_auth_without_the_token(scripted_server, status, fixture):
    scripted_server.always("GET", PATH, Reply(status, load(fixture)))
    with pytest.raises(SourceAuthError) as raised:
        make_source(scripted_server).fetch(None, NOW)
    assert TOKEN not in str(raised.value)


def test_a_secret_without_a_token_calls_nothing(scripted_server):
    source = make_source(scripted_server)
    source.context = source_context(BRAND, make_fast_session(), secret=dict, usage=FakeUsageStore())
    with pytest.raises(SourceAuthError):
        source.fetch(None, NOW)
    assert scripted_server.requests == []


def test_out_of_time_reads_nothing(scripted_server):
    scripted_server.always("GET", PATH, FakeX(fixture_posts()))
    result = make_source(scripted_server, seconds=0).fetch('{"since_id": "5"}', NOW)
    assert result.mentions == [] and scripted_server.requests == []
    assert cursor_of(result) == {"since_id": "5"}
