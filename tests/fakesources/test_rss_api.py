"""The fake feeds: RSS 2.0 and Atom that parse, ETag/Last-Modified with 304 on conditional GET, a window."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # test input is our own output
from dataclasses import replace
from datetime import timedelta

import feedparser  # type: ignore[import-untyped]

from crisiswatch_ops.fakesources import FakeItem, FakeSourceServer


def _feed_items(server: FakeSourceServer, name: str) -> list[FakeItem]:
    items = [item for item in server.data.of("rss") if item.place == name and item.created_at <= server.now]
    return sorted(items, key=lambda item: (item.created_at, item.native_id), reverse=True)


def test_rss_parses_with_guid_or_link_and_html_descriptions(server, http):
    response = http.get(server.feed_url("news"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.version == "rss20"
    ids = [entry.get("id") or entry.get("link") for entry in parsed.entries]
    assert ids == [item.native_id for item in _feed_items(server, "news")]
    assert any("guid" not in entry for entry in parsed.entries), "some items have no guid"


def test_atom_parses_with_ids(server, http):
    response = http.get(server.feed_url("blog"))
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.version == "atom10"
    assert [entry.id for entry in parsed.entries] == [item.native_id for item in _feed_items(server, "blog")]
    assert all(entry.get("published_parsed") for entry in parsed.entries)


def test_conditional_get_answers_304_until_the_feed_changes(server, http):
    server.set_time(server.now - timedelta(hours=6))
    url = server.feed_url("news")
    first = http.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    not_modified = http.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert http.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert http.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    server.advance(timedelta(hours=6))
    changed = http.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_feed_lists_only_its_newest_items(server, http):
    server.configure(replace(server.settings, rss_window=5))
    parsed = feedparser.parse(http.get(server.feed_url("news")).content)
    assert [entry.get("id") or entry.link for entry in parsed.entries] == [
        item.native_id for item in _feed_items(server, "news")[:5]
    ]


def test_unknown_feed_is_404(server, http):
    assert http.get(server.feed_url("nope")).status_code == 404
