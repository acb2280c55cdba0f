"""Property tests: garbage in gives a typed refusal, never a crash and never a change of state."""

from __future__ import annotations

import base64
import contextlib
import json
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import (
    MAX_FIELD_CHARS,
    MAX_TEXT_CHARS,
    mention_from_dict,
    mention_from_json_line,
)
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.incidents import NOTE_LIMIT, Decision
from crisiswatch.domain.response.links import form_token
from crisiswatch.domain.response.statements import Channel, StatementTextError, clean_statement
from crisiswatch.usecases.decisions import Outcome, Submission
from crisiswatch.web.pages import HTTP_STATUS, link_message, link_status
from tests.builders.action_links import (
    app,
    assert_safe_headers,
    call,
    expire_request,
    open_page,
    published,
)
from tests.builders.action_links import request as handler_request
from tests.builders.action_links import state as handler_state
from tests.builders.links import CLICK, EXPIRES, TIER_CHOICES, scene
from tests.fakes import LINK_SECRET, FakeServices

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


# ----- action links -----------------------------------------------------------------------------------

LINK_FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
ITEMS = [item.value for item in ChecklistItem]
DRAFTS = {str(d.key): str(d.channel) for d in scene().incident.drafts}


def text(max_size: int) -> st.SearchStrategy[str]:
    """Any text a browser can post (no lone surrogates: they cannot be percent-encoded)."""
    return st.text(st.characters(codec="utf-8"), max_size=max_size)


link_ids = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[A-Za-z0-9_-]{22}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{21,23}\n?", fullmatch=True),
)
garbage_tokens = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"[0-9]{1,12}\.[A-Za-z0-9_=-]{0,30}", fullmatch=True),
    st.builds(
        lambda stamp, mac: f"{stamp}.{mac}", st.text(alphabet="0123456789²³¹١٢٣", max_size=12), st.text()
    ),
    st.just(f"{math.floor(CLICK.timestamp())}.AAAA"),
)
mostly = st.sampled_from([False, False, False, True])
decisions = st.one_of(
    st.sampled_from(sorted(TIER_CHOICES)),
    st.sampled_from(sorted(TIER_CHOICES)),
    st.sampled_from(["", *(d.value for d in Decision)]),
    st.sampled_from(["APPROVE", "approve ", " dismiss", "dismiss\x00", "Decision.DISMISS", "unanswered"]),
    text(40),
)
statements = st.one_of(
    st.sampled_from(sorted(DRAFTS)), st.sampled_from(["", "revision-1", *DRAFTS]), text(80)
)
revisions = st.one_of(
    text(300),
    st.sampled_from(["", " ", "\n\t", "\u3000", "a\r\nb", "a\x1b[31mb", "a\u202eb", "\u200b"]),
    st.builds(
        lambda pad, char, n: pad + char * n + pad,
        st.sampled_from(["", "  ", "\n"]),
        st.sampled_from(["x", "é", "€", "<"]),
        st.sampled_from([1, 279, 280, 281, 1999, 2000, 2001]),
    ),
)
ticks = st.one_of(
    st.just(""),
    st.just(""),
    st.just("stakeholders_informed"),
    st.sampled_from(ITEMS),
    st.sampled_from(["stakeholders_informed", "legal_reviewed", "STAKEHOLDERS_INFORMED", "x"]),
    text(30),
)
notes = st.one_of(text(60), st.integers(990, 1100).map(lambda n: "n" * n))


def revision(text: str, channel: str) -> str | None:
    """The revision as the next approver will see it, or None if it is refused."""
    try:
        return clean_statement(text, Channel(channel))
    except StatementTextError:
        return None


def expected_outcome(sub: Submission, *, known: bool, token_ok: bool, late: bool, taken: bool) -> Outcome:
    """What `decide` must answer tier1-primary's link in a SEV2 product failure (no legal on the route)."""
    if not known:
        return Outcome.UNKNOWN
    if not token_ok:
        return Outcome.BAD_FORM
    closed = Outcome.ALREADY_DECIDED if taken else Outcome.EXPIRED
    if sub.tick:
        if late:
            return closed
        return Outcome.TICKED if sub.tick == "stakeholders_informed" else Outcome.BAD_FORM
    if late or taken:  # someone decided: that is the answer, whatever this form says
        return closed
    if sub.decision not in TIER_CHOICES:
        return Outcome.BAD_FORM
    if sub.decision in ("approve", "request_changes"):
        channel = DRAFTS.get(sub.statement)
        if channel is None:
            return Outcome.BAD_FORM
        if sub.decision == "request_changes" and revision(sub.revised_text, channel) is None:
            return Outcome.BAD_FORM
    return Outcome.DECIDED


def check_effects(
    outcome: Outcome, sub: Submission, before: tuple[Any, ...], after: tuple[Any, ...], world: FakeServices
) -> None:
    """Only a valid decision resumes the workflow, only a valid tick ticks; nothing else changes anything
    (but a decision posted after the request expired leaves a "link.late" trace in the audit trail).

    `before` and `after` are (links, locks, requests, tokens, incident(s), audit, succeeded, sent).
    """
    links_before, locks_before, *_, succeeded_before, _sent = before
    links_after, locks_after, requests, tokens, _, audit, succeeded, sent = after
    assert (requests, tokens, sent) == (before[2], before[3], before[7])
    if outcome is Outcome.DECIDED:
        ((_, output),) = succeeded[len(succeeded_before) :]
        assert output["decision"] == sub.decision
        assert (output["decided_by"], output["tier"]) == ("tier1-primary", 1)
        if sub.decision in ("approve", "request_changes"):
            assert output["statement"] == sub.statement
        if sub.decision == "request_changes":
            assert output["revised_text"] == revision(sub.revised_text, DRAFTS[sub.statement])
        assert audit[-1].kind == "decision.submitted" and audit[-1].actor == "tier1-primary"
        assert len(locks_after) == len(locks_before) + 1
    elif outcome is Outcome.TICKED:
        assert (links_after, locks_after, succeeded) == (links_before, locks_before, succeeded_before)
        (incident,) = world.incidents.list()
        assert incident.checklist["stakeholders_informed"]["by"] == "tier1-primary"
        assert [entry.kind for entry in audit[len(before[5]) :]] == ["checklist.ticked"]
    elif outcome is Outcome.EXPIRED and not sub.tick:
        assert after[:5] == before[:5] and after[6:] == before[6:]
        assert [(entry.kind, entry.actor) for entry in audit[len(before[5]) :]] == [
            ("link.late", "tier1-primary")
        ]
    else:
        assert after == before, outcome


@LINK_FUZZ
@given(
    known=st.sampled_from([True, True, True, False]),
    link_id=link_ids,
    token_kind=st.sampled_from(["valid", "valid", "valid", "other_link", "stale", "future", "garbage"]),
    garbage=garbage_tokens,
    decision=decisions,
    statement=statements,
    revised_text=revisions,
    note=notes,
    tick=ticks,
    late=mostly,
    taken=mostly,
)
@example(
    known=True, link_id="", token_kind="garbage", garbage="²³.abc", decision="approve", statement="",
    revised_text="", note="", tick="", late=False, taken=False,
)  # fmt: skip
@example(
    known=True, link_id="", token_kind="valid", garbage="", decision="request_changes",
    statement="holding-social-product", revised_text=" " + "x" * 280 + " ", note="", tick="", late=False,
    taken=False,
)  # fmt: skip
@example(
    known=True, link_id="", token_kind="valid", garbage="", decision="dismiss", statement="", revised_text="",
    note="", tick="legal_reviewed", late=False, taken=False,
)  # fmt: skip
def test_decide_answers_any_submission_and_only_a_valid_one_changes_anything(
    known: bool,
    link_id: str,
    token_kind: str,
    garbage: str,
    decision: str,
    statement: str,
    revised_text: str,
    note: str,
    tick: str,
    late: bool,
    taken: bool,
) -> None:
    s = scene()
    if taken:  # tier1-backup decided first
        assert (
            s.submit(s.ids["tier1-backup"], "escalate", now=CLICK - timedelta(minutes=1)).outcome
            is Outcome.DECIDED
        )
    now = EXPIRES + timedelta(minutes=1) if late else CLICK
    target = s.ids["tier1-primary"] if known else link_id
    signed_for, issued = {
        "valid": (target, now),
        "other_link": (s.ids["tier1-backup"], now),
        "stale": (target, now - timedelta(minutes=31)),
        "future": (target, now + timedelta(minutes=2)),
    }.get(token_kind, (s.ids["tier1-backup"], now))
    token = (
        garbage
        if token_kind == "garbage"
        else form_token(LINK_SECRET, signed_for if known else "x" * 22, issued)
    )
    submission = Submission(token, decision, statement, revised_text, note, tick)
    before = s.state()

    page = s.post(target, submission, now)

    want = expected_outcome(submission, known=known, token_ok=token_kind == "valid", late=late, taken=taken)
    event(f"outcome: {want.value}")
    assert page.outcome is want, (page.outcome, link_message(page))
    assert link_status(page) == HTTP_STATUS[want] < 500
    check_effects(page.outcome, submission, before, s.state(), s.world)


# ----- the handler ------------------------------------------------------------------------------------

methods = st.one_of(
    st.sampled_from(["GET", "HEAD", "POST"]),
    st.sampled_from(["GET", "HEAD", "POST"]),
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get", "post", ""]),
    st.text(max_size=12),
)
headers = st.dictionaries(
    st.one_of(
        st.sampled_from(["Content-Type", "Origin", "Accept-Encoding", "Cookie", "X-Forwarded-For"]), text(20)
    ),
    text(60),
    max_size=6,
)
bodies = st.one_of(
    st.none(),
    text(400),
    st.binary(max_size=400).map(lambda raw: raw.decode("latin-1")),
    st.dictionaries(text(12), text(40), max_size=10).map(urlencode),
)


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@LINK_FUZZ
@given(
    method=methods,
    path_kind=st.sampled_from(["link", "link", "other"]),
    other_path=st.one_of(text(60), link_ids.map(lambda link_id: f"/a/{link_id}")),
    suffix=st.sampled_from(["", "", "", "", "/", "x", "/extra", "%00", "?a=1"]),
    body=bodies,
    encoded=st.booleans(),
    base64_body=st.booleans(),
    sent_headers=headers,
    source_ip=st.one_of(st.none(), text(40)),
    user_agent=st.one_of(st.none(), text(300)),
)
def test_the_handler_never_fails_and_changes_nothing_on_arbitrary_requests(
    method: str,
    path_kind: str,
    other_path: str,
    suffix: str,
    body: str | None,
    encoded: bool,
    base64_body: bool,
    sent_headers: dict[str, str],
    source_ip: str | None,
    user_agent: str | None,
) -> None:
    services = FakeServices()
    ids = published(services)
    path = f"/a/{ids['tier1-primary']}{suffix}" if path_kind == "link" else other_path
    api_event = handler_request("POST", path=path)
    api_event["httpMethod"] = api_event["requestContext"]["httpMethod"] = method
    api_event["headers"] = sent_headers
    api_event["multiValueHeaders"] = {name: [value] for name, value in sent_headers.items()}
    api_event["requestContext"]["identity"] = {"sourceIp": source_ip, "userAgent": user_agent}
    if body is not None and base64_body:
        body = base64.b64encode(body.encode("utf-8")).decode("ascii")
    api_event["body"] = body
    api_event["isBase64Encoded"] = encoded
    before = handler_state(services)

    response = call(api_event, services)

    event(f"status: {response['statusCode']}")
    assert 200 <= response["statusCode"] < 500
    assert_safe_headers(response)
    assert "Traceback" not in response["body"]
    assert handler_state(services) == before


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@LINK_FUZZ
@given(
    token_kind=st.sampled_from(["valid", "valid", "valid", "other_link", "garbage", "absent"]),
    garbage=garbage_tokens,
    decision=decisions,
    statement=statements,
    revised_text=revisions,
    note=notes,
    tick=ticks,
    extra=st.dictionaries(text(12), text(20), max_size=5),
    late=mostly,
    taken=mostly,
)
@example(
    token_kind="valid", garbage="", decision="approve", statement="holding-web-product", revised_text="",
    note="", tick="", extra={"decided_by": "exec-duty", "tier": "3"}, late=False, taken=False,
)  # fmt: skip
def test_the_handler_decides_or_ticks_only_on_a_valid_form(
    token_kind: str,
    garbage: str,
    decision: str,
    statement: str,
    revised_text: str,
    note: str,
    tick: str,
    extra: dict[str, str],
    late: bool,
    taken: bool,
) -> None:
    services = FakeServices()
    ids = published(services)
    link_id = ids["tier1-primary"]
    token = {
        "valid": open_page(services, link_id).fields["form_token"],
        "other_link": open_page(services, ids["tier1-backup"]).fields["form_token"],
        "garbage": garbage,
        "absent": "",
    }[token_kind]
    if taken:  # tier1-backup decided first
        backup = open_page(services, ids["tier1-backup"]).press("escalate")
        assert (
            call(handler_request("POST", ids["tier1-backup"], urlencode(backup)), services)["statusCode"]
            == 200
        )
    if late:
        expire_request(services, link_id)
    named = {
        "form_token": token,
        "decision": decision,
        "statement": statement,
        "revised_text": revised_text,
        "note": note,
        "tick": tick,
    }
    fields = {**{k: v for k, v in extra.items() if k not in named}, **named}
    posted = {name: value for name, value in fields.items() if value}  # a blank field is no field
    # What the handler reads: each field cut to its size.
    sub = Submission(
        form_token=posted.get("form_token", "")[:128],
        decision=posted.get("decision", "")[:32],
        statement=posted.get("statement", "")[:64],
        revised_text=posted.get("revised_text", "")[: app.MAX_FORM_BYTES],
        note=posted.get("note", "")[:NOTE_LIMIT],
        tick=posted.get("tick", "")[:64],
    )
    before = handler_state(services)

    response = call(handler_request("POST", link_id, urlencode(posted)), services)

    if len(posted) > app.MAX_FIELDS:
        want = Outcome.BAD_FORM
    else:
        want = expected_outcome(sub, known=True, token_ok=token_kind == "valid", late=late, taken=taken)
    event(f"outcome: {want.value}")
    assert response["statusCode"] == HTTP_STATUS[want], (want, response["body"][-600:])
    assert_safe_headers(response)
    check_effects(want, sub, before, handler_state(services), services)
