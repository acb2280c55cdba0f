#!/usr/bin/env python3
"""Generate ``tronika-blackfriday.jsonl``: Black Friday at an electronics retailer, about eight times the
usual volume, overwhelmingly happy or neutral, with crisis words used in passing and as jokes. Benign: no
incident should open. Held out: written to check the detector, never tuned against (see expected.toml
`check`).

The fictional electronics retailer **Tronika** (keyword `Tronika`, stores and a web shop in Germany and
Austria) is talked about on Reddit, Bluesky, Mastodon, YouTube and in news feeds. Three days of ordinary
chatter (German, a fifth English: TVs, headphones, advice in the store, click & collect; a few complaints
about late parcels, hotline waits and slow refunds) run from Tuesday 2026-11-24 06:00 UTC. On Thursday
evening its TV advert and teasers announce the deals. On Friday 2026-11-27 07:00 UTC (08:00 in Germany) the
Black Friday deals go live: deal hunters, happy buyers, unboxings, deal blogs and consumer journalists
with large audiences ("lohnt sich"), lifestyle and business news about the rush. In passing people joke
and grumble: the rush nearly killed the server, the queue in the web shop, items sold out in minutes,
"Rückruf? Nein, Rückenwind!", "I'd boycott my diet for this", "mein Dispo ist das einzige Opfer", a few
doubt whether the discounts are real, as every year. The ordinary complaints go on at their usual rate.
An evening deal hour at 19:00 UTC brings a second, smaller peak. The file ends at 23:00.

None of these lines is labelled crisis: the Black Friday lines are `kind: buzz`, `crisis: false`.

    python scenarios/tronika_blackfriday.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "tronika-blackfriday.jsonl"
START = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
DEALS = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
END = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)

SLOTS = {
    "produkt": ["OLED-Fernseher", "Noise-Cancelling-Kopfhörer", "Saugroboter", "Kaffeevollautomat",
                "Gaming-Monitor", "Airfryer", "Switch", "iPad", "Soundbar", "Waschmaschine"],
    "product": ["OLED TV", "noise cancelling headphones", "robot vacuum", "air fryer", "gaming monitor"],
    "rabatt": ["40 %", "35%", "50 Prozent", "fast die Hälfte", "200 €", "300 Euro"],
    "stadt": ["Berlin", "Hamburg", "München", "Köln", "Stuttgart", "Wien", "Graz", "Dortmund", "Leipzig",
              "Mannheim"],
    "wartezeit": ["zwei Wochen", "10 Tagen", "drei Wochen", "einer Woche"],
    "emoji_gut": ["😍", "🙌", "🔥", "🛒", "🤑", "👍", "", ""],
    "emoji_lach": ["😂", "🤣", "😅", "🙈", ""],
    "emoji_meh": ["🙄", "😒", "🥲", "", ""],
}  # fmt: skip

CHATTER_DE = [
    "Neuen Fernseher bei {brand} in {stadt} gekauft, Beratung war echt gut {emoji_gut}",
    "Click & Collect bei {brand} ging heute super schnell, nach 2 Stunden abholbereit",
    "Hat jemand Erfahrung mit der {brand} Garantieverlängerung? Lohnt die sich bei {produkt}?",
    "{brand} hat {produkt} gerade ein bisschen günstiger, soll ich zuschlagen oder auf Black Friday warten?",
    "Der Typ bei {brand} in der Audioabteilung hat mir 20 Minuten Kopfhörer erklärt. Ehrenmann",
    "{brand} Filiale in {stadt} umgebaut, sieht jetzt richtig modern aus",
    "Preisvergleich: {brand} war bei {produkt} sogar günstiger als Amazon",
    "Altgerät bei {brand} abgegeben, ging problemlos und kostenlos",
    "Gibt's bei {brand} noch die Finanzierung mit 0 %?",
    "Bei {brand} kann man jetzt auch Handyreparaturen machen lassen, wusste ich gar nicht",
    "{brand} App zeigt jetzt an, ob was in der Filiale vorrätig ist. Praktisch",
]
CHATTER_EN = [
    "Bought {product} at {brand} in {stadt}, staff were super helpful even in English",
    "Is {brand} reliable for returns? First time ordering from them",
    "{brand} price match worked, saved 60 euros on my {product}",
]
GRUMBLE_DE = [
    "{brand} Paket seit {wartezeit} 'in Zustellung', langsam reicht's {emoji_meh}",
    "Erstattung bei {brand} dauert jetzt schon {wartezeit}, Ware ist längst zurück",
    "{brand} Hotline: 45 Minuten Warteschleife wegen einer simplen Rücksendung {emoji_meh}",
    "Verkäufer bei {brand} in {stadt} wollte mir unbedingt ein HDMI-Kabel für 60 € andrehen",
    "Karton von {brand} kam total eingedrückt an, zum Glück ist der Inhalt ok",
    "Warum kostet bei {brand} die Lieferung jetzt 4,99 extra? Früher war die gratis",
]
GRUMBLE_EN = [
    "{brand} delivery is late again, tracking hasn't moved in days",
]
TEASER_DE = [
    "Habt ihr den {brand} Black-Friday-Spot mit dem Lama gesehen? {emoji_lach}",
    "Morgen 8 Uhr geht's los bei {brand}. Wunschliste steht {emoji_gut}",
    "Laut Prospekt hat {brand} morgen {produkt} für {rabatt} weniger. Wecker gestellt",
    "Hoffe der {brand} Shop überlebt morgen früh {emoji_lach}",
]
TEASER_EN = ["{brand} Black Friday starts tomorrow 8am, setting alarms {emoji_gut}"]
# Black Friday: deals, happy buyers, unboxings.
DEALS_DE = [
    "{produkt} bei {brand} für {rabatt} weniger, sofort zugeschlagen {emoji_gut}",
    "{brand} Black Friday ist dieses Jahr echt stark, hab endlich {produkt}",
    "Unboxing: {produkt} aus dem {brand} Black Friday Deal. Sieht mega aus {emoji_gut}",
    "Schlange vor {brand} in {stadt} um 7:45, Stimmung ist super, Kaffee gibt's gratis",
    "Wer hat noch was Gutes bei {brand} gefunden? Teilt eure Deals {emoji_gut}",
    "Meine Frau: 'Wir brauchen nichts'. Ich, 8:03 Uhr, bei {brand}: {produkt} 🛒",
    "Preisverlauf gecheckt: {brand} Deal für {produkt} ist echt, tiefster Preis seit einem Jahr",
    "{brand} hat heute die besten Angebote, hab Preise mit drei anderen Shops verglichen",
    "Bei {brand} {produkt} gekauft, Abholung in {stadt} schon heute Mittag. Perfekt",
    "Weihnachtsgeschenke für die ganze Familie bei {brand} erledigt. Ende November! {emoji_gut}",
    "Der Verkäufer bei {brand} in {stadt} hat heute wirklich Nerven aus Stahl, Respekt an das Team",
    "{brand} Black Friday: {produkt} im Warenkorb, {produkt} im Warenkorb, Konto leer, Herz voll",
    "Noch nie so entspannt Black Friday gemacht wie bei {brand} dieses Jahr",
    "ok {brand} ihr habt gewonnen. {produkt} gekauft {emoji_lach}",
]
DEALS_EN = [
    "{brand} Black Friday deals are actually good this year, got the {product} for almost half",
    "Queue outside {brand} in {stadt} at 7:45 and everyone is weirdly cheerful",
    "Grabbed the {product} from {brand}, price history says it's a real low",
]
# Crisis words in passing and as jokes, and the grumbling that comes with any rush.
PASSING_DE = [
    "Der Ansturm bei {brand} hat fast den Server gekillt {emoji_lach}",
    "{brand} Rückruf? Nein, Rückenwind! Bestes Black Friday seit Jahren",
    "Das ist kein Angebot mehr, das ist ein Überfall. Danke {brand} {emoji_lach}",
    "Einziges Opfer des {brand} Black Friday: mein Dispo {emoji_lach}",
    "Skandal: bei {brand} ist der Fernseher so günstig, dass ich ihn kaufen musste {emoji_lach}",
    "{brand} Shop hatte um 8 Uhr einen Warteraum mit 12.000 Leuten vor mir. Nach 15 Minuten war ich drin",
    "Webshop von {brand} kurz in die Knie gegangen, App lief aber. Deal gesichert {emoji_gut}",
    "Das Angebot für {produkt} bei {brand} war nach 4 Minuten weg {emoji_meh} Na dann halt nächstes Jahr",
    "Mein Konto wurde heute gehackt. Von mir selbst. Bei {brand} {emoji_lach}",
    "Bei {brand} ist es so voll, Brandschutz würde sagen: bitte nicht mehr reinlassen {emoji_lach}",
    "Warenkorb bei {brand} zweimal geleert worden beim Bezahlen, beim dritten Mal ging's. Puh",
    "Sind die {brand} Rabatte echt oder Mondpreise? Bei {produkt} passt's laut Preisvergleich",
    "{brand} heute: Shitstorm bleibt aus, dafür Kaufrausch {emoji_lach}",
    "Hab bei {brand} den Black-Friday-Notfallplan ausgelöst: Partnerin hält die Karte fest {emoji_lach}",
]
PASSING_EN = [
    "I'd boycott my diet for this {brand} air fryer deal {emoji_lach}",
    "{brand} site went down for like 5 minutes at 8am, came back fine. Deal secured",
    "My wallet is the only casualty of {brand} Black Friday {emoji_lach}",
]
DEALBLOG_DE = [
    "Deal-Check: Die zehn besten {brand}-Angebote zum Black Friday – und welche sich nicht lohnen",
    "Unser Test-Redakteur hat bei {brand} nachgerechnet: {produkt} wirklich auf Jahrestiefstpreis",
    "Live-Ticker Black Friday: {brand} mit den stärksten Technik-Deals des Vormittags",
]
NEWS_DE = [
    "Black Friday: Ansturm auf {brand}, Webshop zeitweise überlastet",
    "Schlangen vor {brand}-Filialen: Händler spricht von Rekordumsatz",
    "{brand} zieht positive Black-Friday-Bilanz: 'Bester Tag der Firmengeschichte'",
    "Black Friday 2026: Wo sich die Schnäppchenjagd lohnt – {brand}, Online-Shops und Co.",
]
EVENING_DE = [
    "{brand} Late-Night-Deals ab 20 Uhr, {produkt} nochmal runtergesetzt {emoji_gut}",
    "Zweite Runde bei {brand}, diesmal ohne Warteraum. Danke fürs Nachbessern",
    "Hab heute Abend bei {brand} noch {produkt} mitgenommen, jetzt ist aber Schluss {emoji_lach}",
]

CHATTER_SOURCES = {"reddit": 0.3, "bluesky": 0.25, "mastodon": 0.2, "youtube": 0.25}
DEAL_SOURCES = {"reddit": 0.3, "bluesky": 0.3, "mastodon": 0.1, "youtube": 0.3}

SCENARIO = Scenario(
    name="tronika-blackfriday",
    brand="Tronika",
    seed=20261127,
    start=START,
    crisis_start=DEALS,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "buzz", "bluesky", "de", "Tronika Black Friday ist LIVE! 🛒🔥 Wer ist schon drin?"),
        Scripted(1, "buzz", "reddit", "de", "Tronika Webshop: 'Sie befinden sich im Warteraum. Geschätzte "
                 "Wartezeit: 17 Minuten.' Der Ansturm killt gleich den Server 😂"),
        Scripted(4, "buzz", "mastodon", "de", "Falls sich jemand wundert, warum alle über Tronika reden: "
                 "kein Rückruf, kein Skandal, nur Black Friday. Ich geh jetzt Kaffee holen."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.2, start=DEALS, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(0.4, start=DEALS, weekdays=WORKWEEK)),
        Phase("baseline", {"de": CHATTER_DE}, {"de": 1.0}, {"mastodon": 0.5, "bluesky": 0.5},
              daily(0.1, start=DEALS, weekdays=WORKWEEK), reach=(0, 10)),
        # Thursday evening: the TV advert and teasers; again in the early morning before the start.
        Phase("buzz", {"de": TEASER_DE, "en": TEASER_EN}, {"de": 0.85, "en": 0.15}, DEAL_SOURCES,
              window(-780, -420, 0.5)),
        Phase("buzz", {"de": TEASER_DE, "en": TEASER_EN}, {"de": 0.85, "en": 0.15}, DEAL_SOURCES,
              window(-100, 0, 0.4)),
        # Friday 08:00 in Germany: the deals go live.
        Phase("buzz", {"de": DEALS_DE, "en": DEALS_EN}, {"de": 0.8, "en": 0.2}, DEAL_SOURCES,
              wave(0, 50, 14.0, 200, floor=4.0)),
        Phase("buzz", {"de": PASSING_DE, "en": PASSING_EN}, {"de": 0.8, "en": 0.2}, DEAL_SOURCES,
              wave(0, 30, 3.5, 120, floor=0.6)),
        Phase("buzz", {"de": DEALBLOG_DE}, {"de": 1.0}, {"bluesky": 0.5, "mastodon": 0.2, "rss": 0.3},
              window(10, 840, 0.12), reach=(40_000, 650_000)),
        Phase("buzz", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(60, 900, 0.2),
              reach=(30_000, 1_500_000)),
        # 19:00 UTC: the evening deal hour.
        Phase("buzz", {"de": EVENING_DE + DEALS_DE, "en": DEALS_EN}, {"de": 0.85, "en": 0.15}, DEAL_SOURCES,
              wave(700, 730, 7.0, 60)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
