"""The post-crisis report as files: a printable HTML page, Markdown, and the two charts as SVG.

The HTML is self-contained (inline CSS, inline charts, nothing fetched). Markdown has no autoescaping,
so its template passes every text that comes from people or posts through `md`.
"""

from __future__ import annotations

import html
import re

from jinja2 import Environment

from ..domain.review.report import PostCrisisReport
from .charts import negativity_chart, volume_chart
from .dashboard import environment, inline_charts, report_context
from .localised import markdown_environment as localised_markdown

HTML_TYPE = "text/html; charset=utf-8"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"
SVG_TYPE = "image/svg+xml"
CHART_FILES = {"volume": "volume.svg", "negativity": "negativity.svg"}

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LIST_OPENER = re.compile(r"^(\d*)(?=[-.](?:\s|$))")
"""What starts a list at the beginning of a line (`- item`, `1. item`); `+` and `)` are escaped anyway."""


def md(value: object) -> str:
    """Text made inert in Markdown (and in the HTML a renderer makes of it): whitespace and newlines
    become one space, so it cannot leave its line, table cell or quote; `<`, `>` and `&` become entities;
    Markdown's punctuation (links, images, emphasis, code, table pipes) is backslash-escaped."""
    text = " ".join(str(value).split())
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))
    return _LIST_OPENER.sub(r"\1\\", text, count=1)


def markdown_environment(language: str = "en", time_zone: str = "UTC") -> Environment:
    env = localised_markdown(language, time_zone)
    env.filters["md"] = md
    return env


def render_report_html(report: PostCrisisReport) -> str:
    return (
        environment(report.language, report.time_zone)
        .get_template("report.html")
        .render(**report_context(report), charts=inline_charts(report))
    )


def render_report_markdown(report: PostCrisisReport, charts: dict[str, str]) -> str:
    """`charts` maps a chart (`volume`, `negativity`) to the file it is saved as, next to the Markdown."""
    return (
        markdown_environment(report.language, report.time_zone)
        .get_template("report.md")
        .render(**report_context(report), charts=charts)
    )


def report_files(report: PostCrisisReport) -> dict[str, tuple[bytes, str]]:
    """Every file of the report: name -> (content, content type)."""
    return {
        "report.html": (render_report_html(report).encode(), HTML_TYPE),
        "report.md": (render_report_markdown(report, CHART_FILES).encode(), MARKDOWN_TYPE),
        CHART_FILES["volume"]: (volume_chart(report).encode(), SVG_TYPE),
        CHART_FILES["negativity"]: (negativity_chart(report).encode(), SVG_TYPE),
    }
