"""YouTubeSource against a model of the Data API v3 (search.list + commentThreads.list), with budgets."""

from __future__ import annotations

import copy
import json
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
from crisiswatch_sources.youtube import YouTubeSource

from .conftest import (
    FakeUsageStore,
    Recorded,
    Reply,
    ScriptedServer,
    hanging_session,
    make_fast_session,
    source_context,
)

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
NOW = datetime(2024, 6, 4, 15, 0, tzinfo=UTC)  # 08:00 in Los Angeles (PDT)
DAY = "2024-06-04"
NEXT_PACIFIC_MIDNIGHT = datetime(2024, 6, 5, 7, 0, tzinfo=UTC)
SEARCH = "/youtube/v3/search"
COMMENTS = "/youtube/v3/commentThreads"
V1, V2, V3 = "dQw4w9WgXcQ", "9bZkp7q19f0", "kJQP7kiw5Fk"
API_KEY = "AIzaSy-test-key-never-logged"
BRAND = Brand(name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street",))


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def fixture_threads() -> list[dict[str, Any]]:
    return [*load("comment_threads_page1.json")["items"], *load("comment_threads_page2.json")["items"]]


def new_thread(comment_id: str, published: str, text: str, video: str = V1) -> dict[str, Any]:
    thread = copy.deepcopy(fixture_threads()[0])
    thread["id"] = thread["snippet"]["topLevelComment"]["id"] = comment_id
    thread["snippet"]["videoId"] = video
    inner = thread["snippet"]["topLevelComment"]["snippet"]
    inner.update(textDisplay=text, textOriginal=text, publishedAt=published, likeCount=0)
    return thread


class FakeYouTube:
    """search.list answers the fixture; commentThreads.list pages each video's threads newest first. Page
    tokens name the last thread served (a keyset, as a sane API would), so deletions shift nothing."""

    def __init__(self, page_size: int = 100) -> None:
        self.page_size = page_size
        self.search = load("search.json")
        self.threads: dict[str, list[dict[str, Any]]] = {V1: fixture_threads(), V3: []}
        self.disabled = {V2}
        self.quota_exceeded = False

    def cost(self, request: Recorded) -> int:
        return 100 if request.path == SEARCH else 1

    def __call__(self, request: Recorded) -> Reply:
        if request.headers.get("x-goog-api-key") != API_KEY:
            return Reply(400, load("error_key_invalid.json"))
        if self.quota_exceeded:
            return Reply(403, load("error_quota_exceeded.json"))
        if request.path == SEARCH:
            return Reply(200, self.search)
        video = request.param("videoId") or ""
        if video in self.disabled:
            return Reply(403, load("error_comments_disabled.json"))
        if video not in self.threads:
            return Reply(404, load("error_video_not_found.json"))
        threads = sorted(self.threads[video], key=_order, reverse=True)
        start = 0
        token = request.param("pageToken")
        if token:
            if not token.startswith("after:"):
                return Reply(400, {"error": {"code": 400, "errors": [{"reason": "invalidPageToken"}]}})
            anchor = token.removeprefix("after:")
            start = sum(1 for thread in threads if _order(thread) >= anchor)
        page = threads[start : start + self.page_size]
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "pageInfo": {"totalResults": len(page), "resultsPerPage": 100},
            "items": page,
        }
        if start + self.page_size < len(threads):
            body["nextPageToken"] = "after:" + _order(page[-1])
        return Reply(200, body)


def _order(thread: dict[str, Any]) -> str:
    inner = thread.get("snippet", {}).get("topLevelComment", {}).get("snippet", {})
    return str(inner.get("publishedAt", "")) + str(thread.get("id", ""))


def make_source(
    server: ScriptedServer,
    usage: FakeUsageStore | None = None,
    brand: Brand = BRAND,
    seconds: float = 60.0,
    **spec: Any,
) -> YouTubeSource:
    values = {"id": "yt", "type": "youtube", "secret": "/cw/youtube", "base_url": server.url, **spec}
    context = source_context(
        brand,
        make_fast_session(),
        secret=lambda: {"api_key": API_KEY},
        usage=usage or FakeUsageStore(),
        seconds=seconds,
    )
    return YouTubeSource(source_spec(values), context)


def ids(result: FetchResult) -> list[str]:
    return [mention.native_id for mention in result.mentions]


def spent(server: ScriptedServer, api: FakeYouTube) -> int:
    """Units the fake API would have charged for what it served."""
    return sum(api.cost(request) for request in server.requests)


@pytest.fixture
def api(scripted_server: ScriptedServer) -> FakeYouTube:
    fake = FakeYouTube()
    scripted_server.always("GET", "/youtube/v3", fake)
    return fake


# ----- first fetch ------------------------------------------------------------------------------------------


def test_first_fetch_searches_once_then_reads_each_videos_comments(scripted_server, api):
    usage = FakeUsageStore()
    result = make_source(scripted_server, usage).fetch(None, NOW)

    # Two comments at 14:55:00 (same second) and one at 14:58:30 and a Spanish one (comments carry no
    # language: kept); "Northwind Street" is an exclusion; "Great video, thanks!" has no keyword.
    assert sorted(ids(result)) == ["UguE6fUv0a6", "UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]
    search = scripted_server.requests_to(SEARCH)[0]
    assert {
        key: search.param(key) for key in ("part", "q", "type", "order", "publishedAfter", "maxResults")
    } == {
        "part": "snippet",
        "q": "Northwind",
        "type": "video",
        "order": "date",
        "publishedAfter": "2024-05-28T15:00:00Z",
        "maxResults": "50",
    }
    comments = scripted_server.requests_to(COMMENTS)
    assert {request.param("videoId") for request in comments} == {V1, V2, V3}
    first = comments[0]
    assert (first.param("order"), first.param("maxResults"), first.param("textFormat")) == (
        "time",
        "100",
        "plainText",
    )
    for request in scripted_server.requests:  # the key travels in a header, never in a URL
        assert "key" not in request.query and request.headers["x-goog-api-key"] == API_KEY

    angry = next(mention for mention in result.mentions if mention.native_id == "UgzN1wPq5v1")
    assert angry.source == "youtube"
    assert angry.url == f"https://www.youtube.com/watch?v={V1}&lc=UgzN1wPq5v1"
    assert angry.author == "@angrycustomer"
    assert angry.text == "Northwind lost my data AND my order 😡😡"
    assert angry.engagement == {"likes": 41, "replies": 3}
    assert angry.author_followers == 0 and angry.lang == "und"
    assert angry.created_at == datetime(2024, 6, 4, 14, 58, 30, tzinfo=UTC)

    assert usage.used(f"youtube-search:Northwind:yt:{DAY}") == 1
    # One search (100 units) and one page per video (1 unit each, comments disabled included).
    assert usage.used(f"youtube-units:Northwind:yt:{DAY}") == spent(scripted_server, api) == 100 + 3


def test_the_query_uses_youtubes_or_operator(scripted_server, api):
    brand = replace(
        BRAND,
        keywords=(
            "Northwind",
            "Northwind Traders",
        ),
    )
    make_source(scripted_server, brand=brand).fetch(None, NOW)
    assert scripted_server.requests_to(SEARCH)[0].param("q") == 'Northwind|"Northwind Traders"'


def test_comments_disabled_is_skipped_and_a_deleted_video_is_forgotten(scripted_server, api):
    api.threads.pop(V3)  # V3 deleted: 404
    source = make_source(scripted_server)
    result = source.fetch(None, NOW)
    assert len(result.mentions) == 4
    videos = [video["id"] for video in json.loads(result.next_cursor or "")["videos"]]
    assert videos == [V1, V2]
    assert any(V3 in warning for warning in source.warnings)


def test_a_malformed_thread_is_rejected_and_the_rest_kept(scripted_server, api):
    broken = new_thread("UgBROKEN1", "2024-06-04T14:59:00Z", "Northwind")
    del broken["snippet"]["topLevelComment"]
    wrong_type = new_thread("UgBROKEN2", "2024-06-04T14:59:01Z", "Northwind")
    wrong_type["snippet"]["topLevelComment"]["snippet"]["textDisplay"] = {"text": "Northwind"}
    wrong_type["snippet"]["topLevelComment"]["snippet"]["textOriginal"] = None
    api.threads[V1] += [broken, wrong_type]
    result = make_source(scripted_server).fetch(None, NOW)
    assert len(result.mentions) == 4
    assert sorted(reason for _, reason in result.rejected) == [
        "comment thread has no snippet.topLevelComment.snippet",
        "field 'text' must be a string",
    ]


def test_html_a_100_kb_comment_and_invalid_utf8(scripted_server, api):
    api.threads[V1] = [
        new_thread("UgHTML", "2024-06-04T14:59:00Z", "<b>Northwind</b> &amp; friends"),
        new_thread("UgLONG", "2024-06-04T14:59:01Z", "Northwind " + "z" * 100_000),
    ]
    result = make_source(scripted_server).fetch(None, NOW)
    texts = {mention.native_id: mention.text for mention in result.mentions}
    assert texts["UgHTML"] == "Northwind & friends"
    assert len(texts["UgLONG"]) == 20_000


def test_invalid_utf8_in_a_body(scripted_server):
    scripted_server.script("GET", SEARCH, Reply(200, {"items": []}))
    body = (
        json.dumps(load("comment_threads_page2.json")).encode().replace(b"ha perdido", b"ha p\xe9rdido \xff")
    )
    cursor = json.dumps({"videos": [{"id": V1, "published": "2024-06-04T13:30:07Z"}], "searched_at": "x"})
    scripted_server.always(
        "GET", COMMENTS, Reply(200, body, {"Content-Type": "application/json; charset=UTF-8"})
    )
    result = make_source(scripted_server).fetch(cursor, NOW)
    assert ids(result) == ["UguE6fUv0a6"]


def test_language_filter_keeps_unknown_languages(scripted_server, api):
    brand = replace(BRAND, languages=("en",))
    assert len(make_source(scripted_server, brand=brand).fetch(None, NOW).mentions) == 4


def test_out_of_order_comments_in_a_page_are_all_kept(scripted_server):
    page = load("comment_threads_page1.json")
    page["items"] = list(reversed(page["items"]))
    page.pop("nextPageToken")
    scripted_server.always("GET", SEARCH, Reply(200, {"items": []}))
    scripted_server.always("GET", COMMENTS, Reply(200, page))
    cursor = json.dumps({"videos": [{"id": V1, "published": "2024-06-04T13:30:07Z"}]})
    result = make_source(scripted_server).fetch(cursor, NOW)
    assert sorted(ids(result)) == ["UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]
    video = json.loads(result.next_cursor or "")["videos"][0]
    assert video["newest"] == "2024-06-04T14:58:30Z"


# ----- cursor: videos remembered, comments resumed ----------------------------------------------------------


def test_later_fetches_read_only_new_comments_and_stop_at_the_first_one_seen(scripted_server, api):
    api.page_size = 4
    source = make_source(scripted_server)
    first = source.fetch(None, NOW)
    calls = len(scripted_server.requests)
    api.threads[V1] += [
        new_thread("UgNEW1", "2024-06-04T15:02:00Z", "Northwind refund form is broken"),
        new_thread("UgSAME", "2024-06-04T14:58:30Z", "Northwind, same second as the newest one read"),
    ]
    later = NOW + timedelta(minutes=5)
    second = source.fetch(first.next_cursor, later)

    assert sorted(ids(second)) == ["UgNEW1", "UgSAME"]
    new_requests = scripted_server.requests[calls:]
    assert not any(request.path == SEARCH for request in new_requests)  # no search 5 minutes later
    v1_pages = [request for request in new_requests if request.param("videoId") == V1]
    assert len(v1_pages) == 1  # page 1 reached comments read before (14:55:00): no page 2
    assert ids(source.fetch(second.next_cursor, later)) == []


def test_a_video_read_partly_resumes_at_its_page_token(scripted_server, api):
    api.page_size = 2
    source = make_source(scripted_server, max_pages=1)
    cursor, seen = None, []
    for minute in range(4):
        result = source.fetch(cursor, NOW + timedelta(minutes=minute))
        seen += ids(result)
        cursor = result.next_cursor
    assert sorted(seen) == ["UguE6fUv0a6", "UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]
    tokens = [request.param("pageToken") for request in scripted_server.requests_to(COMMENTS)]
    assert any(token for token in tokens)
    video = next(video for video in json.loads(cursor or "")["videos"] if video["id"] == V1)
    assert video["newest"] == "2024-06-04T14:58:30Z" and "token" not in video


def test_a_comment_deleted_between_pages_skips_nothing(scripted_server, api: FakeYouTube):
    api.page_size = 2

    def delete_after_first_page(request: Recorded) -> Reply:
        reply = api(request)
        if request.param("videoId") == V1 and not request.param("pageToken"):
            api.threads[V1] = [thread for thread in api.threads[V1] if thread["id"] != "UgzN1wPq5v1"]
        return reply

    scripted_server.always("GET", COMMENTS, delete_after_first_page)
    result = make_source(scripted_server).fetch(None, NOW)
    assert sorted(ids(result)) == ["UguE6fUv0a6", "UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]


def test_an_expired_page_token_restarts_the_walk(scripted_server, api):
    cursor = json.dumps({"videos": [{"id": V1, "published": "2024-06-04T13:30:07Z", "token": "stale-token"}]})
    result = make_source(scripted_server).fetch(
        json.dumps({**json.loads(cursor), "searched_at": "2024-06-04T14:59:00Z"}), NOW
    )
    assert sorted(ids(result)) == ["UguE6fUv0a6", "UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]


def test_searches_are_spread_over_the_day(scripted_server, api):
    source = make_source(scripted_server, search_calls_per_day=24)  # one an hour
    cursor = None
    for minute in range(0, 125, 5):
        cursor = source.fetch(cursor, NOW + timedelta(minutes=minute)).next_cursor
    assert len(scripted_server.requests_to(SEARCH)) == 3  # at 0, 60 and 120 minutes


def test_no_search_budget_means_no_search(scripted_server, api):
    result = make_source(scripted_server, search_calls_per_day=0).fetch(None, NOW)
    assert result.mentions == [] and scripted_server.requests == []


# ----- budgets ----------------------------------------------------------------------------------------------


def test_search_calls_never_exceed_the_daily_search_budget(scripted_server, api):
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage, search_calls_per_day=3)
    moment = datetime(2024, 6, 4, 7, 30, tzinfo=UTC)  # 00:30 in Los Angeles
    for _ in range(20):  # every 2 hours for 40 hours, without a cursor: a search is always due
        source.fetch(None, moment)
        moment += timedelta(hours=2)
    searches = scripted_server.requests_to(SEARCH)
    assert len(searches) == 6  # 3 on 4 June, 3 on 5 June (Pacific days)
    assert usage.used(f"youtube-search:Northwind:yt:{DAY}") == 3
    assert usage.used("youtube-search:Northwind:yt:2024-06-05") == 3


def test_units_are_reserved_before_each_call_and_never_exceed_the_daily_quota(scripted_server, api):
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage, daily_quota_units=102)
    result = source.fetch(None, NOW)
    assert (
        len(scripted_server.requests) == 3
    )  # search (100) + 2 comment pages (1 each); the third video waits
    assert usage.used(f"youtube-units:Northwind:yt:{DAY}") == spent(scripted_server, api) == 102
    assert any("spent" in warning for warning in source.warnings)
    assert len(result.mentions) == 4

    with pytest.raises(BudgetExhaustedError) as raised:
        source.fetch(result.next_cursor, NOW + timedelta(minutes=5))
    assert raised.value.retry_at == NEXT_PACIFIC_MIDNIGHT
    assert len(scripted_server.requests) == 3  # nothing was called over budget
    assert all(granted or amount > 0 for _, amount, _, granted in usage.calls)


def test_many_fetches_never_pass_the_units_or_search_budgets(scripted_server, api):
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage, daily_quota_units=250, search_calls_per_day=5)
    cursor = None
    moment = datetime(2024, 6, 4, 7, 1, tzinfo=UTC)
    exhausted = 0
    for step in range(100):
        api.threads[V1].append(
            new_thread(f"UgLOOP{step}", f"{moment - timedelta(seconds=1):%Y-%m-%dT%H:%M:%SZ}", "Northwind")
        )
        try:
            cursor = source.fetch(cursor, moment).next_cursor
        except BudgetExhaustedError as error:
            exhausted += 1
            assert error.retry_at == NEXT_PACIFIC_MIDNIGHT
        moment += timedelta(minutes=10)
    assert exhausted > 0
    assert spent(scripted_server, api) <= 250
    assert usage.used(f"youtube-units:Northwind:yt:{DAY}") <= 250
    assert len(scripted_server.requests_to(SEARCH)) <= 2  # 100 units each: at most 2 fit in 250


def test_the_pacific_day_decides_the_keys_and_the_reset(scripted_server):
    source = make_source(scripted_server)
    late_evening = datetime(2024, 6, 5, 6, 59, tzinfo=UTC)  # 23:59 on 4 June in Los Angeles
    assert source.units_key(late_evening) == f"youtube-units:Northwind:yt:{DAY}"
    assert source.search_key(late_evening + timedelta(minutes=1)) == "youtube-search:Northwind:yt:2024-06-05"
    assert YouTubeSource.next_reset(late_evening) == NEXT_PACIFIC_MIDNIGHT
    winter = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)  # PST: midnight is 08:00 UTC
    assert YouTubeSource.next_reset(winter) == datetime(2024, 12, 2, 8, 0, tzinfo=UTC)
    spring_forward = datetime(2024, 3, 10, 7, 30, tzinfo=UTC)  # 23:30 PST on 9 March; 10 March has 23 h
    assert YouTubeSource.next_reset(spring_forward) == datetime(2024, 3, 10, 8, 0, tzinfo=UTC)


def test_youtube_saying_quota_exceeded_stops_until_pacific_midnight(scripted_server, api):
    api.quota_exceeded = True
    usage = FakeUsageStore()
    source = make_source(scripted_server, usage)
    with pytest.raises(BudgetExhaustedError) as raised:
        source.fetch(None, NOW)
    assert raised.value.retry_at == NEXT_PACIFIC_MIDNIGHT
    assert usage.used(f"youtube-units:Northwind:yt:{DAY}") == 10_000  # marked spent: no more calls today
    calls = len(scripted_server.requests)
    with pytest.raises(BudgetExhaustedError):
        source.fetch(None, NOW + timedelta(minutes=5))
    assert len(scripted_server.requests) == calls


def test_quota_exceeded_mid_fetch_returns_what_was_read(scripted_server, api: FakeYouTube):
    def exceeded_after_first_page(request: Recorded) -> Reply:
        reply = api(request)
        if request.path == COMMENTS:
            api.quota_exceeded = True
        return reply

    api.page_size = 3
    scripted_server.always("GET", COMMENTS, exceeded_after_first_page)
    source = make_source(scripted_server)
    result = source.fetch(None, NOW)
    assert sorted(ids(result)) == ["UgxA2bQr6w2", "UgyB3cRs7x3", "UgzN1wPq5v1"]
    video = next(video for video in json.loads(result.next_cursor or "")["videos"] if video["id"] == V1)
    assert video["token"]  # resumes at page 2 tomorrow


# ----- HTTP failures ----------------------------------------------------------------------------------------


def test_a_500_is_retried(scripted_server, api):
    scripted_server.script("GET", SEARCH, Reply(500, "backend error"))
    assert len(make_source(scripted_server).fetch(None, NOW).mentions) == 4


def test_a_timeout_raises_unavailable(scripted_server):
    scripted_server.always("GET", SEARCH, Reply(200, {"items": []}, hang=True))
    source = make_source(scripted_server)
    source.context = source_context(
        BRAND, hanging_session(retries=0), secret=lambda: {"api_key": API_KEY}, usage=FakeUsageStore()
    )
    with pytest.raises(SourceUnavailableError) as raised:
        source.fetch(None, NOW)
    assert API_KEY not in str(raised.value)


def test_a_short_retry_after_is_waited_out(scripted_server, api):
    scripted_server.script("GET", SEARCH, Reply(429, "", {"Retry-After": "0"}))
    assert len(make_source(scripted_server).fetch(None, NOW).mentions) == 4


def test_a_long_retry_after_raises_rate_limited(scripted_server, api):
    scripted_server.script(
        "GET", SEARCH, Reply(429, "", {"Retry-After": "900"}), Reply(429, "", {"Retry-After": "900"})
    )
    with pytest.raises(RateLimitedError) as raised:
        make_source(scripted_server).fetch(None, NOW)
    assert raised.value.retry_at == NOW + timedelta(minutes=15)


def test_truncated_json_is_malformed(scripted_server):
    body = (FIXTURES / "search.json").read_bytes()[:300]
    scripted_server.always("GET", SEARCH, Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(MalformedResponseError):
        make_source(scripted_server).fetch(None, NOW)


@pytest.mark.parametrize(
    ("status", "fixture"),
    [(401, "error_forbidden.json"), (403, "error_forbidden.json"), (400, "error_key_invalid.json")],
)
def test_refused_credentials_raise_source_auth(scripted_server, status, fixture):
    scripted_server.always("GET", SEARCH, Reply(status, load(fixture)))
    with pytest.raises(SourceAuthError) as raised:
        make_source(scripted_server).fetch(None, NOW)
    assert API_KEY not in str(raised.value)


def test_a_secret_without_a_key_is_an_auth_error(scripted_server, api):
    source = make_source(scripted_server)
    source.context = source_context(BRAND, make_fast_session(), secret=dict, usage=FakeUsageStore())
    with pytest.raises(SourceAuthError):
        source.fetch(None, NOW)
    assert scripted_server.requests == []


def test_out_of_time_reads_nothing(scripted_server, api):
    result = make_source(scripted_server, seconds=0).fetch(None, NOW)
    assert result.mentions == [] and scripted_server.requests == []
