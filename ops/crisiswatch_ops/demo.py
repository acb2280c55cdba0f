"""`crisiswatch demo`: the whole crisis loop on the embedded runtime, narrated, with exit code 0 only if
every step happened: detect -> notify tier 1 -> tier 1 silent -> tier 2 -> approve by link -> history."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import requests

from crisiswatch.domain.clock import to_iso

from .history import format_timeline, timeline
from .replay import (
    ReplayFile,
    ReplayReport,
    drive_schedule,
    incidents_of,
    scenario_clock_start,
    tick_and_settle,
    upload,
)
from .runtime import LocalRuntime
from .stack import Stack

DEMO_BRAND = "Northwind Coffee"
DEMO_SCENARIO = Path("scenarios/cafe-recall.jsonl")
DEMO_PARAMETERS = {
    "Tier1TimeoutSeconds": "8",
    "Tier2TimeoutSeconds": "300",
    "Tier1Email": "alex.responder@northwind.example",
    "Tier1Phone": "+15555550101",
    "Tier2Email": "sam.commslead@northwind.example",
    "Tier2Phone": "+15555550102",
    "OpsEmail": "ops@northwind.example",
    # The demo replays a scenario; live sources are unreachable offline, so the watchlist is off.
    "WatchlistFile": "",
    # Replayed time runs ~100x faster than real time: score each tick's mentions at once.
    "ScoreBatchingWindowSeconds": "0",
}
LINK = re.compile(r"https?://\S+/a/[A-Za-z0-9_-]{22}")
T = TypeVar("T")


class DemoFailedError(RuntimeError):
    pass


class _Form(HTMLParser):
    """Reads the confirmation page's form the way a browser would: hidden inputs and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.buttons: list[str] = []
        self.title = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "input" and values.get("type") == "hidden":
            self.fields[values.get("name", "")] = values.get("value", "")
        if tag == "button" and values.get("name") == "decision":
            self.buttons.append(values.get("value", ""))
        self._in_h1 = tag == "h1" or self._in_h1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.title += data


def read_page(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    form.title = " ".join(form.title.split())
    return form


def _wait(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.25) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(interval)
    raise DemoFailedError(f"timed out after {timeout:.0f} s waiting for {what}")


def _say(text: str = "") -> None:
    print(text, flush=True)


def _step(number: int, title: str) -> None:
    _say()
    _say(f"== {number}. {title} " + "=" * max(0, 70 - len(title)))


def _show_delivery(delivery: Any) -> None:
    _say(f"   [{delivery.protocol}] to {delivery.endpoint}")
    if delivery.subject:
        _say(f"   Subject: {delivery.subject}")
    for line in str(delivery.message).splitlines():
        _say(f"   | {line}")


def _deliveries(runtime: LocalRuntime, topic_arn: str) -> list[Any]:
    return [delivery for delivery in runtime.outbox.messages() if delivery.topic_arn == topic_arn]


def explain(explanation: dict[str, Any]) -> list[str]:
    """The detector's explanation as a person reads it."""
    observed, expected = explanation.get("observed", {}), explanation.get("expected", {})
    lines = [
        f"Signals: {', '.join(explanation.get('signals', []))}",
        f"Volume {observed.get('volume')} against {expected.get('volume')} expected; "
        f"negative {observed.get('negative')} against {expected.get('negative')}",
    ]
    for crisis_type, details in explanation.get("crisis_types", {}).items():
        lines.append(
            f"{crisis_type}: {details['observed']} reports in 15 min from {', '.join(details['sources'])}, "
            f"usual {details['expected']}, p = {details['p_value']}"
        )
    evidence = explanation.get("evidence", {})
    terms = ", ".join(f"{term} ({count})" for term, count in evidence.get("top_terms", [])[:6])
    if terms:
        lines.append(f"Top terms: {terms}")
    for label, key in (("Report", "crisis_posts"), ("Most-reached negative post", "negative_posts")):
        for post in evidence.get(key, []):
            lines.append(f"{label}: {post['author']} ({post['reach']:,} followers): {post['text'][:80]}")
    return lines


def run_demo(project_root: Path, state_dir: Path, build: bool = True) -> int:
    started = time.monotonic()
    _step(1, "Start the embedded AWS runtime")
    with LocalRuntime(
        project_root, state_dir, parameter_overrides=DEMO_PARAMETERS, build=build, start_scheduler=False
    ) as runtime:
        os.environ.update(runtime.environ())
        stack = Stack(runtime.stack_name, runtime.outputs)
        stack.bind()
        timings = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in runtime.timings.items())
        _say(f"   moto at {runtime.endpoint_url}, API at {runtime.api_url} ({timings})")

        _step(2, f"Replay a crisis for {DEMO_BRAND} through schedule -> fetch -> stream -> score")
        replay = ReplayFile.read(project_root / DEMO_SCENARIO, DEMO_BRAND)
        clock_start = scenario_clock_start(replay)
        upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock_start, speed=1.0)
        _say(
            f"   {replay.valid} mentions, quiet from {to_iso(replay.first_at)}, "
            f"first crisis mention at {to_iso(replay.first_crisis_at) if replay.first_crisis_at else '?'}"
        )
        report = ReplayReport(replay)
        replay_started = time.monotonic()

        def incident_opened() -> bool:
            return bool(incidents_of(DEMO_BRAND))

        # Five minutes pass between real ticks: each tick's mentions are scored before the next one.
        report.ticks, report.last_tick = drive_schedule(
            lambda moment: tick_and_settle(runtime, moment),
            replay,
            clock_start,
            timedelta(minutes=5),
            stop_when=incident_opened,
        )
        report.incidents = _wait("the detector to open an incident", lambda: incidents_of(DEMO_BRAND), 60)
        report.wall_seconds = time.monotonic() - replay_started
        for line in report.lines():
            _say(f"   {line}")
        incident = report.first_incident
        assert incident is not None
        for line in explain(incident.explanation):
            _say(f"   {line}")

        tier1 = stack.outputs.get("Tier1TopicArn") or runtime.resources.get("Tier1Topic", "")
        tier2 = stack.outputs.get("Tier2TopicArn") or runtime.resources.get("Tier2Topic", "")
        _step(3, "Tier 1 is notified by email and SMS, each with a link of its own")
        for delivery in _wait("tier 1's notifications", lambda: _deliveries(runtime, tier1), 60):
            _show_delivery(delivery)

        _step(4, f"Tier 1 stays silent; after {DEMO_PARAMETERS['Tier1TimeoutSeconds']} s it escalates")
        tier2_messages = _wait("tier 2's notifications", lambda: _deliveries(runtime, tier2), 60)
        for delivery in tier2_messages:
            _show_delivery(delivery)

        _step(5, "Tier 2 follows the link from the email, as a person would")
        email = next(delivery for delivery in tier2_messages if delivery.protocol == "email")
        match = LINK.search(str(email.message))
        if not match:
            raise DemoFailedError("tier 2's email has no action link")
        url = match.group(0)
        page = requests.get(url, timeout=30)
        form = read_page(page.text)
        _say(f"   GET  {url} -> {page.status_code} '{form.title}', buttons: {form.buttons}")
        if page.status_code != 200 or "approve" not in form.buttons:
            raise DemoFailedError(f"the confirmation page did not offer approval ({page.status_code})")
        scanned = requests.head(url, timeout=30).status_code, requests.get(url, timeout=30)
        still_open = read_page(scanned[1].text).title == form.title
        _say(
            f"   HEAD + GET again, as a mail scanner would -> {scanned[0]}, {scanned[1].status_code}: "
            + ("still waiting for a decision, nothing changed" if still_open else "the page changed!")
        )
        if not still_open:
            raise DemoFailedError("opening the link changed something")
        decided = requests.post(url, data={**form.fields, "decision": "approve"}, timeout=30)
        _say(f"   POST decision=approve -> {decided.status_code} '{read_page(decided.text).title}'")
        if decided.status_code != 200:
            raise DemoFailedError("the approval was not accepted")
        repeat = requests.post(url, data={**form.fields, "decision": "dismiss"}, timeout=30)
        _say(f"   POST again -> {repeat.status_code} '{read_page(repeat.text).title}'")

        _step(6, "The execution records the decision and succeeds")
        sfn = runtime.client("stepfunctions")
        current = _wait(
            "the incident's execution to start", lambda: incidents_of(DEMO_BRAND)[0].execution_arn, 30
        )

        def finished() -> str | None:
            status = str(sfn.describe_execution(executionArn=current)["status"])
            return None if status == "RUNNING" else status

        status = _wait("the execution to finish", finished, 60)
        final = incidents_of(DEMO_BRAND)[0]
        _say(
            f"   Execution {status}; incident {final.incident_id} is {final.status.value}, "
            f"decision '{final.decision}' by {final.decided_by}"
        )
        if status != "SUCCEEDED" or final.decision != "approve":
            raise DemoFailedError(f"expected a SUCCEEDED execution with an approval, got {status}")

        _step(7, "What a manager reads: `crisiswatch history " + final.incident_id + "`")
        _say(format_timeline(timeline(sfn, current, final.incident_id)))
        _say()
        _say(f"Outbox (every email and SMS sent): {state_dir / 'outbox.jsonl'}")
        _say(f"Demo finished in {time.monotonic() - started:.0f} s.")
    return 0
