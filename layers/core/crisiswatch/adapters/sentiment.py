"""The sentiment analyzers: NLTK's VADER for English (its lexicon loaded from the offline layer, never
downloaded at run time), CrisisWatch's German analyzer for German, one per language read."""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from nltk.sentiment.vader import SentimentIntensityAnalyzer, SentiText

from ..domain.detection.scoring import SentimentAnalyzer

_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
"""What NLTK's `REGEX_REMOVE_PUNCTUATION` (`[<string.punctuation>]`) removes."""


class _SentiText(SentiText):  # type: ignore[misc]
    """NLTK's SentiText, tokenised the same way without building its word-and-punctuation table.

    NLTK maps each token with one leading or trailing punctuation mark of `PUNC_LIST` ("cat!!", ",cat")
    to its word through a dict of every (word, mark) pair of the text, rebuilt for every text: about a
    third of VADER's time. A word here has no punctuation at all (it comes from the text with every
    mark removed), so a token matches at most one entry and a direct check gives the same tokens.
    """

    def _words_and_emoticons(self) -> list[str]:
        # NLTK removes `string.punctuation` with a `regex` pattern (about 70 µs a text, a sixth of the
        # scoring); deleting the same characters with `str.translate` gives the same text in about 1 µs.
        words = {word for word in self.text.translate(_NO_PUNCTUATION).split() if len(word) > 1}
        return [self._word_of(token, words) for token in self.text.split() if len(token) > 1]

    def _word_of(self, token: str, words: set[str]) -> str:
        if token in words:
            return token
        for mark in self.PUNC_LIST:
            if token.endswith(mark) and token[: -len(mark)] in words:
                return token[: -len(mark)]
            if token.startswith(mark) and token[len(mark) :] in words:
                return token[len(mark) :]
        return token


class VaderSentiment:
    def __init__(self) -> None:
        # Looks the lexicon up on nltk.data.path; NLTK_DATA points there (the VADER layer in Lambda).
        self._analyzer = SentimentIntensityAnalyzer()

    def compound(self, text: str) -> float:
        return float(self.polarity_scores(text)["compound"])

    def polarity_scores(self, text: str) -> dict[str, float]:
        """NLTK's `polarity_scores`, step for step, with the faster tokeniser (the same scores: the
        tests and `bench.sentiment` compare every text with NLTK's own)."""
        vader: Any = self._analyzer
        constants = vader.constants
        sentitext = _SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
        tokens: list[str] = sentitext.words_and_emoticons
        first_index: dict[str, int] = {}
        for index, token in enumerate(tokens):
            first_index.setdefault(token, index)
        sentiments: list[float] = []
        for token in tokens:
            index = first_index[token]
            lowered = token.lower()
            kind_of = index < len(tokens) - 1 and lowered == "kind" and tokens[index + 1].lower() == "of"
            if kind_of or lowered in constants.BOOSTER_DICT:
                sentiments.append(0)
                continue
            sentiments = vader.sentiment_valence(0, sentitext, token, index, sentiments)
        sentiments = vader._but_check(tokens, sentiments)
        return dict(vader.score_valence(sentiments, text))


class AnalyzersByLanguage(Mapping[str, SentimentAnalyzer]):
    """One analyzer per language, each built on the first text in its language: a batch of English
    posts never pays for loading the German lexicon, nor a German one for VADER's."""

    def __init__(self, factories: Mapping[str, Callable[[], SentimentAnalyzer]]) -> None:
        self._factories = dict(factories)
        self._built: dict[str, SentimentAnalyzer] = {}

    def __getitem__(self, lang: str) -> SentimentAnalyzer:
        analyzer = self._built.get(lang)
        if analyzer is None:
            analyzer = self._built[lang] = self._factories[lang]()
        return analyzer

    def __contains__(self, lang: object) -> bool:
        return lang in self._factories  # without building it (Mapping's default would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


def sentiment_analyzers(german_lexicon_file: str = "") -> AnalyzersByLanguage:
    """English (VADER) and German; `german_lexicon_file` empty means the sentiment layer's copy."""

    def german() -> SentimentAnalyzer:
        from .german_sentiment import GermanSentiment  # noqa: PLC0415 - only German posts load it

        return GermanSentiment.from_file(german_lexicon_file or None)

    return AnalyzersByLanguage({"en": VaderSentiment, "de": german})
