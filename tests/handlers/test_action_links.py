"""ActionLinksFunction through API Gateway events: pages, headers, escaping, and hostile requests."""

from __future__ import annotations

import base64
import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from crisiswatch.domain.clock import utc_now
from crisiswatch.usecases.escalation import notify_tier
from tests.fakes import FakeServices, make_incident
from tests.handlers.conftest import FakeLambdaContext, clone, load_event, load_function

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

app = load_function("action_links")
SAMPLE_ID = load_event("action_links", "get")["pathParameters"]["link_id"]
TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcZ0xK6l1u0n3vGdV0yF0b9" * 12
HOSTILE_SUMMARY = '<script>alert("pwned")</script> 60 mentions & "quotes"'


def published(services: FakeServices, brand: str = "Acme <b>Coffee</b>") -> dict[str, str]:
    """An incident whose tier 1 was notified now; returns recipient -> link id from their SMS."""
    incident = make_incident(brand=brand, summary=HOSTILE_SUMMARY)
    services.incidents.open(incident)
    notify_tier(
        incident.incident_id, 1, TOKEN, services.settings.tier_recipients[1], timedelta(minutes=15),
        services.settings.action_base_url, services.incidents, services.links, services.notifier,
        services.audit, utc_now(),
    )  # fmt: skip
    services.audit.entries.clear()
    return {
        m.recipient: re.findall(r"/a/([A-Za-z0-9_-]{22})", m.sms_body)[0] for _, m in services.notifier.sent
    }


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


def form_token(response: dict[str, Any]) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response["body"])
    assert match, "the confirmation page has no form token"
    return html.unescape(match.group(1))


def state(services: FakeServices) -> tuple[Any, ...]:
    links, locks = services.links.snapshot()
    return (
        links,
        locks,
        dict(services.incidents.items),
        list(services.audit.entries),
        services.escalation.succeeded[:],
    )


def assert_safe_headers(response: dict[str, Any]) -> None:
    assert header(response, "Cache-Control") == "no-store"
    assert header(response, "Referrer-Policy") == "no-referrer"
    assert header(response, "X-Content-Type-Options") == "nosniff"
    assert "frame-ancestors 'none'" in header(response, "Content-Security-Policy")
    assert header(response, "Content-Type").startswith("text/html")


# ----- the sample events as recorded ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["get", "head", "post_approve"])
def test_the_sample_events_for_an_unknown_link_get_a_404_page(name: str, services: FakeServices) -> None:
    response = call(load_event("action_links", name), services)

    assert response["statusCode"] == 404
    assert "This link is not valid" in response["body"]
    assert_safe_headers(response)


# ----- GET / HEAD -----------------------------------------------------------------------------------


def test_get_shows_the_confirmation_page_and_changes_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    response = call(request("GET", ids["tier1-primary"]), services)

    assert response["statusCode"] == 200
    assert_safe_headers(response)
    body = response["body"]
    assert "Decision needed" in body
    assert 'method="post"' in body
    assert 'value="approve"' in body and 'value="dismiss"' in body
    assert "tier1-primary" in body
    assert "<script" not in body.lower()  # no auto-submitting script, and no injected one
    assert form_token(response)
    assert state(services) == before


def test_a_get_and_head_storm_like_a_mail_scanner_changes_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    for _ in range(10):
        for link_id in ids.values():
            for method in ("GET", "HEAD"):
                response = call(request(method, link_id), services)
                assert response["statusCode"] == 200
                assert_safe_headers(response)

    assert state(services) == before


def test_incident_text_is_html_escaped(services: FakeServices) -> None:
    ids = published(services)

    body = call(request("GET", ids["tier1-primary"]), services)["body"]

    assert "<script>" not in body
    assert "&lt;script&gt;alert(" in body and "&lt;/script&gt; 60 mentions &amp; " in body
    assert "<b>Coffee</b>" not in body
    assert "Acme &lt;b&gt;Coffee&lt;/b&gt;" in body


# ----- POST -----------------------------------------------------------------------------------------


def post(
    services: FakeServices, link_id: str, decision: str = "approve", token: str | None = None
) -> dict[str, Any]:
    if token is None:
        token = form_token(call(request("GET", link_id), services))
    return call(request("POST", link_id, urlencode({"form_token": token, "decision": decision})), services)


def test_a_post_from_the_page_decides_and_says_so(services: FakeServices) -> None:
    ids = published(services)

    response = post(services, ids["tier1-primary"], "approve")

    assert response["statusCode"] == 200
    assert_safe_headers(response)
    assert "Thank you: you chose to approve" in response["body"]
    assert "Recorded for tier1-primary" in response["body"]
    ((token, output),) = services.escalation.succeeded
    assert token == TOKEN
    assert (output["decision"], output["decided_by"]) == ("approve", "tier1-primary")
    (entry,) = services.audit.entries
    assert entry.detail["client"].startswith("203.0.113.42 Mozilla/5.0 (iPhone")


def test_a_second_post_on_the_same_link_says_who_already_decided(services: FakeServices) -> None:
    ids = published(services)
    token = form_token(call(request("GET", ids["tier1-primary"]), services))
    assert post(services, ids["tier1-primary"], token=token)["statusCode"] == 200

    response = post(services, ids["tier1-primary"], "dismiss", token=token)

    assert response["statusCode"] == 409
    assert "Already decided" in response["body"]
    assert "tier1-primary chose to approve at" in response["body"]
    assert len(services.escalation.succeeded) == 1


def test_another_recipients_link_after_a_decision_says_already_decided_by_whom(
    services: FakeServices,
) -> None:
    ids = published(services)
    assert post(services, ids["tier1-primary"])["statusCode"] == 200

    response = call(request("GET", ids["tier1-backup"]), services)

    assert response["statusCode"] == 409
    assert "tier1-primary chose to approve at" in response["body"]
    assert 'name="form_token"' not in response["body"]


def test_a_post_without_the_pages_form_token_decides_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    response = call(request("POST", ids["tier1-primary"], "decision=approve"), services)

    assert response["statusCode"] == 400
    assert "Nothing was decided" in response["body"]
    assert state(services) == before


def test_a_workflow_that_moved_on_gives_an_expired_page(services: FakeServices) -> None:
    ids = published(services)
    services.escalation.succeed_plan = ["dead"]

    response = post(services, ids["tier1-primary"])

    assert response["statusCode"] == 410
    assert "This request has expired" in response["body"]


def test_an_unreachable_workflow_asks_to_try_again_and_the_link_still_works(services: FakeServices) -> None:
    ids = published(services)
    services.escalation.succeed_plan = ["transient"]

    response = post(services, ids["tier1-primary"])

    assert response["statusCode"] == 409
    assert "Please try again" in response["body"]
    assert "Traceback" not in response["body"] and "Throttling" not in response["body"]
    assert post(services, ids["tier1-primary"])["statusCode"] == 200


def test_a_3_kb_body_is_refused_with_413(services: FakeServices) -> None:
    ids = published(services)
    token = form_token(call(request("GET", ids["tier1-primary"]), services))
    before = state(services)
    body = urlencode({"form_token": token, "decision": "approve", "padding": "x" * 3_000})

    response = call(request("POST", ids["tier1-primary"], body), services)

    assert response["statusCode"] == 413
    assert_safe_headers(response)
    assert state(services) == before


@pytest.mark.parametrize(
    "body",
    [
        "%%%",
        "decision",
        "=&=&=",
        "\x00\x01\x02\xff",
        "&".join(f"f{i}=1" for i in range(20)),  # more fields than a real form has
        '{"decision": "approve"}',
        "decision=approve&decision=dismiss&form_token=1.x",
        "",
    ],
)
def test_a_malformed_body_decides_nothing_and_is_no_server_error(services: FakeServices, body: str) -> None:
    ids = published(services)
    before = state(services)

    response = call(request("POST", ids["tier1-primary"], body), services)

    assert response["statusCode"] == 400
    assert_safe_headers(response)
    assert state(services) == before


@pytest.mark.parametrize(
    "body",
    [
        base64.b64encode(b"\xff\xfe" * 100).decode(),
        "not base64 at all!",
        base64.b64encode(b"x" * 9000).decode(),
    ],
)
def test_a_binary_or_broken_base64_body_is_a_clear_4xx(services: FakeServices, body: str) -> None:
    """API Gateway hands binary bodies over base64-encoded; none of them is our form."""
    ids = published(services)
    before = state(services)
    event = request("POST", ids["tier1-primary"], body)
    event["isBase64Encoded"] = True

    response = call(event, services)

    assert response["statusCode"] in {400, 413}
    assert_safe_headers(response)
    assert state(services) == before


# ----- not found and hostile input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/a", "/a/", "/b/Xb3kQ9pLm2vT7wZr1cYd0A", "/a/Xb3kQ9pLm2vT7wZr1cYd0A/extra"]
)
def test_an_unknown_path_is_a_404_page(services: FakeServices, path: str) -> None:
    response = call(request("GET", path=path), services)

    assert response["statusCode"] == 404
    assert "There is nothing at this address" in response["body"]
    assert_safe_headers(response)


def hostile_events(link_id: str) -> list[dict[str, Any]]:
    events = [
        request("GET", "../../../../etc/passwd"),
        request("GET", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        request("GET", "<script>alert(1)</script>"),
        request("GET", "A" * 5_000),
        request("GET", "é" * 22),
        request("HEAD", link_id + "x"),
        request("POST", link_id, "form_token=²³.abc&decision=approve"),
        request("POST", link_id, "form_token=" + "9" * 60 + ".x&decision=approve"),
        request("POST", link_id, "form_token=1716466440.x&decision=" + "approve" * 100),
        request("POST", "x" * 22, "form_token=1.x&decision=approve"),
        request("DELETE", link_id),
        request("PUT", link_id, "decision=approve"),
        request("PATCH", link_id, "decision=approve"),
        request("OPTIONS", link_id),
    ]
    binary = request("POST", link_id)
    binary["body"] = base64.b64encode(b"form_token=1.x&decision=approve").decode()
    binary["isBase64Encoded"] = True
    events.append(binary)
    bare = request("POST", link_id, "decision=approve")  # a script, not a browser: no headers, no agent
    bare["requestContext"]["identity"] = {"sourceIp": "198.51.100.7", "userAgent": None}
    bare["headers"] = None
    bare["multiValueHeaders"] = None
    events.append(bare)
    return events


def test_hostile_requests_never_get_a_server_error_nor_change_anything(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    for event in hostile_events(ids["tier1-primary"]):
        response = call(event, services)
        assert 400 <= response["statusCode"] < 500, (
            event["httpMethod"],
            event["path"][:40],
            response["statusCode"],
        )
        assert_safe_headers(response)
        assert "Traceback" not in response["body"]
        assert "<script>" not in response["body"]

    assert state(services) == before


def test_neither_the_link_id_nor_the_task_token_is_logged(services: FakeServices, logs: Any) -> None:
    ids = published(services)
    captured = logs(app)

    post(services, ids["tier1-primary"])
    call(request("GET", ids["tier1-backup"]), services)

    assert "Link submitted" in captured.text  # the capture works
    for secret in (ids["tier1-primary"], ids["tier1-backup"], TOKEN[:30]):
        assert secret not in captured.text
