#!/usr/bin/env python3
"""Generate ``mercavia-bulo.jsonl``: a made-up claim about a supermarket chain spreads in Spanish and
German, first on one source, then everywhere, until fact checks and the chain's denial slow it.

The fictional supermarket chain **Mercavia** (keyword `Mercavia`, shops in Spain and Germany) is talked
about on Bluesky, Mastodon, Reddit, YouTube and in Spanish and German news feeds. Three days of ordinary
chatter (Spanish and German about evenly, some English: offers, queues, the app, the own-brand bread)
run from Monday 2026-06-15 06:00 UTC. On Thursday 2026-06-18 17:20 UTC a Bluesky account posts, in
Spanish, that Mercavia secretly mixes cricket flour into its bread without labelling it, with a
"leaked memo". For forty minutes the claim is reposted on Bluesky alone (Spanish, then German
translations), then it jumps to the other sources, with calls to stop shopping there. From 19:30 fact
checks in Spanish and German news call it a hoax; Mercavia's denial follows. The file ends at 01:00.

The posts repeating the claim are `kind: crisis`, the people reacting to it `reaction`, the fact checks
`news`.

    python scenarios/mercavia_bulo.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import WORKWEEK, Phase, Scenario, Scripted, daily, wave, window

OUTPUT = Path(__file__).resolve().parent / "mercavia-bulo.jsonl"
START = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 6, 18, 17, 20, tzinfo=UTC)
END = datetime(2026, 6, 19, 1, 0, tzinfo=UTC)

SLOTS = {
    "producto": ["pan de molde", "barra rústica", "yogur natural", "aceite de oliva", "gazpacho", "tortilla"],
    "produkt": ["Vollkornbrot", "Aufbackbrötchen", "Olivenöl", "Hummus", "Eigenmarken-Müsli", "Laugenbrezel"],
    "ciudad": ["Madrid", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao"],
    "stadt": ["Berlin", "Frankfurt", "Dortmund", "Mannheim", "Hannover", "Augsburg"],
    "emoji_gut": ["👍", "😋", "🛒", "", ""],
    "emoji_bad": ["😡", "🤢", "😤", "🙄", "", ""],
    "bicho": ["grillo", "gusano de la harina", "insectos"],
    "tier": ["Grillen", "Mehlwürmer", "Insekten"],
}  # fmt: skip

CHATTER_ES = [
    "El {producto} de {brand} está buenísimo y baratísimo {emoji_gut}",
    "¿Alguien sabe si el {brand} de {ciudad} abre el domingo?",
    "Colas eternas en {brand} hoy, media ciudad comprando a la vez",
    "Las ofertas de {brand} esta semana están muy bien, el aceite a mitad de precio",
    "Me encanta la app de {brand}, te guarda la lista de la compra",
    "{brand} ha abierto uno nuevo al lado de casa, por fin {emoji_gut}",
    "El {producto} de marca blanca de {brand} no tiene nada que envidiar",
]
CHATTER_DE = [
    "{brand} hat jetzt auch in {stadt} eine Filiale, spanische Produkte zu fairen Preisen {emoji_gut}",
    "Das {produkt} von {brand} ist echt gut für den Preis",
    "Bei {brand} gibt's diese Woche Manchego im Angebot, zugeschlagen",
    "Kennt jemand {brand}? Hab heute zum ersten Mal da eingekauft, ganz nett",
    "{brand} App Coupons sind tatsächlich brauchbar",
]
CHATTER_EN = [
    "{brand} is the best supermarket in {ciudad}, change my mind",
    "Tourist tip: {brand} own-brand gazpacho is great and cheap",
]
GRUMBLE_ES = [
    "En {brand} siempre falta algo, hoy no había {producto}",
    "Solo dos cajas abiertas en {brand} a las siete de la tarde, de verdad {emoji_bad}",
    "{brand} ha subido otra vez el precio del aceite",
]
GRUMBLE_DE = [
    "Bei {brand} in {stadt} ist nur eine Kasse offen, wie immer {emoji_bad}",
    "{brand} hat das {produkt} schon wieder teurer gemacht",
]
# The made-up claim, first in Spanish, then translated into German.
CLAIM_ES = [
    "Ojo: {brand} mete harina de {bicho} en su {producto} y no lo pone en la etiqueta. Compartid",
    "Confirmado por un trabajador: el pan de {brand} lleva {bicho}. Nos están tomando el pelo {emoji_bad}",
    "Tengo un hijo alérgico y ahora me entero de que {brand} usa {bicho} en el pan sin avisar {emoji_bad}",
    "La circular interna de {brand} lo dice claro: 'sustituir 10 % de harina por proteína de {bicho}'",
    "{brand} lleva meses dándonos {bicho} en el pan. Por eso era tan barato",
    "Que alguien me explique por qué {brand} esconde lo del {bicho} en el pan",
]
CLAIM_DE = [
    "{brand} mischt heimlich {tier} ins Brot, ohne Kennzeichnung. Bitte teilen!",
    "Das interne Memo von {brand} ist raus: 10 % Insektenmehl im {produkt}. Krass {emoji_bad}",
    "In Spanien ist es schon bewiesen: {brand} Brot enthält {tier}. Hier bestimmt auch",
    "Deshalb ist das Brot bei {brand} so billig... {tier}-Mehl. Mir wird schlecht {emoji_bad}",
    "Allergiker aufgepasst: {brand} verschweigt Insektenprotein im {produkt}",
]
CLAIM_EN = [
    "Apparently {brand} has been putting cricket flour in its bread without labelling it??",
]
REACTION_ES = [
    "Yo no vuelvo a pisar un {brand} hasta que den explicaciones #BoicotMercavia",
    "¿Es verdad lo de {brand}? Mi madre compra el pan ahí todos los días",
    "He tirado todo el pan de {brand} que tenía en casa, por si acaso",
    "Si lo de {brand} es cierto, es un fraude de los gordos. ¿Dónde está Consumo?",
    "{brand} no dice nada y el vídeo ya va por un millón de visitas",
    "Denuncia colectiva contra {brand} ya, la gente con alergias no puede jugar con esto",
]
REACTION_DE = [
    "Stimmt das mit {brand}? Ich kauf da jede Woche Brot",
    "Wenn das mit dem {brand} Brot stimmt, kauf ich da nie wieder ein",
    "Warum sagt {brand} nichts dazu? Das Schweigen ist schon verdächtig",
    "Hab gerade bei der {brand} Hotline angerufen, die wissen angeblich von nichts",
    "Klingt für mich nach Fake, aber {brand} sollte sich trotzdem schnell äußern",
]
REACTION_EN = [
    "The {brand} bread rumour is everywhere on Spanish social media tonight",
    "Is the {brand} cricket flour story real or another hoax?",
]
FACTCHECK_ES = [
    "Bulo: no, {brand} no añade harina de insectos a su pan. La 'circular interna' es falsa",
    "Verificamos: el documento viral sobre {brand} y la harina de grillo es un montaje",
    "{brand} desmiente que su pan contenga insectos y anuncia acciones legales contra el bulo",
]
FACTCHECK_DE = [
    "Faktencheck: Nein, {brand} mischt kein Insektenmehl ins Brot – das angebliche Memo ist gefälscht",
    "{brand} dementiert Gerüchte über Insekten im Brot",
]
CALM_ES = [
    "Pues era un bulo lo de {brand}. Cuánta gente compartiendo sin mirar",
    "Vale, lo de {brand} era falso. Mañana vuelvo a por mi barra {emoji_gut}",
]
CALM_DE = [
    "Also doch Fake mit dem {brand} Brot. Hab's leider auch geteilt, sorry",
    "{brand} hat das Memo widerlegt, der Faktencheck ist eindeutig",
]

CHATTER_SOURCES = {"bluesky": 0.3, "mastodon": 0.15, "reddit": 0.25, "youtube": 0.3}
SPREAD_SOURCES = {"bluesky": 0.3, "mastodon": 0.15, "reddit": 0.2, "youtube": 0.35}

SCENARIO = Scenario(
    name="mercavia-bulo",
    brand="Mercavia",
    seed=20260618,
    start=START,
    crisis_start=CRISIS_START,
    end=END,
    slots=SLOTS,
    scripted=[
        Scripted(0, "crisis", "bluesky", "es", "🚨 Mercavia lleva meses metiendo harina de grillo en su pan "
                 "de molde SIN ponerlo en la etiqueta. Aquí la circular interna. "
                 "Compartid antes de que lo borren"),
        Scripted(6, "crisis", "bluesky", "es", "Lo de Mercavia y el pan con grillos es muy fuerte. "
                 "Mi hija es "
                 "alérgica al marisco y los insectos dan reacción cruzada 😡"),
        Scripted(14, "crisis", "bluesky", "de", "Übersetzt aus dem Spanischen: Mercavia mischt seit Monaten "
                 "Grillenmehl ins Toastbrot, steht nirgends drauf. "
                 "Gilt das auch für die deutschen Filialen?"),
    ],
    phases=[
        Phase("baseline", {"es": CHATTER_ES, "de": CHATTER_DE, "en": CHATTER_EN},
              {"es": 0.5, "de": 0.4, "en": 0.1}, CHATTER_SOURCES,
              daily(2.8, start=CRISIS_START, weekdays=WORKWEEK)),
        Phase("baseline", {"es": GRUMBLE_ES, "de": GRUMBLE_DE}, {"es": 0.55, "de": 0.45}, CHATTER_SOURCES,
              daily(0.5, start=CRISIS_START, weekdays=WORKWEEK)),
        # Forty minutes on Bluesky alone, then everywhere.
        Phase("crisis", {"es": CLAIM_ES, "de": CLAIM_DE}, {"es": 0.65, "de": 0.35}, {"bluesky": 1.0},
              wave(3, 40, 3.0, 30)),
        Phase("crisis", {"es": CLAIM_ES, "de": CLAIM_DE, "en": CLAIM_EN},
              {"es": 0.55, "de": 0.38, "en": 0.07},
              SPREAD_SOURCES, wave(40, 100, 10.0, 50)),
        Phase("reaction", {"es": REACTION_ES, "de": REACTION_DE, "en": REACTION_EN},
              {"es": 0.55, "de": 0.38, "en": 0.07}, SPREAD_SOURCES, wave(45, 110, 14.0, 60)),
        Phase("news", {"es": FACTCHECK_ES, "de": FACTCHECK_DE}, {"es": 0.6, "de": 0.4}, {"rss": 1.0},
              window(130, 400, 0.4), reach=(50_000, 1_200_000)),
        Phase("reaction", {"es": CALM_ES, "de": CALM_DE}, {"es": 0.6, "de": 0.4}, SPREAD_SOURCES,
              window(160, 460, 1.6)),
    ],
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(SCENARIO.main(OUTPUT))
