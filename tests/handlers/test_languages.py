"""Pages in their reader's language: action links in the recipient's, the dashboard and reports by
`?lang=`, then Accept-Language, then the brand's; hostile choices ignored."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from crisiswatch.domain.speech import Locales, Voice
from crisiswatch_ops.pages import read_page
from tests.builders import action_links as links
from tests.builders import dashboard
from tests.builders.lambdas import load_event
from tests.fakes import FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

GERMAN_TEAM = Locales(
    voices={"Hafermond": Voice("de")},
    readers={"tier1-primary": "de", "tier2-primary": "en"},
    team_language="de",
    time_zone="Europe/Berlin",
)


def with_query(event: dict[str, Any], **query: str) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["queryStringParameters"] = {**(changed.get("queryStringParameters") or {}), **query}
    changed["multiValueQueryStringParameters"] = {
        key: [value] for key, value in changed["queryStringParameters"].items()
    }
    return changed


def with_header(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["headers"][name] = value
    changed["multiValueHeaders"][name] = [value]
    return changed


def without_accept_language(event: dict[str, Any]) -> dict[str, Any]:
    """The sample events come from an English browser; these pages are read by one that names none."""
    changed = copy.deepcopy(event)
    changed["headers"].pop("Accept-Language", None)
    changed["multiValueHeaders"].pop("Accept-Language", None)
    return changed


def german_brand_incident() -> tuple[FakeServices, str]:
    services, incident_id = dashboard.seeded()
    incident = services.incidents.items[incident_id]
    incident.brand = "Hafermond"
    services.locales = GERMAN_TEAM
    return services, incident_id


# ----- action links ---------------------------------------------------------------------------------


def test_a_german_recipient_gets_the_message_and_the_page_in_german() -> None:
    services = FakeServices(locales=GERMAN_TEAM)
    ids = links.published(services, brand="Hafermond")
    message = next(m for m in services.notifier.sent if m.recipient == "tier1-primary")

    response = links.call(links.request("GET", ids["tier1-primary"]), services)

    assert message.subject.startswith("[SEV2] Hafermond: Entscheidung nötig")
    assert "MEZ" in message.email_body or "MESZ" in message.email_body  # the team's zone, UTC beside
    assert response["statusCode"] == 200
    body = response["body"]
    assert '<html lang="de">' in body
    assert read_page(body).title.startswith("Entscheidung nötig: Hafermond")
    assert "Diese Stellungnahme freigeben" in body and "Checkliste" in body
    assert "Wir wissen von" in body  # the brand's German statements, Sie-form
    assert "Approve this statement" not in body


def test_a_contact_who_reads_english_gets_english_for_a_german_brand() -> None:
    services = FakeServices(locales=GERMAN_TEAM)
    ids = links.published(services, brand="Hafermond")

    page = links.call(links.request("GET", ids["tier1-primary"]), services)
    services.locales = Locales(voices=GERMAN_TEAM.voices, readers={"tier1-primary": "en"})
    english = links.call(links.request("GET", ids["tier1-primary"]), services)

    assert "Diese Stellungnahme freigeben" in page["body"]
    assert "Approve this statement" in english["body"]
    assert "Wir wissen von" in english["body"]  # what is published stays in the brand's language


def test_an_unknown_address_answers_in_the_browsers_language_and_ignores_a_hostile_one() -> None:
    event = links.request("GET", "x" * 22)
    german = links.call(with_header(event, "Accept-Language", "de-DE,de;q=0.9"), FakeServices())
    hostile = links.call(with_header(event, "Accept-Language", "<script>;q=1,de;q=abc"), FakeServices())

    assert "Dieser Link ist ungültig" in german["body"]
    assert "This link is not valid" in hostile["body"] and "<script>" not in hostile["body"]


# ----- dashboard ------------------------------------------------------------------------------------


def test_the_incident_page_speaks_the_brands_language_unless_the_manager_chooses() -> None:
    services, incident_id = german_brand_incident()
    event = without_accept_language(load_event("dashboard", "incident"))
    event["pathParameters"] = {"incident_id": incident_id}
    event["path"] = f"/dashboard/incidents/{incident_id}"

    brands = dashboard.call(event, services)
    chosen = dashboard.call(with_query(event, lang="en"), services)
    browser = dashboard.call(with_header(event, "Accept-Language", "en-GB,en;q=0.8"), services)

    assert brands["statusCode"] == chosen["statusCode"] == browser["statusCode"] == 200
    assert '<html lang="de">' in brands["body"] and "Wann wussten wir es" in brands["body"]
    assert "Nachbesprechung" in brands["body"] and "Checkliste" in brands["body"]
    assert '<html lang="en">' in chosen["body"] and "When did we know" in chosen["body"]
    assert '<html lang="en">' in browser["body"]
    # The switch names both languages, each in its own words, the current one marked.
    assert 'id="language-switch"' in brands["body"]
    assert 'hreflang="en"' in brands["body"] and "Deutsch</a>" in brands["body"]
    assert 'href="?lang=de" hreflang="de" lang="de" aria-current="true"' in brands["body"]
    # A chosen language follows the manager to the report and back to the list.
    assert "report.html?lang=en" in chosen["body"]


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "de\r\nX: y", "../../de", "x" * 5000, "de;q=2", "klingon"],
)
def test_a_hostile_lang_falls_back_to_the_brands_language_and_is_never_echoed(hostile: str) -> None:
    services, incident_id = german_brand_incident()
    event = without_accept_language(load_event("dashboard", "incident"))
    event["pathParameters"] = {"incident_id": incident_id}
    event["path"] = f"/dashboard/incidents/{incident_id}"

    response = dashboard.call(
        with_header(with_query(event, lang=hostile), "Accept-Language", hostile), services
    )

    assert response["statusCode"] == 200
    assert '<html lang="de">' in response["body"]
    assert hostile not in response["body"] and "<script>alert(1)" not in response["body"]


def test_the_list_speaks_the_teams_language_and_keeps_the_filters_in_the_switch() -> None:
    services, _ = german_brand_incident()
    event = without_accept_language(load_event("dashboard", "list"))

    german = dashboard.call(event, services)
    english = dashboard.call(with_query(event, lang="en"), services)

    assert "<h1>Vorfälle</h1>" in german["body"] and "Filter zurücksetzen" in german["body"]
    assert "<h1>Incidents</h1>" in english["body"]
    assert "lang=en" in english["body"] and "status=" in english["body"]


def test_the_report_in_german_has_german_headings_findings_and_numbers() -> None:
    services, incident_id = german_brand_incident()
    event = without_accept_language(load_event("dashboard", "report_md"))
    event["pathParameters"] = {"incident_id": incident_id, "kind": "md"}
    event["path"] = f"/dashboard/incidents/{incident_id}/report.md"

    response = dashboard.call(event, services)

    body = response["body"]
    assert response["statusCode"] == 200
    assert body.startswith("# Bericht zur Nachbesprechung: Hafermond")
    assert "## Erkenntnisse" in body and "## Hat es gewirkt" in body
    assert "Der Alarm kam" in body  # a finding, worded in German
    assert "MEZ" in body or "MESZ" in body


def test_a_refused_revision_says_why_in_the_recipients_language() -> None:
    services = FakeServices(locales=GERMAN_TEAM)
    ids = links.published(services, brand="Hafermond")
    statement = read_page(
        links.call(links.request("GET", ids["tier1-primary"]), services)["body"]
    ).statements[0]

    refused = links.press(
        services, ids["tier1-primary"], "request_changes", statement, revised_text="Wir prüfen\u202edas."
    )

    assert refused["statusCode"] == 400
    assert "Die überarbeitete Stellungnahme wurde nicht zur Freigabe geschickt." in refused["body"]
    assert (
        "Zeile 1, Zeichen 11 ist U+202E RIGHT-TO-LEFT OVERRIDE, ein Zeichen zur Textrichtung"
        in refused["body"]
    )
