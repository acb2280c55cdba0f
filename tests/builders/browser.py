"""The browser suite's crisis: what it records, where screenshots go, a Chromium context to read pages in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.review.timeline import AuditEntry
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.builders.plan_runtime import (
    PLAN_PARAMETERS,
    ROOT,
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


def page_result(page: Page) -> str:
    expect(page.locator("#result")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    return page.locator("main").inner_text()


def report_keys(runtime: LocalRuntime, stack: Stack, incident_id: str) -> frozenset[str]:
    prefix = f"reports/{incident_id}/"
    listed = runtime.client("s3").list_objects_v2(Bucket=stack.output("ReportsBucketName"), Prefix=prefix)
    return frozenset(item["Key"].removeprefix(prefix) for item in listed.get("Contents", []))


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


def dashboard(runtime: LocalRuntime) -> str:
    return runtime.api_url.rstrip("/") + "/dashboard"
