"""Crisis types: which kind of crisis a mention points to, with negation handled.

The taxonomy is data (``crisis_types.toml`` beside this module, or any file in the same format), so a
team can add its own words without touching code. Matching is deliberately transparent: a person can
read why a mention was tagged, which matters more in an alert than a few points of recall.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .errors import CrisisWatchError

NEGATION_WINDOW = 3
"""Words before a term that may negate it: "no recall", "not a data breach", "never been hacked"."""

POSITIVE_COMPOUND = 0.05
"""VADER's convention: a compound score at or above 0.05 is positive."""

_NEGATIONS_TEXT = """
no not never without nothing none nor neither hardly barely isnt wasnt arent werent dont doesnt
didnt cant cannot couldnt wont wouldnt shouldnt hasnt havent hadnt aint nobody
"""
_NEGATIONS = frozenset(_NEGATIONS_TEXT.split())
_DENIALS = re.compile(
    r"^\W*(?:\w+\W+){0,4}?(?:is|was|are|were|'s|’s)\s+(?:fake|false|a hoax|untrue|not true|debunked|bs|"
    r"nonsense|made up)\b"
)
"""A denial after the term, in its clause: "the recall story is fake", "that breach rumour was false"."""
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]|\bbut\b|\bhowever\b")
_WORD = re.compile(r"[#\w][\w'’-]*")
_APOSTROPHE = re.compile(r"['’]")
_WHOLE_WORDS = r"(?<![\w])#?(?:{})(?![\w])"
"""Terms match whole words; a hashtag counts as the word ("#BoycottAcme": "boycott*" matches it)."""


class TaxonomyError(CrisisWatchError):
    """The taxonomy file is malformed; the message says where."""


@dataclass(frozen=True)
class CrisisType:
    key: str
    label: str
    weight: int
    terms: str
    """The alternation of the type's term regexes, without word boundaries."""
    exclude: re.Pattern[str] | None
    negative_only: bool = False


@dataclass(frozen=True)
class CrisisMatch:
    crisis_type: str
    term: str
    negated: bool


def _term_regex(term: str) -> str:
    words = []
    for word in term.lower().split():
        if word == "*":
            words.append(r"[\w'’-]+")
        elif word.endswith("*"):
            words.append(re.escape(word[:-1]) + r"[\w'’-]*")
        else:
            words.append(re.escape(word))
    return r"\s+".join(words)


def _compile(terms: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({term.strip() for term in terms if term.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(_WHOLE_WORDS.format("|".join(_term_regex(term) for term in ordered)))


class Taxonomy:
    def __init__(self, types: Iterable[CrisisType]) -> None:
        self.types = tuple(types)
        self.weights = {crisis_type.key: crisis_type.weight for crisis_type in self.types}
        self._by_key = {crisis_type.key: crisis_type for crisis_type in self.types}
        # A term listed under several types ("glass in" is a product failure and a safety issue) is
        # found once by the scanner, under the first; these tell which other types claim it too.
        self._whole_term = {
            crisis_type.key: re.compile(rf"#?(?:{crisis_type.terms})") for crisis_type in self.types
        }
        # One scan for every type (named groups) is four times faster than a scan per type; a term
        # hidden inside a longer term of another type is the price, and rare.
        self._scanner = re.compile(
            _WHOLE_WORDS.format(
                "|".join(f"(?P<{crisis_type.key}>{crisis_type.terms})" for crisis_type in self.types)
            )
        )

    @classmethod
    def from_toml(cls, text: str, origin: str = "taxonomy") -> Taxonomy:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise TaxonomyError(f"{origin}: not valid TOML: {error}") from error
        return cls.from_dict(data, origin)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "taxonomy") -> Taxonomy:
        types = data.get("types")
        if not isinstance(types, dict) or not types:
            raise TaxonomyError(f"{origin}: needs a [types.<key>] table per crisis type")
        problems: list[str] = []
        built: list[CrisisType] = []
        for key, spec in types.items():
            where = f"{origin}: types.{key}"
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
                problems.append(f"{where}: key must be lower_snake_case (at most 40 characters)")
                continue
            if not isinstance(spec, dict):
                problems.append(f"{where}: must be a table")
                continue
            terms, exclude = spec.get("terms"), spec.get("exclude", [])
            weight = spec.get("weight", 1)
            negative_only = spec.get("negative_only", False)
            if (
                not isinstance(terms, list)
                or not terms
                or not all(isinstance(t, str) and t.strip() for t in terms)
            ):
                problems.append(f"{where}.terms: a non-empty list of non-empty strings")
                continue
            if not isinstance(exclude, list) or not all(isinstance(t, str) for t in exclude):
                problems.append(f"{where}.exclude: a list of strings")
                continue
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 3:
                problems.append(f"{where}.weight: an integer from 1 to 3")
                continue
            if not isinstance(negative_only, bool):
                problems.append(f"{where}.negative_only: true or false")
                continue
            alternation = "|".join(_term_regex(term) for term in sorted(set(terms), key=len, reverse=True))
            label = str(spec.get("label", key))
            built.append(CrisisType(key, label, weight, alternation, _compile(exclude), negative_only))
        if problems:
            raise TaxonomyError("; ".join(problems))
        return cls(built)

    def matches(self, text: str) -> list[CrisisMatch]:
        """Every term found, in text order, each marked negated or not."""
        lowered = text.lower()
        found: list[CrisisMatch] = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        for match in self._scanner.finditer(lowered):
            key = match.lastgroup
            assert key is not None  # every alternative is a named group
            if key not in excluded:
                excluded[key] = _spans(self._by_key[key].exclude, lowered)
            if any(start <= match.start() < end for start, end in excluded[key]):
                continue
            negated = _negated(lowered, match.start(), match.end())
            term = match.group(0)
            for crisis_type in self.types:
                if crisis_type.key == key or self._whole_term[crisis_type.key].fullmatch(term):
                    found.append(CrisisMatch(crisis_type.key, term, negated))
        return found

    def classify(self, text: str, sentiment: float | None = None) -> tuple[str, ...]:
        """The crisis types a text points to, in taxonomy order.

        Negated terms do not count; nor do `negative_only` types when `sentiment` (VADER compound) is
        positive.
        """
        hit = {match.crisis_type for match in self.matches(text) if not match.negated}
        positive = sentiment is not None and sentiment >= POSITIVE_COMPOUND
        return tuple(
            crisis_type.key
            for crisis_type in self.types
            if crisis_type.key in hit and not (positive and crisis_type.negative_only)
        )


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, int]]:
    return [] if pattern is None else [match.span() for match in pattern.finditer(text)]


def _negated(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 80) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    words = [_APOSTROPHE.sub("", word) for word in _WORD.findall(before)][-NEGATION_WINDOW:]
    if any(word in _NEGATIONS for word in words):
        return True
    after = text[end : end + 80]
    cut = _CLAUSE_BREAK.search(after)
    return bool(_DENIALS.match(after[: cut.start()] if cut else after))


def load_taxonomy(path: str) -> Taxonomy:
    """A taxonomy file of a team's own, refused with a clear error when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return Taxonomy.from_toml(handle.read(), path)
    except OSError as error:
        raise TaxonomyError(f"{path}: cannot be read ({error.strerror})") from None


@cache
def default_taxonomy() -> Taxonomy:
    text = resources.files(__package__).joinpath("crisis_types.toml").read_text(encoding="utf-8")
    return Taxonomy.from_toml(text, "crisis_types.toml")
