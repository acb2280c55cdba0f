"""The post-crisis report's figures equal what the records say, computed here without the report code.

Same runtime and crisis as the page tests (`conftest.py`). The report is compiled in-process from the
stack's stores, as the dashboard does; the files are the ones the state machine wrote to S3 as the
incident ended. Expected values come from the audit trail and the raw execution history alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.review.report import PostCrisisReport, format_duration
from crisiswatch.usecases.reporting import compile_report
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack
from tests.builders.browser import (
    APPROVER,
    DECISION_KINDS,
    MILESTONE_KINDS,
    NOTIFICATION_KINDS,
    REVIEW_NOTE,
    SCALE,
    Crisis,
    Records,
)

pytestmark = pytest.mark.runtime
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report(runtime: LocalRuntime, crisis: Crisis, records: Records) -> PostCrisisReport:
    # The stack's own stores through the composition root, with the runtime's clients: as the CLI reads.
    stack = Stack(runtime.stack_name, runtime.outputs, make_client=runtime.client)
    return compile_report(crisis.incident_id, stack.services(), utc_now())


def stored(runtime: LocalRuntime, stack: Stack, crisis: Crisis, name: str) -> str:
    body = runtime.client("s3").get_object(
        Bucket=stack.output("ReportsBucketName"), Key=f"reports/{crisis.incident_id}/{name}"
    )["Body"]
    return str(body.read().decode("utf-8"))


def seconds_text(records: Records, key: str) -> str:
    return format_duration(records.seconds(records.milestone(key).at))


def second(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def expected_markers(records: Records) -> dict[str, datetime]:
    """The alert at the detection's newest mention; each response moment as many policy seconds after it
    as it came after the opening."""
    detected = records.incident.detected_at or records.incident.detected_bucket
    moments = {"detected": detected}
    for key in ("notified", "approved", "published", "resolved"):
        moments[key] = detected + timedelta(seconds=records.seconds(records.milestone(key).at))
    return moments


def test_the_milestones_are_the_first_audit_entries_of_their_kind(
    report: PostCrisisReport, records: Records
) -> None:
    assert report.time_scale == SCALE == 1.0
    assert [item.key for item in report.milestones] == ["detected", *MILESTONE_KINDS]
    alert = report.milestone("detected")
    assert (alert.at, alert.seconds, alert.by) == (records.incident.opened_at, 0.0, "detector")
    for key in MILESTONE_KINDS:
        entry = records.milestone(key)
        expected = (entry.at - records.incident.opened_at).total_seconds() * SCALE
        milestone = report.milestone(key)
        assert milestone.at == entry.at, key
        assert milestone.seconds == pytest.approx(expected, abs=1e-6), key
        assert milestone.by == entry.actor, key
    assert report.milestone("approved").by == report.milestone("reviewed").by == APPROVER
    assert report.milestone("acknowledged").at == report.milestone("approved").at, (
        "the approval was the first answer from a person"
    )
    assert report.milestone("resolved").by == "crisiswatch", "calm resolved it, nobody pressed resolve"
    seconds = [item.seconds for item in report.milestones if item.seconds is not None]
    assert len(seconds) == len(report.milestones), "every milestone happened"
    assert seconds == sorted(seconds), "told, answered, approved, published, resolved, reviewed in turn"


def test_who_was_told_is_every_notification_in_the_audit_trail(
    report: PostCrisisReport, records: Records
) -> None:
    told = [entry for entry in records.audit if entry.kind in NOTIFICATION_KINDS]
    assert [(n.at, n.recipients, n.tier, n.phase) for n in report.notifications] == [
        (
            entry.at,
            tuple(entry.detail["recipients"]),
            int(entry.detail.get("tier") or 0),
            entry.detail["phase"],
        )
        for entry in told
    ]
    for notice, entry in zip(report.notifications, told, strict=True):
        assert notice.seconds == pytest.approx(records.seconds(entry.at), abs=1e-6)
    assert told[0].kind == "tier.notified" and {"r1", "r2"} <= set(told[0].detail["recipients"])
    assert (told[-1].kind, told[-1].detail["recipients"]) == ("review.requested", [APPROVER])
    assert [notice.what for notice in report.notifications].count("asked for the review") == 1


def test_the_decisions_are_the_people_and_the_flow_that_decided(
    report: PostCrisisReport, records: Records
) -> None:
    decided = [entry for entry in records.audit if entry.kind in DECISION_KINDS]
    assert [entry.kind for entry in decided] == ["statement.approved", "incident.resolved", "review.done"]
    assert [(d.at, d.by) for d in report.decisions] == [(entry.at, entry.actor) for entry in decided]
    for made, entry in zip(report.decisions, decided, strict=True):
        assert made.seconds == pytest.approx(records.seconds(entry.at), abs=1e-6)
    assert [d.by for d in report.decisions] == [APPROVER, "crisiswatch", APPROVER]
    assert report.decisions[-1].detail == REVIEW_NOTE
    assert report.decisions[0].detail.startswith(str(records.incident.statement.draft.key))  # type: ignore[union-attr]


def test_the_execution_summary_counts_every_event_of_the_history(
    report: PostCrisisReport, records: Records
) -> None:
    ids = [event["id"] for event in records.history]
    assert ids == list(range(1, len(ids) + 1)), "every page, no event twice"
    types = [event["type"] for event in records.history]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    assert records.execution_status == "SUCCEEDED"
    assert report.execution.events == len(records.history)
    assert report.execution.status == "SUCCEEDED"
    assert report.execution.timed_out_waits == types.count("TaskTimedOut")
    assert report.execution.failed_attempts == types.count("TaskFailed") + types.count("LambdaFunctionFailed")
    assert len(report.timeline) == len(records.history) + len(records.audit)


def test_the_markers_put_the_response_on_the_mentions_clock(
    report: PostCrisisReport, records: Records
) -> None:
    assert {marker.key: marker.at for marker in report.markers} == expected_markers(records)


def test_the_stored_markdown_states_the_figures(
    runtime: LocalRuntime, stack: Stack, crisis: Crisis, records: Records, report: PostCrisisReport
) -> None:
    markdown = stored(runtime, stack, crisis, "report.md")
    figures = markdown.split("## Response figures", 1)[1].split("## Execution", 1)[0]
    assert f"| Alert raised | {second(records.incident.opened_at)} | 0 s | detector |" in figures
    for key in MILESTONE_KINDS:
        entry = records.milestone(key)
        label = report.milestone(key).label
        row = f"| {label} | {second(entry.at)} | {seconds_text(records, key)} | {entry.actor} |"
        assert row in figures, f"{key}: {row!r} not in the stored report"
    assert f"Approved by **{APPROVER}** at {second(records.milestone('approved').at)}." in markdown
    assert f"| {APPROVER} | approved the statement |" in markdown
    assert "![Mentions per 5 minutes against the volume expected](volume.svg)" in markdown
    assert (
        "![Share of negative mentions against the usual share, and their reach](negativity.svg)" in markdown
    )


def test_the_stored_html_states_the_same_figures(
    runtime: LocalRuntime, stack: Stack, crisis: Crisis, records: Records
) -> None:
    page = stored(runtime, stack, crisis, "report.html")
    rows = dict(re.findall(r'<tr class="milestone" id="milestone-(\w+)">(.*?)</tr>', page, flags=re.S))
    assert set(rows) == {"detected", *MILESTONE_KINDS}
    for key in MILESTONE_KINDS:
        entry = records.milestone(key)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[key], flags=re.S)
        assert cells[1:] == [second(entry.at), seconds_text(records, key), entry.actor], key
    assert f"Approved by <strong>{APPROVER}</strong>" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2, "both charts inline"


@pytest.mark.parametrize("name", ["volume.svg", "negativity.svg"])
def test_the_stored_charts_are_svg_with_the_response_marked(
    runtime: LocalRuntime, stack: Stack, crisis: Crisis, records: Records, name: str
) -> None:
    root = ET.fromstring(stored(runtime, stack, crisis, name))
    assert root.tag == f"{SVG}svg"
    assert root.get("id") == f"chart-{name.removesuffix('.svg')}"
    assert records.incident.brand in (root.findtext(f"{SVG}title") or "")
    markers = {
        group.get("class", "").split()[1].removeprefix("marker-"): group.get("data-at")
        for group in root.iter(f"{SVG}g")
        if "marker" in group.get("class", "").split()
    }
    expected = {
        key: at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for key, at in expected_markers(records).items()
    }
    assert markers == expected
    assert list(root.iter(f"{SVG}polyline")), "a plotted series"
