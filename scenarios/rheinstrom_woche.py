#!/usr/bin/env python3
"""Generate ``rheinstrom-woche.jsonl``: a quiet week of an energy supplier, with ordinary complaints
and the usual Monday-morning peak. Nothing happens: no incident should open.

The fictional energy supplier **Rheinstrom** (keyword `Rheinstrom`) is talked about on Mastodon,
Bluesky, Reddit, YouTube and in regional news feeds, from Tuesday 2026-07-14 00:00 UTC to Tuesday
2026-07-21 12:00 UTC. German, a tenth English. Most people talk about tariffs, the app, solar feed-in
and meter readings; about a fifth complain (hotline waiting times, a higher monthly instalment, a late
final bill, the app logging them out). Weekends are quieter. On Monday morning (20 July, 06:00–10:00
UTC) the complaints double for a few hours as people open their weekend post and call the hotline;
a regional paper writes a routine piece on the price change. All lines are `kind: baseline`.

    python scenarios/rheinstrom_woche.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, daily

OUTPUT = Path(__file__).resolve().parent / "rheinstrom-woche.jsonl"
START = datetime(2026, 7, 14, 0, 0, tzinfo=UTC)
END = datetime(2026, 7, 21, 12, 0, tzinfo=UTC)

SLOTS = {
    "tarif": ["Ökostrom Plus", "Strom Basis", "Gas Komfort", "Wärmepumpentarif", "E-Auto-Tarif"],
    "stadt": ["Köln", "Bonn", "Düsseldorf", "Koblenz", "Neuss", "Leverkusen", "Mainz"],
    "wartezeit": ["25 Minuten", "eine halbe Stunde", "45 Minuten", "eine Stunde"],
    "betrag": ["12 €", "18 €", "25 €", "9 €", "30 €"],
    "emoji_gut": ["☀️", "🔌", "👍", "", ""],
    "emoji_meh": ["🙄", "😩", "😤", "🤷", "", ""],
}  # fmt: skip

CHATTER_DE = [
    "Zählerstand bei {brand} in der App eingegeben, ging schnell {emoji_gut}",
    "Wechsel zu {brand} {tarif} hat problemlos geklappt",
    "Unsere PV-Anlage speist jetzt bei {brand} ein, Vergütung kam pünktlich {emoji_gut}",
    "Lohnt sich der {brand} {tarif} für eine Wärmepumpe? Erfahrungen?",
    "{brand} hat mir einen Energiespar-Check angeboten, ganz interessant",
    "Ladesäule von {brand} am Supermarkt in {stadt} funktioniert super",
    "Jahresabrechnung von {brand}: sogar was zurück bekommen {emoji_gut}",
    "{brand} Kundenzentrum in {stadt} war freundlich und schnell",
    "Hat jemand den {brand} dynamischen Tarif? Wie läuft das mit dem Smart Meter?",
    "{brand} sponsert das Stadtfest in {stadt}, nette Aktion",
]
CHATTER_EN = [
    "Just moved to {stadt}, is {brand} a decent electricity provider?",
    "{brand} app lets you submit meter readings in English, nice for expats",
]
COMPLAINT_DE = [
    "{brand} Hotline: {wartezeit} Warteschleife und dann aufgelegt {emoji_meh}",
    "{brand} erhöht den Abschlag um {betrag} im Monat, obwohl ich weniger verbrauche?",
    "Schlussrechnung von {brand} nach Umzug lässt seit drei Monaten auf sich warten",
    "Die {brand} App loggt mich ständig aus, jedes Mal neu anmelden nervt",
    "Zwei Mails an {brand} und keine Antwort. Wie erreicht man da jemanden?",
    "{brand} Preiserhöhung zum 1.9. steht im Briefkasten. Mal Vergleichsportale checken",
    "Warum schätzt {brand} meinen Zählerstand, wenn ich ihn doch eingegeben hab {emoji_meh}",
    "Kundenservice von {brand} war heute echt unfreundlich",
]
COMPLAINT_EN = [
    "{brand} customer service only speaks German on the phone, struggling here",
    "{brand} raised my monthly payment by {betrag} without explaining why",
]
NEWS_DE = [
    "{brand} passt Strompreise zum Herbst an – was Kunden wissen müssen",
    "{brand} baut Ladenetz in {stadt} aus",
    "Regionalversorger {brand} mit neuem Wärmepumpentarif",
]

SOURCES = {"mastodon": 0.2, "bluesky": 0.25, "reddit": 0.35, "youtube": 0.2}
MONDAY = datetime(2026, 7, 20, tzinfo=UTC)


def monday_morning(peak: float) -> Callable[[float], float]:
    """The extra complaints on Monday morning (06:00–10:00 UTC), rising and falling."""

    def rate(minutes: float) -> float:
        moment = START + timedelta(minutes=minutes)
        hours = (moment - MONDAY).total_seconds() / 3600 - 6
        return peak * max(0.0, 1 - abs(hours - 2) / 2) if 0 <= hours < 4 else 0.0

    return rate


SCENARIO = Scenario(
    name="rheinstrom-woche",
    brand="Rheinstrom",
    seed=20260720,
    start=START,
    crisis_start=START,  # no crisis: the start anchors the clock
    end=END,
    slots=SLOTS,
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.9, "en": 0.1}, SOURCES,
              daily(2.2, start=START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": COMPLAINT_DE, "en": COMPLAINT_EN}, {"de": 0.9, "en": 0.1}, SOURCES,
              daily(0.6, start=START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": COMPLAINT_DE, "en": COMPLAINT_EN}, {"de": 0.9, "en": 0.1}, SOURCES,
              monday_morning(1.6)),
        Phase("baseline", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, daily(0.03, start=START),
              reach=(20_000, 400_000)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
