"""Property tests: garbage in gives a typed refusal, never a crash and never a change of state."""

from __future__ import annotations

import contextlib
import json
import math
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.mentions import (
    MAX_FIELD_CHARS,
    MAX_TEXT_CHARS,
    mention_from_dict,
    mention_from_json_line,
)
from crisiswatch.usecases.decisions import Outcome, decide
from tests.fakes import LINK_SECRET
from tests.unit.test_decisions import CLICK, CLIENT, scene

FUZZ = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)  # no example database: nothing written into the repository

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
field_values = (
    json_values
    | st.sampled_from(
        ["2024-05-23T12:06:02Z", "0001-01-01T00:00:00+01:00", "inf", "1e400", "-3", "²", "<b>x</b>"]
    )
    | st.datetimes().map(lambda d: d.isoformat())
    | st.from_regex(r"[a-z][a-z0-9_-]{0,40}", fullmatch=True)
)
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            key: field_values
            for key in (
                "source",
                "id",
                "created_at",
                "text",
                "author",
                "author_followers",
                "url",
                "lang",
                "extra",
            )
        },
    ),
)


def _check_mention(payload: Any) -> None:
    try:
        mention = mention_from_dict(payload, "Acme Coffee")
    except InvalidMentionError as error:
        assert error.reason
        return
    # Whatever is accepted is well-formed: what the tables and the detector rely on.
    assert mention.source and mention.source == mention.source.strip().lower()
    assert mention.created_at.utcoffset() == timedelta(0)
    assert len(mention.text) <= MAX_TEXT_CHARS
    assert len(mention.author) <= MAX_FIELD_CHARS and len(mention.url) <= MAX_FIELD_CHARS
    assert isinstance(mention.author_followers, int) and mention.author_followers >= 0
    assert mention.author_followers < 10**15
    assert "<" not in mention.text or ">" not in mention.text.split("<", 1)[1]


@FUZZ
@given(payloads)
@example({"source": "x", "id": "1", "created_at": "0001-01-01T00:00:00+01:00", "text": "t"})
@example(
    {"source": "x", "id": "1", "created_at": "2024-05-23T12:00:00Z", "text": "t", "author_followers": "inf"}
)
@example(
    {"source": "x", "id": "1", "created_at": "2024-05-23T12:00:00Z", "text": "t", "author_followers": 1e300}
)
def test_mention_from_dict_accepts_or_refuses_but_never_crashes(payload: Any) -> None:
    _check_mention(payload)


@FUZZ
@given(payloads)
def test_a_json_line_accepts_or_refuses_but_never_crashes(payload: Any) -> None:
    try:
        line = json.dumps(payload, allow_nan=True)
    except (ValueError, TypeError):
        return
    with contextlib.suppress(InvalidMentionError):
        mention_from_json_line(line, "Acme Coffee")


@FUZZ
@given(st.text(max_size=300))
@example("[" * 50_000)
@example('{"source": "x", "id": 1, "created_at": "2024-05-23", "text": "t", "author_followers": 1e999}')
def test_any_line_of_text_accepts_or_refuses_but_never_crashes(line: str) -> None:
    with contextlib.suppress(InvalidMentionError):
        mention_from_json_line(line, "Acme Coffee")


link_ids = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[A-Za-z0-9_-]{22}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{21,23}\n?", fullmatch=True),
)
tokens = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"[0-9]{1,12}\.[A-Za-z0-9_=-]{0,30}", fullmatch=True),
    st.builds(
        lambda stamp, mac: f"{stamp}.{mac}", st.text(alphabet="0123456789²³¹١٢٣", max_size=12), st.text()
    ),
)


@FUZZ
@given(
    use_real_id=st.booleans(),
    link_id=link_ids,
    decision=st.one_of(st.text(max_size=40), st.sampled_from(["approve", "dismiss"])),
    token=tokens,
)
@example(use_real_id=True, link_id="", decision="approve", token="²³.abc")
@example(use_real_id=True, link_id="", decision="approve", token=f"{math.floor(CLICK.timestamp())}.AAAA")
def test_decide_with_garbage_changes_nothing(
    use_real_id: bool, link_id: str, decision: str, token: str
) -> None:
    s = scene()
    target = s.ids["tier1-primary"] if use_real_id else link_id
    before = s.state()

    page = decide(
        target, decision, token, CLIENT, LINK_SECRET, s.world.links,
        s.world.incidents, s.world.escalation, s.world.audit, CLICK,
    )  # fmt: skip

    assert page.outcome in {Outcome.UNKNOWN, Outcome.BAD_FORM}
    assert page.status in {400, 404}
    assert s.state() == before
