"""FetchSourceFunction and the dispatcher: one invocation per (brand, source); trouble stays local."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from crisiswatch.config_files.watchlist import parse_watchlist
from crisiswatch.domain.errors import SourceUnavailableError
from crisiswatch.ports import FetchResult
from tests.builders.lambdas import FakeLambdaContext, load_event, load_function
from tests.fakes import T0, FakeServices, make_mention

WATCHLIST = parse_watchlist(
    """
[[brands]]
name = "Acme Coffee"
keywords = ["acme"]
languages = ["de", "en"]
  [[brands.sources]]
  id = "hn"
  type = "hackernews"
  [[brands.sources]]
  id = "news"
  type = "rss"
  feeds = ["https://news.example.com/feed.xml"]
  [[brands.sources]]
  id = "off"
  type = "hackernews"
  enabled = false
"""
)
fetch_source = load_function("fetch_source")
fetch_mentions = load_function("fetch_mentions")


class Scripted:
    def __init__(self, outcome: object) -> None:
        self.name = "hackernews:hn"
        self.outcome = outcome
        self.warnings = ["instance a answered 401"]

    def fetch(self, cursor: str | None, now: Any) -> FetchResult:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        assert isinstance(self.outcome, FetchResult)
        return self.outcome


@pytest.fixture
def services() -> FakeServices:
    world = FakeServices()
    world.watchlist = WATCHLIST
    world.settings = replace(world.settings, watchlist_file="watchlist.toml", replay_bucket="")
    return world


def invoke(services: FakeServices, monkeypatch: pytest.MonkeyPatch, outcome: object, **event: Any) -> dict:
    monkeypatch.setattr(fetch_source, "build_source", lambda spec, context: Scripted(outcome))
    payload = {"brand": "Acme Coffee", "source_id": "hn", "time": "2024-05-23T12:05:00Z", **event}
    return fetch_source.lambda_handler(payload, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def test_the_dispatcher_fans_out_every_enabled_pair_with_the_tick_time(services: FakeServices) -> None:
    event = load_event("fetch_mentions", "scheduled")
    result = fetch_mentions.lambda_handler(event, FakeLambdaContext(), services=services)
    assert result["dispatched"] == 2
    assert services.fan_out.dispatched == [
        {"brand": "Acme Coffee", "source_id": "hn", "time": event["time"]},
        {"brand": "Acme Coffee", "source_id": "news", "time": event["time"]},
    ]


def test_a_fetch_stores_mentions_and_reports(services: FakeServices, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(services, monkeypatch, FetchResult([make_mention(1, at=T0)], "c1"))
    assert (result["status"], result["breaker"], result["report"]["stored"]) == ("fetched", "closed", 1)
    assert services.cursors.get("Acme Coffee#hn") == "c1"


def test_a_fetch_stores_each_mention_with_its_language(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = [
        make_mention(1, at=T0, text="Der Kaffee war heute kalt und sehr schrecklich", lang="und"),
        make_mention(2, at=T0, text="The coffee was cold today and the staff were rude", lang="en-US"),
    ]
    invoke(services, monkeypatch, FetchResult(page, "c1"))

    stored = [services.mentions.items[mention.mention_id] for mention in page]
    assert [(mention.lang, mention.lang_tag) for mention in stored] == [("de", "und"), ("en", "en-US")]


def test_a_failing_source_is_recorded_not_raised(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        result = invoke(services, monkeypatch, SourceUnavailableError("503 after retries"))
    assert (result["status"], result["breaker"]) == ("failed", "open")
    skipped = invoke(services, monkeypatch, FetchResult([], None), time="2024-05-23T12:06:00Z")
    assert skipped["status"] == "skipped" and "circuit open" in skipped["detail"]
    later = (T0 + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert invoke(services, monkeypatch, FetchResult([], None), time=later)["status"] == "fetched"


def test_an_unknown_pair_is_a_clear_error(services: FakeServices, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Exception, match="not in the watchlist"):
        invoke(services, monkeypatch, FetchResult([], None), source_id="myspace")
