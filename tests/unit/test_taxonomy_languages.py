"""Crisis types in English, German and Spanish: every rule of the term syntax and of negation, in each
language; the file format's refusals; inputs that must never raise or hang; the dev set per language."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crisiswatch.domain.detection.taxonomy import Taxonomy, TaxonomyError, default_taxonomy, load_taxonomy

TAXONOMY = default_taxonomy()
DEV_SET = Path(__file__).resolve().parents[1] / "data" / "crisis_types_dev.jsonl"


def tags(text: str, lang: str | None) -> tuple[str, ...]:
    return TAXONOMY.classify(text, lang=lang)


@pytest.mark.parametrize(
    ("text", "lang", "crisis_type"),
    [
        # inflection: a * at the end takes any ending
        ("Acme recalled the cans", "en", "product_failure"),
        ("Acme recalls three flavours", "en", "product_failure"),
        ("Rückrufe bei Acme für drei Sorten", "de", "product_failure"),
        ("Acme wurde gehackt", "de", "data_breach"),
        # compounds: a * at the start finds the word inside a German compound, hyphenated or not
        ("Produktrückruf bei Acme", "de", "product_failure"),
        ("Die Rückrufaktion läuft seit heute", "de", "product_failure"),
        ("Kundendaten-Leck bei Acme", "de", "data_breach"),
        ("Datenpanne bei Acme", "de", "data_breach"),
        ("Boykottaufruf gegen Acme", "de", "boycott"),
        # hashtags: the word as a hashtag, a compound inside a hashtag, a phrase run together
        ("#Rückruf bei Acme", "de", "product_failure"),
        ("#BoykottAcme", "de", "boycott"),
        ("#AcmeBoycott", "en", "boycott"),
        ("#StopBuyingAcme", "en", "boycott"),
        # a German verb split around its object: "ruft ... zurück"
        ("Acme ruft Kaffeedosen der Charge 12 zurück", "de", "product_failure"),
        # umlauts written out, ß as ss
        ("Rueckruf bei Acme", "de", "product_failure"),
        ("RÜCKRUF!", "de", "product_failure"),
        # mixed: English terms in a German post
        ("data breach bei Acme bestätigt", "de", "data_breach"),
        # Spanish: inflection, a hashtag, a gap, and English mixed in
        ("Acme retira del mercado dos lotes de galletas", "es", "product_failure"),
        ("me hackearon la cuenta de Acme", "es", "data_breach"),
        ("#BoicotAcme", "es", "boycott"),
        ("Difundidlo antes de que lo borren", "es", "misinformation"),
        ("data breach en Acme confirmado", "es", "data_breach"),
    ],
)
def test_a_term_is_found_through_inflection_compounds_hashtags_and_split_verbs(
    text: str, lang: str, crisis_type: str
) -> None:
    assert crisis_type in tags(text, lang)


def test_a_leading_star_looks_inside_words_only_in_a_compounding_language() -> None:
    assert tags("Produktrückrufe", "de") == ("product_failure",)
    assert tags("#Produktrückruf", "en") == ("product_failure",), "inside a hashtag in every language"
    assert tags("produktrückruf", "en") == (), "English does not glue words together"


@pytest.mark.parametrize(
    ("text", "lang", "cue"),
    [
        ("There is no recall", "en", "no"),
        ("Acme was never hacked", "en", "never"),
        ("Es gibt keinen Rückruf", "de", "keinen"),
        ("kein Rückruf bei Acme", "de", "kein"),
        ("Acme wurde nicht gehackt", "de", "nicht"),
        ("No hay ningún hackeo en Acme", "es", "ningún"),
        ("Acme nunca fue hackeada", "es", "nunca"),
    ],
)
def test_a_negation_before_a_term_cancels_it_and_says_which_word(text: str, lang: str, cue: str) -> None:
    assert tags(text, lang) == ()
    assert [match.cue for match in TAXONOMY.matches(text, lang)] == [cue]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("not only a recall, a lawsuit too", "en"),
        ("Nicht nur ein Rückruf, auch ein Datenleck", "de"),
        ("No solo retiran del mercado las galletas, también los cereales", "es"),
    ],
)
def test_a_negation_exception_does_not_negate(text: str, lang: str) -> None:
    assert "product_failure" in tags(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the breach story is fake", "en"),
        ("the recall is fake", "en"),
        ("das mit dem Rückruf ist ein Fake", "de"),
        ("der Rückruf stimmt nicht", "de"),
        ("Rückruf bei Acme, das ist ein Fake", "de"),
        ("lo del hackeo es falso", "es"),
        ("la retirada del mercado no es cierta", "es"),
    ],
)
def test_a_denial_after_a_term_cancels_it(text: str, lang: str) -> None:
    assert not {"product_failure", "data_breach"} & set(tags(text, lang))
    assert all(match.cue for match in TAXONOMY.matches(text, lang) if match.crisis_type != "misinformation")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("no joke but the recall is real", "en"),
        ("not great, but a recall now", "en"),
        ("kein Witz, aber der Rückruf ist echt", "de"),
        ("kein Scherz aber Rückruf bei Acme", "de"),
        ("Nein. Acme ruft die Dosen zurück", "de"),
        ("no es broma pero Acme retira del mercado las latas", "es"),
    ],
)
def test_a_clause_break_ends_the_scope_of_a_negation(text: str, lang: str) -> None:
    assert tags(text, lang) == ("product_failure",)


def test_a_negation_inside_a_gap_is_a_different_statement() -> None:
    assert "product_failure" not in tags("Acme ruft die Dosen nicht zurück", "de")


def test_the_posts_language_chooses_the_negations_and_also_read_adds_english_to_german() -> None:
    assert tags("the recall is fake", "de") == ("misinformation",), "German posts read English denials"
    assert [match.cue for match in TAXONOMY.matches("kein Rückruf", "en")] == [""], (
        "English does not read kein"
    )
    assert tags("kein Rückruf", "en") == ("product_failure",)


@pytest.mark.parametrize("lang", [None, "", "und", "fr", "zz-ZZ"])
def test_no_language_or_an_unknown_one_reads_every_language(lang: str | None) -> None:
    assert tags("Acme Rückruf", lang) == ("product_failure",)
    assert tags("data breach at Acme", lang) == ("data_breach",)
    assert tags("kein Rückruf", lang) == ()
    assert tags("no recall", lang) == ()


@pytest.mark.parametrize("lang", ["de-AT", "de_CH", "DE"])
def test_a_regional_tag_reads_as_its_language(lang: str) -> None:
    assert tags("kein Rückruf", lang) == ()
    assert tags("Rückruf, the recall is fake", lang) == ("misinformation",)


def test_exclusions_hold_in_both_languages() -> None:
    assert tags("bitte um Rückruf", "de") == ()
    assert tags("I recall the old logo", "en") == ()
    assert tags("boicot a mi dieta jaja", "es") == ()
    assert tags("precios por defecto en la app de Acme", "es") == ()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("tried the new oat latte. verdict: my new favourite", "en"),
        ("this cold brew is dangerously drinkable", "en"),
        ("Die neue Sorte ist gefährlich lecker", "de"),
        ("el pan de Acme está de muerte", "es"),
        ("me muero de risa con el anuncio de Acme", "es"),
    ],
)
def test_praise_idioms_are_no_legal_or_safety_report(text: str, lang: str) -> None:
    assert "legal_safety" not in TAXONOMY.classify(text, lang=lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The jury verdict against Acme came in today: $4m", "en"),
        ("dangerous levels of lead in the Acme kettles", "en"),
        ("Gefährliche Keime im Acme-Salat gefunden", "de"),
        ("me intoxiqué con la ensalada de Acme", "es"),
    ],
)
def test_courts_and_dangers_still_are(text: str, lang: str) -> None:
    assert "legal_safety" in TAXONOMY.classify(text, lang=lang)


def test_a_match_names_its_rule_and_language() -> None:
    [match] = TAXONOMY.matches("Produktrückruf bei Acme", "de")
    assert (match.crisis_type, match.term, match.rule, match.lang, match.negated) == (
        "product_failure",
        "produktrückruf",
        "*rückruf*",
        "de",
        False,
    )
    assert len(TAXONOMY.matches("Acme-Boykott", "de")) == 1, "a word and a compound of it: one match"


# -- a team's own file --------------------------------------------------------------------------------

TEAM_FILE = """
[languages.fr]
name = "Français"
negations = ["pas", "aucun*", "jamais"]
denials = ["est {faux|une rumeur}"]
clause_breaks = ["mais"]

[types.greenwashing]
label = "Greenwashing"
weight = 2
terms.en = ["greenwash*", "fake {eco|green} claims"]
terms.de = ["*grünfärberei*", "grün ... gewaschen"]
terms.fr = ["écoblanchiment"]
exclude.en = ["greenwashing guide"]
"""


def test_a_team_file_adds_its_own_types_and_a_language(tmp_path: Path) -> None:
    path = tmp_path / "crisis_types.toml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    taxonomy = load_taxonomy(str(path))
    assert [crisis_type.key for crisis_type in taxonomy.types] == ["greenwashing"]
    assert taxonomy.weights == {"greenwashing": 2}
    assert sorted(taxonomy.languages) == ["de", "en", "es", "fr"], "the packaged languages stay"
    assert taxonomy.classify("Acme is greenwashing", lang="en") == ("greenwashing",)
    assert taxonomy.classify("their fake green claims", lang="en") == ("greenwashing",)
    assert taxonomy.classify("read our greenwashing guide", lang="en") == ()
    assert taxonomy.classify("Reine Grünfärberei von Acme", lang="de") == ("greenwashing",)
    assert taxonomy.classify("Acme hat sich grün gewaschen", lang="de") == ("greenwashing",)
    assert taxonomy.classify("keine Grünfärberei", lang="de") == ()
    assert taxonomy.classify("Acme: écoblanchiment", lang="fr") == ("greenwashing",)
    assert taxonomy.classify("pas d'écoblanchiment", lang="fr") == ()
    assert taxonomy.classify("l'écoblanchiment est faux", lang="fr") == ()
    assert taxonomy.classify("pas vrai, mais écoblanchiment", lang="fr") == ("greenwashing",)


def test_a_plain_list_of_terms_is_read_in_every_language() -> None:
    taxonomy = Taxonomy.from_toml('[types.a]\nterms = ["greenwash*"]')
    assert taxonomy.classify("greenwashing", lang="de") == ("a",)
    assert taxonomy.classify("no greenwashing", lang="en") == ()


def test_a_malformed_file_is_refused_with_every_problem_listed() -> None:
    text = """
    [colours]
    x = 1

    [languages.english]
    negations = "no"

    [languages.de]
    clause_breaks = ["aber doch"]
    also_read = ["xx"]
    flavour = true

    [types.Bad-Key]
    terms = ["x"]

    [types.a]
    terms.en = []
    terms.xx = ["y"]
    weight = 7

    [types.b]
    terms = ["{a|b", "a|b", "... x", "*", "x ... ... y", "{|}"]
    exclude = "y"
    negative_only = "yes"
    colour = "red"
    """
    with pytest.raises(TaxonomyError) as raised:
        Taxonomy.from_toml(text, "team.toml")
    problems = raised.value.problems
    expected = [
        'unknown table "colours"',
        "languages.english: the code",
        "languages.english.negations",
        "languages.de.clause_breaks[0]",
        "languages.de.also_read[0] 'xx'",
        'languages.de: unknown key "flavour"',
        "types.Bad-Key: key must be lower_snake_case",
        "types.a.terms.xx: no [languages.xx] table",
        "types.a.weight",
        "types.b.terms[0] '{a|b': a { without its }",
        "types.b.terms[1] 'a|b': | only between alternatives",
        "types.b.terms[2] '... x': `...` must stand between two words",
        "types.b.terms[3] '*': needs a word besides * and ...",
        "types.b.terms[4] 'x ... ... y': two `...` in a row",
        "types.b.terms[5] '{|}': ",
        "types.b.exclude",
        "types.b.negative_only",
        'types.b: unknown key "colour"',
    ]
    for part in expected:
        assert any(part in problem for problem in problems), (part, problems)
    assert all(problem.startswith("team.toml: ") for problem in problems)
    assert len(problems) >= len(expected)
    for problem in problems:
        assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not toml = [", "not valid TOML"),
        ('[types.a]\nterms = ["{a|b}" ]\n[types.a.terms]', "not valid TOML"),
        (
            '[types.a]\nterms.en = ["{'
            + "|".join("abcdefghijklmnopqrstuvwxyz")
            + "}{"
            + "|".join("abcdefghijklmnopqrstuvwxyz")
            + '}"]',
            "spells 676 ways",
        ),
    ],
)
def test_a_malformed_file_names_what_is_wrong(text: str, complaint: str) -> None:
    with pytest.raises(TaxonomyError, match=complaint):
        Taxonomy.from_toml(text)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crisis_types.toml"
    path.write_bytes(b'[types.a]\nterms = ["r\xfcckruf"]\n')
    with pytest.raises(TaxonomyError, match="not UTF-8"):
        load_taxonomy(str(path))


# -- inputs that must never raise, nor take quadratic time ----------------------------------------------

ODD_TEXTS = [
    "",
    " ",
    "\x00recall\x00",
    "Rückruf \ud800 recall \udfff",  # lone surrogates
    "Rück\u200bruf r\u200deca\u00adll \ufeff#Boy\u200ckott",  # zero-width, soft hyphen, BOM
    "\u202eRückruf\u202c مرحبا recall שלום",  # direction marks, Arabic, Hebrew
    "Ru\u0308ckruf re\u0301call ＲＥＣＡＬＬ 𝐫𝐞𝐜𝐚𝐥𝐥 ﬁre",  # combining marks, full-width, maths, ligature
    "🙂" * 50 + " #" + "#" * 50,
    "{a|b} ... * (?:x) \\ [ ] $ ^",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("lang", [None, "en", "de", "und", "xx-YY", ""])
def test_any_text_is_read_without_raising(text: str, lang: str | None) -> None:
    TAXONOMY.matches(text, lang)
    TAXONOMY.classify(text, sentiment=-0.5, lang=lang)


def test_odd_unicode_still_finds_the_term() -> None:
    assert tags("Rück\u200bruf bei Acme", "de") == ("product_failure",)
    assert tags("Ru\u0308ckruf bei Acme", "de") == ("product_failure",)
    assert tags("ＲＥＣＡＬＬ", "en") == ("product_failure",)


def _pathological_posts() -> list[str]:
    """100 KB posts of one word chained by one separator, where a regex that backtracks takes quadratic
    time: words that start a ``...`` term, a negation, hashtags. Unbounded, the gap took over a minute
    on one such post; only completing counts here, the suite's timeout catches a regression."""
    posts = []
    for word in ("pulled", "ruft", "leaked", "stolen", "gestohlen", "someone", "kein", "stop", "x"):
        for separator in ("-", ".", ",", "'", " ", " - ", "'s ", "\n", "#", "_", ".a"):
            posts.append(separator.join([word] * (100_000 // (len(word) + len(separator)))))
    posts.append("ruft " + "a " * 50_000 + "zurück")
    posts.append("pulled" + " " * 100_000 + "shelves")
    posts.append("#" * 100_000)
    return posts


def test_long_and_pathological_posts_complete() -> None:
    for post in _pathological_posts():
        TAXONOMY.classify(post, lang="de")
        TAXONOMY.classify(post, lang=None)
    dense = "Acme ruft die Dosen nicht zurück, aber #BoykottAcme! no recall but data breach. " * 1200
    found = TAXONOMY.classify(dense, lang="de")
    assert {"data_breach", "boycott"} <= set(found) and "product_failure" not in found
    assert TAXONOMY.classify("recall " + "." * 100_000, lang="en") == ("product_failure",)


# -- the dev set ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de", "es"])
def test_the_dev_set_reaches_the_target_in_each_language(lang: str) -> None:
    """Macro-F1 over the eight types, words alone (no sentiment). The target is 0.8; the dev set is what
    the terms were tuned on, so it must stay well above (`python -m bench.crisis_types` shows both sets)."""
    items = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[str, Counter[str]] = {key: Counter() for key in TAXONOMY.weights}
    for item in items:
        if item["lang"] != lang:
            continue
        found, wanted = set(TAXONOMY.classify(item["text"], lang=lang)), set(item["crisis_types"])
        for key, count in counts.items():
            count["tp"] += key in found & wanted
            count["fp"] += key in found - wanted
            count["fn"] += key in wanted - found
    f1s = [2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"]) if c["tp"] else 0.0 for c in counts.values()]
    assert sum(f1s) / len(f1s) >= 0.9
