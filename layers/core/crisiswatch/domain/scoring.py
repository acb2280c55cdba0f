"""Per-mention scoring: sentiment now, crisis signals later, both free of any AWS concern."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .mentions import Mention

NEGATIVE_COMPOUND = -0.05
"""VADER's own convention: a compound score at or below -0.05 is negative."""

ENGLISH = frozenset({"en", "und", ""})
"""VADER's lexicon is English; an unknown language (`und`) is scored as English text."""


class SentimentAnalyzer(Protocol):
    def compound(self, text: str) -> float:
        """A score in [-1, 1]: VADER's normalised sum of valences."""
        ...


@dataclass(frozen=True)
class MentionScore:
    mention_id: str
    brand: str
    source: str
    compound: float | None
    """None when the language is one the analyzer cannot read: unknown, never neutral."""
    reach: int

    @property
    def negative(self) -> bool:
        return self.compound is not None and self.compound <= NEGATIVE_COMPOUND


def score_mention(mention: Mention, analyzer: SentimentAnalyzer) -> MentionScore:
    readable = mention.lang.split("-")[0] in ENGLISH and bool(mention.text.strip())
    compound = round(analyzer.compound(mention.text), 4) if readable else None
    return MentionScore(
        mention_id=mention.mention_id,
        brand=mention.brand,
        source=mention.source,
        compound=compound,
        reach=mention.author_followers,
    )
