"""One embedded runtime, one replayed crisis driven by a person in a real headless Chromium, for every
page and report test of this package.

The crisis is decided through the action links exactly as a recipient would: open the link from the
email, look at the page, press a button. What the records then say (the incident, our audit trail, the
execution history) is read once here, independently of the report code, for the tests to compare with.

The plan runs in real time (tier 1 has an hour), so however slow the browser, nobody's time runs out
before the click; calm is reached when the fixture says so (`let_calm_pass`), not when a timer fires.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from crisiswatch.adapters.dynamodb import DynamoAuditLog, DynamoIncidentStore
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.review.timeline import AuditEntry
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.loop.plan_runtime import (
    PLAN_PARAMETERS,
    ROOT,
    TIER1,
    finished,
    let_calm_pass,
    link_from,
    messages_to,
    plan_runtime,
    replay_crisis,
    wait_for,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGE_TIMEOUT_MS = 30_000
"""For every page load and `expect`: a Lambda behind each page may be starting cold."""

BRAND = "Browser Page Co"
APPROVER_EMAIL = "riley@example.com"
APPROVER = "r1"
REVIEW_NOTE = "Holding line worked; tick stakeholders sooner."
REPORT_FILES = {"report.html", "report.md", "volume.svg", "negativity.svg"}
SCALE = 60 / float(PLAN_PARAMETERS["PolicyMinuteSeconds"])
"""Policy seconds per response second (1: the plan runs in real time; a drill's report reads in policy
time, see the unit tests of the report)."""

RESPONSE_KINDS = (
    "incident.acknowledged",
    "statement.approved",
    "statement.changes_requested",
    "incident.dismissed",
    "incident.escalated",
)
MILESTONE_KINDS = {
    "notified": ("tier.notified",),
    "acknowledged": RESPONSE_KINDS,
    "approved": ("statement.approved",),
    "published": ("statement.published",),
    "resolved": ("incident.resolved",),
    "reviewed": ("review.done",),
}
"""Each milestone after the alert is the first audit entry of one of these kinds."""
NOTIFICATION_KINDS = (
    "tier.notified",
    "reminder.sent",
    "owner.notified",
    "monitoring.notified",
    "review.requested",
)
DECISION_KINDS = (*RESPONSE_KINDS, "incident.resolved", "review.done")


def shoot(page: Page, step: str, full_page: bool = True) -> Path:
    """A screenshot of the page as it is now, named after the step, for people to look at afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{step}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the package, closed (with Playwright's event loop) when it is done."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the page tests drive Debian's Chromium (Playwright cannot download "
            "browsers here). `make test` installs it (Makefile target `browser`), or run `make browser`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    with plan_runtime(tmp_path_factory.mktemp("browser-runtime")) as rt:
        yield rt


@pytest.fixture(scope="package")
def stack(runtime: LocalRuntime) -> Stack:
    return Stack(runtime.stack_name, runtime.outputs)


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


@dataclass(frozen=True)
class Crisis:
    """The replayed crisis after a person decided it in the browser and it ran to its end."""

    incident_id: str
    approved_statement: str
    """The key of the first statement on the tier-1 page: the one whose button was pressed."""
    approval_result: str
    """`#result` and the line under it, after pressing approve."""
    review_result: str
    """`#result` and the line under it, after confirming the review."""
    status: str
    """The execution's final status."""
    report_keys: frozenset[str]
    """What the state machine wrote to the reports bucket for this incident."""


def _result(page: Page) -> str:
    expect(page.locator("#result")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    return page.locator("main").inner_text()


def _report_keys(runtime: LocalRuntime, stack: Stack, incident_id: str) -> frozenset[str]:
    prefix = f"reports/{incident_id}/"
    listed = runtime.client("s3").list_objects_v2(Bucket=stack.output("ReportsBucketName"), Prefix=prefix)
    return frozenset(item["Key"].removeprefix(prefix) for item in listed.get("Contents", []))


@pytest.fixture(scope="package")
def crisis(
    runtime: LocalRuntime, stack: Stack, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crisis]:
    incident = replay_crisis(runtime, stack, tmp_path_factory.mktemp("browser-crisis"), BRAND)
    context = new_context(browser)
    page = context.new_page()  # open before the email lands
    try:
        email = wait_for(
            "the tier-1 email to the approver",
            lambda: [
                d
                for d in messages_to(runtime, stack, TIER1, incident)
                if d.protocol == "email" and d.endpoint == APPROVER_EMAIL
            ],
        )[0]
        opened = page.goto(link_from(email))
        assert opened is not None and opened.status == 200, opened and opened.text()
        approve = (
            page.locator("section.draft")
            .first.locator("form")
            .filter(has=page.locator("button[name=decision][value=approve]"))
        )
        statement = approve.locator("input[name=statement]").get_attribute("value") or ""
        shoot(page, "01-action-link-confirm")
        approve.locator("button[name=decision][value=approve]").click()
        approval = _result(page)
        shoot(page, "02-action-link-approved")
        assert "you chose to approve" in approval, f"the approval was not recorded: {approval}"

        wait_for(
            "the monitoring notice",
            lambda: [
                d
                for d in messages_to(runtime, stack, {APPROVER_EMAIL}, incident)
                if d.protocol == "email" and "monitoring" in str(d.subject)
            ],
        )
        let_calm_pass(runtime, incident.incident_id)  # the signals stay calm: CrisisWatch resolves it
        review_email = wait_for(
            "the review request",
            lambda: [
                d
                for d in messages_to(runtime, stack, {APPROVER_EMAIL}, incident)
                if d.protocol == "email" and "review" in str(d.subject)
            ],
        )[0]
        opened = page.goto(link_from(review_email))
        assert opened is not None and opened.status == 200, opened and opened.text()
        note = page.locator("textarea[name=note]")
        if note.count():
            note.fill(REVIEW_NOTE)
        shoot(page, "03-review-confirm")
        page.locator("button[name=decision][value=review_done]").click()
        review = _result(page)
        shoot(page, "04-review-done")
    finally:
        context.close()

    status = finished(runtime, incident.incident_id)

    def all_report_files() -> frozenset[str] | None:
        found = _report_keys(runtime, stack, incident.incident_id)
        return found if found >= REPORT_FILES else None

    keys = wait_for("the report files in S3", all_report_files)
    yield Crisis(incident.incident_id, statement, approval, review, status, keys)


@dataclass(frozen=True)
class Records:
    """What the stores say about the finished incident, read without any report code."""

    incident: Incident
    audit: list[AuditEntry]
    """Oldest first."""
    history: list[dict[str, Any]]
    """Every event of the execution, every page, as `GetExecutionHistory` returns them."""
    execution_status: str

    def first(self, kinds: tuple[str, ...]) -> AuditEntry | None:
        return next((entry for entry in self.audit if entry.kind in kinds), None)

    def seconds(self, at: datetime) -> float:
        """Policy seconds after the incident opened."""
        return (at - self.incident.opened_at).total_seconds() * SCALE

    def milestone(self, key: str) -> AuditEntry:
        entry = self.first(MILESTONE_KINDS[key])
        assert entry is not None, f"the audit trail has no {MILESTONE_KINDS[key]} for the {key} milestone"
        return entry


def execution_history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = ""
    while True:
        page = sfn.get_execution_history(
            executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        events += page["events"]
        token = page.get("nextToken", "")
        if not token:
            return events


@pytest.fixture(scope="package")
def records(runtime: LocalRuntime, crisis: Crisis) -> Records:
    incident = DynamoIncidentStore().get(crisis.incident_id)
    assert incident is not None and incident.execution_arn
    sfn = runtime.client("stepfunctions")
    return Records(
        incident=incident,
        audit=sorted(DynamoAuditLog().read(crisis.incident_id), key=lambda entry: entry.at),
        history=execution_history(sfn, incident.execution_arn),
        execution_status=sfn.describe_execution(executionArn=incident.execution_arn)["status"],
    )


@pytest.fixture(scope="module")
def manager(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """A browser signed in as the managers' user with the password the stack generated."""
    context = new_context(
        browser, http_credentials={"username": "manager", "password": stack.dashboard_password()}
    )
    try:
        yield context
    finally:
        context.close()
