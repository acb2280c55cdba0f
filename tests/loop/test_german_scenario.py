"""A German brand's crisis in German, through the real pipeline: the quiet day (German chatter, some
English, mild complaints) opens nothing, and the listeria recall opens one incident early, for German
crisis types, with German evidence. Language tags come as each API gives them (some missing, some
wrong), so the pipeline has to read the language itself."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from crisiswatch.domain.clock import BUCKET, bucket_start, parse_iso
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
SCENARIO = ROOT / "scenarios" / "lindenhof-rueckruf.jsonl"
BRAND = "Lindenhof"
CRISIS_START = parse_iso("2026-05-12T08:00:00Z")
OPENS_WITHIN = timedelta(minutes=30)
"""From the first report (a parent on Mastodon at 08:00) to the bucket the incident is detected in."""
GERMAN_CRISIS_WORDS = {"listerien", "rückruf", "krankenhaus", "lebensmittelvergiftung", "fieber", "durchfall"}


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


def test_a_german_recall_opens_early_with_german_crisis_types_and_evidence(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    quiet = part(tmp_path, "quiet.jsonl", lambda item: parse_iso(item["created_at"]) < CRISIS_START)
    replay(runtime, quiet)
    assert incidents_of(BRAND) == [], "German chatter and mild complaints are no crisis"

    rest = part(
        tmp_path,
        "rest.jsonl",
        lambda item: parse_iso(item["created_at"]) >= CRISIS_START - timedelta(hours=1),
    )
    replay(runtime, rest)

    (incident,) = incidents_of(BRAND)
    assert incident.detected_bucket - bucket_start(CRISIS_START) <= OPENS_WITHIN - BUCKET
    assert {"legal_safety", "product_failure"} & set(incident.crisis_types)
    explanation = incident.explanation
    assert "crisis_type" in explanation["signals"]
    evidence = explanation["evidence"]
    terms = {term for term, _ in evidence["top_terms"]}
    assert terms & GERMAN_CRISIS_WORDS, terms
    assert evidence["crisis_posts"], "the reports behind the alert are named"
    posts = evidence["crisis_posts"]
    assert any(word in post["text"].lower() for post in posts for word in GERMAN_CRISIS_WORDS)
