"""The plan's steps once someone decided: record it, publish once, watch for calm, resolve, review."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.detection.detector import DetectorState
from crisiswatch.domain.errors import IncidentNotFoundError, InvalidRequestError
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.crisis_plan import (
    NOBODY,
    Cursor,
    Message,
    Phase,
    Timing,
    after_timeout,
    monitor_cursor,
    owner_cursor,
    review_cursor,
    start_round,
)
from crisiswatch.domain.response.incidents import (
    ApprovedStatement,
    Decision,
    Incident,
    IncidentChanges,
    IncidentStatus,
)
from crisiswatch.domain.response.links import DecisionRequest
from crisiswatch.domain.response.statements import (
    Channel,
    EmptyStatementError,
    RefusedCharacterError,
    StatementTextError,
    StatementTooLongError,
)
from crisiswatch.usecases.asking import assess, rounds_of
from crisiswatch.usecases.outcomes import (
    check_signals,
    publish_statement,
    record_decision,
    record_review,
    resolve,
    review_overdue,
)
from tests.fakes import T0, FakeServices, make_incident, make_settings

NOW = T0 + timedelta(minutes=3)
LATER = NOW + timedelta(minutes=4)
TIMING = Timing()
MONITORING = Timing(monitor_interval_seconds=60, calm_seconds=600)
SIGNAL = "2024-05-23T12:05:00Z"


def assessed(incident: Incident | None = None) -> tuple[FakeServices, Incident]:
    world = FakeServices()
    incident = incident or make_incident()
    assert world.incidents.open(incident)
    assess(incident.incident_id, world, NOW)
    world.audit.entries.clear()
    return world, current(world, incident)


def current(world: FakeServices, incident: Incident) -> Incident:
    found = world.incidents.get(incident.incident_id)
    assert found is not None
    return found


def cursor_at(world: FakeServices, incident: Incident, round_index: int = 0) -> Cursor:
    return start_round(rounds_of(incident, world.policy, TIMING), round_index)


def decide(
    world: FakeServices,
    incident: Incident,
    decision: dict[str, Any] | Any,
    cursor: Cursor | Any = None,
    now: datetime = LATER,
) -> dict[str, Any]:
    if cursor is None:
        cursor = cursor_at(world, incident)
    return record_decision(
        incident.incident_id, cursor.to_dict() if isinstance(cursor, Cursor) else cursor, decision, world, now
    )


def by(person: str, decision: str, **more: Any) -> dict[str, Any]:
    return {"decision": decision, "decided_by": person, "tier": 1, "decided_at": LATER.isoformat(), **more}


def snapshot(world: FakeServices, incident: Incident) -> tuple[Any, ...]:
    return (
        copy.deepcopy(current(world, incident)),
        dict(world.incidents.open_by_brand),
        list(world.audit.entries),
        list(world.detector_feedback.false_alarms),
    )


# ----- acknowledge ----------------------------------------------------------------------------------


def test_acknowledge_makes_the_decider_the_owner_and_asks_them_next() -> None:
    world, incident = assessed()

    following = decide(world, incident, by("tier1-backup", "acknowledge"))

    assert following == owner_cursor(cursor_at(world, incident), TIMING).to_dict()
    assert following["phase"] == "owner" and following["wait_seconds"] == TIMING.owner_seconds
    stored = current(world, incident)
    assert (stored.status, stored.owner) == (IncidentStatus.ACKNOWLEDGED, "tier1-backup")
    assert stored.checklist["acknowledged"] == {"by": "tier1-backup", "at": to_iso(LATER)}
    assert stored.decision is None  # nothing is decided yet: a statement is still to be approved
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.detail) == (
        "incident.acknowledged",
        "tier1-backup",
        {"tier": 1, "phase": "tiers"},
    )
    assert world.incidents.open_by_brand == {incident.brand: incident.incident_id}


def test_acknowledging_in_the_second_round_keeps_the_round_for_a_later_hand_over() -> None:
    world, incident = assessed()

    following = Cursor.from_dict(
        decide(world, incident, by("tier2-primary", "acknowledge"), cursor_at(world, incident, 1))
    )

    assert (following.phase, following.round) == (Phase.OWNER, 1)
    assert after_timeout(following, rounds_of(incident, world.policy, TIMING)) == NOBODY


# ----- approve --------------------------------------------------------------------------------------


def test_approve_stores_the_statement_with_who_and_when_and_ticks_the_checklist() -> None:
    world, incident = assessed()
    cursor = cursor_at(world, incident)
    draft = incident.drafts[1]  # the web holding statement: any draft offered may be approved

    following = decide(world, incident, by("tier1-primary", "approve", statement=draft.key), cursor)

    assert following == cursor.to_dict()  # approve ends the asking: the flow moves on to publishing
    stored = current(world, incident)
    assert stored.statement is not None
    assert stored.statement.to_dict() == {  # as the table stores it
        **draft.to_dict(),
        "approved_by": "tier1-primary",
        "approved_at": to_iso(LATER),
    }
    assert (stored.status, stored.decision, stored.decided_by, stored.decided_at) == (
        IncidentStatus.APPROVED,
        "approve",
        "tier1-primary",
        LATER,
    )
    assert stored.owner == "tier1-primary"
    assert stored.checklist["acknowledged"]["by"] == "tier1-primary"
    assert stored.checklist["statement_approved"] == {"by": "tier1-primary", "at": to_iso(LATER)}
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor) == ("statement.approved", "tier1-primary")
    assert entry.detail["statement"] == draft.key
    assert entry.detail["channel"] == "web" and entry.detail["text"] == draft.text
    assert world.incidents.open_by_brand == {incident.brand: incident.incident_id}  # still open: publishing


def test_the_owner_approving_keeps_the_acknowledgement_and_the_owner() -> None:
    world, incident = assessed()
    decide(world, incident, by("tier1-backup", "acknowledge"))
    owner = owner_cursor(cursor_at(world, incident), TIMING)

    decide(
        world,
        incident,
        by("tier2-primary", "approve", statement="holding-social-product"),
        owner,
        LATER + timedelta(minutes=1),
    )

    stored = current(world, incident)
    assert stored.owner == "tier1-backup"
    assert stored.checklist["acknowledged"] == {"by": "tier1-backup", "at": to_iso(LATER)}
    assert stored.checklist["statement_approved"]["by"] == "tier2-primary"
    assert stored.statement is not None and stored.statement.approved_by == "tier2-primary"


@pytest.mark.parametrize("statement", ["no-such-statement", "", None, "holding-social"])
def test_approving_a_statement_that_was_not_offered_is_refused_and_changes_nothing(statement: Any) -> None:
    world, incident = assessed()
    before = snapshot(world, incident)
    decision = by("tier1-primary", "approve")
    if statement is not None:
        decision["statement"] = statement

    with pytest.raises(InvalidRequestError):
        decide(world, incident, decision)

    assert snapshot(world, incident) == before
    assert current(world, incident).statement is None


# ----- request_changes ------------------------------------------------------------------------------


def test_request_changes_adds_a_revision_and_asks_the_same_people_again() -> None:
    world, incident = assessed()
    rounds = rounds_of(incident, world.policy, TIMING)
    reminded = after_timeout(cursor_at(world, incident), rounds)
    text = "We know about the problem with our cold brew and are on it. Update by 3pm."

    following = decide(
        world,
        incident,
        by(
            "tier1-primary",
            "request_changes",
            statement="holding-social-product",
            revised_text=f"  {text}\n",
            note="softer, please",
        ),
        reminded,
    )

    assert following == start_round(rounds, 0).to_dict()  # the same round, with its full time again
    stored = current(world, incident)
    assert stored.drafts[:-1] == incident.drafts
    revision = stored.drafts[-1]
    assert revision.to_dict() == {
        "key": "revision-1",
        "kind": "holding_statement",
        "channel": "social",
        "label": f"{incident.drafts[0].label}, revised by tier1-primary",
        "text": text,
        "template_key": "holding-social-product",
        "revised_by": "tier1-primary",
    }
    assert stored.status is IncidentStatus.ESCALATING and stored.statement is None
    (entry,) = world.audit.entries
    assert entry.kind == "statement.changes_requested"
    assert entry.detail["of"] == "holding-social-product"
    assert entry.detail["revision"] == "revision-1"
    assert entry.detail["text"] == text and entry.detail["note"] == "softer, please"


def test_a_revision_can_be_revised_and_then_approved() -> None:
    world, incident = assessed()
    decide(
        world,
        incident,
        by(
            "tier1-primary",
            "request_changes",
            statement="holding-social-product",
            revised_text="First revision.",
        ),
    )
    decide(
        world,
        current(world, incident),
        by("tier1-backup", "request_changes", statement="revision-1", revised_text="Second revision."),
    )

    decide(world, incident, by("tier1-primary", "approve", statement="revision-2"))

    stored = current(world, incident)
    assert [draft.key for draft in stored.drafts[-2:]] == ["revision-1", "revision-2"]
    assert stored.drafts[-1].revised_by == "tier1-backup"
    assert stored.statement is not None and stored.statement.draft.text == "Second revision."


def test_request_changes_from_the_owner_asks_the_owner_again() -> None:
    world, incident = assessed()
    owner = owner_cursor(cursor_at(world, incident, 1), TIMING)

    following = decide(
        world,
        incident,
        by("tier2-primary", "request_changes", statement="holding-web-product", revised_text="Web."),
        owner,
    )

    assert following == owner.to_dict()


@pytest.mark.parametrize(
    "change",
    [
        {"statement": "holding-social-product", "revised_text": "x" * 281},  # social allows 280
        {"statement": "holding-social-product", "revised_text": "   "},
        {"statement": "holding-social-product"},
        {"statement": "unknown", "revised_text": "Fine."},
        {"revised_text": "Fine."},
        {"statement": "holding-social-product", "revised_text": "Fine.\x00"},
        {"statement": "holding-social-product", "revised_text": "\x1b[31mFine\x1b[0m"},
        {"statement": "holding-social-product", "revised_text": "Fine.\x7f"},
        {"statement": "holding-social-product", "revised_text": "Fine.\x85\x9b"},
        {"statement": "holding-social-product", "revised_text": "Refund \u202e001$"},
        {"statement": "holding-social-product", "revised_text": "\u200b\u200d"},
    ],
    ids=[
        "too-long-for-social",
        "blank",
        "no-text",
        "unknown-statement",
        "no-statement",
        "nul",
        "esc",
        "del",
        "c1",
        "bidi-override",
        "zero-width-only",
    ],
)
def test_a_revision_that_cannot_be_offered_is_refused_and_changes_nothing(change: dict[str, Any]) -> None:
    world, incident = assessed()
    before = snapshot(world, incident)

    with pytest.raises(InvalidRequestError):
        decide(world, incident, by("tier1-primary", "request_changes", **change))

    assert snapshot(world, incident) == before


def test_a_revision_at_its_limit_once_composed_is_taken() -> None:
    world, incident = assessed()

    decide(
        world,
        incident,
        by(
            "tier1-primary",
            "request_changes",
            statement="holding-social-product",
            revised_text="e\u0301" * 280,
        ),
    )

    assert current(world, incident).drafts[-1].text == "\u00e9" * 280


def test_the_web_channel_takes_a_long_revision() -> None:
    world, incident = assessed()

    decide(
        world,
        incident,
        by("tier1-primary", "request_changes", statement="holding-web-product", revised_text="w" * 2000),
    )

    assert current(world, incident).drafts[-1].text == "w" * 2000


def test_a_revision_from_the_workflow_is_stored_tidied_and_published_as_stored() -> None:
    world, incident = assessed()
    typed = "We know.\r\n\r\n\r\nCafe\u0301 update at 3pm.\t \r\n"

    decide(
        world,
        incident,
        by("tier1-primary", "request_changes", statement="holding-social-product", revised_text=typed),
    )
    decide(world, current(world, incident), by("tier1-backup", "approve", statement="revision-1"))
    publish(world, current(world, incident))

    clean = "We know.\n\nCafé update at 3pm."
    assert current(world, incident).drafts[-1].text == clean
    changes, approved, published = world.audit.entries
    assert changes.detail["text"] == approved.detail["text"] == published.detail["text"] == clean
    assert world.publisher.posts == [(incident.incident_id, "social", clean)]


# ----- dismiss and escalate -------------------------------------------------------------------------


def test_dismiss_records_a_false_alarm_for_the_detector_and_frees_the_brand() -> None:
    world, incident = assessed()
    cursor = cursor_at(world, incident)

    following = decide(world, incident, by("tier2-primary", "dismiss"), cursor)

    assert following == cursor.to_dict()
    stored = current(world, incident)
    assert (stored.status, stored.decision, stored.decided_by, stored.decided_at) == (
        IncidentStatus.DISMISSED,
        "dismiss",
        "tier2-primary",
        LATER,
    )
    assert world.incidents.open_by_brand == {}
    assert world.detector_feedback.false_alarms == [(incident.brand, incident.incident_id, "tier2-primary")]
    assert world.audit.kinds() == ["incident.dismissed"]


def test_escalate_asks_the_next_round_or_nobody() -> None:
    world, incident = assessed()

    following = decide(world, incident, by("tier1-primary", "escalate"))
    last = decide(world, incident, by("tier2-primary", "escalate"), cursor_at(world, incident, 1))

    assert following == cursor_at(world, incident, 1).to_dict()
    assert last == NOBODY.to_dict()
    assert current(world, incident).status is IncidentStatus.ESCALATING
    assert [(e.kind, e.actor) for e in world.audit.entries] == [
        ("incident.escalated", "tier1-primary"),
        ("incident.escalated", "tier2-primary"),
    ]


# ----- malformed decisions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "cursor"),
    [
        ("approve", None),
        (None, None),
        ({"decision": "APPROVE", "decided_by": "tier1-primary"}, None),
        ({"decision": "unanswered", "decided_by": "tier1-primary"}, None),
        ({"decision": "acknowledge"}, None),
        ({"decision": "acknowledge", "decided_by": ""}, None),
        ({"decision": "resolve", "decided_by": "tier1-primary"}, None),
        ({"decision": "review_done", "decided_by": "tier1-primary"}, None),
        ({"decision": "acknowledge", "decided_by": "tier1-primary"}, {"phase": "later"}),
        ({"decision": "acknowledge", "decided_by": "tier1-primary"}, "tiers"),
    ],
)
def test_a_malformed_decision_is_refused_and_changes_nothing(decision: Any, cursor: Any) -> None:
    world, incident = assessed()
    before = snapshot(world, incident)

    with pytest.raises(InvalidRequestError):
        decide(world, incident, decision, cursor)

    assert snapshot(world, incident) == before


def test_a_decision_on_an_unknown_incident_is_refused() -> None:
    world, _ = assessed()

    with pytest.raises(IncidentNotFoundError):
        decide(world, make_incident(brand="Nobody"), by("tier1-primary", "acknowledge"), Cursor(Phase.TIERS))


# ----- publish_statement ----------------------------------------------------------------------------


def approved() -> tuple[FakeServices, Incident]:
    world, incident = assessed()
    decide(world, incident, by("tier1-primary", "approve", statement="holding-social-product"))
    world.audit.entries.clear()
    return world, current(world, incident)


def publish(world: FakeServices, incident: Incident, now: datetime = LATER) -> dict[str, Any]:
    return publish_statement(incident.incident_id, world, now)


def test_publish_posts_the_approved_text_once_and_tells_the_comms_channel() -> None:
    world, incident = approved()
    assert incident.statement is not None
    text = incident.statement.draft.text

    result = publish(world, incident)

    assert result == {"ref": "fake:1"}
    assert world.publisher.posts == [(incident.incident_id, "social", text)]
    stored = current(world, incident)
    assert stored.status is IncidentStatus.PUBLISHED
    assert stored.statement is not None
    assert stored.statement.to_dict() == {
        **incident.statement.to_dict(),
        "ref": "fake:1",
        "publisher": "fake",
        "published_at": to_iso(LATER),
    }
    assert stored.checklist["published"] == {"by": "crisiswatch", "at": to_iso(LATER)}
    ((subject, body),) = world.comms.announced
    assert subject == "[SEV2] Acme Coffee: statement published"
    assert incident.incident_id in body and "tier1-primary" in body and text in body
    (entry,) = world.audit.entries
    assert entry.kind == "statement.published"
    assert entry.detail == {"channel": "social", "ref": "fake:1", "text": text}


def test_a_retried_publish_does_not_post_twice() -> None:
    world, incident = approved()
    publish(world, incident)

    again = publish(world, incident, LATER + timedelta(seconds=2))

    assert again == {"ref": "fake:1", "already": True}
    assert len(world.publisher.posts) == 1
    assert len(world.comms.announced) == 1
    assert world.audit.kinds() == ["statement.published"]
    stored = current(world, incident)
    assert stored.statement is not None and stored.statement.published_at == LATER


def test_publishing_without_an_approved_statement_is_refused() -> None:
    world, incident = assessed()

    with pytest.raises(InvalidRequestError):
        publish(world, incident)

    assert world.publisher.posts == [] and world.comms.announced == []
    assert current(world, incident).status is IncidentStatus.ESCALATING


def with_statement(text: str, channel: str = "social") -> tuple[FakeServices, Incident]:
    """An approved statement as stored, whatever put it there (a record from before revisions were
    tidied, or a store edited by hand)."""
    world, incident = approved()
    assert incident.statement is not None
    draft = replace(incident.statement.draft, text=text, channel=Channel(channel))
    world.incidents.update(
        incident.incident_id, IncidentChanges(statement=replace(incident.statement, draft=draft))
    )
    return world, current(world, incident)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("We are on it.\x00", RefusedCharacterError),
        ("We are \x1b[31mon it\x1b[0m", RefusedCharacterError),
        ("We are on it.\x7f", RefusedCharacterError),
        ("We are on it.\x9b", RefusedCharacterError),
        ("Refunds \u202e001$\u202c", RefusedCharacterError),
        ("\u2066hidden\u2069", RefusedCharacterError),
        (" \r\n\u200b ", EmptyStatementError),
        ("x" * 281, StatementTooLongError),
        ("e\u0301" * 281, StatementTooLongError),
        ("x" * 10_000, StatementTooLongError),
    ],
    ids=[
        "nul",
        "esc",
        "del",
        "c1",
        "bidi-override",
        "bidi-isolate",
        "blank",
        "limit+1",
        "limit+1-nfc",
        "10000",
    ],
)
def test_the_publish_guard_posts_nothing_that_could_not_have_been_approved(
    text: str, error: type[StatementTextError]
) -> None:
    world, incident = with_statement(text)
    before = snapshot(world, incident)

    with pytest.raises(error):
        publish(world, incident)

    assert world.publisher.posts == [] and world.comms.announced == []
    assert snapshot(world, incident) == before


def test_the_publish_guard_tidies_a_statement_approved_before_revisions_were_tidied() -> None:
    world, incident = with_statement("We know.\r\nCafe\u0301 update\tat 3pm.  \r\n\r\n\r\nSorry.\r\n")

    publish(world, incident)

    clean = "We know.\nCafé update at 3pm.\n\nSorry."
    assert world.publisher.posts == [(incident.incident_id, "social", clean)]
    stored = current(world, incident).statement
    assert stored is not None and stored.draft.text == clean  # the record says what went out
    (entry,) = world.audit.entries
    assert entry.detail["text"] == clean
    ((_, body),) = world.comms.announced
    assert body.endswith(clean)


def test_a_statement_at_its_web_limit_after_nfc_is_published() -> None:
    world, incident = with_statement("e\u0301" * 2000, "web")

    publish(world, incident)

    assert world.publisher.posts == [(incident.incident_id, "web", "\u00e9" * 2000)]


def test_a_statement_on_an_unknown_channel_is_not_published() -> None:
    """A table edited by hand: the statement does not load, so there is none to publish."""
    world, incident = approved()
    assert incident.statement is not None
    stored = {**incident.statement.to_dict(), "channel": "fax"}
    assert ApprovedStatement.from_dict(stored) is None
    world.incidents.items[incident.incident_id].statement = ApprovedStatement.from_dict(stored)

    with pytest.raises(InvalidRequestError, match="no approved statement"):
        publish(world, incident)
    assert world.publisher.posts == []


def test_publishing_for_an_unknown_incident_is_refused() -> None:
    world, _ = approved()

    with pytest.raises(IncidentNotFoundError):
        publish(world, make_incident(brand="Nobody"))
    assert world.publisher.posts == []


# ----- check_signals --------------------------------------------------------------------------------


def published() -> tuple[FakeServices, Incident]:
    world, incident = approved()
    publish(world, incident)
    world.audit.entries.clear()
    return world, current(world, incident)


def check(world: FakeServices, incident: Incident, previous: Any, now: datetime) -> dict[str, Any]:
    return check_signals(
        incident.incident_id, previous, replace(world, settings=make_settings(timing=MONITORING)), now
    )


def signal_at(world: FakeServices, brand: str, bucket: str) -> None:
    _, version = world.detector_states.load(brand)
    assert world.detector_states.save(brand, DetectorState(last_signal_bucket=bucket), version)


def test_the_first_check_starts_monitoring() -> None:
    world, incident = published()
    signal_at(world, incident.brand, SIGNAL)

    result = check(world, incident, {"checks": 0}, LATER)

    assert result == {
        "calm": False,
        "checks": 1,
        "last_signal": SIGNAL,
        "quiet_since": to_iso(LATER),
        "cursor": monitor_cursor(0, MONITORING).to_dict(),
    }
    assert result["cursor"]["message"] == Message.NOTIFY.value
    stored = current(world, incident)
    assert stored.status is IncidentStatus.MONITORING
    assert stored.checklist["monitoring"] == {"by": "crisiswatch", "at": to_iso(LATER)}
    (entry,) = world.audit.entries
    assert (entry.kind, entry.detail) == ("monitoring.started", {"calm_seconds": 600})


@pytest.mark.parametrize("previous", [None, "garbage", {}])
def test_a_missing_previous_check_counts_as_the_first(previous: Any) -> None:
    world, incident = published()

    result = check(world, incident, previous, LATER)

    assert result["checks"] == 1 and result["last_signal"] is None
    assert world.audit.kinds() == ["monitoring.started"]


def test_calm_only_after_calm_seconds_without_a_new_signal() -> None:
    world, incident = published()
    signal_at(world, incident.brand, SIGNAL)
    first = check(world, incident, {"checks": 0}, LATER)

    almost = check(world, incident, first, LATER + timedelta(seconds=599))
    calm = check(world, incident, almost, LATER + timedelta(seconds=600))

    assert almost["calm"] is False and almost["checks"] == 2
    assert almost["quiet_since"] == to_iso(LATER)
    assert almost["cursor"] == monitor_cursor(1, MONITORING).to_dict()
    assert almost["cursor"]["message"] == Message.REBIND.value  # the owner was told once
    assert calm["calm"] is True and calm["checks"] == 3
    assert world.audit.kinds() == ["monitoring.started", "monitoring.calm"]
    assert world.audit.entries[-1].detail == {"calm_for_seconds": 600, "last_signal": SIGNAL}
    assert current(world, incident).status is IncidentStatus.MONITORING


def test_a_new_signal_starts_the_calm_period_again() -> None:
    world, incident = published()
    signal_at(world, incident.brand, SIGNAL)
    first = check(world, incident, {"checks": 0}, LATER)
    signal_at(world, incident.brand, "2024-05-23T12:20:00Z")

    after_signal = check(world, incident, first, LATER + timedelta(seconds=600))
    still = check(world, incident, after_signal, LATER + timedelta(seconds=1199))
    calm = check(world, incident, still, LATER + timedelta(seconds=1200))

    assert after_signal["calm"] is False
    assert after_signal["last_signal"] == "2024-05-23T12:20:00Z"
    assert after_signal["quiet_since"] == to_iso(LATER + timedelta(seconds=600))
    assert still["calm"] is False
    assert calm["calm"] is True
    assert world.audit.kinds() == ["monitoring.started", "monitoring.calm"]


def test_a_check_without_a_quiet_since_starts_the_calm_period() -> None:
    world, incident = published()

    result = check(world, incident, {"checks": 4, "last_signal": None}, LATER + timedelta(hours=5))

    assert result["calm"] is False and result["quiet_since"] == to_iso(LATER + timedelta(hours=5))
    assert world.audit.entries == []  # not the first check: monitoring started earlier


# ----- resolve --------------------------------------------------------------------------------------


def test_a_person_resolving_frees_the_brand_and_starts_the_review_record() -> None:
    world, incident = published()
    resolved_at = LATER + timedelta(minutes=30)

    result = resolve(
        incident.incident_id,
        {"decision": "resolve", "decided_by": "tier1-primary", "tier": 0},
        world,
        resolved_at,
    )

    assert result == {"resolved_by": "tier1-primary", "cursor": review_cursor(TIMING).to_dict()}
    assert result["cursor"]["wait_seconds"] == TIMING.review_seconds
    stored = current(world, incident)
    assert (stored.status, stored.resolved_at) == (IncidentStatus.RESOLVED, resolved_at)
    assert world.incidents.open_by_brand == {}
    assert stored.checklist["resolved"] == {"by": "tier1-primary", "at": to_iso(resolved_at)}
    opened = incident.opened_at
    assert stored.review is not None
    assert stored.review.to_dict() == {
        "resolved_by": "tier1-primary",
        "response_seconds": {
            "facts_gathered": int((NOW - opened).total_seconds()),
            "acknowledged": int((LATER - opened).total_seconds()),
            "statement_approved": int((LATER - opened).total_seconds()),
            "published": int((LATER - opened).total_seconds()),
            "resolved": int((resolved_at - opened).total_seconds()),
        },
    }
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.detail) == (
        "incident.resolved",
        "tier1-primary",
        {"how": "by a person"},
    )


@pytest.mark.parametrize("resolution", [{"decision": "resolve", "decided_by": "crisiswatch"}, None, {}])
def test_calm_resolves_as_crisiswatch(resolution: Any) -> None:
    world, incident = published()

    result = resolve(incident.incident_id, resolution, world, LATER)

    assert result == {"resolved_by": "crisiswatch", "cursor": review_cursor(TIMING).to_dict()}
    stored = current(world, incident)
    assert stored.review is not None and stored.review.resolved_by == "crisiswatch"
    assert stored.checklist["resolved"]["by"] == "crisiswatch"
    assert world.audit.entries[-1].detail == {"how": "calm"}
    assert world.incidents.open_by_brand == {}


def test_response_times_count_from_the_opening_to_each_milestone() -> None:
    incident = make_incident()
    incident.checklist = {
        "acknowledged": {"by": "a", "at": to_iso(incident.opened_at + timedelta(seconds=90))},
        "stakeholders_informed": {"by": "b"},  # no time: not a milestone
    }

    times = incident.response_times(incident.opened_at + timedelta(hours=1))

    assert times == {"acknowledged": 90, "resolved": 3600}


def test_resolving_an_unknown_incident_is_refused() -> None:
    world, _ = published()

    with pytest.raises(IncidentNotFoundError):
        resolve("inc-nobody-20240523T1200Z", None, world, LATER)
    assert world.audit.entries == []


# ----- review ---------------------------------------------------------------------------------------


def resolved() -> tuple[FakeServices, Incident]:
    world, incident = published()
    resolve(incident.incident_id, {"decided_by": "tier1-primary"}, world, LATER)
    world.audit.entries.clear()
    return world, current(world, incident)


def test_the_review_is_recorded_on_top_of_the_response_times() -> None:
    world, incident = resolved()
    done_at = LATER + timedelta(days=2)

    result = record_review(
        incident.incident_id,
        {"decision": "review_done", "decided_by": "tier1-primary", "note": "n" * 1500},
        world,
        done_at,
    )

    assert result == {"reviewed_by": "tier1-primary"}
    stored = current(world, incident)
    assert stored.status is IncidentStatus.REVIEWED
    assert incident.review is not None
    assert stored.review is not None
    assert stored.review.to_dict() == {
        **incident.review.to_dict(),
        "done_by": "tier1-primary",
        "done_at": to_iso(done_at),
        "notes": "n" * 1000,
    }
    assert stored.checklist["review_done"] == {"by": "tier1-primary", "at": to_iso(done_at)}
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor) == ("review.done", "tier1-primary")


@pytest.mark.parametrize(
    "decision",
    [
        {"decision": "approve", "decided_by": "tier1-primary"},
        {"decision": "resolve", "decided_by": "tier1-primary"},
        {"decision": "review_done"},
        {"decision": "done", "decided_by": "tier1-primary"},
        "review_done",
        None,
    ],
)
def test_only_review_done_completes_a_review(decision: Any) -> None:
    world, incident = resolved()
    before = snapshot(world, incident)

    with pytest.raises(InvalidRequestError):
        record_review(incident.incident_id, decision, world, LATER)

    assert snapshot(world, incident) == before


def test_an_overdue_review_is_audited_and_changes_nothing_else() -> None:
    world, incident = resolved()

    result = review_overdue(incident.incident_id, world, LATER)

    assert result == {"overdue": True}
    assert [(e.kind, e.actor) for e in world.audit.entries] == [("review.overdue", "crisiswatch")]
    assert current(world, incident) == incident
    with pytest.raises(IncidentNotFoundError):
        review_overdue("inc-nobody-20240523T1200Z", world, LATER)


def open_request(world: FakeServices, incident: Incident, phase: Phase) -> DecisionRequest:
    request = DecisionRequest(
        notification_id=f"{incident.incident_id}/{phase.value}/x",
        incident_id=incident.incident_id,
        phase=phase.value,
        tier=0,
        recipients=("tier1-primary",),
        allowed=(Decision.RESOLVE,) if phase is Phase.MONITOR else (Decision.REVIEW_DONE,),
        expires_at=LATER + timedelta(days=7),
    )
    world.links.open_request(request, "token")
    return request


@pytest.mark.parametrize("by", ["crisiswatch", "tier1-primary"])
def test_resolving_expires_the_monitoring_links_at_once(by: str) -> None:
    world, incident = published()
    request = open_request(world, incident, Phase.MONITOR)

    resolve(incident.incident_id, {"decided_by": by}, world, LATER)

    assert world.links.requests[request.notification_id].expires_at == LATER


def test_an_overdue_review_expires_the_review_link_even_if_its_clock_says_otherwise() -> None:
    world, incident = resolved()
    request = open_request(world, incident, Phase.REVIEW)

    review_overdue(incident.incident_id, world, LATER)

    assert world.links.requests[request.notification_id].is_expired(LATER)


def test_resolving_leaves_a_request_of_another_phase_alone() -> None:
    world, incident = published()
    request = open_request(world, incident, Phase.REVIEW)

    resolve(incident.incident_id, None, world, LATER)

    assert world.links.requests[request.notification_id] == request


# ----- the whole plan -------------------------------------------------------------------------------


def test_acknowledge_approve_publish_monitor_resolve_review_ticks_the_whole_checklist() -> None:
    world, incident = assessed()
    owner = Cursor.from_dict(decide(world, incident, by("tier1-primary", "acknowledge")))
    decide(world, incident, by("tier1-primary", "approve", statement="holding-social-product"), owner)
    publish(world, incident)
    first = check(world, incident, {"checks": 0}, LATER)
    assert check(world, incident, first, LATER + timedelta(seconds=600))["calm"] is True
    resolve(incident.incident_id, {"decided_by": "crisiswatch"}, world, LATER)
    world.incidents.update(incident.incident_id, IncidentChanges())  # a no-op write changes nothing
    record_review(
        incident.incident_id, {"decision": "review_done", "decided_by": "tier1-primary"}, world, LATER
    )

    stored = current(world, incident)
    assert stored.status is IncidentStatus.REVIEWED
    people_only = {ChecklistItem.STAKEHOLDERS_INFORMED.value, ChecklistItem.LEGAL_REVIEWED.value}
    assert set(stored.checklist) == {item.value for item in ChecklistItem} - people_only
    assert world.audit.kinds() == [
        "incident.acknowledged",
        "statement.approved",
        "statement.published",
        "monitoring.started",
        "monitoring.calm",
        "incident.resolved",
        "review.done",
    ]
