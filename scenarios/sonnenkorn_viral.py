#!/usr/bin/env python3
"""Generate ``sonnenkorn-viral.jsonl``: a bakery chain's heart-warming advert wins an award and goes
viral, in German, with crisis words used in passing. Benign: no incident should open.

The fictional bakery chain **Sonnenkorn** (keyword `Sonnenkorn`) is talked about on Mastodon, Bluesky,
Reddit, YouTube and in German news feeds. Three days of ordinary chatter (German, a tenth English:
Brötchen, queues, prices, the Sunday opening) run from Wednesday 2026-07-08 06:00 UTC. On Saturday
2026-07-11 17:30 UTC the advert about a retired baker who teaches his granddaughter to bake wins a
German advertising award on live television, and the clip spreads: people crying, sharing, tagging
their grandparents, parodying it. The words a tagger might read as trouble come in passing: "kein
Rückruf nötig", "nicht gehackt, nur begeistert", "das Video hat mich zerstört", "Skandal, dass ich jetzt
heule", "Shitstorm? Lovestorm". The spike is big (about twenty times the usual Saturday evening) and
calms through the night; the file ends at midnight UTC.

The viral lines are `kind: buzz`, `crisis: false`.

    python scenarios/sonnenkorn_viral.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "sonnenkorn-viral.jsonl"
START = datetime(2026, 7, 8, 6, 0, tzinfo=UTC)
AWARD = datetime(2026, 7, 11, 17, 30, tzinfo=UTC)
END = datetime(2026, 7, 12, 0, 0, tzinfo=UTC)

SLOTS = {
    "gebaeck": ["Laugenbrezel", "Dinkelbrötchen", "Franzbrötchen", "Bienenstich", "Roggenbrot",
                "Mohnschnecke", "Zimtschnecke"],
    "pastry": ["pretzels", "cinnamon rolls", "rye bread"],
    "stadt": ["Hamburg", "Bremen", "Kiel", "Lübeck", "Hannover", "Rostock", "Oldenburg"],
    "emoji_gut": ["🥨", "😋", "☕", "👍", "", ""],
    "emoji_rührung": ["😭", "🥹", "❤️", "😭😭", "🥲", "💛"],
    "wer": ["Opa", "Oma", "Papa", "Mama", "meinen Opa", "meine Oma"],
}  # fmt: skip

CHATTER_DE = [
    "Sonntagsbrötchen von {brand}, das Wochenende kann kommen {emoji_gut}",
    "Die {gebaeck} von {brand} sind einfach die besten in {stadt}",
    "{brand} hat jetzt auch Hafermilch für den Kaffee, endlich",
    "Kurz bei {brand} ein {gebaeck} geholt, Mittagspause gerettet {emoji_gut}",
    "Welche {brand} Filiale in {stadt} hat sonntags auf?",
    "Das Roggenbrot von {brand} schmeckt wie früher bei Oma",
    "{brand} Stempelkarte voll, Kaffee umsonst {emoji_gut}",
]
CHATTER_EN = [
    "{brand} {pastry} are the reason I get up early on Saturdays",
    "Best bakery chain in northern Germany? I'd say {brand}",
]
GRUMBLE_DE = [
    "{brand} schon wieder teurer, 65 Cent für ein Brötchen",
    "Schlange bei {brand} heute bis auf die Straße",
    "Um 17 Uhr ist bei {brand} nix mehr da außer Graubrot",
    "Kartenzahlung bei {brand} ging heute wieder nicht",
]
VIRAL_DE = [
    "Der neue {brand} Spot mit dem Opa... ich sitz hier und heule {emoji_rührung}",
    "Hab den {brand} Werbefilm an {wer} geschickt. Jetzt weinen wir beide {emoji_rührung}",
    "Das {brand} Video hat mich komplett zerstört {emoji_rührung}",
    "Skandal, dass eine Bäckerei-Werbung mich so fertig macht. {brand}, wie könnt ihr nur {emoji_rührung}",
    "Verdienter Preis für {brand}! Schönster Spot des Jahres",
    "Keine Sorge, mein Account ist nicht gehackt, ich bin nur begeistert "
    "von der {brand} Werbung {emoji_rührung}",
    "Shitstorm? Nein, Lovestorm für {brand} heute {emoji_rührung}",
    "Die Szene wo der Opa der Enkelin die Brezel zeigt. {brand} ich hasse euch (liebevoll) {emoji_rührung}",
    "Kein Rückruf nötig, {brand}, dieser Spot ist perfekt so wie er ist",
    "Ich bin eigentlich gegen Werbung, aber der {brand} Film ist Kunst",
    "Gleich morgen {gebaeck} bei {brand} holen, aus Solidarität mit dem Opa {emoji_rührung}",
    "Wer hat bei {brand} die Zwiebeln geschnitten?? {emoji_rührung}",
    "{brand} gewinnt den Preis und ganz Deutschland weint. Zu Recht",
    "Hab den {brand} Spot jetzt fünfmal gesehen. Es wird nicht besser, ich heul jedes Mal",
    "Ruf jetzt {wer} an. Danke {brand} {emoji_rührung}",
    "Der {brand} Opa ist mein neuer Lieblingsmensch. Bitte mehr davon",
    "Dachte erst, bei {brand} ist was passiert, weil alle drüber reden. Nein: beste Werbung ever",
    "Das ist kein Boykott-Aufruf, sondern ein Kaufbefehl: alle zu {brand} {emoji_gut}",
]
VIRAL_EN = [
    "This German bakery ad from {brand} just destroyed me {emoji_rührung}",
    "Not crying over a {brand} bread commercial, you are",
    "{brand} won the award and honestly deserved it, that grandpa {emoji_rührung}",
]
PARODY_DE = [
    "Parodie auf den {brand} Spot mit meinem Hund statt Opa, bitte nicht böse sein 😂",
    "Wetten, dass {brand} morgen keine einzige Brezel mehr übrig hat 😂",
]
NEWS_DE = [
    "Werbepreis für {brand}: Spot über Großvater und Enkelin rührt Millionen",
    "Der {brand}-Opa: Wer ist der Mann aus der viralen Bäckerei-Werbung?",
    "Millionen Klicks: {brand}-Werbung ist der Hit des Wochenendes",
]

CHATTER_SOURCES = {"mastodon": 0.25, "bluesky": 0.3, "reddit": 0.2, "youtube": 0.25}
VIRAL_SOURCES = {"mastodon": 0.15, "bluesky": 0.3, "reddit": 0.15, "youtube": 0.4}

SCENARIO = Scenario(
    name="sonnenkorn-viral",
    brand="Sonnenkorn",
    seed=20260711,
    start=START,
    crisis_start=AWARD,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "buzz", "bluesky", "de", "SONNENKORN GEWINNT!!! Der Spot mit dem Opa, ich wusste es 😭"),
        Scripted(3, "buzz", "mastodon", "de", "Falls ihr euch wundert, warum alle über Sonnenkorn reden: "
                 "nicht gehackt, kein Rückruf, nur die schönste Werbung des Jahres. "
                 "Taschentücher bereithalten"),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.9, "en": 0.1}, CHATTER_SOURCES,
              daily(2.0, start=AWARD, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE}, {"de": 1.0}, CHATTER_SOURCES,
              daily(0.35, start=AWARD, weekdays=WORKWEEK)),
        Phase("buzz", {"de": VIRAL_DE, "en": VIRAL_EN}, {"de": 0.88, "en": 0.12}, VIRAL_SOURCES,
              wave(0, 60, 30.0, 70, floor=3.0)),
        Phase("buzz", {"de": PARODY_DE}, {"de": 1.0}, VIRAL_SOURCES, wave(60, 120, 2.0, 90)),
        Phase("buzz", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(45, 390, 0.3),
              reach=(30_000, 1_500_000)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
