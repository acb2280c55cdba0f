"""Every replay scenario in scenarios/expected.toml through the real pipeline, one embedded runtime each.

A crisis scenario is replayed in two parts: up to its first crisis post (which must open nothing: the
days of ordinary chatter are no crisis), then the rest from an hour before it (those lines are already
stored: deduplicated). Its first incident must be detected within the manifest's minutes of the first
crisis post, for one of the manifest's crisis types. A quiet scenario (a benign spike, an ordinary week)
is replayed whole and must open nothing.

The demo's Northwind recall and the German Lindenhof recall also check their evidence, as their own
tests did before they were folded in here.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from crisiswatch.domain.clock import BUCKET, bucket_start, parse_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident
from crisiswatch_ops.replay import ReplayFile, incidents_of, replay_on_runtime
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.stack import Stack

pytestmark = pytest.mark.runtime
ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
MANIFEST: list[dict[str, object]] = tomllib.loads((SCENARIOS / "expected.toml").read_text(encoding="utf-8"))[
    "scenario"
]
GERMAN_CRISIS_WORDS = {"listerien", "rückruf", "krankenhaus", "lebensmittelvergiftung", "fieber", "durchfall"}


@pytest.fixture
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """A fresh runtime per scenario: nothing of one scenario (incidents, baselines) leaks into the next."""
    saved = dict(os.environ)
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
        Stack(rt.stack_name, rt.outputs).bind()
        yield rt
    os.environ.clear()
    os.environ.update(saved)


def replay(runtime: LocalRuntime, path: Path, brand: str) -> None:
    replay_on_runtime(runtime, ReplayFile.read(path, brand))


def part(source: Path, target: Path, keep: Callable[[dict[str, object]], bool]) -> Path:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if keep(json.loads(line))]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def northwind_evidence(incidents: list[Incident]) -> None:
    (incident,) = incidents
    assert incident.severity in (Severity.SEV1, Severity.SEV2)
    explanation = incident.explanation
    assert "crisis_type" in explanation["signals"]
    assert explanation["baseline_window"]["buckets_seen"] > 288
    evidence = explanation["evidence"]
    assert any(term == "glass" for term, _ in evidence["top_terms"])
    assert evidence["crisis_posts"], "the reports behind the alert are named"
    assert all("glass" in post["text"].lower() for post in evidence["crisis_posts"])


def lindenhof_evidence(incidents: list[Incident]) -> None:
    """German crisis types with German evidence: the quoted reports are German."""
    (incident,) = incidents
    explanation = incident.explanation
    assert "crisis_type" in explanation["signals"]
    evidence = explanation["evidence"]
    terms = {term for term, _ in evidence["top_terms"]}
    assert terms & GERMAN_CRISIS_WORDS, terms
    assert evidence["crisis_posts"], "the reports behind the alert are named"
    quoted = " ".join(post["text"].lower() for post in evidence["crisis_posts"])
    assert any(word in quoted for word in GERMAN_CRISIS_WORDS), quoted
    assert "de" in {post["lang"] for post in evidence["crisis_posts"]}


EVIDENCE: dict[str, Callable[[list[Incident]], None]] = {
    "cafe-recall": northwind_evidence,
    "lindenhof-rueckruf": lindenhof_evidence,
}


def _case(entry: dict[str, object]) -> object:
    """A scenario the detector does not handle yet is a known gap: expected to fail, strictly. Each
    replay takes minutes: `make test` replays the two recalls, `make scenarios` every scenario."""
    marks: list[pytest.MarkDecorator] = []
    if entry["name"] not in EVIDENCE:
        marks.append(pytest.mark.scenario)
    if "gap" in entry:
        marks += [pytest.mark.scenario_gap, pytest.mark.xfail(strict=True, reason=str(entry["gap"]))]
    return pytest.param(entry, id=str(entry["name"]), marks=marks)


@pytest.mark.parametrize("entry", [_case(entry) for entry in MANIFEST])
def test_the_scenario_opens_what_its_manifest_expects(
    entry: dict[str, object], runtime: LocalRuntime, tmp_path: Path
) -> None:
    path, brand = SCENARIOS / str(entry["file"]), str(entry["brand"])
    if entry["first_crisis"] == "quiet":
        replay(runtime, path, brand)
        opened = [(incident.detected_bucket, incident.crisis_types) for incident in incidents_of(brand)]
        assert opened == [], f"{entry['name']} is benign, yet opened {opened}"
        return

    first = parse_iso(str(entry["first_crisis"]))
    assert ReplayFile.read(path, brand).first_crisis_at == first
    replay(
        runtime,
        part(path, tmp_path / "before.jsonl", lambda item: parse_iso(item["created_at"]) < first),
        brand,
    )  # type: ignore[arg-type]
    opened = [(incident.detected_bucket, incident.crisis_types) for incident in incidents_of(brand)]
    assert opened == [], f"ordinary chatter before the first crisis post opened {opened}"

    rest = part(
        path,
        tmp_path / "rest.jsonl",
        lambda item: parse_iso(item["created_at"]) >= first - timedelta(hours=1),
    )  # type: ignore[arg-type]
    replay(runtime, rest, brand)
    incidents = incidents_of(brand)
    assert incidents, f"no incident for {brand} after the first crisis post at {entry['first_crisis']}"
    incident = min(incidents, key=lambda incident: incident.detected_bucket)
    within = timedelta(minutes=int(entry["opens_within_minutes"]))  # type: ignore[call-overload]
    late = incident.detected_bucket - bucket_start(first)
    assert late <= within - BUCKET, (
        f"detected in the bucket {late} after the first crisis post's, not within {within}"
    )
    expected_types = set(entry["crisis_types_any"])  # type: ignore[call-overload]
    assert expected_types & set(incident.crisis_types), (incident.crisis_types, expected_types)
    if check := EVIDENCE.get(str(entry["name"])):
        check(incidents)
