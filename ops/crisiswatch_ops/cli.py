"""The `crisiswatch` command: run the embedded runtime, replay crises, and follow incidents.

Every command that reads a stack works against AWS and against the embedded runtime alike: the endpoint
comes from the environment (`AWS_ENDPOINT_URL`), the stack from --stack or $CRISISWATCH_STACK_NAME.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sys
import threading
import traceback
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from crisiswatch.domain.clock import to_iso, utc_now
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import IncidentNotFoundError
from crisiswatch.domain.response.incidents import IncidentFilter, IncidentStatus
from crisiswatch.domain.review.timeline import HISTORY

from . import views
from .files import OutputPathError, refuse_same_file, replaced_atomically
from .problems import EXIT_AWS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, Problem, explain
from .stack import Stack, StackNotFoundError

if TYPE_CHECKING:
    from crisiswatch.wiring import UseCases

    from .replay import ReplayFile, ReplayReport

EXIT_CODES = """exit codes:
  0  done
  1  the command ran and found a problem in what it worked on (lines it could not read, work that
     failed again)
  2  bad arguments or input (an option, a file, an incident that does not exist)
  3  AWS or its configuration (no region, no credentials, endpoint out of reach, no such stack,
     access denied); the message names the setting and a hint says what to do
  130 interrupted"""

LOCAL_EXTRA = frozenset({"moto", "samtranslator", "yaml", "werkzeug", "flask", "jsonpath_ng"})
"""What only the `local` extra installs: the embedded runtime, its fake sources and the demo need it."""
LOCAL_EXTRA_HINT = "pip install 'crisiswatch[local]' (or `make`, which installs everything)"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = PROJECT_ROOT / ".crisiswatch"


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DemoFailedError, run_demo  # noqa: PLC0415 - keeps `--help` fast

    try:
        state = STATE_DIR / ("demo" if args.lang == "en" else f"demo-{args.lang}")
        return run_demo(PROJECT_ROOT, state, build=not args.no_build, serve=args.serve, language=args.lang)
    except DemoFailedError as error:
        print(f"\nDEMO FAILED: {error}", file=sys.stderr)
        return 1


def _cmd_local(args: argparse.Namespace) -> int:
    from .runtime import LocalRuntime, RuntimeOptions  # noqa: PLC0415

    # Live sources are out of reach offline: fetching them is off unless a watchlist is given.
    overrides = {"WatchlistFile": "", **dict(item.split("=", 1) for item in args.parameter)}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with LocalRuntime(
        PROJECT_ROOT,
        STATE_DIR / "local",
        RuntimeOptions(
            parameter_overrides=overrides,
            moto_port=args.port,
            api_port=args.api_port,
            build=not args.no_build,
            speedup=args.speedup,
        ),
    ) as runtime:
        from .contacts import sync_local  # noqa: PLC0415

        subscribed = sync_local(runtime)
        # The runtime's own clients: the shell that started it may have no AWS settings at all.
        stack = Stack(runtime.stack_name, runtime.outputs, make_client=runtime.client)
        password = stack.dashboard_password()
        print("CrisisWatch embedded runtime is up.\n")
        print(f"  Contacts     : {len(subscribed.added)} email/SMS subscriptions from the escalation policy")
        print(f"  AWS endpoint : {runtime.endpoint_url}")
        print(f"  Action links : {stack.output('ActionApiUrl')}/a/<link id>")
        print(f"  Dashboard    : {stack.output('DashboardUrl')} (user manager, password {password})")
        print(f"  Outbox       : {runtime.outbox.path}")
        print("\nUse it from another shell (no AWS account needed: these point everything here):")
        for key, value in runtime.environ().items():
            print(f"  export {key}={shlex.quote(value)}")
        print(f'  export PATH="{Path(sys.executable).parent}:$PATH"')
        print("  crisiswatch incidents")
        print("  crisiswatch dashboard")
        print("  crisiswatch replay scenarios/cafe-recall.jsonl --brand 'Northwind Coffee' --speed 600")
        print("  (the next schedule tick replays it; start with --speedup 10 for sooner ticks)")
        print("\nCtrl-C stops it.", flush=True)
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def _cmd_contacts(args: argparse.Namespace) -> int:
    from crisiswatch.config_files.policy import PolicyError, load_policy  # noqa: PLC0415

    from .contacts import sync_contacts  # noqa: PLC0415

    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        print(str(error), file=sys.stderr)
        return 2
    people = policy.all_contacts()
    if args.action == "check":
        print(f"{args.policy}: valid; {len(policy.tiers)} tiers, {len(people)} contacts")
        return 0
    stack = Stack.find(args.stack)
    report = sync_contacts(stack.client("sns"), stack.output("ContactsTopicArn"), policy)
    for line in report.lines():
        print(line)
    if report.added:
        print(
            "New email subscribers get a confirmation mail from SNS and receive nothing until they confirm."
        )
    return 0


def _cmd_redrive(args: argparse.Namespace) -> int:
    from .redrive import EXPIRED_ADVICE, QUEUES, Outcome, RedriveOptions, Redriver, Status  # noqa: PLC0415

    stack = Stack.find(args.stack)
    names = list(QUEUES) if args.queue == "all" else [args.queue]
    queues = {name: stack.output(QUEUES[name]) for name in names}
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        # People see each message as it is replayed; scripts get one document at the end.
        outcomes.append(outcome)
        if not args.json:
            print(outcome.line(), flush=True)

    options = RedriveOptions(dry_run=args.dry_run, drop_expired=args.drop_expired)
    redriver = Redriver.from_environment(options, report)
    summary = redriver.run(queues)  # AWS and configuration errors are explained by main()
    if args.json:
        _print_json(
            {"messages": [outcome.as_json() for outcome in outcomes], "summary": summary.as_json(names)}
        )
    else:
        print(summary.line(names))
        if summary.count(Status.EXPIRED):
            print(EXPIRED_ADVICE)
    return summary.exit_code


def _cmd_replay(args: argparse.Namespace) -> int:
    from .replay import ReplayFile, ReplayFileError, upload  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"replay: {'not a file' if path.exists() else 'no such file'}: {path}")
    try:
        replay = ReplayFile.read(path, args.brand)
    except ReplayFileError as error:
        return _fail(f"replay: {error}")
    if args.local:
        report = _replay_locally(replay, build=not args.no_build)
        document = report.as_json()
        if args.json:
            _print_json(document)
        else:
            console = views.make_console()
            for part in views.replay_summary(document):
                console.print(part)
        # Lines set aside are a problem found in the input, reported as such (exit 1).
        return EXIT_FAILED if replay.invalid else 0
    stack = Stack.find(args.stack)
    started = utc_now()
    stem = upload(stack.client("s3"), stack.output("ReplayBucketName"), replay, started, speed=args.speed)
    if args.json:
        _print_json(
            {
                "scenario": {"file": str(path), "brand": replay.brand, "mentions": replay.valid},
                "uploaded": stem,
                "clock_start": to_iso(started),
                "speed": args.speed,
            }
        )
    else:
        print(
            f"Uploaded {replay.valid} mentions; the schedule replays them at {args.speed}x "
            f"from {to_iso(started)}."
        )
    return EXIT_FAILED if replay.invalid else 0


def _replay_locally(replay: ReplayFile, *, build: bool) -> ReplayReport:
    """Replay `replay` on a fresh embedded runtime, tick by tick on scenario time; the report holds
    every incident opened and its audit trail."""
    from .replay import replay_on_runtime  # noqa: PLC0415
    from .runtime import LocalRuntime, RuntimeOptions  # noqa: PLC0415

    with LocalRuntime(
        PROJECT_ROOT,
        STATE_DIR / "replay",
        RuntimeOptions(
            parameter_overrides={"WatchlistFile": "", "ScoreBatchingWindowSeconds": "0"},
            build=build,
            start_scheduler=False,
        ),
    ) as rt:
        os.environ.update(rt.environ())
        return replay_on_runtime(rt, replay)


def _use_cases(args: argparse.Namespace) -> UseCases:
    """The functions' own use cases, on the stack named by --stack (its tables bound as they are built)."""
    return Stack.find(args.stack).use_cases()


def _fail(message: str) -> int:
    print(f"crisiswatch {message}", file=sys.stderr)
    return EXIT_USAGE


def _print_json(value: Any) -> int:
    """One JSON document on standard output: `json.loads` or `jq` read it whole."""
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    return 0


def _cmd_incidents(args: argparse.Namespace) -> int:
    try:
        wanted = IncidentFilter.parse(
            {
                "status": args.status,
                "severity": args.severity,
                "brand": args.brand,
                "from": args.since,
                "to": args.until,
            }
        )
    except ValueError as error:
        return _fail(f"incidents: {error}")
    root = _use_cases(args)
    incidents = root.reporting.find(wanted, args.limit)
    if args.json:
        return _print_json([views.incident_record(incident) for incident in incidents])
    console = views.make_console()
    if not incidents:
        console.print("No incidents match.")
        return 0
    console.print(views.incidents_table(incidents))
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    root = _use_cases(args)
    console = views.make_console()
    now = utc_now()
    reporting = replace(root.reporting, clock=lambda: now)
    try:
        with views.counting_events(root.services.history, views.make_console(stderr=True)) as counted:
            view = reporting.reading_history(counted).view(args.incident)
    except IncidentNotFoundError:
        return _fail(f"show: no incident {args.incident!r}")
    if args.json:
        return _print_json(views.incident_view_record(view, now))
    for part in views.incident_details(view, now):
        console.print(part)
    return 0


def _cmd_timeline(args: argparse.Namespace) -> int:
    root = _use_cases(args)
    incident = root.services.incidents.get(args.incident)
    if incident is None:
        return _fail(f"timeline: no incident {args.incident!r}")
    with views.counting_events(root.services.history, views.make_console(stderr=True)) as counted:
        entries = root.reporting.reading_history(counted).timeline(incident)
    executed = sum(entry.origin == HISTORY for entry in entries)
    history_expired = bool(incident.execution_arn) and not executed
    if args.json:
        return _print_json(
            {
                "incident": views.incident_record(incident),
                "history_expired": history_expired,
                "entries": [views.timeline_record(entry) for entry in entries],
            }
        )
    console = views.make_console()
    console.print(
        Text.assemble(
            (incident.incident_id, "bold"),
            f"  {incident.brand}  ",
            views.severity_text(incident.severity),
            "  ",
            views.status_text(incident.status),
        )
    )
    console.print(Text(f"What we saw: {incident.summary}\n"))
    table = views.timeline_table(entries)
    table.caption = f"{executed:,} execution events and {len(entries) - executed:,} audit entries" + (
        "; Step Functions no longer keeps this execution's history (90 days)" if history_expired else ""
    )
    console.print(table)
    return 0


def _cmd_pending(args: argparse.Namespace) -> int:
    root = _use_cases(args)
    waiting = root.reporting.waiting()
    now = utc_now()
    if args.json:
        return _print_json([views.pending_record(incident, request, now) for incident, request in waiting])
    console = views.make_console()
    if not waiting:
        console.print(views.NOTHING_PENDING)
        return 0
    for part in views.pending_requests(waiting, now):
        console.print(part)
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    stack = Stack.find(args.stack)
    found = {"url": stack.output("DashboardUrl"), "user": "manager", "password": stack.dashboard_password()}
    if args.json:
        return _print_json(found)
    print(f"Dashboard: {found['url']}")
    print(f"User:      {found['user']}")
    print(f"Password:  {found['password']}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from crisiswatch.web.report_files import report_files  # noqa: PLC0415 - Jinja2 and charts: slow import

    root = _use_cases(args)
    try:
        with views.counting_events(root.services.history, views.make_console(stderr=True)) as counted:
            report = root.reporting.reading_history(counted).compile(args.incident)
    except IncidentNotFoundError:
        return _fail(f"report: no incident {args.incident!r}")
    out = Path(args.out) if args.out else Path("reports") / report.incident.incident_id
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, (content, _media_type) in sorted(report_files(report).items()):
            (out / name).write_bytes(content)
            written.append(out / name)
    except OSError as error:
        return _fail(f"report: cannot write {out}: {error.strerror or error}")
    for path in written:
        print(path)
    print(f"Open {(out / 'report.html').resolve().as_uri()}")
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from crisiswatch.domain.detection.taxonomy import TaxonomyError, default_taxonomy, load_taxonomy  # noqa: PLC0415

    from .analysis import (  # noqa: PLC0415
        AnalysisError,
        classify_lines,
        format_row,
        load_analyzer,
        load_languages,
    )

    try:
        taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else default_taxonomy()
        analyzer = load_analyzer(PROJECT_ROOT)
        languages = load_languages(PROJECT_ROOT, args.languages.split(",") if args.languages else ())
        handle = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8", errors="replace")  # noqa: SIM115
    except (AnalysisError, TaxonomyError, OSError) as error:
        print(f"classify: {error}", file=sys.stderr)
        return 2
    errors = 0
    with handle:
        for result in classify_lines(handle, analyzer, taxonomy, languages):
            errors += "error" in result
            print(format_row(result) if args.table else json.dumps(result, ensure_ascii=False))
    if errors:
        print(f"classify: {errors} lines could not be read (see their `error`)", file=sys.stderr)
    return EXIT_FAILED if errors else 0


def _cmd_detect(args: argparse.Namespace) -> int:
    from .analysis import AnalysisError, detect_csv  # noqa: PLC0415

    source_path, target_path = Path(args.input), Path(args.output)
    try:
        refuse_same_file(source_path, target_path)
        # The scores become the output only once the whole input was read: a rejected input, a crash or
        # Ctrl-C leaves an existing output as it was.
        with (
            open(source_path, encoding="utf-8", newline="") as source,
            replaced_atomically(target_path) as target,
        ):
            report = detect_csv(source, target)
    except (AnalysisError, OutputPathError, OSError, UnicodeDecodeError) as error:
        print(f"crisiswatch detect: {error}", file=sys.stderr)
        return EXIT_USAGE
    for line in report.lines():
        print(f"detect: {line}", file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=what)


def _version() -> str:
    try:
        return version("crisiswatch")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _stack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack", metavar="NAME", help="stack name (default $CRISISWATCH_STACK_NAME, else crisiswatch)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crisiswatch",
        description=__doc__,
        epilog="`crisiswatch COMMAND --help` describes a command. Colour follows the terminal and NO_COLOR."
        "\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log what the runtime does; tracebacks with errors"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="replay a crisis end to end on the embedded runtime")
    demo.add_argument("--no-build", action="store_true", help="reuse the existing `sam build` output")
    demo.add_argument(
        "--serve", action="store_true", help="keep the runtime up after the story, to browse the dashboard"
    )
    demo.add_argument(
        "--lang",
        choices=("en", "de"),
        default="en",
        help="the story's language: de replays a German brand's recall for a German team (Europe/Berlin)",
    )
    demo.set_defaults(run=_cmd_demo)

    local = commands.add_parser("local", help="keep the embedded runtime running (browser, AWS CLI)")
    local.add_argument("--port", type=int, default=5000, help="AWS endpoint port (default 5000)")
    local.add_argument("--api-port", type=int, default=3000, help="action-link API port (default 3000)")
    local.add_argument("--speedup", type=float, default=1.0, help="schedule clock speed (default real time)")
    local.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="template parameter override, e.g. PolicyMinuteSeconds=1",
    )
    local.add_argument("--no-build", action="store_true", help="reuse the existing `sam build` output")
    local.set_defaults(run=_cmd_local)

    replay = commands.add_parser("replay", help="replay a JSON Lines file of mentions through the pipeline")
    replay.add_argument("file", help="JSON Lines, one mention per line (see scenarios/)")
    replay.add_argument("--brand", required=True, help="the watched brand the mentions are about")
    replay.add_argument("--local", action="store_true", help="start an embedded runtime and replay into it")
    replay.add_argument("--speed", type=float, default=60.0, help="time compression against a real schedule")
    _stack_option(replay)
    replay.add_argument("--no-build", action="store_true", help="with --local: reuse the `sam build` output")
    _json_option(
        replay,
        "one JSON document: the scenario, the schedule's clock and, with --local, every incident with its "
        "times, severity changes and the detector's whole explanation",
    )
    replay.set_defaults(run=_cmd_replay)

    incidents = commands.add_parser(
        "incidents",
        help="list incidents, newest first, with filters",
        description="Lists incidents, newest first: severity, status, when opened, brand, owner and what "
        "was seen. Filters combine; dates are ISO days (2026-03-02, inclusive) or times.",
    )
    incidents.add_argument(
        "--status", metavar="S", help=f"only this status: {', '.join(s.value for s in IncidentStatus)}"
    )
    incidents.add_argument(
        "--severity", metavar="SEV", help=f"only this severity: {', '.join(s.value for s in Severity)}"
    )
    incidents.add_argument("--brand", metavar="TEXT", help="brands containing TEXT (any case)")
    incidents.add_argument("--from", dest="since", metavar="DATE", help="opened on or after DATE")
    incidents.add_argument("--to", dest="until", metavar="DATE", help="opened on or before DATE")
    incidents.add_argument(
        "--limit", type=_positive, default=100, metavar="N", help="at most N incidents (default 100)"
    )
    _json_option(incidents, "a JSON array of incidents instead of a table")
    _stack_option(incidents)
    incidents.set_defaults(run=_cmd_incidents)

    show = commands.add_parser(
        "show",
        help="one incident: facts, why it was raised, checklist, who is asked now, response times",
        description="Shows an incident as its owner needs it: the facts, the detector's explanation, the "
        "communication checklist with who ticked what and when, the request waiting on people now (who, "
        "which round, until when, what they can decide) and the response's key times.",
    )
    show.add_argument("incident", help="incident id, as `crisiswatch incidents` lists it")
    _json_option(show, "one JSON object: the incident, explanation, checklist, pending request, response")
    _stack_option(show)
    show.set_defaults(run=_cmd_show)

    timeline = commands.add_parser(
        "timeline",
        aliases=["history"],
        help="an incident's execution history and audit trail, in time order",
        description="Merges the Step Functions execution history (every page of it) with the audit "
        "trail: what the flow did and what people decided, oldest first. Task tokens and secrets are "
        "redacted. Step Functions keeps a history 90 days; the audit trail stays.",
    )
    timeline.add_argument("incident", help="incident id")
    _json_option(timeline, "one JSON object: the incident and its entries, each with its record as data")
    _stack_option(timeline)
    timeline.set_defaults(run=_cmd_timeline)

    pending = commands.add_parser(
        "pending",
        help="what open incidents are waiting on, oldest deadline first",
        description="For each open incident, the request nobody has answered yet: who is asked, in which "
        "phase and round, until when, and what they can decide.",
    )
    _json_option(pending, "a JSON array of waiting requests instead of text")
    _stack_option(pending)
    pending.set_defaults(run=_cmd_pending)

    dashboard = commands.add_parser(
        "dashboard",
        help="the dashboard's address and the manager's password",
        description="Prints the stack's DashboardUrl output and the password Secrets Manager generated for "
        "it (user `manager`). On the embedded runtime the dashboard is at the action-link API's address.",
    )
    _json_option(dashboard, "a JSON object with url, user and password")
    _stack_option(dashboard)
    dashboard.set_defaults(run=_cmd_dashboard)

    report = commands.add_parser(
        "report",
        help="write an incident's post-crisis report (HTML, Markdown, charts) to a folder",
        description="Compiles the post-crisis report from the incident, its audit trail, its execution "
        "history and the brand's mention counts, and writes report.html, report.md, volume.svg and "
        "negativity.svg.",
    )
    report.add_argument("incident", help="incident id")
    report.add_argument("--out", metavar="DIR", help="where to write (default ./reports/<incident id>/)")
    _stack_option(report)
    report.set_defaults(run=_cmd_report)

    contacts = commands.add_parser(
        "contacts",
        help="subscribe the escalation policy's contacts to the stack's contacts topic",
        description="Reconciles the contacts topic with the policy: each contact's email and phone "
        "subscribe with a filter on their id; people no longer in the policy are unsubscribed. Run it "
        "after each `sam deploy` that changes config/escalation_policy.toml.",
    )
    contacts.add_argument("action", choices=["sync", "check"], help="sync subscriptions, or only validate")
    contacts.add_argument(
        "--policy",
        default="config/escalation_policy.toml",
        help="escalation policy TOML (default config/escalation_policy.toml)",
    )
    _stack_option(contacts)
    contacts.set_defaults(run=_cmd_contacts)

    redrive = commands.add_parser(
        "redrive",
        help="replay what the dead-letter queues hold, once the cause is fixed",
        description="Replays each message of the stack's dead-letter queues: a failed stream batch is "
        "read again from its stream (between the sequence numbers in the message), filtered like the "
        "event source mapping and sent to the function as the DynamoDB-stream event; a failed "
        "asynchronous fetch is invoked again with its original event. A message is deleted only once "
        "its replay succeeded; what fails again, or whose records have left the stream (after 24 "
        "hours), stays and is reported. Exit status: 0 all replayed, 1 some not (run it again once "
        "fixed), 2 bad arguments, 3 AWS or its configuration.",
    )
    redrive.add_argument(
        "--queue",
        choices=["fetch", "score", "escalation", "all"],
        default="all",
        help="which dead-letter queue (default all)",
    )
    redrive.add_argument("--dry-run", action="store_true", help="show what would be replayed; change nothing")
    redrive.add_argument(
        "--drop-expired",
        action="store_true",
        help="delete the messages whose records have left the stream (after reporting them)",
    )
    _json_option(redrive, "one JSON object at the end: each message's outcome and the summary")
    _stack_option(redrive)
    redrive.set_defaults(run=_cmd_redrive)

    classify = commands.add_parser(
        "classify",
        help="print each mention's language, sentiment and crisis types",
        description="Reads JSON Lines (each with `text`, optionally `id` and `lang`) and prints one JSON "
        "result per line: lang (the language the text was read in: its tag, or identified as the Lambda "
        "does; lang_tag when the tag was overruled), sentiment (VADER with crisis signals; null when "
        "the text cannot be read), label, crisis_types. A bad line gets an `error` and the rest go on.",
    )
    classify.add_argument("file", help="a .jsonl file, or - for standard input")
    classify.add_argument("--taxonomy", help="a crisis taxonomy TOML (default: the packaged one)")
    classify.add_argument("--table", action="store_true", help="aligned text instead of JSON Lines")
    classify.add_argument(
        "--languages",
        help="the brand's languages, likeliest first, as the watchlist names them (default: de,en)",
    )
    classify.set_defaults(run=_cmd_classify)

    detect = commands.add_parser(
        "detect",
        help="score a NAB-format series with the Lambda's volume detector",
        description="Reads `timestamp,value` (one count per 5-minute bucket) and writes "
        "`timestamp,value,anomaly_score`, row for row, with no per-file settings.",
    )
    detect.add_argument("--input", required=True, help="CSV with a timestamp,value header")
    detect.add_argument("--output", required=True, help="where to write the scores")
    detect.set_defaults(run=_cmd_detect)
    return parser


def _report(command: str, problem: Problem, verbose: bool) -> int:
    if verbose:
        traceback.print_exc()
    for line in problem.lines(command):
        print(line, file=sys.stderr)
    return EXIT_AWS


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s"
    )
    try:
        return int(args.run(args))
    except StackNotFoundError as error:
        return _report(args.command, Problem(str(error), error.hint), args.verbose)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in LOCAL_EXTRA:
            raise
        print(
            f"crisiswatch {args.command}: needs the embedded runtime, which this installation lacks "
            f"(no module {error.name!r}): {LOCAL_EXTRA_HINT}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"crisiswatch {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `crisiswatch timeline ID | head`: the reader has what it wanted. Point stdout at /dev/null so the
        # flush at exit does not raise again (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        problem = explain(error)
        if problem is None:
            raise  # not the set-up: a defect, and its traceback is what a bug report needs
        return _report(args.command, problem, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
