"""`crisiswatch replay --local` on the embedded runtime: a synthetic burst replayed through schedule ->
fetch -> stream -> score opens its incident, and the replay's account of it (JSON and text) carries the
detector's explanation and the severity it was opened with, read back from the incident and its trail.

Nothing here is timed: the replay settles each tick before the next, and every wait only bounds a hang."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from crisiswatch_ops import views
from crisiswatch_ops.replay import ReplayFile, replay_on_runtime
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.synthetic import burst_scenario, write_jsonl

pytestmark = pytest.mark.runtime
ROOT = Path(__file__).resolve().parents[2]
BRAND = "Replay Account Co"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    saved = dict(os.environ)
    try:
        with LocalRuntime(
            ROOT,
            tmp_path_factory.mktemp("runtime"),
            RuntimeOptions(
                parameter_overrides={"WatchlistFile": "", "ScoreBatchingWindowSeconds": "0"},
                build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
                start_scheduler=False,
            ),
        ) as rt:
            os.environ.update(rt.environ())
            yield rt
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_replayed_burst_is_accounted_for_in_full(runtime: LocalRuntime, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "burst.jsonl", burst_scenario(BRAND, datetime(2026, 4, 6, 8, tzinfo=UTC)))
    report = replay_on_runtime(runtime, ReplayFile.read(path, BRAND))
    document = json.loads(json.dumps(report.as_json()))

    assert document["scenario"]["brand"] == BRAND and document["clock"]["ticks"] > 0
    [incident] = document["incidents"]
    assert incident["times"]["first_crisis_post"] is not None
    assert incident["times"]["minutes_from_first_crisis_post"] is not None
    opened = incident["severity_history"][0]
    assert opened["kind"] == "incident.opened" and opened["to"] == incident["severity"], (
        "the opening severity is read from the audit trail"
    )
    explanation = incident["explanation"]
    assert explanation["signals"] and explanation["volume"]["observed"] >= 1
    assert explanation["volume"]["threshold"] is not None and explanation["notable_posts"]
    assert {post["source"] for post in explanation["notable_posts"]} <= {"mastodon", "bluesky", "reddit"}

    console = Console(file=io.StringIO(), width=160, color_system=None)
    for part in views.replay_summary(document):
        console.print(part)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert incident["incident_id"] in output and "Notable posts" in output and "Signals fired" in output
