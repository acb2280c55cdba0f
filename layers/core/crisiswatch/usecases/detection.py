"""Score mentions into bucket aggregates, then run the detector and open incidents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..domain.clock import BUCKET, bucket_start, to_iso
from ..domain.detection import BucketStats, Detector, buckets_to_judge
from ..domain.evidence import gather_evidence, remember_notable
from ..domain.incidents import Incident, incident_id_for
from ..domain.language import LanguageResolver
from ..domain.mentions import Mention
from ..domain.scoring import Analyzers, MentionScore, score_mention
from ..domain.taxonomy import Taxonomy
from ..ports import AggregateStore, AuditLog, DetectorStateStore, IncidentStore

SAVE_ATTEMPTS = 5


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


def detect(
    brand: str,
    now: datetime,
    detector: Detector,
    aggregates: AggregateStore,
    states: DetectorStateStore,
    incidents: IncidentStore,
    audit: AuditLog,
    opened_at: datetime,
    oldest: datetime | None = None,
    batch: Sequence[tuple[Mention, MentionScore]] = (),
) -> Incident | None:
    """Judge every bucket of `brand` closed since the last run, then the open one; open an incident.

    `now` is event time (the newest mention seen) and `oldest` the oldest of this batch, so a replay is
    judged exactly as live data would be, however the stream happened to batch it. Concurrent runs for
    one brand are serialised by the state's version: the loser starts over. The scored `batch` at hand
    supplies an alert's evidence: its top terms and most-reached negative posts.
    """
    current = bucket_start(now)
    for _attempt in range(SAVE_ATTEMPTS):
        state, version = states.load(brand)
        if state.last_bucket is None:
            # A new brand: its history starts with the bucket before its first mention.
            state.last_bucket = to_iso(bucket_start(min(oldest or now, now)) - BUCKET)
        mine = [pair for pair in batch if pair[0].brand == brand]
        state.notable = remember_notable(state.notable, mine, now)
        pending = list(buckets_to_judge(state, current))
        stored = aggregates.buckets(brand, pending[0] if pending else current, current)
        alert = None
        for moment in pending:
            found = detector.observe(state, stored.get(moment, BucketStats(bucket=moment)))
            alert = alert or found
        open_bucket = stored.get(current, BucketStats(bucket=current))
        alert = alert or detector.assess_partial(state, open_bucket)
        if states.save(brand, state, version):
            break
    else:
        raise RuntimeError(f"detector state of {brand!r} kept changing under us")
    if alert is None:
        return None
    evidence = gather_evidence(alert.bucket, state.notable, [brand], alert.crisis_types)
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
        "incident.opened",
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
