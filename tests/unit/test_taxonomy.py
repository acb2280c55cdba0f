"""Crisis types: terms, negation, exclusions, mixed signals, the file format, and the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisiswatch.domain.detection.taxonomy import Taxonomy, TaxonomyError, default_taxonomy, load_taxonomy

TAXONOMY = default_taxonomy()
DEV_SET = Path(__file__).resolve().parents[1] / "data" / "crisis_types_dev.jsonl"


def test_the_packaged_taxonomy_has_the_eight_crisis_types_of_the_plan() -> None:
    assert [crisis_type.key for crisis_type in TAXONOMY.types] == [
        "product_failure",
        "data_breach",
        "legal_safety",
        "misinformation",
        "employee_misconduct",
        "customer_dissatisfaction",
        "supplier_conflict",
        "boycott",
    ]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Acme announces a recall of its cold brew", ("product_failure",)),
        ("Acme RECALLED the cans", ("product_failure",)),
        ("My Acme account was hacked", ("data_breach",)),
        ("class-action lawsuit against Acme", ("legal_safety",)),
        ("#BoycottAcme", ("boycott",)),
        ("boycott acme!!!", ("boycott",)),
        ("the photo is a deepfake", ("misinformation",)),
    ],
)
def test_terms_match_whole_words_case_and_hashtags_included(text: str, types: tuple[str, ...]) -> None:
    assert TAXONOMY.classify(text) == types


@pytest.mark.parametrize(
    "text",
    [
        "There is no recall, relax",
        "Acme says it was not a data breach",
        "Acme has never been hacked",
        "Nobody was injured at the store",
        "Not boycotting Acme over this",
        "Acme wasn't sued",
        "the recall story is fake",
        "that breach rumour was false",
    ],
)
def test_negated_or_denied_terms_do_not_count(text: str) -> None:
    matches = TAXONOMY.matches(text)
    assert matches, "the term itself is found"
    assert all(match.negated for match in matches if match.crisis_type != "misinformation")
    assert set(TAXONOMY.classify(text)) <= {"misinformation"}


def test_negation_stops_at_the_clause() -> None:
    assert TAXONOMY.classify("No, really. Acme issued a recall today") == ("product_failure",)
    assert TAXONOMY.classify("not great, but the recall is real") == ("product_failure",)
    assert TAXONOMY.classify("I did not expect this: a data breach at Acme") == ("data_breach",)


@pytest.mark.parametrize(
    "text",
    [
        "I recall the old logo",
        "life hack: stack your Acme coupons",
        "the Acme cake is to die for",
        "hackathon at Acme",
    ],
)
def test_excluded_phrases_are_not_crises(text: str) -> None:
    assert TAXONOMY.classify(text) == ()


def test_mixed_signals_keep_every_type_and_ignore_the_praise() -> None:
    text = "Love Acme's coffee, but this data breach and the lawsuit are a real worry. #BoycottAcme?"
    assert TAXONOMY.classify(text) == ("data_breach", "legal_safety", "boycott")


def test_a_complaint_type_needs_negative_sentiment() -> None:
    text = "Got my refund from Acme in two days, no complaints"
    assert TAXONOMY.classify(text) == ("customer_dissatisfaction",)
    assert TAXONOMY.classify(text, sentiment=0.6) == ()
    assert TAXONOMY.classify("Still waiting for my Acme refund", sentiment=-0.4) == (
        "customer_dissatisfaction",
    )
    assert TAXONOMY.classify("Acme recall, great handling", sentiment=0.8) == ("product_failure",)


def test_a_custom_taxonomy_is_read_from_toml() -> None:
    taxonomy = Taxonomy.from_toml(
        """
        [types.greenwashing]
        label = "Greenwashing"
        weight = 2
        terms = ["greenwash*", "fake * claims"]
        exclude = ["greenwashing guide"]
        """
    )
    assert taxonomy.classify("Acme is greenwashing again") == ("greenwashing",)
    assert taxonomy.classify("their fake eco claims") == ("greenwashing",)
    assert taxonomy.classify("read our greenwashing guide") == ()
    assert taxonomy.weights == {"greenwashing": 2}


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not toml = [", "not valid TOML"),
        ("[other]\nx = 1", "needs a [types.<key>] table"),
        ('[types.Bad-Key]\nterms = ["x"]', "lower_snake_case"),
        ("[types.a]\nterms = []", "types.a.terms"),
        ('[types.a]\nterms = ["x"]\nweight = 7', "types.a.weight"),
        ('[types.a]\nterms = ["x"]\nexclude = "y"', "types.a.exclude"),
        ('[types.a]\nterms = ["x"]\nnegative_only = "yes"', "types.a.negative_only"),
    ],
)
def test_a_malformed_taxonomy_is_refused_with_its_place(text: str, complaint: str) -> None:
    with pytest.raises(TaxonomyError, match="taxonomy"):
        Taxonomy.from_toml(text)
    with pytest.raises(TaxonomyError) as error:
        Taxonomy.from_toml(text)
    assert complaint in str(error.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(TaxonomyError) as error:
        Taxonomy.from_toml('[types.a]\nterms = []\n[types.b]\nterms = ["x"]\nweight = 0')
    assert "types.a.terms" in str(error.value) and "types.b.weight" in str(error.value)


def test_regex_characters_in_terms_are_literal() -> None:
    taxonomy = Taxonomy.from_toml('[types.a]\nterms = ["c++ (bug)", "a.b"]')
    assert taxonomy.classify("a c++ (bug) here") == ("a",)
    assert taxonomy.classify("axb") == ()


def test_the_development_set_is_classified_well() -> None:
    """Our own labelled set (87 texts, every type, negations and look-alikes): micro F1 of at least 0.9.

    Sentiment is left out here on purpose (the words alone must carry it); a held-back set judges too.
    """
    true_positives = false_positives = false_negatives = 0
    for line in DEV_SET.read_text(encoding="utf-8").splitlines()[:87]:  # the first 87, English
        item = json.loads(line)
        found, wanted = set(TAXONOMY.classify(item["text"])), set(item["crisis_types"])
        true_positives += len(found & wanted)
        false_positives += len(found - wanted)
        false_negatives += len(wanted - found)
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    assert 2 * precision * recall / (precision + recall) >= 0.9


def test_a_taxonomy_file_is_loaded_or_refused_clearly(tmp_path: Path) -> None:
    own = tmp_path / "crisis_types.toml"
    own.write_text('[types.greenwashing]\nterms = ["greenwash*"]\n', encoding="utf-8")
    assert load_taxonomy(str(own)).classify("pure greenwashing") == ("greenwashing",)
    with pytest.raises(TaxonomyError, match="cannot be read"):
        load_taxonomy(str(tmp_path / "missing.toml"))
