"""Score mentions into bucket aggregates, then run the detector and open incidents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.clock import BUCKET, bucket_start, parse_iso, to_iso, utc_now
from ..domain.detection.detector import Alert, BucketStats, buckets_to_judge
from ..domain.detection.evidence import gather_evidence, remember_notable
from ..domain.detection.scoring import Analyzers, MentionScore, score_mention
from ..domain.detection.severity import Severity
from ..domain.detection.taxonomy import Taxonomy
from ..domain.listening.language import LanguageResolver
from ..domain.listening.mentions import Mention
from ..domain.response.audit import AuditKind
from ..domain.response.incidents import RAISABLE, Incident, incident_id_for
from ..ports import AggregateStore, DetectionPorts
from .lifecycle import apply

SAVE_ATTEMPTS = 5

RaiseNotice = Callable[[Incident, Severity, str, datetime], object]
"""Told of a raise: (the raised incident, its previous severity, the reason, when)."""


def count_mentions(
    mentions: Sequence[Mention],
    analyzer: Analyzers,
    taxonomy: Taxonomy,
    aggregates: AggregateStore,
    languages: LanguageResolver | None = None,
) -> list[tuple[Mention, MentionScore]]:
    """Score mentions and add them to their buckets; a replayed stream record is counted once. A mention
    stored without a language ("und") is identified by `languages`."""
    scored = [(mention, score_mention(mention, analyzer, taxonomy, languages)) for mention in mentions]
    aggregates.record_batch(scored)
    return scored


@dataclass(frozen=True)
class DetectionRun:
    """One run of the detector for a batch of the stream."""

    now: datetime
    """Event time: the newest mention seen."""
    opened_at: datetime
    """Wall-clock time, stamped on what this run opens or raises."""
    oldest: datetime | None = None
    batch: Sequence[tuple[Mention, MentionScore]] = ()


def detect(
    brand: str,
    run: DetectionRun,
    ports: DetectionPorts,
    on_raise: RaiseNotice | None = None,
) -> Incident | None:
    """Judge every bucket of `brand` closed since the last run, then the open one; open an incident.

    `now` is event time (the newest mention seen) and `oldest` the oldest of this batch, so a replay is
    judged exactly as live data would be, however the stream happened to batch it. Concurrent runs for
    one brand are serialised by the state's version: the loser starts over. The scored `batch` at hand
    supplies an alert's evidence: its top terms and most-reached negative posts.

    An alert that raises the open incident's severity (the detector's `raised_from`) opens nothing: it
    updates that incident, records `incident.severity_changed` and calls `on_raise` (see
    `raise_severity`); the incident returned is only ever a newly opened one.
    """
    now, opened_at, oldest, batch = run.now, run.opened_at, run.oldest, run.batch
    detector, aggregates, states = ports.detector, ports.aggregates, ports.detector_states
    current = bucket_start(now)
    for _attempt in range(SAVE_ATTEMPTS):
        stored = states.read(brand)
        state, version = stored.state, stored.version
        as_read = state.to_dict()
        running = _running(brand, state.alert_bucket, stored.open_incident_id)
        if state.last_bucket is None:
            # A new brand: its history starts with the bucket before its first mention.
            state.last_bucket = to_iso(bucket_start(min(oldest or now, now)) - BUCKET)
        mine = [pair for pair in batch if pair[0].brand == brand]
        state.notable = remember_notable(state.notable, mine, now)
        pending = list(buckets_to_judge(state, current))
        buckets = aggregates.buckets(brand, pending[0] if pending else current, current)
        alerts: list[Alert] = []
        for moment in pending:
            found = detector.observe(state, buckets.get(moment, BucketStats(bucket=moment)), running=running)
            alerts += [found] if found else []
        open_bucket = buckets.get(current, BucketStats(bucket=current))
        partial = detector.assess_partial(state, open_bucket, running=running)
        alerts += [partial] if partial else []
        # Most runs of a busy brand judge no closed bucket and find nothing: the state is as read, and
        # a save would only bump its version (500 brands: one write per mention).
        if (version is not None and state.to_dict() == as_read) or states.save(brand, state, version):
            break
    else:
        raise RuntimeError(f"detector state of {brand!r} kept changing under us")
    opening = next((found for found in alerts if found.raised_from is None), None)
    opened = _open(brand, opening, state.notable, ports, run) if opening else None
    raises = [found for found in alerts if found.raised_from is not None]
    if raises:
        # Several raises in one run (a replay's catch-up): the last is the highest.
        raise_severity(brand, raises[-1], ports, opened_at, on_raise)
    return opened


def _running(brand: str, alert_bucket: str | None, lock: str | None) -> bool:
    """Whether the incident the detector last opened for `brand` still runs (a raise may apply): it holds
    the brand's lock exactly while its status is one of `RUNNING` (opened with it, released on leaving)."""
    return alert_bucket is not None and lock == incident_id_for(brand, parse_iso(alert_bucket))


def _open(
    brand: str,
    alert: Alert,
    notable: Sequence[dict[str, Any]],
    ports: DetectionPorts,
    run: DetectionRun,
) -> Incident | None:
    incidents, audit, now, opened_at = ports.incidents, ports.audit, run.now, run.opened_at
    evidence = gather_evidence(alert.bucket, notable, [brand], alert.crisis_types)
    explanation = {**alert.explanation, "evidence": evidence}
    incident = Incident(
        incident_id=incident_id_for(brand, alert.bucket),
        brand=brand,
        severity=alert.severity,
        opened_at=opened_at,
        detected_bucket=alert.bucket,
        detected_at=now,
        summary=alert.summary,
        explanation=explanation,
        crisis_types=alert.crisis_types,
    )
    if not incidents.open(incident):
        return None
    audit.record(
        incident.incident_id,
        AuditKind.INCIDENT_OPENED,
        "detector",
        {
            "severity": incident.severity.value,
            "summary": incident.summary,
            "crisis_types": list(incident.crisis_types),
            "explanation": explanation,
        },
        opened_at,
    )
    return incident


def raise_severity(
    brand: str,
    alert: Alert,
    ports: DetectionPorts,
    at: datetime,
    on_raise: RaiseNotice | None = None,
) -> Incident | None:
    """Raise the incident the alert's `opened_bucket` opened to the alert's severity, if it is still
    running and less severe (never lower: a person may have regraded it higher already). Records
    `incident.severity_changed` with `{"from", "to", "reason"}`; returns the raised incident, or None."""
    incidents, audit = ports.incidents, ports.audit
    if alert.opened_bucket is None:
        return None
    incident = incidents.get(incident_id_for(brand, alert.opened_bucket))
    if incident is None or incident.status not in RAISABLE:
        return None
    previous = incident.severity
    reason = f"{', '.join(alert.signals)}: {alert.summary}"
    raising = incident.raise_severity(alert.severity, reason)
    if not raising.changes:  # never lower: a person may have regraded it higher already
        return None
    raised = apply(incidents, audit, incident, raising, at)
    if on_raise is not None:
        on_raise(raised, previous, reason, at)
    return raised


@dataclass(frozen=True)
class Detection:
    """Scores a batch of new mentions into their buckets, then runs each brand's detector."""

    ports: DetectionPorts
    analyzer: Analyzers
    taxonomy: Taxonomy
    languages: LanguageResolver | None = None
    on_raise: RaiseNotice | None = None
    """Told of each severity raise (the raise is recorded either way)."""
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)

    def count(self, mentions: Sequence[Mention]) -> list[tuple[Mention, MentionScore]]:
        return count_mentions(mentions, self.analyzer, self.taxonomy, self.ports.aggregates, self.languages)

    def detect(
        self,
        brand: str,
        now: datetime,
        oldest: datetime | None = None,
        batch: Sequence[tuple[Mention, MentionScore]] = (),
    ) -> Incident | None:
        run = DetectionRun(now=now, opened_at=self.clock(), oldest=oldest, batch=batch)
        return detect(brand, run, self.ports, self.on_raise)
