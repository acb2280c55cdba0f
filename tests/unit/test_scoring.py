"""Per-mention scoring: unreadable text is unknown (never neutral); crisis signals pull towards negative."""

from __future__ import annotations

import pytest

from crisiswatch.domain.detection.scoring import (
    MAX_SCORED_CHARS,
    score_mention,
    score_text,
    with_crisis_signals,
)
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch.domain.listening.language import LanguageResolver
from crisiswatch.usecases.detection import count_mentions
from tests.fakes import (
    FakeAggregateStore,
    FakeLanguageIdentifier,
    FakeSentiment,
    FixedSentiment,
    fake_languages,
    make_mention,
)

TAXONOMY = default_taxonomy()


def score(text: str = "Acme coffee this morning", value: float = 0.0, lang: str = "en", followers: int = 0):  # type: ignore[no-untyped-def]
    return score_mention(
        make_mention(1, text=text, lang=lang, followers=followers),
        FixedSentiment(value),
        TAXONOMY,
        fake_languages(),
    )


@pytest.mark.parametrize(
    ("compound", "negative"), [(-0.05, True), (-0.0499, False), (-1.0, True), (0.3, False)]
)
def test_negative_follows_the_vader_convention(compound: float, negative: bool) -> None:
    assert score(value=compound).negative is negative


@pytest.mark.parametrize("lang", ["en", "en-GB", "und"])
def test_english_and_undetermined_english_text_is_scored(lang: str) -> None:
    result = score(value=-0.5, lang=lang)
    assert (result.compound, result.lang) == (-0.5, "en")


def test_a_stored_language_is_read_without_identifying_again() -> None:
    identifier = FakeLanguageIdentifier()
    languages = LanguageResolver(identifier)
    for lang in ("en", "de", "en-GB"):
        score_mention(
            make_mention(1, text="just had a coffee", lang=lang), FakeSentiment(), TAXONOMY, languages
        )
    assert identifier.calls == 0
    score_mention(make_mention(1, text="just had a coffee", lang="und"), FakeSentiment(), TAXONOMY, languages)
    assert identifier.calls == 1


def test_untagged_text_without_an_identifier_is_unknown() -> None:
    result = score_mention(make_mention(1, text="terrible coffee", lang="und"), FakeSentiment(), TAXONOMY)
    assert (result.compound, result.lang) == (None, "und")


def test_each_language_is_read_by_its_own_analyzer() -> None:
    english, german = FixedSentiment(0.5), FixedSentiment(-0.7)
    analyzers = {"en": english, "de": german}

    de = score_text("Der Kaffee war kalt und nie wieder", "und", analyzers, TAXONOMY, fake_languages())
    en = score_text("The coffee was cold", "und", analyzers, TAXONOMY, fake_languages())
    fr = score_text("Le café était froid", "fr", analyzers, TAXONOMY, fake_languages())

    assert (de.compound, de.lang, en.compound, en.lang) == (-0.7, "de", 0.5, "en")
    assert (fr.compound, fr.sentiment, fr.crisis_types, fr.lang) == (None, None, (), "fr")
    assert german.texts == ["Der Kaffee war kalt und nie wieder"] and english.texts == ["The coffee was cold"]


def test_crisis_types_are_read_in_a_language_without_an_analyzer() -> None:
    # Sentiment needs an analyzer for the language; crisis types need only the taxonomy's terms.
    result = score_text(
        "Rückruf: Listerien im Käse von Acme", "nl", FakeSentiment(), TAXONOMY, fake_languages()
    )

    assert (result.compound, result.sentiment, result.lang) == (None, None, "nl")
    assert "legal_safety" in result.crisis_types or "product_failure" in result.crisis_types


@pytest.mark.parametrize("lang", ["de", "ja", "pt-BR"])
def test_other_languages_are_unknown_not_neutral(lang: str) -> None:
    analyzer = FakeSentiment()
    result = score_mention(
        make_mention(1, lang=lang, text="Der Kaffee war heute kalt"), analyzer, TAXONOMY, fake_languages()
    )

    assert (result.compound, result.sentiment, result.crisis_types) == (None, None, ())
    assert result.lang == lang.split("-", maxsplit=1)[0].lower()
    assert result.negative is False
    assert analyzer.calls == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😡😡😡🔥",
        "https://example.com/a https://example.org/b",
        "@acme @acme_support",
        "Das ist wirklich eine Katastrophe und wir kaufen dort nie wieder ein",
        "Это ужасно, никогда больше",
    ],
)
def test_text_vader_cannot_read_is_unknown_even_untagged(text: str) -> None:
    # German and Russian are identified as such; until their analyzers come, they are unknown.
    result = score(text=text, value=-0.9, lang="und")

    assert result.compound is None
    assert result.negative is False


def test_emoticons_are_readable_emoji_alone_are_not() -> None:
    assert score(text="@acme :) :) :)", value=0.7, lang="und").compound == 0.7
    assert score(text=":'( <3", value=-0.2, lang="und").compound == -0.2
    assert score(text="😍😍", value=0.7, lang="und").compound is None


def test_a_huge_text_is_read_up_to_the_cap() -> None:
    analyzer = FixedSentiment(0.0)
    score_mention(
        make_mention(1, text="good " * 10_000), analyzer, TAXONOMY, fake_languages()
    )  # 50,000 chars

    assert len(analyzer.texts[0]) == MAX_SCORED_CHARS


def test_crisis_signals_pull_sentiment_towards_negative() -> None:
    result = score(text="Found glass in my Acme cold brew can", value=0.0)

    assert result.crisis_types == ("product_failure", "legal_safety")
    assert result.compound == 0.0
    assert result.sentiment == -0.1
    assert result.negative


def test_the_pull_is_proportional_and_never_leaves_the_scale() -> None:
    assert with_crisis_signals(0.9, ("recall",)) == pytest.approx(0.71)
    assert with_crisis_signals(-1.0, ("recall",)) == -1.0
    assert with_crisis_signals(0.4, ()) == 0.4


def test_reach_is_the_authors_followers() -> None:
    assert score(followers=250_000).reach == 250_000


def test_unreadable_mentions_count_in_volume_but_not_in_the_negative_share() -> None:
    aggregates = FakeAggregateStore()
    count_mentions(
        [make_mention(1, text="terrible"), make_mention(2, text="furchtbar", lang="de")],
        FakeSentiment(),
        TAXONOMY,
        aggregates,
    )

    (stats,) = aggregates.buckets(
        "Acme Coffee", make_mention(0).created_at, make_mention(0).created_at
    ).values()
    assert (stats.volume, stats.scored, stats.negative, stats.negative_share) == (2, 1, 1, 1.0)


def test_crisis_types_are_counted_per_source_once_per_mention() -> None:
    aggregates = FakeAggregateStore()
    mentions = [
        make_mention(1, text="Acme recall announced"),
        make_mention(2, text="another recall, and a lawsuit"),
    ]
    count_mentions(mentions, FakeSentiment(), TAXONOMY, aggregates)
    count_mentions(mentions, FakeSentiment(), TAXONOMY, aggregates)  # a replayed batch

    (stats,) = aggregates.buckets("Acme Coffee", mentions[0].created_at, mentions[0].created_at).values()
    assert stats.type_count("product_failure") == 2
    assert stats.type_count("legal_safety") == 1
