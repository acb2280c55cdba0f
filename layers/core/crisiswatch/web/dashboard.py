"""Dashboard pages: the incident list and one incident's page, rendered on the server without JavaScript.

Every value is escaped by Jinja2. The incident page and the printable report share their sections
(`templates/_sections.html`) and the view helpers below, so both say the same thing the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from markupsafe import Markup

from ..domain.detection.severity import Severity
from ..domain.response.checklist import ChecklistLine
from ..domain.response.incidents import Decision, Incident, IncidentStatus
from ..domain.response.links import DecisionRequest
from ..domain.review.report import PostCrisisReport
from ..domain.review.timeline import condense
from ..domain.speech import DEFAULT_LANGUAGE, LANGUAGES, N_, Speech
from ..i18n import speech
from .charts import negativity_chart, volume_chart
from .localised import LANGUAGE_NAMES, html_environment
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
    Decision.ACKNOWLEDGE: N_("acknowledge"),
    Decision.APPROVE: N_("approve a statement"),
    Decision.REQUEST_CHANGES: N_("ask for changes"),
    Decision.DISMISS: N_("dismiss as a false alarm"),
    Decision.ESCALATE: N_("escalate"),
    Decision.RESOLVE: N_("resolve"),
    Decision.REVIEW_DONE: N_("confirm the review"),
}


def environment(language: str = DEFAULT_LANGUAGE, time_zone: str = "UTC") -> Environment:
    """The pages' environment (autoescaping everything) in a language, with the report sections' filters."""
    return html_environment(language, time_zone)


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


def _count(value: Any, voice: Speech) -> str:
    """Whole numbers with the language's thousands separators; anything else as it came."""
    return voice.number(value) if isinstance(value, int) and not isinstance(value, bool) else _text(value)


def explanation_of(incident: Incident, voice: Speech | None = None) -> Explanation:
    voice = voice or speech()
    _ = voice.gettext
    explanation = _mapping(incident.explanation)
    observed, expected = _mapping(explanation.get("observed")), _mapping(explanation.get("expected"))
    signals = explanation.get("signals")
    measures = [
        Measure(_(label), _count(observed.get(key), voice), _decimal(expected.get(key), voice))
        for key, label in (
            ("volume", N_("Mentions in 5 min")),
            ("negative", N_("Negative mentions in 5 min")),
        )
        if key in observed or key in expected
    ]
    share = observed.get("negative_share")
    if isinstance(share, int | float):
        measures.append(Measure(_("Negative share"), voice.percent(share, 1), ""))
    if "negative_reach" in observed:
        measures.append(
            Measure(_("Negative reach (followers)"), _count(observed["negative_reach"], voice), "")
        )
    crisis_types = []
    for name, raw in _mapping(explanation.get("crisis_types")).items():
        details = _mapping(raw)
        sources = details.get("sources")
        crisis_types.append(
            TypeSignal(
                crisis_type=str(name),
                observed=_count(details.get("observed"), voice),
                expected=_decimal(details.get("expected"), voice),
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
            reach=_count(post.get("reach"), voice),
            text=_text(post.get("text")),
            lang=_language_code(post.get("lang")),
        )
        for key, kind in (("crisis_posts", _("Report")), ("negative_posts", _("Most-reached negative post")))
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


def _decimal(value: Any, voice: Speech) -> str:
    """An expected figure as stored (a float in English notation) in the reader's notation."""
    if isinstance(value, float) and voice.language != DEFAULT_LANGUAGE:
        return voice.number(value, 1)
    return _text(value)


def language_switch(query: dict[str, str], current: str) -> list[dict[str, str | bool]]:
    """The links of the pages' language switch: this page again with `lang` set, its other query
    parameters kept (the list's filters)."""
    kept = {key: value for key, value in query.items() if key != "lang"}
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "href": "?" + urlencode({**kept, "lang": code}),
            "current": code == current,
        }
        for code in LANGUAGES
    ]


def report_speech(report: PostCrisisReport) -> Speech:
    """The speech a report was compiled in: its pages say it the same way."""
    return speech(report.language, report.time_zone)


def drill_note(report: PostCrisisReport) -> str:
    if not report.is_drill_scaled:
        return ""
    voice = report_speech(report)
    text = voice.gettext(
        "This was a drill that ran one policy minute in %(seconds)s s: response figures and the response "
        "moments on the charts are in the policy time it stood for."
    )
    seconds = 60 / report.time_scale
    shown = (
        f"{seconds:g}"
        if voice.language == DEFAULT_LANGUAGE
        else voice.number(seconds, 0 if seconds >= 10 else 1)
    )
    return text % {"seconds": shown}


def report_context(report: PostCrisisReport) -> dict[str, Any]:
    """What the shared report sections read, for the incident page and both report files."""
    return {
        "report": report,
        "incident": report.incident,
        "explanation": explanation_of(report.incident, report_speech(report)),
        "statement": statement_of(report.incident),
        "drill_note": drill_note(report),
        "worked": [finding for finding in report.findings if finding.worked],
        "to_improve": [finding for finding in report.findings if not finding.worked],
    }


def inline_charts(report: PostCrisisReport) -> dict[str, Markup]:
    # The charts come out of an autoescaping template: safe to place as they are.
    return {"volume": Markup(volume_chart(report)), "negativity": Markup(negativity_chart(report))}  # noqa: S704


def render_incident_list(  # noqa: PLR0913, PLR0917 - the page and its language, zone and choice
    incidents: list[Incident],
    base_path: str,
    filters: dict[str, str],
    language: str = DEFAULT_LANGUAGE,
    time_zone: str = "UTC",
    chosen: str | None = None,
) -> str:
    """`chosen`: the language the reader picked with `?lang=` (kept on the links), None if none."""
    return (
        environment(language, time_zone)
        .get_template("dashboard_list.html")
        .render(
            switch=language_switch(filters | ({"lang": chosen} if chosen else {}), language),
            keep="?" + urlencode({"lang": chosen}) if chosen else "",
            incidents=incidents,
            base=base_path.rstrip("/"),
            filters=filters,
            filtered=any(filters.values()),
            statuses=[status.value for status in IncidentStatus],
            severities=[severity.value for severity in Severity],
        )
    )


def render_incident_page(
    report: PostCrisisReport,
    checklist: list[ChecklistLine],
    pending: DecisionRequest | None,
    base_path: str,
    chosen: str | None = None,
) -> str:
    """In the report's language; `chosen` is the reader's `?lang=` (kept on the page's links)."""
    timeline, left_out = condense(report.timeline)
    return (
        environment(report.language, report.time_zone)
        .get_template("dashboard_incident.html")
        .render(
            **report_context(report),
            switch=language_switch({"lang": chosen} if chosen else {}, report.language),
            keep="?" + urlencode({"lang": chosen}) if chosen else "",
            timeline=timeline,
            left_out=left_out,
            charts=inline_charts(report),
            checklist=checklist,
            pending=pending,
            decision_labels=DECISION_LABELS,
            base=base_path.rstrip("/"),
        )
    )
