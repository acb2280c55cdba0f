"""Chaos through the embedded runtime: thousands of known mentions on seven fake sources, every fault.

The real template runs on the embedded runtime with a watchlist whose sources all point at the
fake-source server. Each schedule tick goes through EventBridge -> FetchMentionsFunction -> one
asynchronous FetchSourceFunction per source -> the mentions table, while the server injects 5xx,
timeouts, 429s, truncated JSON, duplicates across pages, out-of-order and deleted items and malformed
items. At the end the stored mentions must equal the known set exactly, and the test prints the counts.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crisiswatch.adapters.tables import CursorItem, MentionItem, QuarantineItem
from crisiswatch_ops.fakesources import FakeSourceServer, FaultKind, WatchlistOptions, make_corpus
from crisiswatch_ops.fakesources.server import PREFIXES
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.stack import Stack

pytestmark = pytest.mark.runtime
ROOT = Path(__file__).resolve().parents[2]
BRAND = "Northwind"
START = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=12)
TOTAL = 5_000
SCHEDULED = (
    FaultKind.HTTP_500,
    FaultKind.HTTP_502,
    FaultKind.HTTP_503,
    FaultKind.RATE_LIMIT_LONG,
    FaultKind.TRUNCATED,
    FaultKind.DUPLICATES,
    FaultKind.OUT_OF_ORDER,
    FaultKind.DELETED_BETWEEN_PAGES,
    FaultKind.MALFORMED_ITEMS,
)
EXPLICIT = (FaultKind.TIMEOUT, FaultKind.RATE_LIMIT_SHORT, FaultKind.TRUNCATED, FaultKind.HTTP_503)


def ticks() -> Iterator[tuple[datetime, str]]:
    for step in range(1, 13):
        yield START + timedelta(minutes=10 * step), "warm"
    for step in range(1, 61):
        yield START + timedelta(hours=2, minutes=10 * step), "chaos"
    # Hourly, clean, through the next Pacific midnight: rested sources and quota days come back.
    for hours in range(1, 16):
        yield END + timedelta(hours=hours), "drain"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSourceServer]:
    corpus = make_corpus(BRAND, total=TOTAL, seed=11, span=(START, END))
    with FakeSourceServer(corpus.data, now=START) as fake:
        fake.configure(replace(fake.settings, hold_seconds=1.0))
        fake.expected = corpus.expected  # type: ignore[attr-defined]
        yield fake


def test_every_known_mention_is_stored_exactly_once_under_every_fault(
    server: FakeSourceServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    state = tmp_path_factory.mktemp("chaos")
    watchlist = state / "watchlist.toml"
    watchlist.write_text(
        server.watchlist_toml(BRAND, WatchlistOptions(max_pages=5, timeout_seconds=60)), encoding="utf-8"
    )
    saved = dict(os.environ)
    with LocalRuntime(
        ROOT,
        state / "runtime",
        RuntimeOptions(
            parameter_overrides={"WatchlistFile": str(watchlist), "FetchScheduleRate": "rate(10 minutes)"},
            build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
            start_scheduler=False,
        ),
    ) as runtime:
        try:
            os.environ.update(runtime.environ())
            Stack(runtime.stack_name, runtime.outputs).bind()
            ssm = runtime.client("ssm")
            for source in PREFIXES:
                secret = server.secret_for(source)
                if secret:
                    ssm.put_parameter(
                        Name=f"/crisiswatch/fake/{source}", Value=json.dumps(secret), Type="SecureString"
                    )
            phase = ""
            for moment, tick_phase in ticks():
                if tick_phase != phase:
                    phase = tick_phase
                    server.faults.clear()
                    if phase == "chaos":
                        for seed, prefix in enumerate(PREFIXES.values()):
                            server.faults.schedule(prefix, SCHEDULED, rate=0.2, seed=seed)
                            for kind in EXPLICIT:
                                server.faults.inject(prefix, kind)
                server.set_time(moment)
                runtime.scheduler.tick(at=moment)
                runtime.wait_until_idle(timeout=240)
            stored = Counter(
                (item.source, item.native_id) for item in MentionItem.scan() if item.brand == BRAND
            )
            quarantined = Counter(item.reason.split(":")[0] for item in QuarantineItem.scan())
            cursors = {
                item.cursor_key for item in CursorItem.scan() if not item.cursor_key.startswith("usage#")
            }
        finally:
            os.environ.clear()
            os.environ.update(saved)
    expected = server.expected  # type: ignore[attr-defined]
    stored_set = set(stored)
    lost = expected - stored_set
    extra = stored_set - expected
    duplicates = sum(count - 1 for count in stored.values())
    injected = Counter()
    for counters in server.counters().values():
        for key, value in counters.items():
            if key.startswith("injected_"):
                injected[key.removeprefix("injected_")] += value
    per_source = Counter(source for source, _ in stored_set)
    print(
        f"\nchaos: expected {len(expected)}, stored {len(stored_set)}, lost {len(lost)}, extra {len(extra)}, "
        f"duplicates {duplicates}\n  per source: {dict(sorted(per_source.items()))}"
        f"\n  faults injected: {dict(sorted(injected.items()))}"
        f"\n  quarantined: {dict(quarantined)}\n  cursors and breaker states saved: {len(cursors)}"
    )
    assert not server.errors, server.errors[:3]
    assert len(expected) >= 5_000
    assert lost == set(), sorted(lost)[:10]
    assert extra == set(), sorted(extra)[:10]
    assert duplicates == 0
    assert sum(injected.values()) > 0 and {"http_500", "timeout", "truncated", "duplicates"} <= set(injected)
