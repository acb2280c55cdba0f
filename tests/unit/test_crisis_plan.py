"""The crisis plan's cursor and the policy's routes: pure functions, every wait accounted for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiswatch.config_files.policy import PolicyError, parse_data, parse_policy
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.domain.response.crisis_plan import (
    ALLOWED,
    NOBODY,
    Cursor,
    Message,
    Phase,
    PlannedRound,
    Timing,
    after_decision,
    after_timeout,
    monitor_cursor,
    owner_cursor,
    plan_rounds,
    review_cursor,
    start_round,
)
from crisiswatch.domain.response.incidents import Decision
from crisiswatch.domain.response.policy import (
    Contact,
    EscalationPolicy,
    Route,
    Tier,
)
from tests.fakes import TEST_POLICY

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TIMING = Timing()
"""Production timing: a policy minute is 60 seconds, the owner has 1800."""
DRILL = Timing(
    minute_seconds=1, owner_seconds=8, monitor_interval_seconds=2, calm_seconds=4, review_seconds=6
)

WINDOW = """
[[maintenance_windows]]
start = "2026-12-01T09:00:00Z"
end = "2026-12-01T18:00:00Z"
reason = "Winter campaign launch"
hold = {hold}
"""


def policy(extra: str = "") -> EscalationPolicy:
    return parse_policy(TEST_POLICY + extra)


def sev2_rounds(timing: Timing = TIMING) -> list[PlannedRound]:
    loaded = policy()
    return plan_rounds(loaded, loaded.route(Severity.SEV2, ("product_failure",), NOON), timing)


def unchecked_tier(response_minutes: int, reminders: list[int]) -> Tier:
    """A tier as a hand-written policy could hold it if validation were skipped."""
    return Tier(
        label="Unchecked",
        contacts=(Contact(id="someone", name="Someone", email="someone@example.com"),),
        response_minutes=response_minutes,
        reminders_before_minutes=tuple(reminders),
        legal=False,
    )


# ----- policy routing -------------------------------------------------------------------------------


def test_sev2_and_sev3_go_to_the_responders_then_the_comms_lead() -> None:
    for severity in (Severity.SEV2, Severity.SEV3):
        route = policy().route(severity, ("product_failure",), NOON)
        assert route.rounds == (("responders",), ("comms_lead",))
        assert not route.held and route.hold_until is None and route.hold_reason == ""


def test_sev1_pulls_the_executive_into_the_first_round() -> None:
    route = policy().route(Severity.SEV1, ("product_failure",), NOON)

    assert route.rounds == (("responders", "executive"), ("comms_lead",))


@pytest.mark.parametrize("crisis_type", ["data_breach", "legal_safety"])
def test_breach_and_legal_crises_pull_legal_into_the_first_round(crisis_type: str) -> None:
    loaded = policy()

    route = loaded.route(Severity.SEV2, ("boycott", crisis_type), NOON)

    assert route.rounds == (("responders", "legal"), ("comms_lead",))
    assert loaded.includes_legal(route)
    assert not loaded.includes_legal(loaded.route(Severity.SEV2, ("boycott",), NOON))


def test_sev1_breach_asks_responders_executive_and_legal_at_once_each_once() -> None:
    route = policy().route(Severity.SEV1, ("data_breach", "legal_safety"), NOON)

    assert route.rounds == (("responders", "executive", "legal"), ("comms_lead",))


def test_contacts_of_a_round_are_everyone_in_it_once_each() -> None:
    shared = TEST_POLICY.replace(
        'contacts = [{ id = "exec-duty", name = "Executive", phone = "+15555550103" }]',
        'contacts = [{ id = "exec-duty", name = "Executive", phone = "+15555550103" },'
        ' { id = "tier1-primary", name = "Tier 1 responder", email = "t1@example.com" }]',
    )
    loaded = parse_policy(shared)

    contacts = loaded.contacts_of(("responders", "executive"))

    assert [contact.id for contact in contacts] == ["tier1-primary", "tier1-backup", "exec-duty"]
    assert loaded.contact("legal-counsel") is not None
    assert loaded.contact("nobody-here") is None


def test_a_maintenance_window_holds_sev3_until_it_ends_but_never_sev1() -> None:
    loaded = policy(WINDOW.format(hold='["SEV3"]'))

    held = loaded.route(Severity.SEV3, (), NOON)
    sev2 = loaded.route(Severity.SEV2, (), NOON)
    sev1 = loaded.route(Severity.SEV1, (), NOON)

    assert held.held and held.hold_reason == "Winter campaign launch"
    assert held.hold_until == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert held.rounds == (("responders",), ("comms_lead",))  # held, but routed all the same
    assert not sev2.held  # only the severities the window lists
    assert not sev1.held and sev1.hold_until is None


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 12, 1, 8, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 1, 18, 0, tzinfo=UTC),  # the end is not inside the window
        datetime(2025, 12, 1, 12, 0, tzinfo=UTC),
        datetime(2027, 12, 1, 12, 0, tzinfo=UTC),
    ],
)
def test_a_window_in_the_past_or_the_future_does_not_hold(at: datetime) -> None:
    loaded = policy(WINDOW.format(hold='["SEV3", "SEV2"]'))

    assert not loaded.route(Severity.SEV3, (), at).held
    assert loaded.route(Severity.SEV3, (), datetime(2026, 12, 1, 9, 0, tzinfo=UTC)).held


@pytest.mark.parametrize("hold", ['["SEV1"]', '["SEV3", "SEV1"]'])
def test_a_window_holding_sev1_is_refused_at_parse(hold: str) -> None:
    with pytest.raises(PolicyError) as error:
        policy(WINDOW.format(hold=hold))

    assert "SEV1 is never held back" in str(error.value)
    assert any(problem.startswith("maintenance_windows.0") for problem in error.value.problems)


# ----- plan_rounds ----------------------------------------------------------------------------------


def test_rounds_scale_policy_minutes_by_the_minute_length() -> None:
    assert sev2_rounds(TIMING) == [
        PlannedRound(("responders",), 900, (300,)),
        PlannedRound(("comms_lead",), 1800, ()),
    ]
    assert sev2_rounds(DRILL) == [
        PlannedRound(("responders",), 15, (5,)),
        PlannedRound(("comms_lead",), 30, ()),
    ]


def test_a_round_lasts_as_long_as_its_slowest_tier_with_every_reminder_largest_first() -> None:
    loaded = parse_policy(
        TEST_POLICY.replace("legal = true\n", "legal = true\nreminders_before_minutes = [5, 20]\n")
    )
    route = loaded.route(Severity.SEV2, ("data_breach",), NOON)

    rounds = plan_rounds(loaded, route, TIMING)

    assert rounds[0] == PlannedRound(("responders", "legal"), 3600, (1200, 300))  # 5 from both, once
    assert rounds[1] == PlannedRound(("comms_lead",), 1800, ())


def test_reminders_outside_the_response_time_are_dropped() -> None:
    loaded = EscalationPolicy(tiers={"odd": unchecked_tier(10, [0, 3, 10, 15, -2, 7, 3])}, routes={})

    (planned,) = plan_rounds(loaded, Route(rounds=(("odd",),)), TIMING)

    assert planned == PlannedRound(("odd",), 600, (420, 180))


# ----- start_round and after_timeout ----------------------------------------------------------------


def test_a_round_first_waits_until_its_first_reminder_with_links_valid_to_its_end() -> None:
    cursor = start_round(sev2_rounds(), 0)

    assert cursor == Cursor(
        Phase.TIERS, round=0, reminders_sent=0, wait_seconds=600, message=Message.NOTIFY, deadline_seconds=900
    )


def test_a_round_without_reminders_waits_its_whole_response_time() -> None:
    cursor = start_round(sev2_rounds(), 1)

    assert (cursor.phase, cursor.round, cursor.wait_seconds, cursor.deadline_seconds) == (
        Phase.TIERS,
        1,
        1800,
        1800,
    )
    assert start_round(sev2_rounds(), 2) is NOBODY
    assert start_round([], 0).phase is Phase.NOBODY


def test_silence_reminds_then_moves_to_the_next_round_then_ends_with_nobody() -> None:
    rounds = sev2_rounds()
    seen = [start_round(rounds, 0)]
    while seen[-1].phase is not Phase.NOBODY:
        seen.append(after_timeout(seen[-1], rounds))

    assert [
        (c.phase, c.round, c.message, c.reminders_sent, c.wait_seconds, c.deadline_seconds) for c in seen
    ] == [
        (Phase.TIERS, 0, Message.NOTIFY, 0, 600, 900),
        (Phase.TIERS, 0, Message.REMIND, 1, 300, 300),
        (Phase.TIERS, 1, Message.NOTIFY, 0, 1800, 1800),
        (Phase.NOBODY, 0, Message.NOTIFY, 0, 1, 0),
    ]


def test_several_reminders_cut_the_round_at_each_of_them() -> None:
    rounds = [PlannedRound(("a", "b"), 2400, (1800, 300, 120))]
    seen = [start_round(rounds, 0)]
    while seen[-1].phase is Phase.TIERS:
        seen.append(after_timeout(seen[-1], rounds))

    assert [(c.message, c.reminders_sent, c.wait_seconds, c.deadline_seconds) for c in seen[:-1]] == [
        (Message.NOTIFY, 0, 600, 2400),
        (Message.REMIND, 1, 1500, 1800),
        (Message.REMIND, 2, 180, 300),
        (Message.REMIND, 3, 120, 120),
    ]
    assert seen[-1] == NOBODY


def test_a_silent_owner_hands_over_to_the_next_round() -> None:
    rounds = sev2_rounds()

    after_first = after_timeout(owner_cursor(start_round(rounds, 0), TIMING), rounds)
    after_last = after_timeout(owner_cursor(start_round(rounds, 1), TIMING), rounds)

    assert after_first == start_round(rounds, 1)
    assert after_last == NOBODY


@pytest.mark.parametrize(
    "cursor",
    [
        monitor_cursor(0, TIMING),
        review_cursor(TIMING),
        NOBODY,
        Cursor(Phase.TIERS, round=7, wait_seconds=60),
    ],
    ids=["monitor", "review", "nobody", "beyond-the-route"],
)
def test_nothing_follows_a_timeout_outside_the_tiers_and_the_owner(cursor: Cursor) -> None:
    with pytest.raises(InvalidRequestError):
        after_timeout(cursor, sev2_rounds())


# ----- after_decision -------------------------------------------------------------------------------


@pytest.mark.parametrize("round_index", [0, 1])
def test_acknowledge_makes_the_decider_the_owner_for_the_owner_time(round_index: int) -> None:
    rounds = sev2_rounds()
    reminded = after_timeout(start_round(rounds, 0), rounds) if round_index == 0 else None
    cursor = reminded or start_round(rounds, round_index)

    following = after_decision(cursor, Decision.ACKNOWLEDGE, rounds, TIMING)

    assert following == Cursor(
        Phase.OWNER,
        round=round_index,
        reminders_sent=0,
        wait_seconds=1800,
        message=Message.NOTIFY,
        deadline_seconds=1800,
    )


def test_escalate_moves_to_the_next_round_from_the_tiers_and_from_the_owner() -> None:
    rounds = sev2_rounds()

    assert after_decision(start_round(rounds, 0), Decision.ESCALATE, rounds, TIMING) == start_round(rounds, 1)
    assert after_decision(start_round(rounds, 1), Decision.ESCALATE, rounds, TIMING) == NOBODY
    owner = owner_cursor(start_round(rounds, 0), TIMING)
    assert after_decision(owner, Decision.ESCALATE, rounds, TIMING) == start_round(rounds, 1)
    last_owner = owner_cursor(start_round(rounds, 1), TIMING)
    assert after_decision(last_owner, Decision.ESCALATE, rounds, TIMING) == NOBODY


def test_request_changes_asks_the_same_people_again_with_their_full_time() -> None:
    rounds = sev2_rounds()
    reminded = after_timeout(start_round(rounds, 0), rounds)
    owner = owner_cursor(start_round(rounds, 1), TIMING)

    assert after_decision(reminded, Decision.REQUEST_CHANGES, rounds, TIMING) == start_round(rounds, 0)
    assert after_decision(owner, Decision.REQUEST_CHANGES, rounds, TIMING) == owner
    assert after_decision(start_round(rounds, 1), Decision.REQUEST_CHANGES, rounds, TIMING) == start_round(
        rounds, 1
    )


@pytest.mark.parametrize("decision", [Decision.APPROVE, Decision.DISMISS])
@pytest.mark.parametrize("phase", [Phase.TIERS, Phase.OWNER])
def test_approve_and_dismiss_end_the_asking_and_leave_the_cursor(decision: Decision, phase: Phase) -> None:
    rounds = sev2_rounds()
    cursor = start_round(rounds, 0) if phase is Phase.TIERS else owner_cursor(start_round(rounds, 0), TIMING)

    assert after_decision(cursor, decision, rounds, TIMING) == cursor


def test_each_phase_offers_its_own_decisions() -> None:
    assert Decision.ACKNOWLEDGE in ALLOWED[Phase.TIERS]
    assert Decision.ACKNOWLEDGE not in ALLOWED[Phase.OWNER]  # the owner already acknowledged
    assert Decision.APPROVE in ALLOWED[Phase.OWNER]
    assert ALLOWED[Phase.MONITOR] == (Decision.RESOLVE,)
    assert ALLOWED[Phase.REVIEW] == (Decision.REVIEW_DONE,)
    assert ALLOWED[Phase.NOBODY] == ()


def test_monitoring_tells_the_owner_once_then_waits_on_silently() -> None:
    first, later = monitor_cursor(0, DRILL), monitor_cursor(3, DRILL)

    assert (first.phase, first.message, first.wait_seconds, first.deadline_seconds) == (
        Phase.MONITOR,
        Message.NOTIFY,
        2,
        6,
    )
    assert later.message is Message.REBIND and later.wait_seconds == 2
    assert review_cursor(DRILL) == Cursor(
        Phase.REVIEW, wait_seconds=6, message=Message.NOTIFY, deadline_seconds=6
    )


# ----- Cursor as JSON -------------------------------------------------------------------------------


def test_a_cursor_survives_the_execution_as_json() -> None:
    cursor = Cursor(
        Phase.OWNER, round=1, reminders_sent=2, wait_seconds=30, message=Message.REMIND, deadline_seconds=45
    )

    assert Cursor.from_dict(cursor.to_dict()) == cursor
    assert cursor.to_dict() == {
        "phase": "owner",
        "round": 1,
        "reminders_sent": 2,
        "wait_seconds": 30,
        "message": "remind",
        "deadline_seconds": 45,
    }


def test_a_minimal_cursor_from_the_state_machine_gets_defaults() -> None:
    cursor = Cursor.from_dict({"phase": "review", "wait_seconds": 600, "deadline_seconds": 600})

    assert cursor == Cursor(Phase.REVIEW, wait_seconds=600, message=Message.NOTIFY, deadline_seconds=600)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "tiers",
        ["tiers"],
        {},
        {"phase": "everyone"},
        {"phase": None},
        {"phase": "tiers", "message": "shout"},
        {"phase": "tiers", "round": "first"},
        {"phase": "tiers", "round": None},
        {"phase": "tiers", "round": -1},
        {"phase": "tiers", "reminders_sent": -1},
        {"phase": "tiers", "wait_seconds": 0},
        {"phase": "tiers", "wait_seconds": -30},
        {"phase": "tiers", "wait_seconds": "soon"},
        {"phase": "tiers", "deadline_seconds": [1]},
    ],
)
def test_a_malformed_cursor_is_refused(data: Any) -> None:
    with pytest.raises(InvalidRequestError):
        Cursor.from_dict(data)


# ----- any policy -----------------------------------------------------------------------------------

_tier = st.integers(min_value=1, max_value=180).flatmap(
    lambda response: st.tuples(
        st.just(response),
        st.lists(st.integers(min_value=1, max_value=response - 1), max_size=4)
        if response > 1
        else st.just([]),
    )
)


@st.composite
def policies(draw: st.DrawFn) -> tuple[EscalationPolicy, Route]:
    specs = draw(st.lists(_tier, min_size=1, max_size=6))
    names = [f"tier_{index}" for index in range(len(specs))]
    tiers = {
        name: {
            "label": name,
            "contacts": [{"id": f"person-{index}", "name": name, "email": f"p{index}@example.com"}],
            "response_minutes": response,
            "reminders_before_minutes": reminders,
        }
        for index, (name, (response, reminders)) in enumerate(zip(names, specs, strict=True))
    }
    loaded = parse_data({"tiers": tiers, "routes": {severity.value: names for severity in Severity}})
    order = draw(st.permutations(names))
    inner = st.integers(min_value=1, max_value=len(order) - 1) if len(order) > 1 else st.nothing()
    cuts = sorted(draw(st.sets(inner, max_size=len(order) - 1)))
    bounds = [0, *cuts, len(order)]
    rounds = tuple(tuple(order[a:b]) for a, b in pairwise(bounds))
    return loaded, Route(rounds=rounds)


@settings(max_examples=300, deadline=None)
@given(policies(), st.integers(min_value=1, max_value=120))
def test_any_policy_waits_exactly_each_rounds_response_and_always_ends_with_nobody(
    planned: tuple[EscalationPolicy, Route], minute_seconds: int
) -> None:
    loaded, route = planned
    timing = Timing(minute_seconds=minute_seconds)
    rounds = plan_rounds(loaded, route, timing)
    assert len(rounds) == len(route.rounds)
    for planned_round in rounds:
        assert list(planned_round.reminders_before) == sorted(
            set(planned_round.reminders_before), reverse=True
        )
        assert all(0 < before < planned_round.response_seconds for before in planned_round.reminders_before)

    waited = [0] * len(rounds)
    cursor = start_round(rounds, 0)
    steps = 0
    limit = sum(len(planned_round.reminders_before) + 1 for planned_round in rounds)
    while cursor.phase is Phase.TIERS:
        assert cursor.wait_seconds >= 1
        # Links sent at this wait stay valid until the round ends, not longer.
        assert cursor.deadline_seconds == rounds[cursor.round].response_seconds - waited[cursor.round]
        assert Cursor.from_dict(cursor.to_dict()) == cursor  # the execution carries it as JSON
        waited[cursor.round] += cursor.wait_seconds
        following = after_timeout(cursor, rounds)
        if following.phase is Phase.TIERS and following.round == cursor.round:
            assert following.message is Message.REMIND
            assert following.reminders_sent == cursor.reminders_sent + 1
        else:
            assert following.message is Message.NOTIFY
        cursor = following
        steps += 1
        assert steps <= limit

    assert cursor == NOBODY
    assert steps == limit
    assert waited == [planned_round.response_seconds for planned_round in rounds]


def test_timing_defaults_are_production_minutes() -> None:
    assert TIMING.minute_seconds == 60
    assert timedelta(seconds=TIMING.review_seconds) == timedelta(days=7)
