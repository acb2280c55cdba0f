"""Dashboard pages: the incident list and one incident's page, rendered on the server without JavaScript.

Every value is escaped by Jinja2. The incident page and the printable report share their sections
(`templates/_sections.html`) and the view helpers below, so both say the same thing the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..domain.clock import parse_iso, to_iso
from ..domain.detection.severity import Severity
from ..domain.response.checklist import ChecklistLine
from ..domain.response.incidents import Decision, Incident, IncidentStatus
from ..domain.response.links import DecisionRequest
from ..domain.review.report import PostCrisisReport, format_duration
from ..domain.review.timeline import condense
from .charts import negativity_chart, volume_chart
from .pages import SECURITY_HEADERS

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")

DASHBOARD_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
}

DECISION_LABELS = {
    Decision.ACKNOWLEDGE: "acknowledge",
    Decision.APPROVE: "approve a statement",
    Decision.REQUEST_CHANGES: "ask for changes",
    Decision.DISMISS: "dismiss as a false alarm",
    Decision.ESCALATE: "escalate",
    Decision.RESOLVE: "resolve",
    Decision.REVIEW_DONE: "confirm the review",
}


def utc(value: datetime | str | None, seconds: bool = False) -> str:
    """A moment (or stored ISO text) as people read it; stored text that is no time is shown as it is."""
    moment = _moment(value)
    if moment is None:
        return str(value) if value else "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def humanize(value: object) -> str:
    """`product_safety` -> `product safety`."""
    return str(value).replace("_", " ")


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


@cache
def environment() -> Environment:
    """The pages' environment (autoescaping everything) with the filters the report sections use."""
    env = Environment(
        loader=PackageLoader("crisiswatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters.update(utc=utc, iso=to_iso, duration=format_duration, humanize=humanize, percent=percent)
    return env


@dataclass(frozen=True)
class Measure:
    label: str
    observed: str
    expected: str


@dataclass(frozen=True)
class TypeSignal:
    crisis_type: str
    observed: str
    expected: str
    sources: str
    p_value: str


@dataclass(frozen=True)
class EvidencePost:
    kind: str
    author: str
    source: str
    reach: str
    text: str
    lang: str = ""
    """The language the post was read in ("de", "en"): the page marks the quote with it."""


@dataclass(frozen=True)
class Explanation:
    """What the detector saw when it alerted, read defensively: an old or hand-made incident may lack
    any part of it."""

    signals: tuple[str, ...]
    measures: tuple[Measure, ...]
    crisis_types: tuple[TypeSignal, ...]
    posts: tuple[EvidencePost, ...]

    @property
    def empty(self) -> bool:
        return not (self.signals or self.measures or self.crisis_types or self.posts)


@dataclass(frozen=True)
class Statement:
    label: str
    channel: str
    text: str
    approved_by: str
    approved_at: datetime | None
    published_at: datetime | None
    publisher: str
    reference: str


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _count(value: Any) -> str:
    """Whole numbers with thousands separators; anything else as it came."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _text(value)


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return parse_iso(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def explanation_of(incident: Incident) -> Explanation:
    explanation = _mapping(incident.explanation)
    observed, expected = _mapping(explanation.get("observed")), _mapping(explanation.get("expected"))
    signals = explanation.get("signals")
    measures = [
        Measure(label, _count(observed.get(key)), _text(expected.get(key)))
        for key, label in (("volume", "Mentions in 5 min"), ("negative", "Negative mentions in 5 min"))
        if key in observed or key in expected
    ]
    share = observed.get("negative_share")
    if isinstance(share, int | float):
        measures.append(Measure("Negative share", percent(share), ""))
    if "negative_reach" in observed:
        measures.append(Measure("Negative reach (followers)", _count(observed["negative_reach"]), ""))
    crisis_types = []
    for name, raw in _mapping(explanation.get("crisis_types")).items():
        details = _mapping(raw)
        sources = details.get("sources")
        crisis_types.append(
            TypeSignal(
                crisis_type=str(name),
                observed=_count(details.get("observed")),
                expected=_text(details.get("expected")),
                sources=", ".join(str(source) for source in sources) if isinstance(sources, list) else "",
                p_value=_text(details.get("p_value")),
            )
        )
    evidence = _mapping(explanation.get("evidence"))
    posts = [
        EvidencePost(
            kind=kind,
            author=_text(post.get("author")),
            source=_text(post.get("source")),
            reach=_count(post.get("reach")),
            text=_text(post.get("text")),
            lang=_language_code(post.get("lang")),
        )
        for key, kind in (("crisis_posts", "Report"), ("negative_posts", "Most-reached negative post"))
        for post in map(_mapping, evidence.get(key) or [])
    ]
    return Explanation(
        signals=tuple(str(signal) for signal in signals) if isinstance(signals, list) else (),
        measures=tuple(measures),
        crisis_types=tuple(crisis_types),
        posts=tuple(post for post in posts if post.text),
    )


def _language_code(value: object) -> str:
    """A stored language code, or "" for none, "und" or anything that is not a plain code."""
    return value if isinstance(value, str) and _LANGUAGE_CODE.fullmatch(value) and value != "und" else ""


def statement_of(incident: Incident) -> Statement | None:
    """The approved statement and, once it is out, where and when it was published."""
    statement = incident.statement
    if statement is None:
        return None
    return Statement(
        label=statement.draft.label or statement.draft.key,
        channel=statement.draft.channel.value,
        text=statement.draft.text,
        approved_by=statement.approved_by,
        approved_at=statement.approved_at,
        published_at=statement.published_at,
        publisher=statement.publisher or "",
        reference=statement.ref or "",
    )


def drill_note(report: PostCrisisReport) -> str:
    if not report.is_drill_scaled:
        return ""
    return (
        f"This was a drill that ran one policy minute in {60 / report.time_scale:g} s: response figures and "
        "the response moments on the charts are in the policy time it stood for."
    )


def report_context(report: PostCrisisReport) -> dict[str, Any]:
    """What the shared report sections read, for the incident page and both report files."""
    return {
        "report": report,
        "incident": report.incident,
        "explanation": explanation_of(report.incident),
        "statement": statement_of(report.incident),
        "drill_note": drill_note(report),
        "worked": [finding for finding in report.findings if finding.worked],
        "to_improve": [finding for finding in report.findings if not finding.worked],
    }


def inline_charts(report: PostCrisisReport) -> dict[str, Markup]:
    # The charts come out of an autoescaping template: safe to place as they are.
    return {"volume": Markup(volume_chart(report)), "negativity": Markup(negativity_chart(report))}  # noqa: S704


def render_incident_list(incidents: list[Incident], base_path: str, filters: dict[str, str]) -> str:
    return (
        environment()
        .get_template("dashboard_list.html")
        .render(
            incidents=incidents,
            base=base_path.rstrip("/"),
            filters=filters,
            filtered=any(filters.values()),
            statuses=[status.value for status in IncidentStatus],
            severities=[severity.value for severity in Severity],
        )
    )


def render_incident_page(
    report: PostCrisisReport, checklist: list[ChecklistLine], pending: DecisionRequest | None, base_path: str
) -> str:
    timeline, left_out = condense(report.timeline)
    return (
        environment()
        .get_template("dashboard_incident.html")
        .render(
            **report_context(report),
            timeline=timeline,
            left_out=left_out,
            charts=inline_charts(report),
            checklist=checklist,
            pending=pending,
            decision_labels=DECISION_LABELS,
            base=base_path.rstrip("/"),
        )
    )
