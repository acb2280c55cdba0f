"""The German lexicon file: what a team edits, checked on load with every problem listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.adapters.german_lexicon import (
    GERMAN_LEXICON_ENV,
    GermanLexiconError,
    german_lexicon_path,
    load_german_lexicon,
    parse_german_lexicon,
)
from crisiswatch.adapters.german_sentiment import GermanSentiment

LAYER = Path(__file__).resolve().parents[2] / "layers" / "vader_lexicon"
SHIPPED = LAYER / "german_lexicon.tsv"


def test_the_shipped_lexicon_loads_clean() -> None:
    lexicon = load_german_lexicon(SHIPPED)
    assert lexicon.entries > 800
    assert lexicon.phrases and lexicon.symbols and lexicon.exact


def test_the_shipped_lexicon_states_its_licence_and_keeps_vaders_notice() -> None:
    head = SHIPPED.read_text(encoding="utf-8")[:1500]
    assert "CrisisWatch licence" in head and "MIT" in head
    assert "Permission is hereby granted" in (LAYER / "LICENSE-VADER.txt").read_text(encoding="utf-8")


def test_every_problem_is_listed_with_its_line() -> None:
    text = "\n".join(
        [
            "# a comment",
            "gut\t1.9",
            "schlecht\tminus zwei",  # 3: not a number
            "toll\t7",  # 4: out of range
            "mies\t-2\t\tnote\textra",  # 5: too many columns
            "schoen\t2.0",
            "schön\t2.1",  # 7: the same word, folded
            "nicht\t-1",  # 8: a grammar word
            "1234\t-1",  # 9: never matched
            "kommt\t0",  # 10: does nothing
            "ärger\t-2",
            "ärgern\t1.5",  # 12: shares its stem with line 11, opposite sign
            "kaputt\t-2\tviel",  # 13: negated valence not a number
        ]
    )
    with pytest.raises(GermanLexiconError) as raised:
        parse_german_lexicon(text, "team.tsv")
    problems = raised.value.problems
    assert len(problems) == 9, problems
    message = str(raised.value)
    assert message.startswith("team.tsv: 9 problem(s)")
    for line in ("line 3", "line 4", "line 5", "line 7", "line 8", "line 9", "line 10", "line 13"):
        assert line in message
    assert "(line 11)" in message and "(line 12)" in message


def test_a_word_the_team_adds_takes_effect(tmp_path: Path) -> None:
    edited = tmp_path / "german_lexicon.tsv"
    edited.write_text(SHIPPED.read_text(encoding="utf-8") + "Bahnhofsklo\t-2.5\t\tadded by the team\n")
    before = GermanSentiment.from_file(SHIPPED)
    after = GermanSentiment.from_file(edited)
    assert before.compound("Das Bahnhofsklo heute") == 0.0
    assert after.compound("Das Bahnhofsklo heute") < -0.05
    assert after.compound("Die Bahnhofsklos heute") < -0.05  # inflected


def test_exact_entries_neither_inflect_nor_hide_in_compounds() -> None:
    analyzer = GermanSentiment(parse_german_lexicon("=fail\t-2.5\nausfall\t-1.8\n"))
    assert analyzer.compound("fail") < 0
    assert analyzer.compound("Detailfail") == 0.0
    assert analyzer.compound("Zugausfall") < 0


def test_the_negated_column_replaces_the_flip() -> None:
    analyzer = GermanSentiment(parse_german_lexicon("kommt\t0\t-1.4\ngut\t1.9\n"))
    assert analyzer.compound("Der Zug kommt") == 0.0
    assert analyzer.compound("Der Zug kommt nicht") < -0.05
    assert analyzer.explain("nicht gut") == [("gut", pytest.approx(1.9 * -0.74))]


def test_a_zero_phrase_masks_its_words() -> None:
    analyzer = GermanSentiment(parse_german_lexicon("freundlich\t2\nmit freundlichen grüßen\t0\n"))
    assert analyzer.compound("Sie sind freundlich") > 0
    assert analyzer.compound("Mit freundlichen Grüßen, Ihre Bahn") == 0.0


def test_the_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "de.tsv"
    target.write_text("gut\t1.9\n", encoding="utf-8")
    monkeypatch.setenv(GERMAN_LEXICON_ENV, str(target))
    assert german_lexicon_path() == target
    assert GermanSentiment.from_file().compound("gut") > 0
    monkeypatch.setenv(GERMAN_LEXICON_ENV, str(tmp_path / "missing.tsv"))
    with pytest.raises(GermanLexiconError, match=GERMAN_LEXICON_ENV):
        german_lexicon_path()


def test_an_unreadable_file_is_a_lexicon_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"gut\t1.9\n\xff\xfe\n")
    with pytest.raises(GermanLexiconError, match="cannot be read"):
        load_german_lexicon(broken)


def _same(a: object, b: object) -> None:
    for name in ("exact", "forms", "stems", "inflected", "nouns", "phrases", "symbols", "entries"):
        assert getattr(a, name) == getattr(b, name), name


def test_the_stem_index_loads_the_same_lexicon(tmp_path: Path) -> None:
    from crisiswatch.adapters import german_lexicon  # noqa: PLC0415

    copy = tmp_path / "german_lexicon.tsv"
    copy.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    index = german_lexicon.write_stem_index(copy)
    assert index == german_lexicon.stem_index_path(copy) and index.is_file()
    expected = load_german_lexicon(SHIPPED)
    german_lexicon._STEMS.clear()
    german_lexicon.function_stems.cache_clear()
    _same(load_german_lexicon(copy), expected)


@pytest.mark.parametrize("index_text", ["{not json", "[]", '{"lexicon_sha256": "0", "stems": {"gut": "x"}}'])
def test_a_broken_or_stale_stem_index_is_ignored(tmp_path: Path, index_text: str) -> None:
    from crisiswatch.adapters import german_lexicon  # noqa: PLC0415

    copy = tmp_path / "german_lexicon.tsv"
    copy.write_text("gut\t1.9\nschlecht\t-2.0\n", encoding="utf-8")
    german_lexicon.stem_index_path(copy).write_text(index_text, encoding="utf-8")
    lexicon = load_german_lexicon(copy)
    assert GermanSentiment(lexicon).compound("Das war gut") > 0
    assert "x" not in lexicon.stems
