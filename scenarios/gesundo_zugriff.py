#!/usr/bin/env python3
"""Generate ``gesundo-zugriff.jsonl``: a health app announces itself, on its blog and by email to its
users, that someone got unauthorised access to customer data; customers post the email, worry, ask what
to do and are angry that it took two weeks. Held out: written to check the detector, never tuned against
(see expected.toml `check`).

The fictional health app **Gesundo** (keyword `Gesundo`, Berlin: doctor's appointments, e-prescriptions
sent to a pharmacy, a symptom diary, vaccination records) is talked about on Reddit, Mastodon, Bluesky,
YouTube, in news feeds and, once it is a story, on Hacker News. Almost four days of ordinary chatter
(German, a fifth English: booking appointments, the e-prescription, reminders; a few complaints about
logouts, a doctor who cancelled, slow support, the premium price) run from Friday 2026-12-04 12:00 UTC,
quieter at the weekend. On Tuesday 2026-12-08 09:00 UTC (10:00 in Germany) Gesundo's own blog (its news
feed) announces "unbefugter Zugriff auf Kundendaten": names, email addresses, dates of birth, insurance
numbers and, for some, appointment histories; passwords only hashed, no payment data; discovered on
24 November, the data protection authority informed. The email to all customers goes out at the same
time. Within minutes customers post screenshots of the email and ask whether to change their password,
whether their doctor visits are out, what an insurance number is good for to a criminal; from 09:20 the
trade press and then general news report it; Hacker News from about 10:20 on the two-week delay and
hashing. In the afternoon: phishing mails in Gesundo's name, lawyers touting damages under the GDPR,
people deleting their accounts, the overloaded hotline; an FAQ at 12:30 and a second statement at 15:00.
The file ends Tuesday 21:00.

    python scenarios/gesundo_zugriff.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "gesundo-zugriff.jsonl"
START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
END = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)

SLOTS = {
    "arzt": ["Hautärztin", "Zahnarzt", "Hausarzt", "Orthopäden", "Frauenärztin", "Kinderarzt", "HNO"],
    "doctor": ["dermatologist", "GP", "dentist", "gynaecologist", "orthopaedist"],
    "stadt": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig", "Essen", "Wien", "Münster",
              "Kiel"],
    "wartezeit": ["drei Tage", "eine Woche", "zwei Wochen", "40 Minuten"],
    "daten": ["Geburtsdatum", "Versichertennummer", "Arzttermine", "Adresse", "Handynummer"],
    "emoji_gut": ["👍", "🙏", "💊", "😊", "", "", ""],
    "emoji_meh": ["🙄", "😒", "🥲", "", ""],
    "emoji_sorge": ["😟", "😬", "😰", "🫠", "", ""],
    "emoji_wut": ["😡", "🤬", "🙄", "", ""],
}  # fmt: skip

CHATTER_DE = [
    "Termin bei der {arzt} über {brand} gebucht, in zwei Minuten erledigt {emoji_gut}",
    "E-Rezept über {brand} an die Apotheke geschickt, Medikament lag nach einer Stunde bereit",
    "Die Erinnerung von {brand} an die Tetanus-Auffrischung hat mir echt was gebracht",
    "Nutzt jemand das Symptomtagebuch in {brand}? Mein Rheumatologe fand die Auswertung super",
    "Ohne {brand} hätte ich nie so schnell einen {arzt} in {stadt} gefunden",
    "{brand} Premium lohnt sich für mich nur wegen der Videosprechstunde",
    "Impfpass jetzt digital in {brand}, endlich nicht mehr das gelbe Heftchen suchen",
    "Weiß jemand, ob {brand} auch mit der AOK funktioniert? Bei der TK ging's problemlos",
    "Termin beim {arzt} abgesagt und über {brand} direkt einen neuen bekommen. Praktisch",
    "Kinderarzt-Termine bucht man in {stadt} nur noch über {brand}, telefonisch geht nix",
    "hab mir {brand} wegen der medikamenten-erinnerung geholt, funktioniert",
    "Die neue {brand} Funktion für Familienkonten ist super, kann die Termine meiner Mutter mitverwalten",
    "Blutdruckwerte tracke ich jetzt in {brand}, der Export als PDF für den Arzt ist top {emoji_gut}",
]
CHATTER_EN = [
    "{brand} is a lifesaver as an expat in {stadt}, found an English-speaking {doctor} in a day",
    "Does {brand} work with private insurance? Switching next year",
    "Booked a {doctor} appointment on {brand} at 11pm, confirmed next morning. Love it",
]
GRUMBLE_DE = [
    "{brand} loggt mich ständig aus, jedes Mal neu mit Face ID und SMS-Code {emoji_meh}",
    "Mein {arzt} hat den {brand} Termin zwei Stunden vorher abgesagt. Danke für nichts",
    "{brand} Support antwortet seit {wartezeit} nicht auf meine Frage zum Familienkonto",
    "{brand} Premium für 7,99 im Monat ist schon frech",
    "Das E-Rezept hängt in {brand} seit gestern auf 'wird übermittelt' {emoji_meh}",
    "Warum zeigt {brand} mir Termine an, die dann gar nicht buchbar sind?",
    "Neues {brand} Update und meine gespeicherten Ärzte sind weg. Toll",
]
GRUMBLE_EN = [
    "{brand} keeps sending me push notifications about features I don't need",
    "{brand} support took {wartezeit} to reply, and the answer was a copy-paste",
]
NEWS_BASE_DE = [
    "Digitale Gesundheit: {brand} knackt zwei Millionen Nutzer",
    "Gesundheits-Apps im Vergleich: {brand} punktet beim E-Rezept",
    "Berliner Start-up {brand} sammelt 40 Millionen Euro ein",
]
# Customers who got the email: screenshots, worry, what do I do now.
MAIL_DE = [
    "Hab grad ne Mail von {brand} bekommen: 'unbefugter Zugriff auf Kundendaten'. Screenshot anbei. "
    "Was heißt das jetzt für mich? {emoji_sorge}",
    "Die {brand} Mail ist echt, oder? Erst dachte ich, das ist Phishing",
    "Laut {brand} Mail sind bei mir Name, {daten} und {daten} betroffen. Super.",
    "Muss ich jetzt mein Passwort bei {brand} ändern? In der Mail steht 'vorsorglich'",
    "{brand} schreibt, meine Terminhistorie könnte betroffen sein. Da steht drin, dass ich beim "
    "Psychiater war. Mir ist schlecht",
    "Auch die Mail von {brand} bekommen. Was kann man mit meiner Versichertennummer eigentlich anstellen?",
    "Screenshot der {brand} Mail: 'Wir bedauern sehr…'. Ja ich auch {emoji_wut}",
    "Mama hat mich angerufen, weil sie die {brand} Mail nicht versteht. Wie erkläre ich das",
    "Passwort bei {brand} geändert, 2FA an. Hab dasselbe Passwort leider noch woanders, also alles ändern",
    "Ich hab {brand} seit 2024 nicht mehr benutzt und die haben meine Daten trotzdem noch??",
    "In der {brand} Mail steht, der Zugriff wurde am 24. November entdeckt. Und ich erfahre das heute?",
    "kurz gefragt: ist die {brand} mail an alle gegangen oder nur an betroffene?",
    "Hab die {brand} Hotline probiert. 'Aufgrund hoher Nachfrage…' Aufgelegt",
]
MAIL_EN = [
    "Just got an email from {brand} about 'unauthorised access to customer data'. Is this legit?",
    "{brand} says my name, date of birth and insurance number may have been accessed. Great.",
    "Should I change my {brand} password? The email says passwords were hashed but still",
    "The {brand} email says they found out on November 24th. That's two weeks ago",
]
# Reactions: the delay, what health data means, GDPR, deleting accounts, the hotline.
SPREAD_DE = [
    "Zwei Wochen! {brand} wusste es seit zwei Wochen und sagt es uns jetzt. Unverzüglich ist was anderes",
    "Gesundheitsdaten sind das Sensibelste, was es gibt. {brand} hat's verbockt",
    "Account bei {brand} gelöscht. Mal sehen ob die Daten dann wirklich weg sind {emoji_wut}",
    "Wer haftet eigentlich, wenn mit meinen Daten von {brand} Schindluder getrieben wird?",
    "Immerhin sagt {brand} es selbst und man liest es nicht zuerst in der Zeitung",
    "Achtung: es kommen schon Fake-Mails im {brand} Design mit 'Bestätigen Sie Ihre Identität'. "
    "Nicht klicken!",
    "Art. 82 DSGVO, Schadensersatz. Sammelt sich schon wer gegen {brand}?",
    "Die Kanzleien schalten schon Werbung: '{brand} Datenleck – jetzt Anspruch prüfen'. Geier",
    "Mein Arbeitgeber soll bloß nicht erfahren, welche Termine ich über {brand} hatte {emoji_sorge}",
    "Die Datenschutzbehörde ist informiert, schreibt {brand}. Na dann wird ja alles gut",
    "Ich bleib bei {brand}. Gehackt werden kann jeder, wichtig ist wie man damit umgeht",
    "Wusste gar nicht, dass {brand} meine Termine so lange speichert. Datensparsamkeit?",
    "Kann mir jemand erklären, was 'gehashte Passwörter' bei {brand} bedeutet? Sicher oder nicht?",
    "{brand} FAQ beantwortet genau keine meiner Fragen. Welche Daten genau, von wem, wie viele?",
    "Wenn Kriminelle meine Diagnosen haben, wer garantiert, dass das nicht irgendwann im Netz landet? "
    "{brand}??",
    "{brand} Hotline seit einer Stunde besetzt. Chat sagt 'versuchen Sie es später'",
    "Hat schon jemand eine Auskunft nach Art. 15 bei {brand} angefordert? Vorlage gesucht",
    "Meine Ärztin hat in der Praxis ein Schild hängen: Fragen zu {brand} bitte nicht an uns 😅",
]
SPREAD_EN = [
    "{brand} health app breach: they knew for two weeks before telling users",
    "Health data leak at {brand}. This is exactly why I never put my medical history in apps",
    "Phishing emails pretending to be from {brand} are already going around, be careful",
    "Deleted my {brand} account. Not trusting them with my appointments anymore",
    "If you use {brand}: change your password, turn on 2FA, watch out for fake emails",
]
HN_EN = [
    "{brand} says passwords were hashed, but not with what. If it's unsalted SHA-1 that's a different story",
    "Two weeks from discovery to user notification at {brand}. GDPR says 72 hours to the regulator, "
    "'without undue delay' to users",
    "Appointment histories are the worst part of the {brand} incident. A psychiatrist booking says a lot",
    "The {brand} announcement is actually clearer than most. Still, insurance numbers plus birth dates "
    "is a great phishing kit",
]
NEWS_DE = [
    "Gesundheits-App {brand} meldet unbefugten Zugriff auf Kundendaten",
    "Datenpanne bei {brand}: Namen, Geburtsdaten und Versichertennummern betroffen",
    "{brand}: Angreifer hatten Zugriff auf Terminhistorien – was Nutzer jetzt tun sollten",
    "Datenschutzbeauftragte prüft Vorfall bei {brand}",
    "Warum {brand} erst zwei Wochen später informierte",
    "Verbraucherzentrale warnt vor Phishing-Mails im Namen von {brand}",
]
NEWS_EN = [
    "German health app {brand} discloses unauthorised access to customer data",
]
JOURNALIST_DE = [
    "Hab {brand} gefragt, wie viele Nutzer betroffen sind. Antwort: 'eine niedrige sechsstellige Zahl'",
    "Wichtig zu {brand}: Passwort ändern schadet nicht, gefährlicher sind jetzt Phishing-Anrufe mit "
    "echten Daten",
    "Thread: Was über den Vorfall bei {brand} bekannt ist, was nicht, und was Betroffene tun können 🧵",
]
CALM_DE = [
    "{brand} hat jetzt eine Seite, auf der man sieht, ob das eigene Konto betroffen war. Meins nicht, puh",
    "Laut {brand} FAQ keine Diagnosen, nur Termine und Stammdaten. Trotzdem mies",
    "{brand} bietet Betroffenen ein Jahr Identitätsschutz an. Besser als nix",
]
LATE_DE = [
    "Zweites Statement von {brand}: rund 180.000 Konten, Schwachstelle beim Dienstleister geschlossen",
    "180.000 Betroffene bei {brand}. Und wie viele davon haben die Mail für Spam gehalten?",
    "{brand} sagt jetzt, der Zugang lief über einen externen Dienstleister. Ausrede oder Erklärung?",
]
CALM_EN = [
    "{brand} now has a checker showing whether your account was affected. Mine was, unfortunately",
]

CHATTER_SOURCES = {"reddit": 0.3, "mastodon": 0.25, "bluesky": 0.3, "youtube": 0.15}
MAIL_SOURCES = {"reddit": 0.35, "mastodon": 0.25, "bluesky": 0.3, "youtube": 0.1}
SPREAD_SOURCES = {"reddit": 0.3, "mastodon": 0.25, "bluesky": 0.35, "youtube": 0.1}

SCENARIO = Scenario(
    name="gesundo-zugriff",
    brand="Gesundo",
    seed=20261208,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        # 09:00: the company's own blog (its news feed), the first crisis line.
        Scripted(0, "news", "rss", "de", "Gesundo informiert: Unbefugter Zugriff auf Kundendaten\n\nBei "
                 "einer Sicherheitsprüfung haben wir am 24. November festgestellt, dass sich Unbefugte "
                 "Zugriff "
                 "auf einen Teil unserer Kundendaten verschafft haben: Namen, E-Mail-Adressen, Geburtsdaten, "
                 "Versichertennummern und bei einem Teil der Nutzer die Terminhistorie. Passwörter sind nur "
                 "verschlüsselt gespeichert, Zahlungsdaten sind nicht betroffen. Wir haben die zuständige "
                 "Datenschutzbehörde informiert und alle Nutzerinnen und Nutzer per E-Mail benachrichtigt. "
                 "Bitte ändern Sie vorsorglich Ihr Passwort."),
        Scripted(1, "news", "mastodon", "de", "Gesundo: Wir haben heute alle Nutzer*innen per E-Mail über "
                 "einen unbefugten Zugriff auf Kundendaten informiert. Alle Details und Antworten auf "
                 "häufige Fragen in unserem Blog. Es tut uns sehr leid."),
        Scripted(4, "crisis", "reddit", "de", "Mail von Gesundo bekommen: 'Unbefugter Zugriff auf "
                 "Kundendaten' – ist das echt oder Phishing?\n\nHab den Screenshot angehängt. Absender sieht "
                 "echt aus, Link geht auf gesundo.de. Betroffen laut Mail: Name, Geburtsdatum, "
                 "Versichertennummer. Soll ich Passwort ändern?"),
        Scripted(7, "crisis", "bluesky", "de", "Ich habe gerade diese Mail von Gesundo bekommen 👇 "
                 "Meine Terminhistorie ist 'möglicherweise betroffen'. Da sind Termine beim "
                 "Psychotherapeuten "
                 "drin. Ich sitze hier und zittere."),
        Scripted(12, "crisis", "mastodon", "en", "Gesundo (German health app) just emailed everyone: "
                 "unauthorised access to customer data, discovered Nov 24. Two weeks ago. Changing my "
                 "password now"),
        # 12:30: the FAQ and a checker; 15:00: the second statement.
        Scripted(210, "news", "bluesky", "de", "Gesundo: Unter gesundo.de/sicherheit könnt ihr jetzt prüfen, "
                 "ob euer Konto betroffen ist. Diagnosen und Befunde waren nicht betroffen. Wir melden uns "
                 "nie per Telefon oder SMS und fragen nie nach eurem Passwort."),
        Scripted(360, "news", "rss", "de", "Gesundo: Zweite Information zum unbefugten Zugriff\n\nBetroffen "
                 "sind rund 180.000 Konten. Der Zugang erfolgte über die Schnittstelle eines externen "
                 "Dienstleisters, die inzwischen geschlossen ist. Betroffene erhalten ein Jahr "
                 "Identitätsschutz."),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(2.4, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.85, "en": 0.15}, CHATTER_SOURCES,
              daily(0.45, start=CRISIS_START, weekdays=WORKWEEK)),
        # Small accounts with next to no followers, the same ordinary chatter.
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.8, "en": 0.2},
              {"mastodon": 0.5, "bluesky": 0.5}, daily(0.15, start=CRISIS_START, weekdays=WORKWEEK),
              reach=(0, 10)),
        Phase("baseline", {"de": NEWS_BASE_DE}, {"de": 1.0}, {"rss": 1.0},
              daily(0.03, start=CRISIS_START, weekdays=WORKWEEK), reach=(20_000, 500_000)),
        # The email reaches a couple of million inboxes at once: customers post it within minutes.
        Phase("crisis", {"de": MAIL_DE, "en": MAIL_EN}, {"de": 0.8, "en": 0.2}, MAIL_SOURCES,
              window(2, 45, 1.4), reach=(0, 1_500)),
        Phase("crisis", {"de": MAIL_DE, "en": MAIL_EN}, {"de": 0.8, "en": 0.2}, MAIL_SOURCES,
              wave(5, 50, 7.0, 70, floor=0.5)),
        Phase("news", {"de": JOURNALIST_DE}, {"de": 1.0}, {"bluesky": 0.6, "mastodon": 0.4},
              window(20, 480, 0.1), reach=(10_000, 180_000)),
        Phase("news", {"de": NEWS_DE, "en": NEWS_EN}, {"de": 0.88, "en": 0.12}, {"rss": 1.0},
              window(20, 600, 0.4), reach=(40_000, 1_800_000)),
        Phase("reaction", {"de": SPREAD_DE, "en": SPREAD_EN}, {"de": 0.8, "en": 0.2}, SPREAD_SOURCES,
              wave(10, 95, 11.0, 120, floor=0.8)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(55, 100, 1.3, 70)),
        # 12:30 the FAQ and checker, 15:00 the second statement: calmer, still sore.
        Phase("reaction", {"de": CALM_DE, "en": CALM_EN}, {"de": 0.85, "en": 0.15}, SPREAD_SOURCES,
              window(215, 720, 1.0)),
        Phase("reaction", {"de": LATE_DE}, {"de": 1.0}, SPREAD_SOURCES, window(365, 720, 0.6)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
