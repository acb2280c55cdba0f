"""Per-mention scoring: unreadable languages are unknown, never neutral."""

from __future__ import annotations

import pytest

from crisiswatch.domain.scoring import score_mention
from tests.fakes import FakeAggregateStore, FakeSentiment, make_mention


class FixedSentiment:
    def __init__(self, value: float) -> None:
        self.value = value

    def compound(self, text: str) -> float:
        return self.value


@pytest.mark.parametrize(
    ("compound", "negative"), [(-0.05, True), (-0.0499, False), (-1.0, True), (0.3, False)]
)
def test_negative_follows_the_vader_convention(compound: float, negative: bool) -> None:
    assert score_mention(make_mention(1), FixedSentiment(compound)).negative is negative


@pytest.mark.parametrize("lang", ["en", "en-GB", "und"])
def test_english_and_undetermined_text_is_scored(lang: str) -> None:
    assert score_mention(make_mention(1, lang=lang), FixedSentiment(-0.5)).compound == -0.5


@pytest.mark.parametrize("lang", ["de", "ja", "pt-BR"])
def test_other_languages_are_unknown_not_neutral(lang: str) -> None:
    analyzer = FakeSentiment()
    score = score_mention(make_mention(1, lang=lang, text="schrecklich, nie wieder"), analyzer)

    assert score.compound is None
    assert score.negative is False
    assert analyzer.calls == 0


def test_blank_text_is_unknown() -> None:
    assert score_mention(make_mention(1, text="   "), FixedSentiment(-0.9)).compound is None


def test_reach_is_the_authors_followers() -> None:
    assert score_mention(make_mention(1, followers=250_000), FixedSentiment(0)).reach == 250_000


def test_unreadable_mentions_count_in_volume_but_not_in_the_negative_share() -> None:
    from crisiswatch.usecases.detection import count_mentions  # noqa: PLC0415

    aggregates, analyzer = FakeAggregateStore(), FakeSentiment()
    count_mentions(
        [make_mention(1, text="terrible"), make_mention(2, text="furchtbar", lang="de")], analyzer, aggregates
    )

    (stats,) = aggregates.buckets(
        "Acme Coffee", make_mention(0).created_at, make_mention(0).created_at
    ).values()
    assert (stats.volume, stats.scored, stats.negative, stats.negative_share) == (2, 1, 1, 1.0)
