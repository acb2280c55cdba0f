"""The corpus generator, the rendered watchlist, the clock, the URL helpers and the server's lifecycle."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import requests

from crisiswatch.config_files.watchlist import parse_watchlist
from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch_ops.fakesources import SOURCE_TYPES, FakeSourceServer, WatchlistOptions, make_corpus

from .conftest import BRAND, END, START


def test_make_corpus_is_deterministic_and_spreads_the_mentions_over_every_source():
    first = make_corpus(BRAND, total=140, seed=3, span=(START, END))
    again = make_corpus(BRAND, total=140, seed=3, span=(START, END))
    other = make_corpus(BRAND, total=140, seed=4, span=(START, END))
    assert first.expected == again.expected and first.expected != other.expected
    assert len(first.expected) == 140
    assert Counter(source for source, _ in first.expected) == {source: 20 for source in SOURCE_TYPES}
    every = [item for source in SOURCE_TYPES for item in first.data.of(source)]
    assert all(START < item.created_at <= END for item in every)
    keys = [(item.source, item.native_id) for item in every]
    assert len(keys) == len(set(keys)), "native ids are unique per source"


def test_expected_items_mention_the_brand_and_noise_does_not(corpus):
    brand = Brand(name=BRAND, keywords=(BRAND,))
    for source in SOURCE_TYPES:
        for item in corpus.data.of(source):
            assert brand.matches(f"{item.title}\n{item.text}") == item.matches, (source, item.text[:80])
    noise = sum(not item.matches for source in SOURCE_TYPES for item in corpus.data.of(source))
    assert noise > 20


def test_texts_are_varied(corpus):
    items = [item for source in SOURCE_TYPES for item in corpus.data.of(source) if item.matches]
    assert any(any(ord(char) > 0x1F000 for char in item.text) for item in items), "emoji"
    assert any("<p>" in item.text or "<b>" in item.text for item in items), "HTML"
    assert {item.lang for item in items} >= {"en", "fr", "de", "ja", None}
    assert any(len(item.text) > 20_000 for item in items), "very long texts"


def test_expected_ids_are_what_the_connectors_store(corpus):
    kinds = {source: [key for kind, key in corpus.expected if kind == source] for source in SOURCE_TYPES}
    assert all(key.startswith(("t1_", "t3_")) for key in kinds["reddit"])
    assert all(key.startswith("https://") and "/statuses/" in key for key in kinds["mastodon"])
    assert all(key.startswith("at://did:plc:") for key in kinds["bluesky"])
    assert all(key.isdigit() for key in kinds["hackernews"] + kinds["x"])
    assert all(key.startswith("Ugz") for key in kinds["youtube"])
    assert all(":" in key for key in kinds["rss"])
    by_id = corpus.data.expected(mastodon_ids="id")
    assert len([key for key in by_id if key[0] == "mastodon"]) > len(kinds["mastodon"])


def test_the_watchlist_points_every_source_at_the_server_and_validates(server):
    watchlist = parse_watchlist(server.watchlist_toml())
    brand = watchlist.brands[0]
    assert brand.name == BRAND and [spec.type for spec in brand.sources] == list(SOURCE_TYPES)
    for spec in brand.sources:
        urls = (
            [spec.base_url]
            if spec.base_url
            else getattr(spec, "instances", None) or getattr(spec, "feeds", [])
        )
        assert urls and all(str(url).startswith(server.url) for url in urls), spec
    only = parse_watchlist(
        server.watchlist_toml(
            "Other", WatchlistOptions(keywords=["Other Co"], sources=["x"], reddit_auth="anonymous")
        )
    )
    assert [spec.type for spec in only.brands[0].sources] == ["x"] and only.brands[0].keywords == (
        "Other Co",
    )


def test_url_helpers_and_secrets(server):
    assert server.base_url("hackernews") == server.url + "/hn"
    assert server.instance_url("a") == server.url + "/mastodon/a"
    assert server.feed_urls() == [server.url + f"/rss/{name}" for name in server.data.feeds]
    assert set(server.secret_for("reddit")) == {"client_id", "client_secret", "username", "password"}
    assert server.secret_for("x") == {"bearer_token": server.credentials.x_bearer_token}
    assert server.secret_for("hackernews") == {}


def test_the_clock_decides_what_is_visible(server, http):
    def hits() -> int:
        url = server.base_url("hackernews") + "/api/v1/search_by_date"
        return int(http.get(url, params={"query": "Northwind"}).json()["nbHits"])

    everything = hits()
    server.set_time(START)
    assert hits() == 0
    assert server.advance(timedelta(hours=6)) == START + timedelta(hours=6)
    assert 0 < hits() < everything
    with pytest.raises(ValueError, match="aware"):
        server.set_time(START.replace(tzinfo=None))


def test_unknown_paths_get_404_and_the_server_stops_cleanly(corpus, http):
    with FakeSourceServer(corpus.data, now=END) as server:
        assert http.get(server.url + "/nothing").status_code == 404
        assert http.get(server.base_url("x") + "/2/users").status_code == 404
        url = server.url
    with pytest.raises(requests.exceptions.ConnectionError):
        http.get(url + "/hn/api/v1/search_by_date", timeout=1)
