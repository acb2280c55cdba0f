"""Action links under attack: none of these may change an incident, and each says what happened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from crisiswatch.domain.links import FORM_TOKEN_TTL, LinkState, form_token, link_key, new_link_id
from crisiswatch.usecases.decisions import LinkPage, Outcome, decide, view_link
from crisiswatch.usecases.escalation import notify_tier
from tests.fakes import LINK_SECRET, T0, FakeServices, make_incident

TOKEN = "task-token-" + "x" * 600
SENT = T0 + timedelta(minutes=3)
CLICK = SENT + timedelta(minutes=4)
CLIENT = "203.0.113.42 Mozilla/5.0 (iPhone)"


@dataclass
class Scene:
    world: FakeServices
    ids: dict[str, str]
    """recipient id -> link id from their message."""
    incident_id: str

    def view(self, link_id: str, now: datetime = CLICK) -> LinkPage:
        return view_link(link_id, LINK_SECRET, self.world.links, self.world.incidents, now)

    def token(self, link_id: str, now: datetime = CLICK) -> str:
        page = self.view(link_id, now)
        assert page.outcome is Outcome.CONFIRM, page.outcome
        return page.form_token

    def decide(
        self, link_id: str, decision: str = "approve", token: str | None = None, now: datetime = CLICK
    ) -> LinkPage:
        submitted = self.token(link_id, now) if token is None else token
        return decide(
            link_id,
            decision,
            submitted,
            CLIENT,
            LINK_SECRET,
            self.world.links,
            self.world.incidents,
            self.world.escalation,
            self.world.audit,
            now,
        )

    def state(self) -> tuple[Any, ...]:
        """Everything a click could change."""
        links, locks = self.world.links.snapshot()
        incident = self.world.incidents.get(self.incident_id)
        return (links, locks, incident, list(self.world.audit.entries), list(self.world.escalation.succeeded))


def scene(tier: int = 1) -> Scene:
    world = FakeServices()
    incident = make_incident(summary="<script>alert(1)</script> 60 mentions")
    world.incidents.open(incident)
    notify_tier(
        incident.incident_id,
        tier,
        TOKEN,
        world.settings.tier_recipients[tier],
        timedelta(minutes=15),
        world.settings.action_base_url,
        world.incidents,
        world.links,
        world.notifier,
        world.audit,
        SENT,
    )
    world.audit.entries.clear()
    ids = {m.recipient: re.findall(r"/a/([A-Za-z0-9_-]{22})", m.sms_body)[0] for _, m in world.notifier.sent}
    return Scene(world, ids, incident.incident_id)


# ----- GET / HEAD -----------------------------------------------------------------------------------


def test_opening_a_link_shows_a_confirmation_with_a_form_token() -> None:
    s = scene()

    page = s.view(s.ids["tier1-primary"])

    assert page.outcome is Outcome.CONFIRM
    assert page.status == 200
    assert page.link is not None and page.link.recipient == "tier1-primary"
    assert page.incident is not None and page.incident.incident_id == s.incident_id
    assert page.form_token


def test_a_scanner_opening_every_link_many_times_changes_nothing() -> None:
    s = scene()
    before = s.state()

    for _ in range(25):
        for link_id in s.ids.values():
            assert s.view(link_id).outcome is Outcome.CONFIRM

    assert s.state() == before


@pytest.mark.parametrize(
    "link_id",
    [
        "",
        "short",
        "x" * 21,
        "x" * 23,
        "../../etc/passwd",
        "Xb3kQ9pLm2vT7wZr1cYd0A\n",
        "Xb3kQ9pLm2vT7wZr1cYd0%",
        "é" * 22,
    ],
)
def test_a_malformed_id_is_unknown(link_id: str) -> None:
    s = scene()
    before = s.state()

    assert s.view(link_id).outcome is Outcome.UNKNOWN
    assert decide(
        link_id, "approve", "1.x", CLIENT, LINK_SECRET, s.world.links, s.world.incidents,
        s.world.escalation, s.world.audit, CLICK,
    ).outcome is Outcome.UNKNOWN  # fmt: skip
    assert s.state() == before


def test_a_forged_id_is_unknown() -> None:
    s = scene()
    forged = new_link_id()
    before = s.state()

    assert s.view(forged).outcome is Outcome.UNKNOWN
    assert s.decide(forged, token=form_token(LINK_SECRET, forged, CLICK)).outcome is Outcome.UNKNOWN
    assert s.state() == before


# ----- POST -----------------------------------------------------------------------------------------


def test_a_confirmed_decision_resumes_the_workflow_as_the_person_the_link_was_sent_to() -> None:
    s = scene()

    page = s.decide(s.ids["tier1-backup"], "dismiss")

    assert page.outcome is Outcome.DECIDED
    assert page.decided is not None and page.decided.decided_by == "tier1-backup"
    ((token, output),) = s.world.escalation.succeeded
    assert token == TOKEN
    assert output["decision"] == "dismiss"
    assert output["decided_by"] == "tier1-backup"
    assert output["tier"] == 1
    (entry,) = s.world.audit.entries
    assert (entry.kind, entry.actor) == ("decision.submitted", "tier1-backup")
    assert entry.detail["client"] == CLIENT
    assert s.ids["tier1-backup"] not in repr(entry.detail)  # only a hint of the id is logged
    stored = s.world.links.get(link_key(s.ids["tier1-backup"]))
    assert stored is not None and stored.state is LinkState.USED


@pytest.mark.parametrize(
    "token", ["", "garbage", "1716466440", ".", "1716466440.", "²³.abc", "١٧١٦٤٦٦٤٤٠.abc"]
)
def test_a_post_without_the_pages_form_token_decides_nothing(token: str) -> None:
    s = scene()
    before = s.state()

    page = s.decide(s.ids["tier1-primary"], token=token)

    assert page.outcome is Outcome.BAD_FORM
    assert page.status == 400
    assert s.state() == before


def test_a_tampered_form_token_decides_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    good = s.token(link_id)
    stamp, mac = good.split(".")
    tampered = [
        f"{stamp}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",  # one character of the MAC
        f"{int(stamp) + 1}.{mac}",  # a later issue time with the old MAC
        form_token(b"another secret", link_id, CLICK),  # signed with a key we do not hold
        s.token(s.ids["tier1-backup"]),  # issued for another link
        good + "=" * 40,  # padded past the length limit
    ]
    before = s.state()

    for token in tampered:
        assert s.decide(link_id, token=token).outcome is Outcome.BAD_FORM, token

    assert s.state() == before


def test_an_old_form_token_decides_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    issued = CLICK - FORM_TOKEN_TTL - timedelta(seconds=1)
    old = form_token(LINK_SECRET, link_id, issued)
    before = s.state()

    page = s.decide(link_id, token=old)

    assert page.outcome is Outcome.BAD_FORM
    assert "Open the link again" in page.message
    assert s.state() == before


def test_a_form_token_from_the_future_decides_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]

    page = s.decide(link_id, token=form_token(LINK_SECRET, link_id, CLICK + timedelta(minutes=5)))

    assert page.outcome is Outcome.BAD_FORM


@pytest.mark.parametrize("decision", ["escalate", "APPROVE", "", "approve ", "unanswered", "dismiss\x00"])
def test_a_decision_that_was_not_offered_decides_nothing(decision: str) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    token = s.token(link_id)
    before = s.state()

    page = s.decide(link_id, decision, token=token)

    assert page.outcome is Outcome.BAD_FORM
    assert s.state() == before
    assert s.view(link_id).outcome is Outcome.CONFIRM  # the link still works


def test_a_reused_link_says_already_decided_by_whom() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    token = s.token(link_id)
    assert s.decide(link_id, token=token).outcome is Outcome.DECIDED
    after_first = s.state()

    again = s.decide(link_id, "dismiss", token=token)

    assert again.outcome is Outcome.ALREADY_DECIDED
    assert again.status == 409
    assert again.decided is not None
    assert (again.decided.decided_by, again.decided.decision, again.decided.decided_at) == (
        "tier1-primary",
        "approve",
        CLICK,
    )
    assert s.state() == after_first
    assert len(s.world.escalation.succeeded) == 1


def test_another_recipients_link_after_someone_decided_says_already_decided_by_them() -> None:
    s = scene()
    assert s.decide(s.ids["tier1-primary"]).outcome is Outcome.DECIDED
    after_first = s.state()
    backup = s.ids["tier1-backup"]

    viewed = s.view(backup)
    posted = decide(
        backup, "dismiss", form_token(LINK_SECRET, backup, CLICK), CLIENT, LINK_SECRET, s.world.links,
        s.world.incidents, s.world.escalation, s.world.audit, CLICK,
    )  # fmt: skip

    for page in (viewed, posted):
        assert page.outcome is Outcome.ALREADY_DECIDED
        assert page.decided is not None and page.decided.decided_by == "tier1-primary"
        assert page.form_token == ""
    assert s.state() == after_first


def test_an_expired_link_says_so_and_decides_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    late = SENT + timedelta(minutes=15)
    token = form_token(LINK_SECRET, link_id, late)
    before = s.state()

    assert s.view(link_id, late).outcome is Outcome.EXPIRED
    page = s.decide(link_id, token=token, now=late)

    assert page.outcome is Outcome.EXPIRED
    assert page.status == 410
    assert s.state() == before


def test_a_click_after_the_workflow_moved_on_is_expired_and_audited_as_late() -> None:
    s = scene()
    s.world.escalation.succeed_plan = ["dead"]

    page = s.decide(s.ids["tier1-primary"])

    assert page.outcome is Outcome.EXPIRED
    assert s.world.escalation.succeeded == []
    assert s.world.audit.kinds() == ["link.late"]
    incident = s.world.incidents.get(s.incident_id)
    assert incident is not None and incident.decision is None
    # Nothing was decided, so nobody may later be named as the decider.
    assert (
        s.world.links.decision_for(s.world.links.get(link_key(s.ids["tier1-primary"])).notification_id)
        is None
    )


def test_an_unreachable_workflow_means_retry_and_the_link_works_again() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    before = s.state()
    s.world.escalation.succeed_plan = ["transient"]

    page = s.decide(link_id)

    assert page.outcome is Outcome.RETRY
    assert "Nothing was decided" in page.message
    assert s.state() == before  # the claim was released
    assert s.view(link_id).outcome is Outcome.CONFIRM
    assert s.view(s.ids["tier1-backup"]).outcome is Outcome.CONFIRM
    assert s.decide(link_id).outcome is Outcome.DECIDED
    assert len(s.world.escalation.succeeded) == 1


def test_two_recipients_racing_have_one_winner() -> None:
    s = scene()
    tokens = {r: s.token(i) for r, i in s.ids.items()}

    pages = [s.decide(s.ids[r], token=tokens[r]) for r in ("tier1-backup", "tier1-primary")]

    assert [p.outcome for p in pages] == [Outcome.DECIDED, Outcome.ALREADY_DECIDED]
    assert pages[1].decided is not None and pages[1].decided.decided_by == "tier1-backup"
    assert len(s.world.escalation.succeeded) == 1
