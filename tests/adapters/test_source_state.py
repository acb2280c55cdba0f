"""Source state in DynamoDB: budgets never overshoot (even racing), breaker state and story links persist."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

from crisiswatch.adapters.dynamodb import DynamoSourceHealthStore, DynamoStoryIndex, DynamoUsageStore
from crisiswatch.adapters.tables import StoryItem
from crisiswatch.breaker import SourceHealth
from tests.builders.tables import DynamoTables


def test_a_budget_reservation_never_passes_the_limit(dynamo: DynamoTables) -> None:
    usage = DynamoUsageStore()
    assert usage.reserve("x:acme:2026-03", 60, limit=100)
    assert not usage.reserve("x:acme:2026-03", 41, limit=100)
    assert usage.reserve("x:acme:2026-03", 40, limit=100)
    assert not usage.reserve("x:acme:2026-03", 1, limit=100)
    assert usage.used("x:acme:2026-03") == 100
    assert usage.used("x:acme:2026-04") == 0
    assert not usage.reserve("x:other", 101, limit=100), "more than the whole budget at once"


def test_racing_reservations_share_the_budget_exactly(
    dynamo: DynamoTables, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DynamoDB applies conditional writes to one item one at a time; moto checks and writes without a
    # lock. Serialise moto's UpdateItem as DynamoDB does, so the race tested is ours, not moto's.
    lock = threading.Lock()
    update_item = DynamoDBBackend.update_item

    def atomic_update_item(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return update_item(backend, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", atomic_update_item)
    usage = DynamoUsageStore()
    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = list(pool.map(lambda _n: usage.reserve("youtube-units:acme", 7, limit=100), range(40)))
    assert sum(granted) == 14  # 14 * 7 = 98; a fifteenth would pass 100
    assert usage.used("youtube-units:acme") == 98


def test_breaker_state_round_trips(dynamo: DynamoTables) -> None:
    store = DynamoSourceHealthStore()
    assert store.get("acme#reddit") == SourceHealth()
    health = SourceHealth(failures=3, open_until="2026-03-02T10:05:00Z", last_error="503")
    store.put("acme#reddit", health)
    assert store.get("acme#reddit") == health


def test_the_first_copy_of_a_story_owns_it(dynamo: DynamoTables) -> None:
    stories = DynamoStoryIndex()
    assert stories.claim(["url:abc", "text:def"], "rss#1") is None
    assert stories.claim(["text:def"], "bluesky#9") == "rss#1"
    assert stories.claim(["url:abc", "text:def"], "rss#1") is None, "a retried first copy is still first"
    assert stories.claim([], "reddit#3") is None


def test_a_second_copy_learns_the_first_from_its_failed_write_without_a_read(
    dynamo: DynamoTables, monkeypatch: pytest.MonkeyPatch
) -> None:
    stories = DynamoStoryIndex()
    assert stories.claim(["url:abc"], "rss#1") is None

    def no_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the owner comes back with the failed write")

    monkeypatch.setattr(StoryItem, "get", no_read)
    assert stories.claim(["url:abc"], "bluesky#9") == "rss#1"
