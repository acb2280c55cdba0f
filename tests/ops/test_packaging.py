"""The managers' CLI works without the `local` extra (moto, SAM's translator): what a manager installs to
follow incidents against production must not pull in the embedded runtime."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from crisiswatch_ops.cli import LOCAL_EXTRA
from crisiswatch_ops.stream_records import EventFilter

ROOT = Path(__file__).resolve().parents[2]

MANAGERS_MODULES = (
    "crisiswatch_ops.cli",
    "crisiswatch_ops.stack",
    "crisiswatch_ops.views",
    "crisiswatch_ops.problems",
    "crisiswatch_ops.files",
    "crisiswatch_ops.pages",
    "crisiswatch_ops.contacts",
    "crisiswatch_ops.redrive",
    "crisiswatch_ops.stream_records",
    "crisiswatch_ops.replay",
    "crisiswatch_ops.analysis",
    "crisiswatch.web.report_files",
)

# Runs in a fresh interpreter: a finder first on sys.meta_path refuses every module of the local extra,
# as if it were not installed.
PROBE = textwrap.dedent(
    """
    import importlib, io, json, sys
    from contextlib import redirect_stderr

    BLOCKED = set(json.loads(sys.argv[1]))

    class NotInstalled:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    for module in json.loads(sys.argv[2]):
        importlib.import_module(module)
    from crisiswatch_ops.cli import main
    from crisiswatch_ops.stream_records import EventFilter

    inserts = EventFilter.of({"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]})
    errors = io.StringIO()
    with redirect_stderr(errors):
        demo = main(["demo", "--no-build"])
    print(json.dumps({
        "loaded": sorted({name.split(".")[0] for name in sys.modules} & BLOCKED),
        "filter": [inserts.matches({"eventName": "INSERT"}), inserts.matches({"eventName": "MODIFY"})],
        "demo": demo,
        "demo_says": errors.getvalue(),
    }))
    """
)


def test_the_managers_cli_imports_and_runs_without_the_local_extra() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(sorted(LOCAL_EXTRA)), json.dumps(MANAGERS_MODULES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["loaded"] == []
    assert result["filter"] == [True, False]  # redrive filters records like the mapping, without moto
    # A local command explains what is missing instead of a traceback.
    assert result["demo"] == 2
    assert "crisiswatch[local]" in result["demo_says"]
    assert "Traceback" not in result["demo_says"]


RECORD: Any = {
    "eventName": "INSERT",
    "eventSource": "aws:dynamodb",
    "dynamodb": {"Keys": {"incident_id": {"S": "inc-1"}}, "StreamViewType": "NEW_IMAGE"},
    "tags": ["a", "b"],
}


@pytest.mark.parametrize(
    "pattern",
    [
        {"eventName": ["INSERT"]},
        {"eventName": ["MODIFY", "REMOVE"]},
        {"eventName": ["INSERT"], "eventSource": ["aws:dynamodb"]},
        {"dynamodb": {"StreamViewType": ["NEW_IMAGE"]}},
        {"dynamodb": {"StreamViewType": ["KEYS_ONLY"]}},
        {"dynamodb": {"Keys": {"incident_id": {"S": ["inc-1"]}}}},
        {"dynamodb": ["NEW_IMAGE"]},
        {"missing": ["x"]},
        {"tags": ["b"]},
        {"tags": ["c"]},
    ],
)
def test_plain_patterns_match_as_eventbridge_matches_them(pattern: dict[str, object]) -> None:
    text = json.dumps(pattern)
    assert EventFilter((text,)).matches(RECORD) == EventPattern.load(text).matches_event(RECORD)


def test_a_content_filter_goes_to_eventbridges_matcher() -> None:
    prefix = EventFilter((json.dumps({"eventName": [{"prefix": "INS"}]}),))
    assert prefix.matches(RECORD)
    assert not prefix.matches({**RECORD, "eventName": "MODIFY"})


def test_every_package_of_the_three_is_installed() -> None:
    # setuptools installs only the packages pyproject.toml lists: a new folder left out works from the
    # repository and fails after `pip install` (as config_files/ would have for `crisiswatch contacts`).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    folders = project["tool"]["setuptools"]["package-dir"]
    found = {
        ".".join((name, *init.parent.relative_to(ROOT / folder).parts))
        for name, folder in folders.items()
        for init in (ROOT / folder).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found == listed
