"""Online crisis detection over 5-minute buckets of a brand's mentions.

Everything here is causal: a bucket is judged only on what came before it. The detector's state is a
few numbers per brand, so it can be persisted between Lambda invocations.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from .clock import BUCKET, parse_iso, to_iso
from .incidents import Severity


@dataclass(frozen=True)
class BucketStats:
    """What one brand's mentions added up to in one bucket."""

    bucket: datetime
    volume: int = 0
    negative: int = 0
    scored: int = 0
    """Mentions whose sentiment could be read (the denominator of the negative share)."""
    negative_reach: int = 0
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def negative_share(self) -> float:
        return self.negative / self.scored if self.scored else 0.0


@dataclass
class DetectorState:
    """Bounded per-brand state: exponentially weighted baselines and the refractory clock."""

    last_bucket: str | None = None
    buckets_seen: int = 0
    mean_volume: float = 0.0
    var_volume: float = 0.0
    mean_negative_share: float = 0.0
    quiet_until: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorState:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)


@dataclass(frozen=True)
class Alert:
    """A detection, with the numbers a person needs to judge it."""

    bucket: datetime
    severity: Severity
    signals: tuple[str, ...]
    summary: str
    explanation: dict[str, Any]


class Detector(Protocol):
    """The one interface the scoring function depends on; implementations may change freely."""

    def observe(self, state: DetectorState, stats: BucketStats) -> Alert | None:
        """Judge a closed bucket, then fold it into the state (mutated in place)."""
        ...

    def assess_partial(self, state: DetectorState, stats: BucketStats) -> Alert | None:
        """Judge the still-open bucket early, without touching the baseline."""
        ...


@dataclass(frozen=True)
class BaselineDetector:
    """First version: an EWMA baseline of volume and negative share, with a Poisson-style noise floor.

    A bucket alerts when its volume is far above the baseline *and* the conversation turned negative
    (or the volume alone is extreme). Anomalous buckets are clipped before they update the baseline,
    so a crisis does not teach the detector that crises are normal.
    """

    warmup_buckets: int = 36
    """Three hours of history before anything may alert."""
    half_life_buckets: float = 144.0
    """Half a day: slow enough to ignore a burst, fast enough to follow a level shift within days."""
    volume_z: float = 4.0
    extreme_volume_z: float = 10.0
    min_volume: int = 8
    negative_share_rise: float = 0.2
    refractory: timedelta = timedelta(hours=2)

    @property
    def alpha(self) -> float:
        return 1.0 - math.exp(math.log(0.5) / self.half_life_buckets)

    def _expected(self, state: DetectorState) -> tuple[float, float]:
        """Expected volume and the spread to judge it by: never below Poisson noise of the mean."""
        spread = max(math.sqrt(state.var_volume), math.sqrt(max(state.mean_volume, 1.0)))
        return state.mean_volume, spread

    def _judge(self, state: DetectorState, stats: BucketStats) -> Alert | None:
        if state.buckets_seen < self.warmup_buckets:
            return None
        if state.quiet_until and stats.bucket < parse_iso(state.quiet_until):
            return None
        expected, spread = self._expected(state)
        z_score = (stats.volume - expected) / spread
        threshold = expected + self.volume_z * spread
        share_threshold = min(state.mean_negative_share + self.negative_share_rise, 0.95)
        signals: list[str] = []
        if stats.volume >= self.min_volume and z_score >= self.volume_z:
            signals.append("volume")
        if stats.scored >= self.min_volume and stats.negative_share >= share_threshold:
            signals.append("negativity")
        crisis = ("volume" in signals and "negativity" in signals) or (
            "volume" in signals and z_score >= self.extreme_volume_z
        )
        if not crisis:
            return None
        severity = self._severity(z_score, stats.negative_share)
        summary = (
            f"{stats.volume} mentions in 5 min against {expected:.1f} expected "
            f"({z_score:.1f} sigma), {stats.negative_share:.0%} negative "
            f"against {state.mean_negative_share:.0%} usually"
        )
        explanation = {
            "bucket": to_iso(stats.bucket),
            "signals": signals,
            "observed": {
                "volume": stats.volume,
                "negative": stats.negative,
                "negative_share": round(stats.negative_share, 3),
                "negative_reach": stats.negative_reach,
                "sources": dict(stats.sources),
            },
            "expected": {
                "volume": round(expected, 2),
                "volume_spread": round(spread, 2),
                "negative_share": round(state.mean_negative_share, 3),
            },
            "threshold": {
                "volume": round(threshold, 2),
                "volume_z": self.volume_z,
                "negative_share": round(share_threshold, 3),
            },
            "z_score": round(z_score, 2),
            "baseline_window": {
                "buckets_seen": state.buckets_seen,
                "half_life_minutes": self.half_life_buckets * BUCKET.total_seconds() / 60,
                "since": state.last_bucket,
            },
        }
        return Alert(stats.bucket, severity, tuple(signals), summary, explanation)

    @staticmethod
    def _severity(z_score: float, negative_share: float) -> Severity:
        if z_score >= 20 and negative_share >= 0.5:
            return Severity.SEV1
        if z_score >= 8 or negative_share >= 0.5:
            return Severity.SEV2
        return Severity.SEV3

    def observe(self, state: DetectorState, stats: BucketStats) -> Alert | None:
        alert = self._judge(state, stats)
        if alert:
            state.quiet_until = to_iso(stats.bucket + self.refractory)
        self._learn(state, stats)
        return alert

    def assess_partial(self, state: DetectorState, stats: BucketStats) -> Alert | None:
        alert = self._judge(state, stats)
        if alert:
            state.quiet_until = to_iso(stats.bucket + self.refractory)
        return alert

    def _learn(self, state: DetectorState, stats: BucketStats) -> None:
        # A plain running mean until the half-life is reached, so early buckets do not bias the baseline.
        alpha = max(self.alpha, 1.0 / (state.buckets_seen + 1))
        expected, spread = self._expected(state)
        # Clip outliers so the baseline keeps describing normal days.
        ceiling = expected + 3 * spread if state.buckets_seen else float("inf")
        volume = min(float(stats.volume), ceiling)
        delta = volume - state.mean_volume
        state.mean_volume += alpha * delta
        state.var_volume = (1 - alpha) * (state.var_volume + alpha * delta * delta)
        if stats.scored and stats.volume <= ceiling:
            state.mean_negative_share += alpha * (stats.negative_share - state.mean_negative_share)
        state.buckets_seen += 1
        state.last_bucket = to_iso(stats.bucket)


MAX_CATCH_UP = timedelta(days=7)
"""A brand silent for longer restarts its walk here: bounded work per invocation."""


def buckets_to_judge(state: DetectorState, current_bucket: datetime) -> Iterator[datetime]:
    """The closed buckets since the state's last one, oldest first, gaps included (as empty buckets)."""
    if state.last_bucket is None:
        return
    start = parse_iso(state.last_bucket) + BUCKET
    start = max(start, current_bucket - MAX_CATCH_UP)
    moment = start
    while moment < current_bucket:
        yield moment
        moment += BUCKET
