#!/usr/bin/env python3
"""Generate ``voltaro-akku.jsonl``: overheating e-scooter batteries, first noticed by owners in YouTube
comments and on Mastodon, an hour before local news says "fire" and a day before the word "recall" is
official. Held out: written to check the detector, never tuned against (see expected.toml `check`).

The fictional e-scooter and e-bike maker **Voltaro** (keyword `Voltaro`, based in Leipzig) is talked
about on YouTube, Mastodon, Bluesky, Reddit, in news feeds and, once it is a story, on Hacker News.
Three and a half days of ordinary chatter (German, a fifth English: range, commuting, firmware, theft,
a few complaints about punctures, spare parts, the app and shorter range in the cold) run from Saturday
2026-08-15 00:00 UTC, with now and then a test or a showroom story in the press. On Tuesday
2026-08-18 16:40 UTC (18:40 in Germany, when people plug in after work) the first owner writes under a
review video that the battery of their S2 gets too hot to touch while charging; within half an hour a
few more owners on YouTube and Mastodon describe heat, a scorched smell, smoke, a swollen pack, none of
them saying fire or recall. At 17:48 a local news feed reports a flat fire in Leipzig caused by a
charging Voltaro scooter (one resident treated for smoke inhalation); from then on the story spreads to
Bluesky and Reddit: "Brandgefahr", "Rückruf?", who pays, landlords, a rumour about cheap cells, Hacker
News on cells and battery management. Voltaro asks owners at 19:30 not to charge the S2; the night is
quieter. On Wednesday 07:40 it recalls the S2 batteries, the press reports it, and the morning is about
serial numbers, replacements and anger at the slow reaction. The file ends Wednesday 13:00.

    python scenarios/voltaro_akku.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "voltaro-akku.jsonl"
START = datetime(2026, 8, 15, 0, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 8, 18, 16, 40, tzinfo=UTC)
END = datetime(2026, 8, 19, 13, 0, tzinfo=UTC)

# Scooter talk is leisure too: the weekend is barely quieter.
WEEK = (1.0, 1.0, 1.0, 1.0, 1.0, 0.92, 0.9)

SLOTS = {
    "modell": ["S2", "S2 Max", "Pro 10", "Urban 8", "Trail E", "S2"],
    "s2": ["S2", "S2 Max", "S2", "S2"],
    "stadt": ["Leipzig", "Dresden", "Chemnitz", "Halle", "Hannover", "Dortmund", "Graz", "Nürnberg",
              "Erfurt", "Berlin"],
    "km": ["28", "32", "35", "40", "22", "knapp 30"],
    "wartezeit": ["drei Wochen", "fünf Wochen", "zwei Monate", "10 Tagen"],
    "emoji_gut": ["👍", "🛴", "⚡", "😎", "", "", ""],
    "emoji_meh": ["🙄", "😒", "🥲", "", ""],
    "emoji_angst": ["😳", "😰", "😨", "🔥😳", "", ""],
    "emoji_wut": ["😡", "🤬", "🙄", "", ""],
    "ort": ["im Flur", "in der Küche", "im Kinderzimmer", "in der Garage", "im Keller", "im Büro"],
    "kind": ["mein Sohn", "meine Tochter", "mein Mann", "meine Freundin", "mein Mitbewohner"],
}  # fmt: skip

CHATTER_DE = [
    "Fahre jetzt seit drei Monaten mit dem {brand} {modell} zur Arbeit, spart mir jeden Tag 20 Minuten "
    "{emoji_gut}",
    "Hat jemand einen Vergleich {brand} {modell} vs. Segway? Überlege zu kaufen",
    "Reichweite vom {brand} {modell} bei mir so {km} km, im Eco-Modus mehr",
    "Neue Firmware für den {brand} {modell} ist da, Tempomat fühlt sich jetzt smoother an",
    "{brand} Trail E am Wochenende im Harz gefahren, bergauf ein Traum {emoji_gut}",
    "Wie sichert ihr euren {brand} gegen Diebstahl? Schloss-Empfehlungen?",
    "Kurzes Review: {brand} {modell} nach 1500 km. Bremsen gut, Federung ok, App naja",
    "Mein {brand} {modell} passt zusammengeklappt genau in den Kofferraum vom Polo 👌",
    "Gibt's für den {brand} {modell} eine Handyhalterung die nicht klappert?",
    "Mit dem {brand} zum Bahnhof, dann Regio, klappt super. Nur die Treppen nerven",
    "Der {brand} Händler in {stadt} hat mir beim Reifenwechsel echt gut geholfen",
    "ok der {brand} {modell} macht einfach spaß lol {emoji_gut}",
    "Suche gebrauchten {brand} {modell} im Raum {stadt}, jemand was abzugeben?",
    "Endlich mal ein E-Roller aus Deutschland, {brand} gefällt mir vom Design her am besten",
    "Lohnt sich der Zweitakku für den {brand} {modell} oder reicht einer fürs Pendeln?",
    "{brand} {modell} heute 30 km durch {stadt}, Akku noch bei 35%. Top",
    "Welche Versicherung habt ihr für euren {brand}? Brauch ein neues Kennzeichen",
    "Habt ihr beim {brand} Trail E den Motor mal gewechselt? Meiner läuft seit 4000 km ohne Probleme",
]
CHATTER_EN = [
    "Commuting on my {brand} {modell} in {stadt}, honestly the best purchase this year {emoji_gut}",
    "Is the {brand} {modell} worth it over a Xiaomi? German brand, bit pricier",
    "{brand} app finally shows the battery percentage properly after the update",
    "Took my {brand} e-bike on the train to {stadt}, folding it took 20 seconds",
    "Anyone tried the {brand} {modell} with a heavier rider? I'm 105 kg",
]
GRUMBLE_DE = [
    "{brand} App verbindet sich mal wieder nicht per Bluetooth {emoji_meh}",
    "Hinterreifen vom {brand} {modell} schon wieder platt, die Schläuche sind Mist",
    "Ersatzteile bei {brand} dauern ewig, warte seit {wartezeit} auf ein neues Schutzblech",
    "Akku vom {brand} {modell} hält jetzt im Herbst spürbar kürzer, ist das normal?",
    "{brand} Support antwortet nur mit Textbausteinen {emoji_meh}",
    "Bremse vom {brand} quietscht seit dem Regen wie verrückt",
    "Klingel am {brand} ist ein Witz, hört kein Mensch",
    "Lenker vom {brand} {modell} hat Spiel, Händler hat erst in {wartezeit} einen Termin",
]
GRUMBLE_EN = [
    "{brand} customer service took {wartezeit} to answer about a loose stem",
    "Rear fender on my {brand} {modell} rattles like crazy on cobblestones",
]
NEWS_BASE_DE = [
    "E-Scooter im Test: {brand} {modell} überzeugt mit Reichweite, schwächelt bei der App",
    "Leipziger E-Mobility-Hersteller {brand} eröffnet Showroom in {stadt}",
    "{brand} will im Herbst ein Lasten-E-Bike vorstellen",
]
# First-hand symptoms, before anyone says fire or recall: heat, smell, smoke, a swollen pack.
REPORT_DE = [
    "Mein {brand} {s2} Akku wird beim Laden so heiß, dass man ihn nicht anfassen kann. Ist das normal??",
    "Hab grad das Ladekabel vom {brand} abgezogen, riecht total verschmort {ort} {emoji_angst}",
    "Aus dem Akkufach vom {brand} {s2} kam eben Rauch. Stecker gezogen, Roller auf den Balkon. Zittere noch",
    "{brand} {s2} knackt und zischt beim Laden, das Akkugehäuse ist aufgebläht. Was mach ich jetzt?",
    "Bei meinem {brand} ist der Akku nach dem Laden richtig aufgequollen, das Trittbrett wölbt sich",
    "Unser {brand} hat beim Laden {ort} gequalmt, Rauchmelder ging los {emoji_angst}",
    "Kennt das wer? {brand} Akku bei 100% und trotzdem glühend heiß, Ladegerät brummt komisch",
    "Mein {brand} {s2} ist während der Fahrt einfach ausgegangen, der Akku war danach heiß und hat gestunken",
    "Wir hatten gestern auch so einen Plastikgeruch vom {brand} Akku, dachte erst es ist das Ladegerät",
    "Seit dem letzten Update wird der Akku vom {brand} {s2} beim Laden extrem warm, bei euch auch?",
    "Gerade {ort} nach dem Rechten gesehen, der {brand} Akku war so heiß, dass die Gummimatte "
    "geschmolzen ist",
    "{kind} hat den {brand} {s2} geladen und es hat nach verbranntem Plastik gestunken. Jetzt steht er "
    "draußen",
    "hab den {brand} akku angefasst und mir fast die finger verbrannt wtf {emoji_angst}",
]
REPORT_EN = [
    "Smoke coming out of the battery of my {brand} {s2} while charging. Unplugged it and put it "
    "outside. Anyone else?",
    "My {brand} battery got so hot it warped the plastic cover. Known issue?",
    "Burning plastic smell from my {brand} last night, battery pack looks swollen this morning",
    "The deck of my {brand} {s2} is bulging where the battery sits and it was hot after charging. Not "
    "riding it",
]
# After the local news at 17:48: fire, recall, liability, fear, a rumour about the cells.
SPREAD_DE = [
    "Jetzt steht's in der Zeitung: ein {brand} Akku hat in Leipzig eine Wohnung in Brand gesetzt. "
    "Ich lade meinen ab sofort nur noch draußen",
    "Hat {brand} schon was gesagt? Gibt's einen Rückruf für den {s2}?",
    "Wenn {brand} jetzt nicht sofort einen Rückruf macht, wird das richtig übel",
    "Brandgefahr bei {brand} {s2} Akkus, bitte teilen! Nicht unbeaufsichtigt laden, nicht in der Wohnung",
    "Mein Vermieter will, dass der {brand} Roller raus aus dem Treppenhaus. Inzwischen versteh ich's",
    "Wer haftet eigentlich, wenn der {brand} Akku die Wohnung abfackelt? Zahlt da die Hausrat?",
    "{brand} Hotline: 'Wir prüfen das'. Sehr beruhigend, während mein aufgeblähter Akku im Keller steht "
    "{emoji_wut}",
    "Angeblich hat {brand} letztes Jahr den Zelllieferanten gewechselt, auf was Billiges. Wundert mich nix",
    "Hab den {brand} {s2} von {kind} sofort weggeschlossen. Damit wird jeden Tag zur Schule gefahren",
    "#{brand}Akku Leute, checkt eure Akkus. Bei mir auch heiß und aufgebläht",
    "Feuerwehr warnt nach Brand in Leipzig: {brand} E-Scooter nicht mehr in der Wohnung laden",
    "Ich will mein Geld zurück. Der {brand} {s2} kommt mir nicht mehr ins Haus",
    "Wie kann {brand} sowas ausliefern?? Da hätte jemand sterben können {emoji_wut}",
    "Zum Glück ist in {stadt} niemand schlimmer verletzt worden. {brand} muss jetzt Klartext reden",
    "Frage an Juristen: Produkthaftung bei {brand}, wenn der Akku den Flur abgefackelt hat? Anwalt?",
    "{brand} schweigt, die Kunden zittern. Krisenkommunikation ist was anderes",
    "Mein {brand} {s2} ist jetzt in der Metallkiste auf dem Balkon. Gute Nacht zusammen 🙃",
    "Schon wieder E-Scooter-Akku in Flammen, diesmal {brand}. Die Branche hat ein Problem",
]
SPREAD_EN = [
    "{brand} e-scooter battery fire in Germany, several owners reporting smoke and swollen packs. "
    "Stop charging indoors",
    "Is there a recall for the {brand} {s2}? Mine gets really hot while charging",
    "Glad nobody died in that {brand} apartment fire. Lithium packs are no joke",
    "If you own a {brand} {s2}: don't charge it overnight until they say something",
]
JOURNALIST_DE = [
    "Hab mit Betroffenen gesprochen: mehrere {brand}-{s2}-Akkus in Sachsen überhitzt, einer hat gebrannt. "
    "{brand} hat auf unsere Anfrage noch nicht geantwortet",
    "Feuerwehr Leipzig bestätigt: Brandursache in Gohlis war der Akku eines {brand}-E-Scooters",
    "Thread: was Besitzer eines {brand} {s2} jetzt tun sollten (laut Feuerwehr und Verbraucherzentrale) 🧵",
]
HN_EN = [
    "Swollen packs plus heat on charge across one model line smells like a bad cell batch or a BMS "
    "regression. "
    "{brand} should publish serial ranges",
    "Several {brand} owners mention a firmware update last week. If the charge cutoff changed, that "
    "explains a lot",
    "Every micromobility brand learns this the hard way. Hope {brand} does a proper recall, not a "
    "'software fix'",
    "German article on the {brand} fire, translated: the pack was charging in a hallway overnight",
]
NEWS_DE = [
    "Besitzer von {brand}-E-Scootern berichten von Rauch und Hitze beim Laden",
    "Nach Wohnungsbrand in Leipzig: {brand} prüft Akkus des Modells S2",
    "Feuerwehr rät: {brand}-Roller vorerst nicht unbeaufsichtigt laden",
    "Akku in Flammen: Was über die Probleme beim {brand} S2 bekannt ist",
]
RECALL_NEWS_DE = [
    "{brand} ruft Akkus des E-Scooters S2 zurück: Kunden sollen nicht mehr laden",
    "Rückruf bei {brand}: Rund 14.000 Akkus betroffen",
    "Produktwarnung: {brand} S2 und S2 Max – so prüfen Besitzer ihre Seriennummer",
]
RECALL_DE = [
    "Endlich, {brand} ruft die {s2} Akkus offiziell zurück. 15 Stunden nach dem Brand. Respekt 🙄",
    "Seriennummer geprüft: mein {brand} {s2} ist betroffen. Austauschakku 'in 4 bis 6 Wochen'. Und bis "
    "dahin?",
    "Gut dass {brand} jetzt reagiert, aber gestern Abend hätte man schon warnen müssen",
    "{brand} Rückruf-Hotline ist natürlich dauerbesetzt",
    "Bringe den {brand} Akku heute zum Händler in {stadt}, der hat eine Brandschutzbox dafür",
    "Mein {brand} ist nicht betroffen laut Seriennummer, trotzdem ein mulmiges Gefühl",
    "Nie wieder {brand}. Will das Geld zurück, nicht nur einen neuen Akku",
    "Frage zum {brand} Rückruf: gilt das auch für Ersatzakkus, die man separat gekauft hat?",
]
RECALL_EN = [
    "{brand} officially recalled the {s2} batteries. Check your serial number on their site",
    "Recall replacement from {brand} takes 4-6 weeks. So my commute is dead for a month",
]

CHATTER_SOURCES = {"youtube": 0.3, "mastodon": 0.2, "bluesky": 0.2, "reddit": 0.3}
FIRST_SOURCES = {"youtube": 0.55, "mastodon": 0.45}
REPORT_SOURCES = {"youtube": 0.35, "mastodon": 0.3, "bluesky": 0.2, "reddit": 0.15}
SPREAD_SOURCES = {"youtube": 0.2, "mastodon": 0.2, "bluesky": 0.3, "reddit": 0.3}

SCENARIO = Scenario(
    name="voltaro-akku",
    brand="Voltaro",
    seed=20260818,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "crisis", "youtube", "de", "Mein Voltaro S2 Akku wird beim Laden seit ein paar "
                 "Tagen extrem "
                 "heiß, man kann das Trittbrett kaum anfassen. Ist das bei euch auch so?? Bin echt unsicher"),
        Scripted(8, "crisis", "mastodon", "de", "Unser Voltaro E-Scooter im Flur hat beim Laden "
                 "angefangen zu "
                 "qualmen, riecht total verschmort. Stecker gezogen, Roller auf den Balkon. 😳 Was war das?"),
        Scripted(14, "crisis", "youtube", "en", "Same here, smoke from the battery of my Voltaro S2 Max last "
                 "night while charging. The pack looks swollen now"),
        Scripted(21, "crisis", "mastodon", "de", "@Voltaro euer S2 Akku ist bei mir heute aufgebläht "
                 "und heiß "
                 "geworden, das Gehäuse hat sich verformt. Wie erreiche ich euch? Hotline geht nicht ran"),
        Scripted(27, "crisis", "youtube", "de", "Bei uns auch!! Voltaro S2 gestern Abend geladen, plötzlich "
                 "Plastikgestank und es hat gezischt. Steht jetzt draußen auf den Fliesen"),
        # 17:48: the local news.
        Scripted(68, "news", "rss", "de", "Feuerwehreinsatz in Leipzig-Gohlis: E-Scooter-Akku fängt "
                 "beim Laden "
                 "Feuer\n\nIn einer Wohnung in der Lindenthaler Straße hat am frühen Abend der Akku eines "
                 "Voltaro-E-Scooters gebrannt. Eine Bewohnerin wurde mit Verdacht auf Rauchgasvergiftung ins "
                 "Krankenhaus gebracht, die Wohnung ist vorerst unbewohnbar."),
        # 19:30: the company asks owners to stop charging.
        Scripted(170, "news", "bluesky", "de", "Voltaro: Wir nehmen die Berichte über überhitzte Akkus "
                 "beim S2 "
                 "und S2 Max sehr ernst. Bitte ladet diese Akkus bis auf Weiteres nicht und lagert sie "
                 "an einem "
                 "sicheren Ort. Morgen früh informieren wir über die nächsten Schritte."),
        # Wednesday 07:40: the recall.
        Scripted(900, "news", "mastodon", "de", "Voltaro ruft vorsorglich die Akkus der E-Scooter S2 "
                 "und S2 Max "
                 "zurück (Seriennummern VS2-2604 bis VS2-2607). Bitte nicht mehr laden; wir tauschen "
                 "kostenlos. "
                 "Alle Infos und Seriennummern-Check auf unserer Website."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.4, start=CRISIS_START, weekdays=WEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(0.4, start=CRISIS_START, weekdays=WEEK)),
        # Small accounts with next to no followers, the same ordinary chatter.
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2},
              {"mastodon": 0.5, "bluesky": 0.5}, daily(0.15, start=CRISIS_START, weekdays=WEEK),
              reach=(0, 12)),
        Phase("baseline", {"de": NEWS_BASE_DE}, {"de": 1.0}, {"rss": 1.0}, daily(0.03, start=CRISIS_START),
              reach=(20_000, 400_000)),
        # The first hour: a few owners on YouTube and Mastodon, small accounts, no crisis vocabulary.
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.8, "en": 0.2}, FIRST_SOURCES,
              window(3, 70, 0.35), reach=(0, 400)),
        # Then more owners check their own packs, on every source.
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.8, "en": 0.2}, REPORT_SOURCES,
              wave(40, 150, 2.5, 150, floor=0.25)),
        Phase("news", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(80, 430, 0.3),
              reach=(30_000, 900_000)),
        Phase("news", {"de": JOURNALIST_DE}, {"de": 1.0}, {"bluesky": 0.6, "mastodon": 0.4},
              window(75, 330, 0.12), reach=(15_000, 260_000)),
        Phase("reaction", {"de": SPREAD_DE, "en": SPREAD_EN}, {"de": 0.82, "en": 0.18}, SPREAD_SOURCES,
              wave(70, 170, 13.0, 100, floor=0.4)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(110, 190, 1.2, 70)),
        Phase("news", {"de": RECALL_NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(905, 1220, 0.45),
              reach=(40_000, 1_800_000)),
        Phase("reaction", {"de": RECALL_DE, "en": RECALL_EN}, {"de": 0.85, "en": 0.15}, SPREAD_SOURCES,
              wave(900, 960, 8.0, 120)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
