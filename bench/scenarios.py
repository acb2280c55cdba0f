"""Every replay scenario in scenarios/expected.toml through the embedded runtime: minutes from the first
crisis post to the incident, beside what the manifest expects.

Each scenario is replayed whole in a fresh runtime (no incident or baseline of one leaks into the next).
Per scenario it prints the expectation ("quiet", or "<= N min, any of <types>"), then the outcome:

* `N min (types)`: the first incident, minutes from the first crisis post to the end of the bucket it
  was detected in (the loop test's measure), and its crisis types;
* `opened BEFORE the crisis (N min early)`: a false alarm on the days of ordinary chatter;
* `not opened`: a crisis the pipeline missed;
* `quiet`: a benign file that opened nothing; `opened (benign!)`: one that opened an incident.

    PYTHONPATH=layers/core:ops:. .venv/bin/python -m bench.scenarios                 # all of them
    PYTHONPATH=layers/core:ops:. .venv/bin/python -m bench.scenarios kontora-konten  # some of them

A scenario takes one to several minutes of wall time (a tick per five minutes of scenario time).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from crisiswatch.domain.clock import BUCKET, bucket_start, parse_iso
from crisiswatch_ops.replay import ReplayFile, replay_on_runtime
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def manifest() -> list[dict[str, object]]:
    return list(tomllib.loads((SCENARIOS / "expected.toml").read_text(encoding="utf-8"))["scenario"])


@dataclass(frozen=True)
class Outcome:
    name: str
    expected: str
    got: str
    met: bool
    seconds: float


def expectation(entry: dict[str, object]) -> str:
    if entry["first_crisis"] == "quiet":
        return "quiet"
    types = ", ".join(str(kind) for kind in entry["crisis_types_any"])  # type: ignore[attr-defined]
    return f"<= {entry['opens_within_minutes']} min, any of {types}"


def run(entry: dict[str, object]) -> Outcome:
    path, brand = SCENARIOS / str(entry["file"]), str(entry["brand"])
    started = time.perf_counter()
    saved = dict(os.environ)
    with (
        tempfile.TemporaryDirectory() as scratch,
        LocalRuntime(
            ROOT,
            Path(scratch),
            RuntimeOptions(
                parameter_overrides={"WatchlistFile": "", "ScoreBatchingWindowSeconds": "0"},
                build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
                start_scheduler=False,
            ),
        ) as runtime,
    ):
        try:
            os.environ.update(runtime.environ())
            incidents = replay_on_runtime(runtime, ReplayFile.read(path, brand)).incidents
        finally:
            os.environ.clear()
            os.environ.update(saved)
    seconds = time.perf_counter() - started
    first = min(incidents, key=lambda incident: incident.detected_bucket) if incidents else None
    if entry["first_crisis"] == "quiet":
        if first is None:
            return Outcome(str(entry["name"]), expectation(entry), "quiet", True, seconds)
        types = ", ".join(first.crisis_types) or "no type"
        return Outcome(str(entry["name"]), expectation(entry), f"opened (benign!) ({types})", False, seconds)
    if first is None:
        return Outcome(str(entry["name"]), expectation(entry), "not opened", False, seconds)
    crisis = parse_iso(str(entry["first_crisis"]))
    minutes = (first.detected_bucket + BUCKET - bucket_start(crisis)) / timedelta(minutes=1)
    types = ", ".join(first.crisis_types) or "no type"
    if minutes <= 0:
        return Outcome(
            str(entry["name"]), expectation(entry), f"opened BEFORE the crisis ({-minutes:.0f} min early)",
            False, seconds,
        )  # fmt: skip
    met = minutes <= int(entry["opens_within_minutes"]) and bool(  # type: ignore[call-overload]
        set(entry["crisis_types_any"]) & set(first.crisis_types)  # type: ignore[call-overload]
    )
    return Outcome(str(entry["name"]), expectation(entry), f"{minutes:.0f} min ({types})", met, seconds)


def main(argv: list[str] | None = None) -> int:
    names = set(argv if argv is not None else sys.argv[1:])
    entries = [entry for entry in manifest() if not names or entry["name"] in names]
    print("Scenarios (scenarios/expected.toml), each replayed whole in a fresh embedded runtime")
    print("  set: held-out (`check`, never tuned against), tuned (written as held-out, then tuned on:")
    print("  its first run beside it), or dev (written before tuning, then tuned on)")
    print(f"{'scenario':22} {'set':9} {'expected':58} {'outcome':40} {'met':4} {'wall':>6}")
    met: dict[str, list[bool]] = {}
    for entry in entries:
        outcome = run(entry)
        group = "held-out" if entry.get("check") else "tuned" if entry.get("held_out_run") else "dev"
        met.setdefault(group, []).append(outcome.met)
        print(
            f"{outcome.name:22} {group:9} {outcome.expected:58} {outcome.got:40} "
            f"{'yes' if outcome.met else 'NO':4} {outcome.seconds:5.0f}s",
            flush=True,
        )
        if entry.get("held_out_run"):
            print(f"{'':32} first run, as held-out: {entry['held_out_run']}")
    for group, results in met.items():
        print(f"{group}: {sum(results)} of {len(results)} scenarios as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
