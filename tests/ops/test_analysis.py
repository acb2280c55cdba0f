"""`crisiswatch classify` and `crisiswatch detect` on awkward files: clear behaviour, no crash."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch_ops.analysis import AnalysisError, classify_lines, detect_csv, format_row
from tests.fakes import FakeSentiment, fake_languages


def classify(*lines: str) -> list[dict]:  # type: ignore[type-arg]
    return list(classify_lines(lines, FakeSentiment(), default_taxonomy(), fake_languages()))


def test_classify_prints_sentiment_label_and_crisis_types_per_line() -> None:
    (result,) = classify(json.dumps({"id": "m1", "text": "terrible: Acme issued a recall"}))

    assert result["id"] == "m1"
    assert result["crisis_types"] == ["product_failure"]
    assert result["label"] == "negative"
    assert result["sentiment"] < result["compound"] < 0


def test_classify_reports_negated_types_apart() -> None:
    (result,) = classify(json.dumps({"text": "there is no recall"}))
    assert result["crisis_types"] == [] and result["negated_crisis_types"] == ["product_failure"]


def test_classify_marks_other_languages_unknown() -> None:
    (result,) = classify(json.dumps({"text": "Der Kaffee war furchtbar und kalt, nie wieder", "lang": "de"}))
    assert (result["sentiment"], result["label"], result["lang"]) == (None, "unknown", "de")


def test_classify_prints_the_language_it_read_and_an_overruled_tag() -> None:
    untagged, lying, tagged = classify(
        json.dumps({"text": "Der Kaffee war heute kalt und sehr schrecklich, nie wieder"}),
        json.dumps({"text": "Der Kaffee war heute kalt und sehr schrecklich, nie wieder", "lang": "en"}),
        json.dumps({"text": "terrible coffee today", "lang": "en-GB"}),
    )

    assert (untagged["lang"], "lang_tag" in untagged) == ("de", False)
    assert (lying["lang"], lying["lang_tag"], lying["label"]) == ("de", "en", "unknown")
    assert (tagged["lang"], tagged["lang_tag"], tagged["label"]) == ("en", "en-GB", "negative")
    assert format_row(tagged).split()[:2] == ["3", "en"]


def test_classify_keeps_going_past_bad_lines_and_says_which() -> None:
    results = classify(
        "not json",
        "",
        json.dumps([1, 2]),
        json.dumps({"text": 5}),
        json.dumps({"text": "fine"}),
    )
    assert [(r["line"], "error" in r) for r in results] == [(1, True), (3, True), (4, True), (5, False)]
    assert "no string `text`" in results[2]["error"]


def _series(values: list[str], start: datetime = datetime(2024, 1, 1, tzinfo=UTC)) -> str:
    rows = ["timestamp,value"]
    rows += [
        f"{(start + timedelta(minutes=5 * i)).strftime('%Y-%m-%d %H:%M:%S')},{v}"
        for i, v in enumerate(values)
    ]
    return "\n".join(rows) + "\n"


def detect(text: str) -> tuple[list[list[str]], list[str]]:
    out = io.StringIO()
    report = detect_csv(io.StringIO(text), out)
    return list(csv.reader(io.StringIO(out.getvalue()))), report.lines()


def test_detect_writes_one_score_per_row_in_nab_format() -> None:
    rows, _ = detect(_series(["3"] * 400 + ["400"] + ["3"] * 10))

    assert rows[0] == ["timestamp", "value", "anomaly_score"]
    assert len(rows) == 412
    scores = [float(row[2]) for row in rows[1:]]
    assert all(0.0 <= score < 1.0 for score in scores)
    assert max(scores) == scores[400] > 0


def test_detect_handles_nan_negative_blank_and_unreadable_rows() -> None:
    text = _series(["1", "nan", "-4", "", "abc", "inf", "2"]) + "not a time,5\n"
    rows, notes = detect(text)

    assert len(rows) == 9
    assert [row[1] for row in rows[1:]] == ["1", "nan", "-4", "", "abc", "inf", "2", "5"]
    assert all(float(row[2]) == 0.0 for row in rows[1:])
    assert any("4 with no number" in note for note in notes)
    assert any("1 negative" in note for note in notes)
    assert any("unreadable timestamps (lines 9)" in note for note in notes)


def test_detect_survives_all_zeros_and_a_gap_of_days() -> None:
    zeros, _ = detect(_series(["0"] * 600))
    assert all(float(row[2]) == 0.0 for row in zeros[1:])

    before = _series(["5"] * 300)
    after = _series(["5"] * 300, start=datetime(2024, 1, 9, tzinfo=UTC)).split("\n", 1)[1]
    rows, notes = detect(before + after)
    assert len(rows) == 601
    assert all(0.0 <= float(row[2]) < 1.0 for row in rows[1:])
    assert notes == ["scored 600 rows"]  # a gap is no error


def test_detect_refuses_a_file_without_the_nab_header() -> None:
    with pytest.raises(AnalysisError, match="timestamp,value"):
        detect("time,count\n2024-01-01 00:00:00,1\n")
    with pytest.raises(AnalysisError):
        detect("")
