"""Every scenario in scenarios/expected.toml: its generator writes the committed file byte for byte, and
the file's labels agree with the manifest (the first crisis line, or none in a quiet one)."""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
MANIFEST = tomllib.loads((SCENARIOS / "expected.toml").read_text(encoding="utf-8"))["scenario"]


def load(generator: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"scenario_{Path(generator).stem}", SCENARIOS / generator)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda entry: entry["name"])
def test_the_generator_writes_the_committed_file_byte_for_byte(
    entry: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = (SCENARIOS / str(entry["file"])).read_bytes()
    module = load(str(entry["generator"]))
    if hasattr(module, "SCENARIO"):  # built with the kit
        assert module.SCENARIO.name == entry["name"]
        assert module.SCENARIO.brand == entry["brand"]
        assert module.SCENARIO.render().encode("utf-8") == committed
    else:  # the original cafe-recall generator
        target = tmp_path / "regenerated.jsonl"
        assert module.main(["--output", str(target)]) == 0
        assert target.read_bytes() == committed


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda entry: entry["name"])
def test_the_labels_agree_with_the_manifest(entry: dict[str, object]) -> None:
    lines = [json.loads(line) for line in (SCENARIOS / str(entry["file"])).read_text("utf-8").splitlines()]
    crisis = [line["created_at"] for line in lines if line.get("crisis") is True]
    if entry["first_crisis"] == "quiet":
        assert crisis == []
        assert "opens_within_minutes" not in entry
    else:
        assert min(crisis) == entry["first_crisis"]
        assert isinstance(entry["opens_within_minutes"], int)
        assert entry["crisis_types_any"]
    languages = {line.get("lang_truth") or line.get("lang") for line in lines}
    assert set(entry["languages"]) <= languages  # type: ignore[arg-type]


def test_every_scenario_file_is_in_the_manifest() -> None:
    assert {path.name for path in SCENARIOS.glob("*.jsonl")} == {entry["file"] for entry in MANIFEST}
