"""German sentiment: the same contract as VADER's compound, with German grammar.

Every sentence here was written for these tests (none comes from a benchmark set). A rule of reading
(negation, contrast, derivation, symbols) is checked by the way the text leans before calibration (the
sign of the sum, `lean`) or by comparing two texts that differ only in what the rule reads; plain
sentences and the rules about how customers talk are checked by the label of the calibrated compound
(negative <= -0.05 < neutral < 0.05 <= positive, the shared thresholds): the calibration's neutral band
leaves faint praise ("Das ist nicht schlecht") neutral, as people label it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crisiswatch.adapters.german_sentiment import GermanSentiment
from crisiswatch.domain.detection.scoring import NEGATIVE_COMPOUND, SentimentAnalyzer
from crisiswatch.domain.detection.taxonomy import POSITIVE_COMPOUND

LEXICON = Path(__file__).resolve().parents[2] / "layers" / "vader_lexicon" / "german_lexicon.tsv"


@pytest.fixture(scope="module")
def de() -> GermanSentiment:
    return GermanSentiment.from_file(LEXICON)


def label(analyzer: GermanSentiment, text: str) -> str:
    value = analyzer.compound(text)
    if value <= NEGATIVE_COMPOUND:
        return "negative"
    return "positive" if value >= POSITIVE_COMPOUND else "neutral"


def lean(analyzer: GermanSentiment, text: str) -> str:
    """Which way the text leans before calibration (the neutral band and the length scaling)."""
    reading = analyzer.reading(text)
    total = 0.0 if reading is None else reading.total
    return "negative" if total < 0 else "positive" if total > 0 else "neutral"


def contribution(analyzer: GermanSentiment, text: str, word: str) -> float:
    """What one word adds to the text's sum, after every rule (negation, boosters, contrast)."""
    found = [value for token, value in analyzer.explain(text) if token == word]
    assert found, f"{word!r} carries nothing in {text!r}: {analyzer.explain(text)}"
    return found[0]


def test_it_is_a_sentiment_analyzer(de: GermanSentiment) -> None:
    analyzer: SentimentAnalyzer = de
    assert -1.0 <= analyzer.compound("Der Service war super") <= 1.0


# -- plain words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Service war heute super", "positive"),
        ("Das Personal im Zug war sehr freundlich und hilfsbereit", "positive"),
        ("Das Essen im Bordbistro war schrecklich", "negative"),
        ("Die Toiletten sind schon wieder dreckig", "negative"),
        ("Der Zug fährt um acht Uhr ab Gleis drei", "neutral"),
        ("Ich bin schon am Bahnhof", "neutral"),
        ("Die Pressekonferenz beginnt morgen um zehn", "neutral"),
    ],
)
def test_words_carry_their_valence(de: GermanSentiment, text: str, expected: str) -> None:
    assert label(de, text) == expected


# -- negation and its scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das ist nicht gut", "negative"),
        ("Das war keine gute Idee", "negative"),
        ("Wir hatten keinen angenehmen Aufenthalt", "negative"),
        ("Mit keinem freundlichen Wort wurden wir begrüßt", "negative"),
        ("Keiner der Mitarbeiter war hilfsbereit", "negative"),
        ("Der Zug war nie pünktlich", "negative"),
        ("Der Zug war niemals pünktlich", "negative"),
        ("Niemand hilft einem weiter", "negative"),
        ("Nichts funktioniert hier", "negative"),
        ("Das ist nicht schlecht", "positive"),
        ("Ohne Probleme angekommen", "positive"),
        ("Die Fahrt war ohne Verspätung", "positive"),
        ("Kein Problem, gerne wieder", "positive"),
        ("Der Zug war weder pünktlich noch sauber", "negative"),
    ],
)
def test_negation_before_the_word(de: GermanSentiment, text: str, expected: str) -> None:
    assert lean(de, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Das gefällt mir nicht",
        "Das gefällt mir überhaupt nicht",
        "Der Zug kommt nicht",
        "Das WLAN funktioniert schon wieder nicht",
        "Die Klimaanlage geht nicht",
        "Ich mag den neuen Fahrplan nicht",
        "Ich empfehle diesen Anbieter niemals",
        "Die Durchsage hilft uns nicht",
        "Der Kundenservice antwortet nie",
    ],
)
def test_negation_after_the_verb_as_german_puts_it(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


def test_the_same_verbs_without_negation_are_not_negative(de: GermanSentiment) -> None:
    assert label(de, "Das gefällt mir") == "positive"
    assert label(de, "Das WLAN funktioniert") != "negative"
    assert label(de, "Der Zug kommt") == "neutral"


def test_noch_negates_only_after_weder(de: GermanSentiment) -> None:
    assert contribution(de, "Heute ist es noch schlimmer", "schlimmer") < 0
    assert contribution(de, "Weder pünktlich noch sauber", "sauber") < 0


def test_nicht_nur_is_no_negation(de: GermanSentiment) -> None:
    assert label(de, "Nicht nur pünktlich, sondern auch sauber") == "positive"


def test_negation_stops_at_the_end_of_its_clause(de: GermanSentiment) -> None:
    assert contribution(de, "Ich komme nicht mit, das Konzert war toll", "toll") > 0
    assert contribution(de, "Das Wetter ist nicht schön und die Bahn ist super", "super") > 0
    assert contribution(de, "Das Wetter ist nicht schön und die Bahn ist super", "schön") < 0


def test_negation_reaches_three_words_back_and_no_further(de: GermanSentiment) -> None:
    assert contribution(de, "Das ist nicht wirklich sehr gut", "gut") < 0
    assert contribution(de, "Nicht heute und morgen gut", "gut") > 0  # "und" ends the scope
    assert contribution(de, "Nicht in diesem Jahr im Sommer gut", "gut") > 0  # four words away


def test_a_negation_after_the_verb_spares_the_subject_noun(de: GermanSentiment) -> None:
    text = "Die Verspätung stört mich nicht"
    assert contribution(de, text, "Verspätung") < 0
    assert contribution(de, text, "stört") > 0


def test_a_negation_with_its_own_object_does_not_reach_back(de: GermanSentiment) -> None:
    text = "Ich mag keine Verspätungen"
    assert contribution(de, text, "mag") > 0
    assert contribution(de, text, "Verspätungen") > 0
    assert label(de, "Das hat mir nicht gefallen") == "negative"


# -- intensifiers and dampeners ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "booster", ["sehr", "total", "mega", "echt", "voll", "extrem", "absolut", "richtig", "so", "zu"]
)
def test_intensifiers_strengthen(de: GermanSentiment, booster: str) -> None:
    plain = de.compound("Der Service ist schlecht")
    assert de.compound(f"Der Service ist {booster} schlecht") < plain < 0
    assert de.compound(f"Das Personal ist {booster} freundlich") > de.compound("Das Personal ist freundlich")


@pytest.mark.parametrize("dampener", ["etwas", "kaum", "ziemlich", "eher", "ein bisschen", "wenig"])
def test_dampeners_weaken(de: GermanSentiment, dampener: str) -> None:
    plain = de.compound("Die Fahrt war anstrengend")
    assert plain < de.compound(f"Die Fahrt war {dampener} anstrengend")
    assert de.compound(f"Das Personal war {dampener} freundlich") < de.compound("Das Personal war freundlich")


def test_an_intensifier_strengthens_a_negation(de: GermanSentiment) -> None:
    assert de.compound("Das ist gar nicht gut") < de.compound("Das ist nicht gut") < 0


# -- contrast ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Die Fahrt war angenehm, aber", "das Personal war unfreundlich"),
        ("Die Fahrt war angenehm, jedoch", "das Personal war unfreundlich"),
        ("Die Fahrt war angenehm, doch", "das Personal war unfreundlich"),
        ("Die Fahrt war angenehm, allerdings", "war das Personal unfreundlich"),
        ("Die Fahrt war angenehm, trotzdem", "war das Personal unfreundlich"),
        ("Die Fahrt war angenehm, dennoch", "war das Personal unfreundlich"),
    ],
)
def test_the_clause_after_a_contrast_weighs_more(de: GermanSentiment, first: str, second: str) -> None:
    assert lean(de, f"{first} {second}") == "negative"
    flipped = f"{first.replace('angenehm', 'unangenehm')} {second.replace('unfreundlich', 'freundlich')}"
    assert lean(de, flipped) == "positive"


def test_contrast_halves_what_came_before(de: GermanSentiment) -> None:
    alone = contribution(de, "Die Fahrt war angenehm", "angenehm")
    assert contribution(de, "Die Fahrt war angenehm, aber lang", "angenehm") == pytest.approx(alone * 0.5)


def test_doch_inside_a_clause_is_a_particle_not_a_contrast(de: GermanSentiment) -> None:
    plain = contribution(de, "Das Personal war freundlich", "freundlich")
    assert contribution(de, "Das Personal war doch freundlich", "freundlich") == pytest.approx(plain)


# -- compounds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Zugausfall in Köln",
        "Schon wieder Zugausfälle auf der Strecke",
        "Totales Kundenservice-Desaster",
        "Verspätungsalarm am Hauptbahnhof",
        "Willkommen in der Servicewüste",
        "Bahnchaos am Montag",
        "Das war eine Horrorfahrt",
        "Der nächste Megastau",
        "Service-Katastrophe bei der Hotline",
    ],
)
def test_compounds_carry_the_sentiment_of_their_parts(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


def test_the_head_of_a_compound_decides(de: GermanSentiment) -> None:
    assert label(de, "Pünktlichkeitsproblem in Hamburg") == "negative"
    assert label(de, "Traumwetter an der Ostsee") == "positive"


def test_an_intensifying_modifier_strengthens_the_head(de: GermanSentiment) -> None:
    assert de.compound("Mega-Chaos") < de.compound("Chaos") < 0


@pytest.mark.parametrize("word", ["Kabinett", "Supermarkt", "Laptop", "Gutschein", "Atoll", "Bahnhof"])
def test_a_word_merely_ending_or_starting_like_a_sentiment_word_is_neutral(
    de: GermanSentiment, word: str
) -> None:
    assert de.compound(f"Das {word} ist heute geöffnet") == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Fahrt war problemlos", "positive"),
        ("Alles lief reibungslos", "positive"),
        ("Eine stressfreie Reise", "positive"),
        ("Die Lage ist hoffnungslos", "negative"),
        ("Das Personal war völlig hilflos", "negative"),
        ("Unfreundliches Personal am Schalter", "negative"),
        ("Unpünktlich wie immer", "negative"),
        ("Die Umbuchung war unproblematisch", "positive"),
    ],
)
def test_derivations_turn_the_polarity_of_their_base(de: GermanSentiment, text: str, expected: str) -> None:
    assert lean(de, text) == expected


# -- inflection, spelling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "enttäuschend",
        "Enttäuschung",
        "enttäuschte",
        "enttäuschten",
        "schlechteste",
        "Verspätungen",
        "Katastrophen",
        "nervige",
        "ärgerlichen",
    ],
)
def test_inflected_negative_forms(de: GermanSentiment, word: str) -> None:
    assert label(de, f"Das war {word}") == "negative"


@pytest.mark.parametrize(
    "word", ["freundliche", "freundlichen", "freundlicher", "besten", "tolle", "zufriedene"]
)
def test_inflected_positive_forms(de: GermanSentiment, word: str) -> None:
    assert label(de, f"Das war {word}") == "positive"


@pytest.mark.parametrize(
    ("umlaut", "plain"),
    [
        ("schön", "schoen"),
        ("Verspätung", "Verspaetung"),
        ("Müll", "Muell"),
        ("ärgerlich", "aergerlich"),
        ("Größte Frechheit", "Groesste Frechheit"),
        ("Grüße und danke", "Grüsse und danke"),
    ],
)
def test_umlaut_spellings_read_alike(de: GermanSentiment, umlaut: str, plain: str) -> None:
    assert de.compound(umlaut) == de.compound(plain)
    assert de.explain(umlaut) and [v for _, v in de.explain(umlaut)] == [v for _, v in de.explain(plain)]


def test_schon_is_not_schoen(de: GermanSentiment) -> None:
    assert de.compound("Wir sind schon da") == 0.0
    assert label(de, "Es ist schön da") == "positive"


def test_decomposed_umlauts_and_hidden_characters_read_alike(de: GermanSentiment) -> None:
    assert de.compound("scho\u0308n") == de.compound("schön")
    assert de.compound("ka\u200bputt") == de.compound("kaputt") < 0
    assert de.compound("Ent\u00adtäuschung") == de.compound("Enttäuschung")


def test_elongated_words_read_as_the_word(de: GermanSentiment) -> None:
    assert label(de, "Suuuuper Service") == "positive"
    assert label(de, "Sooo nervig") == "negative"


# -- emoji, emoticons, caps, exclamation marks ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zug kaputt😡", "negative"),
        ("😡", "negative"),
        ("🤮🤮", "negative"),
        ("👎", "negative"),
        ("Endlich Wochenende 😍", "positive"),
        ("👍🏽", "positive"),
        ("❤️", "positive"),
        ("Wieder da :)", "positive"),
        ("Wieder weg :-(", "negative"),
        ("<3", "positive"),
        ("xD", "positive"),
        (":/", "negative"),
    ],
)
def test_emoji_and_emoticons(de: GermanSentiment, text: str, expected: str) -> None:
    assert lean(de, text) == expected


def test_all_caps_emphasis_like_vader(de: GermanSentiment) -> None:
    assert de.compound("Das ist SCHLECHT") < de.compound("Das ist schlecht") < 0
    assert de.compound("Das ist SUPER") > de.compound("Das ist super") > 0
    # All words in capitals: nothing stands out, as in VADER.
    assert de.compound("DAS IST SCHLECHT") == de.compound("das ist schlecht")


def test_an_all_caps_booster_boosts_more(de: GermanSentiment) -> None:
    assert de.compound("Das ist SEHR schlecht") < de.compound("Das ist sehr schlecht")


def test_exclamation_marks_like_vader(de: GermanSentiment) -> None:
    assert de.compound("Schlecht!!!") < de.compound("Schlecht!") < de.compound("Schlecht") < 0
    assert de.compound("Super!!") > de.compound("Super") > 0
    assert de.compound("Super!!!!!!!!") == de.compound("Super!!!!")
    assert de.compound("Der Zug fährt!!!") == 0.0


# -- slang and English ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mega geil, der neue ICE", "positive"),
        ("Das ist echt nervig", "negative"),
        ("Die Bahn ist einfach zum Kotzen", "negative"),
        ("Läuft bei euch!", "positive"),
        ("Top Service heute", "positive"),
        ("Das neue Tarifsystem ist ein Flop", "negative"),
        ("Die Sauberkeit ist unter aller Sau", "negative"),
        ("Danke für nichts", "negative"),
        ("Nie wieder Fernbus", "negative"),
        ("Epic fail der Bahn", "negative"),
        ("Worst Service ever", "negative"),
        ("Ich love es einfach", "positive"),
        ("Danke, ihr seid the best", "positive"),
        ("WTF ist da los", "negative"),
    ],
)
def test_slang_and_english_words(de: GermanSentiment, text: str, expected: str) -> None:
    assert label(de, text) == expected


# -- the contract: a score in [-1, 1], or None when nothing can be read -----------------------------


# -- how customers talk: questions, irony, complaints ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ist das WLAN im Fernbus gut?",
        "Gibt es in der Filiale einen freundlichen Berater?",
        "Lohnt sich der Premium-Tarif, ist er wirklich besser?",
        "Kann mir jemand eine gute Pizzeria am Hauptbahnhof empfehlen?",
    ],
)
def test_praise_in_a_question_is_asked_not_given(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "neutral"


def test_a_question_weakens_only_its_own_sentence(de: GermanSentiment) -> None:
    asked = "Die Beratung in der Bank war super. Wann öffnet die Filiale morgen?"
    assert contribution(de, asked, "super") == contribution(
        de, "Die Beratung in der Bank war super.", "super"
    )
    assert de.compound("Ist der Kaffee lecker?") < de.compound("Der Kaffee ist lecker.")


@pytest.mark.parametrize(
    "text",
    [
        "Warum ist das Paket schon wieder zu spät?",
        "Wieso funktioniert die App nicht?",
        "Ist das euer Ernst, die Hotline ist seit Tagen kaputt?",
    ],
)
def test_a_complaint_asked_as_a_question_stays_negative(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Super, der Bus fällt schon wieder aus.",
        "Toll. Wieder eine Stunde Verspätung.",
        "Danke Telekom, seit drei Tagen kein Internet. Klasse gemacht.",
        "Prima, die Überweisung ist mal wieder verschwunden",
        "Großartig, das Paket kam kaputt an",
    ],
)
def test_praise_beside_a_complaint_is_irony(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


def test_ironic_praise_gives_no_praise(de: GermanSentiment) -> None:
    ironic = de.reading("Super, das Handynetz ist schon wieder ausgefallen.")
    plain = de.reading("Das Handynetz ist schon wieder ausgefallen.")
    assert ironic is not None and plain is not None
    assert ironic.total <= plain.total < 0


def test_praise_said_of_something_is_not_taken_for_irony(de: GermanSentiment) -> None:
    assert contribution(de, "Ich komme nicht mit, das Konzert war toll", "toll") > 0


@pytest.mark.parametrize(
    "text",
    [
        'Danke für den "tollen" Kundenservice',
        "Das war wieder ein „super“ Erlebnis in der Filiale",
        "Die 'freundliche' Dame an der Kasse hat mich angeschrien",
    ],
)
def test_praise_in_quotation_marks_is_irony(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Die Lieferung war spät, aber der Fahrer war super freundlich",
        "Der Zug war pünktlich und das Personal super",
        "Toller Service, danke!",
        "Das Problem wurde schnell gelöst, super!",
    ],
)
def test_praise_that_is_meant_stays_praise(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Ich hänge seit 40 Minuten in der Warteschleife",
        "Seit zwei Stunden steht der Bus hier rum",
        "Seit einer Stunde keine Durchsage",
        "Typisch Post.",
    ],
)
def test_complaint_constructions(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


@pytest.mark.parametrize("text", ["Seit 1.5 Stunden keine Info zum Paket", "Ich warte hier seit 2,5h"])
def test_a_decimal_point_ends_no_sentence(de: GermanSentiment, text: str) -> None:
    assert label(de, text) == "negative"


def test_a_quoted_title_is_no_scare_quote(de: GermanSentiment) -> None:
    assert lean(de, "Heute läuft der Film «Die perfekte Stunde» im Kino") != "negative"


def test_repeated_question_marks_emphasise_only_as_weighted() -> None:
    from dataclasses import replace  # noqa: PLC0415

    from crisiswatch.adapters.german_sentiment import DEFAULT_WEIGHTS  # noqa: PLC0415

    lexicon = GermanSentiment.from_file(LEXICON).lexicon
    vader = GermanSentiment(lexicon, replace(DEFAULT_WEIGHTS, question_emphasis=1.0, length_words=0.0))
    asking = GermanSentiment(lexicon, replace(DEFAULT_WEIGHTS, question_emphasis=0.0, length_words=0.0))
    once, thrice = "Warum ist der Router schon wieder kaputt?", "Warum ist der Router schon wieder kaputt???"
    assert vader.compound(thrice) < vader.compound(once) < 0
    assert asking.compound(thrice) == asking.compound(once) < 0


def test_a_duration_alone_is_no_complaint(de: GermanSentiment) -> None:
    assert label(de, "Ich wohne seit Jahren in Köln") == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "https://example.com/a?b=c",
        "@db_bahn @db_info",
        "12:45 3,50 € 100%",
        "Это ужасно, никогда больше",
        "هذا سيء جدا",
        "\u200f\u200e\u202e",
        "\ud800",
        "\x00\x01\x02",
        "...!!!???",
    ],
)
def test_nothing_readable_is_none(de: GermanSentiment, text: str) -> None:
    assert de.polarity(text) is None
    assert de.compound(text) == 0.0


def test_readable_text_without_sentiment_is_zero_not_none(de: GermanSentiment) -> None:
    assert de.polarity("Der Zug fährt um acht") == 0.0
    assert de.polarity("🚆") == 0.0


def test_mixed_scripts_read_the_latin_part(de: GermanSentiment) -> None:
    assert label(de, "Это ужасно, die Bahn ist schrecklich \ud800 \u202e") == "negative"


def test_a_huge_post_gets_a_score(de: GermanSentiment) -> None:
    text = ("Die Bahn ist schrecklich, aber der Kaffee ist gut. " * 2_000)[:100_000]
    value = de.compound(text)
    assert -1.0 <= value <= 1.0


def test_a_huge_clause_without_punctuation_gets_a_score(de: GermanSentiment) -> None:
    text = " ".join(["nicht", "gut", "Zug", "kommt"] * 25_000)
    assert -1.0 <= de.compound(text) <= 1.0


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example("\ud800\udfff\U0010ffff")
@example("nicht " * 50)
@example(":-))))) xDDD <3<3 ^^ -.-")
def test_any_text_scores_within_bounds(text: str) -> None:
    analyzer = _shared()
    value = analyzer.polarity(text)
    assert value is None or (math.isfinite(value) and -1.0 <= value <= 1.0)
    compound = analyzer.compound(text)
    assert math.isfinite(compound) and -1.0 <= compound <= 1.0


GERMANISH = st.lists(
    st.sampled_from(
        [
            "nicht",
            "kein",
            "keine",
            "nie",
            "ohne",
            "weder",
            "noch",
            "nichts",
            "niemand",
            "aber",
            "doch",
            "jedoch",
            "trotzdem",
            "sehr",
            "mega",
            "etwas",
            "ein",
            "bisschen",
            "gut",
            "schlecht",
            "Chaos",
            "Zugausfall",
            "Kundenservice-Desaster",
            "gefällt",
            "mir",
            "SUPER",
            "!",
            "?",
            ",",
            ".",
            "😡",
            ":)",
            "problemlos",
            "unfreundlich",
            "zum",
            "Kotzen",
            "geht",
            "Zug",
            "kommt",
            "-",
            "und",
        ]
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(GERMANISH)
def test_any_mix_of_the_rules_scores_within_bounds(text: str) -> None:
    value = _shared().compound(text)
    assert math.isfinite(value) and -1.0 <= value <= 1.0


_ANALYZER: list[GermanSentiment] = []


def _shared() -> GermanSentiment:
    if not _ANALYZER:
        _ANALYZER.append(GermanSentiment.from_file(LEXICON))
    return _ANALYZER[0]
