"""The action-link pages and the managers' dashboard in a real headless Chromium, after one crisis that a
person decided in the browser (see `conftest.py`). Each page is checked against the records it shows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.review.report import format_duration
from crisiswatch_ops.runtime import LocalRuntime
from tests.builders.browser import (
    APPROVER,
    MILESTONE_KINDS,
    PAGE_TIMEOUT_MS,
    REPORT_FILES,
    REVIEW_NOTE,
    SCALE,
    SCREENSHOTS,
    Crisis,
    Records,
    dashboard,
    new_context,
    shoot,
)

pytestmark = pytest.mark.runtime
CHART_MARKERS = ("detected", "notified", "approved", "published")
"""alert, told, approved, published: the response moments every chart of this crisis must mark."""


def minute(value: datetime | str) -> str:
    moment = parse_iso(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def page(manager: BrowserContext) -> Iterator[Page]:
    opened = manager.new_page()
    try:
        yield opened
    finally:
        opened.close()


def open_incident(page: Page, runtime: LocalRuntime, crisis: Crisis) -> None:
    response = page.goto(f"{dashboard(runtime)}/incidents/{crisis.incident_id}")
    assert response is not None and response.status == 200, response and response.text()
    expect(page.locator("h1")).to_contain_text(crisis.incident_id)


def test_a_person_decides_the_crisis_through_the_action_links(crisis: Crisis, records: Records) -> None:
    assert "Thank you: you chose to approve" in crisis.approval_result
    assert f"Recorded for {APPROVER}" in crisis.approval_result
    assert "Thank you: you chose to review done" in crisis.review_result
    assert f"Recorded for {APPROVER}" in crisis.review_result
    assert crisis.status == records.execution_status == "SUCCEEDED"
    assert crisis.report_keys >= REPORT_FILES
    incident = records.incident
    assert incident.statement is not None
    assert (incident.statement.draft.key, incident.statement.approved_by) == (
        crisis.approved_statement,
        APPROVER,
    ), "the button pressed was the first statement's, and the record says who pressed it"
    assert incident.status.value == "reviewed"
    assert incident.review and incident.review.done_by == APPROVER
    assert incident.review.notes == REVIEW_NOTE, "the note typed in the browser is the review's note"
    for step in ("01-action-link-confirm", "02-action-link-approved", "03-review-confirm", "04-review-done"):
        assert (SCREENSHOTS / f"{step}.png").stat().st_size > 0


def test_the_list_shows_the_incident_and_opens_its_page(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    response = page.goto(dashboard(runtime))
    assert response is not None and response.status == 200
    row = page.locator(f'#incidents .incident-row[data-incident-id="{crisis.incident_id}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(records.incident.brand)
    expect(row).to_contain_text(records.incident.severity.value)
    expect(row).to_contain_text("reviewed")
    expect(row).to_contain_text(minute(records.incident.opened_at))
    shoot(page, "05-dashboard-list")

    row.get_by_role("link", name=crisis.incident_id).click()

    page.wait_for_url(re.compile(rf"/dashboard/incidents/{re.escape(crisis.incident_id)}$"))
    expect(page.locator("h1")).to_have_text(f"{records.incident.brand}: {crisis.incident_id}")
    expect(page.locator("#facts")).to_contain_text("reviewed")
    shoot(page, "06-dashboard-incident")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    readme = shoot(page, "dashboard-incident", full_page=False)
    assert readme.stat().st_size > 0


def test_the_timeline_merges_history_and_audit_oldest_first(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    open_incident(page, runtime, crisis)
    rows = page.locator("#timeline .timeline-row").evaluate_all(
        "rows => rows.map(row => [row.dataset.at, row.dataset.origin, row.cells[2].innerText])"
    )
    moments = [parse_iso(at) for at, _, _ in rows]
    assert moments == sorted(moments), "the timeline reads oldest first"
    origins = [origin for _, origin, _ in rows]
    assert origins.count("execution") == len(records.history), "every event of the execution history"
    assert origins.count("audit") == len(records.audit), "every line of the audit trail"
    assert len(rows) == len(records.history) + len(records.audit)
    assert [kind for _, origin, kind in rows if origin == "audit"] == [entry.kind for entry in records.audit]
    executed = [kind for _, origin, kind in rows if origin == "execution"]
    assert executed[0] == "ExecutionStarted" and executed[-1] == "ExecutionSucceeded"
    assert rows[0][0] <= iso(records.audit[0].at), "nothing in the records predates the first row"


def test_the_checklist_shows_who_ticked_what_and_when(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    open_incident(page, runtime, crisis)
    ticked = records.incident.checklist
    done = page.locator("#checklist .check-item.done")
    assert sorted(done.evaluate_all("items => items.map(item => item.dataset.item)")) == sorted(ticked)
    for item, record in ticked.items():
        line = page.locator(f'#checklist .check-item.done[data-item="{item}"]')
        expect(line).to_contain_text(f"({record['by']}, {minute(record['at'])})")
    for item in ("statement_approved", "published", "resolved", "review_done"):
        assert item in ticked, f"the flow did not tick {item}"
    assert ticked["statement_approved"]["by"] == APPROVER
    assert ticked["review_done"]["by"] == APPROVER
    open_items = page.locator("#checklist .check-item.open")
    assert "stakeholders_informed" in open_items.evaluate_all("items => items.map(item => item.dataset.item)")


def test_both_charts_mark_the_response(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    open_incident(page, runtime, crisis)
    detected = records.incident.detected_at or records.incident.detected_bucket
    expected = {"detected": iso(detected)}
    for key in CHART_MARKERS[1:]:
        at = records.milestone(key).at
        expected[key] = iso(detected + timedelta(seconds=records.seconds(at)))
    for chart in ("chart-volume", "chart-negativity"):
        svg = page.locator(f"#charts svg.{chart}")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        expect(svg.locator(".series polyline").first).to_be_attached()
        for key, moment in expected.items():
            marker = svg.locator(f".marker.marker-{key}")
            expect(marker).to_have_count(1)
            expect(marker).to_be_visible()
            assert marker.get_attribute("data-at") == moment, f"{chart}: the {key} marker is off its moment"


def test_nothing_is_pending_for_a_finished_incident(
    page: Page, runtime: LocalRuntime, crisis: Crisis
) -> None:
    open_incident(page, runtime, crisis)
    pending = page.locator("#pending")
    expect(pending).to_contain_text("Nobody is being asked anything right now.")
    expect(pending.locator(".badge.decision")).to_have_count(0)
    expect(pending).not_to_contain_text("Asked:")


def test_the_printable_report_shows_the_figures(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    open_incident(page, runtime, crisis)

    page.locator("#downloads").get_by_role("link", name="printable page").click()

    page.wait_for_url(re.compile(rf"/incidents/{re.escape(crisis.incident_id)}/report\.html$"))
    expect(page.locator("h1")).to_have_text(f"Post-crisis report: {records.incident.brand}")
    expect(page.locator("#milestone-detected td.number")).to_have_text(format_duration(0.0))
    for key in MILESTONE_KINDS:
        entry = records.milestone(key)
        row = page.locator(f"#figures #milestone-{key}")
        expect(row.locator("td.number")).to_have_text(format_duration(records.seconds(entry.at)))
        expect(row.locator("td").last).to_have_text(entry.actor)
    expect(page.locator("#statement")).to_contain_text(f"Approved by {APPROVER}")
    expect(page.locator('#execution dt:text-is("Events") + dd')).to_have_text(str(len(records.history)))
    expect(page.locator('#execution dt:text-is("Status") + dd')).to_have_text("succeeded")
    expect(page.locator("#charts svg.chart-volume")).to_be_visible()
    expect(page.locator("#charts svg.chart-negativity")).to_be_visible()
    assert SCALE == 1.0, "the crisis ran in real time"
    expect(page.locator(".drill")).to_have_count(0)  # a drill's note is for plans run in policy seconds
    shoot(page, "07-report")

    markdown = page.request.get(page.url.removesuffix(".html") + ".md")
    assert markdown.status == 200
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert f"Approved by **{APPROVER}**" in markdown.text()


def test_without_the_password_the_dashboard_answers_401(browser: Browser, runtime: LocalRuntime) -> None:
    context = new_context(browser)
    try:
        answer = context.request.get(dashboard(runtime))
        assert answer.status == 401
        assert answer.headers["www-authenticate"] == 'Basic realm="CrisisWatch", charset="UTF-8"'

        # Headless Chromium cancels the sign-in prompt (net::ERR_INVALID_AUTH_CREDENTIALS). A person who
        # dismisses the prompt sees the page the 401 carries: serve the very same answer minus the challenge.
        def dismissed_prompt(route: Route) -> None:
            served = route.fetch()
            headers = {key: value for key, value in served.headers.items() if key != "www-authenticate"}
            route.fulfill(response=served, headers=headers)

        page = context.new_page()
        page.route(re.compile(r"/dashboard"), dismissed_prompt)
        response = page.goto(dashboard(runtime))
        assert response is not None and response.status == 401
        expect(page.locator("h1")).to_have_text("Sign in")
        expect(page.locator("main")).to_contain_text("The dashboard needs the manager's password.")
        expect(page.locator("#incidents")).to_have_count(0)
        shoot(page, "08-dashboard-unauthorised")
    finally:
        context.close()


def test_a_bad_severity_filter_says_what_is_allowed(
    page: Page, runtime: LocalRuntime, crisis: Crisis
) -> None:
    response = page.goto(dashboard(runtime) + "?severity=SEV9")
    assert response is not None and response.status == 400
    expect(page.locator("h1")).to_have_text("Check the filter")
    expect(page.locator("main")).to_contain_text("severity must be one of SEV1, SEV2, SEV3")
    expect(page.locator("#incidents")).to_have_count(0)
    shoot(page, "09-dashboard-bad-filter")


def test_the_filters_find_the_incident_by_brand_and_severity(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    page.goto(dashboard(runtime))
    page.locator("#filters input[name=brand]").fill(records.incident.brand)
    page.locator("#filters select[name=severity]").select_option(records.incident.severity.value)
    page.locator("#filters button[type=submit]").click()

    page.wait_for_url(re.compile(r"/dashboard\?.*severity="))
    expect(page.locator("#incidents .incident-row")).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(f'.incident-row[data-incident-id="{crisis.incident_id}"]')).to_be_visible()
    others = [s.value for s in type(records.incident.severity) if s is not records.incident.severity]
    query = urlencode({"severity": others[0], "brand": records.incident.brand})
    response = page.goto(f"{dashboard(runtime)}?{query}")
    assert response is not None and response.status == 200
    expect(page.locator("#empty")).to_contain_text("No incidents match these filters.")
