"""Each language's analyzer is built on its first text, once; a language without one is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.adapters.german_lexicon import GermanLexiconError
from crisiswatch.adapters.sentiment import AnalyzersByLanguage, sentiment_analyzers
from crisiswatch.domain.detection.scoring import SentimentAnalyzer, score_text
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from tests.fakes import FixedSentiment


def test_an_analyzer_is_built_on_its_first_text_and_only_once() -> None:
    built: list[str] = []

    def factory(lang: str, value: float) -> SentimentAnalyzer:
        built.append(lang)
        return FixedSentiment(value)

    analyzers = AnalyzersByLanguage({"en": lambda: factory("en", 0.5), "de": lambda: factory("de", -0.5)})
    taxonomy = default_taxonomy()

    assert sorted(analyzers) == ["de", "en"] and built == []
    first = score_text("Der Kaffee ist lauwarm", "de", analyzers, taxonomy)
    again = score_text("Der Zug ist schon wieder zu spät", "de", analyzers, taxonomy)

    assert (first.compound, again.compound, built) == (-0.5, -0.5, ["de"])
    assert score_text("Le café est froid", "fr", analyzers, taxonomy).compound is None
    assert built == ["de"]


def test_a_missing_german_lexicon_fails_on_the_first_german_text_not_before(tmp_path: Path) -> None:
    analyzers = sentiment_analyzers(str(tmp_path / "missing.tsv"))

    assert "de" in analyzers
    with pytest.raises(GermanLexiconError, match=r"missing\.tsv"):
        analyzers["de"]
