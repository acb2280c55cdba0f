"""ActionLinksFunction through API Gateway events: pages, headers, escaping, and hostile requests."""

from __future__ import annotations

import base64
import logging
import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.response.crisis_plan import Timing, start_round
from crisiswatch.domain.response.links import link_key
from crisiswatch.usecases.asking import rounds_of
from crisiswatch.usecases.outcomes import publish_statement, record_decision
from crisiswatch_ops.pages import read_page
from tests.builders.action_links import (
    HOSTILE_DRAFT,
    MAX_FORM_BYTES,
    TIER_CHOICES,
    TOKEN,
    app,
    assert_safe_headers,
    call,
    expire_request,
    open_page,
    post,
    press,
    published,
    request,
    state,
)
from tests.builders.lambdas import load_event
from tests.builders.links import offered
from tests.fakes import FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
# ----- the sample events as recorded ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["get", "head", "post_approve"])
def test_the_sample_events_for_an_unknown_link_get_a_404_page(name: str, services: FakeServices) -> None:
    published(services)
    before = state(services)

    response = call(load_event("action_links", name), services)

    assert response["statusCode"] == 404
    assert "This link is not valid" in response["body"]
    assert_safe_headers(response)
    assert state(services) == before


# ----- GET / HEAD -----------------------------------------------------------------------------------


def test_get_shows_the_confirmation_page_and_changes_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    response = call(request("GET", ids["tier1-primary"]), services)

    assert response["statusCode"] == 200
    assert_safe_headers(response)
    page = read_page(response["body"])
    assert page.title.startswith("Decision needed")
    assert set(page.buttons) == TIER_CHOICES
    incident = next(iter(services.incidents.items.values()))
    assert page.statements == [d.key for d in offered(incident.drafts)]
    assert page.fields["form_token"]
    assert "tier1-primary" in response["body"]
    assert "<script" not in response["body"].lower()  # no auto-submitting script, and no injected one
    assert state(services) == before


def test_a_get_and_head_storm_like_a_mail_scanner_changes_nothing(services: FakeServices) -> None:
    ids = published(services)
    assert press(services, ids["tier1-backup"], "dismiss")["statusCode"] == 200  # one decided link too
    expire_request(services, ids["tier1-primary"])
    links = [*ids.values(), "Xb3kQ9pLm2vT7wZr1cYd0A"]
    before = state(services)

    for _ in range(50):
        for link_id in links:
            for method in ("GET", "HEAD"):
                response = call(request(method, link_id), services)
                assert response["statusCode"] in {404, 409, 410}
                assert_safe_headers(response)

    assert state(services) == before


def test_a_storm_on_a_live_link_changes_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)

    for index in range(50):
        response = call(request("GET" if index % 2 else "HEAD", ids["tier1-primary"]), services)
        assert response["statusCode"] == 200

    assert state(services) == before
    assert press(services, ids["tier1-primary"], "escalate")["statusCode"] == 200  # still decides


def test_incident_and_statement_text_is_html_escaped(services: FakeServices) -> None:
    ids = published(services)

    body = call(request("GET", ids["tier1-primary"]), services)["body"]

    assert "<script>" not in body and "<img" not in body and "<b>Coffee</b>" not in body
    assert "&lt;script&gt;alert(" in body and "&lt;/script&gt; 60 mentions &amp; " in body
    assert "Acme &lt;b&gt;Coffee&lt;/b&gt;" in body
    assert "&lt;script&gt;steal()&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in body
    page = read_page(body)
    assert (
        page.form_for("decision", "request_changes", "hostile-social").fields["revised_text"] == HOSTILE_DRAFT
    )


# ----- POST -----------------------------------------------------------------------------------------


def test_approving_from_the_page_decides_and_says_so(services: FakeServices) -> None:
    ids = published(services)
    page = open_page(services, ids["tier1-primary"])
    statement = page.statements[-1]

    response = post(services, ids["tier1-primary"], page.press("approve", statement))

    assert response["statusCode"] == 200
    assert_safe_headers(response)
    assert "Thank you: you chose to approve" in response["body"]
    assert "Recorded for tier1-primary" in response["body"]
    ((token, output),) = services.workflow.succeeded
    assert token == TOKEN
    assert (output["decision"], output["decided_by"], output["statement"]) == (
        "approve",
        "tier1-primary",
        statement,
    )
    (entry,) = services.audit.entries
    assert entry.detail["client"].startswith("203.0.113.42 Mozilla/5.0 (iPhone")


def test_request_changes_from_the_page_carries_the_revised_text(services: FakeServices) -> None:
    ids = published(services)

    response = press(
        services, ids["tier1-backup"], "request_changes", "hostile-social", revised_text="Sorry & <fixed>."
    )

    assert response["statusCode"] == 200
    ((_, output),) = services.workflow.succeeded
    assert (output["statement"], output["revised_text"]) == ("hostile-social", "Sorry & <fixed>.")
    assert output["decided_by"] == "tier1-backup"


def test_a_revised_text_longer_than_its_channel_takes_decides_nothing(services: FakeServices) -> None:
    ids = published(services)
    page = open_page(services, ids["tier1-primary"])
    before = state(services)

    response = post(
        services,
        ids["tier1-primary"],
        page.press("request_changes", "hostile-social", revised_text="x" * 281),
    )

    assert response["statusCode"] == 400
    assert "The statement is 281 characters; the social channel takes at most 280." in response["body"]
    assert state(services) == before


UNPUBLISHABLE = {
    "nul": ("We are on it.\x00", "U+0000, a control character"),
    "esc-sequence": ("We are \x1b[31mon it\x1b[0m.", "U+001B, a control character"),
    "del": ("We are on it.\x7f", "U+007F, a control character"),
    "c1": ("We are on it.\x9b2J", "U+009B, a control character"),
    "bidi-override": ("Refunds: \u202e%001\u202c for all.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "bidi-isolate": ("We are \u2067on it\u2069.", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    "whitespace-only": (" \r\n\t\u3000 \r\n", "The statement is empty"),
    "10000-characters": (
        "x" * 10_000,
        "The statement is 10000 characters; the social channel takes at most 280.",
    ),
    "limit+1-after-nfc": (
        "e\u0301" * 281,
        "The statement is 281 characters; the social channel takes at most 280.",
    ),
}


@pytest.mark.parametrize(("typed", "said"), list(UNPUBLISHABLE.values()), ids=list(UNPUBLISHABLE))
def test_a_revision_that_cannot_be_published_is_a_400_page_that_keeps_the_text(
    services: FakeServices, typed: str, said: str
) -> None:
    ids = published(services)
    page = open_page(services, ids["tier1-primary"])
    before = state(services)

    response = post(
        services, ids["tier1-primary"], page.press("request_changes", "hostile-social", revised_text=typed)
    )

    assert response["statusCode"] == 400
    assert_safe_headers(response)
    assert "Nothing was decided" in response["body"] and said in response["body"]
    assert state(services) == before  # nothing claimed, resumed, audited or stored: the incident unchanged
    again = read_page(response["body"])
    box = again.form_for("decision", "request_changes", "hostile-social")
    assert box.fields["revised_text"] == typed  # as typed: nothing is lost
    fixed = post(
        services,
        ids["tier1-primary"],
        again.press("request_changes", "hostile-social", revised_text="Fixed."),
    )
    assert fixed["statusCode"] == 200
    ((_, output),) = services.workflow.succeeded
    assert output["revised_text"] == "Fixed."


def test_an_approved_revision_goes_out_tidied_not_byte_for_byte(services: FakeServices) -> None:
    ids = published(services)
    typed = "We know.\r\n\r\n\r\nCafe\u0301 update at 3pm.\t \r\n#Ac\u200bme"
    clean = "We know.\n\nCafé update at 3pm.\n#Acme"

    response = press(services, ids["tier1-primary"], "request_changes", "hostile-social", revised_text=typed)

    assert response["statusCode"] == 200
    ((_, output),) = services.workflow.succeeded
    assert output["revised_text"] == clean
    (incident,) = services.incidents.items.values()
    cursor = start_round(rounds_of(incident, services.policy, Timing()), 0).to_dict()
    record = partial(record_decision, incident.incident_id, cursor, plan=services, now=utc_now())
    record(decision_data=output)
    record(decision_data={"decision": "approve", "decided_by": "tier1-backup", "statement": "revision-1"})
    publish_statement(incident.incident_id, services, utc_now())
    assert services.publisher.posts == [(incident.incident_id, "social", clean)]


@pytest.mark.parametrize(
    ("extra", "value"),
    [("decided_by", "exec-duty"), ("tier", "3"), ("recipient", "exec-duty"), ("decided_at", "2000-01-01")],
)
def test_who_decided_comes_from_the_link_never_from_the_form(
    services: FakeServices, extra: str, value: str
) -> None:
    ids = published(services)
    page = open_page(services, ids["tier1-backup"])

    response = post(services, ids["tier1-backup"], {**page.press("dismiss"), extra: value})

    assert response["statusCode"] == 200
    ((_, output),) = services.workflow.succeeded
    assert (output["decided_by"], output["tier"]) == ("tier1-backup", 1)
    assert output["decided_at"] != "2000-01-01"
    assert "exec-duty" not in repr(services.audit.entries)


def test_a_tick_from_the_page_ticks_and_the_link_still_decides(services: FakeServices) -> None:
    ids = published(services)

    response = press(services, ids["tier1-primary"], "stakeholders_informed")

    assert response["statusCode"] == 200
    assert "Ticked: stakeholders informed." in response["body"]
    assert services.workflow.succeeded == []
    incident = next(iter(services.incidents.items.values()))
    assert incident.checklist["stakeholders_informed"]["by"] == "tier1-primary"
    ticked = read_page(response["body"])
    assert post(services, ids["tier1-primary"], ticked.press("dismiss"))["statusCode"] == 200
    assert len(services.workflow.succeeded) == 1


@pytest.mark.parametrize("item", ["legal_reviewed", "published", "acknowledged", "facts_gathered", "x"])
def test_an_item_people_cannot_tick_here_is_refused(services: FakeServices, item: str) -> None:
    ids = published(services)
    token = open_page(services, ids["tier1-primary"]).fields["form_token"]
    before = state(services)

    response = post(services, ids["tier1-primary"], {"form_token": token, "tick": item})

    assert response["statusCode"] == 400
    assert "not an item you can tick" in response["body"]
    assert state(services) == before


def test_legal_ticks_its_review_when_legal_was_pulled_in(services: FakeServices) -> None:
    ids = published(services, crisis_types=("data_breach",))

    response = press(services, ids["legal-counsel"], "legal_reviewed")

    assert response["statusCode"] == 200
    incident = next(iter(services.incidents.items.values()))
    assert incident.checklist["legal_reviewed"]["by"] == "legal-counsel"
    assert services.workflow.succeeded == []


def test_a_second_post_on_the_same_link_says_who_already_decided(services: FakeServices) -> None:
    ids = published(services)
    fields = open_page(services, ids["tier1-primary"]).press("escalate")
    assert post(services, ids["tier1-primary"], fields)["statusCode"] == 200
    after = state(services)

    response = post(services, ids["tier1-primary"], {**fields, "decision": "dismiss"})

    assert response["statusCode"] == 409
    assert "Already decided" in response["body"]
    assert re.search(
        r"tier1-primary chose to escalate at\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", response["body"]
    )
    assert state(services) == after


def test_another_recipients_link_after_a_decision_says_already_decided_by_whom(
    services: FakeServices,
) -> None:
    ids = published(services)
    backup_fields = open_page(services, ids["tier1-backup"]).press("dismiss")
    assert press(services, ids["tier1-primary"], "escalate")["statusCode"] == 200
    after = state(services)

    for response in (
        call(request("GET", ids["tier1-backup"]), services),
        post(services, ids["tier1-backup"], backup_fields),
    ):
        assert response["statusCode"] == 409
        assert "tier1-primary chose to escalate at" in response["body"]
        assert 'name="form_token"' not in response["body"]
    assert state(services) == after


@pytest.mark.parametrize(
    "body",
    [
        "decision=dismiss",
        "form_token=&decision=dismiss",
        "form_token=1716466440.q8Zr3mVt1xW9kB2nL5pD7sF0hJ4g",
    ],
)
def test_a_post_without_the_pages_form_token_decides_nothing(services: FakeServices, body: str) -> None:
    ids = published(services)
    before = state(services)

    response = call(request("POST", ids["tier1-primary"], body + "&decision=dismiss"), services)

    assert response["statusCode"] == 400
    assert "Nothing was decided" in response["body"]
    assert state(services) == before


def test_a_form_token_of_another_link_decides_nothing(services: FakeServices) -> None:
    ids = published(services)
    fields = open_page(services, ids["tier1-backup"]).press("dismiss")
    before = state(services)

    response = post(services, ids["tier1-primary"], fields)

    assert response["statusCode"] == 400
    assert state(services) == before


def test_an_expired_request_gives_an_expired_page(services: FakeServices) -> None:
    ids = published(services)
    fields = open_page(services, ids["tier1-primary"]).press("dismiss")
    expire_request(services, ids["tier1-primary"])
    before = state(services)

    for response in (
        call(request("GET", ids["tier1-primary"]), services),
        post(services, ids["tier1-primary"], fields),
    ):
        assert response["statusCode"] == 410
        assert "This request has expired" in response["body"]
    after = state(services)
    assert after[:5] == before[:5] and after[6:] == before[6:]  # nothing decided, nothing resumed
    assert services.audit.kinds() == ["link.late"]  # the late POST left a trace; the GET did not


def test_a_wait_that_just_ended_asks_to_try_again_and_decides_nothing(services: FakeServices) -> None:
    ids = published(services)
    fields = open_page(services, ids["tier1-primary"]).press("dismiss")
    before = state(services)
    services.workflow.succeed_plan = ["dead"]

    response = post(services, ids["tier1-primary"], fields)

    assert response["statusCode"] == 409
    assert "Please try again" in response["body"]
    assert state(services) == before
    assert post(services, ids["tier1-primary"], fields)["statusCode"] == 200


def test_an_unreachable_workflow_asks_to_try_again_and_the_link_still_works(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)
    services.workflow.succeed_plan = ["transient"]

    response = press(services, ids["tier1-primary"], "dismiss")

    assert response["statusCode"] == 409
    assert "Please try again" in response["body"]
    assert "Traceback" not in response["body"] and "Throttling" not in response["body"]
    assert state(services) == before
    assert press(services, ids["tier1-primary"], "dismiss")["statusCode"] == 200


# ----- size and shape of the body -------------------------------------------------------------------


@pytest.mark.parametrize("encode", [False, True])
@pytest.mark.parametrize("size", [MAX_FORM_BYTES + 1, 2 * MAX_FORM_BYTES + 1, 10 * MAX_FORM_BYTES])
def test_a_body_over_the_form_limit_is_refused_with_413(
    services: FakeServices, size: int, encode: bool
) -> None:
    ids = published(services)
    fields = open_page(services, ids["tier1-primary"]).press("request_changes", "hostile-social")
    prefix = urlencode({**fields, "revised_text": "x"})
    body = prefix + "x" * (size - len(prefix))
    assert len(body) == size
    before = state(services)
    event = request("POST", ids["tier1-primary"], body)
    if encode:
        event["body"] = base64.b64encode(body.encode()).decode()
        event["isBase64Encoded"] = True

    response = call(event, services)

    assert response["statusCode"] == 413
    assert_safe_headers(response)
    assert "too large" in response["body"]
    assert state(services) == before


def test_a_full_2000_character_revision_percent_encoded_fits(services: FakeServices) -> None:
    ids = published(services)
    web = next(d.key for d in next(iter(services.incidents.items.values())).drafts if d.channel == "web")
    revised = "€<&>\"'" * 333 + "ab"
    assert len(revised) == 2000

    response = press(
        services, ids["tier1-primary"], "request_changes", web, revised_text=revised, note="é" * 1000
    )

    assert response["statusCode"] == 200
    assert services.workflow.succeeded[0][1]["revised_text"] == revised


@pytest.mark.parametrize(
    "body",
    [
        "%%%",
        "decision",
        "=&=&=",
        "\x00\x01\x02\xff",
        "&".join(f"f{i}=1" for i in range(20)),  # more fields than a real form has
        '{"decision": "dismiss"}',
        "decision=dismiss&decision=escalate&form_token=1.x",
        "form_token=%FF%FE&decision=dismiss",
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


def test_a_body_of_none_decides_nothing(services: FakeServices) -> None:
    ids = published(services)
    before = state(services)
    event = request("POST", ids["tier1-primary"])
    event["body"] = None

    response = call(event, services)

    assert response["statusCode"] == 400
    assert state(services) == before


@pytest.mark.parametrize(
    "body",
    [
        base64.b64encode(b"\xff\xfe" * 100).decode(),
        "not base64 at all!",
        "====",
        "Zm9ybV90b2tlbj0xLngmZGVjaXNpb249YXBwcm92ZQ",  # valid characters, padding missing
        base64.b64encode(b"x" * 9000).decode(),
        base64.b64encode(b"form_token=1.x&decision=dismiss").decode(),
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


def test_a_base64_encoded_form_from_the_page_decides(services: FakeServices) -> None:
    """Some proxies base64-encode every body: the form inside is still a form."""
    ids = published(services)
    fields = open_page(services, ids["tier1-primary"]).press("dismiss")
    event = request("POST", ids["tier1-primary"], base64.b64encode(urlencode(fields).encode()).decode())
    event["isBase64Encoded"] = True

    assert call(event, services)["statusCode"] == 200
    assert services.workflow.succeeded[0][1]["decision"] == "dismiss"


# ----- not found and hostile input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/a", "/a/", "/b/Xb3kQ9pLm2vT7wZr1cYd0A", "/a/Xb3kQ9pLm2vT7wZr1cYd0A/extra", "/A/x", "//a/x"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_path_is_a_404_page(services: FakeServices, path: str, method: str) -> None:
    response = call(request(method, path=path), services)

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
        request("GET", link_id.upper() if link_id.upper() != link_id else link_id.lower()),
        request("HEAD", link_id + "x"),
        request("HEAD", link_id[:-1]),
        request("POST", link_id, "form_token=²³.abc&decision=dismiss"),
        request("POST", link_id, "form_token=" + "9" * 60 + ".x&decision=dismiss"),
        request("POST", link_id, "form_token=1716466440.x&decision=" + "dismiss" * 100),
        request("POST", link_id, "form_token=1716466440.x&tick=stakeholders_informed"),
        request("POST", "x" * 22, "form_token=1.x&decision=dismiss"),
        request("DELETE", link_id),
        request("PUT", link_id, "decision=dismiss"),
        request("PATCH", link_id, "decision=dismiss"),
        request("OPTIONS", link_id),
    ]
    binary = request("POST", link_id)
    binary["body"] = base64.b64encode(b"form_token=1.x&decision=dismiss").decode()
    binary["isBase64Encoded"] = True
    events.append(binary)
    bare = request("POST", link_id, "decision=dismiss")  # a script, not a browser: no headers, no agent
    bare["requestContext"]["identity"] = {"sourceIp": None, "userAgent": None}
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


def test_neither_the_link_id_nor_the_task_token_is_logged(
    services: FakeServices, logs: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)  # the level deployed
    ids = published(services)
    captured = logs(app)

    press(services, ids["tier1-primary"], "stakeholders_informed")
    press(services, ids["tier1-primary"], "dismiss")
    call(request("GET", ids["tier1-backup"]), services)
    call(request("HEAD", ids["tier1-backup"]), services)
    post(services, ids["tier1-backup"], {"form_token": "1.x", "decision": "dismiss"})
    fresh = published(FakeServices())  # another world: a link that cannot decide here
    call(request("POST", fresh["tier1-primary"], "form_token=1.x&decision=dismiss"), services)

    assert "Link submitted" in captured.text  # the capture works
    written = captured.text + caplog.text + "".join(capfd.readouterr())
    for secret in (*ids.values(), fresh["tier1-primary"], TOKEN[:30], link_key(ids["tier1-primary"])):
        assert secret not in written
