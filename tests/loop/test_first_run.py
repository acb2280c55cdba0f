"""The newcomer's path, exactly as the README gives it: `crisiswatch local` (what `make local` runs) in a
shell with no AWS settings at all, then the managers' commands in another shell that pasted the exports it
printed. Nothing here shares this process's environment; every step is a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch_ops.problems import EXIT_USAGE
from crisiswatch_ops.stack import Stack
from tests.builders.plan_runtime import ROOT, wait_for
from tests.fakes import make_incident

pytestmark = pytest.mark.runtime

CLI = Path(sys.executable).parent / "crisiswatch"
READY = "Ctrl-C stops it."
STARTUP_LIMIT = 600
"""Seconds to wait for the runtime to come up; only bounds a hang (it takes well under a minute)."""


@dataclass
class LocalSession:
    """`crisiswatch local` running in its own process, and what it printed."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def follow(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.strip() == READY:
                self.ready.set()
        self.ready.set()  # it ended: let the waiter see why

    @property
    def exports(self) -> list[str]:
        return [line.strip() for line in self.lines if line.strip().startswith("export ")]


def no_aws_settings(home: Path) -> dict[str, str]:
    """A fresh shell: no AWS variables, an empty home (no ~/.aws), no instance metadata to ask."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and not key.startswith("CRISISWATCH_")
    }
    environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # not the virtual environment: the exports add it
    environment.update(HOME=str(home), AWS_EC2_METADATA_DISABLED="true")
    return environment


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSession]:
    home = tmp_path_factory.mktemp("home")
    process = subprocess.Popen(
        [str(CLI), "local", "--no-build", "--port", "0", "--api-port", "0"],
        cwd=ROOT,
        env=no_aws_settings(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    session = LocalSession(process)
    threading.Thread(target=session.follow, daemon=True).start()
    try:
        assert session.ready.wait(STARTUP_LIMIT), "crisiswatch local did not come up"
        assert process.poll() is None, "crisiswatch local ended:\n" + "\n".join(session.lines)
        yield session
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()


def shell(local: LocalSession, home: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Another shell: the exports `crisiswatch local` printed, pasted, then one command."""
    script = "\n".join([*local.exports, command])
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=no_aws_settings(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_local_comes_up_in_a_shell_with_no_aws_settings(local: LocalSession) -> None:
    printed = "\n".join(local.lines)

    assert "CrisisWatch embedded runtime is up." in printed
    assert "Traceback" not in printed
    dashboard = re.search(r"Dashboard\s+: (\S+) \(user manager, password (\w+)\)", printed)
    assert dashboard, printed
    assert dashboard.group(1).startswith("http://127.0.0.1:")
    names = {line.split("=", 1)[0].removeprefix("export ") for line in local.exports}
    assert {"AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "PATH"} <= names


def test_the_managers_commands_work_with_the_printed_exports(
    local: LocalSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = shell(local, tmp_path, "crisiswatch incidents")
    assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr
    assert "No incidents match." in listed.stdout

    # An incident opens as the detector would open one: the stream starts its crisis plan for real.
    for export in local.exports:
        name, _, value = export.removeprefix("export ").partition("=")
        if name.startswith(("AWS_", "CRISISWATCH_")):
            monkeypatch.setenv(name, value.strip("'"))
    Stack.find().bind()
    incident = make_incident("First Run Coffee", datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert DynamoIncidentStore().open(incident)

    def waiting() -> list[dict[str, object]] | None:
        ran = shell(local, tmp_path, "crisiswatch pending --json")
        assert ran.returncode == 0, ran.stderr
        return [item for item in json.loads(ran.stdout) if item["incident_id"] == incident.incident_id]

    pending = wait_for("the crisis plan to ask tier 1", waiting, timeout=300)
    assert pending[0]["phase"] == "tiers" and pending[0]["recipients"]

    listed = shell(local, tmp_path, "crisiswatch incidents --json")
    assert [item["incident_id"] for item in json.loads(listed.stdout)] == [incident.incident_id]

    shown = shell(local, tmp_path, f"crisiswatch show {incident.incident_id}")
    assert shown.returncode == 0, shown.stderr
    assert "First Run Coffee" in shown.stdout and "Pending request" in shown.stdout

    timeline = shell(local, tmp_path, f"crisiswatch timeline {incident.incident_id} --json")
    assert timeline.returncode == 0, timeline.stderr
    kinds = [entry["kind"] for entry in json.loads(timeline.stdout)["entries"]]
    assert "ExecutionStarted" in kinds and "tier.notified" in kinds

    missing = shell(local, tmp_path, "crisiswatch show inc-nobody")
    assert missing.returncode == EXIT_USAGE
    assert missing.stderr.strip() == "crisiswatch show: no incident 'inc-nobody'"

    dashboard = shell(local, tmp_path, "crisiswatch dashboard --json")
    assert dashboard.returncode == 0, dashboard.stderr
    found = json.loads(dashboard.stdout)
    assert found["url"].startswith("http://127.0.0.1:")
    page = requests.get(found["url"], auth=(found["user"], found["password"]), timeout=60)
    assert page.status_code == 200
    assert incident.incident_id in page.text
