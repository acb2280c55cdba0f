"""The watchlist file: every problem reported at once with where it is; keywords match as people mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.config_files.watchlist import WatchlistError, load_watchlist, parse_watchlist

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
[[brands]]
name = "Acme Coffee"
keywords = ["Acme Coffee", "#acme"]
exclusions = ["Acme Corp"]
languages = ["en"]
"""


def test_the_shipped_watchlist_is_valid() -> None:
    watchlist = load_watchlist(str(ROOT / "config" / "watchlist.toml"))
    assert watchlist.brands[0].name == "Northwind Coffee"
    types = {spec.type for _brand, spec in watchlist.pairs()}
    assert types == {"hackernews", "rss", "mastodon", "reddit"}, "paid or keyed sources ship disabled"


def test_every_problem_is_reported_with_its_place() -> None:
    text = (
        MINIMAL
        + """
  [[brands.sources]]
  id = "m"
  type = "mastodon"
  instances = ["not a url"]

  [[brands.sources]]
  id = "r"
  type = "reddit"
  auth = "oauth"

  [[brands.sources]]
  id = "Bad Id"
  type = "x"
  secret = "/crisiswatch/x"
  monthly_read_budget = 0

  [[brands.sources]]
  id = "z"
  type = "myspace"
"""
    )
    with pytest.raises(WatchlistError) as raised:
        parse_watchlist(text)
    problems = "\n".join(raised.value.problems)
    assert "brands[0].sources[0].instances[0]" in problems
    assert "auth = 'oauth' needs a secret" in problems
    assert "brands[0].sources[2].id" in problems and "brands[0].sources[2].monthly_read_budget" in problems
    assert "'myspace'" in problems


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("brands = [", "not valid TOML"),
        ("[[brands]]\nname = 'A'\nkeywords = []", "brands[0].keywords"),
        ("[[brands]]\nname = 'A'\nkeywords = ['ab']\ncolour = 'red'", "brands[0].colour"),
        ("", "brands"),
        (MINIMAL + MINIMAL, "brand names must be unique"),
        (
            MINIMAL + "[[brands.sources]]\nid='a'\ntype='hackernews'\n[[brands.sources]]\nid='a'\ntype='rss'"
            "\nfeeds=['https://x.example/f']",
            "source ids must be unique",
        ),
    ],
)
def test_malformed_watchlists_fail_clearly(text: str, fragment: str) -> None:
    with pytest.raises(WatchlistError, match=None) as raised:
        parse_watchlist(text)
    assert fragment in str(raised.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="cannot read"):
        load_watchlist(str(tmp_path / "nope.toml"))


@pytest.mark.parametrize(
    ("text", "about_the_brand"),
    [
        ("Loving my Acme Coffee this morning", True),
        ("acme coffee is the best", True),
        ("#acme #coffee", True),
        ("Acme Coffeehouse is another shop", False),
        ("#acmecorp news", False),
        ("The Acme Corp lawsuit, not Acme Coffee", False),
        ("nothing to see", False),
    ],
)
def test_keywords_match_whole_words_and_hashtags_and_exclusions_win(text: str, about_the_brand: bool) -> None:
    brand = parse_watchlist(MINIMAL).brands[0]
    assert brand.matches(text) is about_the_brand


def test_languages_filter_but_unknown_language_is_kept() -> None:
    brand = parse_watchlist(MINIMAL).brands[0]
    assert brand.keeps_language("en-GB") and brand.keeps_language("und") and brand.keeps_language("")
    assert not brand.keeps_language("de")
    assert brand.keeps_language("de,en") and brand.keeps_language("eng") and brand.keeps_language("zxx")
    assert not brand.keeps_language("fr,es")
