"""`crisiswatch demo`: the whole crisis loop on the embedded runtime, narrated, with exit code 0 only if
every step happened: detect -> route -> tier 1 notified, reminded, silent -> tier 2 asks for changes ->
approves the revision -> published -> monitored -> resolved -> review -> history.

`--lang de` tells a German brand's story (Lindenhof's recall, scenarios/lindenhof-rueckruf.jsonl) in
German: the narration, the messages people get, the pages they open and the report, with a German team
in Europe/Berlin (a watchlist and policy written beside the demo's state, see `_german_config`).

The plan runs with the policy's real times (tier 1 has 15 minutes, tier 2 half an hour), so however
busy the machine, nobody's time runs out while the demo clicks. Tier 1's silence is the demo ending
tier 1's waits through the runtime's policy clock (`rt.stepfunctions.expire_wait`), not a wait for a
timer: the demo never races the machine."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import requests

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.adapters.stepfunctions import StepFunctionsHistory
from crisiswatch.domain.clock import to_iso
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.domain.response.notices import summary_in
from crisiswatch.domain.review.report import PostCrisisReport
from crisiswatch.domain.speech import N_, Speech
from crisiswatch.i18n import speech
from crisiswatch.web.dashboard import explanation_of
from crisiswatch.web.localised import LABELS

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
from .views import format_timeline

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


@dataclass(frozen=True)
class Story:
    """One language's demo: whose crisis, which replay, what people type, and the subject words the demo
    recognises its emails by (the messages are in the team's language)."""

    language: str
    brand: str
    scenario: Path
    revised_statement: str
    review_note: str
    time_zone: str = "UTC"
    lead_label: str = "Communications lead"
    parameters: dict[str, str] = field(default_factory=dict)


STORIES = {
    "en": Story(
        "en",
        DEMO_BRAND,
        DEMO_SCENARIO,
        REVISED_STATEMENT,
        "Holding line out in time; recall notice was clear.",
    ),
    "de": Story(
        "de",
        "Lindenhof",
        Path("scenarios/lindenhof-rueckruf.jsonl"),
        "Wir rufen vorsorglich die betroffene Charge Lindenhof Quark zurück. Bitte essen Sie ihn nicht und "
        "bringen Sie ihn in Ihren Markt zurück, Sie erhalten den Kaufpreis erstattet. Mehr in einer Stunde.",
        "Erste Stellungnahme rechtzeitig draußen; der Rückrufhinweis war klar.",
        time_zone="Europe/Berlin",
        lead_label="Kommunikationsleitung",
    ),
}
GERMAN_POLICY_WORDS = {
    # The packaged policy's tier labels and names as a German team writes them (config is the team's own
    # words, not the catalogue's).
    '"On-call responders"': '"Bereitschaft"',
    '"Communications lead"': '"Kommunikationsleitung"',
    '"Executive on duty"': '"Geschäftsleitung vom Dienst"',
    '"Legal counsel"': '"Rechtsabteilung"',
    '"On-call responder"': '"Bereitschaftsdienst"',
    '"Head of communications"': '"Leitung Kommunikation"',
}
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


def _german_config(project_root: Path, state_dir: Path, story: Story) -> dict[str, str]:
    """The German team's configuration beside the demo's state: the brand speaks German (Sie), the team
    reads German in Europe/Berlin. Absolute paths reach the embedded runtime's functions as they are. The
    brand has no live sources: the demo replays its scenario offline."""
    folder = state_dir / "config"
    folder.mkdir(parents=True, exist_ok=True)
    watchlist = folder / "watchlist.toml"
    watchlist.write_text(
        f'[[brands]]\nname = "{story.brand}"\nkeywords = ["{story.brand}"]\nlanguages = ["de", "en"]\n'
        'statement_language = "de"\naddress_form = "Sie"\n',
        encoding="utf-8",
    )
    policy = (project_root / "config" / "escalation_policy.toml").read_text(encoding="utf-8")
    policy = re.sub(r'(?m)^language = "en"$', 'language = "de"', policy, count=1)
    policy = re.sub(r'(?m)^time_zone = "UTC"$', f'time_zone = "{story.time_zone}"', policy, count=1)
    for english, german in GERMAN_POLICY_WORDS.items():
        policy = policy.replace(english, german)
    (folder / "escalation_policy.toml").write_text(policy, encoding="utf-8")
    return {"WatchlistFile": str(watchlist), "EscalationPolicyFile": str(folder / "escalation_policy.toml")}


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


def _replay_lines(report: ReplayReport, voice: Speech) -> list[str]:
    """`ReplayReport.lines` in the narration's language: what was replayed and when the alert came."""
    _ = voice.gettext
    replay, incident = report.replay, report.first_incident
    lines = [
        _(
            "Replayed %(file)s (%(count)s mentions of %(brand)s): %(ticks)s schedule ticks, "
            "%(seconds)s s of wall time."
        )
        % {
            "file": replay.path.name,
            "count": replay.valid,
            "brand": replay.brand,
            "ticks": report.ticks,
            "seconds": voice.number(report.wall_seconds, 1),
        }
    ]
    if incident is None:
        return [*lines, _("No incident was opened.")]
    detected = incident.detected_at or incident.detected_bucket
    lines.append(
        _("Incident %(incident)s (%(sev)s) opened at %(when)s.")
        % {"incident": incident.incident_id, "sev": incident.severity.value, "when": voice.moment(detected)}
    )
    if replay.first_crisis_at and detected >= replay.first_crisis_at:
        delay = voice.duration(detected - replay.first_crisis_at)
        lines.append(_("Detection delay: %(delay)s after the first crisis mention.") % {"delay": delay})
    lines.append(_("Why: %(summary)s") % {"summary": summary_in(incident, voice)})
    return lines


def _explain(incident: Incident, voice: Speech) -> list[str]:
    """What the detector saw, in the narration's language (the dashboard's words for it)."""
    _ = voice.gettext
    seen = explanation_of(incident, voice)
    signals = ", ".join(_(LABELS.get(signal, signal)) for signal in seen.signals)
    lines = [f"{_('Signals:')} {signals}"] if seen.signals else []
    lines += [
        f"{measure.label}: {measure.observed} ({_('Expected')} {measure.expected or '-'})"
        for measure in seen.measures
    ]
    lines += [f"{post.kind}: {post.author} ({post.reach}): {post.text[:80]}" for post in seen.posts]
    return lines


def run_demo(
    project_root: Path, state_dir: Path, build: bool = True, serve: bool = False, language: str = "en"
) -> int:
    script = STORIES[language]
    voice = speech(language, script.time_zone)
    _ = voice.gettext
    started = time.monotonic()
    parameters = dict(DEMO_PARAMETERS)
    if language != "en":
        parameters.update(_german_config(project_root, state_dir, script))
    _step(1, _("Start the embedded AWS runtime"))
    with LocalRuntime(
        project_root,
        state_dir,
        RuntimeOptions(parameter_overrides=parameters, build=build, start_scheduler=False),
    ) as runtime:
        stack = _runtime_started(runtime, voice)
        replay, clock_start = _uploaded(runtime, stack, project_root / script.scenario, script.brand, voice)
        report = _replay_until_incident(runtime, replay, clock_start, script, voice)
        incident = report.first_incident
        assert incident is not None
        for line in _explain(incident, voice):
            _say(f"   {line}")

        story = _Story(runtime, stack.output("ContactsTopicArn"), incident, script, voice)
        sync = sync_local(runtime)
        _say(
            "   "
            + _("contacts subscribed from the escalation policy: %(count)s (email and SMS)")
            % {"count": len(sync.added)}
        )
        _show_route(story)
        first = _tier_one_notified(story)
        lead = _silence_until_tier_two(story, first)
        _changes_then_approval(story, lead)
        _announced(story, stack)
        review = _monitor_and_resolve(story, replay, clock_start, report)
        final, sfn = _review_done(story, review)
        _manager_reads(story, stack, final, sfn, state_dir)
        _finished(story, stack, started, serve)
    return 0


@dataclass(frozen=True)
class _Story:
    """What the demo's later steps share: the runtime, its contacts topic, the incident opened, the
    language's story (what people type, the words its emails are recognised by) and its voice."""

    runtime: LocalRuntime
    contacts: str
    incident: Incident
    script: Story
    voice: Speech


def _runtime_started(runtime: LocalRuntime, voice: Speech) -> Stack:
    """The runtime's environment and stack, bound for the demo's own reads."""
    _ = voice.gettext
    os.environ.update(runtime.environ())
    stack = Stack(runtime.stack_name, runtime.outputs)
    stack.bind()
    timings = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in runtime.timings.items())
    _say(
        "   "
        + _("moto at %(endpoint)s, API at %(api)s (%(timings)s)")
        % {"endpoint": runtime.endpoint_url, "api": runtime.api_url, "timings": timings}
    )
    return stack


def _uploaded(
    runtime: LocalRuntime, stack: Stack, scenario: Path, brand: str, voice: Speech
) -> tuple[ReplayFile, datetime]:
    """The scenario's mentions in the replay bucket, and the moment the replay's clock starts."""
    _ = voice.gettext
    _step(
        2,
        _("Replay a crisis for %(brand)s through schedule -> fetch -> stream -> score") % {"brand": brand},
    )
    replay = ReplayFile.read(scenario, brand)
    clock_start = scenario_clock_start(replay)
    upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock_start, speed=1.0)
    _say(
        "   "
        + _("%(count)s mentions, quiet from %(quiet)s, first crisis mention at %(first)s")
        % {
            "count": replay.valid,
            "quiet": to_iso(replay.first_at),
            "first": to_iso(replay.first_crisis_at) if replay.first_crisis_at else "?",
        }
    )
    return replay, clock_start


def _replay_until_incident(
    runtime: LocalRuntime, replay: ReplayFile, clock_start: datetime, script: Story, voice: Speech
) -> ReplayReport:
    """The scenario replayed tick by tick until the detector opens an incident; what was replayed."""
    brand = script.brand
    report = ReplayReport(replay)
    replay_started = time.monotonic()

    def incident_opened() -> bool:
        return bool(incidents_of(brand))

    # Five minutes pass between real ticks: each tick's mentions are scored before the next one.
    report.ticks, report.last_tick = drive_schedule(
        lambda moment: tick_and_settle(runtime, moment),
        replay,
        Schedule(clock_start, timedelta(minutes=5)),
        stop_when=incident_opened,
    )
    report.incidents = _wait("the detector to open an incident", lambda: incidents_of(brand), 60)
    report.wall_seconds = time.monotonic() - replay_started
    for line in report.lines() if script.language == "en" else _replay_lines(report, voice):
        _say(f"   {line}")
    return report


def _show_route(story: _Story) -> None:
    incident, voice = story.incident, story.voice
    _ = voice.gettext
    _step(3, _("Route: the escalation policy decides who is told, in which order"))
    routed = _wait("the incident to be routed", lambda: _routed(incident.incident_id), 30)
    for number, planned in enumerate(routed.rounds, start=1):
        _say(
            "   "
            + _("round %(number)s: %(tiers)s (%(time)s to answer)")
            % {
                "number": number,
                "tiers": ", ".join(planned.tiers),
                "time": voice.duration(timedelta(seconds=planned.response_seconds)),
            }
        )
    _say(
        "   "
        + _("legal review on the checklist: %(legal)s")
        % {"legal": _("yes") if routed.includes_legal else _("no")}
    )
    _say(
        "   "
        + _("statements drafted from the facts: %(keys)s") % {"keys": ", ".join(d.key for d in routed.drafts)}
    )


def _tier_one_notified(story: _Story) -> list[Any]:
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _ = story.voice.gettext
    _step(4, _("Tier 1 is notified by email and SMS, each with a link of its own"))
    first = _wait("tier 1's notifications", lambda: _about(runtime, contacts, incident.incident_id, ""), 60)
    for delivery in first:
        _show_delivery(delivery)

    return first


def _silence_until_tier_two(story: _Story, first: list[Any]) -> list[Any]:
    """Tier 1's waits run out one by one (each brings a reminder) until tier 2 is told; its messages."""
    runtime, contacts, incident, voice = story.runtime, story.contacts, story.incident, story.voice
    _ = voice.gettext
    _step(5, _("Tier 1 stays silent: a reminder before its time runs out, then tier 2"))
    _say("   " + _("(the demo does not sit out tier 1's minutes: it tells the runtime they ran out)"))
    execution = _wait("the incident's execution", lambda: _executing(incident.incident_id), 30)
    watcher = next(delivery.endpoint for delivery in first if delivery.protocol == "email")

    def lead_told() -> list[Any]:
        return _about(runtime, contacts, incident.incident_id, story.script.lead_label)

    def reminders() -> list[Any]:
        # The reminder's subject, in the team's language (its first words: "[SEV1] Brand: REMINDER,").
        word = _("[%(sev)s] %(brand)s: REMINDER, decision needed (%(who)s)").split(": ")[1].split(",")[0]
        sent = _about(runtime, contacts, incident.incident_id, word)
        return [delivery for delivery in sent if delivery.endpoint == watcher]

    # Each wait that runs out brings exactly one thing: the next reminder, or (after the last) tier 2.
    for ended in range(1, 10):
        ran_out = runtime.stepfunctions.expire_wait(execution, state=ASK, timeout=60)
        _say(
            "   "
            + _("%(time)s of silence run out") % {"time": voice.duration(timedelta(seconds=ran_out.seconds))}
        )

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
    url = _changes_requested(story, lead)
    _approved(story, url)


def _changes_requested(story: _Story, lead: list[Any]) -> str:
    """Tier 2 opens its link (a mail scanner too) and asks for changes; the link it used."""
    _ = story.voice.gettext
    _step(6, _("Tier 2 opens the link, as a person would, and asks for changes to the statement"))
    url = _link_of(lead[0])
    page = _open(url)
    _say(
        "   "
        + _("GET  -> '%(title)s', choices: %(choices)s") % {"title": page.title, "choices": page.buttons}
    )
    scanned = requests.head(url, timeout=30).status_code, _open(url)
    _say(
        "   "
        + _("HEAD + GET again, as a mail scanner would -> %(status)s, nothing changed")
        % {"status": scanned[0]}
    )
    statement = page.statements[0]
    changed = requests.post(
        url,
        data=page.press("request_changes", statement, revised_text=story.script.revised_statement),
        timeout=30,
    )
    _say(
        f"   POST request_changes on '{statement}' -> {changed.status_code} '{read_page(changed.text).title}'"
    )
    if changed.status_code != 200:
        raise DemoFailedError("the change request was not accepted")
    return url


def _approved(story: _Story, url: str) -> None:
    """The revision comes back on a link of its own: tier 2 approves it; pressing again changes nothing."""
    runtime, contacts, incident = story.runtime, story.contacts, story.incident
    _ = story.voice.gettext
    _step(7, _("The revision comes back for approval; tier 2 approves it"))
    revised = _wait(
        "the revised request",
        lambda: [
            d
            for d in _about(runtime, contacts, incident.incident_id, story.script.lead_label)
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
    _say(
        "   "
        + _("POST again -> %(status)s '%(title)s'")
        % {"status": repeat.status_code, "title": read_page(repeat.text).title}
    )
    if approved.status_code != 200:
        raise DemoFailedError("the approval was not accepted")


def _announced(story: _Story, stack: Stack) -> None:
    runtime, incident = story.runtime, story.incident
    _ = story.voice.gettext
    _step(8, _("Published (recorded) and announced on the comms channel"))
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
    _ = story.voice.gettext
    _step(9, _("Monitoring: the rest of the day replays; the owner ticks the checklist, then resolves"))
    watching = _("[%(sev)s] %(brand)s: statement published, monitoring").split(", ")[-1]
    monitoring = _wait(
        "the monitoring notice", lambda: _about(runtime, contacts, incident.incident_id, watching), 60
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
        "   "
        + _("replayed the rest of the day: %(ticks)s more ticks up to %(last)s (%(seconds)s s)")
        % {
            "ticks": rest,
            "last": to_iso(last_tick) if last_tick else "-",
            "seconds": f"{time.monotonic() - rest_started:.0f}",
        }
    )
    resolved = requests.post(watch_url, data=_open(watch_url).press("resolve"), timeout=30)
    _say(f"   POST resolve -> {resolved.status_code} '{read_page(resolved.text).title}'")
    if resolved.status_code != 200:
        raise DemoFailedError("the resolution was not accepted")
    due = _("[%(sev)s] %(brand)s: resolved, post-crisis review due").split(": ")[-1]
    review = _wait("the review request", lambda: _about(runtime, contacts, incident.incident_id, due), 60)
    _say(f"   [{review[0].protocol}] {review[0].subject}")

    return review


def _review_done(story: _Story, review: list[Any]) -> tuple[Incident, Any]:
    """The owner confirms the review; the execution ends and the incident is reviewed."""
    runtime, brand = story.runtime, story.script.brand
    _ = story.voice.gettext
    _step(10, _("The owner confirms the post-crisis review"))
    review_url = _link_of(review[0])
    done = requests.post(
        review_url,
        data=_open(review_url).press("review_done", note=story.script.review_note),
        timeout=30,
    )
    _say(f"   POST review_done -> {done.status_code} '{read_page(done.text).title}'")

    sfn = runtime.client("stepfunctions")
    current = _wait("the incident's execution", lambda: incidents_of(brand)[0].execution_arn, 30)

    def finished() -> str | None:
        status = str(sfn.describe_execution(executionArn=current)["status"])
        return None if status == "RUNNING" else status

    status = _wait("the execution to finish", finished, 60)
    final = incidents_of(brand)[0]
    _say(
        "   "
        + _("Execution %(status)s; incident %(incident)s is %(state)s")
        % {"status": status, "incident": final.incident_id, "state": _(final.status.value)}
    )
    if status != "SUCCEEDED" or final.status.value != "reviewed":
        raise DemoFailedError(f"expected a SUCCEEDED execution and a reviewed incident, got {status}")
    for item, done_by in final.checklist.items():
        _say(f"   [x] {item:<22} {done_by['by']:<14} {done_by['at']}")
    for milestone, seconds in ((final.review and final.review.response_seconds) or {}).items():
        _say(
            "   "
            + _("%(milestone)s %(seconds)s s after the incident opened")
            % {"milestone": f"{milestone:<22}", "seconds": f"{seconds:>5}"}
        )

    return final, sfn


def _manager_reads(story: _Story, stack: Stack, final: Incident, sfn: Any, state_dir: Path) -> None:
    """The timeline a manager reads, then the report the state machine wrote, and where its files are."""
    runtime, voice = story.runtime, story.voice
    _ = voice.gettext
    _step(
        11,
        _("What a manager reads: `crisiswatch timeline %(incident)s`") % {"incident": final.incident_id},
    )
    reporting = stack.use_cases().reporting.reading_history(StepFunctionsHistory(sfn))
    _say(format_timeline(reporting.timeline(final)))

    _step(12, _("The post-crisis report, written by the state machine as the incident ended"))
    folder = _download_report(runtime, stack, final.incident_id, state_dir / "report")
    compiled = reporting.compile(final.incident_id, language=story.script.language)
    for line in _report_lines(compiled, voice):
        _say(f"   {line}")
    _say()
    _say(
        _("Report   : %(uri)s  (and report.md, volume.svg, negativity.svg)")
        % {"uri": (folder / "report.html").as_uri()}
    )
    _say(_("Outbox   : %(path)s (every email and SMS sent)") % {"path": state_dir / "outbox.jsonl"})


def _finished(story: _Story, stack: Stack, started: float, serve: bool) -> None:
    """The dashboard's address and the demo's time; with `serve`, the runtime stays up until Ctrl-C."""
    _ = story.voice.gettext
    password = stack.dashboard_password()
    _say(
        _("Dashboard: %(url)s  (user manager, password %(password)s)")
        % {"url": f"{story.runtime.api_url}/dashboard", "password": password}
    )
    _say(_("Demo finished in %(seconds)s s.") % {"seconds": f"{time.monotonic() - started:.0f}"})
    if serve:
        _say(_("The runtime stays up for the dashboard (loopback only). Ctrl-C stops it."))
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    else:
        kept = _("The runtime stops with the demo: `crisiswatch demo --serve` keeps it up for the dashboard.")
        _say(kept)


def _report_lines(report: PostCrisisReport, voice: Speech) -> list[str]:
    """The report's figures in a few lines of text (in policy time, which is real time here)."""
    _ = voice.gettext
    english = voice.language == "en"

    def took(seconds: float | None) -> str:
        return "—" if seconds is None else voice.duration(timedelta(seconds=seconds))

    lines = [
        _("first sign %(clock)s UTC; alert %(after)s later")
        % {"clock": f"{report.onset:%H:%M}", "after": took(report.time_to_detect)}
    ]
    for milestone in report.milestones[1:]:
        by = " " + _("by %(who)s") % {"who": milestone.by} if milestone.by else ""
        after = _("%(after)s after the alert") % {"after": f"{took(milestone.seconds):>12}"}
        lines.append(f"{milestone.label:<28} {after}{by}")
    for period in report.periods:
        lines.append(
            _("%(period)s %(mean)s mentions / 5 min, %(share)s negative, negative reach %(reach)s")
            % {
                "period": f"{_(PERIOD_NAMES.get(period.label, period.label)):<7}",
                # English keeps the figures it always printed; other languages their own notation.
                "mean": f"{period.mean_volume:6.1f}"
                if english
                else f"{voice.number(period.mean_volume, 1):>6}",
                "share": f"{period.negative_share:5.0%}"
                if english
                else f"{voice.percent(period.negative_share, 0):>5}",
                "reach": f"{period.negative_reach:,}" if english else voice.number(period.negative_reach),
            }
        )
    recovery = took(report.recovery_seconds) if report.recovered_at else _("not yet")
    lines.append(_("sentiment back to its usual level: %(after)s after the alert") % {"after": recovery})
    lines += [f"[{'+' if finding.worked else '-'}] {finding.text}" for finding in report.findings]
    return lines


PERIOD_NAMES = {"before": N_("before"), "during": N_("during"), "after": N_("after")}


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
