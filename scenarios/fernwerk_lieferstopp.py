#!/usr/bin/env python3
"""Generate ``fernwerk-lieferstopp.jsonl``: a 3D-printer maker's chip supplier stops deliveries and
its firmware partner ends the licence, breaking on news feeds and Hacker News.

The fictional **Fernwerk** (keyword `Fernwerk`, desktop 3D printers from Germany) is talked about on
Hacker News, Reddit, Mastodon, Bluesky, YouTube and in news feeds, in English and German. Three days of
ordinary chatter (prints, firmware updates, filament, a few complaints about support and shipping) run
from Monday 2026-07-27 06:00 UTC. On Thursday 2026-07-30 13:00 UTC a trade outlet reports that
Fernwerk's controller-board supplier has stopped deliveries over unpaid invoices and that the
firmware partner is ending the licence; the story is on Hacker News ten minutes later. Owners worry
about spare parts, updates and warranty; pre-orders are cancelled; the company's statement at 16:30
(a second supplier, firmware stays open) slows it. The file ends at 21:00.

    python scenarios/fernwerk_lieferstopp.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "fernwerk-lieferstopp.jsonl"
START = datetime(2026, 7, 27, 6, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 7, 30, 13, 0, tzinfo=UTC)
END = datetime(2026, 7, 30, 21, 0, tzinfo=UTC)

SLOTS = {
    "model": ["F3", "F3 Mini", "Forge XL", "F2"],
    "material": ["PETG", "PLA", "TPU", "ASA", "nylon"],
    "thing": ["a Benchy", "a lamp shade", "replacement parts for my dishwasher", "a tabletop terrain set",
              "a camera mount"],
    "emoji": ["🖨️", "👍", "🙂", "", ""],
}  # fmt: skip

CHATTER_EN = [
    "Printed {thing} on my {brand} {model} overnight, flawless {emoji}",
    "{brand} firmware 4.2 finally fixed the first-layer issue on the {model}",
    "Is the {brand} {model} worth it over a Prusa? Mostly {material}",
    "{brand} {model} arrived, setup took 15 minutes. Impressed",
    "Love that {brand} publishes the board schematics",
    "Anyone have good {material} profiles for the {brand} {model}?",
]
CHATTER_DE = [
    "Mein {brand} {model} druckt seit zwei Jahren ohne Probleme {emoji}",
    "{brand} Support hat mir kostenlos eine neue Düse geschickt, top",
    "Welches {material} nehmt ihr für den {brand} {model}?",
]
GRUMBLE_EN = [
    "{brand} support took a week to answer my ticket",
    "{brand} shipping to the UK is painfully slow",
    "The {brand} {model} bed leveling still needs babysitting",
]
NEWS_EN = [
    "{brand}'s board supplier halts shipments over unpaid invoices",
    "3D-printer maker {brand} loses firmware partner, licence to end in 90 days",
    "What {brand}'s supplier dispute means for owners and pre-orders",
    "{brand} pre-orders on hold as supplier stops deliveries",
]
NEWS_DE = [
    "Lieferstopp: Zulieferer stellt Belieferung von 3D-Drucker-Hersteller {brand} ein",
    "Streit um offene Rechnungen: {brand} verliert Platinen-Lieferanten",
    "{brand}-Kunden fürchten um Ersatzteile und Updates",
]
HN_EN = [
    "{brand} owner here. If the firmware licence ends, do we lose updates on printers we already own?",
    "Unpaid invoices to a board supplier is usually a sign of cash trouble. I'd cancel a {brand} pre-order",
    "This is why open firmware matters. {brand} users should be fine if someone forks it",
    "Hardware startups and single-source suppliers, a tale as old as time. Sad, {brand} made good machines",
    "The {brand} statement so far says nothing about warranty. That's what I'd want to know",
    "Has {brand} responded? Their forum is full of people asking about spare boards",
]
REACTION_EN = [
    "Just cancelled my {brand} Forge XL pre-order after that news, can't risk it",
    "Will {brand} still ship spare boards? My {model} mainboard died last month",
    "Stocking up on {brand} spare parts tonight just in case",
    "Hope {brand} gets through this, the {model} is a great printer",
    "{brand} supplier fight: does anyone know what happens to the warranty?",
]
REACTION_DE = [
    "Lieferstopp bei {brand}? Hab gerade erst den {model} gekauft {emoji}",
    "Wer haftet eigentlich für die Garantie, wenn {brand} pleite geht?",
    "{brand} Vorbestellung storniert, sorry. Zu unsicher gerade",
]
CALM_EN = [
    "{brand} says a second board supplier is signed and the firmware stays open source. Relief",
    "Good statement from {brand}, warranty honoured and spare boards from the new supplier in September",
]

CHATTER_SOURCES = {"hackernews": 0.15, "reddit": 0.35, "mastodon": 0.2, "bluesky": 0.15, "youtube": 0.15}
REACTION_SOURCES = {"reddit": 0.4, "mastodon": 0.25, "bluesky": 0.2, "youtube": 0.15}

SCENARIO = Scenario(
    name="fernwerk-lieferstopp",
    brand="Fernwerk",
    seed=20260730,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "news", "rss", "en", "Fernwerk's controller-board supplier stops deliveries over unpaid "
                 "invoices; firmware partner gives notice on licence"),
        Scripted(10, "reaction", "hackernews", "en", "Fernwerk's board supplier halts shipments, firmware "
                 "licence ends in 90 days. What does this mean for existing printers?"),
        Scripted(14, "reaction", "hackernews", "en", "I own two Fernwerk F3s in our lab. If spare boards dry "
                 "up we're stuck. Anyone know if the board design is open enough to have them made?"),
    ],
    phases=[
        Phase("baseline", {"en": CHATTER_EN, "de": CHATTER_DE}, {"en": 0.75, "de": 0.25}, CHATTER_SOURCES,
              daily(1.8, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"en": GRUMBLE_EN}, {"en": 1.0}, CHATTER_SOURCES,
              daily(0.3, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("news", {"en": NEWS_EN, "de": NEWS_DE}, {"en": 0.6, "de": 0.4}, {"rss": 1.0},
              window(20, 420, 0.35), reach=(20_000, 900_000)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(12, 80, 5.0, 70)),
        Phase("reaction", {"en": REACTION_EN, "de": REACTION_DE}, {"en": 0.75, "de": 0.25}, REACTION_SOURCES,
              wave(25, 120, 6.0, 80)),
        Phase("reaction", {"en": CALM_EN}, {"en": 1.0}, {"hackernews": 0.5, "reddit": 0.5},
              window(210, 480, 0.8)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
