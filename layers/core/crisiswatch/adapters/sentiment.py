"""The sentiment analyzers: NLTK's VADER for English (its lexicon loaded from the offline layer, never
downloaded at run time), CrisisWatch's German analyzer for German, one per language read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from nltk.sentiment.vader import SentimentIntensityAnalyzer

from ..domain.scoring import SentimentAnalyzer


class VaderSentiment:
    def __init__(self) -> None:
        # Looks the lexicon up on nltk.data.path; NLTK_DATA points there (the VADER layer in Lambda).
        self._analyzer = SentimentIntensityAnalyzer()

    def compound(self, text: str) -> float:
        return float(self._analyzer.polarity_scores(text)["compound"])


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
