"""A statement's text before anyone approves it: tidied (line breaks, NFC, spaces, invisible characters),
refused with a typed error when it holds what could disguise it, and measured against its channel."""

from __future__ import annotations

import unicodedata
from itertools import chain, combinations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch.domain.response.statements import (
    CHANNEL_LIMITS,
    Channel,
    EmptyStatementError,
    RefusedCharacterError,
    StatementFacts,
    StatementTextError,
    StatementTooLongError,
    clean_statement,
    default_statements,
    normalise_statement,
)

SOCIAL, WEB = Channel.SOCIAL, Channel.WEB
ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)]]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
"""The flag of England: a black flag, five tag letters (g b e n g) and a cancel tag."""


# ----- tidied: what looks the same is made the same --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "published"),
    [
        ("We are on it.\r\nUpdate at 3pm.", "We are on it.\nUpdate at 3pm."),
        ("We are on it.\rUpdate at 3pm.", "We are on it.\nUpdate at 3pm."),  # a lone CR (old Macs)
        ("One\r\n\r\nTwo\rThree\nFour", "One\n\nTwo\nThree\nFour"),
        ("One\u2028Two\u2029Three\x85Four", "One\nTwo\nThree\nFour"),  # LS, PS, NEL
        ("One\vTwo\fThree", "One\nTwo\nThree"),  # Word's manual line break is a VT when pasted
        ("Sizes:\tS\tM\tL", "Sizes: S M L"),
        ("Trailing   \nspaces\u3000\u00a0\nend  ", "Trailing\nspaces\nend"),
        ("\n\n  \n One\n\n\n\n\nTwo\n \n\t\n\u3000\nThree \n \n\t\n", "One\n\nTwo\n\nThree"),
        ("  indented  \n    stays indented\t", "indented\n    stays indented"),
        ("Cafe\u0301 cre\u0300me", "Café crème"),  # NFC composes what the platform would
        ("\u212b and \u2126", "\u00c5 and \u03a9"),  # NFC singletons: ANGSTROM SIGN, OHM SIGN
        ("\ufeffPasted with a byte order mark", "Pasted with a byte order mark"),
        ("#Ac\u200bme and @ac\u2060me", "#Acme and @acme"),  # invisible, and they break tags and search
        ("Ac\u200dme\u200c Coffee", "Acme Coffee"),  # a joiner inside an English word joins nothing
        ("\u200dAcme\u200d", "Acme"),
        ("e\u200b\u0301", "\u00e9"),  # a removed space brings the accent back to its letter
    ],
)
def test_what_looks_the_same_is_made_the_same(typed: str, published: str) -> None:
    assert normalise_statement(typed) == published
    assert normalise_statement(published) == published


@pytest.mark.parametrize(
    ("joined", "inert"),
    [
        ("Sorry \U0001f469\u200d\U0001f469\u200d\U0001f467", "Sorry \u200d\U0001f469"),  # a family emoji
        ("\U0001f3f3\ufe0f\u200d\U0001f308 Pride", "\U0001f3f3\ufe0f \u200dPride"),
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "mi\u200cxaham"),  # Persian needs its ZWNJ
        ("\u0915\u094d\u200d\u0937", "k\u200dsh"),  # a Devanagari half form
        ("\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u200b\u0e04\u0e23\u0e31\u0e1a", "Hello\u200b there"),  # Thai
    ],
    ids=["emoji-family", "emoji-flag", "persian", "devanagari", "thai"],
)
def test_zero_width_characters_stay_where_they_join_and_nowhere_else(joined: str, inert: str) -> None:
    assert normalise_statement(joined) == joined
    assert not set(normalise_statement(inert)) & set(ZERO_WIDTH)


def test_tag_characters_are_kept_in_a_flag_and_refused_anywhere_else() -> None:
    assert normalise_statement(f"Go {ENGLAND}!") == f"Go {ENGLAND}!"
    with pytest.raises(RefusedCharacterError) as caught:
        normalise_statement(f"Go \U0001f3f4 {ENGLAND[1:]}")  # the same tags, hidden after a space
    assert (caught.value.code_point, caught.value.count) == (0xE0067, 6)


def test_bidi_marks_are_kept_but_embeddings_overrides_and_isolates_are_not() -> None:
    marks = "Order \u05d0\u05d1\u200f (2) and \u0627\u061c 3"  # RLM and ALM only nudge neutrals
    assert normalise_statement(marks) == marks
    with pytest.raises(RefusedCharacterError):
        normalise_statement(marks.replace("\u200f", "\u202e"))


# ----- refused: what could disguise the text, or break it on the way out ------------------------------


@pytest.mark.parametrize(
    ("typed", "code_point", "where"),
    [
        ("We are\x00 on it", 0x00, (1, 7)),
        ("We are \x1b[31mnot\x1b[0m on it", 0x1B, (1, 8)),
        ("Oops\x08\x08\x08\x08Fine", 0x08, (1, 5)),
        ("Deleted\x7f", 0x7F, (1, 8)),
        ("Line one\r\nLine two \x9b31m", 0x9B, (2, 10)),  # C1 CSI, after a CRLF counted as one break
        ("Hi\x80", 0x80, (1, 3)),
        ("Hi\x1c there", 0x1C, (1, 3)),  # str.splitlines takes it for a break; it is not one
        ("Refund: \u202e001$ \u202c", 0x202E, (1, 9)),
        ("Text \u2067hidden\u2069", 0x2067, (1, 6)),
        ("Hi \ud800", 0xD800, (1, 4)),
        ("Fine\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065", 0xE0069, (1, 5)),
        ("Note \ufff9base\ufffahidden\ufffb", 0xFFF9, (1, 6)),
    ],
)
def test_what_could_disguise_the_text_is_refused_with_where_it_is(
    typed: str, code_point: int, where: tuple[int, int]
) -> None:
    with pytest.raises(RefusedCharacterError) as caught:
        normalise_statement(typed)

    error = caught.value
    assert (error.code_point, (error.line, error.column)) == (code_point, where)
    assert f"Line {where[0]}, character {where[1]} is U+{code_point:04X}" in error.message
    assert error.message.endswith("send the text again.")
    assert chr(code_point) not in error.message  # the page names it; it never echoes it
    assert error.problems == [f"text: {error.message}"]


@pytest.mark.parametrize("char", CONTROLS + BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_but_line_breaks_and_tab_and_every_direction_control_is_refused(char: str) -> None:
    with pytest.raises(RefusedCharacterError) as caught:
        clean_statement(f"Before{char}after", SOCIAL)
    assert caught.value.code_point == ord(char)
    expected = "control character" if unicodedata.category(char) == "Cc" else "text-direction control"
    assert expected in caught.value.message


def test_a_refusal_counts_the_others_so_one_fix_is_not_followed_by_another_surprise() -> None:
    with pytest.raises(RefusedCharacterError) as caught:
        normalise_statement("a\x1b[1mb\x1b[0m \u202ec")
    assert caught.value.count == 3
    assert "and cannot be published; 2 more follow. Delete them and" in caught.value.message


def test_a_refused_character_is_refused_even_when_tidying_would_have_dropped_its_line() -> None:
    with pytest.raises(RefusedCharacterError):
        normalise_statement("Fine.\n\n\x00\n")
    with pytest.raises(RefusedCharacterError):
        normalise_statement("\u202e")


@pytest.mark.parametrize(
    "typed", ["", " ", "\r\n", "\n\t  \r\n", "\u3000\u00a0", "\ufeff", "\u200b\u200d\u2060", " \u200c \n"]
)
def test_a_text_with_nothing_to_publish_is_refused(typed: str) -> None:
    with pytest.raises(EmptyStatementError, match="The statement is empty"):
        clean_statement(typed, SOCIAL)


# ----- the channel's limit, counted as the platform counts -----------------------------------------


@pytest.mark.parametrize("channel", list(Channel))
def test_the_limit_is_counted_on_the_tidied_text_in_code_points_after_nfc(channel: Channel) -> None:
    limit = CHANNEL_LIMITS[channel]
    decomposed = "e\u0301" * limit  # twice the limit as typed, exactly the limit once composed
    assert clean_statement(decomposed, channel) == "\u00e9" * limit
    assert clean_statement("x" * limit, channel) == "x" * limit
    half = limit // 2
    with_breaks = "x" * half + "\r\n" + "x" * (limit - half - 1)  # CRLF is one line break
    assert clean_statement(with_breaks, channel) == "x" * half + "\n" + "x" * (limit - half - 1)
    assert clean_statement("\n  " + "x" * limit + "  \r\n\r\n", channel) == "x" * limit
    assert clean_statement("\U0001f600" * limit, channel) == "\U0001f600" * limit  # one code point each

    for over in ("x" * (limit + 1), "e\u0301" * (limit + 1), "x" * half + "\u200b\n" + "x" * (limit - half)):
        with pytest.raises(StatementTooLongError) as caught:
            clean_statement(over, channel)
        assert (caught.value.length, caught.value.limit, caught.value.channel) == (limit + 1, limit, channel)
        assert caught.value.message == (
            f"The statement is {limit + 1} characters; the {channel.value} channel takes at most {limit}."
        )


def test_ten_thousand_characters_are_refused_with_their_length() -> None:
    with pytest.raises(StatementTooLongError, match="10000 characters; the social channel takes at most 280"):
        clean_statement("x" * 10_000, SOCIAL)
    with pytest.raises(StatementTooLongError, match="10000 characters; the web channel takes at most 2000"):
        clean_statement("Long. " * 1666 + "More", WEB)


def test_ten_thousand_control_characters_are_refused_for_what_they_are() -> None:
    with pytest.raises(RefusedCharacterError) as caught:
        clean_statement("\x00" * 10_000, WEB)
    assert caught.value.count == 10_000


# ----- pre-approved drafts and revisions -------------------------------------------------------------


def test_every_pre_approved_draft_is_already_tidy_so_publishing_changes_nothing_of_it() -> None:
    types = [t.key for t in default_taxonomy().types]
    subsets = chain.from_iterable(combinations(types, size) for size in range(3))
    for subset in subsets:
        for draft in default_statements().drafts_for(StatementFacts("Acme\tCoffee", subset)):
            assert clean_statement(draft.text, draft.channel) == draft.text.replace("\t", " ")


def test_a_revision_is_stored_tidied() -> None:
    draft = default_statements().drafts_for(StatementFacts("Acme", ()))[0]

    revised = draft.revised("  We hear you.\r\n\r\n\r\nMore at 3pm.\t \r\n", "sam@acme.test")

    assert revised.text == "We hear you.\n\nMore at 3pm."
    with pytest.raises(RefusedCharacterError):
        draft.revised("We hear you.\x1b[2J", "sam@acme.test")


# ----- properties ------------------------------------------------------------------------------------

HOSTILE = (
    "\r\n\t\x00\x1b\x7f\x85\x9b\v\f\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u202e\u2067\u200f \u00a0\u3000"
    "ae\u0301\u0300\u0344\u212a\u1fef\u037e\u00e9\u0627\u0645\U0001f469\ufe0f\U0001f3f4\U000e0067\U000e007f"
    "\ufff9"
)
texts = st.text(st.one_of(st.sampled_from(HOSTILE), st.characters(codec="utf-8")), max_size=400)
REFUSED_CATEGORY = {"Cc", "Cs"}


def refused_characters(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) in REFUSED_CATEGORY and c != "\n"} | (
        set(text) & {*BIDI, "\ufff9", "\ufffa", "\ufffb"}
    )


@settings(max_examples=400, deadline=None, database=None)
@given(texts)
@example("e\u200d\u0301")
@example("\u212a\u200d\U0001f600")
@example("\u00e9\u200d\u3000\n")
@example("a \u200d")
@example(" \u0301x")
@example("\u2000x\u2001")
def test_tidying_is_idempotent_and_leaves_nothing_it_refuses_or_removes(text: str) -> None:
    try:
        clean = normalise_statement(text)
    except RefusedCharacterError as error:
        assert chr(error.code_point) in text.replace("\r\n", "\n")
        return
    except EmptyStatementError:
        assert not "".join(c for c in text if c not in ZERO_WIDTH + "\ufeff").strip()
        return

    assert normalise_statement(clean) == clean
    assert clean and clean == clean.strip()
    assert unicodedata.is_normalized("NFC", clean)
    assert not refused_characters(clean)
    assert not set(clean) & set("\r\t\v\f\x85\u2028\u2029\ufeff")
    assert "\n\n\n" not in clean
    assert all(line == line.rstrip() for line in clean.split("\n"))
    for index, char in enumerate(clean):
        if char in ZERO_WIDTH:  # only between characters that can need joining
            neighbours = clean[index - 1], clean[index + 1]
            assert all(ord(n) > 0x7F and not n.isspace() for n in neighbours), (index, clean)


@settings(max_examples=300, deadline=None, database=None)
@given(texts, st.sampled_from(list(Channel)))
@example("x" * 281, SOCIAL)
@example("e\u0301" * 280, SOCIAL)
def test_a_clean_statement_never_exceeds_its_channel_and_refusals_are_typed(
    text: str, channel: Channel
) -> None:
    try:
        clean = clean_statement(text, channel)
    except StatementTextError:
        return
    assert 0 < len(clean) <= CHANNEL_LIMITS[channel]
    assert clean_statement(clean, channel) == clean
    assert not refused_characters(clean) and "\r" not in clean
