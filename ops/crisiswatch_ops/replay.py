"""Replay a JSON Lines file of mentions through the real schedule -> fetch -> stream -> score path.

The file goes to the stack's replay bucket with a manifest that maps scenario time onto the schedule's
clock. On the embedded runtime the command drives that clock itself (a tick per schedule period, as fast
as the pipeline takes them); on AWS the manifest's speed compresses time against the real schedule.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crisiswatch.adapters.dynamodb import DynamoAuditLog, DynamoIncidentStore
from crisiswatch.domain.clock import BUCKET, bucket_start, to_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import mention_from_json_line
from crisiswatch.domain.response.audit import AuditKind
from crisiswatch.domain.response.incidents import Incident, brand_slug
from crisiswatch.domain.review.timeline import AuditEntry

from .stack import Stack

if TYPE_CHECKING:
    from .runtime import LocalRuntime

SCHEDULE_PERIOD = timedelta(minutes=5)
OPENED = AuditKind.INCIDENT_OPENED.value


class ReplayFileError(ValueError):
    """The scenario file cannot be replayed: missing, unreadable, or without one valid mention."""


@dataclass(frozen=True)
class ReplayFile:
    """What a replay file holds, checked before anything is uploaded."""

    path: Path
    brand: str
    valid: int
    invalid: list[tuple[int, str]]
    first_at: datetime
    last_at: datetime
    first_crisis_at: datetime | None
    """The first mention labelled `"crisis": true`, when the file carries labels."""

    @classmethod
    def read(cls, path: Path, brand: str) -> ReplayFile:
        valid = 0
        invalid: list[tuple[int, str]] = []
        first: datetime | None = None
        last: datetime | None = None
        first_crisis: datetime | None = None
        try:
            with path.open("r", encoding="utf-8", errors="replace") as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        mention = mention_from_json_line(line, brand)
                    except InvalidMentionError as error:
                        invalid.append((number, error.reason))
                        continue
                    valid += 1
                    first = min(first or mention.created_at, mention.created_at)
                    last = max(last or mention.created_at, mention.created_at)
                    if mention.extra.get("crisis") is True:
                        first_crisis = min(first_crisis or mention.created_at, mention.created_at)
        except OSError as error:
            raise ReplayFileError(f"cannot read {path}: {error.strerror or error}") from None
        if first is None or last is None:
            example = f"; line {invalid[0][0]}: {invalid[0][1]}" if invalid else ""
            raise ReplayFileError(f"{path} holds no valid mention ({len(invalid)} invalid lines{example})")
        return cls(path, brand, valid, invalid, first, last, first_crisis)


@dataclass
class ReplayReport:
    replay: ReplayFile
    ticks: int = 0
    last_tick: datetime | None = None
    wall_seconds: float = 0.0
    incidents: list[Incident] = field(default_factory=list)
    trails: dict[str, list[AuditEntry]] = field(default_factory=dict)
    """Each incident's audit trail, oldest first: where its severity and its changes are recorded."""
    clock_start: datetime | None = None
    period: timedelta = SCHEDULE_PERIOD

    def as_json(self) -> dict[str, Any]:
        """The whole replay as one document, keys in a fixed order and incidents oldest first, so two
        runs diff line by line (only `run.wall_seconds` and the `opened_at` wall times differ)."""
        replay = self.replay
        return {
            "scenario": {
                "file": str(replay.path),
                "brand": replay.brand,
                "mentions": replay.valid,
                "set_aside": [{"line": number, "reason": reason} for number, reason in replay.invalid],
                "first_post": to_iso(replay.first_at),
                "last_post": to_iso(replay.last_at),
                "first_crisis_post": to_iso(replay.first_crisis_at) if replay.first_crisis_at else None,
            },
            "clock": {
                "start": to_iso(self.clock_start) if self.clock_start else None,
                "period_seconds": round(self.period.total_seconds()),
                "ticks": self.ticks,
                "last_tick": to_iso(self.last_tick) if self.last_tick else None,
            },
            "run": {"wall_seconds": round(self.wall_seconds, 1)},
            "incidents": [
                incident_account(incident, self.trails.get(incident.incident_id, []), replay)
                for incident in sorted(
                    self.incidents, key=lambda incident: (incident.detected_bucket, incident.incident_id)
                )
            ],
        }

    @property
    def first_incident(self) -> Incident | None:
        return min(self.incidents, key=lambda incident: incident.detected_bucket) if self.incidents else None

    def lines(self) -> list[str]:
        replay = self.replay
        out = [
            f"Replayed {replay.path.name} ({replay.valid} mentions of {replay.brand}, "
            f"{to_iso(replay.first_at)} to {to_iso(replay.last_at)}): {self.ticks} schedule ticks "
            f"up to {to_iso(self.last_tick) if self.last_tick else '-'}, "
            f"{self.wall_seconds:.1f} s of wall time.",
        ]
        if replay.invalid:
            out.append(
                f"{len(replay.invalid)} line(s) were set aside, e.g. line {replay.invalid[0][0]}: "
                f"{replay.invalid[0][1]}"
            )
        if replay.first_crisis_at:
            out.append(f"First crisis mention: {to_iso(replay.first_crisis_at)}.")
        incident = self.first_incident
        if incident is None:
            out.append("No incident was opened.")
            return out
        detected = incident.detected_at or incident.detected_bucket
        out.append(
            f"Incident {incident.incident_id} ({incident.severity.value}) opened at {to_iso(detected)} "
            f"(bucket {to_iso(incident.detected_bucket)})."
        )
        if replay.first_crisis_at:
            delay = detected - replay.first_crisis_at
            buckets = (incident.detected_bucket - bucket_start(replay.first_crisis_at)) // BUCKET
            if delay < timedelta(0):
                out.append(
                    f"That is {-delay} BEFORE the first crisis mention: a false alarm on the baseline."
                )
            else:
                out.append(
                    f"Detection delay: {delay.total_seconds() / 60:.1f} min after the first crisis mention "
                    f"({buckets} bucket(s) after the crisis bucket)."
                )
        out.append(f"Why: {incident.summary}")
        return out


def upload(s3: Any, bucket: str, replay: ReplayFile, clock_start: datetime, speed: float) -> str:
    """Put the file and its manifest in the replay bucket; the next fetch tick starts reading it."""
    stem = f"replays/{brand_slug(replay.brand)}/{replay.path.stem}-{int(time.time())}"
    s3.put_object(Bucket=bucket, Key=f"{stem}.jsonl", Body=replay.path.read_bytes())
    manifest = {
        "brand": replay.brand,
        "key": f"{stem}.jsonl",
        "scenario_start": to_iso(bucket_start(replay.first_at)),
        "clock_start": to_iso(clock_start),
        "speed": speed,
    }
    s3.put_object(Bucket=bucket, Key=f"{stem}.manifest.json", Body=json.dumps(manifest).encode())
    return stem


def replay_on_runtime(runtime: LocalRuntime, replay: ReplayFile) -> ReplayReport:
    """Replay the file on a running embedded runtime (this process bound to it): one schedule tick per
    period of scenario time, each settled before the next; then read the brand's incidents and trails."""
    stack = Stack(runtime.stack_name, runtime.outputs)
    stack.bind()
    clock_start = scenario_clock_start(replay)
    upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock_start, speed=1.0)
    report = ReplayReport(replay, clock_start=clock_start)
    started = time.monotonic()
    report.ticks, report.last_tick = drive_schedule(
        lambda moment: tick_and_settle(runtime, moment), replay, Schedule(clock_start, report.period)
    )
    runtime.streams.wait_until_idle(timeout=120)
    report.wall_seconds = time.monotonic() - started
    report.incidents = incidents_of(replay.brand)
    audit = DynamoAuditLog()
    report.trails = {incident.incident_id: audit.read(incident.incident_id) for incident in report.incidents}
    return report


def incidents_of(brand: str) -> list[Incident]:
    return [incident for incident in DynamoIncidentStore().list(limit=1000) if incident.brand == brand]


def tick_and_settle(runtime: LocalRuntime, moment: datetime) -> None:
    """One schedule tick, then wait for its fetches and scoring: five real minutes pass between ticks."""
    runtime.scheduler.tick(at=moment)
    runtime.wait_until_idle(timeout=120)


@dataclass(frozen=True)
class Schedule:
    """When a replay's ticks fire: once per `period` of scenario time from `clock_start` (or from the
    tick after `resume_after`, to carry on a replay that stopped early). A stop condition is checked
    every `check_every` ticks."""

    clock_start: datetime
    period: timedelta
    resume_after: datetime | None = None
    check_every: int = 3


def drive_schedule(
    tick: Callable[[datetime], object],
    replay: ReplayFile,
    schedule: Schedule,
    stop_when: Callable[[], bool] | None = None,
    progress: Callable[[int, datetime], None] | None = None,
) -> tuple[int, datetime | None]:
    """Fire the schedule once per period of scenario time, from the first mention to past the last.

    Returns how many ticks fired and the time of the last one.
    """
    clock_start, period, check_every = schedule.clock_start, schedule.period, schedule.check_every
    moment = (schedule.resume_after or clock_start) + period
    end = clock_start + (replay.last_at - bucket_start(replay.first_at)) + 2 * period
    ticks, last = 0, None
    while moment <= end:
        tick(moment)
        ticks, last = ticks + 1, moment
        if progress:
            progress(ticks, moment)
        if stop_when and ticks % check_every == 0 and stop_when():
            break
        moment += period
    return ticks, last


def scenario_clock_start(replay: ReplayFile) -> datetime:
    """On the embedded runtime the schedule's clock runs on scenario time itself."""
    return bucket_start(replay.first_at).astimezone(UTC)


# ----- what a replay knows about each incident, as data ----------------------------------------------


def _minutes(later: datetime, earlier: datetime | None) -> float | None:
    return round((later - earlier).total_seconds() / 60, 1) if earlier else None


def _number(value: Any) -> Any:
    """A number as stored (DynamoDB gives Decimals back): int or float, None left as it is."""
    if value is None or isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def incident_times(incident: Incident, replay: ReplayFile | None) -> dict[str, Any]:
    """When the story started, when the detector saw it, when the incident was opened, and how long after."""
    detected = incident.detected_at or incident.detected_bucket
    first_post = replay.first_at if replay else None
    first_crisis = replay.first_crisis_at if replay else None
    buckets = (
        (incident.detected_bucket - bucket_start(first_crisis)) // BUCKET
        if first_crisis is not None
        else None
    )
    return {
        "first_post": to_iso(first_post) if first_post else None,
        "first_crisis_post": to_iso(first_crisis) if first_crisis else None,
        "detected_bucket": to_iso(incident.detected_bucket),
        "detected_at": to_iso(detected),
        "opened_at": to_iso(incident.opened_at),
        "minutes_from_first_post": _minutes(detected, first_post),
        "minutes_from_first_crisis_post": _minutes(detected, first_crisis),
        "buckets_after_crisis_bucket": buckets,
    }


def _severity_change(entry: AuditEntry) -> dict[str, Any] | None:
    """A severity entry of the trail, whatever its exact kind and detail keys (`to`/`severity`/`new`,
    `from`/`previous`/`old`, `reason`/`why`/`summary`): the opening entry, an entry whose kind names
    severity, or one that moves from one severity to another. None for entries about something else."""
    detail = entry.detail
    to = next((detail[key] for key in ("to", "severity", "new", "new_severity") if detail.get(key)), None)
    before = next(
        (detail[key] for key in ("from", "previous", "old", "old_severity") if detail.get(key)), None
    )
    levels = {known.value for known in Severity}
    moved = str(to) in levels and str(before) in levels
    if entry.kind != OPENED and "severity" not in entry.kind.lower() and not moved:
        return None
    reason = next((detail[key] for key in ("reason", "why", "summary") if detail.get(key)), None)
    return {
        "at": to_iso(entry.at),
        "kind": entry.kind,
        "actor": entry.actor,
        "from": str(before) if before is not None else None,
        "to": str(to) if to is not None else None,
        "reason": str(reason) if reason is not None else None,
    }


def severity_history(incident: Incident, trail: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """The severity it was opened with, then every change the audit trail records, oldest first.

    Without a trail (or without its opening entry) the incident record says the severity it opened with.
    """
    changes = [change for change in map(_severity_change, sorted(trail, key=lambda e: e.at)) if change]
    if not any(change["kind"] == OPENED for change in changes):
        changes.insert(
            0,
            {
                "at": to_iso(incident.opened_at),
                "kind": OPENED,
                "actor": "detector",
                "from": None,
                "to": incident.severity.value,
                "reason": incident.summary or None,
            },
        )
    return changes


def _anomaly_signal(explanation: dict[str, Any], key: str, signal: str) -> dict[str, Any]:
    return {
        "fired": signal in _items(explanation.get("signals")),
        "observed": _number(_mapping(explanation.get("observed")).get(key)),
        "expected": _number(_mapping(explanation.get("expected")).get(key)),
        "anomaly_score": _number(_mapping(explanation.get("scores")).get(key)),
        "threshold": _number(_mapping(explanation.get("threshold")).get("anomaly_score")),
    }


def _post(kind: str, post: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "author": post.get("author"),
        "source": post.get("source"),
        "reach": _number(post.get("reach")),
        "lang": post.get("lang"),
        "created_at": post.get("created_at"),
        "sentiment": _number(post.get("sentiment")),
        "crisis_types": [str(item) for item in _items(post.get("crisis_types"))],
        "url": post.get("url"),
        "excerpt": post.get("text"),
    }


def explanation_account(explanation: dict[str, Any]) -> dict[str, Any]:
    """The detector's explanation reorganised for reading and diffing: every figure it gives, fixed keys,
    mappings turned into lists sorted by name. Keys it does not have come out as None or empty."""
    observed = _mapping(explanation.get("observed"))
    threshold = _mapping(explanation.get("threshold"))
    evidence = _mapping(explanation.get("evidence"))
    crisis_types = [
        {
            "type": name,
            "reports": _number(details.get("observed")),
            "sources": {
                str(source): _number(count)
                for source, count in sorted(_mapping(details.get("sources")).items())
            },
            "usual": _number(details.get("expected")),
            "p_value": _number(details.get("p_value")),
            "threshold_p_value": _number(threshold.get("crisis_type_p_value")),
            "weight": _number(details.get("weight")),
        }
        for name, details in sorted(_mapping(explanation.get("crisis_types")).items())
        if isinstance(details, dict)
    ]
    surging = [
        {
            "source": source,
            "observed": _number(details.get("observed")),
            "usual": _number(details.get("expected")),
        }
        for source, details in sorted(_mapping(explanation.get("sources_above_baseline")).items())
        if isinstance(details, dict)
    ]
    return {
        "bucket": explanation.get("bucket"),
        "signals": [str(signal) for signal in _items(explanation.get("signals"))],
        "volume": _anomaly_signal(explanation, "volume", "volume"),
        "negativity": {
            **_anomaly_signal(explanation, "negative", "negativity"),
            "share": _number(observed.get("negative_share")),
            "reach": _number(observed.get("negative_reach")),
        },
        "crisis_types": crisis_types,
        "sources_above_baseline": surging,
        "spread_threshold": {
            "sources": _number(threshold.get("sources_surging")),
            "ratio": _number(threshold.get("source_ratio")),
        },
        "sources_seen": {
            str(source): _number(count) for source, count in sorted(_mapping(observed.get("sources")).items())
        },
        "top_terms": [
            {"term": str(item[0]), "count": _number(item[1])}
            for item in _items(evidence.get("top_terms"))
            if isinstance(item, list | tuple) and len(item) == 2
        ],
        "notable_posts": _notable_posts(evidence),
    }


def _notable_posts(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The reports of a crisis type first, then the most negative posts, each post once."""
    posts: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for kind, key in (("crisis", "crisis_posts"), ("negative", "negative_posts")):
        for post in _items(evidence.get(key)):
            if not isinstance(post, dict):
                continue
            # A post that is both a report and among the most negative is listed once, as a report.
            identity = post.get("mention_id") or id(post)
            if identity in seen:
                continue
            seen.add(identity)
            posts.append(_post(kind, post))
    return posts


def incident_account(
    incident: Incident, trail: Sequence[AuditEntry], replay: ReplayFile | None = None
) -> dict[str, Any]:
    """All a replay knows about one incident, as JSON-safe data in a fixed key order."""
    return {
        "incident_id": incident.incident_id,
        "brand": incident.brand,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "crisis_types": list(incident.crisis_types),
        "summary": incident.summary,
        "times": incident_times(incident, replay),
        "severity_history": severity_history(incident, trail),
        "explanation": explanation_account(incident.explanation or {}),
    }
