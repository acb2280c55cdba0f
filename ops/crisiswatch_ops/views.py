"""What the `crisiswatch` command shows: rich tables for people at a terminal, plain lines and JSON for pipes,
files and the demo.

Every value that comes from an incident is wrapped in `Text`, never passed as a string: rich would read
`[...]` in a brand name or a post as markup.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from crisiswatch.domain.clock import parse_iso, to_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.checklist import ChecklistLine
from crisiswatch.domain.response.incidents import Incident, IncidentStatus
from crisiswatch.domain.response.links import DecisionRequest
from crisiswatch.domain.review.report import PostCrisisReport, format_duration
from crisiswatch.domain.review.timeline import HISTORY, HistoryEvent, TimelineEntry
from crisiswatch.ports import ExecutionHistory
from crisiswatch.usecases.reporting import IncidentView

PIPE_WIDTH = 200
"""Columns when output goes to a pipe or file: one line per row greps better than a table folded to 80."""
NOTHING_PENDING = "Nothing is waiting on anyone."
SEVERITY_STYLES = {Severity.SEV1: "bold red", Severity.SEV2: "bold yellow", Severity.SEV3: "cyan"}
STATUS_STYLES = {
    IncidentStatus.HELD: "yellow",
    IncidentStatus.ESCALATING: "bold magenta",
    IncidentStatus.ACKNOWLEDGED: "bold",
    IncidentStatus.APPROVED: "bold",
    IncidentStatus.PUBLISHED: "green",
    IncidentStatus.MONITORING: "green",
    IncidentStatus.UNANSWERED: "bold red",
    IncidentStatus.FAILED: "bold red",
}
"""Closed statuses not named here are dimmed: they need nobody."""
PHASE_LABELS = {
    "tiers": "escalation round",
    "owner": "owner's approval",
    "monitor": "monitoring",
    "review": "post-crisis review",
    "nobody": "fallback (every tier was silent)",
}


def make_console(*, stderr: bool = False) -> Console:
    """Colour only where rich sees a terminal (and NO_COLOR is unset); no highlighting of numbers in text."""
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def when(moment: datetime, *, zone: bool = True) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M" + (" UTC" if zone else ""))


def severity_text(severity: Severity) -> Text:
    return Text(severity.value, style=SEVERITY_STYLES[severity])


def status_text(status: IncidentStatus) -> Text:
    return Text(status.value, style=STATUS_STYLES.get(status, "dim"))


def _table(*columns: str, fixed: int = 0, title: str | None = None) -> Table:
    """A plain table whose first `fixed` columns (ids, dates, codes) never wrap: the others give way."""
    table = Table(
        *columns, title=title, box=box.SIMPLE_HEAD, show_edge=False, title_justify="left", title_style="bold"
    )
    for column in table.columns[:fixed]:
        column.no_wrap = True
    return table


# ----- incidents ---------------------------------------------------------------------------------------


def incident_record(incident: Incident) -> dict[str, Any]:
    """One incident as JSON."""
    return {
        "incident_id": incident.incident_id,
        "brand": incident.brand,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "opened_at": to_iso(incident.opened_at),
        "detected_at": to_iso(incident.detected_at or incident.detected_bucket),
        "crisis_types": list(incident.crisis_types),
        "owner": incident.owner,
        "decision": incident.decision,
        "decided_by": incident.decided_by,
        "summary": incident.summary,
    }


def incidents_table(incidents: Sequence[Incident]) -> Table:
    # Two lines per incident, the id first and whole: it is what people copy into `show`, and beside five
    # other columns it would be folded or cut on an ordinary terminal. The summary gives way instead.
    table = _table("Sev", "Status", "Opened (UTC)", "Incident", fixed=3)
    for incident in incidents:
        about = f"{incident.brand} (owner {incident.owner or '-'}): {incident.summary}"
        table.add_row(
            severity_text(incident.severity),
            status_text(incident.status),
            Text(when(incident.opened_at, zone=False)),
            Group(
                Text(incident.incident_id, style="bold", overflow="fold"),
                Text(about, style="dim", no_wrap=True, overflow="ellipsis"),
            ),
        )
    return table


def explain(explanation: dict[str, Any]) -> list[str]:
    """The detector's explanation as a person reads it."""
    observed, expected = explanation.get("observed", {}), explanation.get("expected", {})
    lines = [
        f"Signals: {', '.join(explanation.get('signals', []))}",
        f"Volume {observed.get('volume')} against {expected.get('volume')} expected; "
        f"negative {observed.get('negative')} against {expected.get('negative')}",
    ]
    for crisis_type, details in explanation.get("crisis_types", {}).items():
        lines.append(
            f"{crisis_type}: {details['observed']} reports in 15 min from {', '.join(details['sources'])}, "
            f"usual {details['expected']}, p = {details['p_value']}"
        )
    evidence = explanation.get("evidence", {})
    terms = ", ".join(f"{term} ({count})" for term, count in evidence.get("top_terms", [])[:6])
    if terms:
        lines.append(f"Top terms: {terms}")
    for label, key in (("Report", "crisis_posts"), ("Most-reached negative post", "negative_posts")):
        for post in evidence.get(key, []):
            lines.append(f"{label}: {post['author']} ({post['reach']:,} followers): {post['text'][:80]}")
    return lines


# ----- one incident ------------------------------------------------------------------------------------


def _facts(incident: Incident) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    decided = (
        f"{incident.decision} by {incident.decided_by or '?'}"
        + (f" at {when(incident.decided_at)}" if incident.decided_at else "")
        if incident.decision
        else "-"
    )
    rows: list[tuple[str, Text]] = [
        ("Brand", Text(incident.brand)),
        ("Severity", severity_text(incident.severity)),
        ("Status", status_text(incident.status)),
        ("Crisis types", Text(", ".join(incident.crisis_types) or "-")),
        ("Opened", Text(when(incident.opened_at))),
        ("Detected", Text(when(incident.detected_at or incident.detected_bucket) + " (newest mention seen)")),
        ("Owner", Text(incident.owner or "nobody yet")),
        ("Decision", Text(decided)),
        ("Summary", Text(incident.summary or "-")),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _checklist(lines: Sequence[ChecklistLine]) -> Table:
    table = _table("", "Item", "By", "When", fixed=1, title="Checklist")
    for line in lines:
        done = line.done_by is not None
        table.add_row(
            Text("[x]", style="green") if done else Text("[ ]", style="dim"),
            Text(line.label + (" (a person ticks it)" if line.tickable else "")),
            Text(line.done_by or ""),
            Text(when(parse_iso(line.done_at)) if line.done_at else ""),
        )
    return table


def round_label(incident: Incident, request: DecisionRequest) -> str:
    """`escalation round 2 of 3: comms_lead, legal` in the tier rounds; the phase alone otherwise."""
    phase = PHASE_LABELS.get(request.phase, request.phase)
    tiers = incident.tiers_of_round(request.tier)
    if request.phase != "tiers" or not tiers:
        return phase
    return f"{phase} {request.tier} of {len(incident.rounds)}: {', '.join(tiers)}"


def _time_left(deadline: datetime, now: datetime) -> Text:
    left = (deadline - now).total_seconds()
    if left > 0:
        return Text(f"in {format_duration(left)}")
    return Text(f"overdue by {format_duration(-left)}", style="bold red")


def decisions_text(request: DecisionRequest) -> Text:
    return Text(", ".join(decision.value.replace("_", " ") for decision in request.allowed))


def _pending(incident: Incident, request: DecisionRequest | None, now: datetime) -> RenderableType:
    if request is None:
        return Text(NOTHING_PENDING, style="dim")
    # Who, what and until when only: the request's notification id and task token stay server-side.
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Waiting on", Text(", ".join(request.recipients) or "-"))
    grid.add_row("Phase", Text(round_label(incident, request)))
    grid.add_row(
        "Until", Text.assemble(when(request.expires_at), " (", _time_left(request.expires_at, now), ")")
    )
    grid.add_row("They can", decisions_text(request))
    return grid


def _milestones(report: PostCrisisReport) -> Table:
    scale = f", in policy time (the drill ran {report.time_scale:g}x fast)" if report.is_drill_scaled else ""
    table = _table("Milestone", "After the alert", "At", "By", fixed=3, title=f"Response{scale}")
    table.add_row(
        Text("First sign -> alert"),
        Text(format_duration(report.time_to_detect)),
        Text(when(report.onset)),
        "",
    )
    for milestone in report.milestones:
        table.add_row(
            Text(milestone.label),
            Text(format_duration(milestone.seconds), style="" if milestone.at else "dim"),
            Text(when(milestone.at) if milestone.at else "not yet", style="" if milestone.at else "dim"),
            Text(milestone.by or ""),
        )
    return table


def incident_details(view: IncidentView, now: datetime) -> list[RenderableType]:
    """`crisiswatch show`: facts, why it was raised, the checklist, who is asked now, and the response."""
    report = view.report
    incident = report.incident
    execution = report.execution
    parts: list[RenderableType] = [Text(incident.incident_id, style="bold underline"), _facts(incident)]
    if incident.explanation:
        parts += [Text("\nWhy it was raised", style="bold"), Text("\n".join(explain(incident.explanation)))]
    parts += [
        Text(),
        _checklist(view.checklist),
        Text(),
        Text("Pending request", style="bold"),
        _pending(incident, view.pending, now),
        Text(),
        _milestones(report),
        Text(
            f"Execution {execution.status}: {execution.events:,} events, "
            f"{execution.failed_attempts} failed attempts retried or caught, "
            f"{execution.timed_out_waits} waits ran out.",
            style="dim",
        ),
    ]
    return parts


def pending_record(incident: Incident, request: DecisionRequest, now: datetime) -> dict[str, Any]:
    """What a request waits for, as JSON: never its notification id or task token."""
    return {
        "incident_id": incident.incident_id,
        "brand": incident.brand,
        "severity": incident.severity.value,
        "phase": request.phase,
        "round": request.tier,
        "asked": round_label(incident, request),
        "recipients": list(request.recipients),
        "expires_at": to_iso(request.expires_at),
        "seconds_left": round((request.expires_at - now).total_seconds()),
        "allowed": [decision.value for decision in request.allowed],
    }


def incident_view_record(view: IncidentView, now: datetime) -> dict[str, Any]:
    """`crisiswatch show --json`: what `show` prints, as data."""
    report = view.report
    incident = report.incident
    execution = report.execution
    return {
        **incident_record(incident),
        "explanation": incident.explanation,
        "checklist": [
            {
                "item": line.item.value,
                "label": line.label,
                "done_by": line.done_by,
                "done_at": line.done_at,
                "tickable": line.tickable,
            }
            for line in view.checklist
        ],
        "pending": pending_record(incident, view.pending, now) if view.pending else None,
        "response": {
            "time_scale": report.time_scale,
            "onset": to_iso(report.onset),
            "time_to_detect_seconds": report.time_to_detect,
            "milestones": [
                {
                    "key": milestone.key,
                    "label": milestone.label,
                    "at": to_iso(milestone.at) if milestone.at else None,
                    "seconds": milestone.seconds,
                    "by": milestone.by,
                }
                for milestone in report.milestones
            ],
        },
        "execution": {
            "status": execution.status,
            "events": execution.events,
            "failed_attempts": execution.failed_attempts,
            "timed_out_waits": execution.timed_out_waits,
        },
    }


def pending_requests(
    waiting: Sequence[tuple[Incident, DecisionRequest]], now: datetime
) -> list[RenderableType]:
    """A block per incident rather than a table: seven columns beside a long incident id fold to nothing
    on an ordinary terminal."""
    parts: list[RenderableType] = []
    for incident, request in waiting:
        parts += [
            Text.assemble(
                (incident.incident_id, "bold"), "  ", severity_text(incident.severity), "  ", incident.brand
            ),
            Padding(_pending(incident, request, now), (0, 0, 1, 2), expand=False),
        ]
    return parts


# ----- timeline ----------------------------------------------------------------------------------------


def timeline_record(entry: TimelineEntry) -> dict[str, Any]:
    """One timeline entry as JSON: the line people read, and the whole record as data."""
    return {
        "at": entry.at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "origin": entry.origin,
        "kind": entry.kind,
        "actor": entry.actor,
        "what": entry.what,
        "detail": entry.detail,
    }


def _stamps(entries: Sequence[TimelineEntry]) -> Iterator[tuple[str, str]]:
    """(time, offset from the first entry) per entry; the date only where the day changes."""
    day: date | None = None
    for entry in entries:
        at = entry.at.astimezone(UTC)
        stamp = at.strftime("%H:%M:%S.%f")[:-3]
        if at.date() != day:
            day = at.date()
            stamp = f"{day.isoformat()} {stamp}"
        seconds = (entry.at - entries[0].at).total_seconds()
        # A drill's steps are fractions of a second apart; a real crisis spans days.
        yield stamp, (f"+{seconds:.2f} s" if seconds < 60 else f"+{format_duration(seconds)}")


def _is_trouble(entry: TimelineEntry) -> bool:
    return any(
        word in entry.kind.lower() for word in ("failed", "timed_out", "timedout", "aborted", "exhausted")
    )


def timeline_table(entries: Sequence[TimelineEntry]) -> Table:
    table = _table("Time (UTC)", "Since start", "Source", "What", "Who", "Detail", fixed=4)
    for entry, (stamp, offset) in zip(entries, _stamps(entries), strict=True):
        style = "red" if _is_trouble(entry) else ("dim" if entry.origin == HISTORY else "")
        table.add_row(
            Text(stamp),
            Text(offset),
            Text(entry.origin, style="dim" if entry.origin == HISTORY else "cyan"),
            Text(entry.kind, style=style or "bold"),
            Text(entry.actor),
            Text(entry.what, style=style),
        )
    return table


def format_timeline(entries: Sequence[TimelineEntry]) -> str:
    """The timeline as plain aligned lines (the demo's narration)."""
    if not entries:
        return "(no history)"
    return "\n".join(
        f"{stamp:23} {offset:>13}  {entry.origin:9} {entry.kind:28} {entry.actor:14} {entry.what}".rstrip()
        for entry, (stamp, offset) in zip(entries, _stamps(entries), strict=True)
    )


# ----- progress ----------------------------------------------------------------------------------------


class _CountedHistory:
    def __init__(self, history: ExecutionHistory, progress: Progress, task: TaskID) -> None:
        self._history = history
        self._progress = progress
        self._task = task

    def events(self, execution_arn: str) -> Iterator[HistoryEvent]:
        for event in self._history.events(execution_arn):
            self._progress.advance(self._task)
            yield event


@contextmanager
def counting_events(history: ExecutionHistory, console: Console) -> Iterator[ExecutionHistory]:
    """`history`, its events counted on a spinner as the pages arrive (a long crisis has thousands).

    The spinner goes away once done and is never written when `console` is no terminal.
    """
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} events"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Rich would still end with a blank line on a pipe or in a CI log.
        disable=not console.is_interactive,
    )
    with progress:
        yield _CountedHistory(
            history, progress, progress.add_task("Reading the execution history", total=None)
        )


# ----- replay ------------------------------------------------------------------------------------------


def plain(value: Any) -> str:
    """A value from a post or a trail as one line of text: line breaks become spaces and other control
    characters (escape sequences, bidi overrides) are shown as `\\uXXXX`, never passed to the terminal."""
    if value is None:
        return "-"
    text = " ".join(str(value).splitlines())
    return "".join(char if char.isprintable() or char == " " else f"\\u{ord(char):04x}" for char in text)


def stamp(value: str | None) -> str:
    """An ISO time from a record as `2026-03-02 10:05:12 UTC`; `-` when there is none."""
    if not value:
        return "-"
    try:
        return parse_iso(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return plain(value)


def _figure(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, spec) if spec else f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return plain(value)


def _grid(rows: Sequence[tuple[str, Text]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _section(title: str, body: RenderableType) -> list[RenderableType]:
    return [Text(title, style="bold"), Padding(body, (0, 0, 1, 2), expand=False)]


def _replay_times(times: dict[str, Any]) -> Table:
    def delay(key: str, what: str) -> str | None:
        minutes = times.get(key)
        if minutes is None:
            return None
        if minutes < 0:
            return f"{-minutes:g} min BEFORE the {what}: a false alarm on the baseline"
        return f"{minutes:g} min after the {what}"

    delays = [
        text
        for text in (
            delay("minutes_from_first_crisis_post", "first crisis post"),
            delay("minutes_from_first_post", "first post"),
        )
        if text
    ]
    buckets = times.get("buckets_after_crisis_bucket")
    if buckets is not None and buckets >= 0:
        delays[0] += f" ({buckets} bucket(s) after the crisis bucket)"
    return _grid(
        [
            ("First post", Text(stamp(times.get("first_post")))),
            ("First crisis post", Text(stamp(times.get("first_crisis_post")) + " (labelled in the file)")),
            ("Detected bucket", Text(stamp(times.get("detected_bucket")))),
            ("Detected at", Text(stamp(times.get("detected_at")) + " (newest post the detector had seen)")),
            ("Opened at", Text(stamp(times.get("opened_at")) + " (wall clock)", style="dim")),
            ("Detection delay", Text("; ".join(delays) or "-")),
        ]
    )


def _severity_history(changes: Sequence[dict[str, Any]]) -> Table:
    table = _table("Recorded (UTC)", "Severity", "By", "Why", fixed=3)
    for change in changes:
        to = change.get("to")
        severity = (
            severity_text(Severity(to)) if to in {known.value for known in Severity} else Text(plain(to))
        )
        moved = Text.assemble(plain(change["from"]), " -> ", severity) if change.get("from") else severity
        table.add_row(
            Text(stamp(change.get("at"))),
            moved,
            Text(plain(change.get("actor"))),
            Text(plain(change.get("reason"))),
        )
    return table


def _anomalies(explanation: dict[str, Any]) -> Table:
    table = _table("Signal", "Fired", "Observed", "Expected", "Anomaly score", "Threshold", fixed=6)
    for name in ("volume", "negativity"):
        row = explanation.get(name) or {}
        table.add_row(
            Text(name),
            Text("yes", style="bold") if row.get("fired") else Text("no", style="dim"),
            Text(_figure(row.get("observed"))),
            Text(_figure(row.get("expected"))),
            Text(_figure(row.get("anomaly_score"))),
            Text(_figure(row.get("threshold"))),
        )
    for column in table.columns[2:]:
        column.justify = "right"
    return table


def _crisis_types(rows: Sequence[dict[str, Any]]) -> Table:
    table = _table("Crisis type", "Reports", "Usual (15 min)", "p-value", "Fires below", "Sources", fixed=5)
    for row in rows:
        sources = ", ".join(
            f"{plain(source)} {count}" for source, count in (row.get("sources") or {}).items()
        )
        table.add_row(
            Text(plain(row.get("type"))),
            Text(_figure(row.get("reports"))),
            Text(_figure(row.get("usual"))),
            Text(_figure(row.get("p_value"))),
            Text(_figure(row.get("threshold_p_value"))),
            Text(sources or "-"),
        )
    for column in table.columns[1:4]:
        column.justify = "right"
    return table


def _surging(rows: Sequence[dict[str, Any]]) -> Table:
    table = _table("Source", "Posts (5 min)", "Usual", fixed=3)
    for row in rows:
        table.add_row(
            Text(plain(row.get("source"))),
            Text(_figure(row.get("observed"))),
            Text(_figure(row.get("usual"))),
        )
    for column in table.columns[1:]:
        column.justify = "right"
    return table


def _posts(posts: Sequence[dict[str, Any]]) -> Table:
    table = _table("", "Author", "Source", "Reach", "Lang", "Excerpt", fixed=5)
    for post in posts:
        table.add_row(
            Text("report" if post.get("kind") == "crisis" else "negative", style="dim"),
            Text(plain(post.get("author"))),
            Text(plain(post.get("source"))),
            Text(_figure(post.get("reach"))),
            Text(plain(post.get("lang"))),
            Text(plain(post.get("excerpt"))),
        )
    table.columns[3].justify = "right"
    return table


def replay_incident(account: dict[str, Any]) -> list[RenderableType]:
    """One incident of a replay (`replay_account` data) with everything the detector said about it."""
    explanation = account.get("explanation") or {}
    heading = Text.assemble(
        (plain(account.get("incident_id")), "bold underline"),
        "  ",
        severity_text(Severity(account["severity"]))
        if account.get("severity") in {known.value for known in Severity}
        else Text(plain(account.get("severity"))),
        "  ",
        Text(plain(account.get("status"))),
        "  ",
        Text(", ".join(plain(item) for item in account.get("crisis_types") or []) or "no crisis type"),
    )
    parts: list[RenderableType] = [
        heading,
        Padding(Text(plain(account.get("summary"))), (0, 0, 1, 2), expand=False),
    ]
    parts += _section("Times", _replay_times(account.get("times") or {}))
    parts += _section("Severity", _severity_history(account.get("severity_history") or []))
    signals = ", ".join(plain(signal) for signal in explanation.get("signals") or []) or "none recorded"
    bucket = f" in the bucket of {stamp(explanation['bucket'])}" if explanation.get("bucket") else ""
    parts += _section(f"Signals fired{bucket}: {signals}", _anomalies(explanation))
    if explanation.get("crisis_types"):
        parts += _section(
            "Crisis types (reports in 15 min against the usual rate)",
            _crisis_types(explanation["crisis_types"]),
        )
    spread = explanation.get("spread_threshold") or {}
    spread_rule = (
        f" (spread needs {_figure(spread.get('sources'))} at {_figure(spread.get('ratio'))}x their level)"
        if spread.get("sources") is not None
        else ""
    )
    surging = explanation.get("sources_above_baseline") or []
    parts += _section(
        f"Sources above baseline{spread_rule}",
        _surging(surging) if surging else Text("none", style="dim"),
    )
    terms = ", ".join(
        f"{plain(term.get('term'))} ({_figure(term.get('count'))})"
        for term in explanation.get("top_terms") or []
    )
    parts += _section("Top terms", Text(terms or "none", style="" if terms else "dim"))
    posts = explanation.get("notable_posts") or []
    parts += _section("Notable posts", _posts(posts) if posts else Text("none", style="dim"))
    return parts


def replay_summary(document: dict[str, Any]) -> list[RenderableType]:
    """`crisiswatch replay --local`: the file, the schedule it ran on, then every incident in full."""
    scenario, clock = document.get("scenario") or {}, document.get("clock") or {}
    incidents = document.get("incidents") or []
    ticks = clock.get("ticks") or 0
    wall = _figure((document.get("run") or {}).get("wall_seconds"))
    period = (clock.get("period_seconds") or 300) / 60
    rows = [
        ("Scenario", Text(plain(scenario.get("file")))),
        ("Brand", Text(plain(scenario.get("brand")))),
        (
            "Mentions",
            Text(
                f"{_figure(scenario.get('mentions'))}, {stamp(scenario.get('first_post'))} to "
                f"{stamp(scenario.get('last_post'))}"
            ),
        ),
        ("First crisis post", Text(stamp(scenario.get("first_crisis_post")))),
        (
            "Schedule",
            Text(
                f"{ticks} ticks of {period:g} min from {stamp(clock.get('start'))} to "
                f"{stamp(clock.get('last_tick'))}, {wall} s of wall time"
            ),
        ),
    ]
    set_aside = scenario.get("set_aside") or []
    if set_aside:
        first = set_aside[0]
        rows.append(
            (
                "Set aside",
                Text(
                    f"{len(set_aside)} line(s), e.g. line {first.get('line')}: {plain(first.get('reason'))}",
                    style="yellow",
                ),
            )
        )
    rows.append(("Incidents", Text(str(len(incidents)) if incidents else "none was opened")))
    parts: list[RenderableType] = [_grid(rows), Text()]
    for account in incidents:
        parts += replay_incident(account)
    return parts
