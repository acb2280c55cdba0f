#!/usr/bin/env python3
"""Generate ``kontora-konten.jsonl``: a data-breach rumour at a German neobank that starts as a few
customers on one source saying their account was touched, hours before anyone says "breach".

The fictional **Kontora** (keyword `Kontora`, an app bank) is talked about on Reddit, Mastodon, Bluesky,
YouTube, Hacker News and in news feeds. Three days of ordinary chatter (German, a quarter English; card
and app complaints, hotline waits) run from Friday 2026-06-05 06:00 UTC, quieter at the weekend. On
Monday 2026-06-08 06:50 UTC the first customer writes on Reddit that their password was changed and
money went out; for almost three hours only a trickle of such first-person posts come, all on Reddit,
none of them saying breach or Datenleck. From 09:40 someone puts the word on it, the story moves to
Mastodon, Bluesky and Hacker News, the press picks it up from 10:15, and Kontora's statement (no breach
of its systems, credential stuffing, accounts frozen and refunded) calms it in the afternoon.

    python scenarios/kontora_konten.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "kontora-konten.jsonl"
START = datetime(2026, 6, 5, 6, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 6, 8, 6, 50, tzinfo=UTC)
END = datetime(2026, 6, 8, 15, 0, tzinfo=UTC)

SLOTS = {
    "betrag": ["340 €", "1.200 €", "89,90 €", "2.450 €", "600 €", "fast 900 Euro", "mein ganzes Gehalt"],
    "amount": ["€340", "€1,200", "€2,450", "like €600", "everything I had"],
    "land": ["Litauen", "Rumänien", "den Niederlanden", "Brasilien", "irgendwo in Asien"],
    "country": ["Lithuania", "Romania", "Brazil", "an IP in Singapore"],
    "feature": ["Unterkonten", "Spaces", "die Rundungs-Sparfunktion", "das Depot", "die Kartensperre"],
    "stadt": ["Berlin", "Hamburg", "Köln", "Leipzig", "Wien", "Zürich", "Nürnberg", "Bremen"],
    "emoji_gut": ["👍", "🙌", "💳", "", ""],
    "emoji_schlecht": ["😡", "😱", "🙄", "😤", "", ""],
    "wartezeit": ["40 Minuten", "eine Stunde", "zwei Tage", "drei Tage"],
}  # fmt: skip

CHATTER_DE = [
    "Bin seit einem Jahr bei {brand} und echt zufrieden, Überweisungen sind sofort da {emoji_gut}",
    "Hat jemand Erfahrung mit dem {brand} Depot? Lohnt sich das für ETFs?",
    "{brand} {feature} sind richtig praktisch zum Sparen",
    "Neue Karte von {brand} ist da, die schwarze sieht schon edel aus {emoji_gut}",
    "Kann man bei {brand} eigentlich Bargeld einzahlen? Finde nix in der App",
    "Gehalt kommt bei {brand} immer einen Tag früher, nice",
    "Wechsel gerade von der Sparkasse zu {brand}, mal sehen wie es wird",
    "{brand} oder lieber eine klassische Bank für das Gemeinschaftskonto? Meinungen?",
    "Die Push-Nachrichten von {brand} bei jeder Zahlung find ich super für den Überblick",
    "Urlaub in Spanien, mit der {brand} Karte keine Gebühren gezahlt {emoji_gut}",
    "Hat {brand} jetzt auch Apple Pay für die Zweitkarte? Bei mir geht's",
    "{brand} Zinsen aufs Tagesgeld sind gerade ganz okay",
]
CHATTER_EN = [
    "Opened a {brand} account after moving to {stadt}, easiest bank signup I've ever done",
    "Is {brand} good for expats? Need an IBAN for my rental contract",
    "{brand} app is honestly the cleanest banking app I've used",
    "Anyone know if {brand} works with PayPal without issues?",
]
GRUMBLE_DE = [
    "{brand} Support antwortet seit {wartezeit} nicht {emoji_schlecht}",
    "Die {brand} App hat mich heute dreimal ausgeloggt, nervt",
    "Warum dauert die Kartenbestellung bei {brand} so lange?",
    "{brand} hat die Kontoführungsgebühr erhöht, überlege zu wechseln",
    "Video-Ident bei {brand} ist dreimal abgebrochen {emoji_schlecht}",
    "Chat bei {brand} ist nur noch ein Bot, echte Menschen erreicht man nicht",
]
GRUMBLE_EN = [
    "{brand} customer service is a chatbot that goes in circles",
    "{brand} app update moved everything around again, why",
]
# First-person reports of account trouble, on Reddit only, before anyone has a word for it.
REPORT_DE = [
    "Mein {brand} Passwort wurde heute Nacht geändert. Ich war das nicht. Kommt nicht mehr rein",
    "Bei {brand} ist gerade {betrag} an jemanden rausgegangen, den ich nicht kenne. Was soll ich tun?",
    "Hat noch jemand eine {brand} Mail bekommen 'neues Gerät angemeldet'? Ich hab kein neues Handy",
    "Heute früh SMS-Code von {brand} bekommen, obwohl ich mich nirgends eingeloggt hab. Komisch",
    "Mein {brand} Konto ist leer. {betrag} weg, Überweisung nach {land}. Hotline nicht erreichbar",
    "Login bei {brand} geht nicht mehr, E-Mail-Adresse im Profil ist plötzlich eine andere {emoji_schlecht}",
    "Jemand hat sich in mein {brand} Konto eingeloggt und die Karte auf ein anderes Handy gelegt",
    "{brand} App zeigt eine Sitzung aus {land}, das bin definitiv nicht ich",
    "Mir wurden bei {brand} {betrag} abgebucht, Zahlungsempfänger sagt mir gar nichts. Noch jemand?",
]
REPORT_EN = [
    "My {brand} account was emptied overnight, {amount} sent to {country}. Support not answering",
    "Someone logged into my {brand} account from {country}, I never got a 2FA prompt",
    "{brand} changed my email address and I didn't do it. Locked out. Anyone else??",
]
# From 09:40 the word is out: breach, leak, hacked.
SPREAD_DE = [
    "Wurde {brand} gehackt? Auf Reddit melden sich seit heute Morgen dutzende Leute mit leeren Konten",
    "Datenleck bei {brand}? Bitte sofort Passwort ändern und Karte sperren!",
    "Wenn die Daten bei {brand} wirklich geleakt sind, ist das der Super-GAU für eine Bank",
    "{brand} schweigt seit Stunden, während Leute ihr Geld verlieren. Unfassbar {emoji_schlecht}",
    "Hab mein Geld von {brand} gerade komplett runtergeholt, sicher ist sicher",
    "Die {brand} Hotline ist tot, Chat hängt. Wie soll man da seine Karte sperren?",
    "Ich kündige {brand}. Eine Bank, bei der man nicht mal erfährt ob die Daten weg sind",
    "Hat {brand} schon die BaFin informiert? Das muss gemeldet werden",
    "Freundin von mir auch betroffen, {betrag} weg. {brand} sagt nur 'wir prüfen'",
    "Ich hab Angst, dass meine Ausweisdaten von dem {brand} Video-Ident jetzt irgendwo im Darknet liegen",
    "Ist das ein {brand} Hack oder nur Phishing? Keiner weiß was, und {brand} sagt nichts",
]
SPREAD_EN = [
    "Looks like {brand} (German neobank) got breached, lots of people reporting drained accounts",
    "If you bank with {brand}: change your password and freeze your card now",
    "{brand} data leak? Reddit thread with 200+ people locked out of their accounts",
    "Pulling my money out of {brand} until they explain what happened",
]
HN_EN = [
    "{brand} reports look like credential stuffing to me, but the 2FA bypass part worries me more",
    "Interesting that {brand} customers all mention SIM-less 2FA being skipped. Session token leak?",
    "Ask HN: anyone with a {brand} account seeing unknown device logins?",
    "{brand} status page says 'all systems operational' while people lose money. Classic",
]
NEWS_DE = [
    "Kunden der Smartphone-Bank {brand} melden unberechtigte Abbuchungen",
    "{brand}: Verdacht auf Datenleck – Bank prüft ungewöhnliche Logins",
    "Geld weg bei {brand}? Was Betroffene jetzt tun sollten",
    "Verbraucherzentrale rät {brand}-Kunden, Karten vorsorglich zu sperren",
    "BaFin befasst sich mit Vorfällen bei {brand}",
]
NEWS_EN = [
    "German neobank {brand} investigates wave of account takeovers",
]
CALM_DE = [
    "{brand} sagt: kein Angriff auf die eigenen Systeme, sondern Passwörter aus alten Leaks anderer Dienste",
    "Immerhin erstattet {brand} jetzt allen Betroffenen das Geld, hab meins schon zurück",
    "{brand} erzwingt jetzt für alle ein neues Passwort und 2FA per App. Hätte man früher machen können",
    "Geld ist wieder da, danke {brand}. Trotzdem: die Kommunikation war heute echt schlecht",
]
CALM_EN = [
    "{brand} says it was credential stuffing, not a breach, and refunds everyone affected",
]

CHATTER_SOURCES = {"mastodon": 0.2, "bluesky": 0.25, "reddit": 0.35, "youtube": 0.2}
SPREAD_SOURCES = {"mastodon": 0.25, "bluesky": 0.35, "reddit": 0.3, "youtube": 0.1}

SCENARIO = Scenario(
    name="kontora-konten",
    brand="Kontora",
    seed=20260608,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    # The first reports, all on Reddit, none calling it a breach.
    scripted=[
        Scripted(0, "crisis", "reddit", "de", "Passwort bei Kontora geändert, ich war das nicht. Und jetzt "
                 "fehlen 780 € auf dem Konto, Überweisung an irgendeinen Namen den ich nie gesehen hab. ?!"),
        Scripted(11, "crisis", "reddit", "en", "My Kontora account was emptied this morning. €1,340 gone to "
                 "a Lithuanian IBAN. I never approved anything. What do I do?"),
        Scripted(23, "crisis", "reddit", "de", "Bei mir auch: jemand hat sich heute Nacht in mein Kontora "
                 "Konto eingeloggt, neues Gerät, Handynummer geändert. Hotline geht nicht ran"),
    ],
    phases=[
        Phase("baseline", {"de": CHATTER_DE, "en": CHATTER_EN}, {"de": 0.75, "en": 0.25}, CHATTER_SOURCES,
              daily(2.6, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"de": GRUMBLE_DE, "en": GRUMBLE_EN}, {"de": 0.8, "en": 0.2}, CHATTER_SOURCES,
              daily(0.5, start=CRISIS_START, weekdays=WORKWEEK)),
        # Almost three hours of a trickle on Reddit alone, slowly growing.
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.75, "en": 0.25}, {"reddit": 1.0},
              wave(5, 170, 1.2, 90, floor=0.3)),
        # 09:40: the word is out; it moves to the other sources.
        Phase("crisis", {"de": REPORT_DE, "en": REPORT_EN}, {"de": 0.75, "en": 0.25}, SPREAD_SOURCES,
              wave(170, 230, 3.0, 60)),
        Phase("reaction", {"de": SPREAD_DE, "en": SPREAD_EN}, {"de": 0.75, "en": 0.25}, SPREAD_SOURCES,
              wave(170, 260, 14.0, 70)),
        Phase("reaction", {"en": HN_EN}, {"en": 1.0}, {"hackernews": 1.0}, wave(190, 240, 1.5, 60)),
        Phase("news", {"de": NEWS_DE, "en": NEWS_EN}, {"de": 0.85, "en": 0.15}, {"rss": 1.0},
              window(205, 480, 0.45), reach=(60_000, 1_500_000)),
        Phase("reaction", {"de": CALM_DE, "en": CALM_EN}, {"de": 0.8, "en": 0.2}, SPREAD_SOURCES,
              window(330, 500, 1.5)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
