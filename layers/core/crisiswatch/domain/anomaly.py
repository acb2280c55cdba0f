"""Online, causal anomaly score for a mention-volume series (one count per 5-minute bucket).

Method
------
1. Transform: ``y = log1p(count)``. Mention counts are bursty and multiplicative (a spike is "x times
   the usual"), and the log makes a 10 -> 100 jump as visible as 1000 -> 10000 while keeping zeros finite.
2. Seasonal baseline: 24 hour-of-day levels, each an exponentially weighted mean of ``y`` with a memory
   of about ``baseline_days`` (7: a week of that hour, so the daily cycle is removed and a level shift
   is absorbed within days). A bucket whose hour has no level yet falls back to a slow overall level.
3. Robust scale: an exponentially weighted mean absolute deviation of ``y`` from the baseline over
   about ``scale_days`` (3). Mean absolute deviation, rather than variance, so one spike inflates it
   little; ``scale_floor`` (0.1 in log units, i.e. a ~10 % change) stops near-constant and all-zero
   series from dividing by ~0.
4. Signal: the mean of ``y`` over the last ``smooth_buckets`` (2, ten minutes) minus the baseline, in
   units of 1.4826 x the scale (the normal-consistent MAD), giving a robust z.
5. Refractory: a ring of the highest z seen in each of the last ``refractory_hours`` (24) hours. A
   bucket scores only if its z exceeds everything in that ring, so one burst yields one detection (plus
   further ones only while it keeps escalating), and the same daily event does not alert twice a day.
6. Warm-up: nothing scores in the first ``warmup_buckets`` (288 = one day) buckets seen.

The score is ``z / (z + 4)`` in [0, 1): 0 for "not a new high", 0.5 at four robust sigmas.

Data handling (documented behaviour):

* ``None``, NaN and infinite values are missing: score 0.0 and the state is not changed.
* Negative counts are clipped to 0.
* A timestamp not after the last one scored (duplicate or out of order) scores 0.0, state unchanged.
* Gaps (missing buckets) are allowed: the baseline simply is not updated for them; the refractory ring
  forgets the hours that passed, and the short smoothing window restarts after a gap.

State is bounded (about 60 numbers, ~1.1 KB as JSON) and JSON-serialisable via ``to_dict``/``from_dict``.
Only the standard library is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BUCKET_SECONDS = 300
_BUCKETS_PER_DAY = 86_400 // BUCKET_SECONDS
_MAD_TO_SIGMA = 1.4826
_Z_HALF = 4.0


@dataclass(frozen=True)
class AnomalyConfig:
    """Parameters, each with a principled default (see the module docstring)."""

    baseline_days: float = 7.0
    scale_days: float = 3.0
    scale_floor: float = 0.1
    smooth_buckets: int = 2
    refractory_hours: int = 24
    warmup_buckets: int = _BUCKETS_PER_DAY

    def __post_init__(self) -> None:
        if self.baseline_days <= 0 or self.scale_days <= 0 or self.scale_floor <= 0:
            raise ValueError("baseline_days, scale_days and scale_floor must be positive")
        if self.smooth_buckets < 1 or self.refractory_hours < 1 or self.warmup_buckets < 0:
            raise ValueError("smooth_buckets and refractory_hours must be >= 1, warmup_buckets >= 0")


@dataclass
class AnomalyState:
    """Per-series state: bounded (fixed-size lists) and JSON-serialisable."""

    seen: int = 0
    last_epoch: int | None = None
    hour_level: list[float | None] = field(default_factory=lambda: [None] * 24)
    level: float | None = None
    scale: float = 0.0
    recent: list[float] = field(default_factory=list)
    peak_hour: int | None = None
    peaks: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "last_epoch": self.last_epoch,
            "hour_level": list(self.hour_level),
            "level": self.level,
            "scale": self.scale,
            "recent": list(self.recent),
            "peak_hour": self.peak_hour,
            "peaks": list(self.peaks),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnomalyState:
        hour_level = [None if v is None else float(v) for v in data.get("hour_level", [None] * 24)]
        if len(hour_level) != 24:
            hour_level = [None] * 24
        level = data.get("level")
        last = data.get("last_epoch")
        peak_hour = data.get("peak_hour")
        return cls(
            seen=int(data.get("seen", 0)),
            last_epoch=None if last is None else int(last),
            hour_level=hour_level,
            level=None if level is None else float(level),
            scale=float(data.get("scale", 0.0)),
            recent=[float(v) for v in data.get("recent", [])],
            peak_hour=None if peak_hour is None else int(peak_hour),
            peaks=[float(v) for v in data.get("peaks", [])],
        )


def _epoch(ts: datetime) -> int:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return math.floor((ts - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(seconds=1))


class MentionAnomalyDetector:
    """Scores each bucket of a mention-count series as it arrives; see the module docstring."""

    def __init__(self, config: AnomalyConfig | None = None) -> None:
        self.config = config or AnomalyConfig()
        cfg = self.config
        # Each hour-of-day level is updated 12 times a day, so a memory of N days is 12 N updates.
        self._hour_rate = 1.0 / (cfg.baseline_days * 12)
        self._level_rate = 1.0 / (cfg.baseline_days * _BUCKETS_PER_DAY)
        self._scale_rate = 1.0 / (cfg.scale_days * _BUCKETS_PER_DAY)

    def new_state(self) -> AnomalyState:
        return AnomalyState(peaks=[0.0] * self.config.refractory_hours)

    def score(self, state: AnomalyState, timestamp: datetime, value: float | None) -> float:
        """Score the bucket at ``timestamp`` with ``value`` mentions, updating ``state`` in place."""
        cfg = self.config
        if value is None or not math.isfinite(value):
            return 0.0
        epoch = _epoch(timestamp)
        if state.last_epoch is not None and epoch <= state.last_epoch:
            return 0.0
        if len(state.peaks) != cfg.refractory_hours:
            state.peaks = [0.0] * cfg.refractory_hours
        gap = state.last_epoch is not None and epoch - state.last_epoch > BUCKET_SECONDS * 3 // 2
        state.last_epoch = epoch
        self._advance_peaks(state, epoch // 3600)

        y = math.log1p(max(value, 0.0))
        if gap:
            state.recent.clear()
        state.recent.append(y)
        del state.recent[: -cfg.smooth_buckets]
        smoothed = sum(state.recent) / len(state.recent)

        hour = (epoch // 3600) % 24
        hour_level = state.hour_level[hour]
        base = hour_level if hour_level is not None else (state.level if state.level is not None else y)
        z = (smoothed - base) / (_MAD_TO_SIGMA * state.scale + cfg.scale_floor)
        if state.seen < cfg.warmup_buckets:
            z = 0.0
        slot = (epoch // 3600) % cfg.refractory_hours
        result = z / (z + _Z_HALF) if z > 0.0 and z > max(state.peaks) else 0.0
        state.peaks[slot] = max(state.peaks[slot], z)

        state.hour_level[hour] = y if hour_level is None else hour_level + self._hour_rate * (y - hour_level)
        state.level = y if state.level is None else state.level + self._level_rate * (y - state.level)
        state.scale += self._scale_rate * (abs(y - base) - state.scale)
        state.seen += 1
        return result

    def _advance_peaks(self, state: AnomalyState, hour_index: int) -> None:
        """Forget the refractory maxima of hours that have passed since the last bucket."""
        n = self.config.refractory_hours
        if state.peak_hour is None or hour_index - state.peak_hour >= n:
            state.peaks = [0.0] * n
        else:
            for h in range(state.peak_hour + 1, hour_index + 1):
                state.peaks[h % n] = 0.0
        state.peak_hour = hour_index


def score_series(
    values: list[tuple[datetime, float | None]], detector: MentionAnomalyDetector | None = None
) -> list[float]:
    """Score a whole series from a fresh state (convenience for benchmarks and tests)."""
    det = detector or MentionAnomalyDetector()
    state = det.new_state()
    return [det.score(state, ts, v) for ts, v in values]
