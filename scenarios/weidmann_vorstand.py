#!/usr/bin/env python3
"""Generate ``weidmann-vorstand.jsonl``: a German sportswear maker's chief executive is accused of
harassing staff and of charging private trips to the company, in German press and social media.

The fictional **Weidmann** (keyword `Weidmann`, running shoes and outdoor wear; its fictional chief
executive Carsten Vogl) is talked about on Mastodon, Bluesky, Reddit, YouTube and in German news feeds.
Three days of ordinary chatter (German, a sixth English: shoes, sizes, the sale, delivery times) run
from Monday 2026-06-22 05:00 UTC. On Thursday 2026-06-25 05:30 UTC a German magazine publishes its
investigation: former employees describe harassment by the chief executive, and expense records show
private flights paid by the company. Other outlets follow within the hour; social media reacts with
anger, boycott calls, jokes and former staff saying "finally"; the supervisory board suspends him at
11:00 and the file ends at 14:00.

    python scenarios/weidmann_vorstand.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "weidmann-vorstand.jsonl"
START = datetime(2026, 6, 22, 5, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 6, 25, 5, 30, tzinfo=UTC)
END = datetime(2026, 6, 25, 14, 0, tzinfo=UTC)

SLOTS = {
    "schuh": ["Trailrunner", "Laufschuh", "Wanderstiefel", "Regenjacke", "Softshelljacke", "Laufshirt"],
    "shoe": ["trail shoes", "running shoes", "rain jacket", "hiking boots"],
    "stadt": ["München", "Stuttgart", "Köln", "Dresden", "Innsbruck", "Graz", "Bern", "Kassel"],
    "emoji_gut": ["🏃", "⛰️", "👟", "👍", "", ""],
    "emoji_wut": ["😡", "🤮", "🙄", "😤", "", ""],
    "quelle": ["Recherche", "Bericht", "Artikel", "Enthüllung"],
}  # fmt: skip

CHATTER_DE = [
    "Neue {brand} {schuh} eingelaufen, fühlt sich super an {emoji_gut}",
    "Fällt {brand} eher klein oder groß aus? Überlege die {schuh} zu bestellen",
    "{brand} Sale läuft, die {schuh} gibt's grad 30 % günstiger",
    "Mit den {brand} {schuh} heute 25 km durch den Regen, Füße trocken {emoji_gut}",
    "Schon jemand im neuen {brand} Store in {stadt} gewesen?",
    "Meine {brand} {schuh} halten jetzt schon vier Jahre, Qualität stimmt",
    "{brand} oder Salomon für Trailrunning? Bin unentschlossen",
    "Das Reparaturangebot von {brand} finde ich echt gut, Sohle neu für 40 €",
]
CHATTER_EN = [
    "{brand} {shoe} are underrated, best thing I bought in Germany",
    "Anyone tried {brand} {shoe} for the Alps? Looking for reviews",
]
GRUMBLE_DE = [
    "{brand} Lieferung dauert jetzt schon zehn Tage {emoji_wut}",
    "Bei meinen {brand} {schuh} löst sich nach drei Monaten die Naht",
    "{brand} ist mittlerweile echt teuer geworden",
    "Retoure bei {brand} nervt, man muss das Etikett selbst drucken",
]
NEWS_DE = [
    "{quelle}: Ehemalige Mitarbeiterinnen erheben schwere Vorwürfe gegen {brand}-Chef Carsten Vogl",
    "{brand}-Vorstandschef soll Privatflüge über die Firma abgerechnet haben",
    "Belästigungsvorwürfe: Aufsichtsrat von {brand} kommt zu Sondersitzung zusammen",
    "{brand}: Was über die Vorwürfe gegen Carsten Vogl bekannt ist",
    "Aktie von {brand} bricht nach Enthüllungen über den Chef ein",
    "Betriebsrat von {brand}: 'Es gab jahrelang Hinweise'",
]
NEWS_EN = [
    "German outdoor brand {brand}'s CEO accused of harassment and expense abuse",
]
REACTION_DE = [
    "Also beim {brand} Chef wundert mich gar nichts mehr. Widerlich {emoji_wut}",
    "Hab gerade den {quelle} über {brand} gelesen. Die Aussagen der Frauen sind echt übel",
    "Privatjet auf Firmenkosten und in den Filialen Mindestlohn. Danke {brand}",
    "Ich hab drei Paar {brand} {schuh} im Schrank und schäme mich gerade ein bisschen",
    "Kauf ab jetzt nichts mehr von {brand}, solange der Typ da sitzt #WeidmannBoykott",
    "Ex-Mitarbeiterin hier. Bei {brand} wusste das jeder. Endlich redet jemand",
    "Warum hat der Aufsichtsrat von {brand} das so lange gedeckt?",
    "Die Frauen, die bei {brand} ausgesagt haben, verdienen allen Respekt",
    "{brand} postet auf Insta weiter Bergfotos als wäre nichts. Peinlich {emoji_wut}",
    "Mal abwarten, was an den Vorwürfen gegen den {brand} Chef dran ist. Unschuldsvermutung gilt",
    "Der {brand} Chef hat doch letztes Jahr noch den Preis für 'verantwortungsvolle Führung' bekommen 😂",
    "Wenn {brand} jetzt nicht durchgreift, ist die Marke für mich erledigt",
]
REACTION_EN = [
    "The {brand} CEO story is huge in German media today, harassment plus private jets on company money",
    "Returning my {brand} jacket, not giving that company another cent",
    "Former {brand} employee: this was an open secret in the Munich office for years",
]
CALM_DE = [
    "{brand} hat Vogl freigestellt und eine externe Untersuchung angekündigt. Wenigstens etwas",
    "Gut, dass {brand} jetzt reagiert. Kam aber ziemlich spät",
    "Interims-Chefin bei {brand}, mal sehen ob sich die Kultur ändert",
]

CHATTER_SOURCES = {"mastodon": 0.25, "bluesky": 0.3, "reddit": 0.2, "youtube": 0.25}
REACTION_SOURCES = {"mastodon": 0.3, "bluesky": 0.35, "reddit": 0.25, "youtube": 0.1}

SCENARIO = Scenario(
    name="weidmann-vorstand",
    brand="Weidmann",
    seed=20260625,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    # The magazine's story first, then two readers within minutes.
    scripted=[
        Scripted(0, "news", "rss", "de", "Recherche: Ehemalige Mitarbeiterinnen werfen Weidmann-Chef "
                 "Carsten Vogl Belästigung vor – und interne Abrechnungen zeigen "
                 "Privatflüge auf Firmenkosten"),
        Scripted(9, "reaction", "mastodon", "de", "Puh. Der Bericht über den Weidmann-Chef ist harter Tobak. "
                 "Sieben Frauen, die unabhängig voneinander das Gleiche erzählen."),
        Scripted(17, "reaction", "bluesky", "de", "Weidmann Chef fliegt privat auf Firmenkosten "
                 "nach Sylt und "
                 "macht Mitarbeiterinnen an. Und ich kauf da meine Laufschuhe. Nie wieder 😡"),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.83, "en": 0.17}, CHATTER_SOURCES,
              daily(2.4, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE}, {"de": 1.0}, CHATTER_SOURCES,
              daily(0.45, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("news", {"de": NEWS_DE, "en": NEWS_EN}, {"de": 0.9, "en": 0.1}, {"rss": 1.0},
              wave(15, 90, 1.2, 120, floor=0.3), reach=(40_000, 2_000_000)),
        Phase("reaction", {"de": REACTION_DE, "en": REACTION_EN}, {"de": 0.82, "en": 0.18}, REACTION_SOURCES,
              wave(5, 150, 13.0, 80)),
        Phase("reaction", {"de": CALM_DE}, {"de": 1.0}, REACTION_SOURCES, window(330, 520, 1.2)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
