"""The plan's steps until someone decides: start once, assess and route, ask people safely, handle silence."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from crisiswatch.config_files.policy import parse_policy
from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import IncidentNotFoundError, InvalidRequestError
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.crisis_plan import (
    ALLOWED,
    Cursor,
    Phase,
    Timing,
    after_timeout,
    monitor_cursor,
    owner_cursor,
    plan_rounds,
    review_cursor,
    start_round,
)
from crisiswatch.domain.response.incidents import Incident, IncidentChanges, IncidentStatus
from crisiswatch.domain.response.links import LinkState, link_key
from crisiswatch.domain.response.statements import Draft, StatementFacts, default_statements
from crisiswatch.usecases.asking import (
    assess,
    record_failure,
    record_unanswered,
    request_decision,
    rounds_of,
    start_plan,
    time_ran_out,
)
from crisiswatch.usecases.decisions import Outcome, view_link
from tests.fakes import BASE_URL, LINK_SECRET, T0, TEST_POLICY, FakeServices, make_incident, make_settings

TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcZ0xK6l1u0n3vGdV0yF0b9+7nO3jQ2m1Bf8i4vO9hT1Cq0n+ZrSx3k5mW8yTn2lLp4" * 7
TOKEN2 = "AQCEAAAAKgAAAAMAAAAAAAAAAdR2wZ9pQ4mN7xK1vL5tY8sB3cF6hJ0gD2eA9uI4oP7qW1zX5nM8rT3yV6bC0" * 7
NOW = T0 + timedelta(minutes=3)
URL_ID = re.compile(r"/a/([A-Za-z0-9_-]+)")
TIMING = Timing()

# GSM 03.38 basic character set: one septet each. The extension table (e.g. []{}~^|\\€) costs two.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
WINDOW_START, WINDOW_END = T0 - timedelta(hours=1), T0 + timedelta(hours=2)
WINDOW = f"""
[[maintenance_windows]]
start = "{to_iso(WINDOW_START)}"
end = "{to_iso(WINDOW_END)}"
reason = "Spring campaign launch"
hold = ["SEV3"]
"""


def world_with(incident: Incident | None = None, policy_extra: str = "") -> tuple[FakeServices, Incident]:
    world = FakeServices()
    if policy_extra:
        world.policy = parse_policy(TEST_POLICY + policy_extra)
    incident = incident or make_incident()
    assert world.incidents.open(incident)
    return world, incident


def run_assess(world: FakeServices, incident: Incident, now: Any = NOW) -> dict[str, Any]:
    return assess(incident.incident_id, world, now)


def assessed(incident: Incident | None = None) -> tuple[FakeServices, Incident]:
    """An incident routed and given its drafts, with the audit trail cleared."""
    world, incident = world_with(incident)
    run_assess(world, incident)
    world.audit.entries.clear()
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None
    return world, stored


def first_cursor(world: FakeServices, incident: Incident) -> Cursor:
    return start_round(rounds_of(incident, world.policy, TIMING), 0)


def ask(
    world: FakeServices,
    incident: Incident,
    cursor: Cursor | dict[str, Any] | None = None,
    token: str = TOKEN,
    base_url: str = BASE_URL,
    now: Any = NOW,
) -> dict[str, Any]:
    if cursor is None:
        cursor = first_cursor(world, incident)
    return request_decision(
        incident.incident_id,
        cursor.to_dict() if isinstance(cursor, Cursor) else cursor,
        token,
        replace(world, settings=make_settings(action_base_url=base_url)),
        now,
    )


def link_ids(world: FakeServices) -> dict[str, str]:
    """recipient -> the link id in the last message they were sent."""
    return {m.recipient: URL_ID.findall(m.sms_body)[0] for m in world.notifier.sent}


# ----- start_escalation -----------------------------------------------------------------------------


def test_an_escalation_starts_once_per_incident() -> None:
    world, incident = world_with()

    first = start_plan(incident.incident_id, world.incidents, world.workflow, world.audit, NOW)
    again = start_plan(incident.incident_id, world.incidents, world.workflow, world.audit, NOW)

    assert first is not None and first.endswith(incident.incident_id)
    assert again is None
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.execution_arn == first
    assert world.audit.kinds() == ["escalation.started"]
    assert world.audit.entries[0].detail == {"execution_arn": first}
    assert len(world.workflow.executions) == 1


def test_an_escalation_for_an_unknown_incident_is_an_error() -> None:
    world, _ = world_with()

    with pytest.raises(IncidentNotFoundError):
        start_plan("inc-nobody-20240523T1200Z", world.incidents, world.workflow, world.audit, NOW)
    assert world.workflow.executions == {}
    assert world.audit.entries == []


# ----- assess ---------------------------------------------------------------------------------------


def test_assess_routes_drafts_ticks_facts_and_starts_the_first_round() -> None:
    world, incident = world_with()

    result = run_assess(world, incident)

    assert result == {
        "held": False,
        "includes_legal": False,
        "cursor": {
            "phase": "tiers",
            "round": 0,
            "reminders_sent": 0,
            "wait_seconds": 600,
            "message": "notify",
            "deadline_seconds": 900,
        },
    }
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is IncidentStatus.ESCALATING
    assert stored.route is not None and stored.route.to_dict() == {  # the shape the table stores
        "rounds": [
            {"tiers": ["responders"], "response_seconds": 900},
            {"tiers": ["comms_lead"], "response_seconds": 1800},
        ],
        "includes_legal": False,
        "minute_seconds": 60,
    }
    expected = default_statements().drafts_for(StatementFacts("Acme Coffee", ("product_failure",)))
    assert stored.drafts == tuple(expected)
    assert stored.drafts[0].key == "holding-social-product"
    assert stored.checklist == {ChecklistItem.FACTS_GATHERED.value: {"by": "crisiswatch", "at": to_iso(NOW)}}
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.at) == ("incident.routed", "crisiswatch", NOW)
    assert entry.detail["severity"] == "SEV2"
    assert entry.detail["crisis_types"] == ["product_failure"]
    assert entry.detail["statements"] == [draft.key for draft in expected]
    assert entry.detail["includes_legal"] is False
    assert world.notifier.sent == []


def test_a_sev1_data_breach_routes_legal_and_the_executive_at_once_with_breach_statements() -> None:
    world, incident = world_with(make_incident(severity=Severity.SEV1, crisis_types=("data_breach",)))

    result = run_assess(world, incident)

    assert result["includes_legal"] is True
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None
    assert stored.includes_legal is True
    assert stored.rounds[0].to_dict() == {
        "tiers": ["responders", "executive", "legal"],
        "response_seconds": 3600,
    }
    assert stored.drafts[0].key == "holding-social-data-breach"
    # The legal tier's hour, cut at the responders' reminder five minutes before the round ends.
    assert (result["cursor"]["wait_seconds"], result["cursor"]["deadline_seconds"]) == (3300, 3600)


def test_a_maintenance_window_holds_a_sev3_until_it_ends() -> None:
    world, incident = world_with(make_incident(severity=Severity.SEV3), WINDOW)

    result = run_assess(world, incident)
    again = run_assess(world, incident, NOW + timedelta(minutes=10))

    assert result == {"held": True, "hold_seconds": int((WINDOW_END - NOW).total_seconds()) + 1}
    assert again["hold_seconds"] == result["hold_seconds"] - 600
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is IncidentStatus.HELD
    assert stored.drafts == () and stored.route is None and stored.checklist == {}
    (entry,) = world.audit.entries  # held once, however often the window is checked
    assert (entry.kind, entry.actor) == ("incident.held", "crisiswatch")
    assert entry.detail == {"reason": "Spring campaign launch", "until": WINDOW_END.isoformat()}
    assert world.incidents.open_by_brand == {incident.brand: incident.incident_id}
    assert world.notifier.sent == []


def test_the_same_window_never_holds_a_sev1() -> None:
    world, incident = world_with(make_incident(severity=Severity.SEV1), WINDOW)

    result = run_assess(world, incident)

    assert result["held"] is False and "cursor" in result
    assert world.audit.kinds() == ["incident.routed"]


def test_once_the_window_ends_the_held_incident_is_routed_with_its_drafts_once() -> None:
    world, incident = world_with(make_incident(severity=Severity.SEV3), WINDOW)
    run_assess(world, incident)

    result = run_assess(world, incident, WINDOW_END + timedelta(seconds=1))
    retried = run_assess(world, incident, WINDOW_END + timedelta(seconds=2))

    assert result["held"] is False and retried == result
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is IncidentStatus.ESCALATING
    expected = default_statements().drafts_for(StatementFacts("Acme Coffee", ("product_failure",)))
    assert [draft.key for draft in stored.drafts] == [draft.key for draft in expected]
    assert stored.checklist[ChecklistItem.FACTS_GATHERED.value]["at"] == to_iso(
        WINDOW_END + timedelta(seconds=1)
    )
    assert world.audit.kinds() == ["incident.held", "incident.routed", "incident.routed"]


def test_assess_keeps_drafts_the_incident_already_has() -> None:
    world, incident = world_with()
    kept = [
        {
            "key": "revision-1",
            "kind": "holding_statement",
            "channel": "social",
            "label": "Holding statement, revised by tier1-primary",
            "text": "We know. More soon.",
            "template_key": "holding-social-product",
            "revised_by": "tier1-primary",
        },
    ]
    world.incidents.update(
        incident.incident_id, IncidentChanges(drafts=tuple(Draft.from_dict(d) for d in kept))
    )

    run_assess(world, incident)

    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and [draft.to_dict() for draft in stored.drafts] == kept


def test_assess_for_an_unknown_incident_is_an_error() -> None:
    world, _ = world_with()

    with pytest.raises(IncidentNotFoundError):
        run_assess(world, make_incident(brand="Nobody"))
    assert world.audit.entries == []


# ----- request_decision: the first message of a round -----------------------------------------------


def test_each_contact_of_the_round_gets_a_link_of_their_own_tied_to_one_request() -> None:
    world, incident = assessed()

    result = ask(world, incident)

    assert result == {"sent": 2, "phase": "tiers", "tier": 1}
    assert [m.recipient for m in world.notifier.sent] == ["tier1-primary", "tier1-backup"]
    links = list(world.links.links.values())
    assert sorted(link.recipient for link in links) == ["tier1-backup", "tier1-primary"]
    assert len({link.notification_id for link in links}) == 1
    assert all(link.tier == 1 and link.state is LinkState.PENDING for link in links)
    assert all(link.expires_at == NOW + timedelta(seconds=900) for link in links)
    assert all(link.allowed == ALLOWED[Phase.TIERS] for link in links)
    request = world.links.current_request(incident.incident_id)
    assert request is not None
    assert request.notification_id == links[0].notification_id
    assert (request.phase, request.tier, request.recipients) == (
        "tiers",
        1,
        ("tier1-primary", "tier1-backup"),
    )
    assert request.expires_at == NOW + timedelta(seconds=900)
    assert world.links.task_token(request.notification_id) == TOKEN


def test_the_task_token_is_in_no_message_no_audit_entry_and_no_result() -> None:
    world, incident = assessed()

    result = ask(world, incident)

    for message in world.notifier.sent:
        for text in (message.subject, message.email_body, message.sms_body):
            assert TOKEN[:40] not in text
    assert TOKEN[:40] not in repr(world.audit.entries)
    assert TOKEN[:40] not in repr(result)
    assert TOKEN[:40] not in repr(world.links.links)  # links find the token through their request


def test_every_link_carries_a_22_character_id_that_opens_the_persons_own_page() -> None:
    world, incident = assessed()
    ask(world, incident)

    for message in world.notifier.sent:
        sms_ids = URL_ID.findall(message.sms_body)
        email_ids = URL_ID.findall(message.email_body)
        assert len(sms_ids) == 1
        assert sms_ids == email_ids
        link_id = sms_ids[0]
        assert len(link_id) == 22
        assert f"{BASE_URL}/a/{link_id}" in message.sms_body
        page = view_link(link_id, LINK_SECRET, world.links, world.incidents, NOW)
        assert page.outcome is Outcome.CONFIRM
        assert page.link is not None and page.link.recipient == message.recipient
        assert world.links.get(link_key(link_id)) is not None
    ids = list(link_ids(world).values())
    assert len(set(ids)) == len(ids)


def test_the_link_id_itself_is_not_stored() -> None:
    world, incident = assessed()
    ask(world, incident)

    for link_id in link_ids(world).values():
        assert link_id not in repr(world.links.links)
        assert link_id not in repr(world.links.requests)
        assert link_id not in repr(world.audit.entries)


@pytest.mark.parametrize(
    "brand",
    [
        "Acme Coffee",
        "A" * 80,
        "Café Zoë’s 🍩 Bakery",
        "北京烤鸭连锁店",
        "Brace{s} [and] ~tilde^ |pipe| back\\slash €uro",
        "Line\nbreak\tand\x00control",
    ],
)
@pytest.mark.parametrize(
    "base_url",
    [BASE_URL, "https://go.example.com/", "https://crisis-links.very-long-company-name.example.com/x"],
)
def test_every_sms_fits_one_gsm7_part_with_its_link_whole(brand: str, base_url: str) -> None:
    world, incident = assessed(make_incident(brand=brand))

    ask(world, incident, base_url=base_url)

    assert len(world.notifier.sent) == 2
    for message in world.notifier.sent:
        sms = message.sms_body
        assert len(sms) <= 160, sms
        assert set(sms) <= GSM7_BASIC, sorted(set(sms) - GSM7_BASIC)
        assert re.search(re.escape(base_url.rstrip("/")) + r"/a/[A-Za-z0-9_-]{22}$", sms)


def test_the_email_names_the_person_the_incident_the_deadline_and_the_statement() -> None:
    world, incident = assessed()
    ask(world, incident)

    message = world.notifier.sent[0]
    assert message.email_body.startswith("Hello Tier 1 responder,")
    assert incident.incident_id in message.email_body
    assert incident.summary in message.email_body
    assert (NOW + timedelta(seconds=900)).strftime("%H:%M UTC") in message.email_body
    assert str(incident.drafts[0].text) in message.email_body
    assert message.subject == "[SEV2] Acme Coffee: decision needed (tier 1: On-call responders)"


def test_the_notification_is_audited_without_secrets() -> None:
    world, incident = assessed()
    rounds = rounds_of(incident, world.policy, TIMING)

    ask(world, incident, start_round(rounds, 1))

    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.at) == ("tier.notified", "crisiswatch", NOW)
    assert entry.detail == {
        "phase": "tiers",
        "tier": 2,
        "recipients": ["tier2-primary"],
        "expires_at": (NOW + timedelta(seconds=1800)).isoformat(),
        "wait_seconds": 1800,
    }
    assert [m.recipient for m in world.notifier.sent] == ["tier2-primary"]
    assert "(tier 2: Communications lead)" in world.notifier.sent[0].subject


def test_a_sev1_first_round_tells_responders_and_the_executive_together() -> None:
    world, incident = assessed(make_incident(severity=Severity.SEV1))

    ask(world, incident)

    assert [m.recipient for m in world.notifier.sent] == ["tier1-primary", "tier1-backup", "exec-duty"]
    assert "(tier 1: On-call responders + Executive on duty)" in world.notifier.sent[0].subject


# ----- request_decision: reminders and rebinding ----------------------------------------------------


def test_a_reminder_reuses_the_request_rebinds_it_and_sends_fresh_links() -> None:
    world, incident = assessed()
    first = first_cursor(world, incident)
    ask(world, incident, first)
    request = world.links.current_request(incident.incident_id)
    assert request is not None
    old_ids = link_ids(world)
    world.notifier.sent.clear()
    later = NOW + timedelta(seconds=605)  # the wait ended at 600; the task ran a little later

    result = ask(
        world,
        incident,
        after_timeout(first, rounds_of(incident, world.policy, TIMING)),
        token=TOKEN2,
        now=later,
    )

    assert result == {"sent": 2, "phase": "tiers", "tier": 1}
    again = world.links.current_request(incident.incident_id)
    assert again is not None and again.notification_id == request.notification_id
    assert world.links.task_token(request.notification_id) == TOKEN2
    assert again.expires_at == later + timedelta(seconds=300)
    assert len(world.links.requests) == 1
    assert [m.recipient for m in world.notifier.sent] == ["tier1-primary", "tier1-backup"]
    for message in world.notifier.sent:
        assert "REMINDER" in message.subject
        assert message.email_body.startswith("Hello ")
        assert "Reminder:" in message.email_body
        assert "reminder" in message.sms_body
        assert TOKEN2[:40] not in message.email_body + message.sms_body + message.subject
    new_ids = link_ids(world)
    assert set(new_ids.values()).isdisjoint(old_ids.values())
    assert len(world.links.links) == 4
    assert {link.notification_id for link in world.links.links.values()} == {request.notification_id}
    for link_id in [*old_ids.values(), *new_ids.values()]:  # earlier links of the request still work
        page = view_link(link_id, LINK_SECRET, world.links, world.incidents, later + timedelta(seconds=60))
        assert page.outcome is Outcome.CONFIRM
    assert world.audit.kinds() == ["tier.notified", "reminder.sent"]
    assert world.audit.entries[-1].detail["wait_seconds"] == 300


def test_a_reminder_with_no_request_to_reuse_opens_one() -> None:
    world, incident = assessed()
    first = first_cursor(world, incident)

    ask(world, incident, after_timeout(first, rounds_of(incident, world.policy, TIMING)))

    request = world.links.current_request(incident.incident_id)
    assert request is not None and world.links.task_token(request.notification_id) == TOKEN
    assert len(world.notifier.sent) == 2 and all("REMINDER" in m.subject for m in world.notifier.sent)


def test_rebind_sends_nothing_and_moves_the_request_to_the_new_wait() -> None:
    world, incident = assessed()
    world.incidents.update(incident.incident_id, IncidentChanges(owner="tier2-primary"))
    ask(world, incident, monitor_cursor(0, TIMING))
    request = world.links.current_request(incident.incident_id)
    assert request is not None
    sent, links, audit = list(world.notifier.sent), dict(world.links.links), list(world.audit.entries)
    later = NOW + timedelta(seconds=300)

    result = ask(world, incident, monitor_cursor(1, TIMING), token=TOKEN2, now=later)

    assert result == {"rebound": True}
    assert world.notifier.sent == sent
    assert world.links.links == links
    assert world.audit.entries == audit
    assert world.links.task_token(request.notification_id) == TOKEN2
    rebound = world.links.current_request(incident.incident_id)
    assert rebound is not None and rebound.notification_id == request.notification_id
    assert rebound.expires_at == later + timedelta(
        seconds=TIMING.calm_seconds + TIMING.monitor_interval_seconds
    )
    assert TOKEN2[:40] not in repr(result)


def test_rebind_without_a_request_of_the_same_phase_is_refused() -> None:
    world, incident = assessed()

    with pytest.raises(InvalidRequestError, match="no request"):
        ask(world, incident, monitor_cursor(1, TIMING))
    ask(world, incident)  # a tier request is current now, not a monitoring one
    with pytest.raises(InvalidRequestError, match="no request"):
        ask(world, incident, monitor_cursor(1, TIMING), token=TOKEN2)
    request = world.links.current_request(incident.incident_id)
    assert request is not None and world.links.task_token(request.notification_id) == TOKEN


# ----- request_decision: the owner, monitoring and review -------------------------------------------


@pytest.mark.parametrize(
    ("cursor", "kind", "tier", "allowed"),
    [
        (owner_cursor(Cursor(Phase.TIERS, round=1), TIMING), "owner.notified", 2, ALLOWED[Phase.OWNER]),
        (monitor_cursor(0, TIMING), "monitoring.notified", 0, ALLOWED[Phase.MONITOR]),
        (review_cursor(TIMING), "review.requested", 0, ALLOWED[Phase.REVIEW]),
    ],
    ids=["owner", "monitor", "review"],
)
def test_after_an_acknowledgement_only_the_owner_is_asked(
    cursor: Cursor, kind: str, tier: int, allowed: tuple[Any, ...]
) -> None:
    world, incident = assessed()
    world.incidents.update(incident.incident_id, IncidentChanges(owner="tier2-primary"))

    result = ask(world, incident, cursor)

    assert result == {"sent": 1, "phase": cursor.phase.value, "tier": tier}
    (message,) = world.notifier.sent
    assert message.recipient == "tier2-primary"
    assert message.email_body.startswith("Hello Tier 2 decision maker,")
    (link,) = world.links.links.values()
    assert (link.recipient, link.tier, link.allowed) == ("tier2-primary", tier, allowed)
    assert link.expires_at == NOW + timedelta(seconds=cursor.deadline_seconds)
    request = world.links.current_request(incident.incident_id)
    assert request is not None and request.phase == cursor.phase.value
    assert request.recipients == ("tier2-primary",)
    (entry,) = world.audit.entries
    assert entry.kind == kind and entry.detail["recipients"] == ["tier2-primary"]


def test_the_owner_email_names_them_as_the_owner() -> None:
    world, incident = assessed()
    world.incidents.update(incident.incident_id, IncidentChanges(owner="tier1-backup"))

    ask(world, incident, owner_cursor(Cursor(Phase.TIERS), TIMING))

    (message,) = world.notifier.sent
    assert "(the incident's owner)" in message.subject
    assert "own it now" in message.email_body


@pytest.mark.parametrize("owner", [None, "left-the-company"])
def test_without_a_known_owner_the_first_round_stands_in(owner: str | None) -> None:
    world, incident = assessed()
    if owner:
        world.incidents.update(incident.incident_id, IncidentChanges(owner=owner))

    ask(world, incident, monitor_cursor(0, TIMING))

    assert [m.recipient for m in world.notifier.sent] == ["tier1-primary", "tier1-backup"]
    assert all(m.subject.endswith("statement published, monitoring") for m in world.notifier.sent)
    (entry,) = world.audit.entries
    assert entry.detail["recipients"] == ["tier1-primary", "tier1-backup"]


# ----- request_decision: refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cursor", "token"),
    [
        (Cursor(Phase.NOBODY).to_dict(), TOKEN),
        ("first", ""),
        ({"phase": "tiers", "round": -1, "wait_seconds": 60}, TOKEN),
        ({"phase": "tiers", "round": 5, "wait_seconds": 60}, TOKEN),
        ({"round": 0}, TOKEN),
        ("tiers", TOKEN),
        (None, TOKEN),
    ],
    ids=["nobody", "no-token", "negative-round", "beyond-the-route", "no-phase", "not-an-object", "null"],
)
def test_a_malformed_request_is_refused_and_sends_nothing(cursor: Any, token: str) -> None:
    world, incident = assessed()
    if cursor == "first":
        cursor = first_cursor(world, incident).to_dict()

    with pytest.raises(InvalidRequestError) as error:
        request_decision(incident.incident_id, cursor, token, world, NOW)

    assert TOKEN[:40] not in str(error.value)
    assert world.notifier.sent == []
    assert world.links.links == {} and world.links.requests == {}
    assert world.audit.entries == []


def test_a_request_for_an_unknown_incident_is_refused() -> None:
    world, _ = world_with()

    with pytest.raises(IncidentNotFoundError):
        ask(world, make_incident(brand="Nobody"), Cursor(Phase.TIERS, wait_seconds=60))
    assert world.notifier.sent == []
    assert world.links.links == {} and world.links.requests == {}


# ----- time_ran_out ---------------------------------------------------------------------------------


def ran_out(world: FakeServices, incident: Incident, cursor: Cursor | Any) -> dict[str, Any]:
    return time_ran_out(
        incident.incident_id, cursor.to_dict() if isinstance(cursor, Cursor) else cursor, world, NOW
    )


def test_the_first_timeout_of_a_round_with_a_reminder_asks_for_it_without_an_audit_entry() -> None:
    world, incident = assessed()

    following = ran_out(world, incident, first_cursor(world, incident))

    assert following == {
        "phase": "tiers",
        "round": 0,
        "reminders_sent": 1,
        "wait_seconds": 300,
        "message": "remind",
        "deadline_seconds": 300,
    }
    assert world.audit.entries == []  # the reminder is audited when it is sent


def test_the_end_of_a_round_is_audited_and_hands_over_to_the_next() -> None:
    world, incident = assessed()
    reminded = Cursor.from_dict(ran_out(world, incident, first_cursor(world, incident)))

    following = ran_out(world, incident, reminded)

    assert following == start_round(rounds_of(incident, world.policy, TIMING), 1).to_dict()
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.detail) == (
        "tier.timed_out",
        "crisiswatch",
        {"tier": 1, "next_tier": 2},
    )


def test_the_last_round_running_out_exhausts_the_escalation() -> None:
    world, incident = assessed()

    following = ran_out(world, incident, start_round(rounds_of(incident, world.policy, TIMING), 1))

    assert following == {
        "phase": "nobody",
        "round": 0,
        "reminders_sent": 0,
        "wait_seconds": 1,
        "message": "notify",
        "deadline_seconds": 0,
    }
    assert [(e.kind, e.detail) for e in world.audit.entries] == [
        ("tier.timed_out", {"tier": 2, "next_tier": None}),
        ("escalation.exhausted", {"rounds": 2}),
    ]


def test_a_silent_owner_is_audited_and_the_next_round_takes_over() -> None:
    world, incident = assessed()

    following = ran_out(world, incident, owner_cursor(Cursor(Phase.TIERS, round=0), TIMING))
    last = ran_out(world, incident, owner_cursor(Cursor(Phase.TIERS, round=1), TIMING))

    assert following == start_round(rounds_of(incident, world.policy, TIMING), 1).to_dict()
    assert last["phase"] == "nobody"
    assert [(e.kind, e.detail) for e in world.audit.entries] == [
        ("owner.timed_out", {"tier": 1, "next_tier": 2}),
        ("owner.timed_out", {"tier": 2, "next_tier": None}),
        ("escalation.exhausted", {"rounds": 2}),
    ]


def test_a_reminder_keeps_the_request_open_and_the_end_of_its_round_closes_it_at_once() -> None:
    """The state machine's timer says when time ran out; the request's links follow it, not a clock."""
    world, incident = assessed()
    first = first_cursor(world, incident)
    ask(world, incident, first)
    (request,) = world.links.requests.values()
    planned_expiry = request.expires_at
    assert planned_expiry == NOW + timedelta(seconds=first.deadline_seconds)

    reminded = Cursor.from_dict(ran_out(world, incident, first))
    assert world.links.requests[request.notification_id].expires_at == planned_expiry, "still open"

    early = NOW + timedelta(seconds=1)  # the timer ended the wait early: the clock says it is not over
    time_ran_out(incident.incident_id, reminded.to_dict(), world, early)
    closed = world.links.requests[request.notification_id]
    assert closed.expires_at == early and closed.is_expired(early)


def test_the_last_round_and_a_silent_owner_close_their_requests_too() -> None:
    world, incident = assessed()
    last = start_round(rounds_of(incident, world.policy, TIMING), 1)
    ask(world, incident, last)
    ran_out(world, incident, last)
    assert all(request.expires_at == NOW for request in world.links.requests.values())

    world, incident = assessed()
    owner = owner_cursor(Cursor(Phase.TIERS, round=0), TIMING)
    ask(world, incident, owner)
    ran_out(world, incident, owner)
    assert all(request.expires_at == NOW for request in world.links.requests.values())


def test_closing_never_moves_an_expiry_later() -> None:
    world, incident = assessed()
    ask(world, incident)
    (request,) = world.links.requests.values()
    world.links.close_request(request.notification_id, request.expires_at + timedelta(hours=1))
    world.links.close_request("no-such-request", NOW)
    assert world.links.requests[request.notification_id].expires_at == request.expires_at


@pytest.mark.parametrize(
    "cursor",
    [monitor_cursor(0, TIMING).to_dict(), {"phase": "tiers", "wait_seconds": 0}, None, {"phase": "x"}],
)
def test_a_timeout_that_cannot_happen_is_refused_and_audits_nothing(cursor: Any) -> None:
    world, incident = assessed()

    with pytest.raises(InvalidRequestError):
        ran_out(world, incident, cursor)
    assert world.audit.entries == []


def test_a_whole_silent_route_with_a_drill_minute_walks_every_wait() -> None:
    world, incident = assessed()
    drill = Timing(minute_seconds=1)
    rounds = plan_rounds(
        world.policy, world.policy.route(incident.severity, incident.crisis_types, NOW), drill
    )
    cursor = start_round(rounds, 0)
    waits = []
    while cursor.phase is not Phase.NOBODY:
        waits.append((cursor.round, cursor.wait_seconds, cursor.message.value))
        cursor = Cursor.from_dict(
            time_ran_out(
                incident.incident_id,
                cursor.to_dict(),
                replace(world, settings=make_settings(timing=drill)),
                NOW,
            )
        )

    assert waits == [(0, 10, "notify"), (0, 5, "remind"), (1, 30, "notify")]
    assert world.audit.kinds() == ["tier.timed_out", "tier.timed_out", "escalation.exhausted"]


# ----- record_unanswered / record_failure -----------------------------------------------------------


def test_nobody_answering_is_recorded_and_frees_the_brand() -> None:
    world, incident = assessed()

    result = record_unanswered(incident.incident_id, world, NOW)

    assert result == {"status": "unanswered"}
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None
    assert (stored.status, stored.decision, stored.decided_by, stored.decided_at) == (
        IncidentStatus.UNANSWERED,
        "unanswered",
        "nobody",
        NOW,
    )
    assert world.incidents.open_by_brand == {}
    assert world.audit.kinds() == ["incident.unanswered"]


def test_a_failed_step_is_recorded_with_its_error_cut_short_and_frees_the_brand() -> None:
    world, incident = assessed()
    error = {"Error": "StoreDownError", "Cause": "x" * 5000, "ignored": "y"}

    result = record_failure(incident.incident_id, error, world, NOW)

    assert result == {"status": "failed"}
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is IncidentStatus.FAILED
    assert world.incidents.open_by_brand == {}
    (entry,) = world.audit.entries
    assert entry.kind == "escalation.failed"
    assert entry.detail == {"Error": "StoreDownError", "Cause": "x" * 500}


def test_a_failed_step_expires_the_links_still_out() -> None:
    world, incident = assessed()
    ask(world, incident)

    record_failure(incident.incident_id, "boom", world, NOW)

    assert all(request.expires_at == NOW for request in world.links.requests.values())


@pytest.mark.parametrize(("error", "detail"), [("boom", {"error": "boom"}), ({}, {"error": "{}"})])
def test_a_failure_without_error_and_cause_is_recorded_as_text(error: Any, detail: dict[str, str]) -> None:
    world, incident = assessed()

    record_failure(incident.incident_id, error, world, NOW)

    assert world.audit.entries[0].detail == detail
