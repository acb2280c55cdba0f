"""Each real connector against the fake-source server, with every fault kind injected.

One run per connector: clean warm-up ticks (the connectors' first polls read the newest page only, by
design), then ticks every 10 minutes with a seeded fault schedule on the connector's routes plus explicit
faults (so every kind happens), a 4-hour gap (a burst longer than `max_pages` pages), then clean drain
ticks past the next Pacific midnight (YouTube's quota day). Each tick builds the connector afresh (as a
Lambda invocation does), fetches with the server clock as `now`, keeps the returned mentions and saves
the cursor; a failed fetch keeps the old cursor. At the end the stored (source, native id) set must be
exactly the corpus's expected set: nothing lost, nothing extra (decoys and malformed items excluded),
and no fetch may return the same native id twice.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from crisiswatch.config_files.watchlist import parse_watchlist
from crisiswatch_ops.fakesources import (
    Corpus,
    FakeSettings,
    FakeSourceServer,
    FaultKind,
    SourceType,
    WatchlistOptions,
    make_corpus,
)
from crisiswatch_ops.fakesources.server import PREFIXES
from crisiswatch_sources import bluesky as bluesky_connector
from crisiswatch_sources.base import SourceContext
from crisiswatch_sources.errors import SourceError
from crisiswatch_sources.registry import build_source

from .conftest import BRAND, END, START, MemoryUsageStore, fast_session

PAGE_CAP = 5
"""The largest page the fake serves (Reddit, Bluesky, YouTube comments, X): bursts take several pages."""
SCHEDULED = (
    FaultKind.HTTP_500,
    FaultKind.HTTP_502,
    FaultKind.HTTP_503,
    FaultKind.RATE_LIMIT_LONG,
    FaultKind.TRUNCATED,
    FaultKind.DUPLICATES,
    FaultKind.DUPLICATES,
    FaultKind.OUT_OF_ORDER,
    FaultKind.OUT_OF_ORDER,
    FaultKind.DELETED_BETWEEN_PAGES,
    FaultKind.DELETED_BETWEEN_PAGES,
    FaultKind.MALFORMED_ITEMS,
    FaultKind.MALFORMED_ITEMS,
)
"""The seeded schedule's kinds (repeats weigh); slow ones (timeouts, short 429s) are injected explicitly."""
EXPLICIT = (
    FaultKind.TIMEOUT,
    FaultKind.TIMEOUT,
    FaultKind.RATE_LIMIT_SHORT,
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
NOT_APPLICABLE = {"rss": {FaultKind.DELETED_BETWEEN_PAGES}}
"""Feeds have no pages."""


@dataclass
class Outcome:
    stored: set[tuple[str, str]] = field(default_factory=set)
    returned: int = 0
    in_fetch_duplicates: list[str] = field(default_factory=list)
    rejected: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    fetches: int = 0


def _ticks() -> list[tuple[datetime, str]]:
    warm = [(START + timedelta(minutes=10 * step), "warm") for step in range(1, 13)]
    chaos = [(START + timedelta(hours=2, minutes=10 * step), "chaos") for step in range(1, 37)]
    burst = [(END + timedelta(minutes=10 * step), "burst") for step in range(4)]
    # Hourly through the next Pacific midnight (07:00 UTC): a YouTube quota day burnt by a quotaExceeded
    # comes back, and no connector's lookback (a day at most) is outrun.
    drain = [(END + timedelta(hours=hours), "drain") for hours in range(1, 16)]
    return warm + chaos + burst + drain


def _run(source_type: SourceType, server: FakeSourceServer, rate: float = 0.25, seed: int = 0) -> Outcome:
    watchlist = parse_watchlist(
        server.watchlist_toml(BRAND, WatchlistOptions(max_pages=5, timeout_seconds=60))
    )
    brand = watchlist.brands[0]
    spec = next(spec for spec in brand.sources if spec.type == source_type)
    usage = MemoryUsageStore()
    session = fast_session(retries=3)
    prefix = PREFIXES[source_type]
    outcome = Outcome()
    cursor: str | None = None
    phase = "warm"
    for moment, tick_phase in _ticks():
        if tick_phase != phase:
            phase = tick_phase
            if phase != "burst":  # explicit faults still queued (none applied yet) carry into the burst
                server.faults.clear()
            if phase == "chaos":
                server.faults.schedule(
                    prefix, SCHEDULED, rate=rate, seed=zlib.crc32(source_type.encode()) + seed
                )
                for kind in EXPLICIT:
                    if kind not in NOT_APPLICABLE.get(source_type, set()):
                        server.faults.inject(prefix, kind)
            if phase == "burst":
                server.faults.schedule(
                    prefix, SCHEDULED, rate=rate, seed=zlib.crc32(source_type.encode()) + seed + 1
                )
                if source_type == "youtube":  # it stops YouTube until the next Pacific midnight: last
                    server.faults.inject(prefix, FaultKind.QUOTA_EXCEEDED)
        server.set_time(moment)
        context = SourceContext(
            brand=brand,
            session=session,
            secret=lambda: server.secret_for(source_type),
            usage=usage,
            deadline=time.monotonic() + 60,
        )
        connector = build_source(spec, context)
        outcome.fetches += 1
        try:
            result = connector.fetch(cursor, moment)
        except SourceError as error:
            outcome.failures.append(f"{moment:%d %H:%M} {type(error).__name__}: {error}")
            continue
        for warning in getattr(connector, "warnings", []):
            outcome.warnings[warning.split(":")[0][:80]] += 1
        ids = [mention.native_id for mention in result.mentions]
        outcome.in_fetch_duplicates.extend(item for item, count in Counter(ids).items() if count > 1)
        outcome.returned += len(ids)
        outcome.rejected += len(result.rejected)
        outcome.stored.update((mention.source, mention.native_id) for mention in result.mentions)
        cursor = result.next_cursor
    session.close()
    return outcome


def _report(source_type: str, corpus: Corpus, server: FakeSourceServer, outcome: Outcome) -> str:
    expected = {key for key in corpus.expected if key[0] == source_type}
    lost = expected - outcome.stored
    extra = outcome.stored - expected
    created = {item.native_id: item.created_at for item in corpus.data.of(source_type)}  # type: ignore[arg-type]
    counters = server.counters().get(source_type, {})
    injected = {
        key.removeprefix("injected_"): value for key, value in counters.items() if key.startswith("injected_")
    }
    lines = [
        f"{source_type}: expected {len(expected)}, stored {len(outcome.stored)}, lost {len(lost)}, "
        f"extra {len(extra)}, in-fetch duplicates {len(outcome.in_fetch_duplicates)}, "
        f"returned {outcome.returned} over {outcome.fetches} fetches ({len(outcome.failures)} failed), "
        f"rejected {outcome.rejected}",
        f"  injected: {injected}",
        f"  served: { {key: value for key, value in counters.items() if not key.startswith('injected_')} }",
    ]
    if outcome.warnings:
        lines.append(f"  warnings: {dict(outcome.warnings.most_common(5))}")
    for native_id in sorted(lost, key=lambda key: created.get(key[1], START))[:20]:
        lines.append(f"  LOST {native_id[1]} created {created.get(native_id[1])}")
    for native_id in sorted(extra)[:20]:
        lines.append(f"  EXTRA {native_id[1]}")
    if lost or extra or outcome.in_fetch_duplicates:
        lines.append("  failed fetches: " + "; ".join(outcome.failures[:10]))
        lines.append("  requests (with faults):")
        lines.extend(f"    {entry}" for entry in server.requests_to(PREFIXES[source_type]))  # type: ignore[index]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "source_type", ["reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube", "x"]
)
def test_connector_stores_exactly_the_expected_mentions_under_every_fault(
    source_type: SourceType, corpus: Corpus, server: FakeSourceServer
) -> None:
    server.configure(
        replace(
            server.settings,
            page_cap={"reddit": PAGE_CAP, "bluesky": PAGE_CAP, "youtube": PAGE_CAP, "x": PAGE_CAP},
        )
    )
    bluesky_connector.forget_sessions()
    outcome = _run(source_type, server)
    report = _report(source_type, corpus, server, outcome)
    print(report)
    counters = server.counters()[source_type]
    applicable = set(EXPLICIT) - NOT_APPLICABLE.get(source_type, set())
    missing = [kind.value for kind in applicable if not counters.get(f"injected_{kind.value}")]
    assert not missing, f"faults never injected: {missing}\n{report}"
    expected = {key for key in corpus.expected if key[0] == source_type}
    assert not outcome.in_fetch_duplicates, report
    assert outcome.stored == expected, report


# ----- directed scenarios: the fault sequences that break a connector (found by the chaos runs) ----------


def _one_source(server: FakeSourceServer, source_type: SourceType) -> tuple[Any, Any]:
    watchlist = parse_watchlist(
        server.watchlist_toml(BRAND, WatchlistOptions(sources=[source_type], max_pages=5, timeout_seconds=60))
    )
    brand = watchlist.brands[0]
    return brand, brand.sources[0]


def _fetcher(server: FakeSourceServer, source_type: SourceType) -> Callable[[str | None, datetime], Any]:
    brand, spec = _one_source(server, source_type)
    session = fast_session(retries=3)
    usage = MemoryUsageStore()

    def fetch(cursor: str | None, now: datetime) -> Any:
        server.set_time(now)
        context = SourceContext(
            brand=brand,
            session=session,
            secret=lambda: server.secret_for(source_type),
            usage=usage,
            deadline=time.monotonic() + 60,
        )
        return build_source(spec, context).fetch(cursor, now)

    return fetch


def _reddit_removed_anchor_run(malformed: bool) -> tuple[set[str], set[str], list[str]]:
    """Reddit search with an anchor that disappears (a post removed between pages) and, optionally, one
    malformed post (no `created_utc`) on the first page of the walk that follows. Returns the expected
    and stored fullnames of the search, and the request log."""
    corpus = make_corpus(BRAND, total=700, seed=5, span=(START, END))
    settings = FakeSettings(
        page_cap={"reddit": 3}, decoys=1, malformed=1, malformed_variants=("missing_time",)
    )
    with FakeSourceServer(corpus.data, now=START, settings=settings) as server:
        fetch = _fetcher(server, "reddit")
        cursor = None
        stored: set[str] = set()
        for step in range(1, 13):  # two clean hours: the listing has its anchor
            result = fetch(cursor, START + timedelta(minutes=10 * step))
            stored |= {mention.native_id for mention in result.mentions}
            cursor = result.next_cursor
        # The first `before` page's top post is removed right after it is served (Reddit then answers
        # `before=<it>` with nothing, and the connector walks down from the top)...
        server.faults.inject("/reddit/search", FaultKind.DELETED_BETWEEN_PAGES)
        if malformed:  # ...and the walk's first page carries one post without `created_utc`.
            server.faults.inject("/reddit/search", FaultKind.MALFORMED_ITEMS)
        for step in range(6):
            result = fetch(cursor, START + timedelta(hours=5, minutes=10 * step))
            stored |= {mention.native_id for mention in result.mentions}
            cursor = result.next_cursor
        horizon = server.now
        log = [str(entry) for entry in server.requests_to("/reddit/search")]
    expected = {
        item.native_id
        for item in corpus.data.of("reddit")
        if item.kind == "t3" and item.matches and item.created_at <= horizon
    }
    return expected, {native_id for native_id in stored if native_id.startswith("t3_")}, log


def test_reddit_walks_past_a_removed_anchor() -> None:
    """The control: a removed `before` anchor alone loses nothing (the connector's walk finds the way)."""
    expected, stored, log = _reddit_removed_anchor_run(malformed=False)
    assert stored == expected, "\n".join(log)


def test_reddit_walk_is_not_ended_by_a_malformed_post() -> None:
    """A post without `created_utc` on the walk's first page must not read as "older than the watermark"
    (it did in an earlier reddit.py and lost every post between that page and the removed anchor)."""
    expected, stored, log = _reddit_removed_anchor_run(malformed=True)
    lost = sorted(expected - stored)
    assert not lost, f"lost {len(lost)}: {lost}\n" + "\n".join(log)


def test_rss_stores_no_phantom_item_from_a_truncated_feed(corpus: Corpus) -> None:
    """A feed cut off in transit is not well-formed XML: nothing of it is taken (the fix for a bug that
    stored the cut item under a made-up id)."""
    expected = {native_id for source, native_id in corpus.expected if source == "rss"}
    phantoms: dict[float, set[str]] = {}
    with FakeSourceServer(corpus.data, now=END) as server:
        fetch = _fetcher(server, "rss")
        for step in range(10, 91, 2):  # cut points from 10 % to 90 % of each document
            fraction = step / 100
            server.configure(replace(server.settings, truncate_fraction=fraction))
            server.faults.inject("/rss", FaultKind.TRUNCATED, count=3)
            try:
                ids = {mention.native_id for mention in fetch(None, END).mentions}
            except SourceError:  # every feed was cut: the whole fetch fails and is retried next tick
                ids = set()
            if ids - expected:
                phantoms[fraction] = ids - expected
    assert not phantoms, f"phantom mentions by cut point: {phantoms}"


def test_rss_reads_the_items_a_truncated_feed_cut_off(corpus: Corpus) -> None:
    """A truncated feed's validators are not saved, so the next poll reads it whole (not a 304)."""
    expected = {native_id for source, native_id in corpus.expected if source == "rss"}
    with FakeSourceServer(corpus.data, now=END) as server:
        fetch = _fetcher(server, "rss")
        server.faults.inject("/rss", FaultKind.TRUNCATED, count=3)  # the first read of each feed
        stored: set[str] = set()
        cursor = None
        for hours in (0, 1, 2, 24):  # nothing new is published after END
            try:
                result = fetch(cursor, END + timedelta(hours=hours))
            except SourceError:  # every feed was cut: the cursor stays where it was
                continue
            stored |= {mention.native_id for mention in result.mentions}
            cursor = result.next_cursor
        statuses = Counter(entry.status for entry in server.requests_to("/rss"))
    lost = expected - stored
    assert not lost, f"lost {len(lost)} of {len(expected)}; answers: {dict(statuses)}"
