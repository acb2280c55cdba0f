"""The `crisiswatch` command. Every subcommand that reads a stack works against AWS and against the
embedded runtime alike: the endpoint comes from the environment (`AWS_ENDPOINT_URL`)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.domain.clock import to_iso, utc_now

from .stack import Stack, StackNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = PROJECT_ROOT / ".crisiswatch"


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DemoFailedError, run_demo  # noqa: PLC0415 - keeps `--help` fast

    try:
        return run_demo(PROJECT_ROOT, STATE_DIR / "demo", build=not args.no_build)
    except DemoFailedError as error:
        print(f"\nDEMO FAILED: {error}", file=sys.stderr)
        return 1


def _cmd_local(args: argparse.Namespace) -> int:
    from .runtime import LocalRuntime  # noqa: PLC0415

    # Live sources are out of reach offline: fetching them is off unless a watchlist is given.
    overrides = {"WatchlistFile": "", **dict(item.split("=", 1) for item in args.parameter)}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with LocalRuntime(
        PROJECT_ROOT,
        STATE_DIR / "local",
        parameter_overrides=overrides,
        moto_port=args.port,
        api_port=args.api_port,
        build=not args.no_build,
        speedup=args.speedup,
    ) as runtime:
        from .contacts import sync_local  # noqa: PLC0415

        subscribed = sync_local(runtime)
        print("CrisisWatch embedded runtime is up.\n")
        print(f"  Contacts     : {len(subscribed.added)} email/SMS subscriptions from the escalation policy")
        print(f"  AWS endpoint : {runtime.endpoint_url}")
        print(f"  Action links : {runtime.api_url}/a/<link id>")
        print(f"  Outbox       : {STATE_DIR / 'local' / 'outbox.jsonl'}")
        print("\nUse it from another shell:")
        for key, value in runtime.environ().items():
            print(f"  export {key}={value}")
        print("  aws dynamodb list-tables")
        print("  crisiswatch replay scenarios/cafe-recall.jsonl --brand 'Northwind Coffee' --speed 600")
        print("  (the next schedule tick replays it; start with --speedup 10 for sooner ticks)")
        print("\nCtrl-C stops it.")
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def _cmd_contacts(args: argparse.Namespace) -> int:
    from crisiswatch.domain.policy import PolicyError, load_policy  # noqa: PLC0415

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


def _cmd_replay(args: argparse.Namespace) -> int:
    from .replay import ReplayFile, ReplayReport, drive_schedule, incidents_of, upload  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    try:
        replay = ReplayFile.read(path, args.brand)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.local:
        from .replay import scenario_clock_start, tick_and_settle  # noqa: PLC0415
        from .runtime import LocalRuntime  # noqa: PLC0415

        with LocalRuntime(
            PROJECT_ROOT,
            STATE_DIR / "replay",
            # Offline, the replay is the only source; replayed time runs fast, so no batching window.
            parameter_overrides={"WatchlistFile": "", "ScoreBatchingWindowSeconds": "0"},
            build=not args.no_build,
            start_scheduler=False,
        ) as rt:
            os.environ.update(rt.environ())
            stack = Stack(rt.stack_name, rt.outputs)
            stack.bind()
            clock_start = scenario_clock_start(replay)
            upload(rt.client("s3"), stack.output("ReplayBucketName"), replay, clock_start, speed=1.0)
            report = ReplayReport(replay)
            started = time.monotonic()
            report.ticks, report.last_tick = drive_schedule(
                lambda moment: tick_and_settle(rt, moment),
                replay,
                clock_start,
                timedelta(minutes=5),
            )
            rt.streams.wait_until_idle(timeout=120)
            report.wall_seconds = time.monotonic() - started
            report.incidents = incidents_of(args.brand)
            print("\n".join(report.lines()))
        return 0
    stack = Stack.find(args.stack)
    stack.bind()
    upload(stack.client("s3"), stack.output("ReplayBucketName"), replay, utc_now(), speed=args.speed)
    print(
        f"Uploaded {replay.valid} mentions; the schedule replays them at {args.speed}x "
        f"from {to_iso(utc_now())}."
    )
    return 0


def _cmd_incidents(args: argparse.Namespace) -> int:

    Stack.find(args.stack).bind()
    incidents = DynamoIncidentStore().list(limit=args.limit)
    if args.brand:
        incidents = [incident for incident in incidents if incident.brand == args.brand]
    if args.status:
        incidents = [incident for incident in incidents if incident.status.value == args.status]
    if not incidents:
        print("No incidents.")
        return 0
    print(f"{'INCIDENT':42} {'SEV':5} {'STATUS':11} {'OPENED':21} {'DECIDED BY':22} SUMMARY")
    for incident in incidents:
        print(
            f"{incident.incident_id:42} {incident.severity.value:5} {incident.status.value:11} "
            f"{to_iso(incident.opened_at):21} {(incident.decided_by or '-'):22} {incident.summary[:80]}"
        )
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from .history import format_timeline, timeline  # noqa: PLC0415

    stack = Stack.find(args.stack)
    stack.bind()
    incident = DynamoIncidentStore().get(args.incident)
    if incident is None:
        print(f"no incident {args.incident!r}", file=sys.stderr)
        return 2
    print(f"{incident.incident_id}  {incident.brand}  {incident.severity.value}  {incident.status.value}")
    print(f"What we saw: {incident.summary}\n")
    print(
        format_timeline(timeline(stack.client("stepfunctions"), incident.execution_arn, incident.incident_id))
    )
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from crisiswatch.domain.taxonomy import TaxonomyError, default_taxonomy, load_taxonomy  # noqa: PLC0415

    from .analysis import AnalysisError, classify_lines, format_row, load_analyzer  # noqa: PLC0415

    try:
        taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else default_taxonomy()
        analyzer = load_analyzer(PROJECT_ROOT)
        handle = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8", errors="replace")  # noqa: SIM115
    except (AnalysisError, TaxonomyError, OSError) as error:
        print(f"classify: {error}", file=sys.stderr)
        return 2
    errors = 0
    with handle:
        for result in classify_lines(handle, analyzer, taxonomy):
            errors += "error" in result
            print(format_row(result) if args.table else json.dumps(result, ensure_ascii=False))
    if errors:
        print(f"classify: {errors} lines could not be read (see their `error`)", file=sys.stderr)
    return 1 if errors else 0


def _cmd_detect(args: argparse.Namespace) -> int:
    from .analysis import AnalysisError, detect_csv  # noqa: PLC0415

    try:
        with (
            open(args.input, encoding="utf-8", newline="") as source,
            open(args.output, "w", encoding="utf-8", newline="") as target,
        ):
            report = detect_csv(source, target)
    except (AnalysisError, OSError, UnicodeDecodeError) as error:
        print(f"detect: {error}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(f"detect: {line}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crisiswatch", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the runtime does")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="replay a crisis end to end on the embedded runtime")
    demo.add_argument("--no-build", action="store_true", help="reuse the existing `sam build` output")
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
    local.add_argument("--no-build", action="store_true")
    local.set_defaults(run=_cmd_local)

    replay = commands.add_parser("replay", help="replay a JSON Lines file of mentions through the pipeline")
    replay.add_argument("file")
    replay.add_argument("--brand", required=True)
    replay.add_argument("--local", action="store_true", help="start an embedded runtime and replay into it")
    replay.add_argument("--speed", type=float, default=60.0, help="time compression against a real schedule")
    replay.add_argument("--stack", help="stack name (default $CRISISWATCH_STACK_NAME or crisiswatch)")
    replay.add_argument("--no-build", action="store_true")
    replay.set_defaults(run=_cmd_replay)

    incidents = commands.add_parser("incidents", help="list incidents")
    incidents.add_argument("--brand")
    incidents.add_argument("--status")
    incidents.add_argument("--limit", type=int, default=100)
    incidents.add_argument("--stack")
    incidents.set_defaults(run=_cmd_incidents)

    history = commands.add_parser("history", help="an incident's execution history and audit trail")
    history.add_argument("incident")
    history.add_argument("--stack")
    history.set_defaults(run=_cmd_history)

    contacts = commands.add_parser(
        "contacts",
        help="subscribe the escalation policy's contacts to the stack's contacts topic",
        description="Reconciles the contacts topic with the policy: each contact's email and phone "
        "subscribe with a filter on their id; people no longer in the policy are unsubscribed. Run it "
        "after each `sam deploy` that changes config/escalation_policy.toml.",
    )
    contacts.add_argument("action", choices=["sync", "check"], help="sync subscriptions, or only validate")
    contacts.add_argument("--policy", default="config/escalation_policy.toml")
    contacts.add_argument("--stack")
    contacts.set_defaults(run=_cmd_contacts)

    classify = commands.add_parser(
        "classify",
        help="print each mention's sentiment and crisis types",
        description="Reads JSON Lines (each with `text`, optionally `id` and `lang`) and prints one JSON "
        "result per line: sentiment (VADER with crisis signals; null when the text cannot be read), "
        "label, crisis_types. A bad line gets an `error` and the rest go on.",
    )
    classify.add_argument("file", help="a .jsonl file, or - for standard input")
    classify.add_argument("--taxonomy", help="a crisis taxonomy TOML (default: the packaged one)")
    classify.add_argument("--table", action="store_true", help="aligned text instead of JSON Lines")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s"
    )
    try:
        return int(args.run(args))
    except StackNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
