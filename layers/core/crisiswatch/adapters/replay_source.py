"""A source that replays a JSON Lines file from S3, following the schedule's clock.

A drill uploads `replays/<brand>/<name>.jsonl` together with a manifest saying how scenario time maps
to the schedule's time (`scenario_start`, `clock_start`, `speed`). Each scheduled fetch returns the
mentions whose scenario time has come, after the saved cursor (a line number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.clock import parse_iso
from ..domain.errors import InvalidMentionError
from ..domain.listening.mentions import Mention, mention_from_json_line
from ..ports import FetchResult

MAX_PAGE = 2_000
"""Mentions per fetch at most: bounded work per invocation, the rest comes next tick."""


@dataclass(frozen=True)
class ReplayManifest:
    brand: str
    key: str
    scenario_start: datetime
    clock_start: datetime
    speed: float

    def scenario_time(self, now: datetime) -> datetime:
        return self.scenario_start + (now - self.clock_start) * self.speed

    @classmethod
    def from_json(cls, raw: str) -> ReplayManifest:
        data = json.loads(raw)
        return cls(
            brand=str(data["brand"]),
            key=str(data["key"]),
            scenario_start=parse_iso(data["scenario_start"]),
            clock_start=parse_iso(data["clock_start"]),
            speed=float(data.get("speed", 1.0)),
        )


class ReplaySource:
    def __init__(self, s3_client: Any, bucket: str, manifest: ReplayManifest) -> None:
        self.name = "replay"
        self._s3 = s3_client
        self._bucket = bucket
        self.manifest = manifest
        self._lines: list[str] | None = None

    def _read(self) -> list[str]:
        if self._lines is None:
            body = self._s3.get_object(Bucket=self._bucket, Key=self.manifest.key)["Body"].read()
            self._lines = body.decode("utf-8", errors="replace").splitlines()
        return self._lines

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        lines = self._read()
        position = int(cursor) if cursor and cursor.isdigit() else 0
        due = self.manifest.scenario_time(now)
        mentions: list[Mention] = []
        rejected: list[tuple[str, str]] = []
        while position < len(lines) and len(mentions) + len(rejected) < MAX_PAGE:
            line = lines[position]
            if not line.strip():
                position += 1
                continue
            try:
                mention = mention_from_json_line(line, self.manifest.brand)
            except InvalidMentionError as error:
                rejected.append((line[:10_000], f"line {position + 1}: {error.reason}"))
                position += 1
                continue
            if mention.created_at > due:
                break
            mentions.append(mention)
            position += 1
        return FetchResult(mentions, str(position), rejected)


def list_manifests(s3_client: Any, bucket: str) -> list[tuple[str, ReplayManifest | str]]:
    """Every replay under `replays/`: (manifest key, manifest or the reason it could not be read)."""
    found: list[tuple[str, ReplayManifest | str]] = []
    paginator = s3_client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix="replays/"):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            if not key.endswith(".manifest.json"):
                continue
            raw = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
            try:
                found.append((key, ReplayManifest.from_json(raw)))
            # AttributeError/OverflowError: e.g. a numeric or out-of-range time; skip it, like bad JSON.
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
                found.append((key, f"unreadable manifest: {error}"))
    return found
