"""Escalation steps: start once, notify a tier with one safe link per person, record the outcome."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crisiswatch.domain.errors import IncidentNotFoundError, InvalidRequestError
from crisiswatch.domain.incidents import Incident, IncidentStatus, Recipient
from crisiswatch.domain.links import LinkState, link_key
from crisiswatch.usecases.decisions import Outcome, view_link
from crisiswatch.usecases.escalation import notify_tier, record_decision, record_timeout, start_escalation
from tests.fakes import BASE_URL, LINK_SECRET, T0, FakeServices, make_incident

TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcZ0xK6l1u0n3vGdV0yF0b9+7nO3jQ2m1Bf8i4vO9hT1Cq0n+ZrSx3k5mW8yTn2lLp4" * 7
NOW = T0 + timedelta(minutes=3)
URL_ID = re.compile(r"/a/([A-Za-z0-9_-]+)")

# GSM 03.38 basic character set: one septet each. The extension table (e.g. []{}~^|\\€) costs two.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


def world_with(incident: Incident | None = None) -> tuple[FakeServices, Incident]:
    world = FakeServices()
    incident = incident or make_incident()
    assert world.incidents.open(incident)
    return world, incident


def notify(
    world: FakeServices,
    incident: Incident,
    tier: int = 1,
    recipients: list[Recipient] | None = None,
    base_url: str = BASE_URL,
    token: str = TOKEN,
):
    return notify_tier(
        incident.incident_id,
        tier,
        token,
        world.settings.tier_recipients[tier] if recipients is None else recipients,
        timedelta(minutes=15),
        base_url,
        world.incidents,
        world.links,
        world.notifier,
        world.audit,
        NOW,
    )


def test_each_recipient_gets_a_link_of_their_own_tied_to_one_wait() -> None:
    world, incident = world_with()

    sent = notify(world, incident)

    links = list(world.links.links.values())
    assert sorted(link.recipient for link in links) == ["tier1-backup", "tier1-primary"]
    assert len({link.notification_id for link in links}) == 1
    assert all(link.tier == 1 and link.state is LinkState.PENDING for link in links)
    assert all(link.expires_at == NOW + timedelta(minutes=15) for link in links)
    assert all(world.links.task_token(link.key) == TOKEN for link in links)
    assert [s["recipient"] for s in sent] == ["tier1-primary", "tier1-backup"]
    assert [m.recipient for _, m in world.notifier.sent] == ["tier1-primary", "tier1-backup"]


def test_the_task_token_is_in_no_message_no_audit_entry_and_no_result() -> None:
    world, incident = world_with()

    sent = notify(world, incident)

    for _, message in world.notifier.sent:
        for text in (message.subject, message.email_body, message.sms_body):
            assert TOKEN[:40] not in text
    assert TOKEN[:40] not in repr(world.audit.entries)
    assert TOKEN[:40] not in repr(sent)


def test_every_link_carries_a_22_character_id_that_opens_the_persons_own_page() -> None:
    world, incident = world_with()
    notify(world, incident)

    for _, message in world.notifier.sent:
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
    ids = [URL_ID.findall(m.sms_body)[0] for _, m in world.notifier.sent]
    assert len(set(ids)) == len(ids)


def test_the_link_id_itself_is_not_stored() -> None:
    world, incident = world_with()
    notify(world, incident)

    for _, message in world.notifier.sent:
        link_id = URL_ID.findall(message.sms_body)[0]
        assert link_id not in repr(world.links.links)
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
    [BASE_URL, "https://go.example.com", "https://crisis-links.very-long-company-name.example.com/x"],
)
def test_every_sms_fits_one_gsm7_part_with_its_link_whole(brand: str, base_url: str) -> None:
    world, incident = world_with(make_incident(brand=brand))

    notify(world, incident, base_url=base_url)

    for _, message in world.notifier.sent:
        sms = message.sms_body
        assert len(sms) <= 160, sms
        assert set(sms) <= GSM7_BASIC, sorted(set(sms) - GSM7_BASIC)
        assert re.search(re.escape(base_url.rstrip("/")) + r"/a/[A-Za-z0-9_-]{22}$", sms)


def test_the_email_names_the_person_the_incident_and_the_deadline() -> None:
    world, incident = world_with()
    notify(world, incident)

    _, message = world.notifier.sent[0]
    assert message.email_body.startswith("Hello Tier 1 responder,")
    assert incident.incident_id in message.email_body
    assert incident.summary in message.email_body
    assert (NOW + timedelta(minutes=15)).strftime("%H:%M UTC") in message.email_body
    assert "(tier 1)" in message.subject and "SEV2" in message.subject


def test_the_notification_is_audited_without_secrets() -> None:
    world, incident = world_with()
    notify(world, incident, tier=2)

    (entry,) = world.audit.entries
    assert entry.kind == "tier.notified"
    assert entry.detail["tier"] == 2
    assert entry.detail["recipients"] == ["tier2-primary"]


@pytest.mark.parametrize(("token", "recipients"), [("", None), (TOKEN, [])])
def test_notify_without_a_token_or_recipients_is_refused_and_sends_nothing(
    token: str, recipients: list[Recipient] | None
) -> None:
    world, incident = world_with()

    with pytest.raises(InvalidRequestError):
        notify(world, incident, token=token, recipients=recipients)

    assert world.notifier.sent == []
    assert world.links.links == {}


def test_notify_for_an_unknown_incident_is_refused() -> None:
    world, _ = world_with()

    with pytest.raises(IncidentNotFoundError):
        notify(world, make_incident(brand="Nobody"))
    assert world.notifier.sent == []


# ----- record_decision / record_timeout -------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status", "decided_by"),
    [
        (
            {"decision": "approve", "decided_by": "tier1-primary", "tier": 1},
            IncidentStatus.APPROVED,
            "tier1-primary",
        ),
        (
            {"decision": "dismiss", "decided_by": "tier2-primary", "tier": 2},
            IncidentStatus.DISMISSED,
            "tier2-primary",
        ),
        ({"decision": "unanswered"}, IncidentStatus.UNANSWERED, "nobody"),
    ],
)
def test_record_decision_writes_the_outcome_and_frees_the_brand(
    outcome: dict[str, object], status: IncidentStatus, decided_by: str
) -> None:
    world, incident = world_with()

    recorded = record_decision(incident.incident_id, outcome, world.incidents, world.audit, NOW)

    assert (recorded.status, recorded.decided_by, recorded.decided_at) == (status, decided_by, NOW)
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is status and stored.decision == outcome["decision"]
    assert incident.brand not in world.incidents.open_by_brand
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.detail["decision"]) == (
        "incident.decided",
        decided_by,
        outcome["decision"],
    )


@pytest.mark.parametrize(
    "outcome", [{"decision": "escalate"}, {"decision": None}, {}, {"decision": "APPROVE"}]
)
def test_an_unknown_decision_is_invalid_and_changes_nothing(outcome: dict[str, object]) -> None:
    world, incident = world_with()

    with pytest.raises(InvalidRequestError):
        record_decision(incident.incident_id, outcome, world.incidents, world.audit, NOW)

    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.status is IncidentStatus.ESCALATING
    assert world.incidents.open_by_brand == {incident.brand: incident.incident_id}
    assert world.audit.entries == []


def test_a_retried_record_decision_is_harmless() -> None:
    world, incident = world_with()
    outcome = {"decision": "approve", "decided_by": "tier1-primary"}

    record_decision(incident.incident_id, outcome, world.incidents, world.audit, NOW)
    again = record_decision(incident.incident_id, outcome, world.incidents, world.audit, NOW)

    assert again.status is IncidentStatus.APPROVED
    assert world.incidents.open_by_brand == {}


def test_a_tier_timeout_is_audited() -> None:
    world, incident = world_with()

    record_timeout(incident.incident_id, 1, world.audit, NOW)

    (entry,) = world.audit.entries
    assert (entry.kind, entry.detail, entry.at) == ("tier.timed_out", {"tier": 1}, NOW)


# ----- start_escalation -----------------------------------------------------------------------------


def test_an_escalation_starts_once_per_incident() -> None:
    world, incident = world_with()

    first = start_escalation(incident.incident_id, world.incidents, world.escalation, world.audit, NOW)
    again = start_escalation(incident.incident_id, world.incidents, world.escalation, world.audit, NOW)

    assert first is not None and first.endswith(incident.incident_id)
    assert again is None
    stored = world.incidents.get(incident.incident_id)
    assert stored is not None and stored.execution_arn == first
    assert world.audit.kinds() == ["escalation.started"]
    assert len(world.escalation.executions) == 1


def test_an_escalation_for_an_unknown_incident_is_an_error() -> None:
    world, _ = world_with()

    with pytest.raises(IncidentNotFoundError):
        start_escalation("inc-nobody-20240523T1200Z", world.incidents, world.escalation, world.audit, NOW)
    assert world.escalation.executions == {}
