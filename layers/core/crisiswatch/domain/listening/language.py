"""Which language a mention is in: the source's tag when it has one, else its text identified.

The identification itself is a port (`LanguageIdentifier`; fastText's model in `adapters/language.py`):
this module holds the rules around it and no library.

* A source's tag is normalised ("de-DE", "en_US", "zh-Hant", "deu" -> "de", "en", "zh", "de"); the
  pseudo-tags that say "no language" ("und", "zxx", "mul", X's "qme"/"qht"...) mean untagged. A list of
  tags (Bluesky's `langs`, stored as "de,en") narrows the choice to those languages.
* A text with no letters once links, @handles, digits, punctuation and emoji are set aside has no
  language: "und", whatever its tag (ASCII emoticons stay readable: see `scoring.py`).
* A tag wins, unless the text is long enough to judge (`MIN_LETTERS_TO_OVERRIDE`) and the identifier is
  sure (`OVERRIDE_CONFIDENCE`) of another language: Mastodon and Bluesky tag a post with the author's
  default posting language, so German posts tagged "en" are common, and English VADER reads the German
  articles "die" and "war" as strongly negative words. The tag is kept beside the language (`lang_tag`).
* An untagged text is identified, with the brand's languages (the watchlist's `languages`, else
  `DEFAULT_LANGUAGES`) weighted `PRIOR_WEIGHT` times: they are far likelier than the model's uniform
  prior over 176 languages assumes, and short informal posts are where the model errs.
* Too few letters to judge (`MIN_LETTERS_TO_JUDGE`, Latin script): one of the brand's languages, the
  one the model rates highest if it leads clearly (`CLEAR_LEAD`); on a near-tie, or when it rates none of
  them, the text holds no evidence between them and the model's base rate decides (its answer for no
  words at all), not the order the brand lists them in. Other scripts are identified whatever their
  length (the script itself says much, and the brand's languages would be a worse guess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from .mentions import Mention

UNDETERMINED = "und"
DEFAULT_LANGUAGES = ("de", "en")
"""The prior when a brand names no languages: CrisisWatch watches German-speaking brands."""
PRIOR_WEIGHT = 10.0
"""How much likelier than the model says a brand's own language is (measured: `python -m bench.language`)."""
MIN_LETTERS_TO_JUDGE = 15
"""Below this many letters of Latin script ("Danke!", "lol", "Not okay") the model guesses: the brand's
languages decide."""
CLEAR_LEAD = 2.0
"""On a post too short to judge, the model's ranking of the brand's languages counts when its leader is
rated at least this many times the next one. Closer, or none of them rated, the model's base rate decides:
for a brand of ["de", "en"], short English ("fun!!", "good grief", "meh") was read as German, by a margin
of under 2 or because the brand lists German first (measured: `python -m bench.language`, and r of the
untagged tweets in `python -m bench.sentiment`)."""
MIN_LETTERS_TO_OVERRIDE = 20
OVERRIDE_CONFIDENCE = 0.9
"""A tag is overruled only by a guess this sure, on a text this long; on VADER's 4,200 English tweets
tagged "en" this overrules 4: a Turkish, a Dutch and a Spanish one, and one English check-in read as
German ("Coffee with Sie-bear :) (@anonymous Westfield Tuggerah w/ 2 others)")."""
MAX_IDENTIFIED_CHARS = 1_000
"""The language of a long article shows in its first thousand characters; the rest costs time only."""

_NO_LANGUAGE_TAGS = frozenset({"", UNDETERMINED, "zxx", "mul", "mis", "unknown", "art"})
_TAG = re.compile(r"[a-z]{2,3}")
_ALIASES = {
    # ISO 639-2/3 and retired codes to ISO 639-1, for the languages CrisisWatch is likely to see.
    "deu": "de", "ger": "de", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "nld": "nl", "dut": "nl", "tur": "tr", "pol": "pl", "por": "pt", "rus": "ru", "ukr": "uk",
    "ara": "ar", "heb": "he", "iw": "he", "ell": "el", "gre": "el", "jpn": "ja", "zho": "zh",
    "chi": "zh", "kor": "ko", "swe": "sv", "dan": "da", "nor": "no", "nob": "no", "nno": "no",
    "nb": "no", "nn": "no", "fin": "fi", "ces": "cs", "cze": "cs", "hun": "hu", "ron": "ro",
    "rum": "ro", "in": "id", "ind": "id", "ji": "yi",
    # German as written in Switzerland and Bavaria/Austria: the German analyzer is their best reader.
    "gsw": "de", "als": "de", "bar": "de",
}  # fmt: skip

_LINK_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@[\w.]*", re.IGNORECASE)
_NOT_A_LETTER = re.compile(r"[^\w'’]+|[\d_]+")
"""Digits, punctuation, "#", emoji, symbols, zero-width characters: between words (apostrophes stay:
"don't" reads as English)."""
_HASHTAG = re.compile(r"#\w+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff’]")
_CAPS = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")
_URL_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@[\w.]+", re.IGNORECASE)


class LanguageIdentifier(Protocol):
    def guesses(self, text: str) -> Sequence[tuple[str, float]]:
        """Languages of `text` (one line of words) with their probabilities, likeliest first, as ISO 639
        codes; nothing when it cannot tell. May raise: the rules below treat a failure as no guess."""
        ...


class Evidence(StrEnum):
    TAG = "tag"
    """The source's tag."""
    OVERRULED = "overruled"
    """Tagged, but the text is confidently another language."""
    IDENTIFIED = "identified"
    PRIOR = "prior"
    """Too few letters to judge: the brand's language."""
    NO_WORDS = "no_words"
    """No letters at all (emoji, links, handles, numbers): no language."""
    UNKNOWN = "unknown"
    """Untagged and nothing to identify it with."""


@dataclass(frozen=True)
class LanguageDecision:
    lang: str
    """ISO 639-1 code (639-3 where there is none), or "und"."""
    evidence: Evidence


def normalise_tag(tag: str) -> tuple[str, ...]:
    """A source's language tag as base codes: "de-DE" -> ("de",), "en_US,de" -> ("en", "de"); () when it
    names no language."""
    return _normalise_tag(tag[:200].lower())


@lru_cache(maxsize=512)
def _normalise_tag(tag: str) -> tuple[str, ...]:
    codes: list[str] = []
    for part in re.split(r"[,;\s]+", tag):
        base = part.replace("_", "-").split("-", 1)[0].strip()
        if base in _NO_LANGUAGE_TAGS or not _TAG.fullmatch(base) or "qaa" <= base <= "qtz":
            continue  # qaa-qtz: private use (X's "qme" media only, "qht" hashtags only...)
        code = _ALIASES.get(base, base)
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def primary_language(tag: str) -> str:
    """The tag's (first) language, or "und"."""
    codes = normalise_tag(tag)
    return codes[0] if codes else UNDETERMINED


def languages_prior(languages: Iterable[str]) -> tuple[str, ...]:
    """A brand's languages (the watchlist's `languages`) as a prior; the default when it names none."""
    prior: list[str] = []
    for language in languages:
        for code in normalise_tag(language):
            if code not in prior:
                prior.append(code)
    return tuple(prior) or DEFAULT_LANGUAGES


def readable_text(text: str) -> str:
    """The text without links and @handles (hashtags stay: "#love" carries tone)."""
    return " ".join(_URL_OR_HANDLE.sub(" ", text).split())


def has_letters(text: str) -> bool:
    """Whether any letter is left once links and @handles are set aside."""
    if not _LETTER.search(text):
        return False
    if "@" in text or "http" in text or "www." in text or "WWW." in text or "HTTP" in text:
        return bool(_LETTER.search(_URL_OR_HANDLE.sub(" ", text)))
    return True


def words_for_identification(text: str) -> str:
    """The words of (the start of) a text, as the identifier reads them: one line, no links, handles,
    digits, punctuation or emoji; words in capitals lowered ("STOP SMOKING" reads as Hungarian to the
    model, "stop smoking" as English). Empty when no letter is left, or only hashtags ("#acme #fail"
    names things; it says no language)."""
    text = text[:MAX_IDENTIFIED_CHARS]
    if "@" in text or "/" in text or "www" in text or "WWW" in text:
        text = _LINK_OR_HANDLE.sub(" ", text)
    if "#" in text and not _LETTER.search(_HASHTAG.sub(" ", text)):
        return ""
    line = _NOT_A_LETTER.sub(" ", text).strip()
    if "  " in line:  # "Köln, 3x": a digit next to punctuation leaves two spaces
        line = " ".join(line.split())
    if _CAPS.search(line):
        line = " ".join(word.lower() if len(word) > 1 and word.isupper() else word for word in line.split())
    return line if _LETTER.search(line) else ""


_BASES: dict[str, str] = {}
"""Model label -> base language ("als" -> "de"), filled as labels are met (fastText has 176)."""


def _base(code: str) -> str:
    base = _BASES.get(code)
    if base is None:
        base = primary_language(code)
        if len(_BASES) < 1_000:
            _BASES[code] = base
    return base


def _guesses(identifier: LanguageIdentifier, line: str) -> dict[str, float]:
    try:
        merged: dict[str, float] = {}
        for code, probability in identifier.guesses(line):
            base = _base(code) if isinstance(code, str) else UNDETERMINED
            if base != UNDETERMINED:
                merged[base] = merged.get(base, 0.0) + float(probability)
        return merged
    except Exception:  # a model that fails on one text must not fail a batch: no guess
        return {}


def _is_latin(line: str) -> bool:
    if not _NON_LATIN.search(line):
        return True
    letters = len(line) - line.count(" ")
    return len(_NON_LATIN.findall(line)) * 2 < letters


def _short_post_language(
    guesses: dict[str, float], likely: Sequence[str], identifier: LanguageIdentifier
) -> str:
    """The brand's language for a post too short to judge: the one the model rates highest when it leads
    clearly; else, among those it rates nearly as high (or all, when it rates none), the likeliest by the
    model's base rate, the brand's order breaking an exact tie."""
    ranked = sorted(likely, key=lambda code: guesses.get(code, 0.0), reverse=True)  # stable: brand order
    best = guesses.get(ranked[0], 0.0)
    contenders = [code for code in ranked if guesses.get(code, 0.0) * CLEAR_LEAD > best] if best else ranked
    if len(contenders) == 1:
        return contenders[0]
    base_rate = _guesses(identifier, "")  # the model's answer when it has no words to go on
    return max(contenders, key=lambda code: base_rate.get(code, 0.0))


def resolve_language(
    text: str,
    tag: str,
    identifier: LanguageIdentifier | None,
    prior: Sequence[str] = DEFAULT_LANGUAGES,
) -> LanguageDecision:
    """The language to store and read `text` in, by the rules in this module's docstring."""
    tags = normalise_tag(tag)
    line = words_for_identification(text)
    if not line:
        return LanguageDecision(UNDETERMINED, Evidence.NO_WORDS)
    if len(tags) == 1:
        if identifier is None:
            return LanguageDecision(tags[0], Evidence.TAG)
        letters = len(line) - line.count(" ")
        if letters >= MIN_LETTERS_TO_OVERRIDE:
            guesses = _guesses(identifier, line)
            best = max(guesses, key=guesses.__getitem__, default=tags[0])
            if best != tags[0] and guesses[best] >= OVERRIDE_CONFIDENCE:
                return LanguageDecision(best, Evidence.OVERRULED)
        return LanguageDecision(tags[0], Evidence.TAG)
    if identifier is None:
        return LanguageDecision(tags[0] if tags else UNDETERMINED, Evidence.UNKNOWN)
    # Several tags (Bluesky's `langs`) narrow the choice to them; none leaves the brand's languages.
    likely = tags or tuple(prior) or DEFAULT_LANGUAGES
    guesses = _guesses(identifier, line)
    if not guesses:
        return LanguageDecision(UNDETERMINED, Evidence.UNKNOWN)
    latin = _is_latin(line)
    if latin and len(line) - line.count(" ") < MIN_LETTERS_TO_JUDGE:
        return LanguageDecision(_short_post_language(guesses, likely, identifier), Evidence.PRIOR)
    if not latin:
        return LanguageDecision(max(guesses, key=guesses.__getitem__), Evidence.IDENTIFIED)
    best = max(guesses, key=lambda code: guesses[code] * (PRIOR_WEIGHT if code in likely else 1.0))
    if tags and best not in tags and guesses[best] < OVERRIDE_CONFIDENCE:
        best = max(tags, key=lambda code: guesses.get(code, 0.0))  # the tags hold unless clearly wrong
    return LanguageDecision(best, Evidence.IDENTIFIED)


@dataclass(frozen=True)
class LanguageResolver:
    """The identifier and the languages to expect: resolves each mention's language."""

    identifier: LanguageIdentifier | None
    prior: tuple[str, ...] = DEFAULT_LANGUAGES

    def for_languages(self, languages: Iterable[str]) -> LanguageResolver:
        """The same identifier with a brand's languages as the prior."""
        return replace(self, prior=languages_prior(languages))

    def resolve(self, text: str, tag: str) -> LanguageDecision:
        try:
            return resolve_language(text, tag, self.identifier, self.prior)
        except Exception:  # an unforeseen text gets no language, never a failed batch
            return LanguageDecision(UNDETERMINED, Evidence.UNKNOWN)

    def stamp(self, mention: Mention) -> Mention:
        """The mention with its resolved language; the source's tag kept as `lang_tag` if it differs."""
        decision = self.resolve(mention.text, mention.lang)
        if decision.lang == mention.lang:
            return mention
        return replace(mention, lang=decision.lang, lang_tag=mention.lang_tag or mention.lang)
