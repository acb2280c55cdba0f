"""Calibration of the anomaly score: one threshold (0.5) means the same thing on any series."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.nab import count_like
from crisiswatch.domain.detection.anomaly import (
    MentionAnomalyDetector,
    score_for_z,
    score_series,
    z_for_score,
)

T0 = datetime(2024, 3, 4, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)
THRESHOLD = 0.5


def shape(days: int, seed: int, spike_at: int | None = None, factor: float = 1.0) -> list[float]:
    """A unit-level series: daily cycle times multiplicative noise (10 %), an hour-long burst of
    `factor` from bucket `spike_at` on."""
    rng = random.Random(seed)
    out = []
    for i in range(days * 288):
        ts = T0 + i * STEP
        value = (1.0 + 0.5 * math.sin(2 * math.pi * (ts.hour + ts.minute / 60) / 24)) * rng.lognormvariate(
            0, 0.1
        )
        if spike_at is not None and spike_at <= i < spike_at + 12:
            value *= factor
        out.append(value)
    return out


def scores(values: list[float | None], step: timedelta = STEP) -> list[float]:
    return score_series([(T0 + i * step, v) for i, v in enumerate(values)])


def test_the_same_relative_spike_scores_alike_at_very_different_levels() -> None:
    base = shape(20, seed=3, spike_at=17 * 288 + 150, factor=3.0)
    peaks = [max(scores([level * v for v in base])[17 * 288 :]) for level in (300.0, 3_000.0, 300_000.0)]
    assert all(p >= THRESHOLD for p in peaks)
    assert max(peaks) - min(peaks) < 0.03


def test_a_bursty_series_needs_a_bigger_rise_than_a_steady_one() -> None:
    """The yardstick is the series' own typical daily peak: the same 2x burst is news on a steady
    series and ordinary on one whose days bring 3x bursts anyway."""
    steady = [100.0 * v for v in shape(20, seed=4, spike_at=17 * 288 + 150, factor=2.0)]
    bursty = [100.0 * v for v in shape(20, seed=4, spike_at=17 * 288 + 150, factor=2.0)]
    for day in range(20):  # a 3x burst every afternoon (a bot, a daily show)
        for i in range(day * 288 + 180, day * 288 + 186):
            bursty[i] *= 3.0
    assert max(scores(steady)[17 * 288 : 18 * 288]) >= THRESHOLD
    assert max(scores(bursty)[17 * 288 : 17 * 288 + 170]) < THRESHOLD


@pytest.mark.parametrize("level", [0.3, 5.0, 50.0, 5_000.0])
def test_a_flat_noisy_series_does_not_fire(level: float) -> None:
    rng = random.Random(11)
    values: list[float | None] = [float(_poisson(rng, level)) for _ in range(21 * 288)]
    assert max(scores(values)) < THRESHOLD


def test_a_flat_series_with_small_multiplicative_noise_does_not_fire() -> None:
    rng = random.Random(12)
    values: list[float | None] = [1_000.0 * rng.lognormvariate(0, 0.02) for _ in range(21 * 288)]
    assert max(scores(values)) < THRESHOLD


def test_scores_are_in_the_unit_interval_and_the_threshold_is_z_1_5() -> None:
    values: list[float | None] = [100.0 * v for v in shape(10, seed=5, spike_at=8 * 288, factor=50.0)]
    out = scores(values)
    assert all(0.0 <= s < 1.0 for s in out)
    assert max(out) > 0.8
    assert z_for_score(THRESHOLD) == pytest.approx(1.5)
    assert score_for_z(1.5) == pytest.approx(THRESHOLD)


def test_missing_blank_and_negative_counts_are_handled_as_documented() -> None:
    detector = MentionAnomalyDetector()
    clean: list[float | None] = [20.0 * v for v in shape(3, seed=6)]
    state, reference = detector.new_state(), detector.new_state()
    for i, value in enumerate(clean):
        detector.score(reference, T0 + i * STEP, value)
        detector.score(state, T0 + i * STEP, value)
    before = state.to_dict()
    # NaN, infinity and a blank (None) score 0 and leave the state as it was.
    for i, odd in enumerate((float("nan"), float("inf"), None)):
        assert detector.score(state, T0 + (len(clean) + i) * STEP, odd) == 0.0
    assert state.to_dict() == before
    # A negative count is read as 0: the same score and state as a 0.
    at = T0 + (len(clean) + 5) * STEP
    assert detector.score(state, at, -7.0) == detector.score(reference, at, 0.0)
    assert state.to_dict() == reference.to_dict()


def test_an_hourly_series_learns_its_daily_peaks_and_scores_a_burst() -> None:
    """A coarser series is a 5-minute series with gaps: its days still enter the yardstick."""
    rng = random.Random(8)
    hourly: list[float | None] = []
    for h in range(40 * 24):
        value = 200.0 * (1.0 + 0.5 * math.sin(2 * math.pi * (h % 24) / 24)) * rng.lognormvariate(0, 0.1)
        hourly.append(value * (4.0 if h == 35 * 24 + 10 else 1.0))
    detector = MentionAnomalyDetector()
    state = detector.new_state()
    out = [detector.score(state, T0 + timedelta(hours=h), v) for h, v in enumerate(hourly)]
    assert len(state.daily_peaks) == detector.config.peak_days
    assert out[35 * 24 + 10] >= THRESHOLD
    assert sum(s >= THRESHOLD for s in out) <= 3


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def test_the_bench_maps_values_that_are_not_counts_without_depending_on_units() -> None:
    """bench.nab feeds NAB's non-count series (temperatures, CPU %) through a robust per-series
    scale from the probationary period: Celsius and Fahrenheit give the same scores."""
    celsius: list[float | None] = [20.0 + 3.0 * v for v in shape(6, seed=9, spike_at=5 * 288, factor=2.0)]
    fahrenheit: list[float | None] = [None if c is None else 1.8 * c + 32.0 for c in celsius]
    mapped_c, mapped_f = count_like(celsius), count_like(fahrenheit)
    assert mapped_c == pytest.approx(mapped_f)
    assert scores(mapped_c) == pytest.approx(scores(mapped_f), abs=1e-9)
    assert count_like([None, 5.0, float("nan"), 7.0]) == [None, 0.0, None, 200.0]
