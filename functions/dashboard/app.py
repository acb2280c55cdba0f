"""DashboardFunction: what managers see. Read-only pages behind HTTP Basic auth, rendered on the server."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.errors import IncidentNotFoundError
from crisiswatch.domain.response.incidents import IncidentFilter
from crisiswatch.domain.speech import DEFAULT_LANGUAGE, N_
from crisiswatch.i18n import preferred
from crisiswatch.observability import count, entry_point
from crisiswatch.web.dashboard import DASHBOARD_HEADERS, render_incident_list, render_incident_page
from crisiswatch.web.pages import render_message
from crisiswatch.web.report_files import (
    CHART_FILES,
    MARKDOWN_TYPE,
    render_report_html,
    render_report_markdown,
)
from crisiswatch.wiring import Container, RouteContainer

USER = "manager"
BASE = "/dashboard"
# Links are relative: the same pages work under API Gateway's stage prefix, a custom domain and locally.
FROM_LIST = "dashboard"
FROM_INCIDENT = "../../dashboard"
LIST_LIMIT = 500

app = APIGatewayRestResolver()
routes = RouteContainer()


def _chosen() -> str | None:
    """The language the manager picked with `?lang=` (a known one; anything else is ignored)."""
    query: dict[str, str] = app.current_event.query_string_parameters or {}
    return preferred(query.get("lang"), None)


def _language(fallback: str | None = None) -> str | None:
    """`?lang=`, then Accept-Language, then `fallback` (None: the use case picks the brand's)."""
    event = app.current_event
    query: dict[str, str] = event.query_string_parameters or {}
    return preferred(query.get("lang"), event.headers.get("Accept-Language")) or fallback


def _message(status: int, title: str, message: str, headers: dict[str, str] | None = None) -> Response[str]:
    language = _language(DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
    return _html(status, render_message(title, message, language), headers)


def _html(status: int, body: str, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, body=body, headers={**DASHBOARD_HEADERS, **(headers or {})})


def _authorised(header: str | None, password: str) -> bool:
    if not header or not header.startswith("Basic "):
        return False
    try:
        user, _, given = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # Both compared in constant time, so a wrong guess says nothing about how close it was.
    user_ok = hmac.compare_digest(user.encode(), USER.encode())
    return hmac.compare_digest(given.encode(), password.encode()) and user_ok


def require_password(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    if not _authorised(
        app.current_event.headers.get("Authorization"), routes.use_cases().services.dashboard_password()
    ):
        count("DashboardUnauthorised")
        return _message(
            401,
            N_("Sign in"),
            N_("The dashboard needs the manager's password."),
            {"WWW-Authenticate": 'Basic realm="CrisisWatch", charset="UTF-8"'},
        )
    return next_middleware(app)


@app.get(BASE, middlewares=[require_password])
def incident_list() -> Response[str]:
    query = dict(app.current_event.query_string_parameters or {})
    try:
        wanted = IncidentFilter.parse(query)
    except ValueError as error:
        return _message(400, N_("Check the filter"), str(error))
    cases = routes.use_cases()
    incidents = cases.reporting.find(wanted, LIST_LIMIT)
    shown = {key: query.get(key, "")[:100] for key in ("status", "severity", "brand", "from", "to")}
    locales = cases.services.locales
    language = _language(locales.team_language) or locales.team_language
    page = render_incident_list(incidents, FROM_LIST, shown, language, locales.time_zone, _chosen())
    return _html(200, page)


@app.get(f"{BASE}/incidents/<incident_id>", middlewares=[require_password])
def incident_page(incident_id: str) -> Response[str]:
    try:
        view = routes.use_cases().reporting.view(incident_id, _language())
    except IncidentNotFoundError:
        return _message(404, N_("Not found"), N_("There is no incident with that id."))
    page = render_incident_page(view.report, view.checklist, view.pending, FROM_INCIDENT, _chosen())
    return _html(200, page)


@app.get(f"{BASE}/incidents/<incident_id>/report.<kind>", middlewares=[require_password])
def report(incident_id: str, kind: str) -> Response[str]:
    try:
        compiled = routes.use_cases().reporting.compile(incident_id, language=_language())
    except IncidentNotFoundError:
        return _message(404, N_("Not found"), N_("There is no incident with that id."))
    if kind == "html":
        return _html(200, render_report_html(compiled))
    if kind == "md":
        return _html(
            200,
            render_report_markdown(compiled, CHART_FILES),
            {
                "Content-Type": MARKDOWN_TYPE,
                "Content-Disposition": f'attachment; filename="{incident_id}.md"',
            },
        )
    return _message(404, N_("Not found"), N_("Reports come as report.html or report.md."))


@app.not_found
def not_found(_error: Exception) -> Response[str]:
    return _message(404, N_("Not found"), N_("There is nothing at this address."))


@entry_point(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    # Events carry the Authorization header: never logged whole.
    return routes.resolve(app, event, context, services)
