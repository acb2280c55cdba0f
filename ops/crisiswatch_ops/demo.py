"""`crisiswatch demo`: the whole crisis loop on the embedded runtime, narrated, with exit code 0 only if
every step happened: detect -> route -> tier 1 notified, reminded, silent -> tier 2 asks for changes ->
approves the revision -> published -> monitored -> resolved -> review -> history.

The plan runs with the policy's real times (tier 1 has 15 minutes, tier 2 half an hour), so however
busy the machine, nobody's time runs out while the demo clicks. Tier 1's silence is the demo ending
tier 1's waits through the runtime's policy clock (`rt.stepfunctions.expire_wait`), not a wait for a
timer: the demo never races the machine."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import requests

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.adapters.stepfunctions import StepFunctionsHistory
from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.review.report import PostCrisisReport, format_duration

from .contacts import sync_local
from .pages import LINK, Page, read_page
from .replay import (
    ReplayFile,
    ReplayReport,
    Schedule,
    drive_schedule,
    incidents_of,
    scenario_clock_start,
    tick_and_settle,
    upload,
)
from .runtime import LocalRuntime, RuntimeOptions
from .stack import Stack
from .views import explain, format_timeline

DEMO_BRAND = "Northwind Coffee"
DEMO_SCENARIO = Path("scenarios/cafe-recall.jsonl")
DEMO_PARAMETERS = {
    # The escalation policy (config/escalation_policy.toml) in real time: a policy minute is a minute.
    "PolicyMinuteSeconds": "60",
    "OwnerResponseSeconds": "1800",
    # The owner resolves by hand once the rest of the day has replayed: no re-check, no calm meanwhile.
    "MonitorIntervalSeconds": "86400",
    "CalmSeconds": "86400",
    "ReviewTimeoutSeconds": "604800",
    "OpsEmail": "ops@northwind.example",
    # The demo replays a scenario; live sources are unreachable offline, so the watchlist is off.
    "WatchlistFile": "",
    # Replayed time runs ~100x faster than real time: score each tick's mentions at once.
    "ScoreBatchingWindowSeconds": "0",
}
REVISED_STATEMENT = (
    "We know some of you found glass in a can of our cold brew. Please stop drinking it and keep the can; "
    "we are recalling the batch now. Updates within the hour. DM us for a refund."
)
ASK = "Ask For A Decision"
"""The state machine's state that waits for the people of a tier."""
T = TypeVar("T")


class DemoFailedError(RuntimeError):
    pass


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


def _about(runtime: LocalRuntime, topic_arn: str, incident_id: str, subject: str) -> list[Any]:
    """Emails about this incident whose subject holds `subject`."""
    return [
        d
        for d in runtime.outbox.messages(protocol="email")
        if d.topic_arn == topic_arn and incident_id in str(d.message) and subject in str(d.subject)
    ]


def _link_of(delivery: Any) -> str:
    match = LINK.search(str(delivery.message))
    if not match:
        raise DemoFailedError(f"no action link in the message to {delivery.endpoint}")
    return match.group(0)


def _open(url: str) -> Page:
    response = requests.get(url, timeout=30)
    if response.status_code != 200:
        raise DemoFailedError(f"the page at {url} answered {response.status_code}")
    return read_page(response.text)


def _executing(incident_id: str) -> str | None:
    found = DynamoIncidentStore().get(incident_id)
    return found.execution_arn if found is not None else None


def _routed(incident_id: str) -> Incident | None:
    found = DynamoIncidentStore().get(incident_id)
    return found if found is not None and found.route else None


def run_demo(project_root: Path, state_dir: Path, build: bool = True, serve: bool = False) -> int:
    started = time.monotonic()
    _step(1, "Start the embedded AWS runtime")
    with LocalRuntime(
        project_root,
        state_dir,
        RuntimeOptions(parameter_overrides=DEMO_PARAMETERS, build=build, start_scheduler=False),
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
        report = _replay_until_incident(runtime, replay, clock_start)
        incident = report.first_incident
        assert incident is not None
        for line in explain(incident.explanation):
            _say(f"   {line}")

        story = _Story(runtime, stack.output("ContactsTopicArn"), incident)
        sync = sync_local(runtime)
        _say(f"   contacts subscribed from the escalation policy: {len(sync.added)} (email and SMS)")
        _show_route(incident)
        first = _tier_one_notified(story)
        lead = _silence_until_tier_two(story, first)
        _changes_then_approval(story, lead)
        _announced(story, stack)
        review = _monitor_and_resolve(story, replay, clock_start, report)
        final, sfn = _review_done(story, review)
        _manager_reads(runtime, stack, final, sfn, state_dir)
        password = stack.dashboard_password()
        _say(f"Dashboard: {runtime.api_url}/dashboard  (user manager, password {password})")
        _say(f"Demo finished in {time.monotonic() - started:.0f} s.")
        if serve:
            _say("The runtime stays up for the dashboard (loopback only). Ctrl-C stops it.")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        else:
            _say("The runtime stops with the demo: `crisiswatch demo --serve` keeps it up for the dashboard.")
    return 0


@dataclass(frozen=True)
class _Story:
    """What the demo's later steps share: the runtime, its contacts topic, and the incident opened."""

    runtime: LocalRuntime
    contacts: str
    incident: Incident


def _replay_until_incident(runtime: LocalRuntime, replay: ReplayFile, clock_start: datetime) -> ReplayReport:
    report = ReplayReport(replay)
    replay_started = time.monotonic()

    def incident_opened() -> bool:
        return bool(incidents_of(DEMO_BRAND))

    # Five minutes pass between real ticks: each tick's mentions are scored before the next one.
    report.ticks, report.last_tick = drive_schedule(
        lambda moment: tick_and_settle(runtime, moment),
        replay,
        Schedule(clock_start, timedelta(minutes=5)),
        stop_when=incident_opened,
    )
    report.incidents = _wait("the detector to open an incident", lambda: incidents_of(DEMO_BRAND), 60)
    report.wall_seconds = time.monotonic() - replay_started
    for line in report.lines():
        _say(f"   {line}")
    return report


def _show_route(incident: Incident) -> None:
    _step(3, "Route: the escalation policy decides who is told, in which order")
    routed = _wait("the incident to be routed", lambda: _routed(incident.incident_id), 30)
    for number, planned in enumerate(routed.rounds, start=1):
        _say(
            f"   round {number}: {', '.join(planned.tiers)} "
            f"({format_duration(planned.response_seconds)} to answer)"
        )
    _say(f"   legal review on the checklist: {routed.includes_legal}")
    _say(f"   statements drafted from the facts: {', '.join(d.key for d in routed.drafts)}")


def _tier_one_notified(story: _Story) -> list[Any]:
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _step(4, "Tier 1 is notified by email and SMS, each with a link of its own")
    first = _wait("tier 1's notifications", lambda: _about(runtime, contacts, incident.incident_id, ""), 60)
    for delivery in first:
        _show_delivery(delivery)

    return first


def _silence_until_tier_two(story: _Story, first: list[Any]) -> list[Any]:
    """Tier 1's waits run out one by one (each brings a reminder) until tier 2 is told; its messages."""
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _step(5, "Tier 1 stays silent: a reminder before its time runs out, then tier 2")
    _say("   (the demo does not sit out tier 1's minutes: it tells the runtime they ran out)")
    execution = _wait("the incident's execution", lambda: _executing(incident.incident_id), 30)
    watcher = next(delivery.endpoint for delivery in first if delivery.protocol == "email")

    def lead_told() -> list[Any]:
        return _about(runtime, contacts, incident.incident_id, "Communications lead")

    def reminders() -> list[Any]:
        sent = _about(runtime, contacts, incident.incident_id, "REMINDER")
        return [delivery for delivery in sent if delivery.endpoint == watcher]

    # Each wait that runs out brings exactly one thing: the next reminder, or (after the last) tier 2.
    for ended in range(1, 10):
        ran_out = runtime.stepfunctions.expire_wait(execution, state=ASK, timeout=60)
        _say(f"   {format_duration(ran_out.seconds)} of silence run out")

        def followed(count: int = ended) -> bool:
            return bool(lead_told()) or len(reminders()) >= count

        _wait("what follows", followed, 60)
        if lead_told():
            break
        reminder = reminders()[-1]
        _say(f"   [{reminder.protocol}] to {reminder.endpoint}: {reminder.subject}")
    lead = lead_told()
    _show_delivery(lead[0])

    return lead


def _changes_then_approval(story: _Story, lead: list[Any]) -> None:
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _step(6, "Tier 2 opens the link, as a person would, and asks for changes to the statement")
    url = _link_of(lead[0])
    page = _open(url)
    _say(f"   GET  -> '{page.title}', choices: {page.buttons}")
    scanned = requests.head(url, timeout=30).status_code, _open(url)
    _say(f"   HEAD + GET again, as a mail scanner would -> {scanned[0]}, nothing changed")
    statement = page.statements[0]
    changed = requests.post(
        url, data=page.press("request_changes", statement, revised_text=REVISED_STATEMENT), timeout=30
    )
    _say(
        f"   POST request_changes on '{statement}' -> {changed.status_code} '{read_page(changed.text).title}'"
    )
    if changed.status_code != 200:
        raise DemoFailedError("the change request was not accepted")

    _step(7, "The revision comes back for approval; tier 2 approves it")
    revised = _wait(
        "the revised request",
        lambda: [
            d
            for d in _about(runtime, contacts, incident.incident_id, "Communications lead")
            if _link_of(d) != url
        ],
        60,
    )
    url = _link_of(revised[-1])
    page = _open(url)
    revision = page.statements[0]
    approved = requests.post(url, data=page.press("approve", revision), timeout=30)
    _say(f"   POST approve '{revision}' -> {approved.status_code} '{read_page(approved.text).title}'")
    repeat = requests.post(url, data=page.press("dismiss"), timeout=30)
    _say(f"   POST again -> {repeat.status_code} '{read_page(repeat.text).title}'")
    if approved.status_code != 200:
        raise DemoFailedError("the approval was not accepted")


def _announced(story: _Story, stack: Stack) -> None:
    runtime, incident = story.runtime, story.incident
    _step(8, "Published (recorded) and announced on the comms channel")
    comms = stack.output("CommsChannelTopicArn")
    announced = _wait(
        "the announcement",
        lambda: [
            d
            for d in runtime.outbox.messages()
            if d.topic_arn == comms and incident.incident_id in str(d.message)
        ],
        60,
    )
    _show_delivery(announced[0])


def _monitor_and_resolve(
    story: _Story, replay: ReplayFile, clock_start: datetime, report: ReplayReport
) -> list[Any]:
    """The monitoring link ticks and resolves while the rest of the day replays; the review request."""
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _step(9, "Monitoring: the rest of the day replays; the owner ticks the checklist, then resolves")
    monitoring = _wait(
        "the monitoring notice", lambda: _about(runtime, contacts, incident.incident_id, "monitoring"), 60
    )
    _say(f"   [{monitoring[0].protocol}] to {monitoring[0].endpoint}: {monitoring[0].subject}")
    watch_url = _link_of(monitoring[0])
    ticked = requests.post(
        watch_url, data=_open(watch_url).press("stakeholders_informed", name="tick"), timeout=30
    )
    _say(f"   POST tick stakeholders_informed -> {ticked.status_code} '{read_page(ticked.text).title}'")
    rest_started = time.monotonic()
    # The mentions after the alert: what the public made of the response, for the report's "after".
    rest, last_tick = drive_schedule(
        lambda moment: tick_and_settle(runtime, moment),
        replay,
        Schedule(clock_start, timedelta(minutes=5), resume_after=report.last_tick),
    )
    _say(
        f"   replayed the rest of the day: {rest} more ticks up to "
        f"{to_iso(last_tick) if last_tick else '-'} ({time.monotonic() - rest_started:.0f} s)"
    )
    resolved = requests.post(watch_url, data=_open(watch_url).press("resolve"), timeout=30)
    _say(f"   POST resolve -> {resolved.status_code} '{read_page(resolved.text).title}'")
    if resolved.status_code != 200:
        raise DemoFailedError("the resolution was not accepted")
    review = _wait(
        "the review request", lambda: _about(runtime, contacts, incident.incident_id, "review"), 60
    )
    _say(f"   [{review[0].protocol}] {review[0].subject}")

    return review


def _review_done(story: _Story, review: list[Any]) -> tuple[Incident, Any]:
    """The owner confirms the review; the execution ends and the incident is reviewed."""
    runtime = story.runtime
    _step(10, "The owner confirms the post-crisis review")
    review_url = _link_of(review[0])
    done = requests.post(
        review_url,
        data=_open(review_url).press(
            "review_done", note="Holding line out in time; recall notice was clear."
        ),
        timeout=30,
    )
    _say(f"   POST review_done -> {done.status_code} '{read_page(done.text).title}'")

    sfn = runtime.client("stepfunctions")
    current = _wait("the incident's execution", lambda: incidents_of(DEMO_BRAND)[0].execution_arn, 30)

    def finished() -> str | None:
        status = str(sfn.describe_execution(executionArn=current)["status"])
        return None if status == "RUNNING" else status

    status = _wait("the execution to finish", finished, 60)
    final = incidents_of(DEMO_BRAND)[0]
    _say(f"   Execution {status}; incident {final.incident_id} is {final.status.value}")
    if status != "SUCCEEDED" or final.status.value != "reviewed":
        raise DemoFailedError(f"expected a SUCCEEDED execution and a reviewed incident, got {status}")
    for item, done_by in final.checklist.items():
        _say(f"   [x] {item:<22} {done_by['by']:<14} {done_by['at']}")
    for milestone, seconds in ((final.review and final.review.response_seconds) or {}).items():
        _say(f"   {milestone:<22} {seconds:>5} s after the incident opened")

    return final, sfn


def _manager_reads(runtime: LocalRuntime, stack: Stack, final: Incident, sfn: Any, state_dir: Path) -> None:
    _step(11, "What a manager reads: `crisiswatch timeline " + final.incident_id + "`")
    reporting = stack.use_cases().reporting.reading_history(StepFunctionsHistory(sfn))
    _say(format_timeline(reporting.timeline(final)))

    _step(12, "The post-crisis report, written by the state machine as the incident ended")
    folder = _download_report(runtime, stack, final.incident_id, state_dir / "report")
    compiled = reporting.compile(final.incident_id)
    for line in _report_lines(compiled):
        _say(f"   {line}")
    _say()
    _say(f"Report   : {(folder / 'report.html').as_uri()}  (and report.md, volume.svg, negativity.svg)")
    _say(f"Outbox   : {state_dir / 'outbox.jsonl'} (every email and SMS sent)")


def _report_lines(report: PostCrisisReport) -> list[str]:
    """The report's figures in a few lines of text (in policy time, which is real time here)."""
    lines = [f"first sign {report.onset:%H:%M} UTC; alert {format_duration(report.time_to_detect)} later"]
    for milestone in report.milestones[1:]:
        by = f" by {milestone.by}" if milestone.by else ""
        lines.append(f"{milestone.label:<28} {format_duration(milestone.seconds):>12} after the alert{by}")
    for period in report.periods:
        lines.append(
            f"{period.label:<7} {period.mean_volume:6.1f} mentions / 5 min, "
            f"{period.negative_share:5.0%} negative, negative reach {period.negative_reach:,}"
        )
    recovery = format_duration(report.recovery_seconds) if report.recovered_at else "not yet"
    lines.append(f"sentiment back to its usual level: {recovery} after the alert")
    lines += [f"[{'+' if finding.worked else '-'}] {finding.text}" for finding in report.findings]
    return lines


def _download_report(runtime: LocalRuntime, stack: Stack, incident_id: str, folder: Path) -> Path:
    """The report files the state machine wrote to the reports bucket, copied next to the demo's state."""
    s3 = runtime.client("s3")
    bucket = stack.output("ReportsBucketName")
    prefix = f"reports/{incident_id}/"

    def written() -> list[str]:
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
        return keys if any(key.endswith("report.html") for key in keys) else []

    folder.mkdir(parents=True, exist_ok=True)
    for key in _wait("the report in the reports bucket", written, 60):
        (folder / key.removeprefix(prefix)).write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return folder
