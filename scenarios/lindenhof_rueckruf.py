#!/usr/bin/env python3
"""Generate ``lindenhof-rueckruf.jsonl``: a German dairy's listeria recall, told in German with English
mixed in.

The fictional **Lindenhof Molkerei** (keyword `Lindenhof`) is talked about on Mastodon, Bluesky, Reddit,
YouTube and in German news feeds. A day of ordinary chatter (mostly German, some English; a few mild
complaints about prices and empty shelves) runs from Monday 06:00 UTC. On Tuesday 08:00 UTC the first
person writes that they were sick after a Lindenhof yoghurt; for the first half hour only a handful of
such first-person reports come, then the regional press reports a recall over listeria, the story
spreads (reactions, a boycott hashtag, questions about liability, rumours that the company knew), and
the company's apology and refund calm it through the afternoon.

Language tags are given as each API gives them: Mastodon's `language` (sometimes the client's default
"en" on a German post), Bluesky's `langs` (absent for some clients), nothing for Reddit and YouTube
("und"), and the feed's `de-DE` for news. `lang_truth` says what each post really is.

    python scenarios/lindenhof_rueckruf.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "lindenhof-rueckruf.jsonl"
START = datetime(2026, 5, 11, 6, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
END = datetime(2026, 5, 12, 16, 0, tzinfo=UTC)

SLOTS = {
    "produkt": ["Erdbeerjoghurt", "Naturjoghurt", "Vanillepudding", "Fruchtquark", "Trinkjoghurt",
                "Heidelbeerjoghurt", "Skyr", "Kakao"],
    "product": ["strawberry yoghurt", "skyr", "vanilla pudding", "drinking yoghurt"],
    "stadt": ["München", "Köln", "Leipzig", "Hamburg", "Stuttgart", "Freiburg", "Dresden", "Münster"],
    "laden": ["Supermarkt", "Biomarkt", "Discounter", "Laden um die Ecke"],
    "gut": ["lecker", "richtig gut", "mega lecker", "super cremig", "einfach top", "der beste"],
    "emoji_gut": ["😋", "❤️", "👍", "🥰", ""],
    "emoji_schlecht": ["🤢", "😡", "😱", "🤮", "😤", ""],
    "person": ["Mein Sohn", "Meine Tochter", "Meine Frau", "Mein Mann", "Meine Mutter", "Mein Kollege"],
    "zeit": ["gestern Abend", "heute Nacht", "heute Morgen", "seit gestern"],
}  # fmt: skip

CHATTER_DE = [
    "Frühstück mit {produkt} von {brand} {emoji_gut}",
    "Der {produkt} von {brand} ist echt {gut}",
    "Gibt es den {brand} {produkt} eigentlich auch in {stadt}?",
    "{brand} hat eine neue Sorte, schon probiert?",
    "Ich bleib dabei: {brand} {produkt} ist {gut} {emoji_gut}",
    "Kurze Mittagspause, {brand} {produkt} und Sonne",
    "Hat jemand ein Rezept mit {brand} Quark für Käsekuchen?",
    "{brand} im Angebot im {laden}, direkt zugeschlagen",
    "Regionale Milch von {brand}, finde ich gut dass die aus der Gegend kommt",
    "Kinder lieben den {brand} {produkt} {emoji_gut}",
    "Nach dem Sport ein {brand} Skyr, passt",
    "Wer macht eigentlich die Werbung für {brand}? Der Spot mit der Kuh ist süß",
    "Endlich wieder {brand} {produkt} im Kühlregal",
    "{brand} oder die Eigenmarke? Ich finde {brand} schmeckt einfach besser",
]
CHATTER_EN = [
    "Lindenhof {product} is my favourite German supermarket find {emoji_gut}",
    "Anyone in {stadt} know where to get {brand} {product}?",
    "Moved to Germany last year, {brand} yoghurt is the best thing so far",
    "{brand} skyr after the gym, good stuff",
]
GRUMBLE_DE = [
    "{brand} hat schon wieder die Preise erhöht, 1,89 für einen Becher?",
    "Warum ist der {brand} {produkt} im {laden} ständig ausverkauft",
    "Die neuen Deckel von {brand} gehen echt schlecht auf",
    "Etwas weniger Zucker im {brand} {produkt} wäre schön",
    "{brand} schmeckt mir seit der neuen Rezeptur nicht mehr so",
]
REPORT_DE = [
    "{person} hat {zeit} {brand} {produkt} gegessen und hat jetzt Fieber und Durchfall. Noch jemand?",
    "Mir ist nach dem {brand} {produkt} total schlecht geworden {emoji_schlecht} Hat noch jemand Probleme?",
    "{person} musste nach {brand} {produkt} ins Krankenhaus, Verdacht auf Lebensmittelvergiftung",
    "Der {brand} {produkt} von heute roch komisch und war ganz flockig. Danach Bauchkrämpfe.",
    "Haben noch andere nach {brand} {produkt} Magen-Darm? Bei uns sind drei Leute krank",
    "Arzt meint, es könnte von dem {brand} {produkt} kommen. Listerien? Ich bin echt besorgt",
    "Achtung: bei uns in {stadt} mehrere Leute krank nach {brand} {produkt} {emoji_schlecht}",
]
REPORT_EN = [
    "Got really sick after eating {brand} {product} last night, anyone else?",
    "My kid threw up all night after {brand} {product}, doctor suspects food poisoning",
]
NEWS_DE = [
    "{brand} Molkerei ruft {produkt} zurück: Listerien in mehreren Chargen gefunden",
    "Rückruf: {brand} {produkt} mit Listerien belastet – Verbraucher sollen Produkte nicht essen",
    "Gesundheitsamt prüft Erkrankungen nach Verzehr von {brand} {produkt}",
    "{brand}: Behörden warnen vor {produkt}, mehrere Menschen im Krankenhaus",
    "Listerien-Verdacht: {brand} nimmt {produkt} aus dem Handel",
]
REACTION_DE = [
    "Krass, {brand} Rückruf wegen Listerien. Ich hab noch drei Becher im Kühlschrank {emoji_schlecht}",
    "Also ich kauf kein {brand} mehr. #BoykottLindenhof",
    "{brand} Rückruf: welche Chargen sind betroffen? Weiß das jemand?",
    "Wer haftet eigentlich, wenn man nach {brand} krank wird? Sammelklage?",
    "Wie kann sowas bei {brand} passieren, die werben doch mit Qualität {emoji_schlecht}",
    "#LindenhofRückruf Bitte teilen, gerade an Schwangere und Ältere denken!",
    "Unfassbar, wie spät {brand} informiert. Das ist ein Skandal",
    "{brand} Hotline ist komplett überlastet, niemand geht ran {emoji_schlecht}",
    "Schon wieder ein Lebensmittelskandal, diesmal {brand}. Ich hab echt keine Lust mehr",
    "Hab meinen {brand} {produkt} zurückgebracht, der {laden} nimmt alles zurück",
    "Die Leute im Krankenhaus tun mir so leid. {brand} muss das aufklären",
]
REACTION_EN = [
    "German dairy {brand} recalls {product} over listeria, check your fridge if you live in Germany",
    "{brand} recall is all over German Twitter, apparently people are in hospital",
    "Never buying {brand} again after this listeria mess #BoycottLindenhof",
]
RUMOUR_DE = [
    "Angeblich wusste {brand} schon seit Wochen von den Listerien und hat nichts gesagt",
    "Ein Freund arbeitet bei {brand}, die haben das vertuscht",
    "Es soll schon Tote geben wegen {brand}, warum sagt das keiner?",
]
CALM_DE = [
    "{brand} hat sich entschuldigt und erstattet den Kaufpreis, auch ohne Kassenbon",
    "Immerhin informiert {brand} jetzt transparent welche Chargen betroffen sind",
    "Laut {brand} sind nur zwei Chargen betroffen, der Rest ist unbedenklich",
    "Gut, dass der {brand} Rückruf so schnell kam. Geld zurück, alles okay",
]

CHATTER_SOURCES = {"mastodon": 0.3, "bluesky": 0.3, "reddit": 0.2, "youtube": 0.2}
REPORT_SOURCES = {"mastodon": 0.4, "bluesky": 0.35, "reddit": 0.25}
REACTION_SOURCES = {"mastodon": 0.3, "bluesky": 0.35, "reddit": 0.2, "youtube": 0.15}

SCENARIO = Scenario(
    name="lindenhof-rueckruf",
    brand="Lindenhof",
    seed=20260512,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    # The first person to say it, at 08:00, and two more within the half hour, on other sources.
    scripted=[
        Scripted(0, "crisis", "mastodon", "de", "Meine Tochter hat gestern Lindenhof Erdbeerjoghurt "
                 "gegessen und hat jetzt hohes Fieber und Durchfall. Geht es noch jemandem so?"),
        Scripted(12, "crisis", "bluesky", "de", "Nach dem Lindenhof Fruchtquark war mir die ganze Nacht "
                 "schlecht, heute früh zum Arzt. Verdacht auf Lebensmittelvergiftung 🤢"),
        Scripted(26, "crisis", "reddit", "de", "Bei uns in Freiburg liegen zwei Leute mit Magen-Darm im "
                 "Krankenhaus, beide haben Lindenhof Joghurt gegessen. Zufall?"),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(3.0, start=CRISIS_START)),
        Phase("baseline", {"de": GRUMBLE_DE}, {"de": 1.0}, CHATTER_SOURCES, daily(0.5, start=CRISIS_START)),
        # The first half hour: a handful of first-person reports on a few sources, before any news;
        # then more people say the same as the story spreads.
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.9, "en": 0.1}, REPORT_SOURCES,
              window(5, 40, 0.4)),
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.9, "en": 0.1}, REPORT_SOURCES,
              wave(30, 120, 4.0, 60, floor=0.3)),
        Phase("news", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(35, 300, 0.5),
              reach=(80_000, 2_000_000)),
        Phase("reaction", {"de": REACTION_DE, "en": REACTION_EN}, {"de": 0.8, "en": 0.2}, REACTION_SOURCES,
              wave(40, 150, 12.0, 70)),
        Phase("reaction", {"de": RUMOUR_DE}, {"de": 1.0}, {"mastodon": 0.4, "reddit": 0.6},
              wave(80, 160, 1.2, 60)),
        Phase("reaction", {"de": CALM_DE}, {"de": 1.0}, REACTION_SOURCES, window(210, 480, 0.8)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
