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

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from crisiswatch.adapters.dynamodb import DynamoAuditLog, DynamoIncidentStore
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.builders.browser import (
    APPROVER_EMAIL,
    BRAND,
    CHROMIUM,
    CHROMIUM_ARGS,
    REPORT_FILES,
    REVIEW_NOTE,
    Crisis,
    Records,
    execution_history,
    new_context,
    page_result,
    report_keys,
    shoot,
)
from tests.builders.plan_runtime import (
    TIER1,
    finished,
    let_calm_pass,
    link_from,
    messages_to,
    plan_runtime,
    replay_crisis,
    wait_for,
)


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
        approval = page_result(page)
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
        review = page_result(page)
        shoot(page, "04-review-done")
    finally:
        context.close()

    status = finished(runtime, incident.incident_id)

    def all_report_files() -> frozenset[str] | None:
        found = report_keys(runtime, stack, incident.incident_id)
        return found if found >= REPORT_FILES else None

    keys = wait_for("the report files in S3", all_report_files)
    yield Crisis(incident.incident_id, statement, approval, review, status, keys)


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
