"""RedditSource against a scripted local server speaking Reddit's listing JSON."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from crisiswatch.config_files.watchlist import source_spec
from crisiswatch.domain.listening.mentions import MAX_TEXT_CHARS
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch_sources.base import load_cursor
from crisiswatch_sources.errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceUnavailableError,
)
from crisiswatch_sources.reddit import RedditSource

from .conftest import Reply, ScriptedServer, hanging_session, source_context

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
NOW = datetime(2024, 6, 10, 7, 0, tzinfo=UTC)
BRAND = Brand(name="Northwind", keywords=("northwind",), exclusions=("northwind ridge",))
SECRET = {
    "client_id": "cw-client",
    "client_secret": "cw-client-secret",
    "username": "cw_bot",
    "password": "hunter2!",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


SEARCH = fixture("search_new.json")
COMMENTS = fixture("comments_new.json")


def post(name: str, created: float, title: Any = "Northwind lost my bag", **data: Any) -> dict[str, Any]:
    """A search result shaped like the fixture's first post, with its own fullname and time."""
    item: dict[str, Any] = copy.deepcopy(SEARCH["data"]["children"][0])
    item["data"].update(
        name=name,
        id=name.removeprefix("t3_"),
        title=title,
        selftext="",
        created=created,
        created_utc=created,
        permalink=f"/r/travel/comments/{name.removeprefix('t3_')}/x/",
    )
    item["data"].update(data)
    return item


def listing(children: list[Any], before: str | None = None, after: str | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "before": before,
            "dist": len(children),
            "modhash": "",
            "children": children,
        },
    }


def ok(payload: Any, **headers: str) -> Reply:
    return Reply(200, payload, headers)


@pytest.fixture
def server(scripted_server: ScriptedServer) -> Iterator[ScriptedServer]:
    yield scripted_server
    assert not scripted_server.unexpected, [f"{r.method} {r.path}" for r in scripted_server.unexpected]


def make_source(
    server: ScriptedServer,
    session: requests.Session,
    brand: Brand = BRAND,
    secret: dict[str, str] | None = None,
    **spec: Any,
) -> RedditSource:
    fields: dict[str, Any] = {"id": "reddit-main", "type": "reddit", "base_url": server.url, **spec}
    if fields.get("auth") == "oauth":
        fields.setdefault("secret", "/crisiswatch/reddit")
    context = source_context(brand, session, secret=lambda: dict(secret or SECRET))
    return RedditSource(source_spec(fields), context)


def ids(result: Any) -> list[str]:
    return [mention.native_id for mention in result.mentions]


SEARCH_KEY = "search:northwind"


def cursor_of(result: Any, key: str = SEARCH_KEY) -> dict[str, Any]:
    listing_state: dict[str, Any] = load_cursor(result.next_cursor)["listings"].get(key, {})
    return listing_state


def saved(before: str, watermark: float, key: str = SEARCH_KEY) -> str:
    return json.dumps({"listings": {key: {"before": before, "watermark": watermark}}})


# ----- first fetch, normalisation, filtering --------------------------------------------------------


def test_first_fetch_reads_the_newest_page_and_keeps_what_is_about_the_brand(server, fast_session):
    server.script("GET", "/search.json", ok(SEARCH))
    source = make_source(server, fast_session)

    result = source.fetch(None, NOW)

    # The hiking post is excluded ("northwind ridge"), the megathread never mentions the brand.
    assert ids(result) == ["t3_1dc0a3b", "t3_1dc0a3c"]  # oldest first
    newest = result.mentions[1]
    assert newest.source == "reddit"
    assert newest.brand == "Northwind"
    assert newest.text == (
        "Northwind Air cancelled my flight again Third time this month. "
        "Rebooked for tomorrow, no hotel voucher & no apology."
    )
    assert newest.created_at == datetime.fromtimestamp(1718000300, UTC)
    assert newest.author == "gate_b12_regular"
    assert newest.author_followers == 0  # listings carry no follower counts
    assert (
        newest.url
        == "https://www.reddit.com/r/travel/comments/1dc0a3c/northwind_air_cancelled_my_flight_again/"
    )
    assert newest.lang == "und"
    assert newest.engagement == {"score": 57, "num_comments": 23}
    assert newest.extra["raw"]["data"]["subreddit"] == "travel"
    assert result.rejected == []
    request = server.requests_to("/search.json")[0]
    assert request.query == {
        "q": ["northwind"],
        "sort": ["new"],
        "type": ["link"],
        "limit": ["100"],
        "raw_json": ["1"],
    }
    # The cursor anchors at the top of the listing and remembers the newest time seen (all items count).
    assert cursor_of(result) == {"before": "t3_1dc0a3c", "watermark": 1718000300.0}


def test_the_spec_query_replaces_the_brand_keywords(server, fast_session):
    server.script("GET", "/search.json", ok(listing([])))
    make_source(server, fast_session, query='"northwind air" OR nwair').fetch(None, NOW)

    assert server.requests_to("/search.json")[0].param("q") == '"northwind air" OR nwair'


def test_keywords_match_whole_words_only_and_exclusions_win(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind", "nw air"), exclusions=("northwind ridge",))
    children = [
        post("t3_a1", 1718000010, "Northwindy weather today"),  # not the word
        post("t3_a2", 1718000020, "Flying NW Air tomorrow"),  # second keyword, any case
        post("t3_a3", 1718000030, "Northwind Ridge trail report"),  # excluded
        post("t3_a4", 1718000040, "Unrelated", selftext="but the body says northwind"),
    ]
    server.script("GET", "/search.json", ok(listing(children)))

    result = make_source(server, fast_session, brand=brand).fetch(None, NOW)

    assert ids(result) == ["t3_a2", "t3_a4"]


def test_reddit_has_no_language_so_a_language_filter_keeps_everything(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind",), languages=("de",))
    server.script("GET", "/search.json", ok(listing([post("t3_b1", 1718000010, "Northwind est en retard")])))

    result = make_source(server, fast_session, brand=brand).fetch(None, NOW)

    assert ids(result) == ["t3_b1"]
    assert result.mentions[0].lang == "und"


def test_html_emoji_and_a_100_kb_text_are_normalised(server, fast_session):
    children = [
        post("t3_c1", 1718000010, "Northwind <b>again</b> &amp; again"),
        post("t3_c2", 1718000020, "Northwind 🛫😡 delayed 🧳"),
        post("t3_c3", 1718000030, "Northwind essay", selftext="long complaint " * 7_000),
    ]
    server.script("GET", "/search.json", ok(listing(children)))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = {mention.native_id: mention.text for mention in result.mentions}
    assert texts["t3_c1"] == "Northwind again & again"
    assert texts["t3_c2"] == "Northwind 🛫😡 delayed 🧳"
    assert len(texts["t3_c3"]) == MAX_TEXT_CHARS


def test_invalid_utf8_bytes_spoil_only_their_own_item(server, fast_session):
    body = json.dumps(listing([post("t3_d1", 1718000010, "Northwind TITLE1"), post("t3_d2", 1718000020)]))
    raw = body.encode().replace(b"TITLE1", b"caf\xe9 \xff\xfe")
    server.script("GET", "/search.json", Reply(200, raw, {"Content-Type": "application/json"}))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = {mention.native_id: mention.text for mention in result.mentions}
    assert texts["t3_d1"] == "Northwind caf\ufffd \ufffd\ufffd"
    assert texts["t3_d2"] == "Northwind lost my bag"


def test_a_malformed_item_is_rejected_and_the_rest_kept(server, fast_session):
    children = [
        post("t3_e1", 1718000010),
        {"kind": "t3", "data": {"title": "Northwind without a fullname", "created_utc": 1718000011}},
        post("t3_e2", 1718000020, title=42),  # wrong type
        post("t3_e3", 1718000030, created_utc="yesterday"),
        "not even an object",
        {"kind": "more", "data": {"count": 12, "children": ["l7q2a09"]}},  # not an item: ignored
        post("t3_e4", 1718000040),
    ]
    server.script("GET", "/search.json", ok(listing(children)))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert ids(result) == ["t3_e1", "t3_e4"]
    reasons = [reason for _, reason in result.rejected]
    assert len(reasons) == 4
    assert "missing fullname ('name')" in reasons
    assert "t3_e2: text fields must be strings" in reasons
    assert any(reason.startswith("t3_e3: field 'created_at'") for reason in reasons)
    assert "not a listing item (no 'data' object)" in reasons
    assert all(raw for raw, _ in result.rejected)  # the raw item goes to quarantine


# ----- cursors and paging ---------------------------------------------------------------------------


def test_polls_with_before_and_pages_upward_until_reddit_says_there_is_no_more(server, fast_session):
    page1 = listing([post("t3_f3", 1718000030), post("t3_f2", 1718000020)], before="t3_f3", after="t3_f2")
    page2 = listing([post("t3_f5", 1718000050), post("t3_f4", 1718000040)], before=None, after="t3_f4")
    server.script("GET", "/search.json", ok(page1), ok(page2))

    result = make_source(server, fast_session).fetch(saved("t3_f1", 1718000010), NOW)

    assert ids(result) == ["t3_f2", "t3_f3", "t3_f4", "t3_f5"]
    assert [request.param("before") for request in server.requests_to("/search.json")] == ["t3_f1", "t3_f3"]
    assert cursor_of(result) == {"before": "t3_f5", "watermark": 1718000050.0}


def test_the_saved_cursor_resumes_exactly_where_the_page_budget_stopped(server, fast_session):
    page1 = listing([post("t3_g3", 1718000030), post("t3_g2", 1718000020)], before="t3_g3")
    page2 = listing([post("t3_g4", 1718000040)])
    server.script("GET", "/search.json", ok(page1), ok(page2))
    source = make_source(server, fast_session, max_pages=1)

    first = source.fetch(saved("t3_g1", 1718000010), NOW)
    second = source.fetch(first.next_cursor, NOW)

    assert ids(first) == ["t3_g2", "t3_g3"]
    assert ids(second) == ["t3_g4"]
    assert [request.param("before") for request in server.requests_to("/search.json")] == ["t3_g1", "t3_g3"]


def test_out_of_time_returns_what_it_has_with_an_unchanged_cursor(server, fast_session):
    source = make_source(server, fast_session)
    source.context = source_context(BRAND, fast_session, secret=lambda: dict(SECRET), seconds=0)
    cursor = saved("t3_h1", 1718000010)

    result = source.fetch(cursor, NOW)

    assert result.mentions == []
    assert cursor_of(result) == {"before": "t3_h1", "watermark": 1718000010}
    assert server.requests == []


def test_duplicates_across_pages_are_returned_once(server, fast_session):
    page1 = listing([post("t3_i3", 1718000030), post("t3_i2", 1718000020)], before="t3_i3")
    page2 = listing([post("t3_i4", 1718000040), post("t3_i3", 1718000030)])
    server.script("GET", "/search.json", ok(page1), ok(page2))

    result = make_source(server, fast_session).fetch(saved("t3_i1", 1718000010), NOW)

    assert ids(result) == ["t3_i2", "t3_i3", "t3_i4"]


def test_out_of_order_items_anchor_on_listing_position_and_keep_the_newest_time(server, fast_session):
    page = listing([post("t3_j2", 1718000020), post("t3_j4", 1718000040), post("t3_j3", 1718000030)])
    server.script("GET", "/search.json", ok(page))

    result = make_source(server, fast_session).fetch(saved("t3_j1", 1718000010), NOW)

    assert ids(result) == ["t3_j2", "t3_j3", "t3_j4"]
    assert cursor_of(result) == {"before": "t3_j2", "watermark": 1718000040.0}


def test_nothing_new_checks_the_top_once_and_keeps_the_cursor(server, fast_session):
    top = listing([post("t3_k1", 1718000010), post("t3_k0", 1718000000)], after="t3_k0")
    server.script("GET", "/search.json", ok(listing([])), ok(top))

    result = make_source(server, fast_session).fetch(saved("t3_k1", 1718000010), NOW)

    assert result.mentions == []
    assert cursor_of(result) == {"before": "t3_k1", "watermark": 1718000010}
    requests_made = server.requests_to("/search.json")
    assert [(r.param("before"), r.param("after")) for r in requests_made] == [("t3_k1", None), (None, None)]


def test_a_deleted_anchor_is_recovered_by_walking_down_to_the_watermark(server, fast_session):
    # t3_gone was removed: `before=t3_gone` answers nothing forever. Walk down until older than it.
    top = listing([post("t3_m5", 1718000500), post("t3_m4", 1718000400)], after="t3_m4")
    below = listing(
        [post("t3_m3", 1718000300), post("t3_m1", 1718000100), post("t3_m0", 1718000000)], after="t3_m0"
    )
    server.script("GET", "/search.json", ok(listing([])), ok(top), ok(below))

    result = make_source(server, fast_session).fetch(saved("t3_gone", 1718000200), NOW)

    assert ids(result) == ["t3_m3", "t3_m4", "t3_m5"]  # nothing older than the watermark
    assert cursor_of(result) == {"before": "t3_m5", "watermark": 1718000500.0}
    walk = [(r.param("before"), r.param("after")) for r in server.requests_to("/search.json")]
    assert walk == [("t3_gone", None), (None, None), (None, "t3_m4")]


def test_a_broken_item_does_not_end_a_walk_early(server, fast_session):
    broken = post("t3_s4", 1718000400)
    broken["data"]["created_utc"] = None  # unreadable time: not "older than the watermark"
    top = listing([post("t3_s5", 1718000500), broken], after="t3_s4")
    below = listing([post("t3_s3", 1718000300), post("t3_s1", 1718000100)], after="t3_s1")
    server.script("GET", "/search.json", ok(listing([])), ok(top), ok(below))

    result = make_source(server, fast_session).fetch(saved("t3_gone", 1718000200), NOW)

    assert ids(result) == ["t3_s3", "t3_s5"]
    assert [reason for _, reason in result.rejected] == ["t3_s4: missing field(s): created_at"]
    assert len(server.requests_to("/search.json")) == 3


def test_an_item_deleted_between_pages_loses_nothing(server, fast_session):
    # Page 1's top item (the next anchor) is deleted before page 2 is asked for.
    page1 = listing([post("t3_n3", 1718000030), post("t3_n2", 1718000020)], before="t3_n3")
    top = listing([post("t3_n5", 1718000050), post("t3_n4", 1718000040), post("t3_n2", 1718000020)])
    server.script("GET", "/search.json", ok(page1), ok(listing([])), ok(top))

    result = make_source(server, fast_session).fetch(saved("t3_n1", 1718000010), NOW)

    assert ids(result) == ["t3_n2", "t3_n3", "t3_n4", "t3_n5"]
    assert cursor_of(result) == {"before": "t3_n5", "watermark": 1718000050.0}


def test_a_walk_cut_short_is_saved_and_resumed_first(server, fast_session):
    top = listing([post("t3_p6", 1718000600), post("t3_p5", 1718000500)], after="t3_p5")
    rest = listing([post("t3_p4", 1718000400), post("t3_p1", 1718000100)], after="t3_p1")
    newer = listing([post("t3_p7", 1718000700)])
    server.script("GET", "/search.json", ok(listing([])), ok(top), ok(rest), ok(newer))
    source = make_source(server, fast_session, max_pages=2)

    first = source.fetch(saved("t3_gone", 1718000200), NOW)
    assert ids(first) == ["t3_p5", "t3_p6"]
    assert cursor_of(first)["walk"] == {
        "after": "t3_p5",
        "anchor": "t3_gone",
        "floor": 1718000200,
        "top": "t3_p6",
    }

    second = source.fetch(first.next_cursor, NOW)
    assert ids(second) == ["t3_p4"]  # the walk finishes at the watermark...
    assert cursor_of(second) == {"before": "t3_p6", "watermark": 1718000600.0}

    third = source.fetch(second.next_cursor, NOW)
    assert ids(third) == ["t3_p7"]  # ...and the next poll goes forward from the top it started at
    walk = [(r.param("before"), r.param("after")) for r in server.requests_to("/search.json")]
    assert walk == [("t3_gone", None), (None, None), (None, "t3_p5"), ("t3_p6", None)]


def test_subreddit_comment_listings_have_their_own_cursors(server, fast_session):
    server.script("GET", "/search.json", ok(listing([])))
    server.script("GET", "/r/travel/comments.json", ok(COMMENTS))

    result = make_source(server, fast_session, subreddits=["travel"]).fetch(None, NOW)

    assert ids(result) == ["t1_l7q2a02"]  # the removed comment does not mention the brand
    comment = result.mentions[0]
    assert comment.text == "Northwind refunded me in 3 days, credit where it's due."
    assert comment.engagement == {"score": 9}
    assert (
        comment.url
        == "https://www.reddit.com/r/travel/comments/1dbzz10/airlines_that_actually_refund/l7q2a02/"
    )
    assert server.requests_to("/r/travel/comments.json")[0].query == {"limit": ["100"], "raw_json": ["1"]}
    assert load_cursor(result.next_cursor)["listings"] == {
        "r/travel": {"before": "t1_l7q2a02", "watermark": 1718000250.0}  # the empty search has no anchor yet
    }


def test_one_listing_failing_does_not_cost_the_others_their_mentions(server, fast_session):
    server.script("GET", "/search.json", ok(SEARCH))
    server.script("GET", "/r/privateclub/comments.json", Reply(403, {"message": "Forbidden", "error": 403}))

    source = make_source(server, fast_session, subreddits=["privateclub"])
    result = source.fetch(None, NOW)

    assert ids(result) == ["t3_1dc0a3b", "t3_1dc0a3c"]
    assert len(source.warnings) == 1
    assert source.warnings[0].startswith("r/privateclub:")
    assert list(load_cursor(result.next_cursor)["listings"]) == [SEARCH_KEY]


# ----- HTTP failures -------------------------------------------------------------------------------


def test_a_500_is_retried_then_succeeds(server, fast_session):
    server.script("GET", "/search.json", Reply(500, "oops"), ok(SEARCH))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2
    assert len(server.requests_to("/search.json")) == 2


def test_5xx_outlasting_the_retries_is_unavailable(server, fast_session):
    server.script("GET", "/search.json", *[Reply(503, "down")] * 3)

    with pytest.raises(SourceUnavailableError):
        make_source(server, fast_session).fetch(None, NOW)


def test_a_timeout_is_unavailable(server):
    server.script("GET", "/search.json", *[Reply(200, SEARCH, hang=True)] * 3)

    with pytest.raises(SourceUnavailableError):
        make_source(server, hanging_session()).fetch(None, NOW)


def test_a_short_retry_after_is_waited_out(server, fast_session):
    server.script("GET", "/search.json", Reply(429, "slow down", {"Retry-After": "1"}), ok(SEARCH))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2


def test_a_long_retry_after_pauses_the_source(server, fast_session):
    server.script("GET", "/search.json", Reply(429, "slow down", {"Retry-After": "3600"}))

    with pytest.raises(RateLimitedError) as raised:
        make_source(server, fast_session).fetch(None, NOW)

    assert raised.value.retry_at == NOW + timedelta(hours=1)


def test_a_long_retry_after_on_one_listing_spares_the_others_a_request(server, fast_session):
    server.script("GET", "/search.json", ok(SEARCH))
    server.script("GET", "/r/travel/comments.json", Reply(429, "slow down", {"Retry-After": "600"}))
    source = make_source(server, fast_session, subreddits=["travel", "flights"])

    result = source.fetch(None, NOW)

    assert len(result.mentions) == 2  # what the search found is kept
    assert source.warnings[0].startswith("r/travel:")
    assert server.requests_to("/r/flights") == []
    with pytest.raises(RateLimitedError) as raised:
        source.fetch(result.next_cursor, NOW + timedelta(minutes=1))
    assert raised.value.retry_at == NOW + timedelta(minutes=10)


def test_truncated_json_is_malformed(server, fast_session):
    body = json.dumps(SEARCH).encode()[:500]
    server.script("GET", "/search.json", Reply(200, body, {"Content-Type": "application/json"}))

    with pytest.raises(MalformedResponseError):
        make_source(server, fast_session).fetch(None, NOW)


def test_a_json_answer_that_is_not_a_listing_is_malformed(server, fast_session):
    server.script("GET", "/search.json", ok({"message": "Not Found", "error": 404, "reason": "banned"}))

    with pytest.raises(MalformedResponseError):
        make_source(server, fast_session).fetch(None, NOW)


def test_403_is_an_auth_error(server, fast_session):
    server.script("GET", "/search.json", Reply(403, "<html>blocked</html>"))

    with pytest.raises(SourceAuthError):
        make_source(server, fast_session).fetch(None, NOW)


# ----- rate-limit headers --------------------------------------------------------------------------


def test_no_requests_left_stops_paging_and_the_next_fetch_waits_for_the_reset(server, fast_session):
    page1 = listing([post("t3_q3", 1718000030), post("t3_q2", 1718000020)], before="t3_q3")
    headers = {"X-Ratelimit-Used": "100", "X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "120"}
    server.script("GET", "/search.json", ok(page1, **headers))
    source = make_source(server, fast_session)

    first = source.fetch(saved("t3_q1", 1718000010), NOW)

    assert ids(first) == ["t3_q2", "t3_q3"]  # what was fetched is kept; no second page was asked for
    assert cursor_of(first)["before"] == "t3_q3"
    with pytest.raises(RateLimitedError) as raised:
        source.fetch(first.next_cursor, NOW + timedelta(seconds=30))
    assert raised.value.retry_at == NOW + timedelta(seconds=120)
    assert len(server.requests_to("/search.json")) == 1


def test_requests_left_keep_paging(server, fast_session):
    headers = {"X-Ratelimit-Used": "3", "X-Ratelimit-Remaining": "97.0", "X-Ratelimit-Reset": "420"}
    page1 = listing([post("t3_r2", 1718000020)], before="t3_r2")
    server.script("GET", "/search.json", ok(page1, **headers), ok(listing([post("t3_r3", 1718000030)])))

    result = make_source(server, fast_session).fetch(saved("t3_r1", 1718000010), NOW)

    assert ids(result) == ["t3_r2", "t3_r3"]


# ----- OAuth ---------------------------------------------------------------------------------------


def test_oauth_logs_in_with_the_password_grant_and_reuses_the_token(server, fast_session):
    server.script("POST", "/api/v1/access_token", ok(fixture("token.json")))
    server.script("GET", "/search", ok(SEARCH), ok(listing([])), ok(listing([])))
    source = make_source(server, fast_session, auth="oauth")

    first = source.fetch(None, NOW)
    source.fetch(first.next_cursor, NOW + timedelta(minutes=5))

    assert len(first.mentions) == 2
    (login,) = server.requests_to("/api/v1/access_token")
    expected = base64.b64encode(b"cw-client:cw-client-secret").decode()
    assert login.headers["authorization"] == f"Basic {expected}"
    assert login.body.decode() == "grant_type=password&username=cw_bot&password=hunter2%21"
    assert login.headers["user-agent"] == "python:crisiswatch:0.1 (by /u/cw_bot)"
    search = server.requests_to("/search")
    assert [request.path for request in search] == ["/search"] * 3  # the OAuth host has no .json
    assert search[0].headers["authorization"] == f"bearer {fixture('token.json')['access_token']}"
    assert search[0].headers["user-agent"] == "python:crisiswatch:0.1 (by /u/cw_bot)"


def test_oauth_renews_an_expired_token(server, fast_session):
    server.script("POST", "/api/v1/access_token", ok(fixture("token.json")), ok(fixture("token.json")))
    server.script("GET", "/search", ok(listing([])), ok(listing([])))
    source = make_source(server, fast_session, auth="oauth")

    source.fetch(None, NOW)
    source.fetch(None, NOW + timedelta(days=1))

    assert len(server.requests_to("/api/v1/access_token")) == 2


def test_oauth_refused_password_is_an_auth_error(server, fast_session):
    server.script("POST", "/api/v1/access_token", ok(fixture("invalid_grant.json")))

    with pytest.raises(SourceAuthError, match="invalid_grant"):
        make_source(server, fast_session, auth="oauth").fetch(None, NOW)


def test_oauth_refused_client_is_an_auth_error_and_nothing_secret_leaks(server, fast_session):
    server.script("POST", "/api/v1/access_token", Reply(401, {"message": "Unauthorized", "error": 401}))

    with pytest.raises(SourceAuthError) as raised:
        make_source(server, fast_session, auth="oauth").fetch(None, NOW)

    assert "hunter2" not in str(raised.value)
    assert "cw-client-secret" not in str(raised.value)
    assert server.requests_to("/search") == []


def test_oauth_secret_without_credentials_is_an_auth_error(server, fast_session):
    source = make_source(server, fast_session, auth="oauth", secret={"client_id": "x"})

    with pytest.raises(SourceAuthError, match="client_secret"):
        source.fetch(None, NOW)
    assert server.requests == []
