"""The managers' commands (`incidents`, `show`, `timeline`, `pending`, `report`) against moto's DynamoDB and
a paged fake of Step Functions, run through `main()` as a shell would, output read as a person would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from crisiswatch.adapters import tables as models
from crisiswatch.adapters.dynamodb import DynamoActionLinkStore, DynamoAuditLog, DynamoIncidentStore
from crisiswatch.config import Tables
from crisiswatch.domain.clock import bucket_start
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import (
    Decision,
    Incident,
    IncidentChanges,
    IncidentRoute,
    IncidentStatus,
)
from crisiswatch.domain.response.links import ActionLink, DecisionRequest, link_key, new_link_id
from crisiswatch_ops import cli
from crisiswatch_ops.stack import Stack
from tests.builders.tables import MODELS, REGION, create_tables

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SECRET_TOKEN = "AQCEAAAAKgAAAA-task-token-never-shown"
NORTHWIND = "inc-northwind-coffee-20260302T1000Z"
ACME = "inc-acme-bikes-20260220T1000Z"
GLOBEX = "inc-globex-20260305T1000Z"
INITECH = "inc-initech-20260301T1200Z"
EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:escalation:" + NORTHWIND
OUTPUT_KEYS = {
    "mentions": "MentionsTableName",
    "quarantine": "QuarantineTableName",
    "cursors": "CursorsTableName",
    "stories": "StoriesTableName",
    "buckets": "BucketsTableName",
    "detector": "DetectorTableName",
    "incidents": "IncidentsTableName",
    "audit": "AuditTableName",
    "links": "ActionLinksTableName",
}
ROUTE = {
    "rounds": [
        {"tiers": ["social_media"], "response_seconds": 900},
        {"tiers": ["comms_lead"], "response_seconds": 900},
        {"tiers": ["executive"], "response_seconds": 600},
    ],
    "includes_legal": True,
}


class PagedHistory:
    """`get_execution_history` in pages joined by nextToken; a later page repeats an earlier event, as the
    local emulator does."""

    def __init__(self, pages: dict[str, list[list[dict[str, Any]]]]) -> None:
        self.pages = pages
        self.calls: list[tuple[str, str | None]] = []

    def get_execution_history(self, executionArn: str, maxResults: int, nextToken: str | None = None) -> Any:  # noqa: N803
        self.calls.append((executionArn, nextToken))
        pages = self.pages[executionArn]
        index = int(nextToken) if nextToken else 0
        page: dict[str, Any] = {"events": pages[index]}
        if index + 1 < len(pages):
            page["nextToken"] = str(index + 1)
        return page


@dataclass(frozen=True)
class FakeStack(Stack):
    sfn: PagedHistory = field(default_factory=lambda: PagedHistory({}))
    asked: list[str | None] = field(default_factory=list)

    def client(self, service: str) -> Any:
        assert service == "stepfunctions"
        return self.sfn


def event(event_id: int, seconds: float, kind: str, **details: Any) -> dict[str, Any]:
    return {"id": event_id, "timestamp": T0 + timedelta(seconds=seconds), "type": kind, **details}


HISTORY_PAGES = [
    [
        event(1, 0.0, "ExecutionStarted", executionStartedEventDetails={"input": "{}"}),
        event(2, 0.5, "TaskStateEntered", stateEnteredEventDetails={"name": "Assess"}),
    ],
    [
        event(2, 0.5, "TaskStateEntered", stateEnteredEventDetails={"name": "Assess"}),  # repeated
        event(
            3,
            1.0,
            "TaskSucceeded",
            taskSucceededEventDetails={"output": json.dumps({"task_token": SECRET_TOKEN, "sent": 2})},
        ),
        event(4, 2.0, "TaskStateEntered", stateEnteredEventDetails={"name": "NotifyTier"}),
    ],
    [
        event(5, 120.0, "TaskTimedOut", taskTimedOutEventDetails={"error": "States.Timeout"}),
        event(6, 121.0, "TaskStateEntered", stateEnteredEventDetails={"name": "NotifyTier2"}),
    ],
]


@pytest.fixture(autouse=True)
def _piped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output goes to a pipe, as in a script: rich must neither colour nor fold it."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stack(aws_offline: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStack]:
    """Empty tables in moto, named by a stack's outputs as CloudFormation would; `Stack.find` finds it."""
    saved = {model: model.Meta.table_name for model in MODELS}
    with mock_aws():
        tables = create_tables(boto3.client("dynamodb", region_name=REGION))
        models.bind_tables(tables)  # for seeding
        found = FakeStack(
            "test",
            {output: getattr(tables, name) for name, output in OUTPUT_KEYS.items()},
            sfn=PagedHistory({EXECUTION: HISTORY_PAGES}),
        )

        def find(cls: type[Stack], name: str | None = None) -> Stack:
            found.asked.append(name)
            return found

        monkeypatch.setattr(Stack, "find", classmethod(find))
        try:
            yield found
        finally:
            for model, name in saved.items():
                model.Meta.table_name = name
                model._connection = None


def open_incident(
    incident_id: str,
    brand: str,
    severity: Severity,
    opened: datetime,
    status: IncidentStatus,
    **changes: Any,
) -> None:
    incidents = DynamoIncidentStore()
    assert incidents.open(
        Incident(
            incident_id=incident_id,
            brand=brand,
            severity=severity,
            opened_at=opened,
            detected_bucket=bucket_start(opened),
            detected_at=opened,
            summary=f"Complaints about {brand}",
            crisis_types=("product_failure",),
            explanation={
                "signals": ["volume", "negativity"],
                "observed": {"volume": 48, "negative": 30},
                "expected": {"volume": 6.0, "negative": 1.0},
            },
        )
    )
    incidents.update(incident_id, IncidentChanges(status=status, **changes))


def ask(incident_id: str, phase: str, tier: int, who: tuple[str, ...], until: datetime) -> DecisionRequest:
    request = DecisionRequest(
        notification_id=f"{incident_id}/{phase}{tier}/{new_link_id()[:8]}",
        incident_id=incident_id,
        phase=phase,
        tier=tier,
        recipients=who,
        allowed=(Decision.APPROVE, Decision.ACKNOWLEDGE, Decision.ESCALATE),
        expires_at=until,
    )
    DynamoActionLinkStore().open_request(request, SECRET_TOKEN)
    return request


@pytest.fixture
def seeded(stack: FakeStack) -> dict[str, DecisionRequest]:
    """Four incidents: two open and waiting on people, one resolved and waiting on its review, one whose
    request was answered."""
    audit = DynamoAuditLog()
    open_incident(
        NORTHWIND,
        "Northwind Coffee",
        Severity.SEV1,
        T0,
        IncidentStatus.ESCALATING,
        route=IncidentRoute.from_dict(ROUTE),
    )
    DynamoIncidentStore().set_execution(NORTHWIND, EXECUTION)
    DynamoIncidentStore().tick(NORTHWIND, "facts_gathered", "crisiswatch", T0 + timedelta(seconds=1))
    DynamoIncidentStore().tick(NORTHWIND, "stakeholders_informed", "ana", T0 + timedelta(seconds=90))
    notified = {"phase": "tiers", "tier": 1, "recipients": ["social_media"], "task_token": SECRET_TOKEN}
    audit.record(NORTHWIND, "tier.notified", "crisiswatch", notified, T0 + timedelta(seconds=1.5))
    audit.record(NORTHWIND, "tier.timed_out", "crisiswatch", {"tier": 1}, T0 + timedelta(seconds=120.5))
    audit.record(
        NORTHWIND,
        "tier.notified",
        "crisiswatch",
        {"phase": "tiers", "tier": 2, "recipients": ["comms_lead"]},
        T0 + timedelta(seconds=122),
    )
    northwind = ask(NORTHWIND, "tiers", 2, ("comms_lead",), T0 + timedelta(hours=2))

    open_incident(ACME, "Acme Bikes", Severity.SEV3, T0 - timedelta(days=10), IncidentStatus.RESOLVED)
    ask(ACME, "review", 0, ("ana",), T0 + timedelta(days=1))  # resolved, but its review waits on ana

    open_incident(
        GLOBEX, "[red]Globex", Severity.SEV2, T0 + timedelta(days=3), IncidentStatus.MONITORING, owner="bo"
    )
    globex = ask(GLOBEX, "monitor", 0, ("bo",), T0 + timedelta(hours=3))

    open_incident(INITECH, "Initech", Severity.SEV2, T0 - timedelta(hours=22), IncidentStatus.ACKNOWLEDGED)
    answered = ask(INITECH, "owner", 1, ("cy",), T0 + timedelta(minutes=30))
    link = ActionLink(
        key=link_key(new_link_id()),
        incident_id=INITECH,
        notification_id=answered.notification_id,
        tier=1,
        recipient="cy",
        expires_at=answered.expires_at,
        allowed=answered.allowed,
    )
    DynamoActionLinkStore().add(link)
    assert DynamoActionLinkStore().claim(link, "approve", "cy", T0)
    return {NORTHWIND: northwind, GLOBEX: globex}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    # Seeding bound the models; a command must bind the tables of the stack it finds itself.
    models.bind_tables(Tables(**dict.fromkeys(OUTPUT_KEYS, "not-the-stacks-table")))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----- incidents ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], [GLOBEX, NORTHWIND, INITECH, ACME]),
        (["--status", "resolved"], [ACME]),
        (["--status", "MONITORING"], [GLOBEX]),
        (["--severity", "sev2"], [GLOBEX, INITECH]),
        (["--brand", "north"], [NORTHWIND]),
        (["--from", "2026-03-02", "--to", "2026-03-02"], [NORTHWIND]),
        (["--from", "2026-03-01T13:00:00Z"], [GLOBEX, NORTHWIND]),
        (["--to", "2026-03-01"], [INITECH, ACME]),
        (["--severity", "SEV2", "--from", "2026-03-03"], [GLOBEX]),
        (["--limit", "2"], [GLOBEX, NORTHWIND]),
        (["--brand", "nobody"], []),
    ],
)
def test_incidents_are_filtered_newest_first(
    seeded: object, capsys: pytest.CaptureFixture[str], options: list[str], expected: list[str]
) -> None:
    code, out, err = run(capsys, "incidents", "--json", *options)

    assert (code, err) == (0, "")
    assert [item["incident_id"] for item in json.loads(out)] == expected


def test_incidents_table_shows_each_incident_in_plain_text(
    seeded: object, stack: FakeStack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "incidents", "--stack", "crisiswatch-prod")

    assert code == 0
    assert stack.asked == ["crisiswatch-prod"]
    assert "\x1b[" not in out  # piped: no colour codes
    lines = out.splitlines()
    at = next(index for index, line in enumerate(lines) if GLOBEX in line)
    assert all(text in lines[at] for text in ("SEV2", "monitoring", "2026-03-05 10:00"))
    # A brand is shown as written, never read as rich markup.
    assert "[red]Globex (owner bo): Complaints about [red]Globex" in lines[at + 1]


def test_incidents_says_when_nothing_matches(seeded: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "incidents", "--brand", "nobody") == (0, "No incidents match.\n", "")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--status", "open"], "status must be one of held, escalating"),
        (["--severity", "SEV4"], "severity must be one of SEV1, SEV2, SEV3"),
        (["--from", "yesterday"], "from must be a date like 2026-03-02, not 'yesterday'"),
        (["--to", "2026-13-01"], "to must be a date like"),
    ],
)
def test_a_bad_filter_is_explained_on_stderr_with_exit_code_2(
    stack: FakeStack, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    code, out, err = run(capsys, "incidents", *options)

    assert (code, out) == (2, "")
    assert message in err
    assert stack.asked == []  # refused before any stack is looked up


def test_a_limit_below_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["incidents", "--limit", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


# ----- show --------------------------------------------------------------------------------------------


def test_show_prints_facts_explanation_checklist_pending_request_and_response(
    seeded: dict[str, DecisionRequest], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "show", NORTHWIND)

    assert (code, err) == (0, "")
    expected = [
        "Northwind Coffee",
        "SEV1",
        "escalating",
        "product_failure",
        "2026-03-02 10:00 UTC",
        "Complaints about Northwind Coffee",
        "Signals: volume, negativity",
        "Volume 48 against 6.0 expected",
        # The checklist, with who ticked what and when; legal review because the route pulled legal in.
        "Facts gathered",
        "Legal reviewed",
        "Internal stakeholders informed",
        "ana",
        "2026-03-02 10:01 UTC",
        # The request waiting now: who, which round, until when, what they may decide.
        "comms_lead",
        "escalation round 2 of 3: comms_lead",
        "2026-03-02 12:00 UTC",
        "approve, acknowledge, escalate",
        # Response figures from the report's milestones.
        "Execution RUNNING: 6 events",
    ]
    assert [text for text in expected if text not in out] == []
    words = " ".join(out.split())
    assert "[x] Facts gathered crisiswatch 2026-03-02 10:00 UTC" in words
    assert "[ ] Legal reviewed (a person ticks it)" in words
    assert "First people told 2 s 2026-03-02 10:00 UTC crisiswatch" in words  # 1.5 s after the opening
    # Neither the task token nor anything derived from a link id is shown.
    assert SECRET_TOKEN not in out
    assert seeded[NORTHWIND].notification_id.rsplit("/", 1)[1] not in out


def test_show_says_when_nothing_is_waiting(seeded: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", INITECH)  # its request was answered

    assert code == 0
    assert "Nothing is waiting on anyone." in out
    assert "Execution UNKNOWN: 0 events" in out


@pytest.mark.parametrize("command", ["show", "timeline", "history", "report"])
def test_an_unknown_incident_is_an_error_on_stderr(
    stack: FakeStack, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, err = run(capsys, command, "inc-nobody-20260101T0000Z")

    assert (code, out) == (2, "")
    assert "no incident 'inc-nobody-20260101T0000Z'" in err


# ----- timeline ----------------------------------------------------------------------------------------


def test_timeline_pages_the_history_and_merges_the_audit_trail_in_time_order(
    seeded: object, stack: FakeStack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "timeline", NORTHWIND, "--json")

    assert (code, err) == (0, "")
    assert stack.sfn.calls == [(EXECUTION, None), (EXECUTION, "1"), (EXECUTION, "2")]
    document = json.loads(out)
    assert (document["incident"]["incident_id"], document["history_expired"]) == (NORTHWIND, False)
    entries = document["entries"]
    assert [(entry["origin"], entry["kind"]) for entry in entries] == [
        ("execution", "ExecutionStarted"),
        ("execution", "TaskStateEntered"),  # once, although two pages carried it
        ("execution", "TaskSucceeded"),
        ("audit", "tier.notified"),
        ("execution", "TaskStateEntered"),
        ("execution", "TaskTimedOut"),
        ("audit", "tier.timed_out"),
        ("execution", "TaskStateEntered"),
        ("audit", "tier.notified"),
    ]
    assert [entry["at"] for entry in entries] == sorted(entry["at"] for entry in entries)
    assert entries[0]["at"] == "2026-03-02T10:00:00.000Z"
    assert entries[3]["actor"] == "crisiswatch"
    assert SECRET_TOKEN not in out
    assert "<redacted>" in entries[2]["what"] and "<redacted>" in entries[3]["what"]
    # The records are data, not JSON inside strings: a task's output and an audit entry's detail.
    assert entries[2]["detail"]["output"] == {"task_token": "<redacted>", "sent": 2}
    assert isinstance(entries[3]["detail"], dict) and entries[3]["detail"]


def test_timeline_table_reads_in_order_and_counts_both_sources(
    seeded: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "history", NORTHWIND)  # `history` is the old name of `timeline`

    assert code == 0
    lines = out.splitlines()
    order = ["ExecutionStarted", "Assess", "tier.notified", "States.Timeout", "tier.timed_out", "NotifyTier2"]
    positions = [next(i for i, line in enumerate(lines) if word in line) for word in order]
    assert positions == sorted(positions)
    assert "2026-03-02 10:00:00.000" in out and "+2 min" in out
    assert "6 execution events and 3 audit entries" in out
    assert SECRET_TOKEN not in out and "\x1b[" not in out


def test_timeline_counts_events_on_a_terminal_while_stdout_stays_clean(
    seeded: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich takes both outputs for terminals

    code, out, err = run(capsys, "timeline", NORTHWIND, "--json")

    assert code == 0
    assert "Reading the execution history" in err and "6 events" in err
    assert len(json.loads(out)["entries"]) == 9


def test_colour_is_for_terminals_and_no_color_turns_it_off(
    seeded: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    _, coloured, _ = run(capsys, "incidents", "--severity", "SEV1")
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run(capsys, "incidents", "--severity", "SEV1")

    red = "\x1b[1;31m"
    assert red in coloured and red not in plain


# ----- pending -----------------------------------------------------------------------------------------


def test_pending_lists_open_incidents_waiting_on_people_oldest_deadline_first(
    seeded: dict[str, DecisionRequest], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "pending")

    assert (code, err) == (0, "")
    headers = [line.split()[0] for line in out.splitlines() if line.startswith("inc-")]
    # Northwind's deadline comes first although Globex opened later; Acme's review is due last.
    assert headers == [NORTHWIND, GLOBEX, ACME]
    northwind, globex = out.split(GLOBEX)
    for text in (
        "comms_lead",
        "escalation round 2 of 3: comms_lead",
        "2026-03-02 12:00 UTC",
        "approve, acknowledge",
    ):
        assert text in northwind
    for text in ("[red]Globex", "Waiting on  bo", "Phase       monitoring", "2026-03-02 13:00 UTC"):
        assert text in globex
    assert SECRET_TOKEN not in out
    assert all(request.notification_id not in out for request in seeded.values())


def test_pending_says_when_nothing_waits(stack: FakeStack, capsys: pytest.CaptureFixture[str]) -> None:
    open_incident(NORTHWIND, "Northwind Coffee", Severity.SEV1, T0, IncidentStatus.ESCALATING)

    assert run(capsys, "pending") == (0, "Nothing is waiting on anyone.\n", "")


# ----- report ------------------------------------------------------------------------------------------


def test_report_writes_its_four_files_and_says_where(
    seeded: object, stack: FakeStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"

    code, out, err = run(capsys, "report", NORTHWIND, "--out", str(out_dir))

    assert (code, err) == (0, "")
    names = {"report.html", "report.md", "volume.svg", "negativity.svg"}
    assert {path.name for path in out_dir.iterdir()} == names
    assert all((out_dir / name).stat().st_size > 0 for name in names)
    assert all(str(out_dir / name) in out for name in names)
    assert (out_dir / "report.html").resolve().as_uri() in out
    assert "Northwind Coffee" in (out_dir / "report.md").read_text(encoding="utf-8")
    assert len(stack.sfn.calls) == 3  # the whole history was paged


def test_report_goes_to_reports_incident_id_by_default(
    seeded: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(capsys, "report", INITECH)

    assert code == 0
    assert (tmp_path / "reports" / INITECH / "report.html").is_file()
    assert (tmp_path / "reports" / INITECH / "report.html").as_uri() in out


def test_report_says_when_it_cannot_write(
    seeded: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder", encoding="utf-8")

    code, out, err = run(capsys, "report", NORTHWIND, "--out", str(taken))

    assert (code, out) == (2, "")
    assert f"cannot write {taken}" in err


# ----- pipes -------------------------------------------------------------------------------------------


def test_a_reader_closing_the_pipe_early_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def closed_pipe(args: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "_cmd_pending", closed_pipe)

    assert cli.main(["pending"]) == 1
    assert capfd.readouterr().err == ""
