"""BlueskySource against a scripted local PDS answering XRPC."""

from __future__ import annotations

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
from crisiswatch_sources import bluesky
from crisiswatch_sources.base import load_cursor
from crisiswatch_sources.bluesky import BlueskySource
from crisiswatch_sources.errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
    SourceUnavailableError,
)

from .conftest import Reply, ScriptedServer, hanging_session, source_context

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
NOW = datetime(2024, 6, 10, 7, 0, tzinfo=UTC)
BRAND = Brand(name="Northwind", keywords=("northwind",), exclusions=("northwind ridge",))
SECRET = {"identifier": "crisiswatch-bot.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
CREATE = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


POSTS = fixture("search_posts.json")
SESSION = fixture("session.json")
REFRESHED = fixture("refreshed_session.json")


def post(
    rkey: str, created: str, text: str = "Northwind lost my bag", indexed: str | None = None, **fields: Any
):
    """A post view shaped like the fixture's first one, with its own rkey, times and text."""
    item: dict[str, Any] = copy.deepcopy(POSTS["posts"][0])
    item["uri"] = f"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/{rkey}"
    item["record"]["createdAt"] = created
    item["record"]["text"] = text
    item["indexedAt"] = indexed or created
    item.update(fields)
    return item


def results(*posts: Any, cursor: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"posts": list(posts)}
    if cursor:
        payload["cursor"] = cursor
    return payload


@pytest.fixture(autouse=True)
def _no_cached_sessions() -> Iterator[None]:
    bluesky.forget_sessions()
    yield
    bluesky.forget_sessions()


@pytest.fixture
def server(scripted_server: ScriptedServer) -> Iterator[ScriptedServer]:
    yield scripted_server
    assert not scripted_server.unexpected, [f"{r.method} {r.path}" for r in scripted_server.unexpected]


def logged_in(server: ScriptedServer) -> ScriptedServer:
    server.script("POST", CREATE, Reply(200, SESSION))
    return server


def make_source(
    server: ScriptedServer,
    session: requests.Session,
    brand: Brand = BRAND,
    secret: dict[str, str] | None = None,
    **spec: Any,
) -> BlueskySource:
    fields: dict[str, Any] = {
        "id": "bsky",
        "type": "bluesky",
        "secret": "/crisiswatch/bluesky",
        "base_url": server.url,
        **spec,
    }
    credentials = SECRET if secret is None else secret
    return BlueskySource(
        source_spec(fields), source_context(brand, session, secret=lambda: dict(credentials))
    )


def rkeys(result: Any) -> list[str]:
    return [mention.native_id.rsplit("/", 1)[-1] for mention in result.mentions]


def state(result: Any, query: str = "northwind") -> dict[str, Any]:
    saved: dict[str, Any] = load_cursor(result.next_cursor)["queries"][query]
    return saved


def cursor(query: str = "northwind", **saved: str) -> str:
    return json.dumps({"queries": {query: saved}})


def searched(server: ScriptedServer) -> list[tuple[str | None, str | None, str | None]]:
    return [(r.param("since"), r.param("until"), r.param("cursor")) for r in server.requests_to(SEARCH)]


# ----- first fetch, normalisation, filtering --------------------------------------------------------


def test_first_fetch_logs_in_and_reads_the_newest_page(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(200, POSTS))

    result = make_source(server, fast_session).fetch(None, NOW)

    # The Ridge sunrise is excluded; oldest first. Only the newest page: no backfill on a first poll.
    assert rkeys(result) == ["3kuqfz7wcak2d", "3kuqgtlh2ec2p"]
    french, english = result.mentions
    assert english.source == "bluesky"
    assert english.native_id == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kuqgtlh2ec2p"
    assert (
        english.text
        == "Northwind just cancelled the 7:40 to Denver with zero notice. 200 people at the gate."
    )
    assert english.created_at == datetime(2024, 6, 10, 6, 45, 30, 512_000, tzinfo=UTC)
    assert english.author == "maya.bsky.social"
    assert english.author_followers == 0  # the search's author view has no followersCount
    assert english.url == "https://bsky.app/profile/maya.bsky.social/post/3kuqgtlh2ec2p"
    assert english.lang == "en"
    assert english.engagement == {"likes": 121, "reposts": 38, "replies": 14, "quotes": 6}
    assert english.extra["raw"]["cid"].startswith("bafy")
    assert french.lang == "fr"
    (login,) = server.requests_to(CREATE)
    assert login.method == "POST"
    assert json.loads(login.body) == SECRET
    (search,) = server.requests_to(SEARCH)
    assert search.query == {"q": ["northwind"], "sort": ["latest"], "limit": ["100"]}
    assert search.headers["authorization"] == f"Bearer {SESSION['accessJwt']}"
    # The watermark is the newest post time seen, minus the overlap for late-indexed posts.
    assert state(result) == {"since": "2024-06-10T06:43:30.512Z"}


def test_first_fetch_with_no_results_starts_from_now(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(200, results()))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert result.mentions == []
    assert state(result) == {"since": "2024-06-10T06:58:00.000Z"}


def test_one_search_per_keyword_unless_the_spec_gives_a_query(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind", "nw air"))
    logged_in(server).script(
        "GET", SEARCH, Reply(200, results()), Reply(200, results()), Reply(200, results())
    )

    make_source(server, fast_session, brand=brand).fetch(None, NOW)
    make_source(server, fast_session, brand=brand, query="northwind lang:en").fetch(None, NOW)

    assert [r.param("q") for r in server.requests_to(SEARCH)] == [
        "northwind",
        '"nw air"',
        "northwind lang:en",
    ]


def test_keyword_exclusion_and_language_filtering(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind",), exclusions=("ridge",), languages=("en",))
    posts = [
        post("k5", "2024-06-10T06:50:00.000Z", "Northwind delays again"),
        post("k4", "2024-06-10T06:49:00.000Z", "Northwindy day"),
        post("k3", "2024-06-10T06:48:00.000Z", "Northwind Ridge hike"),
        post("k2", "2024-06-10T06:47:00.000Z", "Northwind encore en retard"),
        post("k1", "2024-06-10T06:46:00.000Z", "Northwind mystery language"),
    ]
    posts[3]["record"] = {"$type": "app.bsky.feed.post", "text": "Northwind encore", "langs": ["fr"],
                          "createdAt": "2024-06-10T06:47:00.000Z"}  # fmt: skip
    del posts[4]["record"]["langs"]
    logged_in(server).script("GET", SEARCH, Reply(200, results(*posts)))

    result = make_source(server, fast_session, brand=brand).fetch(None, NOW)

    assert rkeys(result) == ["k1", "k5"]  # no langs: unknown, kept
    assert result.mentions[0].lang == "und"


def test_every_declared_language_is_kept_for_identification_to_choose_from(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind",), languages=("en",))
    posts = [
        post("m2", "2024-06-10T06:50:00.000Z", "Northwind ist wieder zu spät"),
        post("m1", "2024-06-10T06:49:00.000Z", "Northwind encore en retard"),
    ]
    posts[0]["record"]["langs"] = ["de", "en"]
    posts[1]["record"]["langs"] = ["fr", "es"]
    logged_in(server).script("GET", SEARCH, Reply(200, results(*posts)))

    result = make_source(server, fast_session, brand=brand).fetch(None, NOW)

    assert [(mention.lang) for mention in result.mentions] == ["de,en"]  # English among them: kept


def test_html_emoji_and_a_100_kb_post_are_normalised(server, fast_session):
    posts = [
        post("h3", "2024-06-10T06:50:00.000Z", "Northwind <script>alert(1)</script> &amp; co"),
        post("h2", "2024-06-10T06:49:00.000Z", "Northwind 🛫😡🧳 ✈️"),
        post("h1", "2024-06-10T06:48:00.000Z", "Northwind " + "x" * 100_000),
    ]
    logged_in(server).script("GET", SEARCH, Reply(200, results(*posts)))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = {mention.native_id.rsplit("/", 1)[-1]: mention.text for mention in result.mentions}
    assert texts["h3"] == "Northwind alert(1) & co"
    assert texts["h2"] == "Northwind 🛫😡🧳 ✈️"
    assert len(texts["h1"]) == MAX_TEXT_CHARS


def test_invalid_utf8_bytes_spoil_only_their_own_post(server, fast_session):
    body = json.dumps(
        results(
            post("u2", "2024-06-10T06:50:00.000Z", "Northwind MARK"), post("u1", "2024-06-10T06:49:00.000Z")
        )
    )
    raw = body.encode().replace(b"MARK", b"\xf0\x28\x8c\x28!")
    logged_in(server).script("GET", SEARCH, Reply(200, raw, {"Content-Type": "application/json"}))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = {mention.native_id.rsplit("/", 1)[-1]: mention.text for mention in result.mentions}
    assert texts["u2"].startswith("Northwind \ufffd(")
    assert texts["u1"] == "Northwind lost my bag"


def test_a_malformed_post_is_rejected_and_the_rest_kept(server, fast_session):
    posts = [
        post("m6", "2024-06-10T06:50:00.000Z"),
        post("m5", "2024-06-10T06:49:00.000Z", uri=None),
        post("m4", "2024-06-10T06:48:00.000Z", record={"text": 12}),
        post("m3", "not a date", indexed="also not a date"),
        post("m2", "2024-06-10T06:46:00.000Z", author="someone"),
        ["not", "a", "post"],
        post("m1", "2024-06-10T06:45:00.000Z"),
    ]
    logged_in(server).script("GET", SEARCH, Reply(200, results(*posts)))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert rkeys(result) == ["m1", "m6"]
    reasons = [reason for _, reason in result.rejected]
    assert len(reasons) == 5
    assert "missing or invalid 'uri'" in reasons
    assert any(reason.endswith("/m4: 'record.text' must be a string") for reason in reasons)
    assert any("/m3: field 'created_at' is not ISO 8601" in reason for reason in reasons)
    assert any(reason.endswith("/m2: 'author' must be an object") for reason in reasons)
    assert "a post must be a JSON object" in reasons


def test_followers_and_an_invalid_handle(server, fast_session):
    author = {"did": "did:plc:abc", "handle": "handle.invalid", "followersCount": 5400}
    logged_in(server).script(
        "GET", SEARCH, Reply(200, results(post("f1", "2024-06-10T06:50:00.000Z", author=author)))
    )

    result = make_source(server, fast_session).fetch(None, NOW)

    (mention,) = result.mentions
    assert mention.author_followers == 5400
    assert mention.author == "did:plc:abc"
    assert mention.url == "https://bsky.app/profile/did:plc:abc/post/f1"


# ----- sweeps, cursors and paging ------------------------------------------------------------------


def test_a_sweep_pages_down_to_since_with_until_and_then_moves_since_up(server, fast_session):
    page1 = results(
        post("s3", "2024-06-10T06:50:00.000Z", indexed="2024-06-10T06:50:00.500Z"),
        post("s2", "2024-06-10T06:40:00.000Z", indexed="2024-06-10T06:40:00.300Z"),
        cursor="100",
    )
    page2 = results(post("s1", "2024-06-10T06:20:00.000Z", indexed="2024-06-10T06:20:01.000Z"))
    logged_in(server).script("GET", SEARCH, Reply(200, page1), Reply(200, page2))

    result = make_source(server, fast_session).fetch(cursor(since="2024-06-10T06:00:00.000Z"), NOW)

    assert rkeys(result) == ["s1", "s2", "s3"]
    # Page 2 is asked by time (until = the oldest post's latest time + 1 ms), never by the offset cursor.
    assert searched(server) == [
        ("2024-06-10T06:00:00.000Z", None, None),
        ("2024-06-10T06:00:00.000Z", "2024-06-10T06:40:00.301Z", None),
    ]
    assert state(result) == {"since": "2024-06-10T06:48:00.000Z"}


def test_a_post_deleted_between_pages_cannot_shift_the_next_page(server, fast_session):
    # s4 disappears after page 1; with the API's offset cursor ("2") s2 would slide onto page 1's
    # slots and be skipped. Asking by time finds it.
    page1 = results(
        post("s4", "2024-06-10T06:54:00.000Z"), post("s3", "2024-06-10T06:53:00.000Z"), cursor="2"
    )
    page2 = results(post("s2", "2024-06-10T06:52:00.000Z"), post("s1", "2024-06-10T06:51:00.000Z"))
    logged_in(server).script("GET", SEARCH, Reply(200, page1), Reply(200, page2))

    result = make_source(server, fast_session).fetch(cursor(since="2024-06-10T06:50:00.000Z"), NOW)

    assert rkeys(result) == ["s1", "s2", "s3", "s4"]
    assert searched(server)[1] == ("2024-06-10T06:50:00.000Z", "2024-06-10T06:53:00.001Z", None)


def test_the_page_budget_saves_the_sweep_and_the_next_fetch_finishes_it(server, fast_session):
    page1 = results(
        post("b3", "2024-06-10T06:50:00.000Z"), post("b2", "2024-06-10T06:40:00.000Z"), cursor="100"
    )
    page2 = results(post("b1", "2024-06-10T06:30:00.000Z"))
    logged_in(server).script("GET", SEARCH, Reply(200, page1), Reply(200, page2))
    source = make_source(server, fast_session, max_pages=1)

    first = source.fetch(cursor(since="2024-06-10T06:00:00.000Z"), NOW)
    assert rkeys(first) == ["b2", "b3"]
    assert state(first) == {
        "since": "2024-06-10T06:00:00.000Z",
        "until": "2024-06-10T06:40:00.001Z",
        "then": "2024-06-10T06:50:00.000Z",
    }

    second = source.fetch(first.next_cursor, NOW + timedelta(minutes=5))
    assert rkeys(second) == ["b1"]
    assert searched(server)[1] == ("2024-06-10T06:00:00.000Z", "2024-06-10T06:40:00.001Z", None)
    assert state(second) == {"since": "2024-06-10T06:48:00.000Z"}  # from the newest post of the sweep


def test_out_of_time_asks_nothing_and_keeps_the_cursor(server, fast_session):
    source = make_source(server, fast_session)
    source.context = source_context(BRAND, fast_session, secret=lambda: dict(SECRET), seconds=0)

    result = source.fetch(cursor(since="2024-06-10T06:00:00.000Z"), NOW)

    assert result.mentions == []
    assert state(result) == {"since": "2024-06-10T06:00:00.000Z"}
    assert server.requests == []


def test_duplicates_across_pages_are_returned_once(server, fast_session):
    page1 = results(
        post("d3", "2024-06-10T06:50:00.000Z"), post("d2", "2024-06-10T06:40:00.000Z"), cursor="2"
    )
    page2 = results(post("d2", "2024-06-10T06:40:00.000Z"), post("d1", "2024-06-10T06:30:00.000Z"))
    logged_in(server).script("GET", SEARCH, Reply(200, page1), Reply(200, page2))

    result = make_source(server, fast_session).fetch(cursor(since="2024-06-10T06:00:00.000Z"), NOW)

    assert rkeys(result) == ["d1", "d2", "d3"]


def test_out_of_order_posts_take_the_extremes_of_the_page(server, fast_session):
    page1 = results(
        post("o2", "2024-06-10T06:40:00.000Z"),
        post("o3", "2024-06-10T06:55:00.000Z"),
        post("o1", "2024-06-10T06:35:00.000Z", indexed="2024-06-10T06:45:00.000Z"),  # indexed late
        cursor="3",
    )
    logged_in(server).script("GET", SEARCH, Reply(200, page1), Reply(200, results()))

    result = make_source(server, fast_session).fetch(cursor(since="2024-06-10T06:00:00.000Z"), NOW)

    assert rkeys(result) == ["o1", "o2", "o3"]
    # until: the page's lowest "latest time" (o2's 06:40) + 1 ms; o1 could sort by either of its times.
    assert searched(server)[1][1] == "2024-06-10T06:40:00.001Z"
    assert state(result) == {"since": "2024-06-10T06:53:00.000Z"}


def test_a_page_that_cannot_move_until_falls_back_to_the_api_cursor(server, fast_session):
    same_ms = [post(f"z{n}", "2024-06-10T06:40:00.300Z") for n in range(3)]
    logged_in(server).script(
        "GET",
        SEARCH,
        Reply(200, results(*same_ms, cursor="103")),
        Reply(200, results(post("y1", "2024-06-10T06:39:00.000Z"))),
    )
    saved = cursor(
        since="2024-06-10T06:00:00.000Z", until="2024-06-10T06:40:00.301Z", then="2024-06-10T06:50:00.000Z"
    )

    result = make_source(server, fast_session).fetch(saved, NOW)

    assert len(result.mentions) == 4
    assert searched(server) == [
        ("2024-06-10T06:00:00.000Z", "2024-06-10T06:40:00.301Z", None),
        ("2024-06-10T06:00:00.000Z", "2024-06-10T06:40:00.301Z", "103"),  # same filters, the API's cursor
    ]
    assert state(result) == {"since": "2024-06-10T06:48:00.000Z"}


def test_since_never_moves_back(server, fast_session):
    # Only an old, late-indexed post turned up: the watermark stays where it was.
    logged_in(server).script(
        "GET",
        SEARCH,
        Reply(200, results(post("l1", "2024-06-10T05:00:00.000Z", indexed="2024-06-10T06:59:00.000Z"))),
    )

    result = make_source(server, fast_session).fetch(cursor(since="2024-06-10T06:30:00.000Z"), NOW)

    assert rkeys(result) == ["l1"]
    assert state(result) == {"since": "2024-06-10T06:30:00.000Z"}


# ----- the session ---------------------------------------------------------------------------------


def test_the_session_outlives_the_connector_object(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(200, results()), Reply(200, results()))

    make_source(server, fast_session).fetch(None, NOW)
    make_source(server, fast_session).fetch(None, NOW + timedelta(minutes=5))  # the next invocation

    assert len(server.requests_to(CREATE)) == 1


def test_an_expired_token_is_refreshed_and_the_page_asked_again(server, fast_session):
    logged_in(server)
    server.script("POST", REFRESH, Reply(200, REFRESHED))
    server.script("GET", SEARCH, Reply(400, fixture("expired_token.json")), Reply(200, POSTS))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2
    (refresh,) = server.requests_to(REFRESH)
    assert refresh.headers["authorization"] == f"Bearer {SESSION['refreshJwt']}"
    assert [r.headers["authorization"] for r in server.requests_to(SEARCH)] == [
        f"Bearer {SESSION['accessJwt']}",
        f"Bearer {REFRESHED['accessJwt']}",
    ]


def test_a_refused_refresh_logs_in_again(server, fast_session):
    server.script("POST", CREATE, Reply(200, SESSION), Reply(200, REFRESHED))
    server.script("POST", REFRESH, Reply(400, fixture("expired_token.json")))
    server.script(
        "GET", SEARCH, Reply(400, {"error": "InvalidToken", "message": "Bad token"}), Reply(200, POSTS)
    )

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2
    assert len(server.requests_to(CREATE)) == 2


def test_a_token_past_its_exp_is_refreshed_before_asking(server, fast_session):
    logged_in(server)
    server.script("POST", REFRESH, Reply(200, REFRESHED))
    server.script("GET", SEARCH, Reply(200, results()), Reply(200, results()))

    make_source(server, fast_session).fetch(None, NOW)
    make_source(server, fast_session).fetch(None, NOW + timedelta(hours=2))  # the access JWT expired 08:13

    assert len(server.requests_to(REFRESH)) == 1
    assert server.requests_to(SEARCH)[1].headers["authorization"] == f"Bearer {REFRESHED['accessJwt']}"


def test_wrong_credentials_are_an_auth_error_without_the_password(server, fast_session):
    server.script("POST", CREATE, Reply(401, fixture("auth_failed.json")))

    with pytest.raises(SourceAuthError) as raised:
        make_source(server, fast_session).fetch(None, NOW)

    assert SECRET["password"] not in str(raised.value)
    assert server.requests_to(SEARCH) == []


def test_a_secret_without_credentials_is_an_auth_error(server, fast_session):
    with pytest.raises(SourceAuthError, match="identifier"):
        make_source(server, fast_session, secret={"identifier": "x"}).fetch(None, NOW)

    assert server.requests == []


def test_a_403_from_the_appview_is_an_auth_error_and_the_next_fetch_logs_in_afresh(server, fast_session):
    server.script("POST", CREATE, Reply(200, SESSION), Reply(200, SESSION))
    server.script("GET", SEARCH, Reply(403, fixture("search_forbidden.json")), Reply(200, results()))

    with pytest.raises(SourceAuthError):
        make_source(server, fast_session).fetch(None, NOW)
    make_source(server, fast_session).fetch(None, NOW)

    assert len(server.requests_to(CREATE)) == 2


def test_another_bad_request_is_a_source_error(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(400, {"error": "BadQueryString", "message": "bad query"}))

    with pytest.raises(SourceError, match="BadQueryString"):
        make_source(server, fast_session).fetch(None, NOW)


def test_a_rate_limited_login_pauses_the_source(server, fast_session):
    server.script("POST", CREATE, Reply(429, {"error": "RateLimitExceeded"}, {"Retry-After": "300"}))

    with pytest.raises(RateLimitedError) as raised:
        make_source(server, fast_session).fetch(None, NOW)

    assert raised.value.retry_at == NOW + timedelta(minutes=5)


# ----- HTTP failures -------------------------------------------------------------------------------


def test_a_500_is_retried_then_succeeds(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(500, {"error": "InternalServerError"}), Reply(200, POSTS))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2


def test_a_timeout_is_unavailable(server):
    logged_in(server).script("GET", SEARCH, *[Reply(200, POSTS, hang=True)] * 3)

    with pytest.raises(SourceUnavailableError):
        make_source(server, hanging_session()).fetch(None, NOW)


def test_a_short_retry_after_is_waited_out(server, fast_session):
    logged_in(server).script(
        "GET", SEARCH, Reply(429, {"error": "RateLimitExceeded"}, {"Retry-After": "1"}), Reply(200, POSTS)
    )

    result = make_source(server, fast_session).fetch(None, NOW)

    assert len(result.mentions) == 2


def test_a_long_retry_after_pauses_the_source(server, fast_session):
    logged_in(server).script(
        "GET", SEARCH, Reply(429, {"error": "RateLimitExceeded"}, {"Retry-After": "900"})
    )

    with pytest.raises(RateLimitedError) as raised:
        make_source(server, fast_session).fetch(None, NOW)

    assert raised.value.retry_at == NOW + timedelta(minutes=15)


def test_truncated_json_is_malformed(server, fast_session):
    body = json.dumps(POSTS).encode()[:700]
    logged_in(server).script("GET", SEARCH, Reply(200, body, {"Content-Type": "application/json"}))

    with pytest.raises(MalformedResponseError):
        make_source(server, fast_session).fetch(None, NOW)


def test_a_json_answer_without_posts_is_malformed(server, fast_session):
    logged_in(server).script("GET", SEARCH, Reply(200, {"hitsTotal": 0}))

    with pytest.raises(MalformedResponseError):
        make_source(server, fast_session).fetch(None, NOW)


def test_one_query_failing_keeps_what_the_others_found(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind", "nw air"))
    logged_in(server).script(
        "GET", SEARCH, Reply(200, POSTS), Reply(400, {"error": "BadQueryString", "message": "bad query"})
    )
    source = make_source(server, fast_session, brand=brand)

    result = source.fetch(None, NOW)

    assert len(result.mentions) == 3  # this brand excludes nothing
    assert len(source.warnings) == 1
    assert source.warnings[0].startswith("'\"nw air\"'")
    assert list(load_cursor(result.next_cursor)["queries"]) == ["northwind"]
