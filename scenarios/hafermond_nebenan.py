#!/usr/bin/env python3
"""Generate ``hafermond-nebenan.jsonl``: a competitor recalls baby food jars over glass splinters, and
parents talk about the brand next door: relieved it is not theirs, asking whether it is affected too,
switching to it; the same day it wins a consumer test. About six times the usual volume, with recall,
injury, lawsuit and boycott words all about the competitor. Benign: no incident should open. Held out:
written to check the detector, never tuned against (see expected.toml `check`).

The fictional organic baby food maker **Hafermond** (keyword `Hafermond`: jars, porridges, pouches, sold at
drugstores and supermarkets in Germany and Austria) is talked about on Reddit, Bluesky, Mastodon, YouTube
and in news feeds. Three days of ordinary chatter (German, a fifth English: first solids, which jar, baby-led
weaning, porridge recipes; a few complaints about pouch prices, sugar in the fruit bars, sold-out shelves,
a lid that did not pop) run from Monday 2027-01-11 06:00 UTC. On Thursday 2027-01-14 07:30 UTC (08:30 in
Germany) the food safety portal and the news report that the fictional competitor **Pappelhof** recalls
several vegetable jars: glass splinters, one baby treated in hospital. From then on parents mention
Hafermond in comparisons: "zum Glück hab ich die von Hafermond gekauft", "is Hafermond affected too? no,
different supplier", "wir steigen auf Hafermond um", "boykottiere Pappelhof", shelves empty of Hafermond
jars; a rumour that both come from the same factory, corrected within the hour; Hafermond's own short
"our products are not affected" at 09:10. At 13:00 UTC a parents' magazine names a Hafermond porridge its
test winner, which adds a second, happier wave. The file ends Friday 12:00.

None of these lines is labelled crisis: the comparison and award lines are `kind: buzz`, `crisis: false`.

    python scenarios/hafermond_nebenan.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "hafermond-nebenan.jsonl"
START = datetime(2027, 1, 11, 6, 0, tzinfo=UTC)
RECALL = datetime(2027, 1, 14, 7, 30, tzinfo=UTC)
END = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)

# Parents of babies post every day of the week, a little less on Sundays.
WEEK = (1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.85)
# Night feeds: parents are awake at odd hours, so nights are less empty than usual.
PARENTS_DAY = (
    0.2, 0.16, 0.14, 0.12, 0.14, 0.3, 0.6, 0.8, 0.85, 0.85, 0.8, 0.8,
    0.9, 0.95, 0.85, 0.8, 0.85, 0.9, 1.0, 1.0, 0.85, 0.6, 0.4, 0.28,
)  # fmt: skip

SLOTS = {
    "sorte": ["Karotte-Kartoffel", "Hirse-Apfel", "Pastinake pur", "Kürbis-Reis", "Apfel-Birne",
              "Dinkel-Banane", "Gemüse-Lasagne", "Hafer-Pflaume"],
    "alter": ["5 Monate", "6 Monate", "7 Monate", "8 Monate", "10 Monate", "einem Jahr"],
    "kind": ["Die Kleine", "Der Kleine", "Unser Sohn", "Unsere Tochter", "Mein Baby", "Die Maus"],
    "laden": ["dm", "Rossmann", "Edeka", "Rewe", "Müller", "Billa", "Spar"],
    "stadt": ["Hamburg", "Köln", "München", "Leipzig", "Graz", "Wien", "Freiburg", "Bremen", "Kassel"],
    "emoji_gut": ["🥰", "👶", "🥄", "😊", "💛", "", "", ""],
    "emoji_puh": ["😮‍💨", "🙏", "😅", "🫣", "", ""],
    "emoji_meh": ["🙄", "😒", "🥲", "", ""],
}  # fmt: skip

CHATTER_DE = [
    "{kind} ({alter}) liebt {brand} {sorte}, isst das Glas komplett leer {emoji_gut}",
    "Erster Brei heute! {brand} Pastinake, Gesicht war unbezahlbar {emoji_gut}",
    "Frage an die Eltern: Gläschen von {brand} oder selbst kochen? Hab ehrlich gesagt keine Zeit",
    "{brand} Hirsebrei mit Obst ist unser Frühstücksretter",
    "Nehmt ihr für unterwegs die {brand} Quetschies oder lieber Gläschen?",
    "BLW klappt bei uns nicht so richtig, zum Glück gibt's {brand} als Backup",
    "Im {laden} gibt's {brand} gerade im Angebot, 3 für 2",
    "Die {brand} Gläschen kann man super als Gewürzgläser weiterverwenden lol",
    "{brand} hat eine neue Sorte {sorte}, jemand schon probiert?",
    "Abendbrei von {brand} und {kind} schläft bis 6. Zufall? Ich nehm's",
    "Ab welchem Alter habt ihr {brand} Gemüse-Lasagne gegeben? Steht ab 8 Monate drauf",
    "Hebamme meinte, {brand} ist eine der wenigen Marken ohne zugesetzten Zucker",
    "omg {kind} hat zum ersten mal selbst gelöffelt, {brand} {sorte} überall an der wand {emoji_gut}",
]
CHATTER_EN = [
    "Our little one ({alter}) is obsessed with {brand} {sorte}, German baby food is great",
    "Expat parent in {stadt}: is {brand} a good baby food brand? Everything is in German",
    "{brand} porridge is the only thing my daughter eats without a fight",
]
GRUMBLE_DE = [
    "{brand} Quetschies für 1,49 das Stück ist echt happig {emoji_meh}",
    "Schon wieder kein {brand} {sorte} im {laden}, seit einer Woche leer",
    "Deckel vom {brand} Glas hat nicht geploppt, hab's sicherheitshalber weggeschmissen",
    "In den {brand} Fruchtriegeln ist schon ganz schön viel Fruchtzucker, finde ich",
    "{brand} Hirsebrei klumpt bei mir immer, egal wie ich rühre {emoji_meh}",
    "Warum sind die {brand} Quetschies nicht recyclebar? So viel Plastik",
    "{kind} spuckt {brand} {sorte} komplett wieder aus. Geschmack ist halt Geschmack",
]
GRUMBLE_EN = [
    "{brand} pouches are so expensive for what they are",
    "Can't find {brand} {sorte} anywhere in {stadt} this week",
]
NEWS_BASE_DE = [
    "Beikost-Start: Worauf Eltern bei Gläschen achten sollten – {brand}, Hipp und Co. im Überblick",
    "Bio-Babynahrung: {brand} baut Werk in Niederbayern aus",
    "Quetschbeutel in der Kritik: Auch {brand} will auf Papier umstellen",
]
# Relief: our jars are not the recalled ones.
RELIEF_DE = [
    "Zum Glück hab ich die Gläschen von {brand} gekauft. Hab trotzdem gerade alle im Schrank kontrolliert "
    "{emoji_puh}",
    "Puh, unsere sind alle von {brand}. Der Pappelhof-Rückruf hat mir echt einen Schrecken eingejagt",
    "Zum Glück ist {kind} {brand}-Kind. Hab die Nachricht zum Rückruf gelesen und erst mal Herzrasen gehabt",
    "Schrank gecheckt: 4x {brand}, 0x Pappelhof. Glück gehabt {emoji_puh}",
    "Ich bin so froh, dass wir bei {brand} geblieben sind, auch wenn's teurer ist",
    "Arme Eltern, deren Kinder das Pappelhof Glas gegessen haben. Wir nehmen {brand}, trotzdem mulmig",
    "Mein Mann hat letzte Woche 'aus Versehen' {brand} statt Pappelhof gekauft. Bester Fehler ever",
    "Alle in der Krabbelgruppe reden vom Pappelhof-Rückruf. Die {brand} Mamas sind heute sehr entspannt 😅",
    "Glassplitter im Babybrei, was für ein Albtraum. Zum Glück nehmen wir {brand}",
    "Hab mein {brand} Glas heute dreimal umgerührt und angeschaut, obwohl's gar nicht betroffen ist. "
    "Paranoia {emoji_puh}",
]
RELIEF_EN = [
    "So glad we buy {brand} and not Pappelhof. That recall is terrifying",
    "Checked the cupboard after the Pappelhof recall: all {brand}. Phew {emoji_puh}",
    "Glass in baby food is every parent's nightmare. Our jars are {brand}, not on the list",
]
# Is Hafermond affected? No.
QUESTION_DE = [
    "Ist {brand} auch vom Rückruf betroffen oder nur Pappelhof?",
    "Weiß jemand ob {brand} beim selben Hersteller abfüllt wie Pappelhof?",
    "Nein, {brand} ist NICHT betroffen, steht auch auf lebensmittelwarnung.de. Nur Pappelhof Karotte und "
    "Pastinake",
    "Falls ihr euch fragt: {brand} hat eigenes Werk, anderer Lieferant für die Gläser. Nicht betroffen",
    "Hab bei {brand} angerufen: nicht betroffen, nettes Telefonat, hat keine 2 Minuten gedauert",
    "Meine Schwiegermutter hat mir eben gesagt, ich soll die {brand} Gläschen wegwerfen. Nein Mama, das "
    "ist die andere Marke",
    "Leute, bitte nicht Panik verbreiten: der Rückruf ist Pappelhof, nicht {brand}. Liste lesen hilft",
    "Gilt der Rückruf auch für {brand} {sorte}? Ich find auf der Liste nix",
    "Das Gerücht, dass {brand} und Pappelhof aus derselben Fabrik kommen, stimmt nicht. Steht auf "
    "beiden Etiketten ein anderer Hersteller",
    "Hab gelesen {brand} und Pappelhof kommen aus derselben Fabrik? Stimmt das?",
]
QUESTION_EN = [
    "Is {brand} affected by the Pappelhof recall too? No, different supplier according to the list",
    "Quick PSA: the baby food recall is Pappelhof, not {brand}. Check the brand on the lid",
    "Does anyone know if {brand} uses the same jar supplier as Pappelhof?",
]
# Comparisons, switching, a boycott of the competitor, empty shelves.
SWITCH_DE = [
    "Wir steigen nach dem Pappelhof-Skandal auf {brand} um. Die haben wenigstens Glas-Kontrollen",
    "Pappelhof kommt mir nicht mehr ins Haus. Ab jetzt nur noch {brand}",
    "#BoykottPappelhof und ab zu {brand}. Nach der Nummer bin ich raus",
    "Pappelhof wusste angeblich seit Tagen von den Beschwerden. Wenn das stimmt: Klage. Wir wechseln "
    "zu {brand}",
    "Im {laden} ist das {brand} Regal komplett leer, alle kaufen um {emoji_meh}",
    "Schon ne Klage gegen Pappelhof? Das Baby aus dem Krankenhaus, furchtbar. {brand} hat jetzt "
    "jedenfalls eine Kundin mehr",
    "Kein {brand} mehr im {laden} in {stadt}. Danke Pappelhof",
    "Vergleich: {brand} macht laut Website Röntgenkontrolle bei jedem Glas, Pappelhof offenbar nicht",
    "Na klar posten jetzt alle '{brand} ist besser'. Die hatten vor drei Jahren auch einen Rückruf, "
    "kann jedem passieren",
    "Ich finde es ehrlich gesagt geschmacklos, wenn jetzt Influencer mit {brand} Werbung auf dem "
    "Pappelhof-Rückruf reiten",
    "Pappelhof Rückruf, {brand} ausverkauft, ich koche jetzt halt selbst. Wochenendprojekt Pastinake 🥕",
]
SWITCH_EN = [
    "Switching from Pappelhof to {brand} after this. Can't risk it",
    "Stores in {stadt} are sold out of {brand} jars, everyone's switching after the Pappelhof recall",
    "Boycotting Pappelhof for good. {brand} it is",
]
# Reviewers and parenting channels with large audiences.
CREATOR_DE = [
    "Video: Pappelhof-Rückruf – was ihr jetzt wissen müsst und welche Marken nicht betroffen sind "
    "({brand}, Hipp, Alnatura…)",
    "Viele fragen mich nach {brand}: nein, nicht betroffen. Verlinkt ist die offizielle Liste",
    "Ich verstehe die Panik total. Unsere Kinder essen {brand}, aber bitte alle Gläser vor dem Füttern "
    "kurz checken",
]
NEWS_DE = [
    "Rückruf: Pappelhof ruft Babygläschen wegen Glassplittern zurück – Marken wie {brand} nicht betroffen",
    "Glas im Babybrei: Welche Produkte betroffen sind und welche nicht ({brand}, Alnatura und Co.)",
    "Nach Pappelhof-Rückruf: Eltern decken sich mit {brand} ein, Regale leer",
    "Pappelhof-Rückruf: Drogerieketten melden Ansturm auf andere Marken wie {brand}",
]
# 13:00 UTC: the test result.
AWARD_NEWS_DE = [
    "Babybrei im Test: {brand} Hirse-Apfel ist Testsieger",
    "Kind & Kost testet 18 Getreidebreie – {brand} holt 'sehr gut'",
    "Testsieger {brand}: Was den Bio-Babybrei so gut macht",
]
AWARD_DE = [
    "{brand} Hirse-Apfel ist Testsieger bei Kind & Kost! Das isst meiner jeden Morgen {emoji_gut}",
    "Erst der Pappelhof-Rückruf, jetzt ist {brand} Testsieger. Was für ein Tag für die {emoji_puh}",
    "Testsieger {brand}, und ich hab seit Monaten das richtige Gefühl gehabt 💛",
    "Glückwunsch an {brand} zum 'sehr gut'! Verdient",
    "{brand} Testsieger und trotzdem nirgends zu kriegen heute {emoji_meh}",
    "Wer hätte gedacht, dass ich mich mal über einen Testsieg bei Babybrei freue. {brand} ❤️",
]
AWARD_EN = [
    "{brand} just won best baby porridge in a German consumer test. Well deserved",
    "What a day for {brand}: competitor recall in the morning, test winner in the afternoon",
]

CHATTER_SOURCES = {"reddit": 0.3, "bluesky": 0.25, "mastodon": 0.15, "youtube": 0.3}
BUZZ_SOURCES = {"reddit": 0.3, "bluesky": 0.3, "mastodon": 0.15, "youtube": 0.25}

SCENARIO = Scenario(
    name="hafermond-nebenan",
    brand="Hafermond",
    seed=20270114,
    start=START,
    crisis_start=RECALL,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(4, "buzz", "reddit", "de", "Pappelhof ruft Babygläschen zurück (Glassplitter) – ist "
                 "Hafermond auch betroffen?\n\nHab gerade die Meldung gesehen und hier stehen sechs Gläser "
                 "Hafermond Karotte-Kartoffel. Auf der Liste steht nur Pappelhof, aber sicher ist sicher?"),
        Scripted(9, "buzz", "bluesky", "de", "Zum Glück hab ich die von Hafermond gekauft. Ein Baby im "
                 "Krankenhaus wegen Glas im Brei, mir wird ganz anders. Alle Pappelhof Gläser raus!"),
        Scripted(13, "buzz", "reddit", "en", "Is Hafermond affected too? No, different supplier. Only "
                 "Pappelhof lots listed on the official recall page, I double-checked"),
        # 09:10: Hafermond says it is not affected.
        Scripted(100, "buzz", "mastodon", "de", "Hafermond: Uns erreichen viele Fragen zum aktuellen Rückruf "
                 "eines anderen Herstellers. Unsere Produkte sind nicht betroffen. Wir füllen in unserem "
                 "eigenen Werk ab und prüfen jedes Glas. Unsere Gedanken sind bei der betroffenen Familie."),
        # 13:00: the test result.
        Scripted(330, "buzz", "rss", "de", "Getreidebreie im Test: Hafermond Hirse-Apfel ist Testsieger\n\n"
                 "Von 18 getesteten Babybreien schneidet der Bio-Brei von Hafermond am besten ab: keine "
                 "Schadstoffe, kein zugesetzter Zucker, gute Nährwerte."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.3, PARENTS_DAY, start=RECALL, weekdays=WEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(0.4, PARENTS_DAY, start=RECALL, weekdays=WEEK)),
        # Small accounts with next to no followers, the same ordinary chatter.
        Phase("baseline", {"de": CHATTER_DE}, {"de": 1.0}, {"mastodon": 0.5, "bluesky": 0.5},
              daily(0.12, PARENTS_DAY, start=RECALL, weekdays=WEEK), reach=(0, 10)),
        Phase("baseline", {"de": NEWS_BASE_DE}, {"de": 1.0}, {"rss": 1.0}, daily(0.025, start=RECALL),
              reach=(20_000, 400_000)),
        # From 07:30 UTC: the competitor's recall and the brand next door.
        Phase("buzz", {"de": RELIEF_DE, "en": RELIEF_EN}, {"de": 0.8, "en": 0.2}, BUZZ_SOURCES,
              wave(3, 80, 6.0, 160, floor=0.4)),
        Phase("buzz", {"de": QUESTION_DE, "en": QUESTION_EN}, {"de": 0.8, "en": 0.2}, BUZZ_SOURCES,
              wave(3, 60, 3.5, 100, floor=0.15)),
        Phase("buzz", {"de": SWITCH_DE, "en": SWITCH_EN}, {"de": 0.82, "en": 0.18}, BUZZ_SOURCES,
              wave(20, 140, 3.5, 180, floor=0.3)),
        Phase("buzz", {"de": CREATOR_DE}, {"de": 1.0}, {"youtube": 0.4, "bluesky": 0.35, "mastodon": 0.25},
              window(45, 600, 0.08), reach=(30_000, 420_000)),
        Phase("buzz", {"de": NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(10, 720, 0.25),
              reach=(40_000, 1_700_000)),
        # 13:00 UTC: the test winner.
        Phase("buzz", {"de": AWARD_NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(335, 900, 0.15),
              reach=(30_000, 1_200_000)),
        Phase("buzz", {"de": AWARD_DE, "en": AWARD_EN}, {"de": 0.85, "en": 0.15}, BUZZ_SOURCES,
              wave(330, 380, 4.5, 140, floor=0.2)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
