#!/usr/bin/env python3
"""Generate ``fernmeldt-stoerung.jsonl``: a Monday-morning internet outage at a telecom provider whose
hotline cannot be reached, and a day of angry, sarcastic customers on every source at once. Held out:
written to check the detector, never tuned against (see expected.toml `check`).

The fictional Internet and phone provider **Fernmeldt** (keyword `Fernmeldt`, cable and DSL in North
Rhine-Westphalia and Lower Saxony) is talked about on Reddit, Bluesky, Mastodon, YouTube, in news feeds
and, a little, on Hacker News. Three days of ordinary chatter run from Friday 2026-09-11 06:00 UTC,
quieter at the weekend; as for any telecom, about a fifth of it is complaints (hotline waits, a missed
technician, a higher bill, slow evenings, a short outage at night). On Monday 2026-09-14 06:10 UTC (08:10
in Germany, the start of the home-office day) customers find their Internet and landline dead: within
minutes first-person posts come on Bluesky, Reddit and Mastodon together ("Danke für nichts", "super
Service…", the hotline hangs up, the status page says everything is fine), ramping up through the first
hour; a café cannot take cards, an elderly father's emergency call line is dead. The press reports the
outage from 07:20, Fernmeldt's account posts a short "Techniker arbeiten mit Hochdruck" at 08:30, which is
mocked. Service is back for most at 11:30, but the hotline stays unreachable and many are still offline:
a second, smaller wave in the afternoon about compensation (TKG), special termination and complaints to
the Bundesnetzagentur. The file ends at 18:00.

    python scenarios/fernmeldt_stoerung.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "fernmeldt-stoerung.jsonl"
START = datetime(2026, 9, 11, 6, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 9, 14, 6, 10, tzinfo=UTC)
END = datetime(2026, 9, 14, 18, 0, tzinfo=UTC)

SLOTS = {
    "stadt": ["Köln", "Düsseldorf", "Bochum", "Essen", "Wuppertal", "Bielefeld", "Münster", "Hannover",
              "Osnabrück", "Duisburg", "Bonn"],
    "tarif": ["Kabel 250", "Kabel 1000", "DSL 100", "Glasfaser 500", "DSL 50"],
    "speed": ["243", "980", "96", "480", "51"],
    "wartezeit": ["40 Minuten", "einer Stunde", "25 Minuten", "über einer Stunde", "einer halben Stunde"],
    "minuten": ["20", "35", "45", "50", "70"],
    "emoji_gut": ["👍", "🚀", "🙂", "", "", ""],
    "emoji_meh": ["🙄", "😒", "😤", "", ""],
    "emoji_ironie": ["🙃", "👏", "🤡", "😂", "🙄", "", ""],
    "emoji_wut": ["😡", "🤬", "😤", "", ""],
    "termin": ["Kundentermin", "Teams-Call mit dem Chef", "Bewerbungsgespräch per Video", "Onlineklausur",
               "Daily um 9", "Arzttermin per Video"],
}  # fmt: skip

CHATTER_DE = [
    "Speedtest mit {brand} {tarif}: {speed} Mbit/s, kann mich nicht beschweren {emoji_gut}",
    "Hat jemand Erfahrung mit dem {brand} Glasfaser-Ausbau in {stadt}? Lohnt sich der Vorvertrag?",
    "Wechsel von der Telekom zu {brand} hat erstaunlich reibungslos geklappt",
    "Welchen Router nehmt ihr bei {brand}, den eigenen oder die Mietbox?",
    "{brand} hat mir einen Upgrade auf {tarif} angeboten, gleiches Geld. Nehm ich",
    "Endlich Glasfaser von {brand} in unserer Straße, die Bagger waren fleißig",
    "Kann man bei {brand} eigentlich die feste IP dazubuchen? Für den Homeserver",
    "Die neue {brand} TV-App ist gar nicht so schlecht, Bundesliga läuft flüssig",
    "Der {brand} Techniker heute war super nett und hat mir gleich das WLAN mit optimiert {emoji_gut}",
    "{brand} {tarif} seit zwei Jahren, läuft einfach. Mehr will ich gar nicht",
    "Gibt's bei {brand} noch den Rabatt für Studenten?",
    "Portierung der Festnetznummer zu {brand} hat genau 3 Tage gedauert. Hätte schlimmer sein können",
    "Tipp: im {brand} Kundenportal kann man den Tarif auch selbst wechseln, geht schneller als die Hotline",
]
CHATTER_EN = [
    "Just moved to {stadt}, is {brand} a decent ISP? Landlord says the building has their cable",
    "{brand} {tarif} gives me a solid {speed} Mbps, pleasantly surprised",
    "Does {brand} support IPv6 properly? Asking for my homelab",
    "Anyone using their own router with {brand} cable? Which modem works?",
]
COMPLAINT_DE = [
    "{brand} Hotline: {wartezeit} Warteschleife für eine simple Adressänderung {emoji_meh}",
    "Techniker von {brand} hat mich einfach versetzt, den ganzen Vormittag umsonst frei genommen",
    "Warum ist meine {brand} Rechnung diesen Monat 12 € höher? Niemand hat was angekündigt",
    "Abends ab 20 Uhr bricht das {brand} Internet bei uns immer ein, tagsüber alles gut",
    "Heute Nacht war bei {brand} ca. 10 Minuten das Netz weg, jetzt geht's wieder",
    "Kündigung bei {brand} eingereicht, nach 4 Wochen immer noch keine Bestätigung {emoji_meh}",
    "{brand} Chatbot versteht einfach nichts. 'Meinten Sie: Tarifwechsel?' Nein!!",
    "WLAN der {brand} Box reicht nicht mal bis ins Schlafzimmer, Mesh muss man natürlich extra zahlen",
]
COMPLAINT_EN = [
    "{brand} support had me on hold for {wartezeit} just to change my bank details",
    "My {brand} speeds drop every evening, paying for {tarif} and getting half",
]
# Monday 08:10: the outage, the hotline, the sarcasm. First-person, on every source at once.
OUTAGE_DE = [
    "Seit heute früh kein Internet bei {brand}. Hotline: 'Aufgrund des hohen Anrufaufkommens...' und dann "
    "aufgelegt. Danke für nichts {emoji_wut}",
    "Homeoffice mit {brand}: Router blinkt rot, Hotline nicht erreichbar, Störungsseite sagt 'keine Störung "
    "bekannt'. Super Service… {emoji_ironie}",
    "{brand} Störung in {stadt}? Bei uns geht seit heute früh gar nix, weder Internet noch Festnetz",
    "Drei Mal bei {brand} angerufen, drei Mal nach {minuten} Minuten rausgeflogen. Dafür zahl ich 45 € "
    "im Monat",
    "Kein Internet, kein Festnetz, und die {brand} App sagt 'Alles in Ordnung'. Ja ne, is klar "
    "{emoji_ironie}",
    "Danke {brand}, dass ich mein {termin} heute über den Handy-Hotspot machen darf {emoji_ironie}",
    "Der {brand} Chatbot schlägt mir vor, den Router neu zu starten. Hab ich. Fünfmal. Danke für nichts",
    "{brand} Hotline hat mich nach {minuten} Minuten Warteschleife einfach getrennt. Chapeau {emoji_ironie}",
    "Wie, {brand} hat eine Großstörung und sagt niemandem Bescheid? Erfahr ich von Reddit",
    "Unser Café kann seit acht keine Karten nehmen, {brand} Leitung tot. Hotline: Warteschleife. Großartig",
    "Mein Vater (82) hat den Hausnotruf über das {brand} Festnetz und das ist seit heute früh tot. "
    "Hotline nicht erreichbar. Ich dreh durch {emoji_wut}",
    "{brand} Kundenservice ist der beste Witz des Jahres. Null Info, null Erreichbarkeit",
    "Ganze Straße in {stadt} ohne {brand} Internet, die Nachbarn stehen schon mit Laptops im Café",
    "bei {brand} wieder alles tot. ich hab heute ne {termin} und kann mich nicht einwählen. danke echt",
    "Hab jetzt 1 Std 10 min in der {brand} Warteschleife verbracht. Musik ist immerhin gut. NICHT",
    "{brand} ist seit 6 Uhr offline in {stadt}, Störungsmelder explodiert, {brand} selbst: Funkstille",
    "Super Service, {brand}: Internet weg, Hotline weg, Twitter-Team weg. Nur die Rechnung kommt pünktlich",
    "Kann bei {brand} bitte irgendwer mal ans Telefon gehen?? Es ist 9 Uhr, wir müssen arbeiten",
    "Ich zahle {brand} jeden Monat pünktlich. Heute: kein Netz und keiner geht ran. Das ist ein Witz",
    "Kinder haben heute Schule mit iPad-Aufgaben, {brand} Internet tot. Danke für nichts, wirklich",
]
OUTAGE_EN = [
    "No internet since 8am with {brand} and the hotline just hangs up on you. Great service, really",
    "{brand} outage in {stadt}? Working from home is going great today {emoji_ironie}",
    "Spent an hour on hold with {brand} to be told nothing. Thanks for nothing",
    "{brand} status page: all green. My router: all red. Classic",
]
# From about an hour in: leaving, compensation, the regulator, mocking the statement.
REACTION_DE = [
    "'Techniker arbeiten mit Hochdruck' – {brand}, ihr arbeitet vor allem mit Textbausteinen {emoji_ironie}",
    "Sonderkündigungsrecht bei {brand} wegen der Störung? Ich bin durch mit dem Laden",
    "Nach § 58 TKG steht euch ab dem dritten Tag eine Entschädigung zu. Schreibt {brand} schriftlich an!",
    "Beschwerde bei der Bundesnetzagentur ist raus. {brand} erreicht man ja nicht",
    "Wer sich bei {brand} über die Störung beschweren will: Kontaktformular geht auch nicht. Natürlich",
    "Ich hab {brand} gerade gekündigt. Per Einschreiben, weil ja sonst keiner zuhört",
    "Was mich am meisten aufregt: nicht die Störung, sondern dass {brand} stundenlang nichts sagt",
    "Und {brand} schreibt 'Wir bitten um Geduld'. Geduld hab ich seit 8 Uhr, Internet nicht",
    "Wenn {brand} so mit einer Störung umgeht, will ich nicht wissen, wie die mit echten Problemen umgehen",
    "Verbraucherzentrale sagt: Ausfall dokumentieren, {brand} Frist setzen, Minderung verlangen",
    "Gerade im {brand} Shop in {stadt} gewesen: die wissen auch nix und die Hotline erreichen die "
    "selbst nicht 😂",
]
# After the 11:30 "mostly fixed": still offline, still no hotline.
LATE_DE = [
    "{brand} hat 'Störung behoben' gepostet. Bei mir: nix behoben. Hotline: immer noch nicht erreichbar",
    "'Router neu starten' sagt {brand}. Hab ich. Seit heute Morgen. Immer noch tot {emoji_wut}",
    "Internet ist wieder da, aber {brand} hat mir 4 Stunden Arbeit gekostet. Entschuldigung reicht nicht",
    "{brand} bei uns in {stadt} wieder da, bei meinen Eltern zwei Straßen weiter nicht. Hotline? Ratet mal",
    "Nach der Nummer heute wechsle ich von {brand}, sobald der Vertrag es zulässt",
]
REACTION_EN = [
    "Switching away from {brand} after today. An outage happens, but zero communication is unacceptable",
    "German ISP {brand} down for hours and their hotline unreachable. Customers furious",
]
HN_EN = [
    "Looks like a large part of {brand}'s cable network in NRW dropped this morning. Anyone seeing BGP "
    "changes?",
    "{brand} outage: their status page is hosted on their own network, so it was down too. Good lesson",
    "The real failure at {brand} isn't the outage, it's that the support line collapsed under load",
]
JOURNALIST_DE = [
    "Störung bei {brand} bestätigt: betroffen sind vor allem Kabelkunden im Raum {stadt}. Eine Ursache nennt "
    "{brand} bisher nicht",
    "Wir haben heute früh 40 Minuten versucht, die {brand}-Hotline zu erreichen. Ergebnis: nichts",
    "Thread: Eure Rechte bei der {brand}-Störung – Entschädigung, Minderung, Sonderkündigung 🧵",
]
NEWS_DE = [
    "Großstörung bei {brand}: Zehntausende Kunden ohne Internet und Telefon",
    "{brand}-Ausfall in NRW: Hotline überlastet, Kunden verärgert",
    "Internet weg bei {brand}: Was Kunden jetzt tun können",
    "{brand}-Störung legt Homeoffice lahm – auch Notrufanschlüsse betroffen",
    "Nach stundenlangem Ausfall: {brand} meldet Störung weitgehend behoben, Kritik an Erreichbarkeit",
    "Bundesnetzagentur prüft Beschwerden über {brand}",
]

CHATTER_SOURCES = {"reddit": 0.35, "bluesky": 0.25, "mastodon": 0.25, "youtube": 0.15}
OUTAGE_SOURCES = {"reddit": 0.32, "bluesky": 0.3, "mastodon": 0.25, "youtube": 0.13}

SCENARIO = Scenario(
    name="fernmeldt-stoerung",
    brand="Fernmeldt",
    seed=20260914,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "crisis", "bluesky", "de", "Seit 7 Uhr kein Internet bei Fernmeldt, Homeoffice gelaufen. "
                 "Hotline: 'Aufgrund des hohen Anrufaufkommens…' und dann aufgelegt. Danke für nichts."),
        Scripted(2, "crisis", "reddit", "de", "Fernmeldt Störung Köln? Internet und Festnetz seit heute früh "
                 "tot, Router blinkt rot. Störungsseite sagt alles ok, Hotline nicht erreichbar. Bei "
                 "euch auch?"),
        Scripted(4, "crisis", "mastodon", "de", "Montagmorgen, Fernmeldt-Internet tot, Hotline tot, Chatbot "
                 "empfiehlt Neustart. Super Service… 🙃"),
        Scripted(7, "crisis", "bluesky", "en", "Fernmeldt down in Düsseldorf too? No internet, no landline, "
                 "support line drops the call after 10 minutes"),
        Scripted(9, "crisis", "reddit", "de", "Bochum hier, auch kein Fernmeldt. Hab 25 Minuten in der "
                 "Warteschleife gehangen, dann Besetztzeichen. Ich hab um 9 einen Kundentermin -.-"),
        # 08:30: the provider's account.
        Scripted(140, "news", "bluesky", "de", "Fernmeldt: Derzeit kommt es in Teilen von NRW zu "
                 "Störungen bei "
                 "Internet und Telefonie. Unsere Techniker arbeiten mit Hochdruck an der Behebung. Wir "
                 "bitten "
                 "um Geduld."),
        # 11:30: "mostly fixed".
        Scripted(320, "news", "mastodon", "de", "Fernmeldt: Die Störung ist weitgehend behoben. Sollte euer "
                 "Anschluss noch nicht funktionieren, startet bitte den Router neu. Wir entschuldigen "
                 "uns für "
                 "die Unannehmlichkeiten."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(2.3, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": COMPLAINT_DE, "en": COMPLAINT_EN}, {"de": 0.9, "en": 0.1}, CHATTER_SOURCES,
              daily(0.6, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": CHATTER_DE + COMPLAINT_DE}, {"de": 1.0}, {"mastodon": 0.5, "bluesky": 0.5},
              daily(0.12, start=CRISIS_START, weekdays=WORKWEEK), reach=(0, 10)),
        # The outage: angry first-person posts on every source at once, ramping within the hour.
        Phase("crisis", {"de": OUTAGE_DE, "en": OUTAGE_EN}, {"de": 0.88, "en": 0.12}, OUTAGE_SOURCES,
              window(3, 60, 0.9)),
        Phase("crisis", {"de": OUTAGE_DE, "en": OUTAGE_EN}, {"de": 0.88, "en": 0.12}, OUTAGE_SOURCES,
              wave(5, 75, 10.0, 110, floor=1.0)),
        # 11:30 "mostly fixed", yet many still offline: a second, smaller wave.
        Phase("crisis", {"de": LATE_DE}, {"de": 1.0}, OUTAGE_SOURCES, wave(320, 360, 3.5, 100)),
        Phase("news", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(70, 600, 0.3),
              reach=(25_000, 1_200_000)),
        Phase("news", {"de": JOURNALIST_DE}, {"de": 1.0}, {"bluesky": 0.6, "mastodon": 0.4},
              window(60, 500, 0.1), reach=(12_000, 180_000)),
        Phase("reaction", {"de": REACTION_DE, "en": REACTION_EN}, {"de": 0.9, "en": 0.1}, OUTAGE_SOURCES,
              wave(50, 150, 6.0, 150, floor=1.0)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(60, 130, 0.8, 60)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
