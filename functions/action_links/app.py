"""ActionLinksFunction: the pages behind action links. GET/HEAD show, only POST with a form token decides."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.response.incidents import NOTE_LIMIT
from crisiswatch.domain.speech import DEFAULT_LANGUAGE, N_
from crisiswatch.i18n import negotiate
from crisiswatch.observability import count, entry_point, logger
from crisiswatch.usecases.decisions import LinkPage, Outcome, Problem, Submission
from crisiswatch.web.pages import SECURITY_HEADERS, link_status, render_link_page, render_message
from crisiswatch.wiring import Container, RouteContainer

MAX_FORM_BYTES = 32_768
"""A revised 2,000-character statement fits even percent-encoded; far more is not from our page."""
MAX_FIELDS = 8

app = APIGatewayRestResolver()
routes = RouteContainer()


def _language() -> str:
    """A page with no link behind it speaks what the browser asks for (a known language), else English."""
    return negotiate(
        None,
        app.current_event.headers.get("Accept-Language") or app.current_event.headers.get("accept-language"),
        DEFAULT_LANGUAGE,
    )


def _html(status: int, body: str) -> Response[str]:
    return Response(status_code=status, body=body, headers=dict(SECURITY_HEADERS))


def _page(page: LinkPage) -> Response[str]:
    count(f"LinkPage_{page.outcome.value}")
    # A page with no link behind it (an unknown address) has no recipient: the browser's language.
    language = page.language if page.link is not None else _language()
    return _html(link_status(page), render_link_page(page, language, page.time_zone))


@app.route("/a/<link_id>", method=["GET", "HEAD"])
def show(link_id: str) -> Response[str]:
    return _page(routes.use_cases().action_links.view(link_id))


@app.post("/a/<link_id>")
def submit(link_id: str) -> Response[str]:
    event = app.current_event
    body = event.body or ""
    if len(body) > 2 * MAX_FORM_BYTES:  # base64 or not, far more than a form: refuse before decoding
        return _html(
            413, render_message(N_("Nothing was decided"), N_("The form sent was too large."), _language())
        )
    try:
        raw = event.decoded_body or ""
    except (ValueError, UnicodeDecodeError):  # binary or broken base64: not our form
        return _page(LinkPage(Outcome.BAD_FORM, problem=Problem.UNREADABLE_FORM))
    if len(raw.encode("utf-8", errors="replace")) > MAX_FORM_BYTES:
        return _html(
            413, render_message(N_("Nothing was decided"), N_("The form sent was too large."), _language())
        )
    try:
        form = parse_qs(raw, max_num_fields=MAX_FIELDS, strict_parsing=False)
    except ValueError:
        return _page(LinkPage(Outcome.BAD_FORM, problem=Problem.UNREADABLE_FORM))

    def field(name: str, limit: int) -> str:
        return (form.get(name) or [""])[0][:limit]

    submission = Submission(
        form_token=field("form_token", 128),
        decision=field("decision", 32),
        statement=field("statement", 64),
        revised_text=field("revised_text", MAX_FORM_BYTES),
        note=field("note", NOTE_LIMIT),
        tick=field("tick", 64),
    )
    identity = event.request_context.identity
    client = f"{identity.source_ip or '?'} {(identity.user_agent or '')[:120]}"
    page = routes.use_cases().action_links.decide(link_id, submission, client)
    logger.info("Link submitted", extra={"outcome": page.outcome.value})
    return _page(page)


@app.not_found
def not_found(_error: Exception) -> Response[str]:
    return _html(404, render_message(N_("Not found"), N_("There is nothing at this address."), _language()))


@entry_point(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    # The path carries a live link id: events are never logged whole.
    return routes.resolve(app, event, context, services)
