"""DashboardFunction through API Gateway events: sign-in, filters, pages, reports and hostile requests."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from tests.builders.dashboard import call, seeded
from tests.builders.lambdas import FakeLambdaContext, load_event, load_function
from tests.fakes import DASHBOARD_PASSWORD, FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


def response_header(response: dict[str, Any], name: str) -> str:
    """REST events that carry multi-value headers are answered with multi-value headers."""
    if "multiValueHeaders" in response:
        return str(response["multiValueHeaders"][name][-1])
    return str(response["headers"][name])


def signed_in_as(event: dict[str, Any], header: str | None) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    for headers in (changed["headers"], changed["multiValueHeaders"]):
        headers.pop("Authorization", None)
        if header is not None:
            headers["Authorization"] = header if headers is changed["headers"] else [header]
    return changed


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        basic("manager", "wrong"),
        basic("admin", DASHBOARD_PASSWORD),
        basic("manager", DASHBOARD_PASSWORD + "x"),
        "Basic not-base64!!",
        "Bearer " + DASHBOARD_PASSWORD,
        "Basic " + base64.b64encode(b"\xff\xfe").decode(),
    ],
)
@pytest.mark.parametrize("name", ["list", "incident", "report_md"])
def test_every_page_needs_the_managers_password(name: str, authorization: str | None) -> None:
    services, _ = seeded()
    response = call(signed_in_as(load_event("dashboard", name), authorization), services)
    assert response["statusCode"] == 401
    assert response_header(response, "WWW-Authenticate").startswith('Basic realm="CrisisWatch"')
    assert "Acme" not in response["body"]


def test_the_list_shows_the_filtered_incidents_escaped() -> None:
    services, incident_id = seeded()
    response = call(load_event("dashboard", "list"), services)  # status=reviewed, severity=SEV2
    assert response["statusCode"] == 200
    body = response["body"]
    assert incident_id in body
    assert "Other Brand" not in body
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert response_header(response, "Content-Security-Policy").startswith("default-src 'none'")
    assert response_header(response, "Cache-Control") == "no-store"


def test_a_bad_filter_is_a_clear_400() -> None:
    services, _ = seeded()
    event = load_event("dashboard", "list")
    event["queryStringParameters"] = {"severity": "SEV9"}
    event["multiValueQueryStringParameters"] = {"severity": ["SEV9"]}
    response = call(event, services)
    assert response["statusCode"] == 400
    assert "severity must be one of SEV1, SEV2, SEV3" in response["body"]


def test_the_incident_page_shows_the_timeline_of_both_sources() -> None:
    services, _ = seeded()
    response = call(load_event("dashboard", "incident"), services)
    assert response["statusCode"] == 200
    body = response["body"]
    assert "Assess And Route" in body  # from the execution history
    assert "tier.notified" in body  # from the audit trail
    assert "<script>alert" not in body
    assert "chart-volume" in body and "chart-negativity" in body


@pytest.mark.parametrize("path", ["incidents/nope", "incidents/nope/report.html", "incidents/nope/report.md"])
def test_unknown_incidents_are_404(path: str) -> None:
    services, _ = seeded()
    event = load_event("dashboard", "incident")
    event["path"] = f"/dashboard/{path}"
    event["pathParameters"] = {"proxy": path}
    assert call(event, services)["statusCode"] == 404


def test_the_markdown_report_downloads_as_markdown() -> None:
    services, incident_id = seeded()
    response = call(load_event("dashboard", "report_md"), services)
    assert response["statusCode"] == 200
    assert response_header(response, "Content-Type") == "text/markdown; charset=utf-8"
    assert f'filename="{incident_id}.md"' in response_header(response, "Content-Disposition")
    assert "<script>" not in response["body"]


def test_other_report_kinds_and_methods_are_refused() -> None:
    services, _ = seeded()
    event = load_event("dashboard", "report_md")
    event["path"] = event["path"].replace("report.md", "report.exe")
    event["pathParameters"] = {"proxy": event["pathParameters"]["proxy"].replace("report.md", "report.exe")}
    assert call(event, services)["statusCode"] == 404
    posted = load_event("dashboard", "list")
    posted["httpMethod"] = "POST"
    assert call(posted, services)["statusCode"] in {404, 405}


def test_the_report_function_writes_every_file() -> None:
    services, incident_id = seeded()
    writer = load_function("write_report")
    result = writer.lambda_handler(
        load_event("write_report", "report"), FakeLambdaContext(), services=services
    )
    assert result == {"report": f"memory://reports/{incident_id}/"}
    files = services.reports.reports[incident_id]
    assert set(files) == {"report.html", "report.md", "volume.svg", "negativity.svg"}
    assert files["volume.svg"][1] == "image/svg+xml"
    assert b"<script>alert" not in files["report.html"][0]


@pytest.mark.parametrize("event", [{}, {"incident_id": ""}, {"incident_id": 7}, []])
def test_the_report_function_refuses_events_without_an_incident(event: Any) -> None:
    writer = load_function("write_report")
    with pytest.raises(Exception, match="incident_id is required"):
        writer.lambda_handler(event, FakeLambdaContext(), services=FakeServices())
