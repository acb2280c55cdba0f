"""Render link pages. Every value is escaped by Jinja2; no stack trace ever reaches a page."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from ..domain.response.statements import CHANNEL_LIMITS
from ..usecases.decisions import LinkPage, Outcome, Problem

SECURITY_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


HTTP_STATUS = {
    Outcome.CONFIRM: 200,
    Outcome.DECIDED: 200,
    Outcome.TICKED: 200,
    Outcome.ALREADY_DECIDED: 409,
    Outcome.EXPIRED: 410,
    Outcome.UNKNOWN: 404,
    Outcome.BAD_FORM: 400,
    Outcome.RETRY: 409,
}
PROBLEMS = {
    Problem.STALE_FORM: "This form is out of date. Open the link again.",
    Problem.UNREADABLE_FORM: "The form could not be read.",
    Problem.NOT_OFFERED: "That is not one of the choices offered.",
    Problem.NO_SUCH_STATEMENT: "Choose one of the statements shown.",
    Problem.REVISION_REFUSED: "The revised statement was not sent for approval.",
    Problem.NOT_TICKABLE: "That is not an item you can tick.",
    Problem.WORKFLOW_UNREACHABLE: "We could not reach the workflow. Nothing was decided; try again.",
    Problem.MOVING_ON: "The request is moving to its next step. Nothing was decided; try again in a moment.",
}


def link_status(page: LinkPage) -> int:
    """The HTTP status of a link page."""
    return HTTP_STATUS[page.outcome]


def link_message(page: LinkPage) -> str:
    """The sentence a link page leads with when something was ticked or nothing was decided."""
    if page.ticked is not None:
        return f"Ticked: {page.ticked.value.replace('_', ' ')}."
    if page.problem is None:
        return ""
    return f"{PROBLEMS[page.problem]} {page.why}" if page.why else PROBLEMS[page.problem]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("crisiswatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render_link_page(page: LinkPage) -> str:
    return (
        _environment()
        .get_template("link.html")
        .render(page=page, outcome=page.outcome.value, message=link_message(page), limits=CHANNEL_LIMITS)
    )


def render_message(title: str, message: str) -> str:
    return _environment().get_template("message.html").render(title=title, message=message)
