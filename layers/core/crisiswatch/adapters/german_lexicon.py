"""The German sentiment lexicon: a tab-separated file a team reads, reviews and edits.

One entry a line, `#` starts a comment line, columns separated by one tab:

    term <TAB> valence [<TAB> negated] [<TAB> note]

* `term`: a word ("enttäuscht"), several words ("zum kotzen", read as one where they stand together),
  an emoji ("😡") or an emoticon (":-(" ). Spelling is folded: "schön", "Schön" and "schoen" are one.
  A word covers its inflected forms (German Snowball stem: "enttäuschend", "Enttäuschung" and
  "enttäuschenden" meet) and may be a part of a compound ("Zugausfall" reads "ausfall"). A leading `=`
  keeps a word to exactly that form, never inflected nor read inside a compound: for English words and
  short words that hide inside others ("=nett": not in "Kabinett").
* `valence`: VADER's scale, -4 (most negative) to +4 (most positive).
* `negated` (optional): the valence when the word is negated, instead of VADER's -0.74 times the valence.
  With valence 0 it marks a word that says nothing alone but complains when negated: "kommt" 0, -1.5
  ("Der Zug kommt nicht").
* `note` (optional): free text for the reviewer.

Loading checks every line and lists every problem with its line number: unreadable numbers, valences
out of range, duplicates, entries the reader can never match, grammar words (negators, intensifiers and
contrast markers are fixed in `german_text`), and words whose inflected forms collide with an entry of
the opposite sign.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .german_text import FUNCTION_WORDS, GRAMMAR_WORDS, Kind, tokenize

GERMAN_LEXICON_ENV = "GERMAN_LEXICON_FILE"
"""Where the scoring function finds the lexicon (the sentiment layer: /opt/sentiment/german_lexicon.tsv)."""

LAYER_LEXICON = Path("/opt/sentiment/german_lexicon.tsv")
MAX_VALENCE = 4.0
PART_MIN_CHARS = 4
"""Shorter lexicon words are never read inside a compound ("gut" is not in "Gutschein")."""


class GermanLexiconError(ValueError):
    """The lexicon cannot be used; the message lists every problem with its line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Valence:
    value: float
    negated: float | None = None


@dataclass
class GermanLexicon:
    exact: dict[str, Valence] = field(default_factory=dict)
    """Words marked `=`: only this folded form."""
    forms: dict[str, Valence] = field(default_factory=dict)
    """The folded form of every other word entry."""
    stems: dict[str, Valence] = field(default_factory=dict)
    """Their stems (inflected forms meet here); entries sharing a stem share the mean valence."""
    inflected: dict[str, Valence] = field(default_factory=dict)
    """Stems of their regular inflected forms, where those differ from the entry's own stem (Snowball
    stems "Problem" as "probl" but "Probleme" as "problem"); never where entries disagree in sign."""
    nouns: dict[str, Valence] = field(default_factory=dict)
    """The forms written with a capital (German nouns): only these open a compound ("Horrorfahrt");
    an adjective or verb at the start of a word is mostly a prefix ("beste" in "bestellen")."""
    phrases: dict[tuple[str, ...], Valence] = field(default_factory=dict)
    symbols: dict[str, Valence] = field(default_factory=dict)
    entries: int = 0
    _prefixes: frozenset[str] = frozenset()

    def word(self, folded: str) -> Valence | None:
        """A word as it stands in a text: exact entries, then forms, then stems."""
        found = self.exact.get(folded) or self.forms.get(folded)
        if found is None:
            root = stem(folded)
            found = self.stems.get(root) or self.inflected.get(root)
        return found

    def head(self, folded: str) -> Valence | None:
        """The last part of a compound ("ausfall" in "Zugausfall"): a word's form, or for five letters
        and more its inflection ("Zugausfälle"); never an exact-only entry."""
        if len(folded) < PART_MIN_CHARS or folded[:3] not in self._prefixes:
            return None
        found = self.forms.get(folded)
        if found is None and len(folded) > PART_MIN_CHARS:
            root = stem(folded)
            if len(root) >= PART_MIN_CHARS:
                found = self.stems.get(root) or self.inflected.get(root)
        return found

    def first_part(self, folded: str) -> Valence | None:
        """The first part of a compound ("horror" in "Horrorfahrt"): only a noun's own form (a stem
        would find "lächerlich" in "lächelt", an adjective "beste" in "bestellen")."""
        return self.nouns.get(folded) if len(folded) >= PART_MIN_CHARS else None

    @property
    def phrase_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(words) for words in self.phrases}, reverse=True))


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    from nltk.stem.snowball import GermanStemmer  # noqa: PLC0415 - NLTK is paid for when first needed

    stem_word: Callable[[str], str] = GermanStemmer().stem
    return stem_word


_STEMS: dict[str, str] = {}
"""Stems already known: read from the lexicon's stem index, or computed once."""
_STEM_CACHE_LIMIT = 200_000


def stem(folded: str) -> str:
    """NLTK's German Snowball stem of a folded word (umlauts already spelt ae/oe/ue, so "schoen" stays
    apart from "schon")."""
    found = _STEMS.get(folded)
    if found is None:
        found = _stemmer()(folded)
        if len(_STEMS) >= _STEM_CACHE_LIMIT:
            _STEMS.clear()
        _STEMS[folded] = found
    return found


STEM_INDEX_SUFFIX = ".stems.json"
"""Beside the lexicon, written at build time: the stem of every form loading needs, so the scoring
function's cold start does not stem ten thousand forms. Used only while it matches the lexicon's text
(its SHA-256); otherwise ignored, and the stems are computed."""


def stem_index_path(lexicon_path: Path) -> Path:
    return lexicon_path.with_name(lexicon_path.name + STEM_INDEX_SUFFIX)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_stem_index(lexicon_path: str | Path, target: str | Path | None = None) -> Path:
    """Parse the lexicon, recording every stem loading computes, and write them beside it (or to
    `target`)."""
    source = Path(lexicon_path)
    text = source.read_text(encoding="utf-8")
    _STEMS.clear()
    function_stems.cache_clear()
    parse_german_lexicon(text, str(source))
    out = Path(target) if target is not None else stem_index_path(source)
    payload = {"lexicon_sha256": _digest(text), "stems": dict(sorted(_STEMS.items()))}
    out.write_text(json.dumps(payload, ensure_ascii=True, separators=(",", ":")), encoding="utf-8")
    return out


def _read_stem_index(lexicon_path: Path, text: str) -> None:
    index = stem_index_path(lexicon_path)
    try:
        payload = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(payload, dict) or payload.get("lexicon_sha256") != _digest(text):
        return
    stems = payload.get("stems")
    if not isinstance(stems, dict):
        return
    _STEMS.update({k: v for k, v in stems.items() if isinstance(k, str) and isinstance(v, str)})


def _number(text: str, what: str, where: str, problems: list[str]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{where}: {what} {text!r} is not a number")
        return None
    if not math.isfinite(value) or abs(value) > MAX_VALENCE:
        problems.append(f"{where}: {what} {text} is outside -{MAX_VALENCE:g}..{MAX_VALENCE:g}")
        return None
    return value


@dataclass(frozen=True)
class _Entry:
    number: int
    term: str
    key: tuple[str, ...]
    kind: Kind
    exact: bool
    valence: Valence


def _entry(number: int, line: str, problems: list[str]) -> _Entry | None:
    """One line read, or None with its problems noted."""
    where = f"line {number}"
    fields = [cell.strip() for cell in line.split("\t")]
    if len(fields) < 2 or len(fields) > 4:
        problems.append(
            f"{where}: expected term, valence, optional negated valence and note separated by single "
            f"tabs, found {len(fields)} column(s): {line.strip()!r}"
        )
        return None
    term = fields[0]
    value = _number(fields[1], "valence", where, problems)
    written_negated = fields[2] if len(fields) > 2 else ""
    negated = _number(written_negated, "negated valence", where, problems) if written_negated else None
    if value is None or (written_negated and negated is None):
        return None
    exact = term.startswith("=") and term[1:2].isalpha()
    tokens = tokenize(term[1:] if exact else term)
    kinds = {token.kind for token in tokens}
    if not tokens or kinds - {Kind.WORD, Kind.SYMBOL} or (len(tokens) > 1 and kinds != {Kind.WORD}):
        problems.append(
            f"{where}: {term!r} can never be matched: a term is one word, several words, one emoji "
            "or one emoticon"
        )
        return None
    key = tuple(token.key for token in tokens)
    if value == 0 and negated is None and len(key) == 1:
        problems.append(
            f"{where}: {term!r} has valence 0 and no negated valence: it would do nothing "
            "(0 is for phrases, to mask the words inside them)"
        )
        return None
    if len(key) == 1 and tokens[0].kind is Kind.WORD and key[0] in FUNCTION_WORDS:
        problems.append(f"{where}: {term!r} is a function word; it never carries sentiment")
        return None
    if len(key) == 1 and tokens[0].kind is Kind.WORD and key[0] in GRAMMAR_WORDS:
        problems.append(
            f"{where}: {term!r} is a grammar word (negator, intensifier, contrast or conjunction); "
            "those are fixed in german_text.py"
        )
        return None
    return _Entry(number, term, key, tokens[0].kind, exact, Valence(value, negated))


def parse_german_lexicon(text: str, source: str = "german lexicon") -> GermanLexicon:
    problems: list[str] = []
    lexicon = GermanLexicon()
    seen: dict[tuple[str, ...], int] = {}
    by_stem: dict[str, list[_Entry]] = defaultdict(list)
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _entry(number, line, problems)
        if entry is None:
            continue
        if entry.key in seen:
            problems.append(
                f"line {number}: {entry.term!r} repeats line {seen[entry.key]} (spelling is folded: ä = ae)"
            )
            continue
        seen[entry.key] = number
        lexicon.entries += 1
        if entry.kind is Kind.SYMBOL:
            lexicon.symbols[entry.key[0]] = entry.valence
        elif len(entry.key) > 1:
            lexicon.phrases[entry.key] = entry.valence
        elif entry.exact:
            lexicon.exact[entry.key[0]] = entry.valence
        else:
            lexicon.forms[entry.key[0]] = entry.valence
            if entry.term[:1].isupper():
                lexicon.nouns[entry.key[0]] = entry.valence
            by_stem[stem(entry.key[0])].append(entry)
    _index_stems(lexicon, by_stem, problems)
    if problems:
        raise GermanLexiconError(source, problems)
    _index_inflections(lexicon)
    lexicon._prefixes = frozenset(
        word[:3]
        for word in (*lexicon.forms, *lexicon.stems, *lexicon.inflected)
        if len(word) >= PART_MIN_CHARS
    )
    return lexicon


def _sign(valence: Valence) -> float:
    return math.copysign(1.0, valence.value or valence.negated or 0.0)


@lru_cache(maxsize=1)
def function_stems() -> dict[str, str]:
    """The stem of each function word: a lexicon word that stems alike would score it."""
    return {stem(word): word for word in sorted(FUNCTION_WORDS, reverse=True)}


def _index_stems(lexicon: GermanLexicon, by_stem: dict[str, list[_Entry]], problems: list[str]) -> None:
    for stem_key, sharing in by_stem.items():
        if stem_key in function_stems():
            listed = ", ".join(f"{entry.term!r} (line {entry.number})" for entry in sharing)
            problems.append(
                f"stem {stem_key!r}: {listed} would also score the function word "
                f"{function_stems()[stem_key]!r}; write the exact forms with a leading '='"
            )
            continue
        if len({_sign(entry.valence) for entry in sharing}) > 1:
            listed = ", ".join(f"{entry.term!r} (line {entry.number})" for entry in sharing)
            problems.append(
                f"stem {stem_key!r}: {listed} share their inflected forms but not their sign; "
                "write the one that must not inflect with a leading '='"
            )
            continue
        values = [entry.valence.value for entry in sharing]
        negations = [entry.valence.negated for entry in sharing if entry.valence.negated is not None]
        lexicon.stems[stem_key] = Valence(
            round(sum(values) / len(values), 3),
            round(sum(negations) / len(negations), 3) if negations else None,
        )


ENDINGS = ("e", "en", "es", "er", "ern", "n", "s", "ste", "sten")
VERB_ENDINGS = ("e", "t", "st", "te", "ten")


def inflections(word: str) -> set[str]:
    """Regular inflected forms of a folded entry: declension, comparison, and for an infinitive its
    present, past and participle ("stoeren": "stoert", "stoerte", "gestoert")."""
    forms = {word + ending for ending in ENDINGS}
    if word.endswith("en") and len(word) > 5:
        base = word[:-2]
        forms.update(base + ending for ending in VERB_ENDINGS)
        forms.add(f"ge{base}t")
    return forms


def _index_inflections(lexicon: GermanLexicon) -> None:
    candidates: dict[str, list[Valence]] = defaultdict(list)
    for word, valence in lexicon.forms.items():
        if not valence.value:
            continue  # words that only complain when negated are listed form by form
        for form in inflections(word):
            root = stem(form)
            if root not in lexicon.stems and root not in function_stems():
                candidates[root].append(valence)
    for root, valences in candidates.items():
        if len({_sign(v) for v in valences}) == 1:
            lexicon.inflected[root] = valences[0]


def german_lexicon_path() -> Path:
    """The lexicon file: $GERMAN_LEXICON_FILE, else the sentiment layer's copy."""
    configured = os.environ.get(GERMAN_LEXICON_ENV)
    path = Path(configured) if configured else LAYER_LEXICON
    if not path.is_file():
        raise GermanLexiconError(
            str(path), [f"no lexicon file here (set {GERMAN_LEXICON_ENV}, or build the sentiment layer)"]
        )
    return path


def load_german_lexicon(path: str | Path | None = None) -> GermanLexicon:
    target = Path(path) if path is not None else german_lexicon_path()
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GermanLexiconError(str(target), [f"cannot be read: {error}"]) from None
    _read_stem_index(target, text)
    return parse_german_lexicon(text, str(target))
