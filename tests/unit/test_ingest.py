"""ingest(): every mention stored once, and the cursor moves only after the page is durably written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.ports import FetchResult
from crisiswatch.usecases.ingest import Ingestion
from tests.fakes import (
    T0,
    FakeCursorStore,
    FakeMentionSource,
    FakeMentionStore,
    FakeQuarantineStore,
    FakeStoryIndex,
    StoreDownError,
    fake_languages,
    make_mention,
)

KEY = "Acme Coffee#social"
PAGE = [make_mention(i) for i in range(5)]


def run(source: FakeMentionSource, cursors: FakeCursorStore, store: FakeMentionStore, quarantine=None):
    return Ingestion(cursors, store, quarantine or FakeQuarantineStore()).ingest(source, KEY, T0)


def test_a_page_is_stored_and_the_cursor_advances() -> None:
    source = FakeMentionSource("social", {None: FetchResult(PAGE, "c5")})
    cursors, store = FakeCursorStore(), FakeMentionStore()

    report = run(source, cursors, store)

    assert (report.fetched, report.stored, report.duplicates, report.cursor) == (5, 5, 0, "c5")
    assert set(store.items) == {m.mention_id for m in PAGE}
    assert cursors.get(KEY) == "c5"


def test_the_fetch_starts_from_the_saved_cursor() -> None:
    source = FakeMentionSource("social", {"c5": FetchResult(PAGE[:1], "c6")})
    cursors = FakeCursorStore()
    cursors.put(KEY, "c5")

    run(source, cursors, FakeMentionStore())

    assert source.calls == [("c5", T0)]
    assert cursors.get(KEY) == "c6"


def test_duplicates_are_counted_not_stored_twice() -> None:
    store = FakeMentionStore()
    store.add(PAGE[1])
    store.add(PAGE[3])
    source = FakeMentionSource("social", {None: FetchResult([*PAGE, PAGE[0]], "c5")})

    report = run(source, FakeCursorStore(), store)

    assert (report.fetched, report.stored, report.duplicates) == (6, 3, 3)
    assert len(store.items) == 5


def test_quarantined_items_are_recorded_with_source_and_reason() -> None:
    rejected = [("{not json", "line 3: not valid JSON"), ('{"id": 1}', "line 4: missing field(s): text")]
    source = FakeMentionSource("replay", {None: FetchResult(PAGE[:2], "4", rejected)})
    quarantine = FakeQuarantineStore()

    report = run(source, FakeCursorStore(), FakeMentionStore(), quarantine)

    assert report.quarantined == 2
    assert quarantine.items == [("replay", raw, reason) for raw, reason in rejected]


def test_a_failing_store_leaves_the_cursor_where_it_was() -> None:
    source = FakeMentionSource("social", {"c0": FetchResult(PAGE, "c5")})
    cursors, store = FakeCursorStore(), FakeMentionStore()
    cursors.put(KEY, "c0")
    store.fail_after = 3

    with pytest.raises(StoreDownError):
        run(source, cursors, store)

    assert cursors.get(KEY) == "c0"
    assert len(store.items) == 3


def test_after_a_crash_the_page_is_fetched_again_and_the_repeats_are_no_ops() -> None:
    source = FakeMentionSource("social", {None: FetchResult(PAGE, "c5")})
    cursors, store = FakeCursorStore(), FakeMentionStore()
    store.fail_after = 2
    with pytest.raises(StoreDownError):
        run(source, cursors, store)

    store.fail_after = None
    report = run(source, cursors, store)

    assert (report.stored, report.duplicates) == (3, 2)
    assert len(store.items) == 5
    assert cursors.get(KEY) == "c5"


def test_the_cursor_is_written_only_after_every_mention() -> None:
    cursors = FakeCursorStore()

    class WatchingStore(FakeMentionStore):
        def add(self, mention: Mention, syndicated_of: str | None = None) -> bool:
            assert cursors.get(KEY) is None, "cursor moved before the page was stored"
            return super().add(mention, syndicated_of)

    run(FakeMentionSource("social", {None: FetchResult(PAGE, "c5")}), cursors, WatchingStore())

    assert cursors.get(KEY) == "c5"


def test_an_empty_page_keeps_the_cursor_without_writing_it() -> None:
    cursors = FakeCursorStore()
    cursors.put(KEY, "c5")
    writes = cursors.puts

    report = run(FakeMentionSource("social", {"c5": FetchResult([], None)}), cursors, FakeMentionStore())

    assert report.cursor == "c5"
    assert cursors.get(KEY) == "c5"
    assert cursors.puts == writes


def test_a_mention_from_the_future_is_quarantined_not_stored() -> None:
    future = make_mention(99, at=T0 + timedelta(hours=2))
    source = FakeMentionSource("social", {None: FetchResult([PAGE[0], future], "c2")})
    store, quarantine = FakeMentionStore(), FakeQuarantineStore()

    report = run(source, FakeCursorStore(), store, quarantine)

    assert (report.stored, report.quarantined, report.duplicates) == (1, 1, 0)
    assert future.mention_id not in store.items
    assert quarantine.items[0][2] == "created_at is in the future"


def test_a_syndicated_copy_is_stored_and_linked_to_the_first_copy() -> None:
    headline = "Northwind recalls cold brew cans after glass found, regulators say"
    first = make_mention(1, source="rss", text=headline)
    copy = make_mention(2, source="bluesky", text=headline + " https://news.example.com/a?utm_source=x")
    other = make_mention(3, source="bluesky", text="A completely different story about the new seasonal menu")
    source = FakeMentionSource("mixed", {None: FetchResult([first, copy, other], "c3")})
    store, stories = FakeMentionStore(), FakeStoryIndex()

    report = Ingestion(FakeCursorStore(), store, FakeQuarantineStore(), stories).ingest(source, KEY, T0)

    assert (report.stored, report.syndicated) == (3, 1)
    assert store.syndicated == {copy.mention_id: first.mention_id}
    # A retried fetch of the same page links nothing twice and keeps the first copy first.
    again = Ingestion(FakeCursorStore(), store, FakeQuarantineStore(), stories).ingest(source, KEY, T0)
    assert (again.stored, again.duplicates) == (0, 3)


def test_a_fetch_that_ran_late_keeps_posts_published_after_its_tick() -> None:
    """An asynchronous fetch may run minutes after its scheduled time: those posts are not from the future."""
    late_post = make_mention(98, at=T0 + timedelta(minutes=40))
    source = FakeMentionSource("social", {None: FetchResult([late_post], "c1")})
    store, quarantine = FakeMentionStore(), FakeQuarantineStore()

    report = Ingestion(FakeCursorStore(), store, quarantine).ingest(
        source, KEY, T0, received_at=T0 + timedelta(minutes=30)
    )

    assert (report.stored, report.quarantined) == (1, 0)


def test_each_mention_is_stored_with_its_language_and_the_sources_tag_if_it_differs() -> None:
    page = [
        make_mention(1, text="Der Kaffee war heute kalt und sehr schrecklich", lang="und"),
        make_mention(2, text="Der Kaffee war heute kalt und sehr schrecklich", lang="en"),  # a lying tag
        make_mention(3, text="The coffee was cold today and the staff were rude", lang="en-GB"),
        make_mention(4, text="The coffee was cold today", lang="en"),
        make_mention(5, text="😡😡😡 @acme", lang="de"),
    ]
    source = FakeMentionSource("social", {None: FetchResult(page, "c5")})
    store = FakeMentionStore()

    Ingestion(FakeCursorStore(), store, FakeQuarantineStore()).ingest(
        source, KEY, T0, languages=fake_languages()
    )

    stored = [store.items[mention.mention_id] for mention in page]
    assert [(m.lang, m.lang_tag) for m in stored] == [
        ("de", "und"),
        ("de", "en"),
        ("en", "en-GB"),
        ("en", ""),
        ("und", "de"),
    ]
