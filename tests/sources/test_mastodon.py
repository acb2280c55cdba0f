"""MastodonSource against scripted local instances (path-prefixed, like the fake sources server)."""

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
from crisiswatch_sources.base import load_cursor
from crisiswatch_sources.errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceUnavailableError,
)
from crisiswatch_sources.mastodon import MastodonSource

from .conftest import Reply, ScriptedServer, hanging_session, source_context

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
NOW = datetime(2024, 6, 10, 7, 0, tzinfo=UTC)
BRAND = Brand(name="Northwind", keywords=("northwind",), exclusions=("northwind ridge",))
TAG = "/api/v1/timelines/tag/northwind"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


TIMELINE = fixture("tag_timeline.json")


def status(status_id: int | str, text: str = "Northwind lost my bag", **fields: Any) -> dict[str, Any]:
    """A status shaped like the fixture's first one, with its own id, uri and text."""
    item: dict[str, Any] = copy.deepcopy(TIMELINE[0])
    item.update(
        id=str(status_id),
        uri=f"https://mastodon.social/users/lina/statuses/{status_id}",
        url=f"https://mastodon.social/@lina/{status_id}",
        content=f"<p>{text}</p>",
    )
    item.update(fields)
    return item


def page(*ids: int, **fields: Any) -> list[dict[str, Any]]:
    return [status(status_id, **fields) for status_id in ids]


def links(root: str, statuses: list[dict[str, Any]]) -> dict[str, str]:
    """The `Link` header Mastodon sends with a timeline page."""
    newest, oldest = statuses[0]["id"], statuses[-1]["id"]
    return {
        "Link": f'<{root}{TAG}?limit=40&max_id={oldest}>; rel="next", '
        f'<{root}{TAG}?limit=40&min_id={newest}>; rel="prev"'
    }


@pytest.fixture
def server(scripted_server: ScriptedServer) -> Iterator[ScriptedServer]:
    yield scripted_server
    assert not scripted_server.unexpected, [f"{r.method} {r.path}" for r in scripted_server.unexpected]


def make_source(
    server: ScriptedServer,
    session: requests.Session,
    instances: tuple[str, ...] = ("a",),
    brand: Brand = BRAND,
    **spec: Any,
) -> MastodonSource:
    fields: dict[str, Any] = {
        "id": "fediverse",
        "type": "mastodon",
        "instances": [f"{server.url}/mastodon/{name}" for name in instances],
        "hashtags": ["northwind"],
        **spec,
    }
    return MastodonSource(source_spec(fields), source_context(brand, session))


def root(server: ScriptedServer, name: str = "a") -> str:
    return f"{server.url}/mastodon/{name}"


def ids(result: Any) -> list[str]:
    return [mention.native_id.rsplit("/", 1)[-1] for mention in result.mentions]


def timelines(result: Any) -> dict[str, str]:
    saved: dict[str, str] = load_cursor(result.next_cursor)["timelines"]
    return saved


def cursor(server: ScriptedServer, min_id: int | str, name: str = "a") -> str:
    return json.dumps({"timelines": {f"{root(server, name)}|#northwind": str(min_id)}})


# ----- first fetch, normalisation, filtering --------------------------------------------------------


def test_first_fetch_reads_the_newest_page_of_the_hashtag(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, TIMELINE, links(root(server), TIMELINE)))

    result = make_source(server, fast_session).fetch(None, NOW)

    # The hike on "Northwind Ridge" is excluded; the others are oldest first.
    assert [mention.native_id for mention in result.mentions] == [
        "https://chaos.social/users/jo/statuses/112589990000000001",
        "https://mastodon.social/users/lina/statuses/112590000000000003",
    ]
    german, english = result.mentions
    assert english.source == "mastodon"
    assert english.text == (
        'Stuck at the gate for 3 hours, # northwind says "weather". Northwind, the sky is blue.'
    )
    assert english.created_at == datetime(2024, 6, 10, 6, 40, 12, 345_000, tzinfo=UTC)
    assert english.author == "lina@127.0.0.1"  # a local account gets its instance's domain
    assert english.author_followers == 1834
    assert english.url == "https://mastodon.social/@lina/112590000000000003"
    assert english.lang == "en"
    assert english.engagement == {"favourites": 27, "reblogs": 11, "replies": 4}
    assert english.extra["raw"]["application"]["name"] == "Ivory for iOS"
    assert german.author == "jo@chaos.social"
    assert german.lang == "de"
    (request,) = server.requests_to("/mastodon/a/")
    assert request.path == f"/mastodon/a{TAG}"  # the instance's path prefix is kept
    assert request.query == {"limit": ["40"]}
    assert timelines(result) == {f"{root(server)}|#northwind": "112590000000000003"}


def test_language_filter_keeps_unknown_languages(server, fast_session):
    statuses = [status(3, language="de"), status(2, language=None), status(1, language="en-GB")]
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, statuses))
    brand = Brand(name="Northwind", keywords=("northwind",), languages=("en",))

    result = make_source(server, fast_session, brand=brand).fetch(None, NOW)

    assert sorted(ids(result)) == ["1", "2"]
    assert {mention.lang for mention in result.mentions} == {"und", "en-gb"}


def test_keywords_are_whole_words_and_exclusions_win(server, fast_session):
    statuses = [
        status(4, "Northwindy weather"),
        status(3, "NORTHWIND support is great"),
        status(2, "Hiking Northwind Ridge"),
        status(1, "no brand here"),
    ]
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, statuses))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert ids(result) == ["3"]


def test_html_emoji_and_a_100_kb_status_are_normalised(server, fast_session):
    statuses = [
        status(3, 'Northwind <a href="https://x.example">link</a><br/>&amp; more'),
        status(2, "Northwind 🛫😡🧳"),
        status(1, "Northwind " + "very long complaint " * 5_000),
    ]
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, statuses))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = {mention.native_id.rsplit("/", 1)[-1]: mention.text for mention in result.mentions}
    assert texts["3"] == "Northwind link & more"
    assert texts["2"] == "Northwind 🛫😡🧳"
    assert len(texts["1"]) == MAX_TEXT_CHARS


def test_invalid_utf8_bytes_spoil_only_their_own_status(server, fast_session):
    body = json.dumps([status(2, "Northwind MARK"), status(1)]).encode().replace(b"MARK", b"\xc3\x28 ok")
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, body, {"Content-Type": "application/json"}))

    result = make_source(server, fast_session).fetch(None, NOW)

    texts = [mention.text for mention in result.mentions]
    assert "Northwind \ufffd( ok" in texts
    assert "Northwind lost my bag" in texts


def test_a_malformed_status_is_rejected_and_the_rest_kept(server, fast_session):
    statuses = [
        status(7),
        status(6, content=["not", "html"]),
        status(5, account=None),
        status(4, created_at="last tuesday"),
        {"content": "<p>Northwind without an id</p>"},
        "a string",
        status(1),
    ]
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, statuses))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert sorted(ids(result)) == ["1", "7"]
    reasons = [reason for _, reason in result.rejected]
    assert len(reasons) == 5
    assert any(reason.endswith("/6: 'content' must be a string") for reason in reasons)
    assert any(reason.endswith("/5: 'account' must be an object") for reason in reasons)
    assert any("/4: field 'created_at' is not ISO 8601" in reason for reason in reasons)
    assert "status without 'uri' or 'id'" in reasons
    assert "a status must be a JSON object" in reasons


def test_a_status_without_uri_gets_an_instance_scoped_id(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, [status(9, uri=None)]))

    result = make_source(server, fast_session).fetch(None, NOW)

    host = server.url.removeprefix("http://")
    assert [mention.native_id for mention in result.mentions] == [f"{host}/mastodon/a/9"]


def test_spoiler_text_is_part_of_the_text(server, fast_session):
    server.script(
        "GET", f"/mastodon/a{TAG}", Reply(200, [status(9, "details inside", spoiler_text="Northwind rant")])
    )

    result = make_source(server, fast_session).fetch(None, NOW)

    assert result.mentions[0].text == "Northwind rant details inside"


# ----- cursors and paging ---------------------------------------------------------------------------


def test_min_id_pages_forward_following_the_link_header(server, fast_session):
    first = page(*range(1040, 1000, -1))  # a full page of 40, newest first
    second = page(1043, 1042, 1041)
    server.script(
        "GET",
        f"/mastodon/a{TAG}",
        Reply(200, first, links(root(server), first)),
        Reply(200, second, links(root(server), second)),
    )

    result = make_source(server, fast_session).fetch(cursor(server, 1000), NOW)

    assert len(result.mentions) == 43
    assert [r.param("min_id") for r in server.requests_to("/mastodon/a/")] == ["1000", "1040"]
    assert timelines(result) == {f"{root(server)}|#northwind": "1043"}


def test_the_page_budget_stops_and_the_cursor_resumes_exactly_there(server, fast_session):
    first = page(*range(2040, 2000, -1))
    server.script(
        "GET",
        f"/mastodon/a{TAG}",
        Reply(200, first, links(root(server), first)),
        Reply(200, page(2041)),
    )
    source = make_source(server, fast_session, max_pages=1)

    one = source.fetch(cursor(server, 2000), NOW)
    two = source.fetch(one.next_cursor, NOW)

    assert len(one.mentions) == 40
    assert ids(two) == ["2041"]
    assert [r.param("min_id") for r in server.requests_to("/mastodon/a/")] == ["2000", "2040"]


def test_out_of_time_asks_nothing_and_keeps_the_cursor(server, fast_session):
    source = make_source(server, fast_session)
    source.context = source_context(BRAND, fast_session, seconds=0)

    result = source.fetch(cursor(server, 3000), NOW)

    assert result.mentions == []
    assert timelines(result) == {f"{root(server)}|#northwind": "3000"}
    assert server.requests == []


def test_out_of_order_ids_move_the_cursor_to_the_highest(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, page(3002, 3005, 3001)))

    result = make_source(server, fast_session).fetch(cursor(server, 3000), NOW)

    assert sorted(ids(result)) == ["3001", "3002", "3005"]
    assert timelines(result) == {f"{root(server)}|#northwind": "3005"}


def test_snowflake_ids_compare_as_numbers_not_text(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, page(10000, 9999)))

    result = make_source(server, fast_session).fetch(cursor(server, 9998), NOW)

    assert timelines(result) == {f"{root(server)}|#northwind": "10000"}


def test_duplicates_across_pages_are_returned_once(server, fast_session):
    first = page(*range(4040, 4000, -1))
    second = [status(4041), status(4040)]  # 4040 again (a status edited between pages, say)
    server.script(
        "GET",
        f"/mastodon/a{TAG}",
        Reply(200, first, links(root(server), first)),
        Reply(200, second, links(root(server), second)),
    )

    result = make_source(server, fast_session).fetch(cursor(server, 4000), NOW)

    assert len(result.mentions) == 41
    assert len({mention.native_id for mention in result.mentions}) == 41


def test_a_status_deleted_between_pages_shifts_nothing(server, fast_session):
    # 5041 was deleted after page 1 was read: min_id is an id, not an offset, so 5042 is still next.
    first = page(*range(5040, 5000, -1))
    server.script(
        "GET",
        f"/mastodon/a{TAG}",
        Reply(200, first, links(root(server), first)),
        Reply(200, page(5043, 5042)),
    )

    result = make_source(server, fast_session).fetch(cursor(server, 5000), NOW)

    assert len(result.mentions) == 42
    assert {"5042", "5043"} <= set(ids(result))
    assert server.requests_to("/mastodon/a/")[1].param("min_id") == "5040"


def test_a_boost_counts_as_the_status_it_boosts(server, fast_session):
    original = status(6001, "Northwind is hiring pilots", account={**TIMELINE[1]["account"]})
    boost = status(6002, "", reblog=original, content="")
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, [boost, original]))

    result = make_source(server, fast_session).fetch(cursor(server, 6000), NOW)

    (mention,) = result.mentions
    assert mention.native_id == original["uri"]
    assert mention.text == "Northwind is hiring pilots"
    assert mention.author == "jo@chaos.social"
    assert timelines(result) == {f"{root(server)}|#northwind": "6002"}  # the cursor follows the timeline


def test_the_same_federated_status_on_two_instances_is_one_mention(server, fast_session):
    on_a = status(7001)
    on_b = status(9123, uri=on_a["uri"], favourites_count=99)  # another local id, the same uri
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, [on_a]))
    server.script("GET", f"/mastodon/b{TAG}", Reply(200, [on_b]))

    result = make_source(server, fast_session, instances=("a", "b")).fetch(None, NOW)

    assert [mention.native_id for mention in result.mentions] == [on_a["uri"]]
    assert timelines(result) == {
        f"{root(server, 'a')}|#northwind": "7001",
        f"{root(server, 'b')}|#northwind": "9123",
    }


# ----- instances failing ---------------------------------------------------------------------------


def test_a_401_from_one_instance_is_a_warning_and_the_others_go_on(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(401, fixture("unauthorized.json")))
    server.script("GET", f"/mastodon/b{TAG}", Reply(200, page(8001)))
    source = make_source(server, fast_session, instances=("a", "b"))

    result = source.fetch(cursor(server, 8000, "a"), NOW)

    assert ids(result) == ["8001"]
    assert len(source.warnings) == 1
    assert source.warnings[0].startswith(f"instance {root(server, 'a')}: ")
    assert "401" in source.warnings[0]
    assert timelines(result)[f"{root(server, 'a')}|#northwind"] == "8000"  # untouched


def test_an_empty_feed_on_an_instance_that_closed_hashtags_says_why(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, []))
    server.script("GET", "/mastodon/a/api/v2/instance", Reply(200, fixture("instance_closed_hashtags.json")))
    server.script("GET", f"/mastodon/b{TAG}", Reply(200, page(8101)))
    source = make_source(server, fast_session, instances=("a", "b"))

    result = source.fetch(None, NOW)

    assert ids(result) == ["8101"]
    assert source.warnings == [
        f"instance {root(server, 'a')}: hashtag feeds are not public without a login "
        "(timelines_access: local=authenticated, remote=authenticated)"
    ]


def test_an_empty_feed_on_an_open_instance_is_not_a_warning(server, fast_session):
    open_instance = fixture("instance_closed_hashtags.json")
    open_instance["configuration"]["timelines_access"]["hashtag_feeds"] = {
        "local": "public",
        "remote": "public",
    }
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, []))
    server.script("GET", "/mastodon/a/api/v2/instance", Reply(200, open_instance))
    source = make_source(server, fast_session)

    result = source.fetch(None, NOW)

    assert result.mentions == []
    assert source.warnings == []


def test_every_instance_failing_with_5xx_is_unavailable(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", *[Reply(502, "bad gateway")] * 3)
    server.script("GET", f"/mastodon/b{TAG}", *[Reply(503, "maintenance")] * 3)

    with pytest.raises(SourceUnavailableError):
        make_source(server, fast_session, instances=("a", "b")).fetch(None, NOW)


def test_an_instance_failing_after_some_pages_keeps_them(server, fast_session):
    first = page(*range(8240, 8200, -1))
    server.script(
        "GET", f"/mastodon/a{TAG}", Reply(200, first, links(root(server), first)), *[Reply(503, "down")] * 3
    )
    source = make_source(server, fast_session)

    result = source.fetch(cursor(server, 8200), NOW)

    assert len(result.mentions) == 40
    assert timelines(result) == {f"{root(server)}|#northwind": "8240"}  # resumes after the kept page
    assert len(source.warnings) == 1


def test_every_instance_refusing_is_an_auth_error(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(401, fixture("unauthorized.json")))
    server.script("GET", f"/mastodon/b{TAG}", Reply(403, {"error": "forbidden"}))

    with pytest.raises(SourceAuthError):
        make_source(server, fast_session, instances=("a", "b")).fetch(None, NOW)


def test_a_500_is_retried_then_succeeds(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(500, "oops"), Reply(200, page(9001)))

    result = make_source(server, fast_session).fetch(None, NOW)

    assert ids(result) == ["9001"]


def test_a_timeout_is_unavailable(server):
    server.script("GET", f"/mastodon/a{TAG}", *[Reply(200, page(9002), hang=True)] * 3)

    with pytest.raises(SourceUnavailableError):
        make_source(server, hanging_session()).fetch(None, NOW)


def test_a_short_retry_after_is_waited_out(server, fast_session):
    server.script(
        "GET", f"/mastodon/a{TAG}", Reply(429, "slow", {"Retry-After": "1"}), Reply(200, page(9003))
    )

    result = make_source(server, fast_session).fetch(None, NOW)

    assert ids(result) == ["9003"]


def test_a_long_retry_after_pauses_the_source(server, fast_session):
    server.script("GET", f"/mastodon/a{TAG}", Reply(429, "slow", {"Retry-After": "600"}))

    with pytest.raises(RateLimitedError) as raised:
        make_source(server, fast_session).fetch(None, NOW)

    assert raised.value.retry_at == NOW + timedelta(minutes=10)


def test_truncated_json_is_malformed(server, fast_session):
    body = json.dumps(TIMELINE).encode()[:300]
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, body, {"Content-Type": "application/json"}))

    with pytest.raises(MalformedResponseError):
        make_source(server, fast_session).fetch(None, NOW)


def test_no_requests_left_stops_paging_and_the_instance_waits_for_the_reset(server, fast_session):
    first = page(*range(9540, 9500, -1))
    headers = {
        **links(root(server), first),
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2024-06-10T07:03:00.000Z",
    }
    server.script("GET", f"/mastodon/a{TAG}", Reply(200, first, headers))
    source = make_source(server, fast_session)

    one = source.fetch(cursor(server, 9500), NOW)

    assert len(one.mentions) == 40  # kept, and no second page was asked for
    assert timelines(one) == {f"{root(server)}|#northwind": "9540"}
    with pytest.raises(RateLimitedError) as raised:
        source.fetch(one.next_cursor, NOW + timedelta(minutes=1))
    assert raised.value.retry_at == datetime(2024, 6, 10, 7, 3, tzinfo=UTC)
    assert len(server.requests_to("/mastodon/a/")) == 1


# ----- status search -------------------------------------------------------------------------------


def searches(result: Any) -> dict[str, dict[str, str]]:
    saved: dict[str, dict[str, str]] = load_cursor(result.next_cursor)["searches"]
    return saved


def test_search_asks_each_keyword_and_keeps_its_own_watermark(server, fast_session):
    brand = Brand(name="Northwind", keywords=("northwind", "nw air"))
    found = fixture("search.json")
    newest = found["statuses"][0]["id"]
    older = status(112590000000000001, "nw air lost my bag")
    server.script(
        "GET",
        "/mastodon/a/api/v2/search",
        Reply(200, found),  # first fetch, "northwind"
        Reply(200, {**found, "statuses": []}),  # first fetch, "nw air"
        Reply(200, found),  # second fetch, "northwind": the same status again (the bound is rounded)
        Reply(200, {**found, "statuses": [older]}),  # second fetch, "nw air"
    )
    source = make_source(server, fast_session, brand=brand, hashtags=[], search=True)

    first = source.fetch(None, NOW)
    second = source.fetch(first.next_cursor, NOW)

    (mention,) = first.mentions
    assert mention.native_id == "https://fosstodon.org/users/dev/statuses/112590000000000777"
    assert mention.text == "airline rant Northwind charged me twice for one seat."
    assert searches(first) == {f"{root(server)}|search:northwind": {"min_id": newest}}
    calls = server.requests_to("/mastodon/a/api/v2/search")
    # The lower bound goes out 2 s (in snowflake terms) early: Mastodon rounds it to the second.
    assert [(r.param("q"), r.param("min_id")) for r in calls] == [
        ("northwind", None),
        ('"nw air"', None),
        ("northwind", str(int(newest) - (2_000 << 16))),
        ('"nw air"', None),
    ]
    assert all(r.param("type") == "statuses" and r.param("limit") == "40" for r in calls)
    assert all(r.param("offset") is None and r.param("resolve") is None for r in calls)
    assert [m.native_id for m in second.mentions] == [older["uri"]]  # the repeat is not returned again


def test_search_sweeps_down_with_max_id_to_the_last_newest_and_resumes_a_cut_sweep(server, fast_session):
    floor = 10_000_000_000
    full = [status(floor + n) for n in range(80, 40, -1)]  # 40 newer than the floor
    rest = [status(floor + n) for n in range(40, 0, -1)] + [status(floor), status(floor - 1)]
    rest.insert(3, {"content": "<p>Northwind, no id</p>"})  # a broken status must not end the sweep
    server.script(
        "GET",
        "/mastodon/a/api/v2/search",
        Reply(200, {"accounts": [], "statuses": full, "hashtags": []}),
        Reply(200, {"accounts": [], "statuses": rest[:40], "hashtags": []}),
        Reply(200, {"accounts": [], "statuses": rest[40:], "hashtags": []}),
    )
    source = make_source(server, fast_session, hashtags=[], search=True, max_pages=2)
    saved = json.dumps({"searches": {f"{root(server)}|search:northwind": {"min_id": str(floor)}}})

    first = source.fetch(saved, NOW)
    assert len(first.mentions) == 79  # 40 + 39 (the broken one is rejected)
    assert searches(first) == {
        f"{root(server)}|search:northwind": {
            "min_id": str(floor),
            "max_id": str(floor + 2),
            "then": str(floor + 80),
        }
    }
    second = source.fetch(first.next_cursor, NOW)
    assert ids(second) == [str(floor + 1)]
    assert searches(second) == {f"{root(server)}|search:northwind": {"min_id": str(floor + 80)}}
    calls = server.requests_to("/mastodon/a/api/v2/search")
    assert [r.param("max_id") for r in calls] == [None, str(floor + 41), str(floor + 2)]


def test_search_keeps_sweeping_when_the_server_caps_pages_below_40(server, fast_session):
    floor = 20_000_000_000
    server.script(
        "GET",
        "/mastodon/a/api/v2/search",
        Reply(200, {"accounts": [], "statuses": page(floor + 6, floor + 5, floor + 4), "hashtags": []}),
        Reply(200, {"accounts": [], "statuses": page(floor + 3, floor + 2, floor + 1), "hashtags": []}),
        Reply(200, {"accounts": [], "statuses": page(floor, floor - 1), "hashtags": []}),
    )
    source = make_source(server, fast_session, hashtags=[], search=True)
    saved = json.dumps({"searches": {f"{root(server)}|search:northwind": {"min_id": str(floor)}}})

    result = source.fetch(saved, NOW)

    assert sorted(ids(result)) == [str(floor + n) for n in range(1, 7)]
    assert searches(result) == {f"{root(server)}|search:northwind": {"min_id": str(floor + 6)}}
