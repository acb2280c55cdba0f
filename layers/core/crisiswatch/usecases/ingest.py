"""Fetch new mentions from a source and store each exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..ports import CursorStore, MentionSource, MentionStore, QuarantineStore


@dataclass(frozen=True)
class IngestReport:
    source: str
    fetched: int
    stored: int
    duplicates: int
    quarantined: int
    cursor: str | None


def ingest(
    source: MentionSource,
    cursor_key: str,
    cursors: CursorStore,
    mentions: MentionStore,
    quarantine: QuarantineStore,
    now: datetime,
) -> IngestReport:
    """One fetch for one (brand, source).

    The cursor moves only after every mention of the page is durably written, so a crash part-way
    re-fetches the page next time, and the conditional writes turn the repeats into no-ops.
    """
    cursor = cursors.get(cursor_key)
    result = source.fetch(cursor, now)
    for raw, reason in result.rejected:
        quarantine.put(source.name, raw, reason)
    stored = sum(1 for mention in result.mentions if mentions.add(mention))
    if result.next_cursor is not None and result.next_cursor != cursor:
        cursors.put(cursor_key, result.next_cursor)
    return IngestReport(
        source=source.name,
        fetched=len(result.mentions),
        stored=stored,
        duplicates=len(result.mentions) - stored,
        quarantined=len(result.rejected),
        cursor=result.next_cursor or cursor,
    )
