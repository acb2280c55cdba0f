"""Report figures: how long a long crisis takes to compile and render, and how much memory it needs.

A long crisis: three days of 5-minute buckets from six sources, an execution history of 6,000 events
read through `StepFunctionsHistory` in pages of 1,000 (as `GetExecutionHistory` returns them), 400 audit
entries. Each step is timed (median of 5) and compared, in the same run, with a reference: `json.dumps`
of the same records, the least any code must pay to touch every input once. Peak memory is measured
with tracemalloc. The dashboard's cold start (importing its handler from `sam build`'s output in fresh
interpreters) is measured like the other functions'.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crisiswatch.adapters.stepfunctions import StepFunctionsHistory
from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.detector import BucketStats
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident, IncidentRoute, IncidentStatus, RoutedRound
from crisiswatch.domain.review.report import IncidentRecord, build_report
from crisiswatch.domain.review.timeline import AuditEntry
from crisiswatch.web.dashboard import render_incident_page
from crisiswatch.web.report_files import report_files

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".aws-sam" / "build"
RUNS = 5
EVENTS = 6_000
AUDIT_ENTRIES = 400
DETECTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
OPENED = DETECTED + timedelta(minutes=4)
SOURCES = ("reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube")


class PagedHistory:
    """Stands in for the Step Functions client: pages of 1,000 events with a next token."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.events = events

    def get_execution_history(self, **request: Any) -> dict[str, Any]:
        start, size = int(request.get("nextToken", "0")), int(request["maxResults"])
        page: dict[str, Any] = {"events": self.events[start : start + size]}
        if start + size < len(self.events):
            page["nextToken"] = str(start + size)
        return page


def raw_events() -> list[dict[str, Any]]:
    events = []
    for number in range(1, EVENTS + 1):
        at = OPENED + timedelta(seconds=number * 20)
        if number % 3 == 0:
            events.append(
                {"id": number, "timestamp": at, "type": "TaskStateEntered",
                 "stateEnteredEventDetails": {"name": "Check The Signals", "input": "{}"}}
            )  # fmt: skip
        else:
            output = json.dumps({"calm": False, "checks": number, "cursor": {"phase": "monitor"}})
            details = {"resource": "invoke", "resourceType": "lambda", "output": output}
            events.append(
                {"id": number, "timestamp": at, "type": "TaskSucceeded", "taskSucceededEventDetails": details}
            )
    return events


def audit_trail() -> list[AuditEntry]:
    kinds = ["tier.notified", "reminder.sent", "tier.timed_out", "checklist.ticked", "decision.submitted"]
    return [
        AuditEntry(OPENED + timedelta(minutes=index), kinds[index % len(kinds)], "crisiswatch",
                   {"tier": 1 + index % 3, "recipients": ["ana", "bo", "cy"], "phase": "tiers"})
        for index in range(AUDIT_ENTRIES)
    ]  # fmt: skip


def buckets() -> list[BucketStats]:
    series = []
    moment = DETECTED - timedelta(hours=27)
    while moment <= DETECTED + timedelta(hours=48):
        hot = DETECTED <= moment < DETECTED + timedelta(hours=6)
        volume = 60 if hot else 5
        series.append(
            BucketStats(moment, volume=volume, negative=volume // (2 if hot else 6), scored=volume,
                        negative_reach=volume * 900, sources={source: volume // 6 for source in SOURCES},
                        crisis_types={"product_safety": {"reddit": 4}} if hot else {})
        )  # fmt: skip
        moment += BUCKET
    return series


def incident() -> Incident:
    return Incident(
        incident_id="inc-bench-20260302T1000Z",
        brand="Bench Coffee",
        severity=Severity.SEV1,
        opened_at=OPENED,
        detected_bucket=DETECTED,
        detected_at=DETECTED + timedelta(minutes=3),
        status=IncidentStatus.REVIEWED,
        summary="60 mentions in 5 min against 5.0 expected",
        crisis_types=("product_safety",),
        explanation={"expected": {"volume": 5.0, "negative": 0.8}, "signals": ["volume", "crisis_type"]},
        route=IncidentRoute((RoutedRound(("responders",), 900),), minute_seconds=60),
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:bench-escalation:x",
    )


def median_ms(step: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def dashboard_cold_start() -> float | None:
    folder = BUILD / "DashboardFunction"
    if not folder.is_dir():
        return None
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(folder), str(BUILD / "CoreLayer" / "python")]),
        "POWERTOOLS_SERVICE_NAME": "dashboard",
        "POWERTOOLS_METRICS_NAMESPACE": "CrisisWatch",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    probe = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", probe], env=env, cwd=folder, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(RUNS)
    ]
    return statistics.median(times) * 1000


def main() -> None:
    events, trail, series, subject = raw_events(), audit_trail(), buckets(), incident()
    sfn = PagedHistory(events)

    def read_history() -> list[Any]:
        return list(StepFunctionsHistory(sfn).events(subject.execution_arn or ""))

    history = read_history()

    def compile_report() -> object:
        return build_report(IncidentRecord(subject, trail, history, series), OPENED + timedelta(days=2))

    report = build_report(IncidentRecord(subject, trail, history, series), OPENED + timedelta(days=2))

    def reference() -> str:
        return json.dumps(
            [events, [vars(entry) for entry in trail], [vars(stats) for stats in series]], default=str
        )

    figures = {
        "read the history (6 pages)": median_ms(read_history),
        "compile the report": median_ms(compile_report),
        "render report files (HTML, MD, 2 SVG)": median_ms(lambda: report_files(report)),
        "render the incident page (condensed)": median_ms(
            lambda: render_incident_page(report, [], None, "../../dashboard")
        ),
    }
    reference_ms = median_ms(reference)
    tracemalloc.start()
    report_files(
        build_report(IncidentRecord(subject, trail, read_history(), series), OPENED + timedelta(days=2))
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    files = report_files(report)
    page = render_incident_page(report, [], None, "../../dashboard")

    print(f"Post-crisis report of a long crisis ({EVENTS:,} history events, {AUDIT_ENTRIES} audit entries, "
          f"{len(series)} buckets)")  # fmt: skip
    for label, value in figures.items():
        print(f"  {label:<40} median {value:8.1f} ms  ({value / reference_ms:4.1f}x the reference)")
    print(f"  {'reference: json.dumps of the records':<40} median {reference_ms:8.1f} ms")
    print(f"  {'whole report, read to written':<40} {sum(list(figures.values())[:3]):8.1f} ms "
          "(API Gateway allows 29 s; the writer's timeout is 60 s)")  # fmt: skip
    print(f"  peak memory while compiling and rendering: {peak / 2**20:.1f} MiB (Lambda has 512 MiB)")
    sizes = ", ".join(f"{name} {len(content) / 1024:.0f} KiB" for name, (content, _type) in files.items())
    print(
        f"  files: {sizes}; incident page {len(page.encode()) / 1024:.0f} KiB (Lambda returns at most 6 MB)"
    )
    cold = dashboard_cold_start()
    if cold is not None:
        print(f"  dashboard cold start (import of the handler, median of {RUNS}): {cold:.0f} ms")
    print()


if __name__ == "__main__":
    main()
