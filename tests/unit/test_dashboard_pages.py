"""Dashboard pages as a browser reads them: the incident list with its filters, and one incident's page
with every section, its timeline in order, and people's text kept as text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.checklist import checklist_lines
from crisiswatch.domain.response.incidents import Decision, IncidentStatus
from crisiswatch.domain.response.links import DecisionRequest
from crisiswatch.domain.review.report import PostCrisisReport
from crisiswatch.web.dashboard import DASHBOARD_HEADERS, render_incident_list, render_incident_page
from tests.builders.html import Document, assert_inert
from tests.builders.reports import HOSTILE, OPENED_AT, audit_trail, make_incident, sample_report

"""Elements a browser sets apart: their text does not run into their neighbours'."""
NOTIFICATION_ID = "notif-7Hq2xZ0pLk"


def pending_request(
    recipients: tuple[str, ...] = ("alice",), tier: int = 0, phase: str = "owner"
) -> DecisionRequest:
    allowed = (Decision.APPROVE, Decision.REQUEST_CHANGES, Decision.DISMISS)
    expires_at = OPENED_AT + timedelta(hours=1)
    return DecisionRequest(
        NOTIFICATION_ID, make_incident().incident_id, phase, tier, recipients, allowed, expires_at
    )


def incident_page(
    report: PostCrisisReport | None = None,
    pending: DecisionRequest | None = None,
    base: str = "../../dashboard",
) -> Document:
    report = report or sample_report()
    checklist = checklist_lines(report.incident.checklist, includes_legal=True)
    return Document(render_incident_page(report, checklist, pending, base))


# ----- the list --------------------------------------------------------------------------------------


def test_the_list_has_a_row_and_a_link_per_incident() -> None:
    incidents = [
        make_incident(),
        make_incident(
            incident_id="inc-north-tea-20240310T0800Z",
            brand="North Tea",
            severity=Severity.SEV3,
            status=IncidentStatus.DISMISSED,
            crisis_types=(),
            summary="a quiet false alarm",
        ),
    ]

    page = Document(render_incident_list(incidents, "dashboard", {}))

    rows = page.find("tr", "incident-row")
    assert [row.attrs["data-incident-id"] for row in rows] == [
        "inc-cafe-aurora-20240314T1020Z",
        "inc-north-tea-20240310T0800Z",
    ]
    assert [link.attrs["href"] for link in page.find("a") if link.attrs["href"].startswith("dashboard/")] == [
        "dashboard/incidents/inc-cafe-aurora-20240314T1020Z",
        "dashboard/incidents/inc-north-tea-20240310T0800Z",
    ]
    assert [badge.text for badge in page.find("span", "sev-SEV1")] == ["SEV1"]
    assert [badge.text for badge in page.find("span", "sev-SEV3")] == ["SEV3"]
    cells = " ".join(rows[0].text.split())
    assert (
        "product safety" in cells and "2024-03-14 10:24 UTC" in cells and "80 product safety reports" in cells
    )
    assert "dismissed" in rows[1].text and "—" in rows[1].text
    assert page.by_id("incidents").tag == "table"
    assert not page.find(css="empty")


def test_the_filter_form_shows_what_was_asked() -> None:
    filters = {
        "status": "Resolved",
        "severity": "sev1",
        "brand": HOSTILE,
        "from": "2024-03-01",
        "to": "2024-03-31",
    }

    page = Document(render_incident_list([make_incident()], "dashboard", filters))

    form = page.by_id("filters")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "dashboard"
    selected = {element.attrs["value"] for element in page.find("option") if "selected" in element.attrs}
    assert selected == {"resolved", "SEV1"}
    inputs = {element.attrs["name"]: element.attrs.get("value") for element in page.find("input")}
    assert inputs == {"brand": HOSTILE, "from": "2024-03-01", "to": "2024-03-31"}
    assert_inert(page)


@pytest.mark.parametrize(
    ("filters", "message"),
    [({}, "No incidents yet"), ({"brand": "Nobody", "status": ""}, "No incidents match these filters.")],
)
def test_an_empty_list_says_why(filters: dict[str, str], message: str) -> None:
    page = Document(render_incident_list([], "dashboard", filters))

    assert page.by_id("empty").text.startswith(message)
    assert not page.find("table")


def test_hostile_incidents_are_listed_as_text() -> None:
    page = Document(render_incident_list([make_incident(summary=HOSTILE, brand=HOSTILE)], "dashboard", {}))

    assert_inert(page)
    row = page.find("tr", "incident-row")[0]
    assert row.text.count(HOSTILE) == 2


# ----- one incident ----------------------------------------------------------------------------------


def test_the_incident_page_has_every_section() -> None:
    page = incident_page(pending=pending_request())

    for section in ("facts", "detection", "explanation", "charts", "figures", "pending", "statement"):
        assert page.by_id(section)
    for section in ("decisions", "notifications", "findings", "checklist", "timeline"):
        assert page.by_id(section)
    assert [svg.attrs["id"] for svg in page.find("svg")] == ["chart-volume", "chart-negativity"]
    links = {link.attrs["href"] for link in page.find("a")}
    assert {
        "../../dashboard",
        "../../dashboard/incidents/inc-cafe-aurora-20240314T1020Z/report.html",
        "../../dashboard/incidents/inc-cafe-aurora-20240314T1020Z/report.md",
    } <= links
    assert page.by_id("back").attrs["href"] == "../../dashboard"
    assert page.find("title")[0].text == "CrisisWatch: Cafe Aurora (inc-cafe-aurora-20240314T1020Z)"


def test_the_facts_and_what_the_detector_saw() -> None:
    page = incident_page()

    facts = " ".join(page.by_id("facts").text.split())
    assert "Severity SEV1" in facts and "resolved owned by alice" in facts
    assert "Opened 2024-03-14 10:24:00 UTC" in facts and "Detected 2024-03-14 10:23:40 UTC" in facts
    explanation = " ".join(page.by_id("explanation").text.split())
    assert "Signals: volume crisis type" in explanation
    assert "Mentions in 5 min 160 10.0" in explanation
    assert "Negative share 50.3 % —" in explanation and "Negative reach (followers) 64,000 —" in explanation
    assert "product safety 80 0.2 twitter, reddit 1e-09" in explanation
    assert "Top terms: glass (40), recall (22)" in explanation
    assert "@dana on twitter, 12,000 followers Found glass in my latte" in explanation


def test_an_incident_without_an_explanation_still_renders() -> None:
    report = sample_report(make_incident(explanation={"observed": "not a mapping", "signals": "volume"}))

    explanation = incident_page(report).by_id("explanation")

    assert "The detector left no explanation for this incident." in explanation.text


def test_key_figures_come_from_the_milestones() -> None:
    page = incident_page()

    rows = {row.attrs["id"]: " ".join(row.text.split()) for row in page.find("tr", "milestone")}

    assert rows["milestone-detected"] == "Alert raised 2024-03-14 10:24:00 UTC 0 s detector"
    assert rows["milestone-notified"] == "First people told 2024-03-14 10:24:30 UTC 30 s crisiswatch"
    assert rows["milestone-acknowledged"].endswith("6 min alice")
    assert rows["milestone-approved"].endswith("25 min alice")
    assert rows["milestone-published"].endswith("27 min crisiswatch")
    assert rows["milestone-resolved"].endswith("3 h 00 min alice")
    assert "Time to detect 23 min 40 s" in " ".join(page.by_id("detection").text.split())
    assert not page.find(css="drill")


def test_a_drill_says_its_figures_are_in_policy_time() -> None:
    incident = make_incident(route={"rounds": [], "minute_seconds": 1})
    report = sample_report(incident, audit_trail())

    drill = incident_page(report).find(css="drill")

    assert len(drill) == 1
    assert "one policy minute in 1 s" in drill[0].text and "policy time" in drill[0].text
    assert report.milestone("acknowledged").seconds == 6 * 60 * 60


def test_the_checklist_says_who_ticked_what_and_when() -> None:
    page = incident_page()

    items = page.find("li", "check-item")

    assert [item.attrs["data-item"] for item in items if "done" in item.classes] == ["acknowledged"]
    assert len([item for item in items if "open" in item.classes]) == 8  # legal review is on it
    assert "(alice, 2024-03-14 10:30 UTC)" in items[0].text


def test_the_pending_request_names_who_and_until_when_without_its_ids() -> None:
    markup = render_incident_page(
        sample_report(), [], pending_request(recipients=("alice", "bob"), tier=2, phase="tiers"), "x"
    )
    page = Document(markup)

    pending = " ".join(page.by_id("pending").text.split())

    assert "Asked: alice, bob (tier 2), tiers phase, until 2024-03-14 11:24 UTC." in pending
    assert "They can: approve a statement ask for changes dismiss as a false alarm" in pending
    assert NOTIFICATION_ID not in markup


def test_nothing_pending_is_said_plainly() -> None:
    assert "Nobody is being asked anything right now." in incident_page().by_id("pending").text


def test_the_statement_decisions_and_notifications() -> None:
    page = incident_page()

    statement = " ".join(page.by_id("statement").text.split())
    assert "Holding statement (social)" in statement
    assert "We are looking into reports about our lattes." in statement
    assert "Approved by alice at 2024-03-14 10:49:00 UTC." in statement
    assert "Published at 2024-03-14 10:51:00 UTC through fake-social (reference post-1)." in statement
    decisions = page.rows("decisions")
    assert decisions[0] == "alice acknowledged 2024-03-14 10:30:00 UTC 6 min"
    assert decisions[1] == "alice asked for changes 2024-03-14 10:39:00 UTC 15 min holding -> revision-1"
    assert decisions[-1] == "alice confirmed the review 2024-03-15 10:24:00 UTC 24 h 00 min went well"
    assert page.rows("notifications") == ["2024-03-14 10:24:30 UTC 30 s notified tiers 1 alice"]


def test_findings_are_split_into_what_worked_and_what_to_improve() -> None:
    page = incident_page()

    worked = [" ".join(item.text.split()) for item in page.find("li", inside=page.find("ul", "worked")[0])]
    to_improve = [
        " ".join(item.text.split()) for item in page.find("li", inside=page.find("ul", "to-improve")[0])
    ]

    assert worked[0] == "The alert came 23 min 40 s after the first sign."
    assert "Legal review was on the checklist but never ticked." in to_improve
    assert len(worked) + len(to_improve) == len(sample_report().findings)


def test_the_timeline_keeps_the_order_it_was_given() -> None:
    report = sample_report()

    rows = incident_page(report).find("tr", "timeline-row")

    assert [(row.attrs["data-at"], row.attrs["data-origin"]) for row in rows] == [
        (to_iso(entry.at), entry.origin) for entry in report.timeline
    ]
    assert [row.attrs["data-origin"] for row in rows[:4]] == ["execution", "execution", "execution", "audit"]
    assert "TaskFailed" in rows[2].text and "error=Throttled" in rows[2].text


def test_hostile_text_from_people_stays_text_on_the_incident_page() -> None:
    statement = {
        **make_incident().statement.to_dict(),
        "text": HOSTILE,
        "approved_by": HOSTILE,
    }
    explanation = {
        **make_incident().explanation,
        "evidence": {
            "top_terms": [[HOSTILE, 3]],
            "crisis_posts": [{"author": HOSTILE, "text": HOSTILE, "reach": 1, "source": "x"}],
        },
    }
    incident = make_incident(
        brand=HOSTILE, summary=HOSTILE, statement=statement, explanation=explanation, owner=HOSTILE
    )
    report = sample_report(incident, audit_trail(person=HOSTILE, note=HOSTILE))

    page = incident_page(report, pending_request(recipients=(HOSTILE,)))

    assert_inert(page)
    for section in ("facts", "statement", "decisions", "pending", "explanation", "notifications", "figures"):
        assert HOSTILE in page.by_id(section).text, section
    assert page.by_id("explanation").text.count(HOSTILE) == 3  # a top term, a post's author and its text
    assert HOSTILE in page.find("title")[0].text
    assert HOSTILE in page.by_id("chart-volume-title").text
    assert HOSTILE in page.by_id("chart-negativity-title").text


def test_a_post_is_quoted_in_the_language_it_was_read_in() -> None:
    posts = [
        {"author": "mia", "text": "Rückruf beim Lindenhof-Käse?", "source": "mastodon", "lang": "de"},
        {"author": "sam", "text": "Recall at Lindenhof?", "source": "reddit", "lang": "und"},
        {"author": "eve", "text": "A lying tag", "source": "x", "lang": '"><b>x</b>'},
    ]
    explanation = {**make_incident().explanation, "evidence": {"crisis_posts": posts}}
    page = incident_page(sample_report(make_incident(explanation=explanation)))

    quotes = page.find("blockquote", inside=page.by_id("explanation"))

    assert [quote.attrs.get("lang") for quote in quotes] == ["de", None, None]
    assert "(de)" in page.by_id("explanation").text
    assert_inert(page)


def test_dashboard_headers_allow_inline_styles_and_svg_but_no_scripts() -> None:
    policy = DASHBOARD_HEADERS["Content-Security-Policy"]

    assert policy == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    )
    assert "script" not in policy
    assert DASHBOARD_HEADERS["Cache-Control"] == "no-store"
    assert DASHBOARD_HEADERS["X-Content-Type-Options"] == "nosniff"
