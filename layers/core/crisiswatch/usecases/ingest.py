"""Fetch new mentions from a source and store each exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.listening.language import LanguageResolver
from ..domain.listening.mentions import Mention, mention_to_dict
from ..domain.listening.stories import story_keys
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


@dataclass(frozen=True)
class Ingestion:
    """Stores what a source fetched, each mention once; `stories` links syndicated copies (replays,
    which are one source's record, go without)."""

    cursors: CursorStore
    mentions: MentionStore
    quarantine: QuarantineStore
    stories: StoryIndex | None = None

    def ingest(
        self,
        source: MentionSource,
        cursor_key: str,
        now: datetime,
        received_at: datetime | None = None,
        languages: LanguageResolver | None = None,
    ) -> IngestReport:
        """One fetch for one (brand, source), as of `now` (the schedule's time).

        `received_at` is when the fetch really ran: an asynchronous fetch may run minutes after its tick, and
        a post published in between is not "from the future". With `languages`, each mention is stored with
        its resolved language (the source's tag kept as `lang_tag` where it differs).

        The cursor moves only after every mention of the page is durably written, so a crash part-way
        re-fetches the page next time, and the conditional writes turn the repeats into no-ops.
        """
        cursors, mentions, quarantine, stories = self.cursors, self.mentions, self.quarantine, self.stories
        cursor = cursors.get(cursor_key)
        result = source.fetch(cursor, now)
        accepted: list[Mention] = []
        rejected = list(result.rejected)
        horizon = max(now, received_at or now) + MAX_CLOCK_SKEW
        for mention in result.mentions:
            if mention.created_at > horizon:
                # A post "from the future" would move the detector's clock ahead of every real mention.
                rejected.append(
                    (json.dumps(mention_to_dict(mention), default=str), "created_at is in the future")
                )
            else:
                accepted.append(mention)
        for raw, reason in rejected:
            quarantine.put(source.name, raw, reason)
        stored = syndicated = 0
        if languages is not None:
            accepted = [languages.stamp(mention) for mention in accepted]
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
