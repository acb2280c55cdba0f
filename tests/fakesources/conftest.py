"""Fixtures for the fake-source server's tests: a corpus, a running server, a fast HTTP session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from crisiswatch_ops.fakesources import Corpus, FakeSettings, FakeSourceServer, make_corpus
from crisiswatch_sources.http import http_session

START = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=12)
BRAND = "Northwind"
READ_TIMEOUT = 3.0
"""Seconds: the read timeout of `fast_session`. It must outlast any answer the server does give on a busy
machine (or a test would race the machine), so it is far above a local answer's milliseconds."""
HOLD_SECONDS = 3600.0
"""An injected timeout holds its answer until the server stops: past any read timeout, whatever the
machine's speed."""


class TimeoutCapAdapter(HTTPAdapter):
    """Sets each request's timeout to `READ_TIMEOUT` instead of the connector's own (tens of seconds)."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = (READ_TIMEOUT, READ_TIMEOUT)
        return super().send(request, *args, **kwargs)


def fast_session(retries: int = 3) -> requests.Session:
    """`http_session(retries=3, backoff=0.01)` as deployed, without jitter and with `READ_TIMEOUT`."""
    session = http_session(retries=retries, backoff=0.01, max_wait=5.0)
    retry = session.get_adapter("http://").max_retries  # type: ignore[attr-defined]
    retry.backoff_jitter = 0.0
    adapter = TimeoutCapAdapter(max_retries=retry)
    session.mount("http://", adapter)
    return session


class MemoryUsageStore:
    """`UsageStore` in memory: atomic, never past the limit (negative amounts give back)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, int] = {}

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        with self._lock:
            used = self.counters.get(key, 0)
            if used + amount > limit:
                return False
            self.counters[key] = max(used + amount, 0)
            return True

    def used(self, key: str) -> int:
        with self._lock:
            return self.counters.get(key, 0)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return make_corpus(BRAND, total=420, seed=11, span=(START, END))


@pytest.fixture
def server(corpus: Corpus) -> Iterator[FakeSourceServer]:
    settings = FakeSettings(hold_seconds=HOLD_SECONDS, short_retry_after=1, long_retry_after=3600)
    with FakeSourceServer(corpus.data, now=END, settings=settings) as running:
        yield running
        assert not running.errors, "the fake server itself failed:\n" + "\n".join(running.errors)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A plain session for talking to the fake directly (a descriptive User-Agent, as Reddit wants)."""
    session = requests.Session()
    session.headers["User-Agent"] = "fakesources-tests/1.0"
    try:
        yield session
    finally:
        session.close()
