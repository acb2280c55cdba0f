"""Syndication keys: the same story under another address or with other tracking is still one story."""

from __future__ import annotations

from crisiswatch.domain.listening.stories import canonical_url, story_keys, text_fingerprint
from tests.fakes import make_mention

HEADLINE = "Northwind recalls cold brew cans after glass fragments found, regulators say"


def test_tracking_parameters_scheme_www_and_trailing_slash_do_not_matter() -> None:
    a = canonical_url("https://www.news.example.com/recall/?utm_source=tw&id=7#top")
    b = canonical_url("http://news.example.com/recall?id=7&fbclid=abc")
    assert a == b == "news.example.com/recall?id=7"


def test_a_url_that_is_not_http_is_no_key() -> None:
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("not a url") is None


def test_near_identical_texts_share_a_fingerprint() -> None:
    assert text_fingerprint(HEADLINE) == text_fingerprint(f"{HEADLINE.upper()}!! https://t.co/x @someone")


def test_short_texts_are_never_taken_for_copies() -> None:
    assert text_fingerprint("so true") is None


def test_news_items_are_keyed_by_their_link_and_their_text() -> None:
    item = make_mention(1, source="rss", text=HEADLINE)
    item = item.__class__(**{**item.__dict__, "url": "https://news.example.com/a?utm_medium=rss"})
    keys = story_keys(item)
    assert keys[0].startswith("url:") and keys[1].startswith("text:")


def test_a_social_post_is_not_keyed_by_its_own_address() -> None:
    post = make_mention(2, source="reddit", text="I think this is fine")
    assert story_keys(post) == []
