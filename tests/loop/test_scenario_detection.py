"""The demo's scenario through the real pipeline: the quiet day opens nothing, and the recall opens its
incident within two buckets of the first crisis mention, for a crisis type, with its evidence."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from crisiswatch.domain.clock import BUCKET, bucket_start, parse_iso
from crisiswatch.domain.incidents import Severity
from crisiswatch_ops.replay import (
    ReplayFile,
    drive_schedule,
    incidents_of,
    scenario_clock_start,
    tick_and_settle,
    upload,
)
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack

pytestmark = pytest.mark.runtime
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "cafe-recall.jsonl"
BRAND = "Northwind Coffee"
CRISIS_START = parse_iso("2026-03-02T10:00:00Z")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    saved = dict(os.environ)
    with LocalRuntime(
        ROOT,
        tmp_path_factory.mktemp("runtime"),
        parameter_overrides={"WatchlistFile": "", "ScoreBatchingWindowSeconds": "0"},
        build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
        start_scheduler=False,
    ) as rt:
        os.environ.update(rt.environ())
        Stack(rt.stack_name, rt.outputs).bind()
        yield rt
    os.environ.clear()
    os.environ.update(saved)


def replay(runtime: LocalRuntime, path: Path) -> None:
    file = ReplayFile.read(path, BRAND)
    clock = scenario_clock_start(file)
    stack = Stack(runtime.stack_name, runtime.outputs)
    upload(runtime.client("s3"), stack.output("ReplayBucketName"), file, clock, speed=1.0)
    drive_schedule(lambda moment: tick_and_settle(runtime, moment), file, clock, timedelta(minutes=5))


def part(tmp_path: Path, name: str, keep: object) -> Path:
    lines = [line for line in SCENARIO.read_text(encoding="utf-8").splitlines() if keep(json.loads(line))]  # type: ignore[operator]
    target = tmp_path / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_the_quiet_day_opens_nothing_and_the_recall_opens_one_incident_early(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    quiet = part(tmp_path, "quiet.jsonl", lambda item: parse_iso(item["created_at"]) < CRISIS_START)
    replay(runtime, quiet)
    assert incidents_of(BRAND) == [], "a quiet day of ordinary chatter and mild complaints is no crisis"

    # The rest of the story, from an hour before the crisis (those lines are already stored: deduplicated).
    rest = part(
        tmp_path,
        "rest.jsonl",
        lambda item: parse_iso(item["created_at"]) >= CRISIS_START - timedelta(hours=1),
    )
    replay(runtime, rest)

    (incident,) = incidents_of(BRAND)
    assert incident.detected_bucket - bucket_start(CRISIS_START) <= 2 * BUCKET
    assert incident.severity in (Severity.SEV1, Severity.SEV2)
    assert "legal_safety" in incident.crisis_types or "product_failure" in incident.crisis_types
    explanation = incident.explanation
    assert "crisis_type" in explanation["signals"]
    assert explanation["baseline_window"]["buckets_seen"] > 288
    evidence = explanation["evidence"]
    assert any(term == "glass" for term, _ in evidence["top_terms"])
    assert evidence["crisis_posts"], "the reports behind the alert are named"
    assert all("glass" in post["text"].lower() for post in evidence["crisis_posts"])
