"""The post-crisis report's figures, each checked against the records it is computed from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.detector import BucketStats
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident, IncidentFilter, IncidentStatus
from crisiswatch.domain.review.report import (
    IncidentRecord,
    build_report,
    fill_gaps,
    find_onset,
    find_recovery,
    format_duration,
    summarize_execution,
    time_scale_of,
)
from crisiswatch.domain.review.timeline import (
    AUDIT,
    HISTORY,
    AuditEntry,
    HistoryEvent,
    condense,
    merge,
    redact,
)
from tests.fakes import as_stored

DETECTED = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
OPENED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
"""A replay: the response clock is months after the mentions' clock."""


def incident(**overrides: object) -> Incident:
    values: dict[str, object] = {
        "incident_id": "inc-northwind-coffee-20260302T1020Z",
        "brand": "Northwind Coffee",
        "severity": Severity.SEV2,
        "opened_at": OPENED,
        "detected_bucket": DETECTED,
        "detected_at": DETECTED + timedelta(minutes=3),
        "status": IncidentStatus.REVIEWED,
        "crisis_types": ("product_safety",),
        "explanation": {
            "expected": {"volume": 4.0, "negative": 0.5},
            "evidence": {"top_terms": [["glass", 9], ["recall", 4]]},
        },
        "route": {
            "rounds": [
                {"tiers": ["social"], "response_seconds": 15},
                {"tiers": ["comms_lead"], "response_seconds": 20},
            ],
            "includes_legal": True,
            "minute_seconds": 1,
        },
        "checklist": {"stakeholders_informed": {"by": "lead", "at": "2026-11-21T09:01:00Z"}},
    }
    values.update(overrides)
    return Incident(**as_stored(values))


def at(seconds: float) -> datetime:
    return OPENED + timedelta(seconds=seconds)


AUDIT_TRAIL = [
    AuditEntry(at(1), "incident.routed", "crisiswatch", {}),
    AuditEntry(
        at(2), "tier.notified", "crisiswatch", {"phase": "tiers", "tier": 1, "recipients": ["ana", "bo"]}
    ),
    AuditEntry(
        at(8), "reminder.sent", "crisiswatch", {"phase": "tiers", "tier": 1, "recipients": ["ana", "bo"]}
    ),
    AuditEntry(at(17), "tier.timed_out", "crisiswatch", {"tier": 1, "next_tier": 2}),
    AuditEntry(
        at(17.5), "tier.notified", "crisiswatch", {"phase": "tiers", "tier": 2, "recipients": ["lead"]}
    ),
    AuditEntry(at(25), "statement.changes_requested", "lead", {"of": "holding-social", "revision": "r1"}),
    AuditEntry(at(30), "statement.approved", "lead", {"statement": "r1", "channel": "social"}),
    AuditEntry(at(31), "statement.published", "crisiswatch", {"channel": "social"}),
    AuditEntry(at(50), "incident.resolved", "crisiswatch", {"how": "calm"}),
    AuditEntry(at(55), "review.done", "lead", {"notes": "ok"}),
]


def quiet_then_crisis() -> list[BucketStats]:
    """An ordinary day (4 per bucket, 1 in 4 negative), a crisis from 10:00, calm again from 12:00."""
    series = []
    moment = DETECTED - timedelta(hours=24)
    while moment <= DETECTED + timedelta(hours=4):
        if datetime(2026, 3, 2, 10, 0, tzinfo=UTC) <= moment < datetime(2026, 3, 2, 12, 0, tzinfo=UTC):
            series.append(
                BucketStats(
                    moment,
                    volume=40,
                    negative=30,
                    scored=40,
                    negative_reach=9000,
                    crisis_types={"product_safety": {"reddit": 5}},
                )
            )
        else:
            series.append(BucketStats(moment, volume=4, negative=1, scored=4, negative_reach=10))
        moment += BUCKET
    return series


def history() -> list[HistoryEvent]:
    return [
        HistoryEvent(1, at(0.5), "ExecutionStarted"),
        HistoryEvent(2, at(0.6), "TaskStateEntered", state="Assess And Route"),
        HistoryEvent(3, at(0.7), "TaskFailed", detail={"error": "TransientError"}),
        HistoryEvent(4, at(17), "TaskTimedOut"),
        HistoryEvent(5, at(56), "ExecutionSucceeded"),
    ]


def report_now():  # type: ignore[no-untyped-def]
    return build_report(IncidentRecord(incident(), AUDIT_TRAIL, history(), quiet_then_crisis()), at(60))


def test_drill_time_is_read_in_policy_minutes() -> None:
    assert time_scale_of(incident()) == 60.0
    assert time_scale_of(incident(route={})) == 1.0
    assert time_scale_of(incident(route={"minute_seconds": 0})) == 1.0


def test_milestones_are_the_first_audit_entries_of_their_kind_in_policy_time() -> None:
    report = report_now()
    seconds = {item.key: item.seconds for item in report.milestones}
    assert seconds == {
        "detected": 0.0,
        "notified": 2 * 60,
        "acknowledged": 25 * 60,  # the change request is the first answer from a person
        "approved": 30 * 60,
        "published": 31 * 60,
        "resolved": 50 * 60,
        "reviewed": 55 * 60,
    }
    assert report.milestone("approved").by == "lead"


def test_a_milestone_that_never_happened_has_no_time() -> None:
    trail = [entry for entry in AUDIT_TRAIL if entry.kind != "statement.published"]
    report = build_report(IncidentRecord(incident(), trail, [], quiet_then_crisis()), at(60))
    assert report.milestone("published").at is None
    assert report.milestone("published").seconds is None
    assert "No statement was published." in [finding.text for finding in report.findings]


def test_notifications_and_decisions_list_who_and_when() -> None:
    report = report_now()
    assert [(n.what, n.tier, n.recipients) for n in report.notifications] == [
        ("notified", 1, ("ana", "bo")),
        ("reminded", 1, ("ana", "bo")),
        ("notified", 2, ("lead",)),
    ]
    assert [(d.what, d.by) for d in report.decisions] == [
        ("asked for changes", "lead"),
        ("approved the statement", "lead"),
        ("resolved", "crisiswatch"),
        ("confirmed the review", "lead"),
    ]


def test_onset_peak_and_recovery_follow_the_buckets() -> None:
    report = report_now()
    assert report.onset == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert report.time_to_detect == (DETECTED + timedelta(minutes=3) - report.onset).total_seconds()
    assert report.peak is not None and report.peak.volume == 40
    assert report.recovered_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert (
        report.recovery_seconds == (report.recovered_at - (DETECTED + timedelta(minutes=3))).total_seconds()
    )
    before, during, after = report.periods
    assert before.negative_share == pytest.approx(0.25)
    assert report.baseline.negative_share == pytest.approx(0.25)
    assert during.mentions == 24 * 40
    assert during.negative_reach == 24 * 9000
    assert after.start == report.recovered_at
    assert report.crisis_types == [("product_safety", 24 * 5)]
    assert report.top_terms == [("glass", 9), ("recall", 4)]


def test_malformed_top_terms_are_left_out() -> None:
    broken = incident(explanation={"evidence": {"top_terms": [["glass", "many"], ["ok", 2], "x", None]}})
    assert build_report(IncidentRecord(broken, [], [], []), at(1)).top_terms == [("ok", 2)]


def test_sentiment_that_never_recovers_is_reported_as_such() -> None:
    series = [s for s in quiet_then_crisis() if s.bucket < datetime(2026, 3, 2, 11, 0, tzinfo=UTC)]
    report = build_report(IncidentRecord(incident(), AUDIT_TRAIL, [], series), at(60))
    assert report.recovered_at is None
    assert report.recovery_seconds is None
    assert [p.label for p in report.periods] == ["before", "during"]
    assert any("had not returned" in f.text and not f.worked for f in report.findings)


def test_findings_come_from_the_data() -> None:
    texts = {finding.text: finding.worked for finding in report_now().findings}
    assert (
        texts["social did not answer in time: check who is on call for it and their contact details."]
        is False
    )
    assert texts["The reminder to social got no answer before its time ran out."] is False
    assert texts["Legal review was on the checklist but never ticked."] is False
    assert any(text.startswith("The pre-approved statement was revised 1 time ") for text in texts)
    assert texts["The holding statement was out 31 min after the alert (within the first hour)."] is True
    assert any(text.startswith("1 step attempt failed") for text in texts)


def test_a_reminder_that_was_answered_counts_as_worked() -> None:
    trail = [
        AuditEntry(at(2), "tier.notified", "crisiswatch", {"tier": 1, "recipients": ["ana"]}),
        AuditEntry(at(8), "reminder.sent", "crisiswatch", {"tier": 1, "recipients": ["ana"]}),
        AuditEntry(at(10), "incident.acknowledged", "ana", {}),
    ]
    report = build_report(IncidentRecord(incident(), trail, [], quiet_then_crisis()), at(60))
    assert "The reminder to social worked: ana answered 2 min later." in [f.text for f in report.findings]


def test_markers_put_the_response_on_the_mentions_clock() -> None:
    report = report_now()
    markers = {marker.key: marker.at for marker in report.markers}
    detected = DETECTED + timedelta(minutes=3)
    assert markers["detected"] == detected
    assert markers["published"] == detected + timedelta(minutes=31)  # 31 drill seconds = 31 minutes


def test_execution_summary_counts_failures_waits_and_status() -> None:
    summary = summarize_execution(history())
    assert (summary.events, summary.status, summary.failed_attempts, summary.timed_out_waits) == (
        5,
        "SUCCEEDED",
        1,
        1,
    )
    assert summarize_execution([]).status == "UNKNOWN"
    assert summarize_execution(history()[:3]).status == "RUNNING"
    # Written by the execution's own last step: it says how it is ending.
    assert summarize_execution(history()[:3], "FAILED").status == "FAILED"
    assert summarize_execution(history()[:3], "bogus").status == "RUNNING"
    assert summarize_execution(history(), "FAILED").status == "SUCCEEDED"  # the history knows better


def test_an_incident_without_buckets_or_history_still_reports() -> None:
    report = build_report(IncidentRecord(incident(explanation={}), [], [], []), at(1))
    assert report.onset == DETECTED
    assert report.peak is not None and report.peak.volume == 0
    assert report.execution.status == "UNKNOWN"


def test_gaps_are_filled_with_empty_buckets() -> None:
    start = DETECTED
    series = fill_gaps([BucketStats(start + BUCKET, volume=3)], start, start + 3 * BUCKET)
    assert [s.volume for s in series] == [0, 3, 0, 0]


def test_onset_stops_at_fifteen_quiet_minutes() -> None:
    sign = {"product_safety": {"reddit": 1}}
    series = [BucketStats(DETECTED - i * BUCKET) for i in range(10, -1, -1)]
    series[0] = BucketStats(series[0].bucket, crisis_types=sign)  # 50 min before: too far back
    series[8] = BucketStats(series[8].bucket, crisis_types=sign)  # 10 min before
    assert find_onset(series, DETECTED, 0.5) == DETECTED - 2 * BUCKET


def test_recovery_needs_thirty_calm_minutes() -> None:
    series = [BucketStats(DETECTED + i * BUCKET, volume=10, negative=8, scored=10) for i in range(4)]
    series += [BucketStats(DETECTED + (4 + i) * BUCKET, volume=10, negative=1, scored=10) for i in range(4)]
    series += [BucketStats(DETECTED + (8 + i) * BUCKET, volume=10, negative=8, scored=10) for i in range(2)]
    series += [BucketStats(DETECTED + (10 + i) * BUCKET, volume=10, negative=1, scored=10) for i in range(12)]
    assert find_recovery(series, DETECTED, 0.1) == DETECTED + 10 * BUCKET


def test_durations_read_like_a_person_wrote_them() -> None:
    assert [format_duration(s) for s in (None, 0, 45, 60, 750, 3900, 47 * 3600, 7 * 86400 + 4 * 3600)] == [
        "—",
        "0 s",
        "45 s",
        "1 min",
        "12 min 30 s",
        "1 h 05 min",
        "47 h 00 min",
        "7 d 04 h",
    ]


def test_the_timeline_merges_both_sources_in_time_order() -> None:
    merged = merge(history(), AUDIT_TRAIL)
    assert [entry.at for entry in merged] == sorted(entry.at for entry in merged)
    assert {entry.origin for entry in merged} == {AUDIT, HISTORY}
    same_time = [entry for entry in merged if entry.at == at(17)]
    assert [entry.origin for entry in same_time] == [HISTORY, AUDIT]  # the cause before what it caused


def test_tokens_never_reach_a_timeline() -> None:
    assert redact({"taskToken": "abc", "nested": [{"secret_value": 1, "ok": 2}]}) == {
        "taskToken": "<redacted>",
        "nested": [{"secret_value": "<redacted>", "ok": 2}],
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"status": "open"}, "status must be one of"),
        ({"severity": "SEV9"}, "severity must be one of"),
        ({"from": "yesterday"}, "from must be a date"),
    ],
)
def test_filters_refuse_bad_values_with_a_clear_message(raw: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IncidentFilter.parse(raw)


def test_filters_match_status_severity_brand_and_days() -> None:
    wanted = IncidentFilter.parse(
        {"status": "Reviewed", "severity": "sev2", "brand": "northwind", "to": "2026-11-21"}
    )
    assert wanted.matches(incident())
    assert not wanted.matches(incident(severity=Severity.SEV1))
    assert not wanted.matches(incident(brand="Acme"))
    assert not IncidentFilter.parse({"from": "2026-11-22"}).matches(incident())
    assert IncidentFilter.parse({}).matches(incident())


def test_a_long_timeline_is_condensed_for_a_page_keeping_every_audit_entry() -> None:
    events = [HistoryEvent(n, at(n), "LambdaFunctionScheduled") for n in range(1, 3000)]
    events[10] = HistoryEvent(11, at(11), "TaskStateEntered", state="Check The Signals")
    merged = merge(events, AUDIT_TRAIL)
    shown, left_out = condense(merged, limit=100)
    assert left_out == len(merged) - len(shown)
    assert [e.kind for e in shown if e.origin == AUDIT] == [e.kind for e in AUDIT_TRAIL]
    assert [e.what for e in shown if e.origin == HISTORY] == ["Check The Signals"]
    assert condense(merged[:50], limit=100) == (merged[:50], 0)
    # Even the milestones are too many: the oldest and the newest halves stay.
    audit_only = merge([], [AuditEntry(at(n), "tier.notified", "crisiswatch") for n in range(300)])
    shown, left_out = condense(audit_only, limit=100)
    assert (len(shown), left_out) == (100, 200)
    assert shown[0] == audit_only[0] and shown[-1] == audit_only[-1]
