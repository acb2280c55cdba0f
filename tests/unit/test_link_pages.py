"""Link pages as a browser reads them: what they show, which buttons they offer, and that pressing
those buttons gives exactly the submissions `decide` accepts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from crisiswatch.domain.response.crisis_plan import Phase
from crisiswatch.domain.response.incidents import IncidentChanges
from crisiswatch.domain.response.links import new_link_id
from crisiswatch.domain.response.statements import Draft
from crisiswatch.usecases.decisions import LinkPage, Outcome, Problem, Submission
from crisiswatch.web.pages import link_status, render_link_page
from crisiswatch_ops.pages import Page, read_page
from tests.builders.links import (
    EXPIRES,
    TIER_CHOICES,
    Scene,
    later_phase_scene,
    offered,
    owner_scene,
    scene,
)

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
DRAFT = re.compile(r'<section class="draft" id="draft-([^"]*)">.*?<blockquote>(.*?)</blockquote>', re.DOTALL)


def rendered(page: LinkPage) -> tuple[str, Page]:
    text = render_link_page(page)
    return text, read_page(text)


def shown_drafts(text: str) -> list[tuple[str, str]]:
    """(key, text) of every statement on the page, as a browser displays them."""
    return [(html.unescape(key), html.unescape(body)) for key, body in DRAFT.findall(text)]


def submission(fields: dict[str, str]) -> Submission:
    """What the handler makes of a posted form (only the fields it reads)."""
    return Submission(**{name: fields.get(name, "") for name in Submission.__dataclass_fields__})


def ticks(page: Page) -> list[str]:
    return [value for form in page.forms for name, value in form.buttons if name == "tick"]


# ----- what each phase offers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "recipient", "choices", "statements"),
    [
        (scene, "tier1-primary", TIER_CHOICES, True),
        (owner_scene, "tier1-primary", TIER_CHOICES - {"acknowledge"}, True),
        (lambda: later_phase_scene(Phase.MONITOR), "tier2-primary", {"resolve"}, False),
        (lambda: later_phase_scene(Phase.REVIEW), "tier2-primary", {"review_done"}, False),
    ],
    ids=["tiers", "owner", "monitor", "review"],
)
def test_each_phase_shows_only_its_own_buttons(
    make: Callable[[], Scene], recipient: str, choices: set[str], statements: bool
) -> None:
    s = make()
    page = s.view(s.ids[recipient])

    text, read = rendered(page)

    assert read.title.startswith("Decision needed")
    assert set(read.buttons) == choices
    assert len(read.buttons) == len(choices)
    if statements:
        assert read.statements == [str(d.key) for d in offered(s.incident.drafts)]
    else:
        assert read.statements == [] and "<blockquote>" not in text
    assert all(form.fields["form_token"] == page.form_token for form in read.forms)
    assert ticks(read) == ["stakeholders_informed"]
    assert "Opening this page changed nothing" in text


def test_the_review_page_asks_for_notes() -> None:
    s = later_phase_scene(Phase.REVIEW)

    _, read = rendered(s.view(s.ids["tier2-primary"]))

    assert "note" in read.form_for("decision", "review_done").fields


def test_statements_are_shown_exactly_as_stored_and_escaped() -> None:
    s = scene()
    revision = {
        "key": "revision-1",
        "kind": "holding_statement",
        "channel": "social",
        "label": f"Revised {HOSTILE}",
        "text": f"We hear you.\n\n  {HOSTILE}\tSee &amp; https://example.com/?a=1&b=2",
        "template_key": None,
        "revised_by": "tier1-primary",
    }
    s.world.incidents.update(
        s.incident_id, IncidentChanges(drafts=(*s.incident.drafts, Draft.from_stored(revision)))
    )

    text, read = rendered(s.view(s.ids["tier1-primary"]))

    expected = [(str(d.key), str(d.text)) for d in offered(s.incident.drafts)]
    assert expected[0][0] == "revision-1"
    assert shown_drafts(text) == expected
    for key, body in expected:  # the box to revise starts from the same text
        assert read.form_for("decision", "request_changes", key).fields["revised_text"] == body
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(" in text
    social = read.form_for("decision", "request_changes", "revision-1")
    assert social.fields["statement"] == "revision-1"
    assert "Up to 280 characters. Line breaks are kept" in text and "Up to 2000 characters." in text


def test_hostile_brand_and_summary_are_escaped() -> None:
    s = scene(brand=f"Acme {HOSTILE}", summary=HOSTILE)

    text, read = rendered(s.view(s.ids["tier1-primary"]))

    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert read.title.startswith("Decision needed: Acme <script>")  # shown as text, not run
    assert read.buttons


def test_the_checklist_is_shown_with_who_did_what() -> None:
    s = scene(crisis_types=("data_breach",))
    assert s.tick(s.ids["tier1-backup"], "stakeholders_informed").outcome is Outcome.TICKED

    text, read = rendered(s.view(s.ids["legal-counsel"]))

    assert 'id="check-legal_reviewed"' in text
    assert ticks(read) == ["legal_reviewed"]
    done = re.search(r'<li id="check-stakeholders_informed">(.*?)</li>', text, re.DOTALL)
    assert done is not None and "tier1-backup" in done.group(1)


def test_no_legal_line_when_legal_is_not_pulled_in() -> None:
    s = scene()

    text, read = rendered(s.view(s.ids["tier1-primary"]))

    assert 'id="check-legal_reviewed"' not in text
    assert "legal_reviewed" not in ticks(read)


# ----- pressing the page's buttons ------------------------------------------------------------------


def _press(s: Scene, recipient: str, value: str, statement: str | None = None, **typed: str) -> LinkPage:
    _, read = rendered(s.view(s.ids[recipient]))
    name = "tick" if value in ("stakeholders_informed", "legal_reviewed") else "decision"
    fields = read.press(value, statement, name=name, **typed)
    return s.post(s.ids[recipient], submission(fields))


@pytest.mark.parametrize("choice", ["acknowledge", "escalate", "dismiss"])
def test_every_plain_button_decides(choice: str) -> None:
    s = scene()

    assert _press(s, "tier1-primary", choice).outcome is Outcome.DECIDED

    ((_, output),) = s.succeeded()
    assert (output["decision"], output["decided_by"]) == (choice, "tier1-primary")


def test_every_approve_button_approves_its_own_statement() -> None:
    for key in [str(d.key) for d in scene().incident.drafts]:
        s = scene()

        assert _press(s, "tier1-backup", "approve", key).outcome is Outcome.DECIDED

        ((_, output),) = s.succeeded()
        assert output["statement"] == key


def test_request_changes_as_typed_into_the_page() -> None:
    s = scene()
    key = s.draft_key("social")

    page = _press(s, "tier1-primary", "request_changes", key, revised_text="Sorry. More at 3pm.", note="tone")

    assert page.outcome is Outcome.DECIDED
    ((_, output),) = s.succeeded()
    assert (output["statement"], output["revised_text"], output["note"]) == (
        key,
        "Sorry. More at 3pm.",
        "tone",
    )


def test_request_changes_untouched_resends_the_draft_text() -> None:
    s = scene()
    key = s.draft_key("web")
    stored = next(d.text for d in s.incident.drafts if d.key == key)

    assert _press(s, "tier1-primary", "request_changes", key).outcome is Outcome.DECIDED

    assert s.succeeded()[0][1]["revised_text"] == stored.strip()


def test_a_refused_revision_comes_back_in_its_box_with_why_and_the_page_still_decides() -> None:
    s = scene()
    key = s.draft_key("social")
    typed = f"We are \x1b[31mon it\x1b[0m. {HOSTILE}"

    page = _press(s, "tier1-primary", "request_changes", key, revised_text=typed)

    text, read = rendered(page)
    assert link_status(page) == 400 and read.title == "Nothing was decided"
    assert "Line 1, character 8 is U+001B, a control character" in text
    assert re.search(r"<details open>\s*<summary>Ask for changes</summary>", text)
    assert read.form_for("decision", "request_changes", key).fields["revised_text"] == typed
    others = [str(d.key) for d in offered(s.incident.drafts) if d.key != key]
    for other in others:  # the other boxes start from their own drafts, closed
        draft_text = next(str(d.text) for d in s.incident.drafts if d.key == other)
        assert read.form_for("decision", "request_changes", other).fields["revised_text"] == draft_text
    assert text.count("<details open>") == 1 and text.count('class="error"') == 1
    assert "<script>" not in text and "&lt;script&gt;alert(" in text
    assert set(read.buttons) == TIER_CHOICES
    assert all(form.fields["form_token"] == page.form_token for form in read.forms)
    fixed = read.press("request_changes", key, revised_text="We are on it.")
    assert s.post(s.ids["tier1-primary"], submission(fixed)).outcome is Outcome.DECIDED
    assert s.succeeded()[0][1]["revised_text"] == "We are on it."


def test_each_revision_box_says_its_limit_and_what_is_tidied() -> None:
    s = scene()

    text, _ = rendered(s.view(s.ids["tier1-primary"]))

    for draft in s.incident.drafts:
        limit = 280 if draft.channel == "social" else 2000
        hint = re.search(rf'<p class="note" id="rules-{draft.key}">(.*?)</p>', text)
        assert hint is not None and hint.group(1) == (
            f"Up to {limit} characters. Line breaks are kept; tabs become spaces, and spaces at line ends "
            "and extra blank lines are dropped. Other control characters and text-direction controls are "
            "not accepted."
        )
        assert f'aria-describedby="rules-{draft.key}"' in text
    boxes = re.findall(r'<textarea name="revised_text"[^>]*>', text)
    # No maxlength: a browser counts UTF-16 units before NFC and cuts a paste silently; the server
    # counts as the platform does and says by how much a text is over.
    assert len(boxes) == len(s.incident.drafts) and not any("maxlength" in box for box in boxes)


def test_resolve_and_review_buttons_decide() -> None:
    monitor = later_phase_scene(Phase.MONITOR)
    assert _press(monitor, "tier2-primary", "resolve").outcome is Outcome.DECIDED

    review = later_phase_scene(Phase.REVIEW)
    assert _press(review, "tier2-primary", "review_done", note="Went well").outcome is Outcome.DECIDED
    assert review.succeeded()[0][1]["note"] == "Went well"


def test_the_tick_button_ticks_and_the_ticked_page_still_decides() -> None:
    s = scene()

    page = _press(s, "tier1-primary", "stakeholders_informed")

    assert page.outcome is Outcome.TICKED
    _, read = rendered(page)
    assert read.title == "Ticked: stakeholders informed."
    assert ticks(read) == []  # done now
    assert set(read.buttons) == TIER_CHOICES
    fields = read.press("dismiss")
    assert s.post(s.ids["tier1-primary"], submission(fields)).outcome is Outcome.DECIDED


# ----- closed pages ---------------------------------------------------------------------------------


def test_the_decided_page_says_what_was_recorded_for_whom() -> None:
    s = scene()

    page = _press(s, "tier1-primary", "escalate")

    text, read = rendered(page)
    assert read.title == "Thank you: you chose to escalate"
    assert "Recorded for tier1-primary at 2024-05-23 12:07:00 UTC" in text
    assert read.buttons == []  # nothing more to decide from here
    assert ticks(read) == ["stakeholders_informed"]  # but the checklist can still be ticked


def test_the_already_decided_page_names_who_and_when_and_offers_nothing() -> None:
    s = scene()
    assert _press(s, "tier1-primary", "dismiss").outcome is Outcome.DECIDED

    for page in (s.view(s.ids["tier1-backup"]), s.view(s.ids["tier1-primary"])):
        text, read = rendered(page)
        assert read.title == "Already decided"
        assert "tier1-primary chose to dismiss at" in text
        assert "2024-05-23 12:07:00 UTC" in text
        assert read.forms == []
        assert 'name="form_token"' not in text


def test_the_expired_page_says_when_and_offers_nothing() -> None:
    s = scene()

    text, read = rendered(s.view(s.ids["tier1-primary"], EXPIRES + timedelta(minutes=5)))

    assert read.title == "This request has expired"
    assert "at 2024-05-23 12:18 UTC" in text
    assert "Nothing was changed by this visit" in text
    assert read.forms == []


def test_the_unknown_page_shows_nothing_of_any_incident() -> None:
    s = scene()

    text, read = rendered(s.view(new_link_id()))

    assert read.title == "This link is not valid"
    assert read.forms == []
    assert s.incident_id not in text and "Acme" not in text


@pytest.mark.parametrize(
    "page",
    [
        LinkPage(Outcome.BAD_FORM, problem=Problem.REVISION_REFUSED, why="<b>bold</b>"),
        LinkPage(Outcome.RETRY, problem=Problem.WORKFLOW_UNREACHABLE, why="<script>x</script>"),
    ],
)
def test_a_message_is_escaped(page: LinkPage) -> None:
    text, read = rendered(page)

    assert "<b>" not in text and "<script>" not in text
    assert read.forms == []


def test_a_ticked_page_after_someone_else_decided_offers_no_decisions() -> None:
    s = scene()
    backup = s.ids["tier1-backup"]
    opened = s.form_token(backup)  # the backup's page was open before tier1-primary escalated
    assert _press(s, "tier1-primary", "escalate").outcome is Outcome.DECIDED

    ticked = s.post(backup, Submission(opened, tick="stakeholders_informed"))

    assert ticked.outcome is Outcome.TICKED
    assert s.incident.checklist["stakeholders_informed"]["by"] == "tier1-backup"
    assert len(s.succeeded()) == 1
    text, read = rendered(ticked)
    assert read.title == "Ticked: stakeholders informed."
    assert read.buttons == []  # tier1-primary decided: nothing is left to decide here
    assert "<blockquote>" not in text
