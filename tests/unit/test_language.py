"""The language rules (domain/listening/language.py), scripted identifier: tags, lies, short, empty."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from crisiswatch.domain.listening.language import (
    DEFAULT_LANGUAGES,
    Evidence,
    LanguageResolver,
    languages_prior,
    normalise_tag,
    primary_language,
    readable_text,
    resolve_language,
    words_for_identification,
)
from crisiswatch.domain.listening.mentions import Mention, mention_from_dict, mention_to_dict


class Scripted:
    """Answers what it is told; records what it was asked."""

    def __init__(self, *guesses: tuple[str, float]) -> None:
        self.answer = list(guesses)
        self.asked: list[str] = []

    def guesses(self, text: str) -> Sequence[tuple[str, float]]:
        self.asked.append(text)
        return self.answer


class Broken:
    def guesses(self, text: str) -> Sequence[tuple[str, float]]:
        raise RuntimeError("model exploded")


GERMAN = "Der Kaffee von Acme war heute wieder lauwarm und die Bedienung total unfreundlich."
ENGLISH = "The Acme coffee was lukewarm again today and the staff were rude."


@pytest.mark.parametrize(
    ("tag", "codes"),
    [
        ("de", ("de",)),
        ("de-DE", ("de",)),
        ("en_US", ("en",)),
        ("EN-gb", ("en",)),
        ("zh-Hant", ("zh",)),
        ("pt-BR", ("pt",)),
        ("deu", ("de",)),
        ("ger", ("de",)),
        ("gsw", ("de",)),
        ("iw", ("he",)),
        ("de,en", ("de", "en")),
        ("en, en-GB ,de", ("en", "de")),
        ("und", ()),
        ("", ()),
        ("zxx", ()),
        ("mul", ()),
        ("qme", ()),
        ("qht", ()),
        ("english", ()),
        ("12", ()),
        ("🇩🇪", ()),
    ],
)
def test_tags_are_normalised_to_base_codes(tag: str, codes: tuple[str, ...]) -> None:
    assert normalise_tag(tag) == codes


def test_primary_language_and_prior() -> None:
    assert primary_language("de-AT") == "de"
    assert primary_language("zxx") == "und"
    assert languages_prior(["de", "en", "de-CH"]) == ("de", "en")
    assert languages_prior([]) == DEFAULT_LANGUAGES


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("@acme_de Warum?? https://acme.example/x 😡 #fail", "Warum fail"),
        ("STOP SMOKING!!! I said", "stop smoking I said"),
        ("Grüße aus Köln, 3x bestellt", "Grüße aus Köln x bestellt"),
        ("it's 2024", "it's"),
        ("😡😡😡", ""),
        ("@acme @acme_help", ""),
        ("#acme #fail", ""),
        ("🤮🤮 #fail", ""),
        (":-) :-(", ""),
        ("\u200b\u200b", ""),
        ("12345 ...", ""),
        ("", ""),
    ],
)
def test_the_identifier_reads_words_only(text: str, line: str) -> None:
    assert words_for_identification(text) == line


def test_readable_text_drops_links_and_handles_but_keeps_hashtags() -> None:
    assert readable_text("@acme love it #best https://a.example/x www.b.example") == "love it #best"


@pytest.mark.parametrize(
    "text", ["", "   ", "😡😡😡", "https://acme.example/recall", "@acme", "#acme", "!!!"]
)
@pytest.mark.parametrize("tag", ["und", "de", "en"])
def test_text_without_words_has_no_language_whatever_its_tag(text: str, tag: str) -> None:
    identifier = Scripted(("en", 0.99))

    decision = resolve_language(text, tag, identifier)

    assert (decision.lang, decision.evidence) == ("und", Evidence.NO_WORDS)
    assert identifier.asked == []


@pytest.mark.parametrize(
    ("text", "tag"), [(GERMAN, "de"), (ENGLISH, "en"), (GERMAN, "de-DE"), (ENGLISH, "en_GB")]
)
def test_a_tag_that_agrees_wins(text: str, tag: str) -> None:
    guess = "de" if text is GERMAN else "en"
    decision = resolve_language(text, tag, Scripted((guess, 0.98)))
    assert (decision.lang, decision.evidence) == (guess, Evidence.TAG)


@pytest.mark.parametrize(("text", "tag", "truth"), [(GERMAN, "en", "de"), (ENGLISH, "de", "en")])
def test_a_tag_that_lies_is_overruled_by_a_sure_guess_on_a_long_text(text: str, tag: str, truth: str) -> None:
    decision = resolve_language(text, tag, Scripted((truth, 0.97)))
    assert (decision.lang, decision.evidence) == (truth, Evidence.OVERRULED)


@pytest.mark.parametrize("confidence", [0.5, 0.89])
def test_an_unsure_guess_leaves_the_tag(confidence: float) -> None:
    decision = resolve_language(GERMAN, "en", Scripted(("de", confidence)))
    assert (decision.lang, decision.evidence) == ("en", Evidence.TAG)


@pytest.mark.parametrize(("text", "tag"), [("Schöne Grüße", "en"), ("Nice one", "de")])
def test_a_short_tagged_text_keeps_its_tag_however_sure_the_guess(text: str, tag: str) -> None:
    identifier = Scripted(("fr", 0.99))
    assert resolve_language(text, tag, identifier).lang == tag
    assert identifier.asked == []  # too short to overrule: not even asked


def test_a_tag_is_trusted_without_an_identifier() -> None:
    assert resolve_language(GERMAN, "en", None).lang == "en"
    assert resolve_language(GERMAN, "und", None).evidence is Evidence.UNKNOWN


@pytest.mark.parametrize(("text", "truth"), [(GERMAN, "de"), (ENGLISH, "en")])
def test_untagged_text_is_identified(text: str, truth: str) -> None:
    identifier = Scripted((truth, 0.9), ("nl", 0.05))
    decision = resolve_language(text, "und", identifier)
    assert (decision.lang, decision.evidence) == (truth, Evidence.IDENTIFIED)
    assert identifier.asked == [words_for_identification(text)]


def test_the_brands_languages_outweigh_a_weak_foreign_guess() -> None:
    # "Love the new flavour, echt lecker!": fastText says Dutch 0.42, English 0.09.
    text = "Love the new flavour, echt lecker!"
    guesses = Scripted(("nl", 0.42), ("en", 0.09), ("de", 0.01))

    assert resolve_language(text, "und", guesses, prior=("de", "en")).lang == "en"
    assert resolve_language(text, "und", guesses, prior=("fr",)).lang == "nl"


def test_a_clear_foreign_language_stays_foreign() -> None:
    text = "Le service client ne répond jamais, c'est inadmissible"
    assert resolve_language(text, "und", Scripted(("fr", 0.98), ("en", 0.01))).lang == "fr"


@pytest.mark.parametrize(
    ("text", "guesses", "prior", "expected"),
    [
        ("Danke!", [("da", 0.4), ("de", 0.3), ("en", 0.1)], ("de", "en"), "de"),
        ("Thanks!", [("it", 0.4), ("en", 0.3), ("de", 0.1)], ("de", "en"), "en"),
        ("Schade", [("en", 0.3), ("de", 0.2)], ("de",), "de"),
        ("lol", [("it", 0.5)], ("de", "en"), "de"),
        ("lol", [("it", 0.5)], ("en", "de"), "en"),
    ],
)
def test_too_few_letters_to_judge_falls_to_the_brands_languages(
    text: str, guesses: list[tuple[str, float]], prior: tuple[str, ...], expected: str
) -> None:
    decision = resolve_language(text, "und", Scripted(*guesses), prior=prior)
    assert (decision.lang, decision.evidence) == (expected, Evidence.PRIOR)


class WithBaseRate(Scripted):
    """Answers `guesses` for a text, and `base_rate` for no words at all (the model's base rate)."""

    def __init__(self, guesses: list[tuple[str, float]], base_rate: list[tuple[str, float]]) -> None:
        super().__init__(*guesses)
        self.base_rate = base_rate

    def guesses(self, text: str) -> Sequence[tuple[str, float]]:
        return self.base_rate if not text.strip() else super().guesses(text)


BASE_RATE = [("en", 0.12), ("ca", 0.09), ("de", 0.08)]


@pytest.mark.parametrize(
    ("text", "guesses", "expected"),
    [
        ("Nope, sorry.", [("de", 0.6), ("en", 0.2)], "de"),  # a clear lead (3x) holds
        ("Tolle Sache", [("de", 0.4), ("en", 0.2)], "de"),  # exactly twice: still clear
        ("so cool!!", [("de", 0.3), ("en", 0.2)], "en"),  # a near-tie: the base rate decides
        ("hey girl", [("nl", 0.5), ("en", 0.2), ("de", 0.15)], "en"),
        ("yo chica", [("es", 0.8)], "en"),  # neither rated: the base rate, not the brand's order
    ],
)
def test_a_short_post_near_a_tie_is_read_by_the_models_base_rate(
    text: str, guesses: list[tuple[str, float]], expected: str
) -> None:
    decision = resolve_language(text, "und", WithBaseRate(guesses, BASE_RATE), prior=("de", "en"))
    assert (decision.lang, decision.evidence) == (expected, Evidence.PRIOR)


def test_the_base_rate_only_chooses_among_the_brands_languages() -> None:
    base_rate = [("fr", 0.3), ("de", 0.1), ("en", 0.05)]
    decision = resolve_language("merci!!", "und", WithBaseRate([("fr", 0.9)], base_rate), prior=("en", "de"))
    assert decision.lang == "de"


def test_without_a_base_rate_a_near_tie_keeps_the_higher_rated_then_the_brands_order() -> None:
    assert (
        resolve_language("so cool!!", "und", WithBaseRate([("de", 0.3), ("en", 0.2)], []), ("de", "en")).lang
        == "de"
    )
    assert resolve_language("yo chica", "und", WithBaseRate([("es", 0.8)], []), ("en", "de")).lang == "en"


def test_a_near_tie_on_a_post_long_enough_to_judge_is_not_a_short_post() -> None:
    text = "Lieferung kam heute endlich an"
    decision = resolve_language(
        text, "und", WithBaseRate([("de", 0.3), ("en", 0.2)], BASE_RATE), ("de", "en")
    )
    assert (decision.lang, decision.evidence) == ("de", Evidence.IDENTIFIED)


@pytest.mark.parametrize(
    ("text", "code"),
    [("最悪", "ja"), ("Ужас", "ru"), ("خدمة سيئة", "ar"), ("Η εξυπηρέτηση πελατών δεν απαντά ποτέ", "el")],
)
def test_other_scripts_are_identified_even_when_short(text: str, code: str) -> None:
    decision = resolve_language(text, "und", Scripted((code, 0.6), ("en", 0.01)), prior=("de", "en"))
    assert (decision.lang, decision.evidence) == (code, Evidence.IDENTIFIED)


def test_several_tags_narrow_the_choice() -> None:
    # Bluesky's `langs`: the author posts in German and English; the model leans to Dutch.
    guesses = Scripted(("nl", 0.5), ("de", 0.3), ("en", 0.1))
    assert resolve_language(GERMAN, "de,en", guesses).lang == "de"
    assert resolve_language(GERMAN, "de,en", Scripted(("fr", 0.95))).lang == "fr"  # clearly neither


@pytest.mark.parametrize("identifier", [Broken(), Scripted()])
def test_a_failing_or_silent_identifier_gives_und_not_an_exception(identifier: object) -> None:
    resolver = LanguageResolver(identifier)  # type: ignore[arg-type]
    assert resolver.resolve(GERMAN, "und").lang == "und"
    assert resolver.resolve(GERMAN, "de").lang == "de"


def test_model_codes_are_merged_into_base_languages() -> None:
    # Swiss German (als) counts as German: the German analyzer is its best reader.
    text = "Grüezi mitenand, händ ihr au e Filiale in Züri oder nöd?"
    assert resolve_language(text, "und", Scripted(("als", 0.5), ("de", 0.2), ("nl", 0.3))).lang == "de"


def _mention(lang: str, text: str = GERMAN) -> Mention:
    return Mention(
        source="mastodon",
        native_id="1",
        brand="Acme",
        created_at=datetime(2024, 5, 1, tzinfo=UTC),
        text=text,
        lang=lang,
    )


@pytest.mark.parametrize(
    ("lang", "guess", "expected", "lang_tag"),
    [
        ("und", ("de", 0.95), "de", "und"),
        ("de", ("de", 0.95), "de", ""),
        ("de-de", ("de", 0.95), "de", "de-de"),
        ("en", ("de", 0.95), "de", "en"),
    ],
)
def test_a_stamped_mention_keeps_the_sources_tag_when_it_differs(
    lang: str, guess: tuple[str, float], expected: str, lang_tag: str
) -> None:
    stamped = LanguageResolver(Scripted(guess)).stamp(_mention(lang))

    assert (stamped.lang, stamped.lang_tag) == (expected, lang_tag)
    assert mention_from_dict(mention_to_dict(stamped), "Acme") == stamped
