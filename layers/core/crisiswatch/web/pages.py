"""Render link pages. Every value is escaped by Jinja2; no stack trace ever reaches a page."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from ..domain.statements import CHANNEL_LIMITS
from ..usecases.decisions import LinkPage

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
        .render(page=page, outcome=page.outcome.value, limits=CHANNEL_LIMITS)
    )


def render_message(title: str, message: str) -> str:
    return _environment().get_template("message.html").render(title=title, message=message)
