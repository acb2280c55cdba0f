"""German text as the sentiment analyzer reads it: folded words, emoji, emoticons and clause boundaries.

Folding makes spellings meet: lower case, ä/ö/ü as ae/oe/ue and ß as ss (so "schön" and "schoen" are one
word, and never "schon"), other accents dropped. Invisible characters (zero-width, soft hyphens, bidi
marks, emoji variation selectors and skin tones) are removed before reading; links and @handles are
not words. Only Latin-script words are read: text in another script yields no tokens.

The grammar words (negators, intensifiers and dampeners, contrast markers, clause-joining conjunctions)
are German function words, fixed here as VADER fixes its English ones; the sentiment lexicon holds the
content words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

# -- grammar words (folded forms) -------------------------------------------------------------------

NEGATORS = frozenset(
    {
        "nicht", "nich", "ned", "net", "nie", "niemals", "nimmer", "kein", "keine", "keinen", "keinem",
        "keiner", "keines", "keins", "keinerlei", "ohne", "weder", "nichts", "nix", "niemand", "niemanden",
        "niemandem", "keineswegs", "keinesfalls", "nirgends", "nirgendwo",
    }
)  # fmt: skip
"""Words that negate what follows them (within three words, in their clause), as VADER's NEGATE."""

CLAUSE_NEGATORS = frozenset(
    {"niemand", "niemanden", "niemandem", "nichts", "nix", "keiner", "keins", "keines"}
)
"""Negating pronouns: "Keiner der Mitarbeiter war hilfsbereit" negates the rest of its clause."""

PHRASE_NEGATORS = frozenset({"kein", "keine", "keinen", "keinem", "keiner", "keines", "keinerlei", "ohne"})
"""Determiners and a preposition: they negate their noun phrase, up to its noun ("keine gute Idee"),
not the words after it ("Ohne Probleme angekommen")."""

TRAILING_NEGATORS = frozenset(
    {"nicht", "nich", "ned", "net", "nie", "niemals", "nimmer", "keineswegs", "keinesfalls", "nichts", "nix"}
)
"""Negators German puts after the verb ("Das gefällt mir nicht"): with no sentiment word after them in
their clause, they negate the verb or adjective before them in the clause."""

NOT_NEGATING_NEXT = {
    "nicht": frozenset({"nur"}),
    "nichts": frozenset({"als"}),
    "nie": frozenset({"so", "derart", "dermaßen"}),
    "niemals": frozenset({"so", "derart", "dermaßen"}),
}
"""'nicht nur ... sondern auch', 'nichts als Ärger': the negator is part of a fixed phrase; 'noch nie so
entspannt' praises, as VADER reads 'never so' and 'never this' as boosters, not negations."""

NOCH = "noch"
"""Negates only in 'weder ... noch'; elsewhere "noch" means "still, even" ("noch schlimmer")."""

B_INCR = 0.293
B_DECR = -0.293
"""VADER's empirically derived booster and dampener steps (Hutto & Gilbert 2014)."""

BOOSTERS: dict[str, float] = {
    **dict.fromkeys(
        [
            "sehr", "total", "totale", "totaler", "totales", "totalen", "mega", "echt", "voll", "extrem",
            "absolut", "richtig", "so", "zu", "ganz", "besonders", "wirklich", "unglaublich",
            "unheimlich", "wahnsinnig", "irre", "aeusserst", "hoechst", "enorm", "komplett", "voellig",
            "vollkommen", "vollstaendig", "gaenzlich", "unfassbar", "krass", "derbe", "tierisch",
            "verdammt", "sau", "ultra", "uebelst", "zutiefst", "dermassen", "derart", "ueberaus",
            "gar", "ueberhaupt", "maximal", "massiv", "so_was_von", "mehr_als",
        ],
        B_INCR,
    ),
    **dict.fromkeys(
        [
            "etwas", "kaum", "ziemlich", "eher", "bisschen", "bissl", "bisserl", "ein_bisschen",
            "ein_wenig", "ein_bissl", "wenig", "leicht", "halbwegs", "einigermassen", "relativ",
            "teilweise", "teils", "weitgehend", "geringfuegig", "minimal", "recht", "fast",
            "beinahe", "annaehernd", "tendenziell", "mehr_oder_weniger",
        ],
        B_DECR,
    ),
}  # fmt: skip
"""Intensifiers and dampeners, with VADER's steps: up to three words before a sentiment word in its
clause, at full, 0.95 and 0.9 strength."""

MULTIWORD = {
    ("ein", "bisschen"): "ein_bisschen",
    ("ein", "bissl"): "ein_bissl",
    ("ein", "wenig"): "ein_wenig",
    ("ein", "klein", "wenig"): "ein_wenig",
    ("so", "was", "von"): "so_was_von",
    ("mehr", "als"): "mehr_als",
    ("mehr", "oder", "weniger"): "mehr_oder_weniger",
}
"""Grammar words of more than one word, read as one."""

COMPOUND_BOOSTERS = frozenset(
    {"mega", "super", "ultra", "hyper", "sau", "riesen", "mords", "monster", "extrem", "total"}
)
"""Intensifying first parts of compounds (Megastau, Riesenchaos): they strengthen a head that carries
sentiment and carry none on their own (a Supermarkt is no praise)."""

CONTRASTS = frozenset({"aber", "jedoch", "allerdings", "trotzdem", "dennoch", "sondern"})
"""As VADER's "but": what comes before counts half, what comes after one and a half times."""

CLAUSE_INITIAL_CONTRASTS = frozenset({"doch"})
"""A contrast only where it opens a clause ("..., doch der Zug kam nicht"); inside one it is a particle
("Das ist doch gut")."""

CONJUNCTIONS = frozenset(
    {
        "und", "oder", "aber", "sondern", "denn", "weil", "dass", "obwohl", "obgleich", "wenn",
        "falls", "sobald", "waehrend", "nachdem", "bevor", "sodass", "jedoch", "trotzdem", "dennoch",
        "allerdings", "wobei", "weshalb", "weswegen", "deshalb", "deswegen",
    }
)  # fmt: skip
"""Words that start a new clause: a negation does not reach across them."""

FUNCTION_WORDS = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines ich du er sie es wir ihr mich dich sich uns
    euch mir dir ihm ihn ihnen mein meine meinen meinem meiner meines dein deine deinen deinem deiner
    sein seine seinen seinem seiner seines ihre ihren ihrem ihrer ihres unser unsere unseren unserem
    unserer euer eure euren eurem eurer dieser diese dieses diesem diesen jener jene jenes welcher
    welche welches welchem welchen man jemand jemanden alle alles allem allen aller andere anderen
    anderer beide an auf aus bei bis durch fuer gegen hinter in mit nach neben seit ueber um unter von
    vor wegen zwischen am im ins vom beim ans aufs zum zur ob als wie bin bist ist sind seid war warst
    waren wart waere waeren gewesen habe hab hast hat haben habt hatte hatten haette haetten gehabt
    werde wirst wird werden wurde wurden wuerde wuerden geworden kann kannst koennen konnte konnten
    koennte koennten muss musst muessen musste mussten muesste soll sollst sollen sollte sollten will
    willst wollen wollte wollten darf duerfen durfte auch schon nur mal ja nein hier da dort dann jetzt
    heute morgen gestern immer wieder also eben halt nun wohl etwa bereits erst gleich gerade mehr viel
    viele vielen weniger wer was wo wann warum wieso weshalb woher wohin bitte lieber eher noch denn
    ungefaehr einmal nochmal respektive beziehungsweise nochmals
    """.split()  # noqa: SIM905 - a word list a reviewer reads
)
"""German function words (folded): never sentiment, and no lexicon word may stem like one (Snowball
stems "sicher" as "sich", "bitter" as "bitt", the stem of "bitte")."""

SALUTATIONS = frozenset({"liebe", "lieber", "liebes"})
"""Opening a sentence or clause, these greet ("Liebe Bahn, ...", "@DB_Bahn, liebe Grüße") rather than
praise."""

IRREALIS = frozenset(
    {
        "waere", "waeren", "waerst", "wuerde", "wuerden", "wuerdest", "sollte", "sollten", "solltest",
        "koennte", "koennten", "koenntest", "haette", "haetten", "haettest", "muesste", "muessten",
    }
)  # fmt: skip
"""Subjunctive forms: praise in their sentence is a wish or a polite request, not praise ("Besser
wäre ...", "Es wäre schön, wenn der Zug pünktlich käme", "Ich hätte gerne eine Auskunft")."""

IRONY_PRONE = frozenset(
    form
    for base in (
        "super", "toll", "klasse", "prima", "grossartig", "spitze", "bravo", "wunderbar", "perfekt",
        "genial", "herrlich", "fantastisch", "danke", "wow", "glueckwunsch", "gratulation", "bestens",
        "top", "suess", "schoen", "geil", "hervorragend", "traumhaft", "sensationell", "vielen dank",
        "herzlichen dank", "tausend dank", "bravo", "klasse gemacht", "toll gemacht", "super gemacht",
    )
    for form in (base, base + "e", base + "en", base + "er", base + "es", base + "em")
)  # fmt: skip
"""Praise that people say ironically of a failure ("Super, der Bus fällt schon wieder aus", "Toll.
Wieder eine Stunde Verspätung"): in a text that otherwise complains (and draws no contrast), it gives
no praise."""

DURATION_OPENERS = frozenset({"seit"})
DURATION_FILLERS = frozenset(
    {
        "ein", "einer", "einem", "ner", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun",
        "zehn", "elf", "zwoelf", "zwanzig", "dreissig", "vierzig", "fuenfzig", "sechzig", "halben",
        "halbe", "ueber", "fast", "knapp", "geschlagenen", "gefuehlt", "gefuehlten", "mehreren",
        "mehr", "als", "gut", "guten", "etlichen", "vielen", "paar", "einigen", "ganzen",
    }
)  # fmt: skip
DURATION_UNITS = frozenset(
    {
        "minute", "minuten", "min", "mins", "minuetchen", "stunde", "stunden", "std", "h",
        "tag", "tagen", "tage", "woche", "wochen", "ewigkeit", "ewigkeiten", "ner_ewigkeit",
    }
)  # fmt: skip
"""A wait counted in minutes, hours, days or weeks ("seit 40 Minuten", "seit zwei Stunden", "seit
einer Ewigkeit"): customers complain this way of every service. Numbers are not words, so "seit 40
Minuten" reads "seit Minuten". Years and months are history, not waiting ("seit Jahren in Köln")."""

QUOTED = re.compile(r"(?:(?<=\s)|^)[\"„“”‚‘'»«]([^\"„“”‚‘'»«\s]{2,})[\"“”‘'«»](?=[\s.,!?;:)]|$)")
"""One word alone in quotation marks: praise there is scare-quoted ('der "tolle" Service'); titles and
quotations of several words are not ("«Die perfekte Stunde»")."""

GRAMMAR_WORDS = NEGATORS | set(BOOSTERS) | CONTRASTS | CLAUSE_INITIAL_CONTRASTS | CONJUNCTIONS | {NOCH}
NEVER_SENTIMENT = FUNCTION_WORDS | GRAMMAR_WORDS

# -- folding ----------------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'"})
_ELONGATED = re.compile(r"(.)\1{2,}")


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """The form words are compared in: lower case, ae/oe/ue/ss, no other accents, no final 's."""
    folded = unicodedata.normalize("NFC", word).casefold().translate(_UMLAUTS)
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    if folded.endswith("'s"):
        folded = folded[:-2]
    return folded


@lru_cache(maxsize=65_536)
def squeezed(folded: str) -> tuple[str, ...]:
    """Readings of a word with letters held down ("suuuuper", "sooo"): runs of three or more as one
    letter, then as two (for "Kaffeeee"). Empty when nothing is elongated."""
    if not _ELONGATED.search(folded):
        return ()
    return _ELONGATED.sub(r"\1", folded), _ELONGATED.sub(r"\1\1", folded)


# -- tokens -----------------------------------------------------------------------------------------


class Kind(Enum):
    WORD = "word"
    SYMBOL = "symbol"  # emoji or emoticon
    CLAUSE = "clause"  # , ; : ( ) [ ] { } dashes
    SENTENCE = "sentence"  # . ! ? … and line breaks


@dataclass(slots=True)
class Token:
    kind: Kind
    text: str
    """As written (a merged phrase: its words joined by spaces)."""
    key: str
    """Folded word, canonical emoticon or emoji; the boundary's own text."""
    sentence_start: bool = False


_INVISIBLE = dict.fromkeys(
    [
        *range(0x200B, 0x2010),  # zero-width space, joiners, LRM/RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0x00AD,  # soft hyphen
        0xFEFF,  # byte order mark
        0x180E,
        0xFE0E,
        0xFE0F,  # emoji variation selectors
        *range(0x1F3FB, 0x1F400),  # skin tones
        *range(0xE0020, 0xE0080),  # tag characters (flag sequences)
    ]
)

_LINKS = re.compile(r"(?:https?://|www\.)\S+|(?<![\w@])@\w+", re.IGNORECASE)
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_EMOTICON = (
    r"(?<![\d<>^:;=])(?:"
    r"[:;=][\'’]?-?(?:\)+|\(+|\]+|\[+|D+(?![A-Za-z])|[pP](?![A-Za-z])|/(?![/\w])|\\|\|+|\*|[oO](?![A-Za-z])|@|[sS](?![A-Za-z]))"
    r"|[xX]D+(?![A-Za-z])"
    r"|<3+(?!\d)|</3"
    r"|\^_*\^"
    r"|-[._]-"
    r"|[oO]\.[oO](?![A-Za-z])"
    r")"
)
# A point, comma or colon between digits is part of a number or a time ("1.5 Stunden", "2,5h", "19:00"),
# not a boundary.
_TOKEN = re.compile(
    rf"(?P<emoticon>{_EMOTICON})"
    rf"|(?P<word>[{_LATIN}]+(?:[-'’][{_LATIN}]+)*)"
    r"|(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF])"
    r"|(?P<sentence>(?:(?<!\d)\.|\.(?!\d)|[!?…])+|\n)"
    r"|(?P<clause>(?<!\d)[,:]|[,:](?!\d)|[;()\[\]{}–—]|\s-+\s)"
)


def emoticon_key(text: str) -> str:
    """One form per emoticon: no nose, no repeated mouth (":-)))" is ":)", "xDDD" is "xd")."""
    key = text.replace("-", "").replace("’", "'") if len(text) > 2 else text
    key = re.sub(r"(.)\1+$", r"\1", key)
    return key.lower() if key[:1] in "xX" else key


def clean(text: str) -> str:
    """The text without invisible characters, links and handles; composed (NFC)."""
    return _LINKS.sub(" ", unicodedata.normalize("NFC", text.translate(_INVISIBLE)))


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    sentence_start = True
    for match in _TOKEN.finditer(clean(text)):
        kind = match.lastgroup
        raw = match.group()
        if kind == "word":
            tokens.append(Token(Kind.WORD, raw, fold(raw), sentence_start))
            sentence_start = False
        elif kind == "emoticon":
            tokens.append(Token(Kind.SYMBOL, raw, emoticon_key(raw)))
        elif kind == "emoji":
            tokens.append(Token(Kind.SYMBOL, raw, raw))
        elif kind == "sentence":
            tokens.append(Token(Kind.SENTENCE, raw, raw))
            sentence_start = True
        else:
            tokens.append(Token(Kind.CLAUSE, raw, raw.strip()))
    return tokens
