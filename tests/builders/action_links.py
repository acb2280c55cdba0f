"""ActionLinksFunction driven through API Gateway events, as the handler, page and fuzz tests drive it."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.crisis_plan import Cursor
from crisiswatch.domain.response.incidents import IncidentChanges
from crisiswatch.domain.response.links import link_key
from crisiswatch.usecases.asking import assess, request_decision
from crisiswatch_ops.pages import Page, read_page
from tests.builders.lambdas import FakeLambdaContext, clone, load_event, load_function
from tests.fakes import FakeServices, make_incident

app = load_function("action_links")
MAX_FORM_BYTES: int = app.MAX_FORM_BYTES
TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcZ0xK6l1u0n3vGdV0yF0b9" * 12
HOSTILE_SUMMARY = '<script>alert("pwned")</script> 60 mentions & "quotes"'
HOSTILE_DRAFT = "We're on it <script>steal()</script> & <img src=x onerror=alert(1)>"
TIER_CHOICES = {"approve", "acknowledge", "request_changes", "escalate", "dismiss"}
LINK_ID = re.compile(r"/a/([A-Za-z0-9_-]{22})")


def published(
    services: FakeServices,
    brand: str = "Acme <b>Coffee</b>",
    crisis_types: tuple[str, ...] = ("product_failure",),
) -> dict[str, str]:
    """An incident routed and its tier 1 asked just now; returns recipient -> link id from their SMS."""
    incident = make_incident(
        brand=brand, summary=HOSTILE_SUMMARY, severity=Severity.SEV2, crisis_types=crisis_types
    )
    services.incidents.open(incident)
    now = utc_now()
    routed = assess(incident.incident_id, services, now)
    stored = services.incidents.get(incident.incident_id)
    assert stored is not None
    hostile = replace(stored.drafts[0], key="hostile-social", text=HOSTILE_DRAFT)
    services.incidents.update(incident.incident_id, IncidentChanges(drafts=(*stored.drafts, hostile)))
    request_decision(incident.incident_id, Cursor.from_dict(routed["cursor"]).to_dict(), TOKEN, services, now)
    services.audit.entries.clear()
    return {m.recipient: LINK_ID.findall(m.sms_body)[0] for m in services.notifier.sent}


def request(
    method: str, link_id: str | None = None, body: str | None = None, path: str | None = None
) -> dict[str, Any]:
    sample = {"GET": "get", "HEAD": "head"}.get(method, "post_approve")
    event = clone(load_event("action_links", sample))
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    if link_id is not None:
        event["path"] = f"/a/{link_id}"
        event["pathParameters"] = {"link_id": link_id}
        event["requestContext"]["path"] = f"/Prod/a/{link_id}"
    if path is not None:
        event["path"] = path
        event["pathParameters"] = None
    if body is not None:
        event["body"] = body
    return event


def call(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def header(response: dict[str, Any], name: str) -> str:
    values = (response.get("multiValueHeaders") or {}).get(name) or [
        (response.get("headers") or {}).get(name)
    ]
    return str(values[0])


def open_page(services: FakeServices, link_id: str) -> Page:
    response = call(request("GET", link_id), services)
    assert response["statusCode"] == 200, response["body"][:300]
    return read_page(response["body"])


def post(services: FakeServices, link_id: str, fields: dict[str, str]) -> dict[str, Any]:
    return call(request("POST", link_id, urlencode(fields)), services)


def press(
    services: FakeServices, link_id: str, value: str, statement: str | None = None, **typed: str
) -> dict[str, Any]:
    """Open the page and press one of its buttons, as a browser would."""
    page = open_page(services, link_id)
    name = "tick" if value in ("stakeholders_informed", "legal_reviewed") else "decision"
    return post(services, link_id, page.press(value, statement, name=name, **typed))


def state(services: FakeServices) -> tuple[Any, ...]:
    links, locks = services.links.snapshot()
    return (
        links,
        locks,
        dict(services.links.requests),
        dict(services.links.tokens),
        copy.deepcopy(services.incidents.items),
        list(services.audit.entries),
        copy.deepcopy(services.workflow.succeeded),
        list(services.notifier.sent),
    )


def assert_safe_headers(response: dict[str, Any]) -> None:
    assert header(response, "Cache-Control") == "no-store"
    assert header(response, "Referrer-Policy") == "no-referrer"
    assert header(response, "X-Content-Type-Options") == "nosniff"
    csp = header(response, "Content-Security-Policy")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert header(response, "Content-Type").startswith("text/html")


def expire_request(services: FakeServices, link_id: str) -> None:
    link = services.links.get(link_key(link_id))
    assert link is not None
    token = services.links.task_token(link.notification_id)
    assert token is not None
    services.links.rebind(link.notification_id, token, utc_now() - timedelta(seconds=1))
