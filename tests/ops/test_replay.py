"""`crisiswatch replay`: what it says about each incident, for people and as one JSON document, and how it
turns away a scenario file it cannot read. The replay itself is stubbed here (a hand-made report); the
embedded-runtime test is in test_replay_runtime.py."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.review.timeline import AuditEntry
from crisiswatch_ops import cli, views
from crisiswatch_ops.replay import ReplayFile, ReplayReport, incident_account

BRAND = "Northwind Coffee"
BUCKET = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
OPENED = datetime(2026, 12, 7, 18, 40, tzinfo=UTC)
HOSTILE_AUTHOR = "[bold red]admin[/bold red]"
HOSTILE_TEXT = "found glass\x1b[2J in my\ncold brew \u202eesrever"
EXPLANATION: dict[str, Any] = {
    "bucket": "2026-03-02T10:05:00Z",
    "signals": ["volume", "negativity", "spread", "crisis_type"],
    "observed": {
        "volume": 42,
        "negative": 17,
        "negative_share": 0.405,
        "negative_reach": 120_000,
        "sources": {"reddit": 20, "bluesky": 22},
        "crisis_types": {"product_safety": 9},
    },
    "expected": {"volume": 4.2, "negative": 0.8},
    "scores": {"volume": 0.913, "negative": 0.771},
    "threshold": {
        "anomaly_score": 0.5,
        "crisis_type_p_value": 0.001,
        "sources_surging": 2,
        "source_ratio": 3.0,
    },
    "sources_above_baseline": {
        "reddit": {"observed": 20, "expected": 1.5},
        "bluesky": {"observed": 22, "expected": 2.25},
    },
    "crisis_types": {
        "product_safety": {
            "observed": 9,
            "expected": 0.0417,
            "p_value": 1.2e-15,
            "sources": {"reddit": 5, "bluesky": 4},
            "weight": 3,
        }
    },
    "evidence": {
        "top_terms": [["glass", 7], ["recall", 5]],
        "crisis_posts": [
            {
                "mention_id": "m1",
                "created_at": "2026-03-02T10:04:00Z",
                "source": "reddit",
                "author": HOSTILE_AUTHOR,
                "reach": 12_000,
                "sentiment": -0.2,
                "crisis_types": ["product_safety"],
                "lang": "en",
                "url": "https://example.com/m1",
                "text": HOSTILE_TEXT,
            }
        ],
        "negative_posts": [
            {
                "mention_id": "m2",
                "created_at": "2026-03-02T10:03:00Z",
                "source": "bluesky",
                "author": "kaffee.bsky.social",
                "reach": 880,
                "sentiment": -0.8,
                "crisis_types": [],
                "lang": "de",
                "url": None,
                "text": "Nie wieder Northwind",
            }
        ],
    },
}


def make_incident(**changes: Any) -> Incident:
    fields: dict[str, Any] = {
        "incident_id": "inc-northwind-coffee-20260302T1005Z",
        "brand": BRAND,
        "severity": Severity.SEV1,
        "opened_at": OPENED,
        "detected_bucket": BUCKET,
        "detected_at": datetime(2026, 3, 2, 10, 8, 30, tzinfo=UTC),
        "summary": "42 mentions in 5 min against 4.2 expected",
        "explanation": EXPLANATION,
        "crisis_types": ("product_safety",),
    }
    return Incident(**{**fields, **changes})


TRAIL = [
    AuditEntry(OPENED, "incident.opened", "detector", {"severity": "SEV2", "summary": "opened as a watch"}),
    AuditEntry(OPENED, "escalation.started", "system", {"execution_arn": "arn:x"}),
    AuditEntry(
        OPENED.replace(minute=45),
        "incident.severity_changed",
        "detector",
        {"from": "SEV2", "to": "SEV1", "reason": "negative reach passed 100,000"},
    ),
    AuditEntry(
        OPENED.replace(minute=50), "incident.regraded", "comms_lead", {"previous": "SEV1", "new": "SEV1"}
    ),
    AuditEntry(OPENED.replace(minute=55), "incident.escalated", "casey", {"note": "SEV1 now?"}),
]


def replay_file(path: Path = Path("scenarios/cafe-recall.jsonl")) -> ReplayFile:
    return ReplayFile(
        path,
        BRAND,
        valid=400,
        invalid=[],
        first_at=datetime(2026, 3, 1, 8, 4, 6, tzinfo=UTC),
        last_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        first_crisis_at=datetime(2026, 3, 2, 10, 0, 12, tzinfo=UTC),
    )


def make_report(replay: ReplayFile, *incidents: Incident) -> ReplayReport:
    return ReplayReport(
        replay,
        ticks=340,
        last_tick=datetime(2026, 3, 2, 12, 10, tzinfo=UTC),
        wall_seconds=61.2,
        incidents=list(incidents),
        trails={incident.incident_id: TRAIL for incident in incidents},
        clock_start=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    )


def render(parts: list[Any], width: int = 160) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    for part in parts:
        console.print(part)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_the_account_of_an_incident_carries_every_part_of_the_explanation() -> None:
    account = incident_account(make_incident(), TRAIL, replay_file())
    times = account["times"]
    assert (
        times["first_crisis_post"] == "2026-03-02T10:00:12Z"
        and times["detected_bucket"] == "2026-03-02T10:05:00Z"
    )
    assert times["minutes_from_first_crisis_post"] == 8.3 and times["buckets_after_crisis_bucket"] == 1
    assert [(change["from"], change["to"]) for change in account["severity_history"]] == [
        (None, "SEV2"),
        ("SEV2", "SEV1"),
        ("SEV1", "SEV1"),
    ]
    assert account["severity_history"][1]["reason"] == "negative reach passed 100,000"
    explanation = account["explanation"]
    assert explanation["volume"] == {
        "fired": True,
        "observed": 42,
        "expected": 4.2,
        "anomaly_score": 0.913,
        "threshold": 0.5,
    }
    assert (
        explanation["negativity"]["anomaly_score"] == 0.771 and explanation["negativity"]["reach"] == 120_000
    )
    [crisis_type] = explanation["crisis_types"]
    assert crisis_type["type"] == "product_safety" and crisis_type["p_value"] == 1.2e-15
    assert crisis_type["sources"] == {"bluesky": 4, "reddit": 5} and crisis_type["usual"] == 0.0417
    assert [row["source"] for row in explanation["sources_above_baseline"]] == ["bluesky", "reddit"]
    assert explanation["top_terms"] == [{"term": "glass", "count": 7}, {"term": "recall", "count": 5}]
    assert [(post["kind"], post["lang"]) for post in explanation["notable_posts"]] == [
        ("crisis", "en"),
        ("negative", "de"),
    ]


def test_people_see_every_section_and_hostile_text_as_text() -> None:
    document = make_report(replay_file(), make_incident()).as_json()
    output = render(views.replay_summary(document))
    for heading in (
        "Times",
        "Severity",
        "Signals fired",
        "Crisis types",
        "Sources above baseline",
        "Top terms",
        "Notable posts",
    ):
        assert heading in output
    for figure in ("2026-03-02 10:00:12 UTC", "8.3 min after the first crisis post", "SEV2 -> SEV1", "0.913"):
        assert figure in output
    assert "negative reach passed 100,000" in output and "1.2e-15" in output and "glass (7)" in output
    assert "kaffee.bsky.social" in output and "12,000" in output
    # Markup in a post stays as typed; control characters are shown, never sent to the terminal.
    assert HOSTILE_AUTHOR in output
    assert "\x1b" not in output and "\u202e" not in output
    assert "\\u001b[2J" in output and "\\u202e" in output
    assert "{" not in output.replace("\\u", ""), "no JSON dumped at people"


def test_missing_fields_are_tolerated() -> None:
    bare = make_incident(explanation={}, detected_at=None, summary="", crisis_types=())
    account = incident_account(bare, [], None)
    assert account["severity_history"] == [
        {
            "at": "2026-12-07T18:40:00Z",
            "kind": "incident.opened",
            "actor": "detector",
            "from": None,
            "to": "SEV1",
            "reason": None,
        }
    ]
    assert account["times"]["minutes_from_first_post"] is None
    assert account["explanation"]["crisis_types"] == [] and account["explanation"]["notable_posts"] == []
    output = render(views.replay_incident(account))
    assert "none recorded" in output and "Notable posts" in output
    # Half-filled records (older incidents, other detectors) print too.
    partial = {
        "incident_id": "x",
        "explanation": {"crisis_types": [{"type": "recall"}], "notable_posts": [{}]},
    }
    assert "recall" in render(views.replay_incident(partial))


def write_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.jsonl"
    line = {"source": "reddit", "id": "a", "created_at": "2026-03-02T10:00:00Z", "author": "x", "text": "hi"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_json_is_one_document_with_every_incident_and_its_explanation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_scenario(tmp_path)
    second = make_incident(
        incident_id="inc-northwind-coffee-20260302T1200Z", detected_bucket=BUCKET.replace(hour=12)
    )
    monkeypatch.setattr(
        cli, "_replay_locally", lambda replay, build: make_report(replay, second, make_incident())
    )
    assert cli.main(["replay", str(path), "--brand", BRAND, "--local", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["scenario", "clock", "run", "incidents"]
    assert document["scenario"]["file"] == str(path) and document["scenario"]["brand"] == BRAND
    assert document["clock"]["ticks"] == 340 and document["clock"]["period_seconds"] == 300
    ids = [incident["incident_id"] for incident in document["incidents"]]
    assert ids == ["inc-northwind-coffee-20260302T1005Z", "inc-northwind-coffee-20260302T1200Z"], (
        "oldest first"
    )
    for incident in document["incidents"]:
        assert incident["explanation"] == incident_account(make_incident(), TRAIL)["explanation"]
        assert len(incident["severity_history"]) == 3


def test_people_get_the_full_account_through_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_scenario(tmp_path)
    monkeypatch.setattr(cli, "_replay_locally", lambda replay, build: make_report(replay, make_incident()))
    assert cli.main(["replay", str(path), "--brand", BRAND, "--local"]) == 0
    output = capsys.readouterr().out
    assert "inc-northwind-coffee-20260302T1005Z" in output and "Notable posts" in output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"", "holds no valid mention (0 invalid lines)"),
        (b'not json at all\n{"text": 1}\n', "holds no valid mention (2 invalid lines; line 1:"),
        (b"\xff\xfe\x00garbage\n", "holds no valid mention"),
    ],
)
def test_a_scenario_it_cannot_read_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    expected: str,
) -> None:
    path = tmp_path / "scenario.jsonl"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(cli, "_replay_locally", lambda *_args, **_kwargs: pytest.fail("nothing to replay"))
    assert cli.main(["replay", str(path), "--brand", BRAND, "--local", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("crisiswatch replay: ") and expected in line


def test_a_directory_or_unreadable_file_is_turned_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_replay_locally", lambda *_args, **_kwargs: pytest.fail("nothing to replay"))
    assert cli.main(["replay", str(tmp_path), "--brand", BRAND, "--local"]) == 2
    path = write_scenario(tmp_path)

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert cli.main(["replay", str(path), "--brand", BRAND, "--local"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"crisiswatch replay: not a file: {tmp_path}",
        f"crisiswatch replay: cannot read {path}: Permission denied",
    ]


def test_lines_set_aside_are_reported_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_scenario(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    monkeypatch.setattr(cli, "_replay_locally", lambda replay, build: make_report(replay))
    assert cli.main(["replay", str(path), "--brand", BRAND, "--local", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["incidents"] == [] and document["scenario"]["set_aside"][0]["line"] == 2
