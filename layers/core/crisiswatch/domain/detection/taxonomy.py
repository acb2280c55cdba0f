"""Crisis types: which kind of crisis a mention points to, in each language, with negation handled.

The taxonomy is data (``crisis_types.toml`` beside this module, or any file in the same format): per
crisis type, terms per language; per language, the words that negate a term before it, the phrases that
deny it after it, and the words that end a clause. A team adds its own words, or a language, without
touching code. Matching is deliberately transparent: every match carries the term as written in the
file (`rule`) and, when negated, the word or phrase that negated it (`cue`): a person can read why a
mention was tagged, which matters more in an alert than a few points of recall.

Terms (each matched as whole words, case-insensitive, with its umlauts also as ae/oe/ue and ß as ss):

* ``recall*`` any ending (recalls, recalled); ``*rückruf`` any beginning (Produktrückruf); both:
  ``*rückruf*`` (Rückrufaktion, Produktrückrufe); a word ``*`` alone is exactly one word;
* ``ruft ... zurück``: ``...`` stands for up to six words of the same clause (German verbs split
  around their object: "Acme ruft Kaffeedosen der Charge 12 zurück");
* ``{leaked|exposed} ... {records|passwords}``: one of the alternatives, in every combination; an
  empty alternative makes a word optional (``ist {ein |}fake``);
* a hashtag counts as the word (``#Rückruf``); ``#delete*`` matches hashtags only; a phrase also
  matches as a hashtag of its words run together, with anything after (``stop buying``:
  ``#StopBuyingAcme``).

Speed: the terms of the languages read are compiled into one regular expression shaped as a trie
(shared beginnings written once), with an empty group closing each term, so one scan finds every term
and the group that closed last says which.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import product
from typing import Any

from ..errors import CrisisWatchError

NEGATION_WINDOW = 3
"""Words before a term, in its clause, that may negate it: "no recall", "kein Rückruf", "nie gehackt"."""

DENIAL_WINDOW = 4
"""Words after a term, in its clause, before a denial starts: "the recall story is fake"."""

GAP_WORDS = 6
"""What ``...`` in a term stands for: up to this many words of the same clause (German puts the
participle last: "Kundendaten wurden nach dem Einkauf bei Acme gestohlen")."""

INLINE_BUDGET = 400
"""Characters of regex a term may put in the scanner: its first word's spellings times the rest."""

MAX_SPELLINGS = 500
"""Spellings a term's first word (or its words before ``...``) may have through ``{a|b}``: each is an
entry of the scanner; alternatives further on are compiled in place and cost nothing."""

POSITIVE_COMPOUND = 0.05
"""VADER's convention: a compound score at or above 0.05 is positive."""

ANY_LANGUAGE = ""
"""The language of a plain ``terms = [...]`` list (the format before languages): read in every language."""

_TYPE_KEYS = ("label", "weight", "terms", "exclude", "negative_only")
_LANGUAGE_KEYS = (
    "name",
    "negations",
    "negation_exceptions",
    "denials",
    "clause_breaks",
    "also_read",
    "compounds",
)
_LANGUAGE_LISTS = ("negations", "negation_exceptions", "denials", "clause_breaks", "also_read")

# Regular-expression pieces of a compiled term.
_WORD_CHARS = r"[\w'-]"
# Bounded, so that a failed try is short: unbounded, a 100 KB hyphen-chained "word" was retried from
# every place a term could start, in quadratic time. 50 letters hold any real ending or compound.
_WILD = _WORD_CHARS + "{0,50}"
_ONE_WORD = _WORD_CHARS + "{1,50}"
_SEPARATOR = r"(?:'s?)?(?:\s*-\s*|\s+)"
"""Between the words of a term: spaces or a hyphen ("class action", "class-action"), after an optional
possessive ("workers' strike", "Acme's recall" for "acme recall")."""
_GAP = rf"(?:'s?)?,?(?:\s*-\s*|\s+)(?:[\w'-]{{1,60}}(?:[.,]\w{{1,20}}){{0,3}}\s+){{0,{GAP_WORDS}}}?"
"""``...``: the end of the word before (a comma allowed), then up to six words of the same clause (a
word with dots or commas inside: "12.000"); bounded like `_WILD`."""
_HASH = r"\#"
_GAP_MARK = "..."
_ANY_WORD_MARK = "*"
_MARKS = (_GAP_MARK, _ANY_WORD_MARK)
"""Words of a term that are not words: ``...`` (a gap) and ``*`` alone (any one word)."""
_NOT_LITERAL = {_WILD: 2, _ONE_WORD: 2, _SEPARATOR: 1, _GAP: 1}
"""Trie branches are tried literal first, then separators, then wildcards: the longest term wins."""
_FOLDS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}
_UNFOLD = {fold: [list(spelling) for spelling in fold[3:-1].split("|")] for fold in _FOLDS.values()}

_COMMON_ENGLISH = (
    "a an the is was are were be been being has have had my our your their his her its it this that in on "
    "at to for of and or with from by as all no not do did does will would can get got i we you they he "
    "she me us them just still so very up out off more"
)
_COMMON_GERMAN = (
    "der die das den dem des ein eine einen einem einer eines ist sind war waren hat haben im in am an "
    "auf für mit von zu zum zur bei und oder ich wir sie er es mein meine meinen unser unsere nicht nur "
    "auch noch schon sehr da dort hier mal ja doch wird werden wurde"
)
_COMMON_WORDS = frozenset(f"{_COMMON_ENGLISH} {_COMMON_GERMAN}".split())
"""Words too common to anchor a term: the scanner would stop at every one of them."""

_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
"""Soft hyphens, zero-width and direction marks: invisible, and they would split a word in two."""
_WORD = re.compile(r"[#\w][\w'-]*")
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_TYPE_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_BRACES = re.compile(r"\{([^{}]*)\}")


class TaxonomyError(CrisisWatchError):
    """The taxonomy file is malformed; `problems` lists each one as `place: reason`."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            super().__init__(self.problems[0])
        else:
            super().__init__("invalid crisis taxonomy:\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True)
class Language:
    """How one language negates and denies: words of its own, listed in the taxonomy file."""

    code: str
    name: str
    negations: tuple[str, ...]
    """Words (``kein*`` for every ending) that negate a term up to three words later in its clause; a
    phrase ("no evidence that") counts as one word."""
    negation_exceptions: tuple[str, ...] = ()
    """Phrases that hold a negation word without negating: "not only", "nicht nur", "kein Wunder"."""
    denials: tuple[str, ...] = ()
    """Phrases after a term, in its clause, that deny it: "is fake", "stimmt nicht"."""
    clause_breaks: tuple[str, ...] = ()
    """Words that end a clause besides punctuation: "but", "aber", "sondern"."""
    also_read: tuple[str, ...] = ()
    """Languages whose negations and denials count in this one's posts too (German posts mix in English)."""
    compounds: bool = False
    """Whether words are glued together (German): a term with a leading ``*`` is then looked for inside
    every word ("Produktrückruf"); otherwise inside hashtags only ("#AcmeBoycott")."""


@dataclass(frozen=True)
class CrisisType:
    key: str
    label: str
    weight: int
    terms: Mapping[str, tuple[str, ...]]
    """Language code (``""``: every language) -> the terms as written in the file."""
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    negative_only: bool = False


@dataclass(frozen=True)
class CrisisMatch:
    crisis_type: str
    term: str
    """The words as found in the (lower-cased) text."""
    negated: bool
    rule: str = ""
    """The term as written in the taxonomy (``*rückruf*``): why the mention was tagged."""
    lang: str = ""
    """The language of the list the rule comes from (``""`` for a list read in every language)."""
    cue: str = ""
    """What negated it: a negation word before it ("kein") or a denial after it ("ist falsch")."""


# -- terms -> regular expressions -------------------------------------------------------------------


def _tokens(term: str) -> list[str]:
    """The term's words: split at spaces outside braces ("{has been|was} down" is two words)."""
    tokens: list[str] = []
    current: list[str] = []
    depth = 0
    for char in term:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char.isspace() and depth == 0:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _expand(text: str) -> list[str]:
    """Every spelling of `text` through its ``{a|b}`` alternatives, spaces tidied."""
    parts = _BRACES.split(text)
    literals, choices = parts[0::2], [choice.split("|") for choice in parts[1::2]]
    spellings = []
    for picked in product(*choices):
        joined = literals[0] + "".join(
            choice + literal for choice, literal in zip(picked, literals[1:], strict=True)
        )
        spellings.append(" ".join(joined.split()))
    return list(dict.fromkeys(spelling for spelling in spellings if spelling))


@cache
def _char_unit(char: str) -> str:
    return _FOLDS.get(char) or re.escape(char)


def _text_units(text: str, joiner: str, hashtag: bool) -> list[str]:
    """Regex units of a word (or of one alternative inside braces): one per character, a ``{a|b}`` group
    as one unit compiled in place, a ``*`` as any word characters, spaces as `joiner`."""
    units: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "{":
            close = text.index("}", index)
            alternatives = [
                "".join(_text_units(alt, joiner, hashtag)) for alt in text[index + 1 : close].split("|")
            ]
            units.append("(?:" + "|".join(alternatives) + ")")
            index = close + 1
        elif char.isspace():
            while index < len(text) and text[index].isspace():
                index += 1
            units.append(joiner)
        elif char == "*":
            units.append(_WILD)
            index += 1
        elif text.startswith("ss", index):
            units.append(_FOLDS["ß"])
            index += 2
        else:
            if not (hashtag and char == "'"):
                units.append(_char_unit(char))
            index += 1
    return [unit for unit in units if unit]


def _term_units(term: str, hashtag: bool = False) -> list[str]:
    """A term as regex units; as a hashtag, its words run together with anything after."""
    tokens = _tokens(term.lower().replace("’", "'"))
    units: list[str] = [_HASH] if hashtag else []
    for index, token in enumerate(tokens):
        if index and _GAP_MARK not in (tokens[index - 1], token) and not hashtag:
            units.append(_SEPARATOR)
        if token == _GAP_MARK:
            units.append(_GAP)
        elif token == _ANY_WORD_MARK:
            units.append(_ONE_WORD)
        else:
            units.extend(_text_units(token, "" if hashtag else _SEPARATOR, hashtag))
    if hashtag:
        units.append(_WILD)
    return units


def _pattern(terms: Iterable[str]) -> str:
    """An alternation of terms compiled in place (longest first), for exclusions, denials, negations."""
    compiled = ["".join(_term_units(term)) for term in sorted(set(terms), key=len, reverse=True)]
    return "|".join(compiled) if compiled else "(?!)"


def _spellings(text: str) -> int:
    count = 1
    for choice in _BRACES.findall(text):
        count *= len(choice.split("|"))
    return count


def _entries(term: str) -> tuple[list[list[str]], int | None]:
    """What a term puts in the scanner (as regex units), and which of its words anchors it (None: the
    scanner holds the whole term).

    The first word is spelled out through its alternatives, so that every entry starts with letters the
    trie shares, and the rest of the term follows compiled in place. When that would be long (many first
    spellings times a long rest: ``{staff|manager|...} ... {yelled|shoved|...}``), or the first word is a
    compound (``*daten``) or a common little word ("is", "the", "im"), one word alone goes in: the
    longest in its average spelling among the others (the rarest, roughly), and the whole term is
    checked around it where it is found.
    """
    tokens = _tokens(term)
    first = _expand(tokens[0])
    rest = _term_units(" ".join(["\x00", *tokens[1:]]))[1:] if len(tokens) > 1 else []
    rest_unit = "".join(rest)
    if not rest or (not _awkward(tokens[0]) and len(first) * len(rest_unit) <= INLINE_BUDGET):
        return [[*_term_units(spelling), *rest] for spelling in first], None
    words = [index for index, token in enumerate(tokens) if token not in _MARKS]

    def cost(index: int) -> tuple[bool, float]:
        spellings = _expand(tokens[index])
        return _awkward(tokens[index]), -sum(len(spelling) for spelling in spellings) / len(spellings)

    anchor = min(words, key=cost)
    return [_term_units(spelling) for spelling in _expand(tokens[anchor])], anchor


def _awkward(token: str) -> bool:
    """A word that makes a poor start for a scanner entry: a compound (the scanner's root would try it
    inside every word) or, in some spelling, a common little word (it would stop at every one)."""
    spellings = _expand(token)
    return any(spelling.startswith("*") for spelling in spellings) or any(
        word in _COMMON_WORDS for spelling in spellings for word in spelling.split()
    )


def _hashtag_form(tokens: Sequence[str]) -> bool:
    return len(tokens) > 1 and not tokens[0].startswith("#") and not any(t in _MARKS for t in tokens)


@dataclass(frozen=True)
class _Rule:
    crisis_type: str
    text: str
    lang: str
    anchor: int | None = None
    """Which word of the term is its anchor in the scanner (None: the scanner holds the whole term)."""
    hashtag: bool = False
    """A compound that counts inside hashtags only (``#*boykott*``)."""

    def around(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The span of the whole term around its anchor found at `start`-`end`, if it is there."""
        whole = _whole_term(self.text)
        if self.anchor == 0:
            found = whole.match(text, start)
            return None if found is None else found.span()
        for found in whole.finditer(text, max(0, start - 160), min(len(text), end + 160)):
            if found.start() > start:
                return None
            if found.end() >= end:
                return found.span()
        return None

    @property
    def own_words(self) -> re.Pattern[str]:
        """The term's own words, so that a negation inside its ``...`` can be told apart."""
        return _own_words(self.text)


@cache
def _whole_term(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)#?(?:" + "".join(_term_units(term)) + r")(?!\w)")


@cache
def _own_words(term: str) -> re.Pattern[str]:
    """Each single word of every spelling ("{is fake|a hoax}": is, fake, a, hoax)."""
    words = [
        word
        for token in _tokens(term)
        if token not in _MARKS
        for spelling in _expand(token)
        for word in spelling.split()
    ]
    return re.compile(_pattern(words))


class _Node:
    __slots__ = ("children", "depth", "has_term", "rules")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.rules: list[_Rule] = []
        self.has_term = False
        """Whether a term (not only an anchor) ends here or further on."""
        self.depth = -1


class _Trie:
    """Entries as a trie of regex units, emitted as one regular expression: shared beginnings once.

    At each branch, paths to terms come before paths to anchors alone, then literal letters before
    separators before wildcards: where several entries match at one place, the longest term wins, and an
    anchor it hides is found again by `_Scanner.anchor_at`.
    """

    def __init__(self) -> None:
        self.root = _Node()

    def add(self, units: Sequence[str], rule: _Rule) -> None:
        node = self.root
        term = rule.anchor is None
        node.has_term |= term
        for unit in units:
            node = node.children.setdefault(unit, _Node())
            node.has_term |= term
        if rule not in node.rules:
            node.rules.append(rule)

    def regex(self, terminals: list[tuple[_Rule, ...]] | None = None) -> str:
        """The alternation; with `terminals`, each entry ends in an empty group whose rules are appended
        there in group order (group n closes entry n)."""
        return _emit(self.root, terminals) if self.root.children else "(?!)"


def _depth(node: _Node) -> int:
    """Units on the longest path below: deeper branches are tried first, so the longest entry wins."""
    if node.depth < 0:
        node.depth = 1 + max((_depth(child) for child in node.children.values()), default=0)
    return node.depth


def _emit(node: _Node, terminals: list[tuple[_Rule, ...]] | None) -> str:
    alternatives = []
    order = sorted(
        node.children.items(),
        key=lambda item: (not item[1].has_term, _NOT_LITERAL.get(item[0], 0), -_depth(item[1])),
    )
    for unit, child in order:
        alternatives.append(unit + _emit(child, terminals))
    if node.rules:
        if terminals is None:
            alternatives.append("")
        else:
            terminals.append(tuple(node.rules))
            alternatives.append("()")
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _whole_words(alternation: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)#?(?:{alternation})(?!\w)")


def _prepare(text: str) -> str:
    """The text as matched: lower case; outside ASCII also NFKC (𝐫𝐞𝐜𝐚𝐥𝐥, ｒｅｃａｌｌ, composed
    umlauts), without invisible characters, with typographic apostrophes made plain."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).replace("’", "'").replace("‘", "'")
    return text.lower()


class _Scanner:
    """Every term of every language in one regular expression (a trie, each entry closed by an empty
    group), and the compounds (terms with a leading ``*``) in a second one, looked for inside words.

    Terms are read in every post, whatever its language: a German post quotes English ("data breach"),
    an English one a German hashtag, and a language tag is often missing or wrong. So terms are chosen
    not to collide across languages ("tote" is not a German term here: English has tote bags).
    """

    def __init__(self, types: Sequence[CrisisType]) -> None:
        trie, anchors, compounds = _Trie(), _Trie(), _Trie()
        self.anchored: list[_Rule] = []
        for crisis_type in types:
            for lang, written in crisis_type.terms.items():
                for term in written:
                    entries, anchor = _entries(term)
                    rule = _Rule(crisis_type.key, term, lang, anchor)
                    if anchor is not None:
                        self.anchored.append(rule)
                        for units in entries:
                            trie.add(units, rule)
                            anchors.add(units, rule)
                        continue
                    tokens = _tokens(term)
                    for units, spelling in zip(entries, _expand(tokens[0]), strict=True):
                        if spelling.lstrip("#").startswith("*"):  # a compound: *rückruf*, #*boykott*
                            hashtag = spelling.startswith("#")
                            stem = _term_units(spelling.lstrip("#")[1:]) + units[len(_term_units(spelling)) :]
                            for literal in _literal_first(stem):
                                compounds.add(literal, replace(rule, hashtag=hashtag))
                            trie.add(([_HASH] if hashtag else []) + stem, rule)
                            continue
                        trie.add(units, rule)
                        if _hashtag_form(tokens):
                            trie.add(_term_units(" ".join([spelling, *tokens[1:]]), hashtag=True), rule)
        self.terminals: list[tuple[_Rule, ...]] = []
        self.pattern = _whole_words(trie.regex(self.terminals))
        self.compound_terminals: list[tuple[_Rule, ...]] = []
        self.compounds = re.compile(f"(?:{compounds.regex(self.compound_terminals)})(?!\\w)")
        self._anchors = anchors
        self._anchor_pattern: re.Pattern[str] | None = None
        self._by_anchor: dict[str, tuple[_Rule, ...]] = {}

    def rules_anchored_by(self, anchor: str) -> tuple[_Rule, ...]:
        """Every anchored rule whose anchor word matches `anchor` (several spell it alike: "strike")."""
        rules = self._by_anchor.get(anchor)
        if rules is None:
            if len(self._by_anchor) > 50_000:
                self._by_anchor.clear()
            rules = self._by_anchor[anchor] = tuple(
                rule for rule in self.anchored if _anchor_word(rule.text, rule.anchor).fullmatch(anchor)
            )
        return rules

    def anchor_at(self, text: str, start: int) -> tuple[int, int] | None:
        """Where an anchor starts at `start` too (a term found there hides it: "piece of metal" is a
        safety term and hides the anchor of "piece* of {metal|glass}")."""
        if self._anchor_pattern is None:
            self._anchor_pattern = re.compile(r"#?(?:" + self._anchors.regex() + r")(?!\w)")
        found = self._anchor_pattern.match(text, start)
        return None if found is None else found.span()


def _literal_first(units: list[str]) -> list[list[str]]:
    """The units with a first umlaut spelled both ways as plain letters ("ü", "ue"): a search whose every
    branch starts with a letter skips the places no term can start (the regex engine's first-letter set)."""
    if units and units[0] in _UNFOLD:
        return [[*spelling, *units[1:]] for spelling in _UNFOLD[units[0]]]
    return [units]


@cache
def _anchor_word(term: str, anchor: int | None) -> re.Pattern[str]:
    return re.compile("#?(?:" + "".join(_term_units(_tokens(term)[anchor or 0])) + ")")


# -- reading: the negations of some languages -------------------------------------------------------


class _Reading:
    """How posts in some languages are read (None: every language): what negates or denies a term, what
    ends a clause. The terms themselves are read in every language (see `_Scanner`)."""

    def __init__(self, taxonomy: Taxonomy, languages: frozenset[str] | None) -> None:
        self.taxonomy = taxonomy
        read = [lang for lang in taxonomy.languages.values() if languages is None or lang.code in languages]
        self.compounds = any(lang.compounds for lang in read)
        negations = [word for lang in read for word in lang.negations]
        words = [negation for negation in negations if len(_tokens(negation)) == 1]
        phrases = [negation for negation in negations if len(_tokens(negation)) > 1]
        self.negation = re.compile(_pattern(words)) if words else None
        self.negating_phrase = _whole_words(_pattern(phrases)) if phrases else None
        """"no evidence that", "keine Hinweise auf": a negation of several words counts as one word."""
        exceptions = [phrase for lang in read for phrase in lang.negation_exceptions]
        self.exceptions = _whole_words(_pattern(exceptions)) if exceptions else None
        denials = [phrase for lang in read for phrase in lang.denials]
        self.denial = (
            re.compile(rf"^\W*(?:[\w'-]+\W+){{0,{DENIAL_WINDOW}}}?({_pattern(denials)})(?!\w)")
            if denials
            else None
        )
        breaks = [word for lang in read for word in lang.clause_breaks]
        break_words = rf"|(?<!\w)(?:{_pattern(breaks)})(?!\w)" if breaks else ""
        self.break_before = re.compile(r"[.!?;:\n,]|\s[-–—]\s" + break_words)
        """Before a term a comma or a dash ends the clause too ("no, really. Acme issued a recall")."""
        self.break_after = re.compile(r"[.!?;:\n]" + break_words)
        self._exclusions: dict[str, re.Pattern[str] | None] = {}

    def excluded(self, key: str, text: str, start: int, spans: dict[str, list[tuple[int, int]]]) -> bool:
        if key not in self._exclusions:
            phrases = [phrase for terms in self.taxonomy.by_key[key].exclude.values() for phrase in terms]
            self._exclusions[key] = _whole_words(_pattern(phrases)) if phrases else None
        pattern = self._exclusions[key]
        if pattern is None:
            return False
        if key not in spans:
            spans[key] = [match.span() for match in pattern.finditer(text)]
        return any(begin <= start < end for begin, end in spans[key])

    def negation_cue(self, text: str, start: int, end: int, rule: _Rule) -> str:
        """The word before (or inside a ``...`` of) the term that negates it, or the denial after it."""
        return (
            self._negation_before(text, start)
            or (self._negation_inside(text[start:end], rule) if rule.anchor is not None else "")
            or self._denial_after(text, end)
        )

    def _negation_before(self, text: str, start: int) -> str:
        if self.negation is None:
            return ""
        before = text[max(0, start - 120) : start]
        clause_start = 0
        for cut in self.break_before.finditer(before):
            clause_start = cut.end()
        before = before[clause_start:]
        if self.exceptions is not None:
            before = self.exceptions.sub(" ", before)
        if self.negating_phrase is not None:
            before = self.negating_phrase.sub(_first_word, before)
        words: list[str] = _WORD.findall(before)
        for word in reversed(words[-NEGATION_WINDOW:]):
            if self.negation.fullmatch(word.strip("'-").replace("'", "")):
                return word.strip("'-")
        return ""

    def _negation_inside(self, found: str, rule: _Rule) -> str:
        """A negation in the gap of a ``...`` term ("ruft die Dosen nicht zurück"), not one of its words."""
        if self.negation is None:
            return ""
        if self.exceptions is not None:
            found = self.exceptions.sub(" ", found)
        own = rule.own_words
        words: list[str] = _WORD.findall(found)
        for word in words:
            if not own.fullmatch(word) and self.negation.fullmatch(word.replace("'", "")):
                return word
        return ""

    def _denial_after(self, text: str, end: int) -> str:
        if self.denial is None:
            return ""
        after = text[end : end + 160]
        cut = self.break_after.search(after)
        denial = self.denial.match(after[: cut.start()] if cut else after)
        return "" if denial is None else denial.group(1)


def _word_start(text: str, index: int) -> int:
    while index > 0 and (text[index - 1].isalnum() or text[index - 1] in "_'-"):
        index -= 1
    return index


def _first_word(phrase: re.Match[str]) -> str:
    return phrase.group(0).split()[0]


# -- the taxonomy ---------------------------------------------------------------------------------------


class Taxonomy:
    def __init__(self, types: Iterable[CrisisType], languages: Iterable[Language] | None = None) -> None:
        self.types = tuple(types)
        self.languages = {
            lang.code: lang for lang in (_packaged_languages() if languages is None else languages)
        }
        self.weights = {crisis_type.key: crisis_type.weight for crisis_type in self.types}
        self.by_key = {crisis_type.key: crisis_type for crisis_type in self.types}
        self._order = {crisis_type.key: index for index, crisis_type in enumerate(self.types)}
        self._scanner: _Scanner | None = None
        self._readings: dict[frozenset[str] | None, _Reading] = {}
        self._by_tag: dict[str | None, _Reading] = {}

    def reading_languages(self, lang: str | None) -> frozenset[str] | None:
        """The languages whose lists are read for a text in `lang`: the language and its `also_read`;
        every language (None) when `lang` is not given, undetermined ("und") or not in the taxonomy."""
        code = _primary(lang)
        if code is None or code not in self.languages:
            return None
        languages = frozenset((code, *self.languages[code].also_read))
        return None if languages >= set(self.languages) else languages

    def _reading(self, lang: str | None) -> _Reading:
        reading = self._by_tag.get(lang)
        if reading is None:
            languages = self.reading_languages(lang)
            reading = self._readings.get(languages)
            if reading is None:
                reading = self._readings[languages] = _Reading(self, languages)
            if len(self._by_tag) < 1000:
                self._by_tag[lang] = reading
        return reading

    def compile(self) -> Taxonomy:
        """Compile the scanner now (else on first use): for a cold start's init phase."""
        if self._scanner is None:
            self._scanner = _Scanner(self.types)
        return self

    @classmethod
    def from_toml(cls, text: str, origin: str = "taxonomy") -> Taxonomy:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise TaxonomyError(f"{origin}: not valid TOML: {error}") from error
        return cls.from_dict(data, origin)

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], origin: str = "taxonomy", base_languages: Iterable[Language] | None = None
    ) -> Taxonomy:
        """A taxonomy from parsed TOML, or every problem of it at once (place and reason each).

        Languages come from the file's ``[languages.<code>]`` tables over `base_languages` (by default the
        packaged ones, English, German and Spanish): a team file of types alone reads their negations.
        """
        problems: list[str] = []
        for key in data:
            if key not in ("types", "languages"):
                problems.append(
                    f'{origin}: unknown table "{key}" '
                    "(a taxonomy has [languages.<code>] and [types.<key>] tables)"
                )
        languages = {
            lang.code: lang for lang in (_packaged_languages() if base_languages is None else base_languages)
        }
        declared = data.get("languages", {})
        known = {*languages, *(declared if isinstance(declared, dict) else ())}
        languages.update(_parse_languages(declared, origin, problems, known))
        types = data.get("types")
        built: list[CrisisType] = []
        if not isinstance(types, dict) or not types:
            problems.append(f"{origin}: needs a [types.<key>] table per crisis type")
        else:
            for key, spec in types.items():
                crisis_type = _parse_type(key, spec, f"{origin}: types.{key}", languages, problems)
                if crisis_type is not None:
                    built.append(crisis_type)
        if problems:
            raise TaxonomyError(problems)
        return cls(built, languages.values())

    def matches(self, text: str, lang: str | None = None) -> list[CrisisMatch]:
        """Every term found, in text order, each marked negated or not (with its rule and cue).

        `lang` (a language tag: "de", "de-AT", "en") chooses the lists read: that language's and its
        `also_read`; not given, undetermined or unknown: every language's.
        """
        scanner = self.compile()._scanner
        assert scanner is not None
        reading = self._reading(lang)
        prepared = _prepare(text)
        found: list[tuple[int, CrisisMatch]] = []
        spans: dict[str, list[tuple[int, int]]] = {}
        for match in scanner.pattern.finditer(prepared):
            assert match.lastindex is not None  # every entry ends in its group
            terminal = scanner.terminals[match.lastindex - 1]
            candidates = [(rule, *match.span()) for rule in terminal if rule.anchor is None]
            if len(candidates) < len(terminal):
                candidates += [(rule, *match.span()) for rule in scanner.rules_anchored_by(match.group(0))]
            else:
                hidden = scanner.anchor_at(prepared, match.start())
                if hidden is not None:
                    anchor = prepared[hidden[0] : hidden[1]]
                    candidates += [(rule, *hidden) for rule in scanner.rules_anchored_by(anchor)]
            self._claim(candidates, prepared, reading, spans, found)
        if reading.compounds or "#" in prepared:
            for match in scanner.compounds.finditer(prepared):
                assert match.lastindex is not None
                start = _word_start(prepared, match.start())
                hashtag = prepared.startswith("#", start - 1)
                if not (reading.compounds or hashtag):
                    continue
                rules = scanner.compound_terminals[match.lastindex - 1]
                candidates = [
                    (rule, start - hashtag, match.end()) for rule in rules if hashtag or not rule.hashtag
                ]
                self._claim(candidates, prepared, reading, spans, found)
            found.sort(key=lambda item: item[0])
        # The same words found twice (as a word and inside a compound: "Acme-Boykott") are one match:
        # same type and negation, same start or same end.
        seen: set[tuple[str, bool, int]] = set()
        unique = []
        for start, crisis_match in found:
            key = (crisis_match.crisis_type, crisis_match.negated)
            places = {(*key, start), (*key, -start - len(crisis_match.term))}
            if not places & seen:
                seen |= places
                unique.append(crisis_match)
        return unique

    def _claim(
        self,
        candidates: list[tuple[_Rule, int, int]],
        prepared: str,
        reading: _Reading,
        spans: dict[str, list[tuple[int, int]]],
        found: list[tuple[int, CrisisMatch]],
    ) -> None:
        """The first candidate rule of each type that holds (anchored ones around their anchor) and is
        not excluded, as matches in taxonomy order."""
        claimed: dict[str, tuple[_Rule, int, int]] = {}
        for rule, found_start, found_end in candidates:
            if rule.crisis_type in claimed:
                continue
            span = (
                (found_start, found_end)
                if rule.anchor is None
                else rule.around(prepared, found_start, found_end)
            )
            if span is not None and not reading.excluded(rule.crisis_type, prepared, span[0], spans):
                claimed[rule.crisis_type] = (rule, *span)
        for key in sorted(claimed, key=self._order.__getitem__):
            rule, start, end = claimed[key]
            cue = reading.negation_cue(prepared, start, end, rule)
            found.append((start, CrisisMatch(key, prepared[start:end], bool(cue), rule.text, rule.lang, cue)))

    def classify(self, text: str, sentiment: float | None = None, lang: str | None = None) -> tuple[str, ...]:
        """The crisis types a text points to, in taxonomy order.

        Negated terms do not count; nor do `negative_only` types when `sentiment` (VADER compound) is
        positive. `lang` as for `matches`.
        """
        hit = {match.crisis_type for match in self.matches(text, lang) if not match.negated}
        if not hit:
            return ()
        positive = sentiment is not None and sentiment >= POSITIVE_COMPOUND
        return tuple(
            crisis_type.key
            for crisis_type in self.types
            if crisis_type.key in hit and not (positive and crisis_type.negative_only)
        )


def _primary(lang: str | None) -> str | None:
    if not lang:
        return None
    return lang.strip().lower().replace("_", "-").split("-")[0] or None


# -- the file format --------------------------------------------------------------------------------


def _term_problem(term: object) -> str | None:
    """Why a term (or an exclusion, denial, negation) cannot be read, or None."""
    if not isinstance(term, str):
        return "must be a string"
    if not term.strip():
        return "an empty term"
    return _brace_problem(term) or _word_problem(_tokens(term))


def _brace_problem(term: str) -> str | None:
    depth = 0
    for char in term:
        if char == "{":
            depth += 1
            if depth > 1:
                return "braces cannot nest"
        elif char == "}":
            depth -= 1
            if depth < 0:
                return "a } without its {"
        elif char == "|" and depth == 0:
            return "| only between alternatives inside { }"
    return "a { without its }" if depth else None


def _word_problem(tokens: Sequence[str]) -> str | None:
    if all(token in _MARKS for token in tokens):
        return "needs a word besides * and ..."
    for index, token in enumerate(tokens):
        if token == _GAP_MARK:
            if index in (0, len(tokens) - 1):
                return "`...` must stand between two words"
            if tokens[index - 1] == _GAP_MARK:
                return "two `...` in a row"
            continue
        if _GAP_MARK in token:
            return f"{token!r}: `...` is a word of its own"
        if "#" in token[1:] or (token.startswith("#") and index):
            return "`#` only at the start of a term"
        if token != _ANY_WORD_MARK and _may_be_empty(token):
            return f"{token!r} may match no letters at all (only wildcards or empty alternatives)"
    for token in tokens:
        if _spellings(token) > MAX_SPELLINGS:
            return (
                f"{token[:40]!r}... spells {_spellings(token)} ways through {{a|b}} (at most {MAX_SPELLINGS})"
            )
    return None


def _may_be_empty(token: str) -> bool:
    def bare(text: str) -> str:
        return "".join(char for char in text if char not in "*# ")

    if bare(_BRACES.sub("", token)):
        return False
    return all(any(not bare(alt) for alt in choice.split("|")) for choice in _BRACES.findall(token))


def _terms_problems(
    value: object, where: str, problems: list[str], allow_empty: bool
) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        problems.append(f"{where}: a list of strings")
        return None
    if not value and not allow_empty:
        problems.append(f"{where}: a non-empty list of non-empty strings")
        return None
    bad = False
    for index, term in enumerate(value):
        problem = _term_problem(term)
        if problem is not None:
            shown = f" {term!r}" if isinstance(term, str) else ""
            problems.append(f"{where}[{index}]{shown}: {problem}")
            bad = True
    return None if bad else tuple(term.strip() for term in value)


def _term_lists(
    value: object, where: str, languages: Mapping[str, Language], problems: list[str], required: bool
) -> dict[str, tuple[str, ...]] | None:
    """A list (every language) or a table of lists per language."""
    if isinstance(value, list):
        terms = _terms_problems(value, where, problems, allow_empty=not required)
        return None if terms is None else {ANY_LANGUAGE: terms}
    if not isinstance(value, dict):
        problems.append(
            f"{where}: a non-empty list of non-empty strings, or a table of such lists per language "
            f"({where.rsplit(': ', 1)[-1].rsplit('.', 1)[-1]}.en = [...], .de = [...])"
        )
        return None
    lists: dict[str, tuple[str, ...]] = {}
    bad = False
    for lang, terms in value.items():
        if lang not in languages:
            problems.append(
                f"{where}.{lang}: no [languages.{lang}] table declares this language "
                f"(known: {', '.join(sorted(languages))})"
            )
            bad = True
            continue
        parsed = _terms_problems(terms, f"{where}.{lang}", problems, allow_empty=True)
        if parsed is None:
            bad = True
        else:
            lists[lang] = parsed
    if bad:
        return None
    if required and not any(lists.values()):
        problems.append(f"{where}: a non-empty list of non-empty strings in at least one language")
        return None
    return lists


def _parse_type(
    key: str, spec: object, where: str, languages: Mapping[str, Language], problems: list[str]
) -> CrisisType | None:
    before = len(problems)
    if not _TYPE_KEY.fullmatch(key):
        problems.append(f"{where}: key must be lower_snake_case (at most 40 characters)")
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be a table")
        return None
    for name in spec:
        if name not in _TYPE_KEYS:
            problems.append(f'{where}: unknown key "{name}" (expected {", ".join(_TYPE_KEYS)})')
    label = spec.get("label", key)
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}.label: a non-empty string")
    weight = spec.get("weight", 1)
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 3:
        problems.append(f"{where}.weight: an integer from 1 to 3")
    negative_only = spec.get("negative_only", False)
    if not isinstance(negative_only, bool):
        problems.append(f"{where}.negative_only: true or false")
    if "terms" not in spec:
        problems.append(
            f"{where}.terms: a non-empty list of non-empty strings, or a table of lists per language"
        )
        terms = None
    else:
        terms = _term_lists(spec["terms"], f"{where}.terms", languages, problems, required=True)
    exclude = _term_lists(spec.get("exclude", []), f"{where}.exclude", languages, problems, required=False)
    if len(problems) > before or terms is None or exclude is None:
        return None
    assert isinstance(label, str) and isinstance(weight, int) and isinstance(negative_only, bool)
    return CrisisType(key, label.strip(), weight, terms, exclude, negative_only)


def _parse_languages(
    value: object, origin: str, problems: list[str], known: Collection[str]
) -> dict[str, Language]:
    """The ``[languages.<code>]`` tables; `known` are the codes an ``also_read`` may name."""
    if not isinstance(value, dict):
        problems.append(f"{origin}: languages: a table of [languages.<code>] tables")
        return {}
    parsed: dict[str, Language] = {}
    for code, spec in value.items():
        where = f"{origin}: languages.{code}"
        before = len(problems)
        if not _LANGUAGE_CODE.fullmatch(code):
            problems.append(
                f"{where}: the code must be a language tag of 2 or 3 lower-case letters (en, de, gsw)"
            )
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be a table")
            continue
        for name in spec:
            if name not in _LANGUAGE_KEYS:
                problems.append(f'{where}: unknown key "{name}" (expected {", ".join(_LANGUAGE_KEYS)})')
        name = spec.get("name", code)
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name: a non-empty string")
        compounds = spec.get("compounds", False)
        if not isinstance(compounds, bool):
            problems.append(f"{where}.compounds: true or false")
        lists = _language_lists(spec, where, problems, known)
        if len(problems) == before:
            assert isinstance(name, str)
            parsed[code] = Language(
                code,
                name.strip(),
                lists["negations"],
                lists["negation_exceptions"],
                lists["denials"],
                lists["clause_breaks"],
                lists["also_read"],
                bool(compounds),
            )
    return parsed


def _language_lists(
    spec: Mapping[str, object], where: str, problems: list[str], known: Collection[str]
) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {}
    for list_name in _LANGUAGE_LISTS:
        items = _terms_problems(spec.get(list_name, []), f"{where}.{list_name}", problems, allow_empty=True)
        if items is None:
            continue
        for index, item in enumerate(items):
            if list_name == "clause_breaks" and len(_tokens(item)) != 1:
                problems.append(f"{where}.{list_name}[{index}] {item!r}: one word")
            if list_name == "negations" and _GAP_MARK in _tokens(item):
                problems.append(f"{where}.{list_name}[{index}] {item!r}: no `...` in a negation")
            if list_name == "also_read" and item not in known:
                known_codes = ", ".join(sorted(known))
                problems.append(
                    f"{where}.also_read[{index}] {item!r}: no such language (known: {known_codes})"
                )
        lists[list_name] = items
    return lists


def load_taxonomy(path: str) -> Taxonomy:
    """A taxonomy file of a team's own, refused with a clear error when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return Taxonomy.from_toml(handle.read(), path)
    except OSError as error:
        raise TaxonomyError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise TaxonomyError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _packaged_text() -> str:
    return resources.files(__package__).joinpath("crisis_types.toml").read_text(encoding="utf-8")


@cache
def _packaged_languages() -> tuple[Language, ...]:
    problems: list[str] = []
    data = tomllib.loads(_packaged_text())
    declared = data.get("languages", {})
    languages = _parse_languages(declared, "crisis_types.toml", problems, set(declared))
    if problems:
        raise TaxonomyError(problems)
    return tuple(languages.values())


@cache
def default_taxonomy() -> Taxonomy:
    return Taxonomy.from_toml(_packaged_text(), "crisis_types.toml")
