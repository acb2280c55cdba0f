"""German sentiment with VADER's contract: a compound score in [-1, 1] from a valence lexicon and rules.

VADER's algorithm (Hutto & Gilbert 2014), written for German rather than borrowed from NLTK, whose
implementation hard-codes English: "but" as the only contrast, negators only before the word, exact
lower-case lookups. Here, per text:

1. Words, emoji and emoticons are read (`german_text`); fixed phrases of the lexicon ("zum kotzen") and
   multi-word grammar ("ein bisschen") become one token.
2. Each word takes its valence from the lexicon: its exact form, its Snowball stem (inflection), the
   negation of its base for "un-" words, the turned base of "-los"/"-frei" words ("problemlos"), the
   head of a compound ("Zugausfall": "ausfall"), or else its first part, weighted ("Traumwetter").
3. VADER's rules with German words: ALL CAPS emphasis, intensifiers and dampeners up to three words
   before, negation up to three words before in the same clause, or after the verb as German puts it
   ("Das gefällt mir nicht"), or by a negating pronoun anywhere before in the clause ("Keiner war
   freundlich"); the first contrast ("aber", "jedoch", ...) halves what came before and weighs what
   follows by 1.5; exclamation marks add emphasis (repeated question marks, VADER's other emphasis,
   do not: in German posts they mostly ask).
4. How customers talk: praise in a question is asked, not given ("Ist das WLAN gut?" counts half);
   praise in a wish counts half ("Es wäre schön, wenn ..."); praise said as an interjection in a text
   that otherwise complains is irony and gives none ("Super, der Bus fällt schon wieder aus"); praise in
   scare quotes turns ('der "tolle" Service'); a wait counted in minutes, hours, days or weeks complains
   ("seit 40 Minuten").
5. The sum is calibrated and normalised as VADER does, x / sqrt(x² + 15): beyond five words it is
   scaled by 5 / words (a long post's remarks are not one opinion), and praise counts only beyond a
   neutral band of 1.5 (faint praise, "nicht schlecht", reads neutral, as people label it). Both were
   chosen on one half of a set of German posts labelled by people (see `bench/german.py`), among the
   settings that leave plain sentences ("Das Essen war lecker.") reading as they should. With this
   calibration inside the compound, the shared thresholds (±0.05) label German as they label English.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .german_lexicon import GermanLexicon, Valence, load_german_lexicon, stem
from .german_text import (
    B_INCR,
    BOOSTERS,
    CLAUSE_INITIAL_CONTRASTS,
    CLAUSE_NEGATORS,
    COMPOUND_BOOSTERS,
    CONJUNCTIONS,
    CONTRASTS,
    DURATION_FILLERS,
    DURATION_OPENERS,
    DURATION_UNITS,
    IRONY_PRONE,
    IRREALIS,
    MULTIWORD,
    NEGATORS,
    NEVER_SENTIMENT,
    NOCH,
    NOT_NEGATING_NEXT,
    PHRASE_NEGATORS,
    QUOTED,
    SALUTATIONS,
    TRAILING_NEGATORS,
    Kind,
    Token,
    clean,
    fold,
    squeezed,
    tokenize,
)

C_INCR = 0.733
"""VADER: the step an ALL CAPS sentiment word gains when other words are not in capitals."""
ALPHA = 15.0
"""VADER's normalisation constant."""
BOOSTER_DECAY = (1.0, 0.95, 0.9)
"""VADER: a booster one, two or three words before."""
NEGATION_WINDOW = 3
EXCLAMATION_STEP, EXCLAMATION_MAX = 0.292, 4
QUESTION_STEP, QUESTION_MAX = 0.18, 0.96
COMPOUND_MIN_CHARS = 7
"""Words shorter than this are not split into compounds."""
MAX_WORD_CHARS = 40
"""Longer 'words' are not split (noise, not German)."""
MODIFIER_MIN_CHARS = 5
"""A first part carries sentiment alone only from five letters ("Traum", "Horror"): shorter ones hide
in too many words ("Stau" in "Stauraum")."""
LINKING = ("es", "s", "en", "n", "e")
"""Linking elements between a compound's parts (Verspätung-s-alarm, Katastrophe-n-fahrt)."""
_CACHE_LIMIT = 100_000


@dataclass(frozen=True)
class GermanWeights:
    """The weights a measurement may tune; the defaults are the tuned ones (see `bench/german.py`)."""

    negation: float = -0.74
    """VADER's N_SCALAR: a negated valence times this (unless the lexicon says otherwise)."""
    contrast_before: float = 0.5
    contrast_after: float = 1.5
    modifier: float = 1.0
    """A compound carried only by its first part ("Traumwetter") counts this share of that part."""
    irrealis: float = 0.5
    """Praise in a sentence with a subjunctive ("wäre", "würde", "hätte") counts this share of itself."""
    length_words: float = 5.0
    length_power: float = 1.0
    """Calibration for long texts: beyond `length_words` words the sum is scaled by (length_words /
    words) ** length_power, as the remarks of an article add up like a random walk (0.5), not like one
    opinion. length_words 0: off."""
    question: float = 0.5
    """Praise in a sentence that ends in a question mark counts this share of itself: it is asked, not
    given ("Ist das WLAN gut?"). Complaints asked as questions keep their weight ("Warum ist der Zug
    schon wieder zu spät?")."""
    irony: float = 0.0
    """Irony-prone praise ("super", "toll", "danke") in a text whose other words complain, with no
    contrast drawn, counts this share of itself ("Super, der Bus fällt schon wieder aus")."""
    quoted: float = -1.0
    """Praise in quotation marks of its own counts this share of itself: scare quotes turn it ('der
    "tolle" Service')."""
    waiting: float = -1.0
    """The valence of a wait counted in minutes, hours, days or weeks ("seit 40 Minuten")."""
    question_emphasis: float = 0.0
    """VADER's emphasis for repeated question marks counts this share (1: VADER as published). In German
    posts several question marks mostly ask ("Weiß jemand, ob ...??"); measured, they add nothing."""
    neutral_band_negative: float = 0.0
    neutral_band_positive: float = 1.5
    """Calibration: a negative (positive) sum counts only beyond this band, so a text whose words barely
    lean one way reads as neutral, as people label it. 0 is VADER as published."""


DEFAULT_WEIGHTS = GermanWeights()


@dataclass(frozen=True, slots=True)
class Reading:
    total: float
    """The sum of the valences after every rule, before calibration."""
    words: int
    """Words, emoji and emoticons read."""
    emphasis: float
    """VADER's exclamation mark emphasis."""
    asked: float = 0.0
    """VADER's emphasis for repeated question marks (weighted by `question_emphasis`)."""


@dataclass(slots=True)
class _Word:
    token: Token
    clause: int
    sentence: int
    valence: Valence | None = None
    booster: float = 0.0
    negator: bool = False
    clause_start: bool = False
    grammar: str = ""
    """The grammar word it stands for (an elongated "niiicht" is "nicht"), else ""."""
    question: bool = False
    """In a sentence that ends in a question mark."""


def _is_noun(token: Token) -> bool:
    """German writes nouns with a capital: a capitalised word that does not open a sentence and is not
    all capitals. (In a text written all in lower case, no word is taken for a noun.)"""
    text = token.text
    return token.kind is Kind.WORD and text[:1].isupper() and not text.isupper() and not token.sentence_start


class GermanSentiment:
    """`compound(text)` as the scoring function's SentimentAnalyzer; `polarity(text)` with None for text
    with nothing to read (no Latin-script word, emoji or emoticon)."""

    def __init__(self, lexicon: GermanLexicon, weights: GermanWeights = DEFAULT_WEIGHTS) -> None:
        self.lexicon = lexicon
        self.weights = weights
        self._cache: dict[str, Valence | None] = {}
        self._grammar: dict[str, str] = {}
        """The grammar word each word stands for (itself, or "nicht" for "niiicht")."""
        starts: dict[str, set[int]] = {}
        for words in (*lexicon.phrases, *MULTIWORD):
            starts.setdefault(words[0], set()).add(len(words))
        self._phrase_starts = {word: sorted(lengths, reverse=True) for word, lengths in starts.items()}
        """The first word of each phrase, with the phrase lengths to try there (longest first)."""

    @classmethod
    def from_file(
        cls, path: str | Path | None = None, weights: GermanWeights = DEFAULT_WEIGHTS
    ) -> GermanSentiment:
        """From a lexicon file (default: $GERMAN_LEXICON_FILE, else the sentiment layer's copy)."""
        return cls(load_german_lexicon(path), weights)

    def compound(self, text: str) -> float:
        value = self.polarity(text)
        return 0.0 if value is None else value

    def polarity(self, text: str) -> float | None:
        found = self.reading(text)
        return None if found is None else self.score(found)

    def reading(self, text: str) -> Reading | None:
        """The sum of the text's valences before calibration; None when nothing can be read."""
        contributions, words, (emphasis, asked) = self._read(text)
        if not words:
            return None
        return Reading(sum(value for _, value in contributions), words, emphasis, asked)

    def score(self, reading: Reading, weights: GermanWeights | None = None) -> float:
        """The compound of a reading: calibrated for length and the neutral band, normalised as VADER.
        (Other weights here change only the calibration: a tuning grid reads each text once.)"""
        chosen = weights or self.weights
        total = reading.total
        if chosen.length_words and reading.words > chosen.length_words:
            total *= (chosen.length_words / reading.words) ** chosen.length_power
        emphasis = reading.emphasis + chosen.question_emphasis * reading.asked
        if total > 0:
            total = max(0.0, total + emphasis - chosen.neutral_band_positive)
        elif total < 0:
            total = min(0.0, total - emphasis + chosen.neutral_band_negative)
        return max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA)))

    def explain(self, text: str) -> list[tuple[str, float]]:
        """What each token adds to the sum, after every rule: for people checking a score or a word."""
        return [(word, round(value, 4)) for word, value in self._read(text)[0] if value]

    # -- the algorithm ------------------------------------------------------------------------------

    def _read(self, text: str) -> tuple[list[tuple[str, float]], int, tuple[float, float]]:
        """(token, contribution) for each sentiment token, the number of words and symbols read, and
        the emphasis of exclamation and question marks."""
        words = self._words(text)
        if not any(word.valence is not None for word in words):
            return [], len(words), (0.0, 0.0)
        self._mark_negators(words)
        trailing = self._trailing_negation(words)
        pronoun = self._pronoun_negation(words)
        capitals = [w.token.text.isupper() for w in words if w.token.kind is Kind.WORD]
        cap_differs = any(capitals) and not all(capitals)
        contrast_at = self._contrast(words)
        wishes = {word.sentence for word in words if word.token.key in IRREALIS}
        weights = self.weights
        contributions: list[tuple[str, float]] = []
        irony_prone: list[int] = []
        clause_sizes = Counter(word.clause for word in words)
        for position, word in enumerate(words):
            if word.valence is None:
                continue
            if word.token.kind is Kind.SYMBOL:
                value = word.valence.value
            else:
                negated_later = trailing[position] or pronoun[position]
                value = self._word_value(words, position, word.valence, cap_differs, negated_later)
            if value > 0:
                if word.sentence in wishes:
                    value *= weights.irrealis
                if word.question:
                    value *= weights.question
                if word.token.key in IRONY_PRONE and (word.clause_start or clause_sizes[word.clause] <= 3):
                    irony_prone.append(len(contributions))
            if contrast_at is not None and position < contrast_at:
                value *= weights.contrast_before
            elif contrast_at is not None and position > contrast_at:
                value *= weights.contrast_after
            contributions.append((word.token.text, value))
        self._turn_scare_quotes(text, contributions)
        if irony_prone and contrast_at is None:
            self._read_irony(contributions, irony_prone)
        return contributions, len(words), self._emphasis(text)

    def _turn_scare_quotes(self, text: str, contributions: list[tuple[str, float]]) -> None:
        """Praise standing alone in quotation marks ('der "tolle" Service') is turned."""
        if not any(mark in text for mark in "\"„“”‚‘'»«"):
            return
        quoted = {fold(word) for found in QUOTED.findall(clean(text)) for word in found.split()}
        if not quoted:
            return
        for index, (token, value) in enumerate(contributions):
            if value > 0 and fold(token) in quoted:
                contributions[index] = (token, value * self.weights.quoted)

    def _read_irony(self, contributions: list[tuple[str, float]], irony_prone: list[int]) -> None:
        """Irony-prone praise said as an interjection (opening its clause, or a clause of its own of up to
        three words: "Super, ...", "Toll.", "..., ganz toll") in a text whose other words complain gives
        no praise. Praise said of something ("das Konzert war toll") is not taken for irony."""
        prone = set(irony_prone)
        rest = sum(value for index, (_, value) in enumerate(contributions) if index not in prone)
        if rest >= 0:
            return
        for index in irony_prone:
            token, value = contributions[index]
            if value > 0:
                contributions[index] = (token, value * self.weights.irony)

    def _words(self, text: str) -> list[_Word]:
        """Words and symbols with their clause and sentence; boundaries only move those on."""
        words: list[_Word] = []
        clause = sentence = 0
        opened = 0
        for token in self._merge(tokenize(text)):
            if token.kind is Kind.SENTENCE:
                if "?" in token.text:
                    for asked in words[opened:]:
                        asked.question = True
                opened = len(words)
                clause += 1
                sentence += 1
            elif token.kind is Kind.CLAUSE:
                clause += 1
            elif token.kind is Kind.SYMBOL:
                words.append(_Word(token, clause, sentence, self.lexicon.symbols.get(token.key)))
            else:
                key = token.key
                opens = not words or words[-1].clause != clause
                if key in CONJUNCTIONS or (key in CLAUSE_INITIAL_CONTRASTS and opens):
                    clause += 1
                words.append(self._word(_Word(token, clause, sentence, clause_start=opens)))
        self._mark_waiting(words)
        return words

    def _mark_waiting(self, words: list[_Word]) -> None:
        """A wait counted in minutes, hours, days or weeks ("seit 40 Minuten", "seit einer Stunde")
        complains: its unit takes the valence `waiting`."""
        for position, word in enumerate(words):
            if word.token.key not in DURATION_OPENERS:
                continue
            for after in words[position + 1 : position + 5]:
                if after.clause != word.clause or after.token.kind is not Kind.WORD:
                    break
                key = after.token.key
                if key in DURATION_UNITS:
                    if after.valence is None:
                        after.valence = Valence(self.weights.waiting)
                    break
                if key not in DURATION_FILLERS:
                    break

    def _word(self, word: _Word) -> _Word:
        key = word.token.key
        greets = key in SALUTATIONS and word.clause_start
        valence = None if greets else self._valence(key)
        if valence is not None and (valence.value or valence.negated is not None):
            word.valence = valence
            return word  # (a phrase of valence 0 masks its words: "mit freundlichen grüßen")
        plain = self._grammar.get(key)
        if plain is None:
            plain = key
            if key not in BOOSTERS and key not in NEGATORS:
                plain = next((s for s in squeezed(key) if s in BOOSTERS or s in NEGATORS), key)
            if len(self._grammar) >= _CACHE_LIMIT:
                self._grammar.clear()
            self._grammar[key] = plain
        word.booster = BOOSTERS.get(plain, 0.0)
        word.negator = plain in NEGATORS
        word.grammar = plain
        return word

    def _word_value(
        self, words: list[_Word], index: int, valence: Valence, cap_differs: bool, negated_later: bool
    ) -> float:
        word = words[index]
        negated = negated_later or self._negated_before(words, index)
        base = valence.value
        if negated and valence.negated is not None:
            base = valence.negated
        elif not negated and base == 0:
            return 0.0
        if cap_differs and word.token.text.isupper() and valence.value:
            base += math.copysign(C_INCR, base)  # (not for "WLAN", "ICE": abbreviations are in capitals)
        value = base
        for distance in range(1, 4):
            before = index - distance
            if before < 0 or words[before].clause != word.clause:
                break
            other = words[before]
            if other.booster and other.valence is None:
                step = other.booster if base > 0 else -other.booster
                if cap_differs and other.token.text.isupper():
                    step += math.copysign(C_INCR, base)
                value += step * BOOSTER_DECAY[distance - 1]
        if negated and valence.negated is None:
            value *= self.weights.negation
        return value

    @staticmethod
    def _mark_negators(words: list[_Word]) -> None:
        """Negators that do not negate here: "nicht nur", "nichts als"; "noch" negates after "weder"."""
        weder_in: set[int] = set()
        for position, word in enumerate(words):
            key = word.grammar
            if key == "weder":
                weder_in.add(word.sentence)
            elif key == NOCH and word.valence is None and word.sentence in weder_in:
                word.negator = True
            following = words[position + 1].grammar if position + 1 < len(words) else ""
            if word.negator and following in NOT_NEGATING_NEXT.get(key, ()):
                word.negator = False

    @staticmethod
    def _negated_before(words: list[_Word], index: int) -> bool:
        """A negator up to three words before, in the clause. "kein" and "ohne" negate their noun
        phrase only: "Ohne Probleme angekommen" does not negate "angekommen"."""
        clause = words[index].clause
        noun_between = False
        for distance in range(1, NEGATION_WINDOW + 1):
            before = index - distance
            if before < 0 or words[before].clause != clause:
                return False
            word = words[before]
            if word.negator:
                return not (noun_between and word.grammar in PHRASE_NEGATORS)
            noun_between = noun_between or _is_noun(word.token)
        return False

    @staticmethod
    def _pronoun_negation(words: list[_Word]) -> list[bool]:
        """True where a negating pronoun stands earlier in the clause ("Niemand war hilfsbereit")."""
        marks = [False] * len(words)
        active_clause = -1
        for position, word in enumerate(words):
            marks[position] = active_clause == word.clause
            if word.negator and word.grammar in CLAUSE_NEGATORS:
                active_clause = word.clause
        return marks

    @staticmethod
    def _trailing_negation(words: list[_Word]) -> list[bool]:
        """True for a verb or adjective whose clause ends in a negator with no sentiment word after it:
        "Das gefällt mir nicht", "Der Zug kommt nie". A noun there is the subject or object, not what is
        negated ("Die Verspätung stört mich nicht"): German writes nouns with a capital letter."""
        marks = [False] * len(words)
        clause = -1
        negator_after = sentiment_after = False
        for position in range(len(words) - 1, -1, -1):
            word = words[position]
            if word.clause != clause:
                clause, negator_after, sentiment_after = word.clause, False, False
            if word.valence is not None and word.token.kind is Kind.WORD:
                marks[position] = negator_after and not _is_noun(word.token)
                sentiment_after = True
            elif word.negator and word.grammar in TRAILING_NEGATORS and not sentiment_after:
                negator_after = True
        return marks

    @staticmethod
    def _contrast(words: list[_Word]) -> int | None:
        for position, word in enumerate(words):
            key = word.grammar
            if word.valence is not None:
                continue
            if key in CONTRASTS:
                return position
            opens = position == 0 or words[position - 1].clause != word.clause
            continues = position + 1 < len(words) and words[position + 1].clause == word.clause
            if key in CLAUSE_INITIAL_CONTRASTS and opens and continues:
                return position
        return None

    @staticmethod
    def _emphasis(text: str) -> tuple[float, float]:
        """VADER's emphasis of exclamation marks, and of question marks when there are several."""
        exclamations = min(text.count("!"), EXCLAMATION_MAX) * EXCLAMATION_STEP
        questions = text.count("?")
        asked = 0.0 if questions < 2 else min(questions * QUESTION_STEP, QUESTION_MAX)
        return exclamations, asked

    def _merge(self, tokens: list[Token]) -> list[Token]:
        """Fixed phrases of the lexicon and grammar words of several words become one token."""
        starts = self._phrase_starts
        merged: list[Token] = []
        position = 0
        count = len(tokens)
        while position < count:
            token = tokens[position]
            lengths = starts.get(token.key) if token.kind is Kind.WORD else None
            if lengths:
                for length in lengths:
                    window = tokens[position : position + length]
                    if len(window) < length or any(t.kind is not Kind.WORD for t in window):
                        continue
                    key = tuple(t.key for t in window)
                    if key in self.lexicon.phrases:
                        phrase = " ".join(key)
                    elif key in MULTIWORD:
                        phrase = MULTIWORD[key]
                    else:
                        continue
                    text = " ".join(t.text for t in window)
                    merged.append(Token(Kind.WORD, text, phrase, token.sentence_start))
                    position += length
                    break
                else:
                    merged.append(token)
                    position += 1
                continue
            merged.append(token)
            position += 1
        return merged

    # -- the valence of one word --------------------------------------------------------------------

    def _valence(self, key: str) -> Valence | None:
        if key in self._cache:
            return self._cache[key]
        if " " in key:
            found = self.lexicon.phrases.get(tuple(key.split(" ")))
        elif key in NEVER_SENTIMENT or "_" in key:
            found = None
        else:
            found = self._lookup(key)
            if found is None:
                for variant in squeezed(key):
                    if variant in BOOSTERS or variant in NEGATORS:
                        break
                    found = self._lookup(variant)
                    if found is not None:
                        break
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _lookup(self, key: str) -> Valence | None:
        found = self.lexicon.word(key)
        if found is not None or len(key) > MAX_WORD_CHARS:
            return found
        return self._derived(key) or self._hyphenated(key) or self._compound(key)

    def _derived(self, key: str) -> Valence | None:
        """un- turns its base ("unfreundlich"); -los turns it ("problemlos", "hoffnungslos"); -frei turns
        a negative base ("stressfrei"); -voll keeps it ("liebevoll", "qualvoll")."""
        turn = self.weights.negation
        if key.startswith("un") and len(key) >= 6:
            base = self.lexicon.word(key[2:])
            if base is not None and base.value:
                return Valence(round(base.value * turn, 3))
        root = stem(key)
        for suffix, keeps_positive, factor in (
            ("los", True, turn),
            ("frei", False, turn),
            ("voll", True, 1.0),
        ):
            if root.endswith(suffix) and len(root) - len(suffix) >= 3:
                base = self._modifier(root[: -len(suffix)], shortest=4)
                if base is not None and base.value and (keeps_positive or base.value < 0):
                    return Valence(round(base.value * factor, 3))
        return None

    def _hyphenated(self, key: str) -> Valence | None:
        parts = [part for part in key.split("-") if part]
        if len(parts) < 2:
            return None
        boost = sum(B_INCR for part in parts[:-1] if part in COMPOUND_BOOSTERS)
        head = self._lookup(parts[-1]) if parts[-1] not in COMPOUND_BOOSTERS else None
        if head is not None and head.value:
            return Valence(head.value + math.copysign(boost, head.value), head.negated)
        for part in reversed(parts[:-1]):
            if part in COMPOUND_BOOSTERS or part in BOOSTERS:
                continue
            found = self._lookup(part)
            if found is not None and found.value:
                return Valence(round(found.value * self.weights.modifier, 3))
        return head

    def _compound(self, key: str) -> Valence | None:
        """The longest head that carries sentiment decides (German compounds are right-headed);
        without one, the longest first part, weighted."""
        if len(key) < COMPOUND_MIN_CHARS or "-" in key:
            return None
        head: Valence | None = None
        for cut in range(3, len(key) - 3):
            head = self.lexicon.head(key[cut:])
            if head is not None:
                if key[:cut] in COMPOUND_BOOSTERS and head.value:
                    return Valence(head.value + math.copysign(B_INCR, head.value), head.negated)
                if head.value:
                    return head
                break  # a head that only complains when negated: a first part may still carry sentiment
        for cut in range(len(key) - 3, MODIFIER_MIN_CHARS - 1, -1):
            first = key[:cut]
            if first in COMPOUND_BOOSTERS:
                return None
            found = self._modifier(first)
            if found is not None and found.value:
                return Valence(round(found.value * self.weights.modifier, 3))
        return head

    def _modifier(self, first: str, shortest: int = MODIFIER_MIN_CHARS) -> Valence | None:
        found = self.lexicon.first_part(first)
        if found is not None:
            return found
        for linking in LINKING:
            if first.endswith(linking) and len(first) - len(linking) >= shortest:
                found = self.lexicon.first_part(first[: -len(linking)])
                if found is not None:
                    return found
        return None
