"""Fetch new mentions from a source and store each exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.mentions import Mention, mention_to_dict
from ..domain.stories import story_keys
from ..ports import CursorStore, MentionSource, MentionStore, QuarantineStore, StoryIndex

MAX_CLOCK_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class IngestReport:
    source: str
    fetched: int
    stored: int
    duplicates: int
    quarantined: int
    cursor: str | None
    syndicated: int = 0
    """Stored mentions that copy a story already seen (linked to the first copy)."""


def ingest(
    source: MentionSource,
    cursor_key: str,
    cursors: CursorStore,
    mentions: MentionStore,
    quarantine: QuarantineStore,
    now: datetime,
    stories: StoryIndex | None = None,
) -> IngestReport:
    """One fetch for one (brand, source).

    The cursor moves only after every mention of the page is durably written, so a crash part-way
    re-fetches the page next time, and the conditional writes turn the repeats into no-ops.
    """
    cursor = cursors.get(cursor_key)
    result = source.fetch(cursor, now)
    accepted: list[Mention] = []
    rejected = list(result.rejected)
    for mention in result.mentions:
        if mention.created_at > now + MAX_CLOCK_SKEW:
            # A post "from the future" would move the detector's clock ahead of every real mention.
            rejected.append(
                (json.dumps(mention_to_dict(mention), default=str), "created_at is in the future")
            )
        else:
            accepted.append(mention)
    for raw, reason in rejected:
        quarantine.put(source.name, raw, reason)
    stored = syndicated = 0
    for mention in accepted:
        first_copy = stories.claim(story_keys(mention), mention.mention_id) if stories else None
        if mentions.add(mention, syndicated_of=first_copy):
            stored += 1
            syndicated += first_copy is not None
    if result.next_cursor is not None and result.next_cursor != cursor:
        cursors.put(cursor_key, result.next_cursor)
    return IngestReport(
        source=source.name,
        fetched=len(result.mentions),
        stored=stored,
        duplicates=len(accepted) - stored,
        quarantined=len(rejected),
        cursor=result.next_cursor or cursor,
        syndicated=syndicated,
    )
