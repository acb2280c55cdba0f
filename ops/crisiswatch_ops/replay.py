"""Replay a JSON Lines file of mentions through the real schedule -> fetch -> stream -> score path.

The file goes to the stack's replay bucket with a manifest that maps scenario time onto the schedule's
clock. On the embedded runtime the command drives that clock itself (a tick per schedule period, as fast
as the pipeline takes them); on AWS the manifest's speed compresses time against the real schedule.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.domain.clock import BUCKET, bucket_start, to_iso
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.incidents import Incident, brand_slug
from crisiswatch.domain.mentions import mention_from_json_line

if TYPE_CHECKING:
    from .runtime import LocalRuntime


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
        if first is None or last is None:
            raise ValueError(f"{path} holds no valid mention ({len(invalid)} invalid lines)")
        return cls(path, brand, valid, invalid, first, last, first_crisis)


@dataclass
class ReplayReport:
    replay: ReplayFile
    ticks: int = 0
    last_tick: datetime | None = None
    wall_seconds: float = 0.0
    incidents: list[Incident] = field(default_factory=list)

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


def incidents_of(brand: str) -> list[Incident]:
    return [incident for incident in DynamoIncidentStore().list(limit=1000) if incident.brand == brand]


def tick_and_settle(runtime: LocalRuntime, moment: datetime) -> None:
    """One schedule tick, then wait for its fetches and scoring: five real minutes pass between ticks."""
    runtime.scheduler.tick(at=moment)
    runtime.wait_until_idle(timeout=120)


def drive_schedule(
    tick: Callable[[datetime], object],
    replay: ReplayFile,
    clock_start: datetime,
    period: timedelta,
    stop_when: Callable[[], bool] | None = None,
    check_every: int = 3,
    progress: Callable[[int, datetime], None] | None = None,
    resume_after: datetime | None = None,
) -> tuple[int, datetime | None]:
    """Fire the schedule once per period of scenario time, from the first mention to past the last
    (or from the tick after `resume_after`, to carry on a replay that stopped early).

    Returns how many ticks fired and the time of the last one.
    """
    moment = (resume_after or clock_start) + period
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
