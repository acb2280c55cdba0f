"""Every language CrisisWatch speaks: complete catalogues, placeholders that survive translation, texts
within their channel, and formats in the reader's language and zone."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from crisiswatch.config_files.locales import locales_from_toml
from crisiswatch.config_files.policy import PolicyError, parse_policy
from crisiswatch.config_files.watchlist import WatchlistError, parse_watchlist
from crisiswatch.domain.response.crisis_plan import Message, Phase
from crisiswatch.domain.response.notices import (
    _SMS_VERB,
    SMS_LIMIT,
    Asking,
    compose,
    fits_one_part,
    septets,
    sms_text,
)
from crisiswatch.domain.response.statements import (
    BRAND_MAX,
    CHANNEL_LIMITS,
    StatementLibrary,
    StatementsError,
    default_statements,
    statements_file_name,
)
from crisiswatch.domain.speech import LANGUAGES, SOURCE, Locales, Voice
from crisiswatch.i18n import negotiate, preferred, speech, translations
from tests.fakes import BASE_URL, T0, make_incident

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "layers" / "core"
PACKAGE = CORE / "crisiswatch"
LINK = f"{BASE_URL}/a/Xb3kQ9pLm2vT7wZr1cYd0A"
VOICES = [
    Voice(language, form)
    for language in LANGUAGES
    for form in (("Sie", "du") if language == "de" else ("Sie",))
]


def compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_catalogues", CORE / "compile_catalogues.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----- catalogues -----------------------------------------------------------------------------------


def test_every_language_but_the_source_has_a_catalogue_with_every_message_translated(tmp_path: Path) -> None:
    assert compiler().compile_all(PACKAGE, tmp_path) == []
    for language in LANGUAGES[1:]:
        assert (tmp_path / "locale" / language / "LC_MESSAGES" / "messages.mo").is_file()


def test_messages_pot_holds_every_message_of_the_code_and_templates(tmp_path: Path) -> None:
    # A message added to the code but never extracted would silently stay English.
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from babel.messages.frontend import main; sys.exit(main())",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(extracted),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with extracted.open("rb") as fresh, (PACKAGE / "locale" / "messages.pot").open("rb") as kept:
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(kept)}, "run `make messages`"


@pytest.mark.parametrize(
    ("original", "broken", "why"),
    [
        ('msgstr "Entscheidung nötig: %(brand)s"', 'msgstr "Entscheidung nötig: %(marke)s"', "placeholder"),
        ('msgstr "Entscheidung nötig: %(brand)s"', 'msgstr "Entscheidung nötig: %(brand)d"', "placeholder"),
        ('msgstr "Entscheidung nötig: %(brand)s"', 'msgstr ""', "no translation"),
    ],
)
def test_a_broken_translation_fails_the_build_naming_its_file_and_line(
    tmp_path: Path, original: str, broken: str, why: str
) -> None:
    copy = tmp_path / "crisiswatch"
    shutil.copytree(PACKAGE / "locale", copy / "locale")
    po = copy / "locale" / "de" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert original in text
    po.write_text(text.replace(original, broken), encoding="utf-8")
    line = text[: text.index(original)].count("\n") + 1

    problems = compiler().compile_all(copy, tmp_path / "out")

    assert problems and any(f"{po}:" in problem and why in problem for problem in problems), problems
    assert any(str(line - 1) in problem or str(line) in problem for problem in problems), (line, problems)
    assert not (tmp_path / "out").exists()  # nothing compiled from a broken catalogue


def test_the_build_compiles_the_languages_it_ships_locale_data_for() -> None:
    makefile = (CORE / "Makefile").read_text(encoding="utf-8")
    assert f"LANGUAGES := {' '.join(LANGUAGES)}" in makefile
    assert "compile_catalogues.py" in makefile


def test_english_needs_no_catalogue_and_german_translates() -> None:
    assert translations("en").gettext("Checklist") == "Checklist"
    assert translations("de").gettext("Checklist") == "Checkliste"
    assert translations("de").ngettext("%(num)d incident.", "%(num)d incidents.", 2) == "%(num)d Vorfälle."


# ----- formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [0, 45, 60, 750, 3900, 86400 * 3 + 3600 * 4])
def test_english_through_babel_says_what_the_source_language_says(seconds: int) -> None:
    moment = datetime(2026, 12, 7, 12, 53, tzinfo=UTC)
    babel_english = speech("en")
    assert babel_english.moment(moment) == SOURCE.moment(moment) == "Mon 07 Dec 2026, 12:53 UTC"
    assert babel_english.duration(timedelta(seconds=seconds)) == SOURCE.duration(timedelta(seconds=seconds))


def test_german_formats_in_the_teams_zone_with_utc_beside() -> None:
    german = speech("de", "Europe/Berlin")
    winter, summer = datetime(2026, 12, 7, 12, 53, tzinfo=UTC), datetime(2026, 7, 7, 12, 53, tzinfo=UTC)
    assert german.moment(winter) == "Mo., 7. Dez. 2026, 13:53 MEZ (12:53 UTC)"
    assert german.moment(summer) == "Di., 7. Juli 2026, 14:53 MESZ (12:53 UTC)"
    assert german.number(12345.5, 1) == "12.345,5"
    assert german.percent(0.123) == "12,3 %"
    assert german.duration(timedelta(minutes=65)) == "1 Std. 05 Min."
    assert german.duration(timedelta(days=3, hours=4)) == "3 T. 04 Std."


# ----- choosing a language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "header", "fallback", "chosen"),
    [
        ("de", "en", "en", "de"),
        (None, "de-DE,de;q=0.9,en;q=0.8", "en", "de"),
        (None, "fr-FR,fr;q=0.9,de;q=0.5,en;q=0.4", "en", "de"),
        (None, "en;q=0.2, de;q=0.9", "en", "de"),
        (None, "de;q=0, en", "de", "en"),
        (None, None, "de", "de"),
        ("DE ", None, "en", "de"),
        ("fr", "fr", "de", "de"),
        ("../../etc/passwd", None, "en", "en"),
        ("<script>alert(1)</script>", "<script>", "de", "de"),
        ("de\r\nSet-Cookie: x", "de\x00", "en", "en"),
        (None, "*", "de", "de"),
        (None, "de;q=" + "9" * 400, "en", "en"),
        (None, "de," * 400, "en", "en"),  # longer than any browser's header: not read
        (None, "x" * 10_000, "en", "en"),
        (None, "en", "klingon", "en"),
    ],
)
def test_a_page_picks_a_known_language_and_ignores_anything_hostile(
    query: str | None, header: str | None, fallback: str, chosen: str
) -> None:
    assert negotiate(query, header, fallback) == chosen


def test_no_known_preference_leaves_the_choice_to_the_brand() -> None:
    assert preferred(None, "fr, es") is None
    assert preferred(["de"], None) is None  # type: ignore[arg-type]  # a repeated parameter is not a choice


# ----- configuration --------------------------------------------------------------------------------

WATCHLIST = """
[[brands]]
name = "Hafermond"
keywords = ["Hafermond"]
statement_language = "{language}"
address_form = "{form}"
"""
POLICY = """
[team]
language = "{language}"
time_zone = "{zone}"

[tiers.responders]
label = "Bereitschaft"
response_minutes = 15
contacts = [
  {{ id = "anna", name = "Anna", email = "anna@example.com" }},
  {{ id = "counsel", name = "Counsel", email = "legal@example.com", language = "{contact}" }},
]

[routes]
SEV1 = ["responders"]
SEV2 = ["responders"]
SEV3 = ["responders"]
"""


def test_languages_come_from_the_watchlist_and_the_policy_with_documented_defaults() -> None:
    watchlist = WATCHLIST.format(language="de", form="du")
    policy = POLICY.format(language="de", zone="Europe/Berlin", contact="en")
    parse_watchlist(watchlist), parse_policy(policy)  # valid, as the build requires

    locales = locales_from_toml(watchlist, policy)

    assert locales.voice_of("Hafermond") == Voice("de", "du")
    assert locales.voice_of("Unknown brand") == Voice("en", "Sie")
    assert locales.reader_language("anna") == "de"  # the team's
    assert locales.reader_language("counsel") == "en"  # their own
    assert locales.time_zone == "Europe/Berlin"
    assert locales.page_language("Hafermond") == "de" and locales.page_language(None) == "de"
    assert locales_from_toml(None, None) == Locales()


@pytest.mark.parametrize(
    ("watchlist", "policy"),
    [
        (ROOT / "config" / "watchlist.toml", ROOT / "config" / "escalation_policy.toml"),
        (None, ROOT / "tests" / "data" / "escalation_policy_loop.toml"),
    ],
)
def test_the_functions_light_reading_agrees_with_the_validated_configuration(
    watchlist: Path | None, policy: Path
) -> None:
    # The functions read only the language fields (no pydantic at a page's first request).
    watchlist_text = watchlist.read_text(encoding="utf-8") if watchlist else None
    policy_text = policy.read_text(encoding="utf-8")
    locales = locales_from_toml(watchlist_text, policy_text)
    validated = parse_policy(policy_text)

    assert (locales.team_language, locales.time_zone) == (validated.team.language, validated.team.time_zone)
    for contact in validated.all_contacts():
        assert locales.reader_language(contact.id) == (contact.language or validated.team.language)
    for brand in parse_watchlist(watchlist_text).brands if watchlist_text else []:
        assert locales.voice_of(brand.name) == Voice(brand.statement_language, brand.address_form)


@pytest.mark.parametrize(
    ("watchlist", "policy", "place"),
    [
        (WATCHLIST.format(language="fr", form="Sie"), None, "brands[0].statement_language"),
        (WATCHLIST.format(language="de", form="ihr"), None, "brands[0].address_form"),
        (None, POLICY.format(language="xx", zone="UTC", contact="en"), "team.language"),
        (None, POLICY.format(language="de", zone="Europe/Atlantis", contact="en"), "team.time_zone"),
        (
            None,
            POLICY.format(language="de", zone="UTC", contact="DE"),
            "tiers.responders.contacts.1.language",
        ),
    ],
)
def test_an_unknown_language_or_zone_is_refused_with_its_place(
    watchlist: str | None, policy: str | None, place: str
) -> None:
    with pytest.raises((WatchlistError, PolicyError)) as refused:
        if watchlist is not None:
            parse_watchlist(watchlist)
        else:
            parse_policy(policy or "")
    assert place in str(refused.value), str(refused.value)


# ----- statements -----------------------------------------------------------------------------------


def shape(library: StatementLibrary) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(t.key, t.kind.value, t.channel.value, t.crisis_types) for t in library.templates]


@pytest.mark.parametrize("voice", VOICES, ids=lambda voice: f"{voice.language}-{voice.address_form}")
def test_every_voice_has_every_statement_of_the_english_library_within_its_channel(voice: Voice) -> None:
    library = default_statements(voice.language, voice.address_form)  # the loader refuses overflows

    assert shape(library) == shape(default_statements())
    for template in library.templates:
        assert set(template.crisis_types) <= set(library.topics) | {"default"} or not template.crisis_types


def test_a_german_statement_addresses_its_public_in_the_brands_form() -> None:
    sie = " ".join(t.text for t in default_statements("de", "Sie").templates)
    du = " ".join(t.text for t in default_statements("de", "du").templates)
    assert " Sie " in sie and " du " not in sie
    assert " du " in du and " Sie " not in du and " Ihnen " not in du


def test_a_german_statement_over_its_limit_fails_naming_its_place() -> None:
    text = (PACKAGE / "domain" / "response" / "statements.de.toml").read_text(encoding="utf-8")
    longer = text.replace(
        "Wir nehmen das ernst und melden uns", "Wir nehmen das sehr, sehr, sehr ernst und melden uns", 1
    )

    with pytest.raises(StatementsError) as refused:
        StatementLibrary.from_toml(longer, statements_file_name("de"))

    assert "statements.de.toml: templates[0] (holding-social).text" in str(refused.value)
    assert f"social allows {CHANNEL_LIMITS[next(iter(CHANNEL_LIMITS))]}" in str(refused.value)


def test_german_drafts_are_filled_for_a_long_brand_within_the_channel() -> None:
    from crisiswatch.domain.response.statements import StatementFacts  # noqa: PLC0415

    for voice in VOICES:
        library = default_statements(voice.language, voice.address_form)
        for crisis_type in [*library.topics, "unknown"]:
            for draft in library.drafts_for(StatementFacts("Ä" * (BRAND_MAX + 20), (crisis_type,))):
                assert len(draft.text) <= CHANNEL_LIMITS[draft.channel], (voice, draft.key)


# ----- SMS ------------------------------------------------------------------------------------------


def test_the_gsm7_count_knows_the_basic_table_the_extension_and_ucs2() -> None:
    assert septets("Müller Bäckerei Straße ÄÖÜ") == len("Müller Bäckerei Straße ÄÖÜ")
    assert septets("Preis 5 €") == len("Preis 5 €") + 1  # the euro sign is escaped: two septets
    assert septets("{}[]~^|\\") == 16
    assert septets("Grüße 👋") is None and septets("ł") is None  # UCS-2
    assert fits_one_part("ä" * 160) and not fits_one_part("ä" * 161)
    assert fits_one_part("€" * 80) and not fits_one_part("€" * 81)
    assert fits_one_part("ł" * 70) and not fits_one_part("ł" * 71)


HOSTILE_BRANDS = ["Müller Brot", "Café Zoë’s 🍩", "Łódź Piekarnia", "W" * 80, "{Preis} €uro [x]", "北京"]
LONG_LINK = "https://" + "l" * 80 + ".example.com/a/Xb3kQ9pLm2vT7wZr1cYd0A"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("brand", HOSTILE_BRANDS)
@pytest.mark.parametrize("link", [LINK, LONG_LINK])
def test_every_sms_in_every_language_fits_one_gsm7_part_with_its_link_whole(
    language: str, brand: str, link: str
) -> None:
    voice = speech(language, "Europe/Berlin")
    for (phase, message), verb in _SMS_VERB.items():
        asking = Asking(phase, message, "tier 1", T0 + timedelta(minutes=15), "…")
        sms = compose(make_incident(brand=brand), asking, "Anna", link, voice).sms
        count = septets(sms)
        assert count is not None and count <= SMS_LIMIT, (language, phase, sms)
        assert sms.endswith(" " + link), sms
        if link == LINK:  # a short link leaves room for the whole head
            assert voice.gettext(verb) in sms, sms


def test_a_german_sms_keeps_its_umlauts_and_an_english_one_folds_them() -> None:
    incident = make_incident(brand="Müller Brot")
    assert sms_text(incident, "bitte prüfen", LINK, "de").startswith(
        "CrisisWatch SEV2 Müller Brot bitte prüfen:"
    )
    assert sms_text(incident, "check", LINK, "en").startswith("CrisisWatch SEV2 Muller Brot check:")


def test_sms_lengths_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the table README shows (`pytest tests/unit/test_i18n.py -k sms_lengths -s`): the longest
    SMS of each kind, with a 24-character brand and the stack's link."""
    rows = []
    brand = "Bäckerei Müllerschön GmbH"[:24]
    for (phase, message), _verb in _SMS_VERB.items():
        row = [f"{phase.value}/{message.value}"]
        for language in LANGUAGES:
            asking = Asking(phase, message, "tier 1", T0, "…")
            sms = compose(
                make_incident(brand=brand, severity=make_incident().severity),
                asking,
                "A",
                LINK,
                speech(language),
            ).sms
            count = septets(sms)
            assert count is not None and count <= SMS_LIMIT
            row.append(f"{count:>3} / {SMS_LIMIT}")
        rows.append(row)
    header = ["SMS", *(f"{language} (septets)" for language in LANGUAGES)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    with capsys.disabled():
        print(f"\nSMS lengths, brand {brand!r}, link of {len(LINK)} characters:")
        for row in [header, *rows]:
            print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


# ----- messages -------------------------------------------------------------------------------------


def test_a_german_reader_gets_the_email_in_german_with_the_deadline_in_the_teams_zone() -> None:
    asking = Asking(Phase.TIERS, Message.NOTIFY, "Stufe 1: Bereitschaft", T0 + timedelta(minutes=18), "Text")
    notice = compose(make_incident(brand="Hafermond"), asking, "Anna", LINK, speech("de", "Europe/Berlin"))

    assert notice.subject == "[SEV2] Hafermond: Entscheidung nötig (Stufe 1: Bereitschaft)"
    assert notice.email.startswith("Guten Tag Anna,")
    assert "bis Do., 23. Mai 2024, 14:18 MESZ (12:18 UTC)" in notice.email
    assert "Krisentypen: Produktfehler" in notice.email
    assert f"Prüfen und entscheiden: {LINK}" in notice.email


EXPLANATION = {
    "signals": ["volume", "crisis_type", "negativity"],
    "observed": {"volume": 60, "negative": 40},
    "expected": {"volume": 4.0, "negative": 1.25},
    "crisis_types": {
        "legal_safety": {"observed": 12, "expected": 0.01, "sources": {"reddit": 7, "x": 5}},
        "product_failure": {
            "observed": 3,
            "expected": 0.2,
            "sources": {"mastodon": 3},
            "corroboration": "authors",
            "authors": 3,
        },
    },
}


def test_the_alerts_summary_is_worded_again_for_a_german_reader() -> None:
    from crisiswatch.domain.response.notices import summary_in  # noqa: PLC0415

    incident = make_incident(summary="60 mentions in 5 min against 4.0 expected; ...")
    incident.explanation = EXPLANATION
    german = summary_in(incident, speech("de"))

    assert summary_in(incident, speech("en")) == incident.summary  # English reads what the detector wrote
    assert german == (
        "60 Erwähnungen in 5 Min. bei 4,0 erwarteten; "
        "12 Meldungen zu Recht und Sicherheit aus 2 Quellen in 15 Min. bei üblich 0,01; "
        "3 Meldungen zu Produktfehler aus 3 Personen auf mastodon in 15 Min. bei üblich 0,20; "
        "40 negative bei 1,2 erwarteten"
    )
    incident.explanation = {"observed": {"volume": 1}, "expected": {}}  # a hand-made incident
    assert summary_in(incident, speech("de")) == incident.summary


def test_the_light_reading_loads_no_pydantic() -> None:
    # The reason it exists: a page's first request should not import the configuration's schemas.
    probe = "import sys, crisiswatch.config_files.locales; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
