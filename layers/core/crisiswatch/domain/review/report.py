"""The post-crisis report: when we knew, who was told, what we said and who approved it, and did it work.

Every figure is computed here from three records and nothing else: the incident, our audit trail and the
execution history (the response), and the per-brand buckets of mentions (the public mood). Rendering is
elsewhere (`web/`); this module is pure so the figures can be checked against those records.

Two clocks meet in a report. Mentions carry *event time* (when people posted); the response carries
*response time* (when the stack acted). They are joined at the alert: the detection's newest mention
(`detected_at`) and the incident's opening (`opened_at`) are the same moment. In production one second of
response time is one second; a drill that runs policy minutes as seconds (`PolicyMinuteSeconds`) is
scaled back to policy minutes, so its chart and its figures read like the real thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..clock import BUCKET
from ..detection.detector import BucketStats
from ..response.audit import AuditKind
from ..response.checklist import ChecklistItem
from ..response.incidents import Incident, IncidentStatus
from ..response.notices import crisis_type_names
from ..speech import DEFAULT_LANGUAGE, N_, SOURCE, Speech
from .timeline import AuditEntry, HistoryEvent, TimelineEntry, merge

SYSTEM = "crisiswatch"
BASELINE_WINDOW = timedelta(hours=24)
"""Buckets before the first sign that describe the brand's ordinary day."""
CHART_LEAD = timedelta(hours=3)
"""How much of the ordinary day the charts show before the first sign."""
MAX_FOLLOW = timedelta(hours=48)
"""How long after the alert the report follows the public mood."""
ONSET_GAP = 3
"""Buckets without any sign (15 minutes) that end the run-up to an alert, walking back from it."""
RECOVERY_WINDOW = 3
"""Buckets whose negative share is averaged when judging recovery (15 minutes)."""
RECOVERY_HOLD = 6
"""Buckets (30 minutes) the averaged share must stay near the baseline to count as recovered."""
RECOVERY_TOLERANCE = 0.05
"""How far above the ordinary negative share still counts as recovered."""
GOLDEN_HOUR = timedelta(hours=1)
"""A holding statement should be out within the first hour of the alert."""
SLOW_DETECTION = timedelta(minutes=30)

NOTIFICATION_KINDS: dict[str, str] = {
    AuditKind.TIER_NOTIFIED: N_("notified"),
    AuditKind.REMINDER_SENT: N_("reminded"),
    AuditKind.OWNER_NOTIFIED: N_("asked to approve (owner)"),
    AuditKind.MONITORING_NOTIFIED: N_("asked to monitor"),
    AuditKind.REVIEW_REQUESTED: N_("asked for the review"),
}
DECISION_KINDS: dict[str, str] = {
    AuditKind.INCIDENT_ACKNOWLEDGED: N_("acknowledged"),
    AuditKind.STATEMENT_APPROVED: N_("approved the statement"),
    AuditKind.STATEMENT_CHANGES_REQUESTED: N_("asked for changes"),
    AuditKind.INCIDENT_DISMISSED: N_("dismissed as a false alarm"),
    AuditKind.INCIDENT_ESCALATED: N_("escalated to the next tier"),
    AuditKind.INCIDENT_RESOLVED: N_("resolved"),
    AuditKind.REVIEW_DONE: N_("confirmed the review"),
}
RESPONSE_KINDS = frozenset(
    {
        AuditKind.INCIDENT_ACKNOWLEDGED,
        AuditKind.STATEMENT_APPROVED,
        AuditKind.STATEMENT_CHANGES_REQUESTED,
        AuditKind.INCIDENT_DISMISSED,
        AuditKind.INCIDENT_ESCALATED,
    }
)
"""A person answering at all: the first of these is when someone acknowledged the alert."""


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    at: datetime | None
    """Response time; None when it never happened."""
    seconds: float | None
    """Since the incident opened, in policy time (a drill's seconds scaled to minutes)."""
    by: str | None = None


@dataclass(frozen=True)
class Notification:
    at: datetime
    what: str
    phase: str
    tier: int
    recipients: tuple[str, ...]
    seconds: float
    """Since the incident opened, in policy time."""


@dataclass(frozen=True)
class DecisionMade:
    at: datetime
    what: str
    by: str
    seconds: float
    detail: str = ""


@dataclass(frozen=True)
class PeriodStats:
    label: str
    start: datetime
    end: datetime
    """Exclusive."""
    mentions: int
    negative: int
    scored: int
    negative_reach: int

    @property
    def buckets(self) -> int:
        return max(0, int((self.end - self.start) / BUCKET))

    @property
    def mean_volume(self) -> float:
        return self.mentions / self.buckets if self.buckets else 0.0

    @property
    def negative_share(self) -> float:
        return self.negative / self.scored if self.scored else 0.0


@dataclass(frozen=True)
class Baseline:
    volume: float
    """Mentions per 5 minutes the detector expected when it alerted."""
    negative: float
    """Negative mentions per 5 minutes the detector expected."""
    negative_share: float
    """Share of negative mentions on the ordinary day before the first sign."""


@dataclass(frozen=True)
class Marker:
    """A moment of the response, placed on the mentions' clock for the charts."""

    key: str
    label: str
    at: datetime


@dataclass(frozen=True)
class Finding:
    text: str
    worked: bool
    """True for what went well, False for what to improve."""


@dataclass(frozen=True)
class ExecutionSummary:
    events: int
    status: str
    """RUNNING until its last event ends it; UNKNOWN when the history has expired."""
    failed_attempts: int
    """Task attempts that failed (each was retried or caught)."""
    timed_out_waits: int
    """Waits for a decision that ran out (tiers that stayed silent, reminders due)."""


@dataclass(frozen=True)
class PostCrisisReport:
    incident: Incident
    generated_at: datetime
    time_scale: float
    """Policy seconds per response second: 1 in production, 60 in a drill of one-second minutes."""
    onset: datetime
    """Event time of the first sign: the start of the run-up of crisis-typed or unusually negative posts."""
    time_to_detect: float
    """Event seconds from the first sign to the detection's newest mention."""
    milestones: list[Milestone]
    notifications: list[Notification]
    decisions: list[DecisionMade]
    series: list[BucketStats]
    """Every bucket of the charted window, gaps filled with empty buckets."""
    baseline: Baseline
    periods: list[PeriodStats]
    """Before and during the crisis; after it, once the negative share recovered."""
    peak: BucketStats | None
    recovered_at: datetime | None
    """Event time from which the negative share stayed near the baseline; None if it never did."""
    crisis_types: list[tuple[str, int]]
    top_terms: list[tuple[str, int]]
    markers: list[Marker]
    findings: list[Finding]
    execution: ExecutionSummary
    timeline: list[TimelineEntry] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE
    """The language its words were written in: its pages and files speak the same."""
    time_zone: str = "UTC"
    """The zone its pages show times in (UTC beside it)."""

    @property
    def recovery_seconds(self) -> float | None:
        """Event seconds from the alert until the negative share was back near the baseline."""
        if self.recovered_at is None:
            return None
        detected = self.incident.detected_at or self.incident.detected_bucket
        return max(0.0, (self.recovered_at - detected).total_seconds())

    def milestone(self, key: str) -> Milestone:
        return next(item for item in self.milestones if item.key == key)

    @property
    def is_drill_scaled(self) -> bool:
        return self.time_scale != 1.0


def format_duration(seconds: float | None) -> str:
    """`3 d 04 h`, `1 h 05 min`, `12 min 30 s`, `45 s`; an em dash when it never happened. Days start at
    two of them: a review confirmed a week later is not `168 h 00 min`."""
    return "—" if seconds is None else SOURCE.duration(timedelta(seconds=seconds))


def time_scale_of(incident: Incident) -> float:
    """Policy seconds per response second, from the minute length the route was planned with."""
    return incident.route.time_scale if incident.route else 1.0


def fill_gaps(buckets: Iterable[BucketStats], first: datetime, last: datetime) -> list[BucketStats]:
    """Every bucket from `first` to `last` inclusive; buckets nobody posted in are empty, not missing."""
    known = {stats.bucket: stats for stats in buckets}
    series = []
    moment = first
    while moment <= last:
        series.append(known.get(moment) or BucketStats(bucket=moment))
        moment += BUCKET
    return series


def _signs(stats: BucketStats) -> bool:
    return bool(stats.crisis_types) and any(stats.type_count(kind) for kind in stats.crisis_types)


def find_onset(
    series: Sequence[BucketStats], detected_bucket: datetime, expected_negative: float
) -> datetime:
    """Walk back from the alert through the run-up: buckets with crisis-typed posts, or at least twice
    the usual negative posts (and two more), until 15 minutes pass with neither."""

    def elevated(stats: BucketStats) -> bool:
        return _signs(stats) or stats.negative >= 2 * expected_negative + 2

    before = [stats for stats in series if stats.bucket <= detected_bucket]
    onset = detected_bucket
    quiet = 0
    for stats in reversed(before):
        if elevated(stats):
            onset, quiet = stats.bucket, 0
        else:
            quiet += 1
            if quiet >= ONSET_GAP:
                break
    return onset


def _windowed_share(series: Sequence[BucketStats], index: int) -> float:
    window = series[index : index + RECOVERY_WINDOW]
    scored = sum(stats.scored for stats in window)
    return sum(stats.negative for stats in window) / scored if scored else 0.0


def find_recovery(series: Sequence[BucketStats], after: datetime, baseline_share: float) -> datetime | None:
    """The first bucket after `after` from which the 15-minute negative share stays within the tolerance
    of the ordinary share for 30 minutes (or to the end of the data, if at least 15 minutes remain)."""
    limit = baseline_share + RECOVERY_TOLERANCE
    start = next((index for index, stats in enumerate(series) if stats.bucket > after), len(series))
    for index in range(start, len(series) - RECOVERY_WINDOW + 1):
        hold = range(index, min(index + RECOVERY_HOLD, len(series) - RECOVERY_WINDOW + 1))
        if all(_windowed_share(series, later) <= limit for later in hold):
            return series[index].bucket
    return None


def period(label: str, series: Sequence[BucketStats], start: datetime, end: datetime) -> PeriodStats:
    inside = [stats for stats in series if start <= stats.bucket < end]
    return PeriodStats(
        label=label,
        start=start,
        end=max(start, end),
        mentions=sum(stats.volume for stats in inside),
        negative=sum(stats.negative for stats in inside),
        scored=sum(stats.scored for stats in inside),
        negative_reach=sum(stats.negative_reach for stats in inside),
    )


ENDINGS = frozenset({"SUCCEEDED", "FAILED"})


def summarize_execution(history: Sequence[HistoryEvent], ending: str | None = None) -> ExecutionSummary:
    """`ending` is how the execution is about to end, when the report is written by its last step (the
    history cannot hold an end it has not reached yet)."""
    if not history:
        return ExecutionSummary(events=0, status="UNKNOWN", failed_attempts=0, timed_out_waits=0)
    ends = {
        "ExecutionSucceeded": "SUCCEEDED",
        "ExecutionFailed": "FAILED",
        "ExecutionAborted": "ABORTED",
        "ExecutionTimedOut": "TIMED_OUT",
    }
    running = ending if ending in ENDINGS else "RUNNING"
    status = next((ends[event.type] for event in reversed(history) if event.type in ends), running)
    return ExecutionSummary(
        events=len(history),
        status=status,
        failed_attempts=sum(event.type in {"TaskFailed", "LambdaFunctionFailed"} for event in history),
        timed_out_waits=sum(event.type == "TaskTimedOut" for event in history),
    )


class _Clock:
    """Response moments as policy seconds since the opening, and as moments on the mentions' clock."""

    def __init__(self, incident: Incident, scale: float) -> None:
        self._opened = incident.opened_at
        self._detected = incident.detected_at or incident.detected_bucket
        self._scale = scale

    def seconds(self, at: datetime) -> float:
        return (at - self._opened).total_seconds() * self._scale

    def on_event_clock(self, at: datetime) -> datetime:
        return self._detected + timedelta(seconds=self.seconds(at))


def _first(audit: Sequence[AuditEntry], kinds: Iterable[str]) -> AuditEntry | None:
    wanted = set(kinds)
    return next((entry for entry in audit if entry.kind in wanted), None)


def _milestones(
    incident: Incident, audit: Sequence[AuditEntry], clock: _Clock, speech: Speech
) -> list[Milestone]:
    _ = speech.gettext

    def found(key: str, label: str, entry: AuditEntry | None) -> Milestone:
        if entry is None:
            return Milestone(key, label, None, None)
        return Milestone(key, label, entry.at, clock.seconds(entry.at), entry.actor)

    return [
        Milestone("detected", _("Alert raised"), incident.opened_at, 0.0, "detector"),
        found("notified", _("First people told"), _first(audit, [AuditKind.TIER_NOTIFIED])),
        found("acknowledged", _("First answer from a person"), _first(audit, RESPONSE_KINDS)),
        found("approved", _("Statement approved"), _first(audit, [AuditKind.STATEMENT_APPROVED])),
        found("published", _("Statement published"), _first(audit, [AuditKind.STATEMENT_PUBLISHED])),
        found("resolved", _("Resolved"), _first(audit, [AuditKind.INCIDENT_RESOLVED])),
        found("reviewed", _("Review confirmed"), _first(audit, [AuditKind.REVIEW_DONE])),
    ]


def _notifications(audit: Sequence[AuditEntry], clock: _Clock, speech: Speech) -> list[Notification]:
    return [
        Notification(
            at=entry.at,
            what=speech.gettext(NOTIFICATION_KINDS[entry.kind]),
            phase=str(entry.detail.get("phase", "")),
            tier=int(entry.detail.get("tier") or 0),
            recipients=tuple(str(person) for person in entry.detail.get("recipients", [])),
            seconds=clock.seconds(entry.at),
        )
        for entry in audit
        if entry.kind in NOTIFICATION_KINDS
    ]


def _decision_detail(entry: AuditEntry) -> str:
    detail = entry.detail
    if entry.kind == AuditKind.STATEMENT_APPROVED:
        return f"{detail.get('statement', '')} ({detail.get('channel', '')})"
    if entry.kind == AuditKind.STATEMENT_CHANGES_REQUESTED:
        note = str(detail.get("note") or "")
        return f"{detail.get('of', '')} -> {detail.get('revision', '')}" + (f": {note}" if note else "")
    if entry.kind == AuditKind.REVIEW_DONE:
        return str(detail.get("notes", ""))
    if entry.kind == AuditKind.INCIDENT_RESOLVED:
        return str(detail.get("how", ""))
    return ""


def _decisions(audit: Sequence[AuditEntry], clock: _Clock, speech: Speech) -> list[DecisionMade]:
    return [
        DecisionMade(
            entry.at,
            speech.gettext(DECISION_KINDS[entry.kind]),
            entry.actor,
            clock.seconds(entry.at),
            _decision_detail(entry),
        )
        for entry in audit
        if entry.kind in DECISION_KINDS
    ]


def _round_tiers(incident: Incident, tier: int, speech: Speech) -> str:
    return ", ".join(incident.tiers_of_round(tier)) or speech.gettext("tier %(number)d") % {"number": tier}


def _reminder_findings(
    incident: Incident, audit: Sequence[AuditEntry], clock: _Clock, speech: Speech
) -> list[Finding]:
    _ = speech.gettext
    findings = []
    for index, entry in enumerate(audit):
        if entry.kind != AuditKind.REMINDER_SENT:
            continue
        recipients = set(entry.detail.get("recipients", []))
        who = _round_tiers(incident, int(entry.detail.get("tier") or 0), speech)
        answer = None
        for later in audit[index + 1 :]:
            if later.kind in {AuditKind.TIER_TIMED_OUT, AuditKind.OWNER_TIMED_OUT}:
                break
            if later.kind in RESPONSE_KINDS and later.actor in recipients:
                answer = later
                break
        if answer is not None:
            waited = speech.duration(timedelta(seconds=clock.seconds(answer.at) - clock.seconds(entry.at)))
            text = _("The reminder to %(who)s worked: %(actor)s answered %(waited)s later.")
            findings.append(Finding(text % {"who": who, "actor": answer.actor, "waited": waited}, True))
        else:
            text = _("The reminder to %(who)s got no answer before its time ran out.")
            findings.append(Finding(text % {"who": who}, False))
    return findings


def _silence_findings(incident: Incident, audit: Sequence[AuditEntry], speech: Speech) -> list[Finding]:
    """Who did not answer in time, and whether anyone answered at all."""
    _ = speech.gettext
    findings = []
    for entry in audit:
        if entry.kind == AuditKind.TIER_TIMED_OUT:
            who = _round_tiers(incident, int(entry.detail.get("tier") or 0), speech)
            text = _("%(who)s did not answer in time: check who is on call for it and their contact details.")
            findings.append(Finding(text % {"who": who}, False))
        elif entry.kind == AuditKind.OWNER_TIMED_OUT:
            text = _("%(owner)s acknowledged but did not approve in time.")
            findings.append(Finding(text % {"owner": incident.owner or _("The owner")}, False))
    if any(entry.kind == AuditKind.ESCALATION_EXHAUSTED for entry in audit):
        findings.append(Finding(_("Every tier stayed silent: the policy needs people who answer."), False))
    return findings


def _statement_findings(
    incident: Incident, audit: Sequence[AuditEntry], published: Milestone, speech: Speech
) -> list[Finding]:
    _ = speech.gettext
    findings = []
    revisions = sum(entry.kind == AuditKind.STATEMENT_CHANGES_REQUESTED for entry in audit)
    if revisions:
        types = ", ".join(crisis_type_names(incident.crisis_types, speech)) or _("this kind of crisis")
        text = speech.ngettext(
            "The pre-approved statement was revised %(count)d time before approval: update the template "
            "for %(types)s.",
            "The pre-approved statement was revised %(count)d times before approval: update the template "
            "for %(types)s.",
            revisions,
        )
        findings.append(Finding(text % {"count": revisions, "types": types}, False))
    if published.seconds is not None:
        in_time = published.seconds <= GOLDEN_HOUR.total_seconds()
        text = (
            _("The holding statement was out %(after)s after the alert (within the first hour).")
            if in_time
            else _("The holding statement was out %(after)s after the alert: aim for the first hour.")
        )
        findings.append(
            Finding(text % {"after": speech.duration(timedelta(seconds=published.seconds))}, in_time)
        )
    elif incident.status is not IncidentStatus.DISMISSED:
        findings.append(Finding(_("No statement was published."), False))
    return findings


def _follow_through_findings(
    incident: Incident,
    audit: Sequence[AuditEntry],
    published: Milestone,
    recovered_at: datetime | None,
    speech: Speech,
) -> list[Finding]:
    """The checklist, the review and whether the public mood recovered after we spoke."""
    _ = speech.gettext
    findings = []
    ticked = incident.checklist
    if incident.includes_legal and ChecklistItem.LEGAL_REVIEWED.value not in ticked:
        findings.append(Finding(_("Legal review was on the checklist but never ticked."), False))
    if published.at is not None and ChecklistItem.STAKEHOLDERS_INFORMED.value not in ticked:
        findings.append(Finding(_("Nobody ticked 'internal stakeholders informed'."), False))
    if any(entry.kind == AuditKind.REVIEW_OVERDUE for entry in audit):
        findings.append(Finding(_("The post-crisis review was overdue."), False))
    if published.at is not None and recovered_at is None:
        findings.append(
            Finding(_("Negativity had not returned to its usual level by the end of the data."), False)
        )
    elif published.at is not None:
        findings.append(Finding(_("Negativity returned to its usual level (see recovery)."), True))
    return findings


def _findings(
    report: PostCrisisReport, audit: Sequence[AuditEntry], clock: _Clock, speech: Speech
) -> list[Finding]:
    """What went well and what to improve, each read off the records (never a generic tip)."""
    _ = speech.gettext
    incident, milestones, time_to_detect = report.incident, report.milestones, report.time_to_detect
    recovered_at, execution = report.recovered_at, report.execution
    published = next(item for item in milestones if item.key == "published")
    waited = {"waited": speech.duration(timedelta(seconds=time_to_detect))}
    if time_to_detect > SLOW_DETECTION.total_seconds():
        text = _(
            "The alert came %(waited)s after the first sign: review the watchlist keywords and crisis "
            "terms for what was missed early."
        )
        findings = [Finding(text % waited, False)]
    else:
        findings = [Finding(_("The alert came %(waited)s after the first sign.") % waited, True)]
    findings += _silence_findings(incident, audit, speech)
    findings += _reminder_findings(incident, audit, clock, speech)
    findings += _statement_findings(incident, audit, published, speech)
    findings += _follow_through_findings(incident, audit, published, recovered_at, speech)
    if execution.failed_attempts:
        text = speech.ngettext(
            "%(count)d step attempt failed and were retried or caught: see the timeline for the errors.",
            "%(count)d step attempts failed and were retried or caught: see the timeline for the errors.",
            execution.failed_attempts,
        )
        findings.append(Finding(text % {"count": execution.failed_attempts}, False))
    return findings


_MARKER_LABELS = {
    "notified": N_("told"),
    "approved": N_("approved"),
    "published": N_("published"),
    "resolved": N_("resolved"),
}


def _markers(milestones: list[Milestone], clock: _Clock, incident: Incident, speech: Speech) -> list[Marker]:
    _ = speech.gettext
    markers = [Marker("detected", _("alert"), incident.detected_at or incident.detected_bucket)]
    for item in milestones:
        if item.key in _MARKER_LABELS and item.at is not None:
            markers.append(Marker(item.key, _(_MARKER_LABELS[item.key]), clock.on_event_clock(item.at)))
    return markers


def _pairs(raw: Any) -> list[tuple[str, int]]:
    """Top terms as stored with the alert; anything malformed is left out rather than failing a report."""
    pairs = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], int | float):
            pairs.append((str(item[0]), int(item[1])))
    return pairs


@dataclass(frozen=True)
class IncidentRecord:
    """Everything recorded about an incident that its report reads: the incident, its audit trail, its
    execution history and the brand's buckets from `BASELINE_WINDOW` before the alert to `MAX_FOLLOW`
    after it (see `window`)."""

    incident: Incident
    audit: Sequence[AuditEntry]
    history: Sequence[HistoryEvent]
    buckets: Iterable[BucketStats]


@dataclass(frozen=True)
class _CrisisShape:
    """The brand's buckets around the incident with their gaps filled, and the crisis read off them: its
    onset, the baseline before it, its peak, when the mood recovered, and the periods around it."""

    full: list[BucketStats]
    first: datetime
    onset: datetime
    baseline: Baseline
    peak: BucketStats | None
    recovered_at: datetime | None
    end: datetime
    periods: list[PeriodStats]

    @classmethod
    def of(cls, incident: Incident, buckets: Iterable[BucketStats]) -> _CrisisShape:
        detected_bucket = incident.detected_bucket
        expected = incident.explanation.get("expected", {}) if incident.explanation else {}
        expected_volume = float(expected.get("volume") or 0.0)
        expected_negative = float(expected.get("negative") or 0.0)
        known = list(buckets)
        first, last = window(incident)
        newest = max((stats.bucket for stats in known if stats.bucket <= last), default=detected_bucket)
        full = fill_gaps(known, first, max(newest, detected_bucket))
        onset = find_onset(full, detected_bucket, expected_negative)
        before = period("before", full, max(first, onset - BASELINE_WINDOW), onset)
        baseline_share = (
            before.negative_share
            if before.scored
            else (expected_negative / expected_volume if expected_volume else 0.0)
        )
        crisis = [stats for stats in full if stats.bucket >= onset]
        peak = max(crisis, key=lambda stats: stats.volume, default=None)
        recovered_at = find_recovery(full, peak.bucket if peak else detected_bucket, baseline_share)
        end = full[-1].bucket + BUCKET
        periods = [before, period("during", full, onset, recovered_at or end)]
        if recovered_at is not None:  # no "after" until the mood is back: the crisis is still on
            periods.append(period("after", full, recovered_at, end))
        baseline = Baseline(expected_volume, expected_negative, baseline_share)
        return cls(full, first, onset, baseline, peak, recovered_at, end, periods)


def build_report(
    record: IncidentRecord, now: datetime, ending: str | None = None, speech: Speech = SOURCE
) -> PostCrisisReport:
    """Every figure of the report from the incident's record; `ending` is how its execution is ending
    (`SUCCEEDED`, `FAILED`) when the state machine writes the report as its last step. Its words
    (milestones, findings, markers) are in `speech`'s language."""
    incident, history = record.incident, record.history
    audit = sorted(record.audit, key=lambda entry: entry.at)
    scale = time_scale_of(incident)
    clock = _Clock(incident, scale)
    shape = _CrisisShape.of(incident, record.buckets)
    full, onset, recovered_at, end = shape.full, shape.onset, shape.recovered_at, shape.end
    type_counts = _crisis_type_counts(incident, full, onset, recovered_at or end)
    evidence = incident.explanation.get("evidence", {}) if incident.explanation else {}
    detected = incident.detected_at or incident.detected_bucket
    time_to_detect = max(0.0, (detected - onset).total_seconds())
    milestones = _milestones(incident, audit, clock, speech)
    execution = summarize_execution(history, ending)
    chart_start = max(shape.first, onset - CHART_LEAD)
    report = PostCrisisReport(
        incident=incident,
        generated_at=now,
        time_scale=scale,
        onset=onset,
        time_to_detect=time_to_detect,
        milestones=milestones,
        notifications=_notifications(audit, clock, speech),
        decisions=_decisions(audit, clock, speech),
        series=[stats for stats in full if stats.bucket >= chart_start],
        baseline=shape.baseline,
        periods=shape.periods,
        peak=shape.peak,
        recovered_at=recovered_at,
        crisis_types=type_counts,
        top_terms=_pairs(evidence.get("top_terms")),
        markers=_markers(milestones, clock, incident, speech),
        findings=[],
        execution=execution,
        timeline=merge(history, audit),
    )
    return replace(
        report,
        findings=_findings(report, audit, clock, speech),
        language=speech.language,
        time_zone=speech.time_zone,
    )


def _crisis_type_counts(
    incident: Incident, full: list[BucketStats], start: datetime, end: datetime
) -> list[tuple[str, int]]:
    """Mentions of each crisis type during the crisis, most first; the incident's own types even at 0."""
    counts: Counter[str] = Counter()
    for stats in full:
        if start <= stats.bucket < end:
            for kind in stats.crisis_types:
                counts[kind] += stats.type_count(kind)
    for kind in incident.crisis_types:
        counts.setdefault(kind, 0)
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def window(incident: Incident) -> tuple[datetime, datetime]:
    """The buckets a report reads: a day before the alert (the ordinary day) to two days after."""
    return incident.detected_bucket - BASELINE_WINDOW - CHART_LEAD, incident.detected_bucket + MAX_FOLLOW
