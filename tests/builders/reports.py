"""A post-crisis report to render: a recall crisis's buckets, an incident, its audit trail and history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.detector import BucketStats
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident, IncidentStatus
from crisiswatch.domain.review.report import IncidentRecord, PostCrisisReport, build_report
from crisiswatch.domain.review.timeline import AuditEntry, HistoryEvent
from tests.fakes import as_stored

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> [x](javascript:alert(1)) a|b\nnext'

CRISIS_START = datetime(2024, 3, 14, 10, 0, tzinfo=UTC)
DETECTED_BUCKET = datetime(2024, 3, 14, 10, 20, tzinfo=UTC)
DETECTED_AT = DETECTED_BUCKET + timedelta(minutes=3, seconds=40)
OPENED_AT = DETECTED_AT + timedelta(seconds=20)
RECALL = {0: 18, 1: 30, 2: 55, 3: 90, 4: 140, 5: 160, 6: 120, 7: 90, 8: 60, 9: 40, 10: 30, 11: 20}
"""Mentions per bucket from 10:00: the story peaks at 10:25 and is over by 11:00."""


def recall_buckets(
    crisis_start: datetime = CRISIS_START,
    follow: timedelta = timedelta(hours=2),
    silent: Collection[int] = (),
) -> list[BucketStats]:
    """An ordinary day of 10 mentions per 5 minutes (1 negative), then the recall: half negative while
    it grows, a fifth once it fades. Buckets whose offset from the crisis start is in `silent` are left
    out, as nobody posted in them."""
    buckets = []
    moment = crisis_start - timedelta(hours=27)
    while moment <= crisis_start + timedelta(minutes=20) + follow:
        step = (moment - crisis_start) // BUCKET
        if step in silent:
            moment += BUCKET
            continue
        volume = RECALL.get(step, 10)
        negative = (volume // 2 if step < 9 else volume // 5) if step in RECALL else 1
        typed = {"product_safety": {"twitter": volume // 3, "reddit": volume // 6}} if step in RECALL else {}
        buckets.append(
            BucketStats(
                bucket=moment,
                volume=volume,
                negative=negative,
                scored=volume - 1,
                negative_reach=negative * 800,
                crisis_types=typed,
            )
        )
        moment += BUCKET
    return buckets


def make_incident(**changes: Any) -> Incident:
    fields: dict[str, Any] = {
        "incident_id": "inc-cafe-aurora-20240314T1020Z",
        "brand": "Cafe Aurora",
        "severity": Severity.SEV1,
        "opened_at": OPENED_AT,
        "detected_bucket": DETECTED_BUCKET,
        "detected_at": DETECTED_AT,
        "status": IncidentStatus.RESOLVED,
        "summary": "160 mentions in 5 min against 10.0 expected; 80 product safety reports",
        "explanation": {
            "signals": ["volume", "crisis_type"],
            "observed": {"volume": 160, "negative": 80, "negative_share": 0.503, "negative_reach": 64000},
            "expected": {"volume": 10.0, "negative": 1.0},
            "crisis_types": {
                "product_safety": {
                    "observed": 80,
                    "expected": 0.2,
                    "sources": ["twitter", "reddit"],
                    "p_value": 1e-9,
                }
            },
            "evidence": {
                "top_terms": [["glass", 40], ["recall", 22]],
                "crisis_posts": [
                    {
                        "author": "@dana",
                        "reach": 12000,
                        "source": "twitter",
                        "text": "Found glass in my latte",
                    }
                ],
                "negative_posts": [],
            },
        },
        "crisis_types": ("product_safety",),
        "owner": "alice",
        "route": {
            "rounds": [{"tiers": ["comms-oncall"]}, {"tiers": ["head-of-comms"]}],
            "includes_legal": True,
            "minute_seconds": 60,
        },
        "statement": {
            "key": "holding",
            "label": "Holding statement",
            "channel": "social",
            "text": "We are looking into reports about our lattes.",
            "approved_by": "alice",
            "approved_at": "2024-03-14T10:49:00Z",
            "ref": "post-1",
            "publisher": "fake-social",
            "published_at": "2024-03-14T10:51:00Z",
        },
        "checklist": {"acknowledged": {"by": "alice", "at": "2024-03-14T10:30:00Z"}},
    }
    fields.update(changes)
    return Incident(**as_stored(fields))


def audit_trail(
    person: str = "alice", note: str = "went well", opened: datetime = OPENED_AT
) -> list[AuditEntry]:
    """Told at once, acknowledged after 6 minutes, one revision, approved at 25 and published at 27
    minutes, resolved after 3 hours (after the charted posts end), reviewed the next day."""

    def at(minutes: float) -> datetime:
        return opened + timedelta(minutes=minutes)

    return [
        AuditEntry(
            at(0.5), "tier.notified", "crisiswatch", {"phase": "tiers", "tier": 1, "recipients": [person]}
        ),
        AuditEntry(at(6), "incident.acknowledged", person, {"tier": 1, "phase": "tiers"}),
        AuditEntry(
            at(15), "statement.changes_requested", person, {"of": "holding", "revision": "revision-1"}
        ),
        AuditEntry(at(25), "statement.approved", person, {"statement": "holding", "channel": "social"}),
        AuditEntry(at(27), "statement.published", "crisiswatch", {"channel": "social", "ref": "post-1"}),
        AuditEntry(at(180), "incident.resolved", person, {"how": "calm again"}),
        AuditEntry(at(60 * 24), "review.done", person, {"notes": note}),
    ]


def execution_history(opened: datetime = OPENED_AT) -> list[HistoryEvent]:
    return [
        HistoryEvent(1, opened, "ExecutionStarted"),
        HistoryEvent(2, opened, "TaskStateEntered", state="Route"),
        HistoryEvent(3, opened + timedelta(seconds=2), "TaskFailed", detail={"error": "Throttled"}),
    ]


def sample_report(
    incident: Incident | None = None,
    audit: list[AuditEntry] | None = None,
    buckets: list[BucketStats] | None = None,
) -> PostCrisisReport:
    return build_report(
        IncidentRecord(
            incident or make_incident(),
            audit_trail() if audit is None else audit,
            execution_history(),
            recall_buckets() if buckets is None else buckets,
        ),
        OPENED_AT + timedelta(days=2),
    )


# ----- reading the SVG back --------------------------------------------------------------------------
