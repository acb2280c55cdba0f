"""The online mention-volume anomaly detector: causal, resumable, bounded, and sane on odd input."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from crisiswatch.domain.anomaly import AnomalyConfig, AnomalyState, MentionAnomalyDetector, score_series

T0 = datetime(2024, 3, 4, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)


def series(days: float, seed: int = 7, spike_at: int | None = None) -> list[tuple[datetime, float | None]]:
    """Poisson-ish mention counts with a daily cycle; optionally a 40x burst for an hour at `spike_at`."""
    rng = random.Random(seed)
    out: list[tuple[datetime, float | None]] = []
    for i in range(int(days * 288)):
        ts = T0 + i * STEP
        mean = 20.0 * (1.0 + 0.6 * math.sin(2 * math.pi * (ts.hour + ts.minute / 60) / 24))
        if spike_at is not None and spike_at <= i < spike_at + 12:
            mean *= 40
        out.append((ts, float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))))
    return out


def test_causal_scores_up_to_any_cut_do_not_depend_on_the_future() -> None:
    data = series(5, spike_at=3 * 288)
    full = score_series(data)
    rng = random.Random(1)
    for cut in rng.sample(range(1, len(data)), 8):
        assert score_series(data[:cut]) == full[:cut]


def test_state_saved_and_reloaded_mid_series_gives_identical_scores() -> None:
    data = series(4, spike_at=2 * 288 + 30)
    det = MentionAnomalyDetector()
    full = score_series(data, det)
    for cut in (1, 290, 2 * 288 + 35, len(data) - 1):
        state = det.new_state()
        first = [det.score(state, ts, v) for ts, v in data[:cut]]
        reloaded = AnomalyState.from_dict(json.loads(json.dumps(state.to_dict())))
        rest = [det.score(reloaded, ts, v) for ts, v in data[cut:]]
        assert first + rest == full


def test_state_stays_small_after_a_long_series() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    for ts, v in series(30, spike_at=20 * 288):
        det.score(state, ts, v)
    size = len(json.dumps(state.to_dict()))
    assert size < 8 * 1024
    assert len(state.peaks) == det.config.refractory_hours
    assert len(state.recent) <= det.config.smooth_buckets


def test_a_clear_spike_scores_higher_than_anything_in_a_calm_series() -> None:
    calm = score_series(series(4, seed=3))
    spiky = score_series(series(4, seed=3, spike_at=3 * 288))
    assert max(spiky[3 * 288 : 3 * 288 + 12]) > max(calm) + 0.1
    assert max(spiky[3 * 288 : 3 * 288 + 12]) > 0.5


def test_scores_are_in_unit_interval_and_zero_during_warm_up() -> None:
    scores = score_series(series(3, spike_at=100))
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert not any(scores[:288])


def test_refractory_one_burst_alerts_once_unless_it_escalates() -> None:
    scores = score_series(series(4, spike_at=3 * 288))
    burst = scores[3 * 288 : 3 * 288 + 12]
    flagged = [s for s in burst if s > 0]
    assert flagged
    assert flagged == sorted(flagged)  # later flags in a burst only for a new high
    assert not any(scores[3 * 288 + 12 :])  # nothing after the burst within 24 h


def test_nan_none_and_infinite_are_missing_and_leave_state_alone() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = series(2)
    for ts, v in data[:400]:
        det.score(state, ts, v)
    before = state.to_dict()
    for bad in (float("nan"), None, float("inf"), -float("inf")):
        assert det.score(state, data[400][0], bad) == 0.0
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
    scores = [det.score(state, T0 + i * STEP, 0.0) for i in range(3 * 288)]
    assert not any(scores)
    assert all(math.isfinite(x) for x in json.loads(json.dumps(state.to_dict()))["hour_level"])
    # A burst after a long silence is still detected.
    assert det.score(state, T0 + 3 * 288 * STEP, 30.0) > 0.5


def test_near_zero_series_a_single_mention_is_not_a_crisis() -> None:
    rng = random.Random(5)
    det = MentionAnomalyDetector()
    state = det.new_state()
    data = [(T0 + i * STEP, float(rng.random() < 0.05)) for i in range(4 * 288)]
    scores = [det.score(state, ts, v) for ts, v in data]
    burst = det.score(state, T0 + 4 * 288 * STEP, 40.0)
    assert burst > max(scores)


def test_gaps_duplicates_and_out_of_order_buckets() -> None:
    det = MentionAnomalyDetector()
    data = series(3)
    with_gap = data[:400] + data[460:]  # five hours of buckets missing
    scores = score_series(with_gap, det)
    assert len(scores) == len(with_gap)
    assert all(0.0 <= s <= 1.0 for s in scores)
    state = det.new_state()
    for ts, v in data[:300]:
        det.score(state, ts, v)
    before = state.to_dict()
    assert det.score(state, data[299][0], 500.0) == 0.0  # duplicate bucket
    assert det.score(state, data[10][0], 500.0) == 0.0  # out of order
    assert state.to_dict() == before
    # A gap longer than the refractory period forgets the old peaks.
    det.score(state, data[299][0] + timedelta(days=2), 20.0)
    assert state.peaks.count(0.0) >= len(state.peaks) - 1


def test_level_shift_is_absorbed_within_days() -> None:
    det = MentionAnomalyDetector()
    state = det.new_state()
    rng = random.Random(2)
    scores = []
    for i in range(10 * 288):
        mean = 10.0 if i < 2 * 288 else 100.0
        scores.append(det.score(state, T0 + i * STEP, float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))))
    assert max(scores[2 * 288 : 2 * 288 + 6]) > 0.5  # the shift itself is news
    assert max(scores[8 * 288 :]) < 0.5  # a week later it is the new normal: no 4-sigma alerts


def test_state_from_older_or_partial_dict_is_usable() -> None:
    det = MentionAnomalyDetector()
    state = AnomalyState.from_dict({})
    assert det.score(state, T0, 3.0) == 0.0
    assert len(state.peaks) == det.config.refractory_hours


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        AnomalyConfig(scale_floor=0.0)
    with pytest.raises(ValueError, match=">= 1"):
        AnomalyConfig(smooth_buckets=0)
