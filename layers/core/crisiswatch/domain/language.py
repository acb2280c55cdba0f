"""Can VADER read this text? VADER's lexicon is English: anything else must be scored as unknown."""

from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@[\w.]+")
_LATIN_WORD = re.compile(r"[a-zA-Z][a-zA-Z']*")
_EMOTICON = re.compile(r"(?:[:;=8][-'^o]?[()\[\]dDpP/\\|*3@$]|<3|\^_\^|\bxD\b)")
"""ASCII emoticons, which VADER's lexicon reads (":)", ":'(", "<3"); emoji it does not."""
_ENGLISH_LANGS = frozenset({"en"})
_UNKNOWN_LANGS = frozenset({"", "und", "unknown", "zxx", "mul"})

# The commonest English function words: nearly every English sentence of five words or more holds one,
# and few sentences in other Latin-script languages hold several.
_FUNCTION_WORDS_TEXT = """
the a an and or but of to in on at for with from by is are was were be been am i you he she it we
they my your his her its our their this that these those not no so if as do does did have has had
will would can could just me him them what who how why when there here all about up out
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
MIN_WORDS_TO_JUDGE = 5
"""Shorter texts ("Acme latte ftw") carry too few words to tell a language: they are read as English."""
MIN_FUNCTION_WORD_SHARE = 0.12


def readable_text(text: str) -> str:
    """The text without links and @handles (hashtags stay: "#love" carries tone)."""
    return " ".join(_HANDLE.sub(" ", _URL.sub(" ", text)).split())


def is_english(text: str, lang: str) -> bool:
    """Whether `text`, tagged `lang` by its source ("und" when it does not say), is English to read.

    A source's tag is trusted; an untagged text is judged by its words. Text with no letters at all
    (only links, handles or emoji) is not readable, unless it holds ASCII emoticons.
    """
    base = lang.lower().split("-")[0].split("_")[0]
    if base not in _ENGLISH_LANGS and base not in _UNKNOWN_LANGS:
        return False
    rest = readable_text(text)
    letters = [char for char in rest if char.isalpha()]
    if not letters:
        return bool(_EMOTICON.search(rest))
    latin = sum(1 for char in letters if char.isascii())
    if latin / len(letters) < 0.7:
        return False  # mostly another script (Cyrillic, CJK, Arabic, accented-heavy text)
    if base in _ENGLISH_LANGS:
        return True
    words = [word.lower() for word in _LATIN_WORD.findall(rest)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return True
    return sum(word in _FUNCTION_WORDS for word in words) / len(words) >= MIN_FUNCTION_WORD_SHARE
