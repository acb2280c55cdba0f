"""Which texts VADER may read: English, tagged or not; nothing else."""

from __future__ import annotations

import pytest

from crisiswatch.domain.language import is_english, readable_text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Acme latte ftw", "und"),
        ("The new Acme store is open and the coffee is great", "und"),
        ("this is not what I ordered from Acme at all", ""),
        ("Schöne Grüße", "en"),
        ("Acme is fine", "en-GB"),
    ],
)
def test_english_is_read(text: str, lang: str) -> None:
    assert is_english(text, lang) is True


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The Acme coffee is great", "de"),
        ("El café de Acme estaba frío y el servicio fue muy lento hoy", "und"),
        ("Der Kaffee von Acme war heute kalt und der Service sehr langsam", "und"),
        ("アクメのコーヒーは最高です", "und"),
        ("😡😡😡", "und"),
        ("https://example.com/x", "en"),
        ("@acme @acme_help", "und"),
        ("", "en"),
    ],
)
def test_other_languages_and_wordless_text_are_not(text: str, lang: str) -> None:
    assert is_english(text, lang) is False


def test_readable_text_drops_links_and_handles_but_keeps_hashtags() -> None:
    assert readable_text("@acme love it #best https://a.example/x www.b.example") == "love it #best"
