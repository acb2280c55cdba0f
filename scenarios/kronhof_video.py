#!/usr/bin/env python3
"""Generate ``kronhof-video.jsonl``: hotel staff filmed turning away a wheelchair user and insulting his
partner; the clip spreads in YouTube comments and on Reddit and Bluesky, journalists ask within the hour.
Held out: written to check the detector, never tuned against (see expected.toml `check`).

The fictional hotel chain **Kronhof** (keyword `Kronhof`, about forty city and spa hotels in Germany and
Austria) is talked about on YouTube, Reddit, Bluesky, Mastodon, in news feeds and, once it is a story, on
Hacker News. Three and a half days of ordinary chatter (German, a fifth English: business trips,
breakfast, the spa, weddings, the loyalty card; a few complaints about thin walls, parking fees, slow
check-in, the odd unfriendly receptionist) run from Wednesday 2026-10-07 00:00 UTC, a little busier at
the weekend. On Saturday 2026-10-10 15:20 UTC (17:20 in Germany) a YouTube comment under a freshly
uploaded phone clip says what it shows: at the Kronhof Frankfurt, a receptionist refuses a wheelchair user
the accessible room he booked ("wir sind kein Pflegeheim"), a colleague laughs and tells his partner to
"go back where you came from". Within minutes it is on Reddit and Bluesky, in German and English ("das
Video ist unerträglich", "fired them yet?"); other guests tell of similar treatment, journalists ask
Kronhof from about 16:00, the first news story runs at about 16:30. Kronhof says at 16:55 that the two
are suspended; the evening is outrage, `#BoykottKronhof`, firms cancelling conferences, discrimination
law, a rumour that the receptionist is related to the owner, and a few "we only see 40 seconds". Sunday
08:00 the two are dismissed and the chief executive apologises; the morning is calmer and sceptical. The
file ends Sunday 14:00.

    python scenarios/kronhof_video.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "kronhof-video.jsonl"
START = datetime(2026, 10, 7, 0, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 10, 10, 15, 20, tzinfo=UTC)
END = datetime(2026, 10, 11, 14, 0, tzinfo=UTC)

# Hotels are talked about on weekdays (business trips) and at the weekend (short breaks) alike.
WEEK = (1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.0)

SLOTS = {
    "stadt": ["Frankfurt", "Hamburg", "München", "Köln", "Dresden", "Wien", "Salzburg", "Stuttgart",
              "Düsseldorf", "Bremen", "Leipzig", "Berlin"],
    "haus": ["am Main", "Hafencity", "Altstadt", "am Dom", "Spa Resort", "Messe", "Hauptbahnhof"],
    "preis": ["89 €", "119 Euro", "140 €", "nen Hunni", "79 Euro", "165 €"],
    "parken": ["24 €", "28 Euro", "32 €", "19 €"],
    "emoji_gut": ["👍", "😊", "🛏️", "☕", "", "", ""],
    "emoji_meh": ["🙄", "😒", "🥱", "", ""],
    "emoji_wut": ["🤬", "😡", "🤮", "😤", "", ""],
    "emoji_fassung": ["😳", "😶", "💔", "🥺", "", ""],
}  # fmt: skip

CHATTER_DE = [
    "Zwei Nächte im {brand} {stadt}, Frühstücksbuffet war top, vor allem das Rührei {emoji_gut}",
    "Dienstreise nach {stadt}, Firma bucht immer {brand}. Zimmer ok, Bett super",
    "Hat jemand Erfahrung mit dem {brand} Spa Resort? Lohnt sich das für ein Wochenende zu zweit?",
    "Wir feiern unsere Hochzeit im {brand} {haus}, die Eventmanagerin ist ein Schatz",
    "{brand} Bonuskarte: nach 10 Nächten eine gratis, hab gerade meine eingelöst {emoji_gut}",
    "Tipp für {stadt}: das {brand} {haus} hat eine Dachterrasse mit richtig guter Aussicht",
    "Für {preis} die Nacht im {brand} kann man in {stadt} echt nicht meckern",
    "Late Check-out bis 14 Uhr im {brand} ohne Aufpreis, weil Bonuskarte. Läuft",
    "Kennt jemand das neue {brand} in {stadt}? Ist das eher Business oder auch was für Familien?",
    "Im {brand} {haus} gibt's jetzt Ladesäulen in der Tiefgarage, endlich",
    "Sonntagsbrunch im {brand} war wieder mega, Kinder durften in die Spielecke {emoji_gut}",
    "mein chef schläft im {brand}, ich im Motel One lol",
    "Zimmer im {brand} {stadt} mit Blick auf den Fluss bekommen, nur weil ich nett gefragt hab 😊",
    "Messe in {stadt} und natürlich ist das {brand} ausgebucht. Jedes Jahr dasselbe",
    "Das {brand} Team in {stadt} hat mir meinen vergessenen Laptop hinterhergeschickt. Danke!",
]
CHATTER_EN = [
    "Stayed at the {brand} in {stadt} for a conference, solid German business hotel, great breakfast",
    "Is {brand} a good chain for a family trip to {stadt}? Need a room for 4",
    "The {brand} {haus} spa is worth it, sauna area is huge {emoji_gut}",
    "Booked {brand} in {stadt} on points, front desk upgraded me for free",
]
GRUMBLE_DE = [
    "Wände im {brand} {stadt} sind so dünn, ich weiß jetzt alles über meinen Zimmernachbarn {emoji_meh}",
    "{parken} Parkgebühr pro Nacht im {brand}. Ernsthaft?",
    "Check-in im {brand} hat 25 Minuten gedauert, nur eine Person an der Rezeption {emoji_meh}",
    "Die Dame an der Rezeption im {brand} {stadt} war ziemlich unfreundlich heute morgen, egal",
    "WLAN im {brand} bricht alle 10 Minuten ab, Homeoffice unmöglich",
    "Klimaanlage im {brand} {haus} macht Geräusche wie ein Flugzeug {emoji_meh}",
    "Frühstück im {brand} war diesmal echt lieblos, Brötchen vom Vortag",
    "{brand} hat meine Buchung doppelt abgebucht, Rückerstattung dauert angeblich 10 Tage",
]
GRUMBLE_EN = [
    "{brand} charged me {parken} a night for parking, that's wild",
    "Shower at the {brand} in {stadt} was lukewarm at best",
]
NEWS_BASE_DE = [
    "Hotelkette {brand} eröffnet neues Haus in {stadt}",
    "{brand} Hotels melden Rekordauslastung zur Messesaison",
    "Familienhotels im Test: {brand} Spa Resort landet im Mittelfeld",
]
# The first hour: people who watched the clip, witnesses, others with similar experiences.
FIRST_DE = [
    "Das Video ist unerträglich. Wie die {brand} Mitarbeiterin den Mann im Rollstuhl anschaut {emoji_wut}",
    "Hab das {brand} Video jetzt dreimal angeschaut und mir wird jedes Mal schlecht",
    "'Wir sind kein Pflegeheim' – sagt eine Rezeptionistin im {brand} Frankfurt. Zu einem Gast mit "
    "Buchung. Ich kann nicht mehr",
    "Und der Kollege lacht dazu. Beim {brand}. Im Jahr 2026 {emoji_wut}",
    "War letztes Jahr im {brand} {stadt}, mein Vater im Rollstuhl. Das 'barrierefreie Zimmer' war "
    "plötzlich vergeben. Jetzt wundert mich nix mehr",
    "Bin Rollstuhlfahrerin und hab im {brand} ähnliches erlebt. Nur ohne Kamera",
    "Ich arbeite selbst in der Hotellerie. Was die im {brand} da machen, ist keine 'schlechte Laune', "
    "das ist Verachtung",
    "Bitte sichert das {brand} Video, bevor es gelöscht wird",
    "Wer hat den Link zu dem {brand} Video? Auf Insta ist es schon weg",
    "das kronhof video ist so widerlich, wie kann man sowas zu nem Gast sagen {emoji_wut}",
    "'Geh doch zurück wo du herkommst' – an der Rezeption vom {brand}. Ich bin fassungslos {emoji_fassung}",
]
FIRST_EN = [
    "This {brand} hotel video is disgusting. They refuse a man in a wheelchair his booked room and laugh",
    "Fired them yet, {brand}?",
    "The guy in the wheelchair stays so calm while the {brand} staff humiliate him and his partner. Respect",
    "Watched the {brand} Frankfurt clip. 'Go back where you came from' at a hotel front desk. Unreal",
    "I stayed at a {brand} last year and the front desk treated my wife (hijab) like dirt. Now I know "
    "it's not a one-off",
]
# From the first press questions: outrage, boycott, law, companies cancelling, a rumour, doubters.
SPREAD_DE = [
    "#BoykottKronhof. Keine einzige Nacht mehr in einem {brand} Hotel",
    "Unsere Firma hat gerade die Weihnachtsfeier im {brand} {stadt} storniert. Gut so",
    "{brand} sagt 'freigestellt'. Freigestellt heißt bezahlter Urlaub. Rauswurf jetzt!",
    "Das ist ein klarer Fall fürs AGG. Hoffe der Gast klagt gegen {brand}",
    "Beleidigung ist strafbar, Diskriminierung nach AGG auch verboten. {brand} muss das aufarbeiten",
    "Angeblich ist die Rezeptionistin die Nichte vom {brand} Besitzer, deshalb passiert nix. Weiß "
    "jemand mehr?",
    "Das Problem ist nicht eine Mitarbeiterin, das ist die Kultur bei {brand}. Wer schult die Leute?",
    "Hab meine {brand} Bonuskarte zerschnitten. Foto folgt",
    "Wir haben für nächsten Monat drei Nächte im {brand} gebucht. Storniere ich. Reicht",
    "Das {brand} Video hat jetzt über eine Million Aufrufe. Und {brand} postet weiter Brunch-Fotos",
    "Ich warte noch ab. Wir sehen 40 Sekunden von dem {brand} Video, was war davor?",
    "'Was war davor' – nichts rechtfertigt 'wir sind kein Pflegeheim'. Nichts. {brand}",
    "Der Behindertenbeauftragte hat sich zum {brand} Video geäußert. Richtig so",
    "Sozialverband fordert Konsequenzen von {brand}. Barrierefreiheit ist kein Gefallen",
    "Die {brand} Bewertungen bei Google sind gerade im freien Fall 😬",
    "Kronhof-Mitarbeiter hier (anonym): wir sind alle entsetzt. So sind nicht alle bei {brand}",
    "Wenn {brand} die beiden nicht feuert, buche ich nie wieder. Und ich war Stammgast",
    "Jeder Rollstuhlfahrer kennt das. {brand} hat nur das Pech, dass jemand gefilmt hat",
    "Medien berichten jetzt auch über {brand}. Hoffentlich bleibt das nicht beim Shitstorm",
    "Hab {brand} eine Mail geschrieben. Automatische Antwort. Natürlich {emoji_meh}",
    "Irgendwer hat die Namen der {brand} Mitarbeiter gepostet. Bitte nicht, das ist auch nicht ok",
]
SPREAD_EN = [
    "Boycott {brand}. Disabled people deserve better than this",
    "{brand} 'suspended' the staff. Suspended is not fired",
    "German hotel chain {brand} under fire after viral video of staff refusing wheelchair user",
    "Our team was going to book the {brand} in Frankfurt for a trade fair. Not anymore",
    "Is this discrimination illegal in Germany? Seems like {brand} should be sued",
    "The {brand} video is everywhere now, even US Twitter is talking about it",
]
JOURNALIST_DE = [
    "Wir haben bei {brand} angefragt, was an der Rezeption in Frankfurt passiert ist. Antwort steht aus",
    "Hab mit dem Gast aus dem {brand} Video gesprochen. Er will Anzeige erstatten, sagt er",
    "Thread: was wir über den Vorfall im {brand} Frankfurt wissen und was nicht 🧵",
    "{brand} bestätigt auf Anfrage: die beiden Mitarbeitenden sind bis auf Weiteres freigestellt",
]
HN_EN = [
    "The {brand} story is a good example of how a 40-second phone clip now does what complaints never did",
    "Curious how {brand} handles this legally in Germany, dismissal without warning needs a serious reason",
    "Accessibility in hotels is terrible everywhere. {brand} just got caught on camera",
]
NEWS_DE = [
    "Video aus Frankfurter {brand}-Hotel: Mitarbeiter verweigern Rollstuhlfahrer gebuchtes Zimmer",
    "Empörung über {brand}: Clip zeigt rassistische Äußerung an Hotelrezeption",
    "Nach Video: {brand} stellt zwei Mitarbeiter frei",
    "'Wir sind kein Pflegeheim': Was über den Vorfall im {brand} bekannt ist",
    "Boykottaufrufe gegen Hotelkette {brand} – Firmen stornieren Veranstaltungen",
    "Sozialverbände fordern nach {brand}-Video Konsequenzen",
]
NEWS_EN = [
    "German hotel chain {brand} suspends staff after video of guest in wheelchair goes viral",
]
MORNING_NEWS_DE = [
    "{brand} trennt sich von Mitarbeitern aus Video – Chef entschuldigt sich",
    "Nach Rassismus-Vorwurf: {brand} kündigt Schulungen in allen Häusern an",
    "Gast aus {brand}-Video erstattet Anzeige wegen Beleidigung",
]
MORNING_DE = [
    "{brand} hat die beiden gefeuert. Richtig, aber warum erst nach 15 Stunden Shitstorm?",
    "Entschuldigung vom {brand} Chef gelesen. Klingt nach PR-Agentur, aber immerhin",
    "Schulungen bei {brand} für alle. Wird sich zeigen, ob das mehr als ein Pressetext ist",
    "Hat {brand} sich eigentlich beim Gast persönlich entschuldigt oder nur auf Insta?",
    "Bin Stammgast bei {brand}, die Leute in {stadt} waren immer super. Trotzdem: gut, dass "
    "durchgegriffen wird",
    "#BoykottKronhof bleibt. Eine Entschuldigung macht das Video nicht ungeschehen",
    "{brand} prüft angeblich auch die Barrierefreiheit aller Häuser. Späte Einsicht",
]
MORNING_EN = [
    "{brand} fired both employees and the CEO apologised. Took them long enough",
    "Good that {brand} acted, but that apology reads like it was written by lawyers",
]

CHATTER_SOURCES = {"youtube": 0.2, "reddit": 0.3, "bluesky": 0.25, "mastodon": 0.25}
FIRST_SOURCES = {"youtube": 0.45, "reddit": 0.3, "bluesky": 0.25}
SPREAD_SOURCES = {"youtube": 0.25, "reddit": 0.25, "bluesky": 0.3, "mastodon": 0.2}

SCENARIO = Scenario(
    name="kronhof-video",
    brand="Kronhof",
    seed=20261010,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "crisis", "youtube", "de", "Das Video ist unerträglich. Die Frau an der Rezeption vom "
                 "Kronhof in Frankfurt sagt einem Mann im Rollstuhl ins Gesicht 'wir sind kein Pflegeheim', "
                 "obwohl er das barrierefreie Zimmer gebucht hat, und ihr Kollege lacht und sagt zu seiner "
                 "Frau 'geh doch zurück wo du herkommst'. Wie kann man so mit Gästen umgehen??"),
        Scripted(3, "crisis", "reddit", "de", "Kronhof Hotel Frankfurt: Rezeption verweigert Rollstuhlfahrer "
                 "das gebuchte Zimmer, Mitarbeiter lacht und beleidigt seine Partnerin (Video)\n\nDas Video "
                 "wurde vor einer Stunde hochgeladen, Link im Kommentar. Mir fehlen die Worte."),
        Scripted(6, "crisis", "bluesky", "en", "This is a Kronhof hotel in Frankfurt, Germany. Staff refuse "
                 "a wheelchair user the accessible room he booked and tell his partner to 'go back where "
                 "you came from'. Fired them yet, Kronhof?"),
        Scripted(11, "crisis", "youtube", "de", "Ich war Samstag vor zwei Wochen im Kronhof Frankfurt, "
                 "dieselbe Frau an der Rezeption, war zu uns auch schon so herablassend. Das passt leider"),
        Scripted(17, "crisis", "bluesky", "de", "Kronhof, ihr habt genau eine Aufgabe: Menschen ein Zimmer "
                 "geben. Und ihr lacht einen Rollstuhlfahrer aus. Das Video ist unerträglich."),
        # The guest himself.
        Scripted(38, "crisis", "bluesky", "de", "Ich bin der Mann im Rollstuhl aus dem Kronhof-Video. Danke "
                 "für die vielen Nachrichten. Wir haben dann in einem anderen Hotel geschlafen. Meine Frau "
                 "weint seit gestern. Ich will nur, dass das niemandem mehr passiert."),
        # 16:55: the company says something.
        Scripted(95, "news", "mastodon", "de", "Kronhof Hotels: Wir sind bestürzt über das Video aus unserem "
                 "Haus in Frankfurt. Das gezeigte Verhalten widerspricht allem, wofür wir stehen. Die beiden "
                 "Mitarbeitenden sind ab sofort freigestellt, wir klären den Vorfall auf und haben den Gast "
                 "um ein Gespräch gebeten."),
        # Sunday 08:00: dismissal and the chief executive's apology.
        Scripted(1000, "news", "bluesky", "de", "Kronhof Hotels: Wir haben uns von den beiden Mitarbeitenden "
                 "getrennt. Unser CEO entschuldigt sich in aller Form bei dem Gast und seiner Frau. Ab "
                 "November schulen wir alle Teams zu Diskriminierung und Barrierefreiheit."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.3, start=CRISIS_START, weekdays=WEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(0.45, start=CRISIS_START, weekdays=WEEK)),
        # Small accounts with next to no followers, the same ordinary chatter.
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2},
              {"mastodon": 0.5, "bluesky": 0.5}, daily(0.15, start=CRISIS_START, weekdays=WEEK),
              reach=(0, 8)),
        Phase("baseline", {"de": NEWS_BASE_DE}, {"de": 1.0}, {"rss": 1.0}, daily(0.03, start=CRISIS_START),
              reach=(20_000, 350_000)),
        # The first hour: people who have just watched the clip, mostly small accounts.
        Phase("crisis", {"de": FIRST_DE, "en": FIRST_EN}, {"de": 0.72, "en": 0.28}, FIRST_SOURCES,
              window(2, 60, 1.5), reach=(0, 900)),
        Phase("crisis", {"de": FIRST_DE, "en": FIRST_EN}, {"de": 0.72, "en": 0.28}, SPREAD_SOURCES,
              wave(20, 120, 4.0, 180, floor=0.3)),
        # Journalists ask from about 16:00, news feeds from 16:15.
        Phase("news", {"de": JOURNALIST_DE}, {"de": 1.0}, {"bluesky": 0.6, "mastodon": 0.4},
              window(40, 420, 0.12), reach=(12_000, 240_000)),
        Phase("news", {"de": NEWS_DE, "en": NEWS_EN}, {"de": 0.85, "en": 0.15}, {"rss": 1.0},
              window(55, 480, 0.35), reach=(40_000, 1_600_000)),
        Phase("reaction", {"de": SPREAD_DE, "en": SPREAD_EN}, {"de": 0.75, "en": 0.25}, SPREAD_SOURCES,
              wave(30, 150, 14.0, 110, floor=0.5)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(150, 220, 0.8, 60)),
        # Sunday morning: the dismissal, the apology, scepticism.
        Phase("news", {"de": MORNING_NEWS_DE}, {"de": 1.0}, {"rss": 1.0}, window(1005, 1300, 0.35),
              reach=(40_000, 1_600_000)),
        Phase("reaction", {"de": MORNING_DE, "en": MORNING_EN}, {"de": 0.8, "en": 0.2}, SPREAD_SOURCES,
              wave(1000, 1060, 6.0, 120)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
