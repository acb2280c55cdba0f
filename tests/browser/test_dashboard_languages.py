"""The dashboard, the printable report and a link page in German and in English, in a real headless
Chromium: a German browser (Accept-Language de-DE) reads German, the switch gives English and keeps it
on the links, and an explicit `?lang=` wins over the browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from crisiswatch.i18n import speech
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.builders.browser import (
    APPROVER,
    MILESTONE_KINDS,
    Crisis,
    Records,
    dashboard,
    new_context,
    shoot,
)

pytestmark = pytest.mark.runtime
GERMAN = speech("de")
"""The test runtime's team has no zone of its own: UTC, as the pages then say."""


@pytest.fixture(scope="module")
def german_manager(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """A manager whose browser asks for German (de-DE), signed in like the English one."""
    context = new_context(
        browser,
        locale="de-DE",
        http_credentials={"username": "manager", "password": stack.dashboard_password()},
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(german_manager: BrowserContext) -> Iterator[Page]:
    opened = german_manager.new_page()
    try:
        yield opened
    finally:
        opened.close()


def test_a_german_browser_reads_the_incident_page_in_german(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    response = page.goto(f"{dashboard(runtime)}/incidents/{crisis.incident_id}")

    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#detection h2")).to_have_text("Wann wussten wir es")
    expect(page.locator("#facts")).to_contain_text("nachbesprochen")
    expect(page.locator("#pending")).to_contain_text("Gerade wird niemand um etwas gebeten.")
    expect(page.locator("#findings h2")).to_have_text("Erkenntnisse")
    opened = records.incident.opened_at
    expect(page.locator("#facts")).to_contain_text(opened.strftime("%d.%m.%Y %H:%M"))
    expect(page.locator("#charts svg.chart-volume")).to_contain_text("Erwähnungen je 5 Min.")
    expect(page.locator("#charts svg.chart-negativity")).to_contain_text("negativer Anteil")
    switch = page.locator("#language-switch")
    expect(switch.locator('a[aria-current="true"]')).to_have_text("Deutsch")
    expect(switch.get_by_role("link", name="English")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    assert shoot(page, "dashboard-incident-de", full_page=False).stat().st_size > 0


def test_the_switch_gives_english_and_keeps_it_on_the_way_to_the_report(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    page.goto(f"{dashboard(runtime)}/incidents/{crisis.incident_id}")

    page.locator("#language-switch").get_by_role("link", name="English").click()

    page.wait_for_url(re.compile(r"\?lang=en$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#detection h2")).to_have_text("When did we know")
    page.locator("#downloads").get_by_role("link", name="printable page").click()
    page.wait_for_url(re.compile(r"/report\.html\?lang=en$"))
    expect(page.locator("h1")).to_have_text(f"Post-crisis report: {records.incident.brand}")


def test_the_printable_report_in_german_shows_the_figures_in_german(
    page: Page, runtime: LocalRuntime, crisis: Crisis, records: Records
) -> None:
    page.goto(f"{dashboard(runtime)}/incidents/{crisis.incident_id}")

    page.locator("#downloads").get_by_role("link", name="Druckansicht").click()

    page.wait_for_url(re.compile(rf"/incidents/{re.escape(crisis.incident_id)}/report\.html$"))
    expect(page.locator("h1")).to_have_text(f"Bericht zur Nachbesprechung: {records.incident.brand}")
    for key in MILESTONE_KINDS:
        seconds = records.seconds(records.milestone(key).at)
        cell = page.locator(f"#figures #milestone-{key} td.number")
        expect(cell).to_have_text(GERMAN.duration(timedelta(seconds=seconds)))
    expect(page.locator("#statement")).to_contain_text(f"Freigegeben von {APPROVER}")
    expect(page.locator('#execution dt:text-is("Status") + dd')).to_have_text("erfolgreich")
    shoot(page, "07-report-de")

    # Playwright's request API does not send the browser's Accept-Language: say it, as a browser would.
    markdown = page.request.get(page.url.removesuffix(".html") + ".md", headers={"Accept-Language": "de-DE"})
    assert markdown.status == 200
    assert markdown.text().startswith(f"# Bericht zur Nachbesprechung: {records.incident.brand}")


def test_an_explicit_lang_wins_over_the_browser_and_a_hostile_one_is_ignored(
    page: Page, runtime: LocalRuntime, crisis: Crisis
) -> None:
    base = f"{dashboard(runtime)}/incidents/{crisis.incident_id}"

    page.goto(base + "?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    response = page.goto(base + "?lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "de")  # the browser's choice stands
    assert "<script>alert(1)" not in page.content()


def test_the_list_and_an_unknown_link_speak_german_to_a_german_browser(
    page: Page, runtime: LocalRuntime, crisis: Crisis
) -> None:
    page.goto(dashboard(runtime))
    expect(page.locator("h1")).to_have_text("Vorfälle")
    expect(page.locator(f'.incident-row[data-incident-id="{crisis.incident_id}"]')).to_contain_text(
        "nachbesprochen"
    )
    shoot(page, "05-dashboard-list-de")

    response = page.goto(runtime.api_url.rstrip("/") + "/a/" + "x" * 22)

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Dieser Link ist ungültig")
