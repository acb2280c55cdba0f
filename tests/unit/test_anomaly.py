"""The online mention-volume anomaly detector: causal, resumable, bounded, and sane on odd input."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch.domain.detection.anomaly import (
    AnomalyConfig,
    AnomalyState,
    MentionAnomalyDetector,
    Observation,
    score_for_z,
    score_series,
    z_for_score,
)

T0 = datetime(2024, 3, 4, 0, 0, tzinfo=UTC)  # a Monday
STEP = timedelta(minutes=5)


def series(
    days: float,
    seed: int = 7,
    spike_at: int | None = None,
    level: float = 20.0,
    weekend: float = 1.0,
    factor: float = 40.0,
) -> list[tuple[datetime, float | None]]:
    """Poisson-ish counts with a daily cycle (and optionally quieter weekends); an hour-long burst at
    `spike_at` multiplies the mean by `factor`."""
    rng = random.Random(seed)
    out: list[tuple[datetime, float | None]] = []
    for i in range(int(days * 288)):
        ts = T0 + i * STEP
        mean = level * (1.0 + 0.6 * math.sin(2 * math.pi * (ts.hour + ts.minute / 60) / 24))
        if ts.weekday() >= 5:
            mean *= weekend
        if spike_at is not None and spike_at <= i < spike_at + 12:
            mean *= factor
        out.append((ts, float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))))
    return out


def run(det: MentionAnomalyDetector, data: list[tuple[datetime, float | None]]) -> list[Observation]:
    state = det.new_state()
    return [det.observe(state, ts, v) for ts, v in data]


# -- causality, persistence, bounded state --------------------------------------------------------


def test_causal_scores_up_to_any_cut_do_not_depend_on_the_future() -> None:
    data = series(20, spike_at=16 * 288)
    full = score_series(data)
    rng = random.Random(1)
    for cut in [*rng.sample(range(1, len(data)), 8), 16 * 288 + 3]:
        assert score_series(data[:cut]) == full[:cut]


def test_state_saved_and_reloaded_mid_series_gives_identical_scores() -> None:
    data = series(18, spike_at=16 * 288 + 30)
    det = MentionAnomalyDetector()
    full = score_series(data, det)
    for cut in (1, 290, 3 * 288 + 7, 16 * 288 + 35, len(data) - 1):
        state = det.new_state()
        first = [det.score(state, ts, v) for ts, v in data[:cut]]
        reloaded = AnomalyState.from_dict(json.loads(json.dumps(state.to_dict())))
        rest = [det.score(reloaded, ts, v) for ts, v in data[cut:]]
        assert first + rest == full


def test_score_delegates_to_observe() -> None:
    data = series(4, spike_at=3 * 288)
    det = MentionAnomalyDetector()
    assert [o.score for o in run(det, data)] == score_series(data, det)


def test_state_stays_small_after_a_long_series() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    for ts, v in series(40, spike_at=20 * 288):
        det.score(state, ts, v)
    size = len(json.dumps(state.to_dict()))
    assert size < 4 * 1024
    assert len(state.peaks) == det.config.refractory_hours
    assert len(state.recent) <= det.config.smooth_buckets
    assert len(state.daily_peaks) == det.config.peak_days
    assert len(state.hour_level) == 24 and len(state.weekday_offset) == 7


def test_state_from_older_or_partial_dict_is_usable() -> None:
    det = MentionAnomalyDetector()
    state = AnomalyState.from_dict({})
    assert det.score(state, T0, 3.0) == 0.0
    assert len(state.peaks) == det.config.refractory_hours
    # A dict written by the previous version of the detector (it had a robust scale, no weekdays).
    old = {
        "seen": 500,
        "last_epoch": int(T0.timestamp()),
        "hour_level": [2.0] * 24,
        "level": 2.0,
        "scale": 0.3,
        "recent": [2.1, 1.9],
        "peak_hour": int(T0.timestamp()) // 3600,
        "peaks": [0.0] * 24,
    }
    state = AnomalyState.from_dict(old)
    scores = [det.score(state, T0 + (i + 1) * STEP, 7.0) for i in range(300)]
    assert all(0.0 <= s < 1.0 for s in scores)
    assert len(json.dumps(state.to_dict())) < 4 * 1024


# -- what it flags ---------------------------------------------------------------------------------


def test_a_clear_spike_scores_higher_than_anything_in_a_calm_series() -> None:
    calm = score_series(series(17, seed=3))
    spiky = score_series(series(17, seed=3, spike_at=16 * 288))
    burst = spiky[16 * 288 : 16 * 288 + 12]
    assert max(burst) > max(calm) + 0.1
    assert max(burst) > 0.5


def test_observation_explains_the_alert() -> None:
    det = MentionAnomalyDetector()
    observations = run(det, series(17, seed=3, spike_at=16 * 288))
    alert = max(observations, key=lambda o: o.score)
    assert alert.status == "scored" and alert.score > 0.5
    assert alert.observed is not None and alert.observed > 10 * alert.expected > 0
    assert alert.z == pytest.approx(alert.excess / alert.typical_peak)
    assert alert.ratio == pytest.approx(math.exp(alert.excess))
    assert alert.typical_ratio == pytest.approx(math.exp(alert.typical_peak))
    assert alert.typical_peak >= det.config.peak_floor
    assert alert.z > alert.refractory_peak
    assert alert.score == pytest.approx(score_for_z(alert.z))
    assert "14 daily maxima" in alert.baseline and "UTC" in alert.baseline
    # The expected count follows the daily cycle: about 20 * (1 + 0.6 sin) mentions per bucket.
    quiet = observations[15 * 288 : 16 * 288]
    assert 4 < min(o.expected for o in quiet) < 12 < 25 < max(o.expected for o in quiet) < 40


def test_score_and_z_convert_both_ways() -> None:
    assert score_for_z(1.5) == 0.5
    assert score_for_z(-1.0) == 0.0
    assert z_for_score(0.5) == pytest.approx(1.5)
    assert z_for_score(score_for_z(3.7)) == pytest.approx(3.7)
    with pytest.raises(ValueError, match="score"):
        z_for_score(1.0)


def test_scores_are_in_unit_interval_and_zero_during_warm_up() -> None:
    observations = run(MentionAnomalyDetector(), series(3, spike_at=100))
    assert all(0.0 <= o.score < 1.0 for o in observations)
    assert not any(o.score for o in observations[:288])
    assert {o.status for o in observations[:288]} == {"warm_up"}


def test_daily_rhythm_alone_never_alerts() -> None:
    scores = score_series(series(21, seed=11))
    assert max(scores[2 * 288 :]) < 0.5


def test_weekly_rhythm_is_learnt() -> None:
    """Weekends at a third of the weekday volume: after two weeks, Monday morning is no surprise."""
    data = series(35, seed=4, weekend=1 / 3)
    observations = run(MentionAnomalyDetector(), data)
    late = observations[21 * 288 :]
    assert max(o.score for o in late) < 0.5
    saturday = [o.expected for o in late if o.timestamp.weekday() == 5 and o.timestamp.hour == 14]
    tuesday = [o.expected for o in late if o.timestamp.weekday() == 1 and o.timestamp.hour == 14]
    assert sum(saturday) / len(saturday) < 0.6 * sum(tuesday) / len(tuesday)


def test_refractory_one_burst_alerts_once_unless_it_escalates() -> None:
    scores = score_series(series(17, spike_at=16 * 288))
    burst = scores[16 * 288 : 16 * 288 + 12]
    flagged = [s for s in burst if s > 0]
    assert flagged
    assert flagged == sorted(flagged)  # later flags in a burst only for a new high
    assert not any(scores[16 * 288 + 12 :])  # nothing after the burst within 24 h


def test_a_burst_creeping_up_in_small_steps_alerts_once() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = series(17, seed=5)
    for ts, v in data:
        det.score(state, ts, v)
    start = data[-1][0] + STEP
    # 5 %-a-bucket growth from 15x the usual: each bucket a new high, none 10 % above the last alert.
    scored = [det.observe(state, start + i * STEP, 300.0 * 1.05**i) for i in range(6)]
    assert [o.score > 0 for o in scored].count(True) <= 2
    assert any(o.status == "not_grown_enough" for o in scored)


def test_a_recurring_burst_becomes_the_new_normal() -> None:
    """A bot posting a burst at 15x the usual every afternoon: news on day one, routine two weeks on."""
    rng = random.Random(9)
    det = MentionAnomalyDetector()
    state = det.new_state()
    first: list[float] = []
    later: list[float] = []
    for i in range(35 * 288):
        ts = T0 + i * STEP
        mean = 10.0 * (1.0 + 0.5 * math.sin(2 * math.pi * ts.hour / 24))
        if i >= 7 * 288 and ts.hour == 15 and ts.minute < 30:
            mean = 150.0
        score = det.score(state, ts, float(max(0, round(rng.gauss(mean, math.sqrt(mean))))))
        if 7 * 288 <= i < 8 * 288:
            first.append(score)
        if i >= 28 * 288:
            later.append(score)
    assert max(first) > 0.5
    assert max(later) < 0.5 < max(first)


# -- odd input ------------------------------------------------------------------------------------


def test_nan_none_and_infinite_are_missing_and_leave_state_alone() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = series(2)
    for ts, v in data[:400]:
        det.score(state, ts, v)
    before = state.to_dict()
    for bad in (float("nan"), None, float("inf"), -float("inf")):
        observation = det.observe(state, data[400][0], bad)
        assert observation.score == 0.0 and observation.status == "missing" and observation.observed is None
        assert observation.expected > 0
        assert state.to_dict() == before


def test_negative_counts_are_clipped_to_zero() -> None:
    det = MentionAnomalyDetector()
    a, b = det.new_state(), det.new_state()
    data = series(2)
    for ts, v in data[:500]:
        det.score(a, ts, v)
        det.score(b, ts, v)
    assert det.score(a, data[500][0], -5.0) == det.score(b, data[500][0], 0.0)
    assert a.to_dict() == b.to_dict()


def test_all_zero_series_never_alerts_and_stays_finite() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    scores = [det.score(state, T0 + i * STEP, 0.0) for i in range(20 * 288)]
    assert not any(scores)
    dumped = json.loads(json.dumps(state.to_dict()))
    assert all(
        math.isfinite(x) for x in dumped["hour_level"] + dumped["weekday_offset"] + dumped["daily_peaks"]
    )
    # A burst after a long silence is still detected.
    assert det.score(state, T0 + 20 * 288 * STEP, 30.0) > 0.5


def test_near_zero_series_a_single_mention_is_not_a_crisis() -> None:
    rng = random.Random(5)
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = [(T0 + i * STEP, float(rng.random() < 0.05)) for i in range(16 * 288)]
    scores = [det.score(state, ts, v) for ts, v in data]
    assert max(scores[288:]) < 0.5
    burst = det.score(state, T0 + 16 * 288 * STEP, 40.0)
    assert burst > 0.5
    assert burst > max(scores)


def test_gaps_duplicates_and_out_of_order_buckets() -> None:
    det = MentionAnomalyDetector()
    data = series(3)
    with_gap = data[:400] + data[460:]  # five hours of buckets missing
    scores = score_series(with_gap, det)
    assert len(scores) == len(with_gap)
    assert all(0.0 <= s < 1.0 for s in scores)
    state = det.new_state()
    for ts, v in data[:300]:
        det.score(state, ts, v)
    before = state.to_dict()
    assert det.observe(state, data[299][0], 500.0).status == "stale"  # duplicate bucket
    assert det.score(state, data[10][0], 500.0) == 0.0  # out of order
    assert state.to_dict() == before
    # A gap longer than the refractory period forgets the old peaks.
    det.score(state, data[299][0] + timedelta(days=2), 20.0)
    assert state.peaks.count(0.0) >= len(state.peaks) - 1


def test_gap_of_days_files_no_empty_day_and_resumes() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = series(20, seed=8)
    for ts, v in data[: 6 * 288]:
        det.score(state, ts, v)
    scores = [det.score(state, ts, v) for ts, v in data[10 * 288 :]]  # four days without data
    assert len(state.daily_peaks) == det.config.peak_days
    assert all(peak > 0 for peak in state.daily_peaks)  # no empty day was filed as a zero peak
    assert max(scores) < 0.5
    # Day 0 is the warm-up, day 1 is complete, day 2 has 20 buckets, day 3 is missing, day 4 is today:
    # only day 1 is filed.
    state = det.new_state()
    for ts, v in [*data[: 2 * 288], *data[2 * 288 : 2 * 288 + 20], *data[4 * 288 : 5 * 288]]:
        det.score(state, ts, v)
    assert len(state.daily_peaks) == 1


def test_level_shift_is_absorbed_within_days() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    rng = random.Random(2)
    scores = []
    for i in range(16 * 288):
        mean = 10.0 if i < 8 * 288 else 100.0
        scores.append(det.score(state, T0 + i * STEP, float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))))
    assert max(scores[8 * 288 : 8 * 288 + 6]) > 0.5  # the shift itself is news
    assert max(scores[14 * 288 :]) < 0.5  # six days later it is the new normal


def test_naive_timestamps_are_utc() -> None:
    data = series(3, spike_at=2 * 288)
    naive = [(ts.replace(tzinfo=None), v) for ts, v in data]
    assert score_series(naive) == score_series(data)


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        AnomalyConfig(peak_floor=0.0)
    with pytest.raises(ValueError, match=">= 1"):
        AnomalyConfig(smooth_buckets=0)
    with pytest.raises(ValueError, match=">= 0"):
        AnomalyConfig(rearm_growth=-0.1)
