"""Render link pages. Every value is escaped by Jinja2; no stack trace ever reaches a page."""

from __future__ import annotations

from ..domain.response.statements import CHANNEL_LIMITS
from ..domain.speech import DEFAULT_LANGUAGE, N_
from ..i18n import speech
from ..usecases.decisions import LinkPage, Outcome, Problem
from .localised import LABELS, html_environment

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
    Problem.STALE_FORM: N_("This form is out of date. Open the link again."),
    Problem.UNREADABLE_FORM: N_("The form could not be read."),
    Problem.NOT_OFFERED: N_("That is not one of the choices offered."),
    Problem.NO_SUCH_STATEMENT: N_("Choose one of the statements shown."),
    Problem.REVISION_REFUSED: N_("The revised statement was not sent for approval."),
    Problem.NOT_TICKABLE: N_("That is not an item you can tick."),
    Problem.WORKFLOW_UNREACHABLE: N_("We could not reach the workflow. Nothing was decided; try again."),
    Problem.MOVING_ON: N_(
        "The request is moving to its next step. Nothing was decided; try again in a moment."
    ),
}
OUTCOMES = {
    Outcome.CONFIRM: N_("confirm"),
    Outcome.DECIDED: N_("decided"),
    Outcome.TICKED: N_("ticked"),
    Outcome.ALREADY_DECIDED: N_("already decided"),
    Outcome.EXPIRED: N_("expired"),
    Outcome.UNKNOWN: N_("unknown"),
    Outcome.BAD_FORM: N_("bad form"),
    Outcome.RETRY: N_("retry"),
}


def link_status(page: LinkPage) -> int:
    """The HTTP status of a link page."""
    return HTTP_STATUS[page.outcome]


def link_message(page: LinkPage, language: str = DEFAULT_LANGUAGE) -> str:
    """The sentence a link page leads with when something was ticked or nothing was decided."""
    _ = speech(language).gettext
    if page.ticked is not None:
        item = page.ticked.value
        return _("Ticked: %(item)s.") % {
            "item": _(LABELS[item]) if item in LABELS else item.replace("_", " ")
        }
    if page.problem is None:
        return ""
    problem = _(PROBLEMS[page.problem])
    why = page.refusal.said(speech(language)) if page.refusal is not None else page.why
    return f"{problem} {why}" if why else problem


def render_link_page(page: LinkPage, language: str = DEFAULT_LANGUAGE, time_zone: str = "UTC") -> str:
    """The page in its recipient's language, times in the team's zone."""
    return (
        html_environment(language, time_zone)
        .get_template("link.html")
        .render(
            page=page,
            outcome=page.outcome.value,
            outcome_label=speech(language).gettext(OUTCOMES[page.outcome]),
            message=link_message(page, language),
            limits=CHANNEL_LIMITS,
        )
    )


def render_message(title: str, message: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A short page; `title` and `message` are messages (marked with `N_` where they are written)."""
    _ = speech(language).gettext
    return html_environment(language).get_template("message.html").render(title=_(title), message=_(message))
