"""fastText's model through the adapter, as the Lambda runs it: real posts in both languages, bad input.

The model comes from the built LanguageLayer (`make build`) or LANGUAGE_MODEL_FILE. Accuracy figures
belong to `python -m bench.language`; here each case is one a reader would call obvious.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisiswatch.adapters.language import FastTextIdentifier
from crisiswatch.domain.listening.language import LanguageResolver, resolve_language
from crisiswatch_ops.analysis import AnalysisError, language_model_file

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "data" / "language_dev.jsonl"


@pytest.fixture(scope="module")
def identifier() -> FastTextIdentifier:
    try:
        model = language_model_file(ROOT)
    except AnalysisError as error:
        pytest.fail(str(error))
    identifier = FastTextIdentifier(str(model))
    assert identifier.load()
    return identifier


@pytest.fixture(scope="module")
def resolver(identifier: FastTextIdentifier) -> LanguageResolver:
    return LanguageResolver(identifier, ("de", "en"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Kaffee von Acme war heute wieder lauwarm und die Bedienung total unfreundlich.", "de"),
        ("Warum dauert eine Rückerstattung bei euch eigentlich sechs Wochen?", "de"),
        ("Ich warte seit 45 Minuten in der Hotline-Warteschleife. Unfassbar.", "de"),
        ("Der neue Burger ist echt nice, aber der Service war ein totaler fail", "de"),
        ("Sorry aber das Customer Experience Team hat null Plan", "de"),
        ("The Acme coffee was lukewarm again today and the staff were rude.", "en"),
        ("Why does a refund take six weeks with you guys?", "en"),
        ("Just had the worst Kundenservice ever at the Berlin store", "en"),
        ("Le service client ne répond jamais, c'est inadmissible", "fr"),
        ("El café de Acme estaba frío y el servicio fue muy lento hoy", "es"),
        ("Служба поддержки вообще не отвечает, это позор", "ru"),
        ("カスタマーサービスが全然電話に出ない。ひどい。", "ja"),
        ("@acme_de warum ist meine Bestellung storniert worden? https://acme.example/o/123 #fail", "de"),
        ("@acme why was my order cancelled? https://acme.example/o/123 #fail", "en"),
    ],
)
def test_posts_are_identified(resolver: LanguageResolver, text: str, expected: str) -> None:
    assert resolver.resolve(text, "und").lang == expected


@pytest.mark.parametrize(
    ("text", "tag", "expected"),
    [
        ("Der Kaffee von Acme war heute wieder lauwarm und die Bedienung total unfreundlich.", "en", "de"),
        ("The Acme coffee was lukewarm again today and the staff were rude.", "de", "en"),
        ("Schöne Grüße", "en", "en"),  # too short to overrule
        ("Der neue Burger ist echt nice", "de", "de"),
    ],
)
def test_tags_are_kept_unless_they_clearly_lie(
    resolver: LanguageResolver, text: str, tag: str, expected: str
) -> None:
    assert resolver.resolve(text, tag).lang == expected


def test_the_dev_set_is_mostly_right(resolver: LanguageResolver) -> None:
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = sum(resolver.resolve(row["text"], "und").lang == row["lang"] for row in rows)
    assert right >= 0.9 * len(rows)  # the figure itself is printed by `python -m bench.language`


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\r\n",
        "a\ud800b Kaffee \udfff",
        "\u200b\u200c\u200d\ufeff",
        "مرحبا \u202e gnirts desrever \u202c",
        "\x00\x01\x02 nul",
        "🏳️‍🌈👨‍👩‍👧" * 50,
        "x" * 100_000,
        "Kaffee " * 20_000,
        "\U0010ffff\U000e0001",
    ],
)
def test_awkward_text_gets_an_answer_never_an_exception(identifier: FastTextIdentifier, text: str) -> None:
    identifier.guesses(text)
    decision = resolve_language(text, "und", identifier)
    assert isinstance(decision.lang, str) and decision.lang


def test_a_missing_model_leaves_mentions_undetermined(tmp_path: Path) -> None:
    identifier = FastTextIdentifier(str(tmp_path / "missing.ftz"))

    assert identifier.load() is False
    assert identifier.guesses("Der Kaffee war kalt") == []
    assert LanguageResolver(identifier).resolve("Der Kaffee war heute kalt und teuer", "und").lang == "und"


AWKWARD = st.sampled_from(
    ["\ud800", "\udfff", "\u200b", "\u200d", "\u202e", "\ufeff", "\x00", "\n", "@acme", "#Rückruf",
     "https://acme.example/a?b=c", ":-(", "😡", "🏳️‍🌈", "STOP", "Kaffee", "coffee", " ", "ß", "İ", "ﬁ"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.characters(), AWKWARD), max_size=120).map("".join)
TAGS = st.one_of(st.sampled_from(["und", "de", "en-US", "zh-Hant", "de,en", "zxx", ""]), st.text(max_size=20))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, tag=TAGS)
def test_identification_never_raises(resolver: LanguageResolver, text: str, tag: str) -> None:
    decision = resolve_language(text, tag, resolver.identifier, resolver.prior)
    assert decision.lang == "und" or decision.lang.isascii()
