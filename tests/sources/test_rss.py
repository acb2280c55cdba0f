"""RssSource with real-looking RSS 2.0, Atom and Google News search feeds, served by the scripted server.

The feeds keep their real URLs; `spec.base_url` sends every request to the local server (same paths).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crisiswatch.config_files.watchlist import source_spec
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch.ports import FetchResult
from crisiswatch_sources.errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceUnavailableError,
)
from crisiswatch_sources.rss import RssSource

from .conftest import Recorded, Reply, ScriptedServer, hanging_session, make_fast_session, source_context

FIXTURES = Path(__file__).parent / "fixtures" / "rss"
NOW = datetime(2024, 6, 4, 15, 0, tzinfo=UTC)
BRAND = Brand(name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street",))
NEWS = "https://www.dailyledger.example/business/rss.xml"
BLOG = "https://blog-conso.example/feed.atom"
GNEWS = "https://news.google.com/rss/search?q=%22Northwind%22+when:1d&hl=en-US&gl=US&ceid=US:en"
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def make_source(server: ScriptedServer, feeds: list[str], brand: Brand = BRAND, seconds: float = 60.0):
    spec = source_spec({"id": "news", "type": "rss", "feeds": feeds, "base_url": server.url})
    return RssSource(spec, source_context(brand, make_fast_session(), seconds=seconds))


def by_id(result: FetchResult) -> dict[str, Any]:
    return {mention.native_id: mention for mention in result.mentions}


def serve_all(server: ScriptedServer) -> None:
    server.always("GET", "/business/rss.xml", Reply(200, fixture("news_rss2.xml"), XML))
    server.always(
        "GET", "/feed.atom", Reply(200, fixture("blog_atom.xml"), {"Content-Type": "application/atom+xml"})
    )
    server.always("GET", "/rss/search", Reply(200, fixture("google_news_search.xml"), XML))


# ----- parsing the three kinds of feed ----------------------------------------------------------------------


def test_rss2_items_become_mentions(scripted_server):
    serve_all(scripted_server)
    result = make_source(scripted_server, [NEWS]).fetch(None, NOW)
    mentions = by_id(result)

    breach = mentions["https://www.dailyledger.example/business/2024/06/04/northwind-traders-breach"]
    assert breach.source == "rss"
    assert breach.text.startswith("Northwind Traders confirms breach affecting 2 million customers")
    assert "<strong>" not in breach.text and "said on Tuesday" in breach.text
    assert breach.author == "Maria Keller"
    assert breach.lang == "en-us"
    assert breach.created_at == datetime(2024, 6, 4, 14, 40, tzinfo=UTC)
    assert breach.url == "https://www.dailyledger.example/business/2024/06/04/northwind-traders-breach"
    assert breach.extra["raw"]["tags"] == ["Technology", "Data protection"]

    # A guid that is only a number is prefixed with the feed's host: another site's "58213" is another item.
    shares = mentions["www.dailyledger.example#58213"]
    assert "📉" in shares.text

    # No guid: the link is the id. No date: dated at fetch time.
    helpline = mentions["https://www.dailyledger.example/business/2024/06/04/northwind-helpline"]
    assert helpline.created_at == NOW

    assert len(mentions) == 3  # "Northwind Street" is excluded; the markets wrap does not match
    assert [reason for _, reason in result.rejected] == ["missing field(s): text"]  # the empty item 58150


def test_atom_entries_use_their_own_language_and_content(scripted_server):
    serve_all(scripted_server)
    result = make_source(scripted_server, [BLOG]).fetch(None, NOW)
    mentions = by_id(result)

    french = mentions["tag:blog-conso.example,2024-06-04:/fuite-northwind"]
    assert french.lang == "fr"
    assert french.text == (
        "Fuite de données chez Northwind : que faire ? Changez votre mot de passe Northwind dès aujourd’hui."
    )
    assert french.author == "Claire Dubois"
    assert french.created_at == datetime(2024, 6, 4, 12, 20, tzinfo=UTC)  # published, +02:00 -> UTC
    english = mentions["tag:blog-conso.example,2024-06-04:/northwind-en"]
    assert english.lang == "en"
    assert (
        english.text
        == "Northwind: an English summary for our readers abroad The retailer confirmed the leak."
    )
    assert english.created_at == datetime(2024, 6, 4, 12, 0, tzinfo=UTC)  # updated, no published
    assert len(mentions) == 2


def test_google_news_items_name_the_publisher_and_keep_their_opaque_ids(scripted_server):
    serve_all(scripted_server)
    result = make_source(scripted_server, [GNEWS]).fetch(None, NOW)
    assert len(result.mentions) == 2
    reuters = result.mentions[0]
    assert reuters.native_id.startswith("news.google.com#CBMiWWh0")
    assert reuters.author == "Reuters"
    assert reuters.lang == "en-us"
    assert reuters.url.startswith("https://news.google.com/rss/articles/CBMiWWh0")
    assert reuters.text.startswith("Northwind Traders confirms data breach affecting millions - Reuters")
    assert "<a " not in reuters.text and "&nbsp;" not in reuters.text


def test_language_filter_keeps_matching_and_unknown_languages(scripted_server):
    serve_all(scripted_server)
    scripted_server.always(
        "GET", "/nolang.xml", Reply(200, fixture("news_rss2.xml").replace(b"en-us", b""), XML)
    )
    brand = Brand(
        name="Northwind", keywords=("Northwind",), exclusions=("Northwind Street",), languages=("en",)
    )
    feeds = [BLOG, GNEWS, "https://nolang.example/nolang.xml"]
    result = make_source(scripted_server, feeds, brand=brand).fetch(None, NOW)

    langs = sorted({mention.lang for mention in result.mentions})
    assert langs == ["en", "en-us", "und"]  # the French entry is dropped; a feed without language is kept
    assert "tag:blog-conso.example,2024-06-04:/fuite-northwind" not in by_id(result)


def test_the_request_is_a_polite_feed_request_and_feedparser_fetches_nothing(scripted_server):
    serve_all(scripted_server)
    make_source(scripted_server, [GNEWS]).fetch(None, NOW)
    (request,) = scripted_server.requests
    assert request.path == "/rss/search"
    assert request.param("q") == '"Northwind" when:1d'
    assert "application/rss+xml" in request.headers["accept"]
    assert request.headers["user-agent"].startswith("CrisisWatch/")


# ----- the cursor: conditional GET and seen ids -------------------------------------------------------------


def test_conditional_get_sends_back_etag_and_last_modified_and_304_means_nothing_new(scripted_server):
    validators = {"ETag": '"v1-5f2a"', "Last-Modified": "Tue, 04 Jun 2024 14:58:00 GMT", **XML}
    scripted_server.script("GET", "/business/rss.xml", Reply(200, fixture("news_rss2.xml"), validators))
    scripted_server.script("GET", "/business/rss.xml", Reply(304, b"", {"ETag": '"v1-5f2a"'}))
    source = make_source(scripted_server, [NEWS])

    first = source.fetch(None, NOW)
    second = source.fetch(first.next_cursor, NOW)

    assert len(first.mentions) == 3 and second.mentions == []
    conditional = scripted_server.requests[1].headers
    assert conditional["if-none-match"] == '"v1-5f2a"'
    assert conditional["if-modified-since"] == "Tue, 04 Jun 2024 14:58:00 GMT"
    state = json.loads(second.next_cursor or "")["feeds"][NEWS]
    assert state["etag"] == '"v1-5f2a"' and len(state["seen"]) == 6


def test_items_already_seen_are_not_emitted_again_when_the_feed_changes(scripted_server):
    changed = fixture("news_rss2.xml").replace(
        b"<item>",
        b"<item><title>Northwind CEO apologises</title><link>https://www.dailyledger.example/b/apology</link>"
        b"<pubDate>Tue, 04 Jun 2024 14:59:00 GMT</pubDate></item><item>",
        1,
    )
    scripted_server.script("GET", "/business/rss.xml", Reply(200, fixture("news_rss2.xml"), XML))
    scripted_server.script("GET", "/business/rss.xml", Reply(200, changed, XML))  # no validators at all
    source = make_source(scripted_server, [NEWS])
    first = source.fetch(None, NOW)
    second = source.fetch(first.next_cursor, NOW)

    assert [mention.native_id for mention in second.mentions] == ["https://www.dailyledger.example/b/apology"]
    assert second.rejected == []  # the empty item was quarantined once, not at every poll
    assert "if-none-match" not in scripted_server.requests[1].headers


def test_the_seen_set_is_bounded_but_always_covers_the_current_document(scripted_server):
    items = "".join(
        f"<item><title>Northwind item {n}</title><guid>https://n.example/{n}</guid></item>"
        for n in range(600)
    )
    big = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    small = fixture("news_rss2.xml")
    scripted_server.script("GET", "/business/rss.xml", Reply(200, big, XML), Reply(200, big, XML))
    scripted_server.script("GET", "/business/rss.xml", Reply(200, small, XML))
    source = make_source(scripted_server, [NEWS])

    first = source.fetch(None, NOW)
    second = source.fetch(first.next_cursor, NOW)
    third = source.fetch(second.next_cursor, NOW)

    assert len(first.mentions) == 600 and second.mentions == []
    assert len(json.loads(second.next_cursor or "")["feeds"][NEWS]["seen"]) == 600
    assert len(third.mentions) == 3
    seen = json.loads(third.next_cursor or "")["feeds"][NEWS]["seen"]
    assert (
        len(seen) == 500
        and seen[0] == "https://www.dailyledger.example/business/2024/06/04/northwind-traders-breach"
    )


def test_the_same_story_in_two_feeds_is_returned_once(scripted_server):
    serve_all(scripted_server)
    scripted_server.always("GET", "/copy.xml", Reply(200, fixture("news_rss2.xml"), XML))
    result = make_source(scripted_server, [NEWS, "https://www.dailyledger.example/copy.xml"]).fetch(None, NOW)
    assert len(result.mentions) == 3


def test_feeds_least_recently_read_go_first(scripted_server):
    serve_all(scripted_server)
    cursor = json.dumps({"feeds": {NEWS: {"polled": 200.0, "seen": []}, BLOG: {"polled": 100.0, "seen": []}}})
    make_source(scripted_server, [NEWS, BLOG, GNEWS]).fetch(cursor, NOW)
    assert [request.path for request in scripted_server.requests] == [
        "/rss/search",
        "/feed.atom",
        "/business/rss.xml",
    ]


def test_out_of_time_reads_nothing_and_keeps_the_cursor(scripted_server):
    serve_all(scripted_server)
    cursor = json.dumps({"feeds": {NEWS: {"etag": '"x"', "seen": ["a"], "polled": 1.0}}})
    result = make_source(scripted_server, [NEWS], seconds=0).fetch(cursor, NOW)
    assert result.mentions == [] and scripted_server.requests == []
    assert json.loads(result.next_cursor or "")["feeds"][NEWS] == {
        "etag": '"x"',
        "seen": ["a"],
        "polled": 1.0,
    }


# ----- odd content ------------------------------------------------------------------------------------------


def test_invalid_utf8_bytes_do_not_lose_the_feed(scripted_server):
    body = fixture("news_rss2.xml").replace(b"Maria Keller", b"Maria K\xe9ller \xff")
    scripted_server.always("GET", "/business/rss.xml", Reply(200, body, XML))
    result = make_source(scripted_server, [NEWS]).fetch(None, NOW)
    assert len(result.mentions) == 3
    breach = by_id(result)["https://www.dailyledger.example/business/2024/06/04/northwind-traders-breach"]
    assert breach.author.startswith("Maria K")


def test_a_100_kb_description_is_cut(scripted_server):
    body = fixture("news_rss2.xml").replace(b"Nothing much happened.", b"Northwind " + b"y" * 100_000)
    scripted_server.always("GET", "/business/rss.xml", Reply(200, body, XML))
    result = make_source(scripted_server, [NEWS]).fetch(None, NOW)
    wrap = by_id(result)["www.dailyledger.example#58177"]
    assert len(wrap.text) == 20_000


def test_a_truncated_feed_is_refused_whole_and_read_again_next_time(scripted_server):
    """Taking the items before the cut would store the cut item under a made-up id and save validators
    that turn later polls into 304s: the whole fetch fails instead and the next poll reads it all."""
    body = fixture("news_rss2.xml")
    cut = body[: body.index(b"<title>Roadworks")]
    scripted_server.always("GET", "/business/rss.xml", Reply(200, cut, XML))
    with pytest.raises(MalformedResponseError, match="not well-formed"):
        make_source(scripted_server, [NEWS]).fetch(None, NOW)


# ----- failures: one feed does not stop the others ----------------------------------------------------------


def test_a_failing_feed_is_reported_and_the_others_are_read(scripted_server):
    serve_all(scripted_server)
    scripted_server.always("GET", "/gone.xml", Reply(404, "<html>Not found</html>"))
    scripted_server.always(
        "GET", "/html.xml", Reply(200, "<html><body>Please enable JavaScript</body></html>")
    )
    scripted_server.always("GET", "/down.xml", Reply(503, "down"))
    feeds = [NEWS, "https://a.example/gone.xml", "https://b.example/html.xml", "https://c.example/down.xml"]
    source = make_source(scripted_server, feeds)
    result = source.fetch(None, NOW)

    assert len(result.mentions) == 3
    assert sorted(warning.split(":")[0] + ":" + warning.split(":")[1] for warning in source.warnings) == [
        "feed https://a.example/gone.xml",
        "feed https://b.example/html.xml",
        "feed https://c.example/down.xml",
    ]
    state = json.loads(result.next_cursor or "")["feeds"]
    assert state["https://a.example/gone.xml"] == {"seen": [], "polled": 0.0}  # retried first next time


def test_when_every_feed_fails_differently_the_fetch_is_unavailable(scripted_server):
    scripted_server.always("GET", "/gone.xml", Reply(404, "nope"))
    scripted_server.always("GET", "/down.xml", Reply(500, "down"))
    source = make_source(scripted_server, ["https://a.example/gone.xml", "https://c.example/down.xml"])
    with pytest.raises(SourceUnavailableError):
        source.fetch(None, NOW)


def test_a_500_is_retried(scripted_server):
    scripted_server.script(
        "GET", "/business/rss.xml", Reply(500, "oops"), Reply(200, fixture("news_rss2.xml"), XML)
    )
    assert len(make_source(scripted_server, [NEWS]).fetch(None, NOW).mentions) == 3


def test_a_timeout_of_the_only_feed_raises_unavailable(scripted_server):
    scripted_server.always("GET", "/business/rss.xml", Reply(200, fixture("news_rss2.xml"), XML, hang=True))
    source = make_source(scripted_server, [NEWS])
    source.context = source_context(BRAND, hanging_session(retries=0))
    with pytest.raises(SourceUnavailableError):
        source.fetch(None, NOW)


def test_a_short_retry_after_is_waited_out(scripted_server):
    scripted_server.script("GET", "/business/rss.xml", Reply(429, "", {"Retry-After": "0"}))
    scripted_server.always("GET", "/business/rss.xml", Reply(200, fixture("news_rss2.xml"), XML))
    assert len(make_source(scripted_server, [NEWS]).fetch(None, NOW).mentions) == 3


def test_a_long_retry_after_of_the_only_feed_raises_rate_limited(scripted_server):
    scripted_server.always("GET", "/business/rss.xml", Reply(429, "", {"Retry-After": "600"}))
    with pytest.raises(RateLimitedError) as raised:
        make_source(scripted_server, [NEWS]).fetch(None, NOW)
    assert raised.value.retry_at == datetime(2024, 6, 4, 15, 10, tzinfo=UTC)


@pytest.mark.parametrize("status", [401, 403])
def test_a_feed_refusing_access(scripted_server, status):
    serve_all(scripted_server)
    scripted_server.always("GET", "/private.xml", Reply(status, "no"))
    alone = make_source(scripted_server, ["https://p.example/private.xml"])
    with pytest.raises(SourceAuthError):
        alone.fetch(None, NOW)
    with_others = make_source(scripted_server, [NEWS, "https://p.example/private.xml"])
    assert len(with_others.fetch(None, NOW).mentions) == 3
    assert len(with_others.warnings) == 1


def test_a_gzip_feed_and_a_redirect_are_followed(scripted_server):
    def redirect(request: Recorded) -> Reply:
        return Reply(301, b"", {"Location": "/business/rss2.xml"})

    scripted_server.always("GET", "/business/rss.xml", redirect)
    body = gzip.compress(fixture("news_rss2.xml"))
    scripted_server.always("GET", "/business/rss2.xml", Reply(200, body, {**XML, "Content-Encoding": "gzip"}))
    assert len(make_source(scripted_server, [NEWS]).fetch(None, NOW).mentions) == 3
