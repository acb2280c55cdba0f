"""`crisiswatch classify` and `crisiswatch detect`: the Lambda's own scoring and detector, on files."""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crisiswatch.domain.detection.anomaly import MentionAnomalyDetector
from crisiswatch.domain.detection.scoring import NEGATIVE_COMPOUND, Analyzers, SentimentAnalyzer, score_text
from crisiswatch.domain.detection.taxonomy import POSITIVE_COMPOUND, Taxonomy
from crisiswatch.domain.listening.language import LanguageResolver, languages_prior

from .files import built_template_path

MAX_LINE_CHARS = 1_000_000


class AnalysisError(RuntimeError):
    """An input cannot be analysed at all; the message says why."""


def vader_data_dir(project_root: Path) -> Path:
    """Where the built VADER layer keeps NLTK's data (the lexicon never comes from the network)."""
    built = built_template_path(project_root).parent / "VaderLexiconLayer" / "nltk_data"
    candidates = [Path(os.environ["NLTK_DATA"])] if os.environ.get("NLTK_DATA") else []
    candidates.append(built)
    for candidate in candidates:
        if (candidate / "sentiment" / "vader_lexicon.zip").exists():
            return candidate
    raise AnalysisError(f"the VADER lexicon is not built: run `make build` (looked in {built})")


def language_model_file(project_root: Path) -> Path:
    """fastText's model as the built LanguageLayer holds it (LANGUAGE_MODEL_FILE overrides)."""
    built = built_template_path(project_root).parent / "LanguageLayer" / "language" / "lid.176.ftz"
    override = os.environ.get("LANGUAGE_MODEL_FILE")
    for candidate in [Path(override)] if override else [built]:
        if candidate.is_file():
            return candidate
    raise AnalysisError(f"the language model is not built: run `make build` (looked in {override or built})")


def load_languages(project_root: Path, languages: Iterable[str] = ()) -> LanguageResolver:
    """The Lambda's language identification, with `languages` (else the default) as the prior."""
    from crisiswatch.adapters.language import FastTextIdentifier  # noqa: PLC0415

    identifier = FastTextIdentifier(str(language_model_file(project_root)))
    if not identifier.load():
        raise AnalysisError(f"the language model cannot be loaded from {language_model_file(project_root)}")
    return LanguageResolver(identifier, languages_prior(languages))


def german_lexicon_file(project_root: Path) -> Path:
    """The German lexicon as the built sentiment layer holds it (GERMAN_LEXICON_FILE overrides; else
    the repository's, which the layer build validates and copies)."""
    override = os.environ.get("GERMAN_LEXICON_FILE")
    built = (
        built_template_path(project_root).parent / "VaderLexiconLayer" / "sentiment" / "german_lexicon.tsv"
    )
    source = project_root / "layers" / "vader_lexicon" / "german_lexicon.tsv"
    for candidate in [Path(override)] if override else [built, source]:
        if candidate.is_file():
            return candidate
    raise AnalysisError(f"the German lexicon is missing: looked in {override or built}")


def load_analyzer(project_root: Path) -> Mapping[str, SentimentAnalyzer]:
    """The Lambda's analyzers: VADER for English, ours for German."""
    import nltk  # noqa: PLC0415 - only classify pays for NLTK

    data_dir = str(vader_data_dir(project_root))
    if data_dir not in nltk.data.path:
        nltk.data.path.insert(0, data_dir)
    from crisiswatch.adapters.sentiment import sentiment_analyzers  # noqa: PLC0415

    return sentiment_analyzers(str(german_lexicon_file(project_root)))


def _label(sentiment: float | None) -> str:
    if sentiment is None:
        return "unknown"
    if sentiment <= NEGATIVE_COMPOUND:
        return "negative"
    return "positive" if sentiment >= POSITIVE_COMPOUND else "neutral"


def classify_lines(
    lines: Iterable[str],
    analyzer: Analyzers,
    taxonomy: Taxonomy,
    languages: LanguageResolver | None = None,
) -> Iterator[dict[str, Any]]:
    """One result per non-blank input line, in order; a bad line yields an `error` instead of stopping.

    Each line is read as the Lambda would store and score it: its `lang` tag resolved (a lying tag
    overruled, an untagged text identified) by `languages`, then scored in that language."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        result: dict[str, Any] = {"line": number}
        try:
            if len(line) > MAX_LINE_CHARS:
                raise ValueError(f"line longer than {MAX_LINE_CHARS} characters")
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            text = item.get("text")
            if not isinstance(text, str):
                raise ValueError("no string `text`")
            lang = item.get("lang")
            lang = lang if isinstance(lang, str) else "und"
        except ValueError as error:
            yield {**result, "error": str(error)}
            continue
        if "id" in item:
            result["id"] = item["id"]
        resolved = languages.resolve(text, lang).lang if languages else lang
        compound, sentiment, crisis_types, read_as = score_text(text, resolved, analyzer, taxonomy)
        reading = None if read_as == "und" else read_as
        negated = sorted({match.crisis_type for match in taxonomy.matches(text, reading) if match.negated})
        yield {
            **result,
            "lang": read_as,
            **({"lang_tag": lang} if lang not in ("", "und") and lang != read_as else {}),
            "sentiment": sentiment,
            "label": _label(sentiment),
            "compound": compound,
            "crisis_types": list(crisis_types),
            "negated_crisis_types": [key for key in negated if key not in crisis_types],
        }


def format_row(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{result['line']:>6}  ERROR {result['error']}"
    sentiment = "   n/a" if result["sentiment"] is None else f"{result['sentiment']:+.3f}"
    types = ", ".join(result["crisis_types"]) or "-"
    return f"{result['line']:>6}  {result['lang']:<4} {sentiment}  {result['label']:8}  {types}"


# -- detect -----------------------------------------------------------------------------------------


@dataclass
class DetectReport:
    rows: int = 0
    missing: int = 0
    negative: int = 0
    bad_timestamps: list[int] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    """Lines the CSV reader refused (a field over its limit, a NUL): scored 0, written without fields."""

    def lines(self) -> list[str]:
        notes = [f"scored {self.rows} rows"]
        if self.missing:
            notes.append(f"{self.missing} with no number (NaN, blank or text): scored 0, state unchanged")
        if self.negative:
            notes.append(f"{self.negative} negative counts: read as 0")
        if self.bad_timestamps:
            shown = ", ".join(str(n) for n in self.bad_timestamps[:5])
            notes.append(f"{len(self.bad_timestamps)} unreadable timestamps (lines {shown}): scored 0")
        if self.unreadable:
            shown = ", ".join(str(n) for n in self.unreadable[:5])
            notes.append(
                f"{len(self.unreadable)} unreadable rows (lines {shown}; a field over "
                f"{csv.field_size_limit():,} characters, or a NUL): scored 0, written with empty fields"
            )
        return notes


def _timestamp(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rows(reader: Any) -> Iterator[tuple[int, list[str] | None]]:
    """(line number, fields) per row, None for a row the reader refuses; reading goes on with the next
    line (the csv reader recovers after its own errors)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, None
            continue
        yield reader.line_num, row


def detect_csv(source: IO[str], target: IO[str]) -> DetectReport:
    """NAB format in (`timestamp,value`), `timestamp,value,anomaly_score` out, row for row."""
    reader = csv.reader(source)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise AnalysisError(f"the header cannot be read: {error}") from None
    if header is None or [name.strip().lower() for name in header[:2]] != ["timestamp", "value"]:
        raise AnalysisError("the input must be a CSV whose header starts with `timestamp,value`")
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(["timestamp", "value", "anomaly_score"])
    detector = MentionAnomalyDetector()
    state = detector.new_state()
    report = DetectReport()
    for number, row in _rows(reader):
        if row is None:
            report.rows += 1
            report.unreadable.append(number)
            writer.writerow(["", "", f"{0.0:.6f}"])
            continue
        if not row:
            continue
        stamp_text = row[0]
        value_text = row[1] if len(row) > 1 else ""
        report.rows += 1
        moment = _timestamp(stamp_text)
        value = _count(value_text)
        if value is None:
            report.missing += 1
        elif value < 0:
            report.negative += 1
        if moment is None:
            report.bad_timestamps.append(number)
            score = 0.0
        else:
            score = detector.score(state, moment, value)
        writer.writerow([stamp_text, value_text, f"{score:.6f}"])
    return report
