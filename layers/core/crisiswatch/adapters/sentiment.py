"""NLTK's VADER, with its lexicon loaded from the offline layer (never downloaded at run time)."""

from __future__ import annotations

from nltk.sentiment.vader import SentimentIntensityAnalyzer


class VaderSentiment:
    def __init__(self) -> None:
        # Looks the lexicon up on nltk.data.path; NLTK_DATA points there (the VADER layer in Lambda).
        self._analyzer = SentimentIntensityAnalyzer()

    def compound(self, text: str) -> float:
        return float(self._analyzer.polarity_scores(text)["compound"])
