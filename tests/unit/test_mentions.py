"""Normalising mentions: every kind of bad input becomes an `InvalidMentionError` with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import (
    MAX_TEXT_CHARS,
    mention_from_dict,
    mention_from_json_line,
    mention_to_dict,
)

VALID: dict[str, Any] = {
    "source": "social",
    "id": "1793550198",
    "created_at": "2024-05-23T12:06:02Z",
    "author": "maria_k",
    "author_followers": 1840,
    "text": "@acmecoffee my latte had glass in it",
    "url": "https://social.example.com/1793550198",
    "lang": "en",
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**VALID, **changes}


def reason_of(payload: Any) -> str:
    with pytest.raises(InvalidMentionError) as caught:
        mention_from_dict(payload, "Acme Coffee")
    return caught.value.reason


def test_a_valid_mention_is_normalised() -> None:
    mention = mention_from_dict(VALID, "Acme Coffee")

    assert mention.mention_id == "social#1793550198"
    assert mention.brand == "Acme Coffee"
    assert mention.created_at == datetime(2024, 5, 23, 12, 6, 2, tzinfo=UTC)
    assert mention.author_followers == 1840
    assert mention.extra == {}


def test_the_replay_format_round_trips() -> None:
    mention = mention_from_dict(with_(thread="t-1"), "Acme Coffee")

    assert mention_from_dict(mention_to_dict(mention), "Acme Coffee") == mention


@pytest.mark.parametrize("line", ["", "not json", "{'single': 'quotes'}", '{"source": "social",', "[" * 5000])
def test_a_line_that_is_not_json_is_rejected(line: str) -> None:
    with pytest.raises(InvalidMentionError) as caught:
        mention_from_json_line(line, "Acme Coffee")
    assert "JSON" in caught.value.reason


def test_deeply_nested_json_is_rejected_not_a_crash() -> None:
    # json.loads raises RecursionError here, which must not escape as an unexpected exception.
    with pytest.raises(InvalidMentionError):
        mention_from_json_line("[" * 100_000, "Acme Coffee")


@pytest.mark.parametrize("payload", [[], [VALID], "text", 42, None, True])
def test_a_payload_that_is_not_an_object_is_rejected(payload: Any) -> None:
    assert "JSON object" in reason_of(payload)


def test_a_json_array_line_is_rejected() -> None:
    with pytest.raises(InvalidMentionError, match="JSON object"):
        mention_from_json_line(json.dumps([VALID]), "Acme Coffee")


@pytest.mark.parametrize("field", ["source", "id", "created_at", "text"])
@pytest.mark.parametrize("absent", ["missing", None, ""])
def test_each_required_field_must_be_present(field: str, absent: str | None) -> None:
    payload = dict(VALID)
    if absent == "missing":
        del payload[field]
    else:
        payload[field] = absent

    assert field in reason_of(payload)


def test_every_missing_field_is_named_at_once() -> None:
    reason = reason_of({"author": "x"})
    for field in ("source", "id", "created_at", "text"):
        assert field in reason


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", 42),
        ("text", ["a", "b"]),
        ("text", {"body": "x"}),
        ("source", ["social"]),
        ("id", {"n": 1}),
        ("created_at", ["2024-05-23"]),
        ("author", {"name": "x"}),
        ("url", ["https://x"]),
        ("lang", {"code": "en"}),
    ],
)
def test_wrong_types_are_rejected_with_the_field_named(field: str, value: Any) -> None:
    assert field in reason_of(with_(**{field: value}))


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01T00:00:00Z", "2024-05-23 25:00", "1716465600", "", "T12:00"]
)
def test_an_invalid_iso_date_is_rejected(value: str) -> None:
    payload = with_(created_at=value)
    assert "created_at" in reason_of(payload)


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_that_overflows_utc_is_rejected_not_a_crash(value: str) -> None:
    assert "created_at" in reason_of(with_(created_at=value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-23T14:06:02+02:00", datetime(2024, 5, 23, 12, 6, 2, tzinfo=UTC)),
        ("2024-05-23T12:06:02", datetime(2024, 5, 23, 12, 6, 2, tzinfo=UTC)),
        ("2024-05-23T12:06:02.123456z", datetime(2024, 5, 23, 12, 6, 2, 123456, tzinfo=UTC)),
    ],
)
def test_offsets_and_naive_times_become_utc(value: str, expected: datetime) -> None:
    assert mention_from_dict(with_(created_at=value), "b").created_at == expected


def test_html_is_stripped_and_entities_decoded() -> None:
    text = "<p>Acme&nbsp;Coffee <b>recall</b>:</p>\n\n<script>alert('x')</script> glass &amp; metal"
    mention = mention_from_dict(with_(text=text), "b")

    assert "<" not in mention.text
    assert mention.text == "Acme Coffee recall : alert('x') glass & metal"


def test_a_100_kb_text_is_truncated_and_flagged() -> None:
    mention = mention_from_dict(with_(text="boycott acme " * 8_000), "b")  # ~104 kB

    assert len(mention.text) == MAX_TEXT_CHARS
    assert mention.extra["text_truncated"] is True


def test_a_short_text_is_not_flagged() -> None:
    assert "text_truncated" not in mention_from_dict(VALID, "b").extra


def test_emoji_survive_intact() -> None:
    text = "Acme Coffee 😡☕️ never again 👎🏽 #boycott"
    assert mention_from_dict(with_(text=text), "b").text == text


@pytest.mark.parametrize(("value", "expected"), [(-5, 0), ("-12", 0), ("250", 250), ("1e3", 1000), (None, 0)])
def test_followers_are_a_non_negative_count(value: Any, expected: int) -> None:
    assert mention_from_dict(with_(author_followers=value), "b").author_followers == expected


@pytest.mark.parametrize("value", ["many", "", True, [1], {"n": 1}, "nan"])
def test_followers_that_are_not_a_number_are_rejected(value: Any) -> None:
    assert "author_followers" in reason_of(with_(author_followers=value))


@pytest.mark.parametrize(
    "value",
    ["inf", float("inf"), "1e400", 10**400, 1e300],
    ids=["str-inf", "inf", "1e400", "10**400", "1e300"],
)
def test_absurd_follower_counts_are_rejected_not_a_crash(value: Any) -> None:
    # A 301-digit number would also be refused by DynamoDB and block the source's cursor forever.
    assert "author_followers" in reason_of(with_(author_followers=value))


@pytest.mark.parametrize("value", ["Social Media", "twitter!", "9gag", "x" * 40, "so/cial", "ñews"])
def test_an_unknown_source_name_is_rejected(value: str) -> None:
    assert "source" in reason_of(with_(source=value))


def test_source_names_are_case_folded() -> None:
    assert mention_from_dict(with_(source=" Social "), "b").source == "social"


def test_unknown_fields_are_kept_as_extra() -> None:
    mention = mention_from_dict(with_(reply_to="123", likes=4), "b")
    assert mention.extra == {"reply_to": "123", "likes": 4}


def test_numeric_ids_are_accepted_as_text() -> None:
    assert mention_from_dict(with_(id=1793550198), "b").native_id == "1793550198"


def test_language_defaults_to_undetermined() -> None:
    payload = dict(VALID)
    del payload["lang"]
    assert mention_from_dict(payload, "b").lang == "und"


def test_a_blank_id_is_rejected() -> None:
    with pytest.raises(InvalidMentionError, match="'id' is blank"):
        mention_from_dict(with_(id="   "), "b")


def test_oversized_extra_fields_are_dropped_so_the_item_still_fits_dynamodb() -> None:
    mention = mention_from_dict(with_(raw_payload="x" * 300_000, likes=3), "b")
    assert set(mention.extra) == {"extra_dropped"}
    assert len(json.dumps(mention.extra)) < 1_000


def test_a_connector_mention_keeps_the_truncation_flag_and_the_raw_payload() -> None:
    from crisiswatch.domain.listening.mentions import MentionParts, mention_from_parts  # noqa: PLC0415

    mention = mention_from_parts(
        MentionParts(
            source="reddit",
            native_id="t3_x",
            brand="b",
            created_at=1_700_000_000,
            text="x" * 30_000,
            raw={"id": "t3_x"},
            engagement={"score": 3, "bogus": "many"},
        )
    )
    assert mention.extra["text_truncated"] is True and mention.extra["raw"] == {"id": "t3_x"}
    assert mention.engagement == {"score": 3}


def test_lone_surrogates_are_replaced_so_the_item_can_be_stored() -> None:
    mention = mention_from_json_line(
        json.dumps({**VALID, "text": "broken \ud800 text", "author": "a\udfffb"}), "b"
    )
    mention.text.encode("utf-8")  # would raise UnicodeEncodeError if a surrogate survived
    mention.author.encode("utf-8")
    assert mention.text == "broken ? text"
