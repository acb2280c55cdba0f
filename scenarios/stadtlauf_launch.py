#!/usr/bin/env python3
"""Generate ``stadtlauf-launch.jsonl``: a sneaker drop with a celebrity, about ten times the usual
volume, overwhelmingly happy. Benign: no incident should open.

The fictional sneaker brand **Stadtlauf** (keyword `Stadtlauf`) launches a shoe with the fictional
footballer and rapper Lenny Marek. Three days of ordinary chatter (German, a fifth English: sizes,
the shop, a few complaints about delivery) run from Wednesday 2026-07-01 06:00 UTC. On Saturday
2026-07-04 08:00 UTC (10:00 in Germany) the "Stadtlauf x Lenny" drop goes live: hype, unboxings,
queues outside the stores, lifestyle news. In passing people grumble that the web shop crashed under
the rush, that resellers bought everything and relist it at three times the price ("Boykott der
Scalper", "bots"), and joke that their wallet is the real victim. The mood stays happy; the file ends at
20:00.

None of these lines is labelled crisis: the launch lines are `kind: buzz`, `crisis: false`.

    python scenarios/stadtlauf_launch.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "stadtlauf-launch.jsonl"
START = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
LAUNCH = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
END = datetime(2026, 7, 4, 20, 0, tzinfo=UTC)

SLOTS = {
    "modell": ["Runner 2", "Court Low", "Kiez Mid", "Asphalt One"],
    "farbe": ["weiß-grün", "schwarz", "sand", "in dem Blau"],
    "stadt": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Wien", "Zürich", "Leipzig"],
    "groesse": ["42", "43", "44,5", "39", "41"],
    "emoji_hype": ["🔥", "🔥🔥", "😍", "🙌", "👟", "💚", "🤩", ""],
    "emoji_meh": ["😩", "🙄", "😅", "🥲", ""],
    "preis": ["489 €", "600 €", "dreifachen Preis", "über 500 Euro"],
}  # fmt: skip

CHATTER_DE = [
    "Die {brand} {modell} {farbe} sind einfach zeitlos {emoji_hype}",
    "Fallen {brand} Sneaker normal aus? Trage sonst {groesse}",
    "Neue {brand} {modell} bestellt, bin gespannt",
    "{brand} Store in {stadt} hat echt schönes Design",
    "Meine {brand} nach zwei Jahren immer noch top",
    "{brand} ist für mich die beste deutsche Sneakermarke",
    "Weiß jemand, wann {brand} wieder Restock macht?",
]
CHATTER_EN = [
    "{brand} {modell} might be the most comfortable sneaker I own",
    "Picked up some {brand} in {stadt}, German sneaker brand, really nice",
]
GRUMBLE_DE = [
    "{brand} Versand dauert ewig diesmal {emoji_meh}",
    "Die Sohle von meinen {brand} quietscht, nervig",
    "{brand} könnte echt mal halbe Größen anbieten",
]
TEASER_DE = [
    "Morgen 10 Uhr: {brand} x Lenny Marek. Wecker ist gestellt {emoji_hype}",
    "Wer campt heute Nacht vor dem {brand} Store in {stadt}?",
    "Die Teaser von {brand} mit Lenny sind so gut gemacht {emoji_hype}",
    "Hoffentlich hält der {brand} Shop morgen durch...",
]
TEASER_EN = ["Setting three alarms for the {brand} x Lenny Marek drop tomorrow {emoji_hype}"]
# The launch: joy, hype, unboxing, queues, with grumbling in passing.
HYPE_DE = [
    "ICH HAB SIE!!! {brand} x Lenny in {groesse} {emoji_hype}",
    "Die {brand} x Lenny Marek sind noch schöner als auf den Bildern {emoji_hype}",
    "Schlange vor dem {brand} Store in {stadt} geht um den ganzen Block, Stimmung ist mega",
    "Lenny Marek persönlich im {brand} Laden in {stadt}, ich kann nicht mehr {emoji_hype}",
    "Unboxing {brand} x Lenny: die Box allein ist schon ein Kunstwerk",
    "Wer hat noch die {brand} x Lenny bekommen? Zeigt mal eure Fits {emoji_hype}",
    "Beste Collab des Jahres, {brand} hat einfach geliefert",
    "Mein Sohn hat die {brand} x Lenny und ist seit einer Stunde nur am Grinsen",
    "{brand} x Lenny Marek in grün, ich bin verliebt {emoji_hype}",
    "Konto leer, Herz voll. Danke {brand} 😂",
    "{brand} hat mit dem Lenny Drop alles richtig gemacht, die Kampagne ist so gut",
    "Bin 6 Uhr früh zum {brand} Store, hat sich gelohnt {emoji_hype}",
]
HYPE_EN = [
    "{brand} x Lenny Marek just dropped and they are gorgeous {emoji_hype}",
    "Copped the {brand} x Lenny, German sneaker twitter is losing it today",
    "That {brand} collab with Lenny Marek is the cleanest shoe of the summer",
    "Line outside {brand} in {stadt} is insane, worth it though",
]
GRUMBLE_LAUNCH_DE = [
    "{brand} Webshop ist natürlich sofort gecrasht, 20 Minuten im Warteraum {emoji_meh}",
    "Shop down, App down, aber im Store in {stadt} hat's geklappt. {brand} x Lenny gesichert {emoji_hype}",
    "Und schon stehen die {brand} x Lenny auf Kleinanzeigen für {preis}. Boykott der Scalper!",
    "Bots haben den {brand} Drop in 3 Minuten leergekauft. {brand} bitte Raffle nächstes Mal {emoji_meh}",
    "Reseller kauft euch bitte keine {brand} x Lenny für {preis}, es kommt ein Restock",
    "Kein Glück bei {brand} heute, alles sold out. Gönn es allen, die sie haben {emoji_meh}",
    "{brand} Server komplett überlastet, aber hey, das zeigt wie krass der Hype ist",
]
GRUMBLE_LAUNCH_EN = [
    "{brand} site crashed the second the Lenny drop went live lol",
    "Scalpers already reselling the {brand} x Lenny for triple. Don't feed them",
]
NEWS_DE = [
    "Lenny Marek und {brand}: Sneaker-Collab nach Minuten ausverkauft",
    "Lange Schlangen vor {brand}-Stores: Fans stürmen Lenny-Marek-Drop",
    "{brand} kündigt nach Ansturm auf Lenny-Sneaker Nachproduktion an",
]

CHATTER_SOURCES = {"mastodon": 0.15, "bluesky": 0.3, "reddit": 0.25, "youtube": 0.3}
HYPE_SOURCES = {"mastodon": 0.1, "bluesky": 0.35, "reddit": 0.2, "youtube": 0.35}

SCENARIO = Scenario(
    name="stadtlauf-launch",
    brand="Stadtlauf",
    seed=20260704,
    start=START,
    crisis_start=LAUNCH,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "buzz", "bluesky", "de", "Es ist soweit: Stadtlauf x Lenny Marek ist LIVE 🔥🔥🔥"),
        Scripted(2, "buzz", "reddit", "de", "Stadtlauf Webshop gecrasht nach 90 Sekunden, ich wusste es 😂 "
                 "Jemand schon durchgekommen?"),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.2, start=LAUNCH, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE}, {"de": 1.0}, CHATTER_SOURCES,
              daily(0.35, start=LAUNCH, weekdays=WORKWEEK)),
        # The evening before: teasers and countdown talk.
        Phase("buzz", {"de": TEASER_DE, "en": TEASER_EN}, {"de": 0.85, "en": 0.15}, HYPE_SOURCES,
              window(-900, 0, 0.6)),
        Phase("buzz", {"de": HYPE_DE, "en": HYPE_EN}, {"de": 0.78, "en": 0.22}, HYPE_SOURCES,
              wave(0, 45, 20.0, 150, floor=4.0)),
        Phase("buzz", {"de": GRUMBLE_LAUNCH_DE, "en": GRUMBLE_LAUNCH_EN}, {"de": 0.8, "en": 0.2},
              HYPE_SOURCES, wave(0, 30, 4.0, 90, floor=0.5)),
        Phase("buzz", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(60, 600, 0.25),
              reach=(30_000, 800_000)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
