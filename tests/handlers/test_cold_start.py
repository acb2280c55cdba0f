"""What a function pays at cold start: heavy libraries load only in the functions that use them.

Each handler module is imported in a fresh interpreter, as Lambda would, and the modules it pulled in
are listed. pydantic (policy and watchlist validation), requests (source connectors), NLTK (VADER) and
fastText (language identification) each cost tens to hundreds of milliseconds; the other functions must
not pay for them on import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.builders.lambdas import ROOT

HEAVY = ("pydantic", "requests", "nltk", "fasttext", "fasttext_pybind")
PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


FUNCTIONS = sorted(path.name for path in (ROOT / "functions").iterdir() if (path / "app.py").is_file())
SOURCES_LAYER_USERS = {"fetch_source"}
"""The functions that carry the SourcesLayer (template.yaml): the others find no connector to import."""


def imported_by(function: str) -> set[str]:
    layers = [ROOT / "layers" / "core"]
    if function in SOURCES_LAYER_USERS:
        layers.append(ROOT / "layers" / "sources")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "functions" / function / "app.py")],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PYTHONPATH": os.pathsep.join(str(layer) for layer in layers),
            "POWERTOOLS_TRACE_DISABLED": "1",
            "PATH": "",
        },
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "function",
    [
        "start_escalation",
        "crisis_plan",
        "request_decision",
        "publish_statement",
        "action_links",
        "score_mentions",
    ],
)
def test_a_function_imports_no_heavy_library_it_does_not_need_at_start(function: str) -> None:
    assert imported_by(function) & set(HEAVY) == set()


@pytest.mark.parametrize("function", ["fetch_source", "fetch_mentions", "score_mentions"])
def test_language_identification_loads_on_the_first_text_not_at_init(function: str) -> None:
    # fastText and its model are paid for by the first mention to identify, never by an import.
    assert imported_by(function) & {"fasttext", "fasttext_pybind"} == set()


@pytest.mark.parametrize("function", ["score_mentions", "fetch_source", "start_escalation", "action_links"])
def test_boto3_loads_with_the_first_client_not_at_init(function: str) -> None:
    # The tables go through pynamodb (botocore alone); boto3, s3transfer and the multiprocessing they pull
    # in are paid for by a function's first client of another service or first secret, not by an import.
    assert imported_by(function) & {"boto3", "s3transfer"} == set()


@pytest.mark.parametrize("function", sorted(set(FUNCTIONS) - SOURCES_LAYER_USERS))
def test_only_fetch_source_loads_the_source_connectors(function: str) -> None:
    # The connectors, requests and feedparser ship in the SourcesLayer, which FetchSource alone carries:
    # the other handlers import without it on the path, and load none of them.
    assert imported_by(function) & {"crisiswatch_sources", "requests", "feedparser"} == set()


def test_the_sources_layer_carries_what_fetch_source_imports() -> None:
    assert "crisiswatch_sources" in imported_by("fetch_source")
