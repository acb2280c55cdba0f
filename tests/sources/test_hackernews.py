"""HackerNewsSource against a model of Algolia's `search_by_date` (served by the scripted local server)."""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crisiswatch.config_files.watchlist import source_spec
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch.ports import FetchResult
from crisiswatch_sources import hackernews
from crisiswatch_sources.errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceUnavailableError,
)
from crisiswatch_sources.hackernews import HackerNewsSource

from .conftest import Recorded, Reply, ScriptedServer, hanging_session, make_fast_session, source_context

FIXTURES = Path(__file__).parent / "fixtures" / "hackernews"
NOW = datetime(2024, 6, 4, 15, 0, tzinfo=UTC)
NOW_I = int(NOW.timestamp())
PATH = "/api/v1/search_by_date"
BRAND = Brand(name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street",))


def corpus() -> list[dict[str, Any]]:
    return list(json.loads((FIXTURES / "search_by_date.json").read_text())["hits"])


class FakeAlgolia:
    """Answers like `search_by_date`: numericFilters on created_at_i, newest first, page/hitsPerPage,
    and no hit past rank 1,000 (`nbPages * hitsPerPage <= 1000`)."""

    def __init__(self, hits: list[dict[str, Any]]) -> None:
        self.hits = hits

    def __call__(self, request: Recorded) -> Reply:
        selected = [hit for hit in self.hits if _passes(hit, request.param("numericFilters") or "")]
        selected.sort(key=lambda hit: (hit["created_at_i"], hit.get("objectID", "")), reverse=True)
        per_page = int(request.param("hitsPerPage") or 20)
        page = int(request.param("page") or 0)
        pages = min(math.ceil(len(selected) / per_page), 1000 // per_page)
        start = page * per_page
        served = selected[start : start + per_page] if start < pages * per_page else []
        return Reply(
            200,
            {
                "hits": served,
                "nbHits": len(selected),
                "nbPages": pages,
                "page": page,
                "hitsPerPage": per_page,
            },
        )


def _passes(hit: dict[str, Any], filters: str) -> bool:
    for name, operator, value in re.findall(r"(\w+)(>=|<=|>|<|=)(\d+)", filters):
        field, bound = hit[name], int(value)
        ok = {
            ">=": field >= bound,
            "<=": field <= bound,
            ">": field > bound,
            "<": field < bound,
            "=": field == bound,
        }
        if not ok[operator]:
            return False
    return True


def make_source(server: ScriptedServer, brand: Brand = BRAND, seconds: float = 60.0, **spec: Any):
    spec = {"id": "hn", "type": "hackernews", "base_url": server.url, **spec}
    context = source_context(brand, make_fast_session(), seconds=seconds)
    return HackerNewsSource(source_spec(spec), context)


def ids(result: FetchResult) -> list[str]:
    return [mention.native_id for mention in result.mentions]


def numeric_filters(server: ScriptedServer) -> list[str]:
    return [request.param("numericFilters") or "" for request in server.requests_to(PATH)]


# ----- first fetch, normalisation, filtering ----------------------------------------------------------------


def test_first_fetch_reads_the_last_day_and_normalises_stories_and_comments(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    result = make_source(scripted_server).fetch(None, NOW)

    assert sorted(ids(result)) == ["40576600", "40576900", "40577001", "40577123", "40577124"]
    request = scripted_server.requests_to(PATH)[0]
    assert request.param("query") == "Northwind"
    assert request.param("tags") == "(story,comment)"
    assert request.param("hitsPerPage") == "100"
    lower = NOW_I - 86_400 - hackernews.OVERLAP_SECONDS
    assert request.param("numericFilters") == f"created_at_i>={lower},created_at_i<={NOW_I}"

    by_id = {mention.native_id: mention for mention in result.mentions}
    story = by_id["40577001"]
    assert story.source == "hackernews"
    assert story.url == "https://news.ycombinator.com/item?id=40577001"
    assert story.author == "jdoe"
    assert story.author_followers == 0  # HN has no followers
    assert story.lang == "und"
    assert story.engagement == {"points": 87, "comments": 12}
    assert story.created_at == datetime(2024, 6, 4, 14, 55, 12, tzinfo=UTC)
    assert story.text.startswith("Northwind Traders leaks 2M customer records")
    assert "theregister.com" in story.text
    assert "_highlightResult" not in story.extra["raw"]

    comment = by_id["40577123"]
    assert comment.text == (
        "I worked at Northwind for three years & this doesn't surprise me. "
        "They stored passwords in plain text ."
    )
    assert "<" not in by_id["40576900"].text  # story_text HTML stripped
    assert "🔥" in by_id["40577124"].text and "\U0001f937" in by_id["40577124"].text


def test_a_malformed_hit_is_rejected_and_the_rest_kept(scripted_server):
    hits = corpus()
    hits.append(
        {"objectID": "40570000", "created_at_i": NOW_I - 60, "_tags": ["story"], "title": ["not text"]}
    )
    hits.append({"created_at_i": NOW_I - 61, "title": "Northwind without an id"})
    scripted_server.always("GET", PATH, FakeAlgolia(hits))
    result = make_source(scripted_server).fetch(None, NOW)

    reasons = sorted(reason for _, reason in result.rejected)
    assert reasons == [
        "field 'title' must be a string, got list",
        "hit has no objectID",
        "missing field(s): text",  # 40576700: a comment whose text is null (deleted)
    ]
    assert "40577001" in ids(result)
    assert any('"40570000"' in raw for raw, _ in result.rejected)


def test_keywords_exclusions_and_languages_filter_without_rejecting(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    brand = Brand(
        name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street", "shrug"), languages=("en",)
    )
    result = make_source(scripted_server, brand=brand).fetch(None, NOW)

    assert "40577150" not in ids(result)  # "Northwind Street": an exclusion
    assert "40577124" not in ids(result)  # "shrug": an exclusion
    assert "40576600" in ids(result)  # German, but HN has no language: "und" is always kept
    assert len(result.rejected) == 1


def test_each_keyword_is_its_own_query_and_a_hit_found_twice_is_returned_once(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))  # the fake ignores `query`: every hit matches
    brand = replace(
        BRAND,
        keywords=(
            "Northwind",
            "Northwind Traders",
            "northwind",
        ),
    )
    result = make_source(scripted_server, brand=brand).fetch(None, NOW)

    queries = [request.param("query") for request in scripted_server.requests_to(PATH)]
    assert queries == ["Northwind", '"Northwind Traders"']  # Algolia has no OR; duplicates folded
    assert len(ids(result)) == len(set(ids(result))) == 5
    state = json.loads(result.next_cursor or "")
    assert set(state["queries"]) == {"Northwind", '"Northwind Traders"'}


def test_a_configured_query_and_tags_are_sent_as_given(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    make_source(scripted_server, query="northwind.com", tags=["story"]).fetch(None, NOW)
    request = scripted_server.requests_to(PATH)[0]
    assert (request.param("query"), request.param("tags")) == ("northwind.com", "story")


def test_a_100_kb_comment_is_cut_and_kept(scripted_server):
    hits = corpus()
    hits[1]["comment_text"] = "Northwind " + "<p>" + "x" * 100_000
    scripted_server.always("GET", PATH, FakeAlgolia(hits))
    result = make_source(scripted_server).fetch(None, NOW)
    long = next(mention for mention in result.mentions if mention.native_id == "40577123")
    assert len(long.text) == 20_000


def test_invalid_utf8_in_the_body_does_not_fail_the_fetch(scripted_server):
    body = json.dumps({"hits": corpus(), "nbPages": 1, "page": 0, "hitsPerPage": 100}).encode()
    body = body.replace(b"three years", b"three \xff\xfe years")
    scripted_server.always("GET", PATH, Reply(200, body, {"Content-Type": "application/json; charset=utf-8"}))
    result = make_source(scripted_server).fetch(None, NOW)
    comment = next(mention for mention in result.mentions if mention.native_id == "40577123")
    assert "three" in comment.text and "years" in comment.text
    assert len(result.mentions) == 5


# ----- paging and the cursor --------------------------------------------------------------------------------


def test_paging_walks_down_by_time_without_offsets_or_duplicates(scripted_server, monkeypatch):
    monkeypatch.setattr(hackernews, "HITS_PER_PAGE", 3)
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    result = make_source(scripted_server, max_pages=10).fetch(None, NOW)

    assert sorted(ids(result)) == ["40576600", "40576900", "40577001", "40577123", "40577124"]
    requests = scripted_server.requests_to(PATH)
    assert {request.param("page") for request in requests} == {"0"}  # keyset paging, never offsets
    uppers = [int(f.rsplit("<=", 1)[1]) for f in numeric_filters(scripted_server)]
    assert uppers == sorted(uppers, reverse=True) and uppers[0] == NOW_I
    # The inclusive bound re-reads the two comments of 14:55:50 on page 2; they are skipped, not repeated.
    assert uppers[1] == 1717512950
    state = json.loads(result.next_cursor or "")["queries"]["Northwind"]
    assert state["since"] == NOW_I and "top" not in state


def test_max_pages_saves_the_walk_and_the_next_fetch_resumes_exactly_there(scripted_server, monkeypatch):
    monkeypatch.setattr(hackernews, "HITS_PER_PAGE", 2)
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    source = make_source(scripted_server, max_pages=1)

    seen: list[str] = []
    cursor = None
    for _ in range(6):
        result = source.fetch(cursor, NOW)
        seen += ids(result)
        cursor = result.next_cursor
    assert sorted(seen) == ["40576600", "40576900", "40577001", "40577123", "40577124"]
    state = json.loads(cursor or "")["queries"]["Northwind"]
    assert state["since"] == NOW_I  # the walk finished: the watermark moved to its top


def test_the_next_window_reads_only_new_items_and_keeps_late_ones_at_the_watermark_second(scripted_server):
    hits = corpus()
    hits.append(copy.deepcopy(hits[1]) | {"objectID": "40577200", "created_at_i": NOW_I - 30})
    hits.append(copy.deepcopy(hits[1]) | {"objectID": "40577250", "created_at_i": NOW_I})
    algolia = FakeAlgolia(hits)
    scripted_server.always("GET", PATH, algolia)
    source = make_source(scripted_server)
    first = source.fetch(None, NOW)
    assert len(first.mentions) == 7

    later = datetime(2024, 6, 4, 15, 5, tzinfo=UTC)
    # Indexed late: one at exactly the watermark second (NOW), one at a second read before; and a new one.
    at_watermark = copy.deepcopy(hits[1]) | {"objectID": "40577300", "created_at_i": NOW_I}
    late = copy.deepcopy(hits[1]) | {"objectID": "40577201", "created_at_i": NOW_I - 30}
    new = copy.deepcopy(hits[2]) | {"objectID": "40577400", "created_at_i": NOW_I + 100}
    hits += [at_watermark, late, new]
    second = source.fetch(first.next_cursor, later)

    # 40577200 and 40577250 (read before, at the same seconds) are not repeated.
    assert sorted(ids(second)) == ["40577201", "40577300", "40577400"]
    lower = NOW_I - hackernews.OVERLAP_SECONDS
    assert (
        numeric_filters(scripted_server)[-1]
        == f"created_at_i>={lower},created_at_i<={int(later.timestamp())}"
    )
    third = source.fetch(second.next_cursor, later)
    assert ids(third) == []


def test_an_item_deleted_between_pages_skips_nothing_else(scripted_server, monkeypatch):
    monkeypatch.setattr(hackernews, "HITS_PER_PAGE", 2)
    hits = corpus()
    algolia = FakeAlgolia(hits)

    def deleting(request: Recorded) -> Reply:
        reply = algolia(request)
        if len(scripted_server.requests_to(PATH)) == 1:
            hits[:] = [hit for hit in hits if hit["objectID"] != "40577124"]  # deleted after page 1
        return reply

    scripted_server.always("GET", PATH, deleting)
    result = make_source(scripted_server, max_pages=10).fetch(None, NOW)
    # Read before it was deleted; with offsets, 40577123 would then have moved up to page 1 and been skipped.
    assert sorted(ids(result)) == ["40576600", "40576900", "40577001", "40577123", "40577124"]


def test_out_of_order_hits_are_all_kept_and_the_walk_continues_below_the_oldest(scripted_server, monkeypatch):
    monkeypatch.setattr(hackernews, "HITS_PER_PAGE", 3)
    hits = corpus()
    shuffled = [hits[3], hits[0], hits[1]]  # 14:55:12, 14:56:40, 14:55:50: not newest first
    scripted_server.script("GET", PATH, Reply(200, {"hits": shuffled, "nbPages": 3, "page": 0}))
    scripted_server.script("GET", PATH, Reply(200, {"hits": hits[4:], "nbPages": 1, "page": 0}))
    result = make_source(scripted_server).fetch(None, NOW)

    assert sorted(ids(result)) == ["40576600", "40576900", "40577001", "40577123"]
    assert numeric_filters(scripted_server)[1].endswith("created_at_i<=1717512912")


def test_more_than_a_page_in_one_second_pages_through_that_second(scripted_server, monkeypatch):
    monkeypatch.setattr(hackernews, "HITS_PER_PAGE", 2)
    burst = [
        copy.deepcopy(corpus()[2]) | {"objectID": str(40578000 + n), "created_at_i": NOW_I - 10}
        for n in range(5)
    ]
    scripted_server.always("GET", PATH, FakeAlgolia(burst))
    result = make_source(scripted_server, max_pages=10).fetch(None, NOW)

    assert sorted(ids(result)) == [str(40578000 + n) for n in range(5)]
    pages = [request.param("page") for request in scripted_server.requests_to(PATH)]
    assert "1" in pages and "2" in pages


def test_out_of_time_reads_nothing_and_keeps_the_window(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    result = make_source(scripted_server, seconds=0).fetch(None, NOW)
    assert result.mentions == [] and scripted_server.requests == []
    state = json.loads(result.next_cursor or "")["queries"]["Northwind"]
    assert state["since"] == NOW_I - 86_400 and state["top"] == NOW_I


def test_an_unreadable_cursor_starts_over(scripted_server):
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    result = make_source(scripted_server).fetch('{"queries": {"Northwind": {"since": "soon"}}}', NOW)
    assert len(result.mentions) == 5


# ----- HTTP failures ----------------------------------------------------------------------------------------


def test_a_500_is_retried(scripted_server):
    scripted_server.script("GET", PATH, Reply(500, "oops"))
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    result = make_source(scripted_server).fetch(None, NOW)
    assert len(result.mentions) == 5
    assert len(scripted_server.requests_to(PATH)) == 2


def test_persistent_5xx_and_timeouts_raise_source_unavailable(scripted_server):
    scripted_server.always("GET", PATH, Reply(503, "down"))
    with pytest.raises(SourceUnavailableError):
        make_source(scripted_server).fetch(None, NOW)


def test_a_timeout_raises_source_unavailable(scripted_server):
    scripted_server.always("GET", PATH, Reply(200, {"hits": []}, hang=True))
    source = make_source(scripted_server)
    source.context = source_context(BRAND, hanging_session(retries=0))
    with pytest.raises(SourceUnavailableError):
        source.fetch(None, NOW)


def test_a_short_retry_after_is_waited_out(scripted_server):
    scripted_server.script("GET", PATH, Reply(429, "slow down", {"Retry-After": "0"}))
    scripted_server.always("GET", PATH, FakeAlgolia(corpus()))
    assert len(make_source(scripted_server).fetch(None, NOW).mentions) == 5


def test_a_long_retry_after_raises_rate_limited_until_then(scripted_server):
    scripted_server.always("GET", PATH, Reply(429, "slow down", {"Retry-After": "3600"}))
    with pytest.raises(RateLimitedError) as raised:
        make_source(scripted_server).fetch(None, NOW)
    assert raised.value.retry_at == datetime(2024, 6, 4, 16, 0, tzinfo=UTC)


def test_truncated_json_is_malformed(scripted_server):
    body = (FIXTURES / "search_by_date.json").read_bytes()[:700]
    scripted_server.always("GET", PATH, Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(MalformedResponseError):
        make_source(scripted_server).fetch(None, NOW)


def test_json_without_hits_is_malformed(scripted_server):
    scripted_server.always("GET", PATH, Reply(200, {"message": "maintenance"}))
    with pytest.raises(MalformedResponseError):
        make_source(scripted_server).fetch(None, NOW)


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_raise_source_auth(scripted_server, status):
    scripted_server.always("GET", PATH, Reply(status, {"message": "forbidden"}))
    with pytest.raises(SourceAuthError):
        make_source(scripted_server).fetch(None, NOW)
