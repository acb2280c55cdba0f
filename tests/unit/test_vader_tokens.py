"""Our VADER tokenises faster than NLTK's and must score every text exactly as NLTK does."""

from __future__ import annotations

from pathlib import Path

import nltk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.sentiment.vader import SentimentIntensityAnalyzer

from crisiswatch.adapters.sentiment import VaderSentiment
from crisiswatch_ops.analysis import AnalysisError, vader_data_dir

ROOT = Path(__file__).resolve().parents[2]
PIECES = [
    "good", "bad", "not", "very", "kind", "of", "but", "GREAT", "hate", "cat", "dog", "no", "a",
    ":)", ":-(", "<3", ":D", "!", "!!", "!!!", "?", "??", "?!?", ",", ".", ";", ":", "-", "'", '"',
    "...", "#fail", "@acme", "don't", "ain't", "never", "so", "extremely", "sort", "lol", "😀",
]  # fmt: skip


@pytest.fixture(scope="module")
def analyzers() -> tuple[VaderSentiment, SentimentIntensityAnalyzer]:
    try:
        data = str(vader_data_dir(ROOT))
    except AnalysisError as error:
        pytest.fail(str(error))
    if data not in nltk.data.path:
        nltk.data.path.insert(0, data)
    return VaderSentiment(), SentimentIntensityAnalyzer()


@pytest.mark.parametrize(
    "text",
    [
        "cat!! dog,, :) :-( ,cat",
        "The coffee was GREAT!!! but the service... meh",
        "kind of good, sort of bad",
        "'quoted' \"word\" -dash- x- -x ?!?!word word?!?!",
        "!!! ??? a",
        "",
        "   ",
        "no",
    ],
)
def test_scores_are_nltks(analyzers: tuple[VaderSentiment, SentimentIntensityAnalyzer], text: str) -> None:
    ours, nltks = analyzers
    assert ours.polarity_scores(text) == nltks.polarity_scores(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=25), st.lists(st.sampled_from(["", " ", "  "]), max_size=25)
)
def test_any_mix_of_words_and_marks_scores_as_nltk(
    analyzers: tuple[VaderSentiment, SentimentIntensityAnalyzer], pieces: list[str], gaps: list[str]
) -> None:
    text = "".join(piece + (gaps[index] if index < len(gaps) else " ") for index, piece in enumerate(pieces))
    ours, nltks = analyzers
    assert ours.polarity_scores(text) == nltks.polarity_scores(text)
