"""Action links under attack: only a valid decision or tick changes anything, and each page says why.

A scene is built the way the crisis plan builds it: `assess` routes the incident and fills its drafts,
`request_decision` opens a `DecisionRequest` bound to the wait's task token and sends one link per
contact. The tests then open and submit those links as the people (and the attackers) would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.crisis_plan import (
    Cursor,
    Phase,
    after_timeout,
    monitor_cursor,
)
from crisiswatch.domain.response.incidents import IncidentChanges
from crisiswatch.domain.response.links import (
    FORM_TOKEN_TTL,
    LinkState,
    form_token,
    new_link_id,
)
from crisiswatch.domain.response.statements import Draft
from crisiswatch.usecases.asking import rounds_of, time_ran_out
from crisiswatch.usecases.decisions import LinkPage, Outcome, Revision, Submission, decide
from crisiswatch.web.pages import link_message, link_status
from tests.builders.links import (
    ALL_ITEMS,
    CLICK,
    CLIENT,
    EXPIRES,
    ROUTED,
    SENT,
    TIER_CHOICES,
    TIMING,
    TOKEN,
    Scene,
    later_phase_scene,
    offered,
    owner_scene,
    scene,
)
from tests.fakes import LINK_SECRET, FakeServices

# ----- GET / HEAD -----------------------------------------------------------------------------------


def test_opening_a_link_shows_a_confirmation_with_a_form_token() -> None:
    s = scene()

    page = s.view(s.ids["tier1-primary"])

    assert page.outcome is Outcome.CONFIRM
    assert link_status(page) == 200
    assert page.link is not None and page.link.recipient == "tier1-primary"
    assert page.incident is not None and page.incident.incident_id == s.incident_id
    assert page.request is not None and page.request.recipients == ("tier1-primary", "tier1-backup")
    assert page.expires_at == EXPIRES
    assert page.form_token


def test_the_confirmation_offers_the_drafts_exactly_as_stored_revisions_first() -> None:
    s = scene()
    originals = s.incident.drafts
    assert originals[0].key == "holding-social-product"  # the holding statement leads

    def revision(n: int) -> Draft:
        return Draft.from_stored(
            {
                "key": f"revision-{n}",
                "kind": "holding_statement",
                "channel": "social",
                "label": f"Holding, revised {n}",
                "text": f"We <b>hear</b> you & we're on it ({n}).\n\n  Two spaces kept.",
                "template_key": "holding-social-product",
                "revised_by": "tier1-primary",
            }
        )

    s.world.incidents.update(s.incident_id, IncidentChanges(drafts=(*originals, revision(1), revision(2))))

    page = s.view(s.ids["tier1-backup"])

    assert page.drafts == [revision(2), revision(1), *originals]
    assert page.drafts == offered(s.incident.drafts)


def test_the_confirmation_carries_the_checklist() -> None:
    s = scene()

    page = s.view(s.ids["tier1-primary"])

    items = [line.item.value for line in page.checklist]
    assert items == [item for item in ALL_ITEMS if item != "legal_reviewed"]
    facts = next(line for line in page.checklist if line.item is ChecklistItem.FACTS_GATHERED)
    assert (facts.done_by, facts.done_at, facts.tickable) == ("crisiswatch", to_iso(ROUTED), False)
    tickable = [line.item.value for line in page.checklist if line.tickable]
    assert tickable == ["stakeholders_informed"]


def test_legal_review_is_on_the_checklist_only_when_the_route_pulls_legal_in() -> None:
    s = scene(crisis_types=("data_breach",))
    assert s.incident.includes_legal is True
    assert set(s.ids) == {"tier1-primary", "tier1-backup", "legal-counsel"}

    page = s.view(s.ids["legal-counsel"])

    tickable = [line.item.value for line in page.checklist if line.tickable]
    assert tickable == ["stakeholders_informed", "legal_reviewed"]


@pytest.mark.parametrize(
    ("make", "recipient", "choices"),
    [
        (scene, "tier1-primary", TIER_CHOICES),
        (owner_scene, "tier1-primary", TIER_CHOICES - {"acknowledge"}),
        (lambda: later_phase_scene(Phase.MONITOR), "tier2-primary", {"resolve"}),
        (lambda: later_phase_scene(Phase.REVIEW), "tier2-primary", {"review_done"}),
    ],
    ids=["tiers", "owner", "monitor", "review"],
)
def test_each_phase_offers_only_its_own_decisions(
    make: Callable[[], Scene], recipient: str, choices: set[str]
) -> None:
    s = make()

    page = s.view(s.ids[recipient])

    assert page.outcome is Outcome.CONFIRM
    assert page.link is not None
    assert {choice.value for choice in page.link.allowed} == choices


def test_a_scanner_storm_of_gets_changes_nothing_whatever_the_links_state() -> None:
    s = scene()
    assert s.approve(s.ids["tier1-backup"]).outcome is Outcome.DECIDED
    s.world.incidents.update(s.incident_id, IncidentChanges(owner="tier2-primary"))
    s.ask(monitor_cursor(0, TIMING), "monitor-token", CLICK)  # a second request, live
    assert len(s.every_id) == 3
    before = s.state()

    for _ in range(50):
        for link_id in s.every_id:
            s.view(link_id)
            s.view(link_id, EXPIRES + timedelta(hours=1))
        s.view(new_link_id())

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
        "Xb3kQ9pLm2vT7wZr1cYd0=",
        "é" * 22,
        "٣" * 22,
    ],
)
def test_a_malformed_id_is_unknown(link_id: str) -> None:
    s = scene()
    before = s.state()

    assert s.view(link_id).outcome is Outcome.UNKNOWN
    page = s.post(link_id, Submission(form_token="1.x", decision="dismiss"))
    assert page.outcome is Outcome.UNKNOWN
    assert link_status(page) == 404
    assert s.state() == before


def test_a_forged_id_is_unknown_even_with_a_form_token_signed_for_it() -> None:
    s = scene()
    forged = new_link_id()
    before = s.state()

    assert s.view(forged).outcome is Outcome.UNKNOWN
    for submission in (
        Submission(form_token(LINK_SECRET, forged, CLICK), "dismiss"),
        Submission(form_token(LINK_SECRET, forged, CLICK), tick="stakeholders_informed"),
    ):
        assert s.post(forged, submission).outcome is Outcome.UNKNOWN
    assert s.state() == before


def test_a_link_id_that_is_the_stored_key_opens_nothing() -> None:
    """The table holds a hash of the id: someone who reads it cannot use what they read."""
    s = scene()
    stored = s.link("tier1-primary").key

    assert s.view(stored).outcome is Outcome.UNKNOWN
    assert s.view(stored[:22]).outcome is Outcome.UNKNOWN


# ----- form tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["", "garbage", "1716466440", ".", "1716466440.", "²³.abc", "١٧١٦٤٦٦٤٤٠.abc", "-1.abc"]
)
@pytest.mark.parametrize("what", ["decision", "tick"])
def test_a_post_without_the_pages_form_token_changes_nothing(token: str, what: str) -> None:
    s = scene()
    before = s.state()
    link_id = s.ids["tier1-primary"]

    if what == "decision":
        page = s.submit(link_id, "dismiss", token=token)
    else:
        page = s.tick(link_id, "stakeholders_informed", token=token)

    assert page.outcome is Outcome.BAD_FORM
    assert link_status(page) == 400
    assert "Open the link again" in link_message(page)
    assert page.form_token == ""
    assert s.state() == before


def test_a_tampered_form_token_changes_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    good = s.form_token(link_id)
    stamp, mac = good.split(".")
    tampered = [
        f"{stamp}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",  # one character of the MAC
        f"{int(stamp) + 1}.{mac}",  # a later issue time with the old MAC
        f"{int(stamp) - 1}.{mac}",
        f"{stamp}.{mac}".upper(),
        f"0{stamp}.{mac}",
        form_token(b"another secret", link_id, CLICK),  # signed with a key we do not hold
        s.form_token(s.ids["tier1-backup"]),  # issued for another link
        good + "=" * 40,  # padded past the length limit
        good + "\n",
    ]
    before = s.state()

    for token in tampered:
        assert s.submit(link_id, "dismiss", token=token).outcome is Outcome.BAD_FORM, token
        assert s.tick(link_id, "stakeholders_informed", token=token).outcome is Outcome.BAD_FORM, token

    assert s.state() == before
    assert s.submit(link_id, "dismiss", token=good).outcome is Outcome.DECIDED  # the real one works


def test_an_old_form_token_changes_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    old = form_token(LINK_SECRET, link_id, CLICK - FORM_TOKEN_TTL - timedelta(seconds=1))
    before = s.state()

    page = s.submit(link_id, "dismiss", token=old)

    assert page.outcome is Outcome.BAD_FORM
    assert "Open the link again" in link_message(page)
    assert s.tick(link_id, "stakeholders_informed", token=old).outcome is Outcome.BAD_FORM
    assert s.state() == before


def test_a_form_token_from_the_future_changes_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    future = form_token(LINK_SECRET, link_id, CLICK + timedelta(minutes=5))
    before = s.state()

    assert s.submit(link_id, "dismiss", token=future).outcome is Outcome.BAD_FORM
    assert s.tick(link_id, "stakeholders_informed", token=future).outcome is Outcome.BAD_FORM
    assert s.state() == before


def test_a_form_token_stays_valid_for_its_whole_lifetime() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    issued = CLICK - FORM_TOKEN_TTL + timedelta(seconds=1)

    page = s.submit(link_id, "dismiss", token=form_token(LINK_SECRET, link_id, issued))

    assert page.outcome is Outcome.DECIDED


# ----- deciding -------------------------------------------------------------------------------------


def test_a_confirmed_decision_resumes_the_workflow_as_the_person_the_link_was_sent_to() -> None:
    s = scene()
    link_id = s.ids["tier1-backup"]

    page = s.submit(link_id, "dismiss", note="  Known prank, see ticket 42.  ")

    assert page.outcome is Outcome.DECIDED
    assert link_status(page) == 200
    assert page.decided is not None
    assert (page.decided.decided_by, page.decided.decision, page.decided.decided_at) == (
        "tier1-backup",
        "dismiss",
        CLICK,
    )
    ((token, output),) = s.succeeded()
    assert token == TOKEN
    assert output == {
        "decision": "dismiss",
        "decided_by": "tier1-backup",
        "tier": 1,
        "decided_at": CLICK.isoformat(),
        "note": "Known prank, see ticket 42.",
    }
    (entry,) = s.world.audit.entries
    assert (entry.kind, entry.actor, entry.at) == ("decision.submitted", "tier1-backup", CLICK)
    assert entry.detail["client"] == CLIENT
    assert entry.detail["decision"] == "dismiss"
    assert link_id not in repr(s.world.audit.entries)  # only a hint of the id is logged
    assert TOKEN[:30] not in repr(s.world.audit.entries)
    assert s.link("tier1-backup").state is LinkState.USED


def test_approve_resumes_with_the_chosen_statement() -> None:
    s = scene()
    web = s.draft_key("web")

    page = s.submit(s.ids["tier1-primary"], "approve", statement=web)

    assert page.outcome is Outcome.DECIDED
    ((_, output),) = s.succeeded()
    assert (output["decision"], output["statement"], output["decided_by"]) == (
        "approve",
        web,
        "tier1-primary",
    )
    assert "revised_text" not in output
    assert s.world.audit.entries[-1].detail["statement"] == web


@pytest.mark.parametrize(
    "statement",
    ["", "nope", "holding-social-product ", "HOLDING-SOCIAL-PRODUCT", "holding", "revision-1", "None"],
)
@pytest.mark.parametrize("decision", ["approve", "request_changes"])
def test_a_statement_that_was_not_offered_changes_nothing(decision: str, statement: str) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    before = s.state()

    page = s.submit(link_id, decision, statement=statement, revised_text="We are on it.")

    assert page.outcome is Outcome.BAD_FORM
    assert link_status(page) == 400
    assert "statements shown" in link_message(page)
    assert s.state() == before
    assert s.view(link_id).outcome is Outcome.CONFIRM  # the link still works


def test_request_changes_resumes_with_the_statement_and_the_revised_text() -> None:
    s = scene()
    key = s.draft_key("social")

    page = s.submit(
        s.ids["tier1-primary"],
        "request_changes",
        statement=key,
        revised_text="\n  We are sorry. A full update follows at 3pm.  \n",
        note="Softer tone",
    )

    assert page.outcome is Outcome.DECIDED
    ((_, output),) = s.succeeded()
    assert output["decision"] == "request_changes"
    assert output["statement"] == key
    assert output["revised_text"] == "We are sorry. A full update follows at 3pm."
    assert output["note"] == "Softer tone"
    assert output["decided_by"] == "tier1-primary"


@pytest.mark.parametrize(
    ("channel", "limit"), [("social", 280), ("web", 2000)], ids=["social-280", "web-2000"]
)
def test_a_revised_text_must_fit_its_channel(channel: str, limit: int) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    key = s.draft_key(channel)
    before = s.state()

    too_long = s.submit(link_id, "request_changes", statement=key, revised_text="é" * (limit + 1))

    assert too_long.outcome is Outcome.BAD_FORM
    assert str(limit) in link_message(too_long)
    assert s.state() == before
    fits = s.submit(link_id, "request_changes", statement=key, revised_text="  " + "é" * limit + "  ")
    assert fits.outcome is Outcome.DECIDED
    assert s.succeeded()[0][1]["revised_text"] == "é" * limit


@pytest.mark.parametrize("revised", ["", " ", "\n\t  \r\n", "\u3000"])
def test_request_changes_without_a_revised_text_changes_nothing(revised: str) -> None:
    s = scene()
    before = s.state()

    page = s.submit(s.ids["tier1-primary"], "request_changes", statement=s.draft_key(), revised_text=revised)

    assert page.outcome is Outcome.BAD_FORM
    assert "The statement is empty" in link_message(page)
    assert s.state() == before


UNPUBLISHABLE = {
    "nul": "We are on it.\x00",
    "esc-sequence": "We are \x1b[31mon it\x1b[0m.",
    "del": "We are on it.\x7f",
    "c1-csi": "We are on it.\x9b2J",
    "bidi-override": "Refunds: \u202e%001\u202c for all.",
    "bidi-isolate": "We are \u2067on it\u2069.",
    "whitespace-only": " \r\n\t\u3000 \r\n",
    "zero-width-only": "\u200b\u200d\ufeff",
    "10000-characters": "x" * 10_000,
    "limit+1-after-nfc": "e\u0301" * 281,
}


@pytest.mark.parametrize("typed", list(UNPUBLISHABLE.values()), ids=list(UNPUBLISHABLE))
def test_a_revision_that_cannot_be_published_decides_nothing_and_comes_back_as_typed(typed: str) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    key = s.draft_key("social")
    before = s.state()

    page = s.submit(link_id, "request_changes", statement=key, revised_text=typed)

    assert page.outcome is Outcome.BAD_FORM and link_status(page) == 400
    assert link_message(page).startswith("The revised statement was not sent for approval. ")
    assert page.revision == Revision(key, typed)  # nothing typed is lost
    assert page.form_token  # the choices are offered again, with a fresh form token
    assert s.state() == before
    fixed = s.submit(
        link_id, "request_changes", statement=key, revised_text="We are on it.", token=page.form_token
    )
    assert fixed.outcome is Outcome.DECIDED
    assert s.succeeded()[0][1]["revised_text"] == "We are on it."


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("We hear you.\r\n\r\n\r\nCafe\u0301 update at 3pm.  \r\n", "We hear you.\n\nCafé update at 3pm."),
        ("Old Mac\rline endings\u2028too", "Old Mac\nline endings\ntoo"),
        ("Sizes:\tS\tM", "Sizes: S M"),
        ("#Ac\u200bme", "#Acme"),
        ("e\u0301" * 280, "\u00e9" * 280),  # 560 code points typed, 280 after NFC: exactly the limit
        ("x" * 139 + "\r\n" + "x" * 140, "x" * 139 + "\n" + "x" * 140),  # a browser's CRLF is one break
    ],
    ids=["crlf-nfd-trailing", "cr-and-line-separator", "tabs", "zero-width-space", "at-limit-nfc", "crlf"],
)
def test_a_revision_goes_for_approval_tidied(typed: str, sent: str) -> None:
    s = scene()

    page = s.submit(
        s.ids["tier1-primary"], "request_changes", statement=s.draft_key("social"), revised_text=typed
    )

    assert page.outcome is Outcome.DECIDED, link_message(page)
    assert s.succeeded()[0][1]["revised_text"] == sent


def test_a_revised_text_on_a_social_draft_is_measured_against_social_even_if_a_web_draft_exists() -> None:
    s = scene()
    before = s.state()

    page = s.submit(
        s.ids["tier1-primary"], "request_changes", statement=s.draft_key("social"), revised_text="x" * 281
    )

    assert page.outcome is Outcome.BAD_FORM
    assert s.state() == before


@pytest.mark.parametrize(
    "decision",
    [
        "",
        "APPROVE",
        "approve ",
        " dismiss",
        "dismiss\x00",
        "unanswered",
        "resolve",
        "review_done",
        "Decision.DISMISS",
    ],
)
def test_a_decision_that_was_not_offered_changes_nothing(decision: str) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    token = s.form_token(link_id)
    before = s.state()

    page = s.submit(link_id, decision, statement=s.draft_key(), revised_text="x", token=token)

    assert page.outcome is Outcome.BAD_FORM
    assert link_status(page) == 400
    assert s.state() == before
    assert s.view(link_id).outcome is Outcome.CONFIRM  # the link still works


def test_the_owner_cannot_acknowledge_again_and_monitoring_only_resolves() -> None:
    owner = owner_scene()
    before = owner.state()
    assert owner.submit(owner.ids["tier1-primary"], "acknowledge").outcome is Outcome.BAD_FORM
    assert owner.state() == before

    monitor = later_phase_scene(Phase.MONITOR)
    link_id = monitor.ids["tier2-primary"]
    before = monitor.state()
    for decision in ("approve", "dismiss", "escalate", "review_done", "acknowledge"):
        page = monitor.submit(link_id, decision, statement=monitor.draft_key())
        assert page.outcome is Outcome.BAD_FORM, decision
    assert monitor.state() == before

    page = monitor.submit(link_id, "resolve")
    assert page.outcome is Outcome.DECIDED
    ((token, output),) = monitor.succeeded()
    assert token == "monitor-token"
    assert (output["decision"], output["decided_by"], output["tier"]) == ("resolve", "tier2-primary", 0)
    assert "statement" not in output


def test_the_review_is_confirmed_with_its_notes() -> None:
    s = later_phase_scene(Phase.REVIEW)

    page = s.submit(s.ids["tier2-primary"], "review_done", note="Holding line worked. " * 100)

    assert page.outcome is Outcome.DECIDED
    ((token, output),) = s.succeeded()
    assert token == "review-token"
    assert output["decision"] == "review_done"
    assert len(output["note"]) == 1000


def test_the_owner_approves_and_the_owner_wait_is_resumed() -> None:
    s = owner_scene()

    page = s.approve(s.ids["tier1-primary"])

    assert page.outcome is Outcome.DECIDED
    (token, output) = s.succeeded()[-1]
    assert token == "owner-token"
    assert (output["decision"], output["decided_by"]) == ("approve", "tier1-primary")


# ----- single use, expiry, the workflow moving on ----------------------------------------------------


def test_a_reused_link_says_already_decided_by_whom_and_when() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    token = s.form_token(link_id)
    assert s.approve(link_id, token=token).outcome is Outcome.DECIDED
    after_first = s.state()

    for page in (
        s.submit(link_id, "dismiss", token=token, now=CLICK + timedelta(minutes=1)),
        s.approve(link_id, token=token, now=CLICK + timedelta(minutes=1)),
        s.view(link_id, CLICK + timedelta(minutes=1)),
        s.view(link_id, EXPIRES + timedelta(days=1)),  # still says who, long after
    ):
        assert page.outcome is Outcome.ALREADY_DECIDED
        assert link_status(page) == 409
        assert page.decided is not None
        assert (page.decided.decided_by, page.decided.decision, page.decided.decided_at) == (
            "tier1-primary",
            "approve",
            CLICK,
        )
        assert page.form_token == ""
    assert s.state() == after_first
    assert len(s.succeeded()) == 1


def test_another_recipients_link_after_someone_decided_says_already_decided_by_them() -> None:
    s = scene()
    assert s.submit(s.ids["tier1-primary"], "escalate").outcome is Outcome.DECIDED
    after_first = s.state()
    backup = s.ids["tier1-backup"]
    token = form_token(LINK_SECRET, backup, CLICK)  # a page opened before the other decided

    pages = [s.view(backup), s.submit(backup, "dismiss", token=token), s.approve(backup, token=token)]

    for page in pages:
        assert page.outcome is Outcome.ALREADY_DECIDED
        assert link_status(page) == 409
        assert page.decided is not None
        assert (page.decided.decided_by, page.decided.decision) == ("tier1-primary", "escalate")
        assert page.decided.decided_at == CLICK
        assert page.form_token == ""
    assert s.state() == after_first


def test_an_expired_request_says_so_and_decides_nothing() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    token = form_token(LINK_SECRET, link_id, EXPIRES)
    before = s.state()

    assert s.view(link_id, EXPIRES).outcome is Outcome.EXPIRED
    for page in (
        s.submit(link_id, "dismiss", token=token, now=EXPIRES),
        s.approve(link_id, token=token, now=EXPIRES),
        s.tick(link_id, "stakeholders_informed", token=token, now=EXPIRES),
    ):
        assert page.outcome is Outcome.EXPIRED
        assert link_status(page) == 410
        assert page.form_token == ""
        assert page.expires_at == EXPIRES
    after = s.state()
    assert after[:5] == before[:5] and after[6:] == before[6:]  # everything but the audit trail
    assert s.kinds() == ["link.late", "link.late"]  # each late decision leaves a trace; the tick does not
    assert s.view(link_id, EXPIRES - timedelta(seconds=1)).outcome is Outcome.CONFIRM


def test_the_request_not_the_link_decides_when_a_link_expires() -> None:
    """Monitoring re-checks rebind the request to the next wait: the link sent first keeps working."""
    s = later_phase_scene(Phase.MONITOR)
    link_id = s.ids["tier2-primary"]
    later = s.link("tier2-primary").expires_at + timedelta(minutes=1)
    assert s.view(link_id, later).outcome is Outcome.EXPIRED

    s.ask(monitor_cursor(1, TIMING), "monitor-token-2", SENT + timedelta(minutes=5))  # rebinds, sends nothing

    assert s.ids["tier2-primary"] == link_id
    assert s.view(link_id, later).outcome is Outcome.CONFIRM
    assert s.submit(link_id, "resolve", now=later).outcome is Outcome.DECIDED
    assert s.succeeded()[0][0] == "monitor-token-2"


@pytest.mark.parametrize("plan", ["ok", "dead"])
def test_a_click_after_the_request_expired_is_audited_as_late(plan: str) -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    s.world.workflow.succeed_plan = [plan]
    late = EXPIRES + timedelta(seconds=30)
    token = form_token(LINK_SECRET, link_id, late)
    before = s.state()

    page = s.submit(link_id, "dismiss", token=token, now=late)

    assert page.outcome is Outcome.EXPIRED
    assert link_status(page) == 410
    assert s.succeeded() == []
    assert s.state()[:5] == before[:5]  # links, locks, requests, tokens, incident: all as they were
    assert s.world.links.decision_for(s.link("tier1-primary").notification_id) is None
    assert s.link("tier1-primary").state is LinkState.PENDING
    (entry,) = s.world.audit.entries
    assert (entry.kind, entry.actor, entry.at) == ("link.late", "tier1-primary", late)
    assert entry.detail == {"tier": 1, "client": CLIENT}
    assert link_id not in repr(entry)


def test_a_late_click_on_a_decided_request_names_the_decider_and_is_not_late() -> None:
    s = scene()
    assert s.submit(s.ids["tier1-backup"], "dismiss").outcome is Outcome.DECIDED
    after = s.state()
    link_id = s.ids["tier1-primary"]
    late = EXPIRES + timedelta(minutes=1)

    page = s.submit(link_id, "dismiss", token=form_token(LINK_SECRET, link_id, late), now=late)

    assert page.outcome is Outcome.ALREADY_DECIDED
    assert page.decided is not None and page.decided.decided_by == "tier1-backup"
    assert s.state() == after


def test_a_dead_token_while_the_request_lives_is_retry_and_the_link_works_after_the_next_wait() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    before = s.state()
    s.world.workflow.succeed_plan = ["dead"]  # the wait ended: its reminder is on the way

    page = s.submit(link_id, "dismiss")

    assert page.outcome is Outcome.RETRY
    assert link_status(page) == 409
    assert "Nothing was decided" in link_message(page)
    assert s.state() == before  # the claim was released, nothing audited, nothing resumed
    assert s.world.links.decision_for(s.link("tier1-primary").notification_id) is None
    assert s.view(link_id).outcome is Outcome.CONFIRM

    reminder = after_timeout(s.cursor, rounds_of(s.incident, s.world.policy, TIMING))
    fresh = s.ask(reminder, "reminder-token", SENT + timedelta(minutes=10))
    assert fresh.keys() == {"tier1-primary", "tier1-backup"}
    assert fresh["tier1-primary"] != link_id

    again = s.submit(link_id, "dismiss", now=SENT + timedelta(minutes=11))  # the first link, not the new one
    assert again.outcome is Outcome.DECIDED
    ((token, output),) = s.succeeded()
    assert token == "reminder-token"
    assert output["decided_by"] == "tier1-primary"
    assert s.view(fresh["tier1-primary"], SENT + timedelta(minutes=11)).outcome is Outcome.ALREADY_DECIDED


def test_once_the_plan_moved_on_a_link_is_expired_whatever_its_clock_says() -> None:
    """The state machine's timer ended tier 1's round before the request's own expiry (clocks differ,
    or a local test ended the wait early): the next click reads "expired", not "try again"."""
    s = scene()
    link_id = s.ids["tier1-primary"]
    reminder = after_timeout(s.cursor, rounds_of(s.incident, s.world.policy, TIMING))
    s.ask(reminder, "reminder-token", SENT + timedelta(minutes=1))
    s.world.workflow.succeed_plan = ["dead"]  # the reminder's wait timed out too
    ended = SENT + timedelta(minutes=2)
    time_ran_out(s.incident_id, reminder.to_dict(), s.world, ended)
    click = ended + timedelta(seconds=5)
    assert click < EXPIRES, "by the request's first clock there was time left"

    assert s.view(link_id, click).outcome is Outcome.EXPIRED
    page = s.submit(link_id, "dismiss", token=form_token(LINK_SECRET, link_id, click), now=click)
    assert (page.outcome, link_status(page)) == (Outcome.EXPIRED, 410)
    assert s.succeeded() == [] and s.kinds()[-1] == "link.late"


def test_an_unreachable_workflow_means_retry_and_the_link_works_again() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    before = s.state()
    s.world.workflow.succeed_plan = ["transient"]

    page = s.approve(link_id)

    assert page.outcome is Outcome.RETRY
    assert link_status(page) == 409
    assert "Nothing was decided" in link_message(page)
    assert s.state() == before  # the claim was released
    assert s.view(link_id).outcome is Outcome.CONFIRM
    assert s.view(s.ids["tier1-backup"]).outcome is Outcome.CONFIRM
    assert s.approve(link_id).outcome is Outcome.DECIDED
    assert len(s.succeeded()) == 1


def test_two_recipients_racing_have_one_winner() -> None:
    s = scene()
    tokens = {recipient: s.form_token(link_id) for recipient, link_id in s.ids.items()}

    pages = [
        s.submit(s.ids[recipient], "dismiss", token=tokens[recipient])
        for recipient in ("tier1-backup", "tier1-primary")
    ]

    assert [p.outcome for p in pages] == [Outcome.DECIDED, Outcome.ALREADY_DECIDED]
    assert pages[1].decided is not None and pages[1].decided.decided_by == "tier1-backup"
    assert len(s.succeeded()) == 1
    assert s.kinds() == ["decision.submitted"]


class _Interleaved:
    """Resumes the workflow, but only after `during` ran: a second click landing mid-resume."""

    def __init__(self, world: FakeServices, during: Callable[[], LinkPage]) -> None:
        self.world = world
        self.during = during
        self.pages: list[LinkPage] = []

    def succeed(self, task_token: str, output: dict[str, Any]) -> bool:
        if not self.pages:
            self.pages.append(self.during())
        return self.world.workflow.succeed(task_token, output)


def test_a_click_landing_while_another_resumes_the_workflow_loses() -> None:
    s = scene()
    primary, backup = s.ids["tier1-primary"], s.ids["tier1-backup"]
    backup_token = s.form_token(backup)
    callbacks = _Interleaved(s.world, lambda: s.submit(backup, "escalate", token=backup_token))

    page = decide(
        primary,
        Submission(s.form_token(primary), "dismiss"),
        CLIENT,
        replace(s.world, workflow=callbacks),
        CLICK,
    )

    assert page.outcome is Outcome.DECIDED
    (loser,) = callbacks.pages
    assert loser.outcome is Outcome.ALREADY_DECIDED
    assert loser.decided is not None and loser.decided.decided_by == "tier1-primary"
    ((_, output),) = s.succeeded()
    assert (output["decision"], output["decided_by"]) == ("dismiss", "tier1-primary")


def test_a_request_that_is_no_longer_current_still_names_its_decider() -> None:
    """Escalated: round 2 has its own request; round 1's links say who escalated, and decide nothing."""
    s = scene()
    round1 = dict(s.ids)
    assert s.submit(round1["tier1-primary"], "escalate").outcome is Outcome.DECIDED
    s.ask(Cursor(Phase.TIERS, round=1, wait_seconds=1800, deadline_seconds=1800), "round-2", CLICK)
    before = s.state()

    page = s.submit(
        round1["tier1-backup"], "dismiss", token=form_token(LINK_SECRET, round1["tier1-backup"], CLICK)
    )

    assert page.outcome is Outcome.ALREADY_DECIDED
    assert page.decided is not None and page.decided.decided_by == "tier1-primary"
    assert s.state() == before
    assert s.view(s.ids["tier2-primary"]).outcome is Outcome.CONFIRM


# ----- the output belongs to the link, not the form ---------------------------------------------------


@pytest.mark.parametrize("recipient", ["tier1-primary", "tier1-backup"])
def test_decided_by_and_tier_always_come_from_the_link(recipient: str) -> None:
    s = scene()

    s.submit(
        s.ids[recipient],
        "request_changes",
        statement=s.draft_key(),
        revised_text="decided_by=exec-duty&tier=9",
        note='{"decided_by": "exec-duty"}',
    )

    ((_, output),) = s.succeeded()
    assert output["decided_by"] == recipient
    assert output["tier"] == 1
    assert set(output) == {
        "decision",
        "decided_by",
        "tier",
        "decided_at",
        "statement",
        "revised_text",
        "note",
    }
    (entry,) = s.world.audit.entries
    assert entry.actor == recipient


# ----- ticking the checklist --------------------------------------------------------------------------


def test_a_responder_ticks_stakeholders_informed_without_deciding() -> None:
    s = scene()
    link_id = s.ids["tier1-backup"]

    page = s.tick(link_id, "stakeholders_informed")

    assert page.outcome is Outcome.TICKED
    assert link_status(page) == 200
    assert page.form_token  # the page can still decide
    assert s.incident.checklist["stakeholders_informed"] == {"by": "tier1-backup", "at": to_iso(CLICK)}
    line = next(line for line in page.checklist if line.item is ChecklistItem.STAKEHOLDERS_INFORMED)
    assert (line.done_by, line.tickable) == ("tier1-backup", False)
    (entry,) = s.world.audit.entries
    assert (entry.kind, entry.actor, entry.detail) == (
        "checklist.ticked",
        "tier1-backup",
        {"item": "stakeholders_informed", "client": CLIENT},
    )
    assert s.succeeded() == []
    assert s.link("tier1-backup").state is LinkState.PENDING
    assert s.world.links.snapshot()[1] == {}
    # The link still decides, with the form token the ticked page carries.
    decided = s.submit(link_id, "dismiss", token=page.form_token, now=CLICK + timedelta(minutes=1))
    assert decided.outcome is Outcome.DECIDED


def test_a_tick_carrying_a_decision_only_ticks() -> None:
    s = scene()

    page = s.submit(s.ids["tier1-primary"], "dismiss", tick="stakeholders_informed")

    assert page.outcome is Outcome.TICKED
    assert s.succeeded() == []
    assert s.view(s.ids["tier1-primary"]).outcome is Outcome.CONFIRM


def test_ticking_twice_keeps_the_first_actor_and_time() -> None:
    s = scene()
    first = s.tick(s.ids["tier1-primary"], "stakeholders_informed")
    assert first.outcome is Outcome.TICKED

    again = s.tick(s.ids["tier1-backup"], "stakeholders_informed", now=CLICK + timedelta(minutes=2))
    same = s.tick(s.ids["tier1-primary"], "stakeholders_informed", now=CLICK + timedelta(minutes=3))

    assert again.outcome is Outcome.TICKED and same.outcome is Outcome.TICKED
    assert s.incident.checklist["stakeholders_informed"] == {"by": "tier1-primary", "at": to_iso(CLICK)}
    assert s.kinds() == ["checklist.ticked"]


def test_legal_review_is_ticked_only_when_legal_was_pulled_in() -> None:
    without = scene()
    before = without.state()
    page = without.tick(without.ids["tier1-primary"], "legal_reviewed")
    assert page.outcome is Outcome.BAD_FORM
    assert link_status(page) == 400
    assert without.state() == before

    breach = scene(crisis_types=("data_breach",))
    page = breach.tick(breach.ids["legal-counsel"], "legal_reviewed")
    assert page.outcome is Outcome.TICKED
    assert breach.incident.checklist["legal_reviewed"] == {"by": "legal-counsel", "at": to_iso(CLICK)}
    assert breach.succeeded() == []


@pytest.mark.parametrize(
    "item",
    [
        *(item for item in ALL_ITEMS if item not in ("stakeholders_informed", "legal_reviewed")),
        "STAKEHOLDERS_INFORMED",
        "stakeholders_informed ",
        "stakeholders informed",
        "ChecklistItem.STAKEHOLDERS_INFORMED",
        "approve",
        "<script>",
        "\x00",
    ],
)
def test_flow_only_and_unknown_items_cannot_be_ticked(item: str) -> None:
    s = scene(crisis_types=("data_breach",))
    before = s.state()

    page = s.tick(s.ids["tier1-primary"], item)

    assert page.outcome is Outcome.BAD_FORM
    assert link_status(page) == 400
    assert "not an item you can tick" in link_message(page)
    assert s.state() == before


def test_a_used_link_still_ticks_until_the_request_expires() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    assert s.submit(link_id, "acknowledge").outcome is Outcome.DECIDED
    decided = s.state()

    page = s.tick(link_id, "stakeholders_informed", now=CLICK + timedelta(minutes=1))

    assert page.outcome is Outcome.TICKED
    assert len(s.succeeded()) == 1  # ticking never resumes the workflow
    assert s.state()[:4] == decided[:4]  # links, locks, requests, tokens
    assert s.view(link_id, CLICK + timedelta(minutes=2)).outcome is Outcome.ALREADY_DECIDED


def test_a_tick_on_an_expired_request_is_refused() -> None:
    s = scene()
    link_id = s.ids["tier1-primary"]
    before = s.state()

    page = s.tick(link_id, "stakeholders_informed", now=EXPIRES + timedelta(minutes=1))

    assert page.outcome is Outcome.EXPIRED
    assert link_status(page) == 410
    assert s.state() == before
    assert "stakeholders_informed" not in s.incident.checklist
