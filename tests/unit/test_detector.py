"""The baseline detector: quiet during warm-up, alerts on a negative spike with its reasons, once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from crisiswatch.domain.clock import BUCKET, to_iso
from crisiswatch.domain.detection import (
    MAX_CATCH_UP,
    Alert,
    BaselineDetector,
    BucketStats,
    DetectorState,
    buckets_to_judge,
)
from crisiswatch.domain.incidents import Severity
from tests.fakes import T0, quiet_history

DETECTOR = BaselineDetector()


def spike(at: datetime, volume: int = 60, negative_share: float = 0.8) -> BucketStats:
    negative = int(volume * negative_share)
    return BucketStats(
        bucket=at, volume=volume, negative=negative, scored=volume, negative_reach=negative * 1000,
        sources={"social": volume - 5, "news": 5},
    )  # fmt: skip


def run(
    series: Sequence[BucketStats], detector: BaselineDetector = DETECTOR
) -> tuple[DetectorState, list[Alert]]:
    state = DetectorState()
    alerts = [alert for stats in series if (alert := detector.observe(state, stats))]
    return state, alerts


def warmed(buckets: int = 72) -> tuple[DetectorState, datetime]:
    """A state that has seen `buckets` quiet buckets, and the start of the next bucket."""
    state, alerts = run(quiet_history(buckets))
    assert alerts == []
    return state, T0 + buckets * BUCKET


def test_nothing_alerts_during_warmup_even_a_huge_spike() -> None:
    series = list(quiet_history(DETECTOR.warmup_buckets - 1))
    series.append(spike(T0 + len(series) * BUCKET, volume=500, negative_share=1.0))

    _, alerts = run(series)

    assert alerts == []


def test_the_same_spike_after_warmup_alerts() -> None:
    state, nxt = warmed(DETECTOR.warmup_buckets)

    assert DETECTOR.observe(state, spike(nxt, volume=500, negative_share=1.0)) is not None


def test_a_negative_spike_alerts_with_an_explanation_a_person_can_check() -> None:
    state, nxt = warmed()

    alert = DETECTOR.observe(state, spike(nxt))

    assert alert is not None
    assert alert.bucket == nxt
    assert set(alert.signals) == {"volume", "negativity"}
    why = alert.explanation
    assert why["signals"] == ["volume", "negativity"]
    assert why["observed"]["volume"] == 60
    assert why["observed"]["negative_share"] == 0.8
    assert why["observed"]["sources"] == {"social": 55, "news": 5}
    assert 4 <= why["expected"]["volume"] <= 6  # the quiet history had 4-6 mentions per bucket
    assert why["expected"]["volume"] < why["threshold"]["volume"] < why["observed"]["volume"]
    assert why["threshold"]["volume_z"] == DETECTOR.volume_z
    assert why["baseline_window"]["buckets_seen"] == 72
    assert why["baseline_window"]["since"] == to_iso(nxt - BUCKET)
    assert why["baseline_window"]["half_life_minutes"] == DETECTOR.half_life_buckets * 5
    assert "60 mentions" in alert.summary and "80% negative" in alert.summary


def test_volume_alone_is_not_a_crisis_unless_extreme() -> None:
    state, nxt = warmed()
    happy_burst = spike(nxt, volume=15, negative_share=0.0)  # a viral positive post: z ~ 5, not extreme

    assert DETECTOR.observe(state, happy_burst) is None


def test_an_extreme_volume_alone_alerts() -> None:
    state, nxt = warmed()

    alert = DETECTOR.observe(state, spike(nxt, volume=400, negative_share=0.0))

    assert alert is not None
    assert alert.signals == ("volume",)


def test_negativity_without_volume_does_not_alert() -> None:
    state, nxt = warmed()
    grumpy = BucketStats(bucket=nxt, volume=6, negative=6, scored=6)

    assert DETECTOR.observe(state, grumpy) is None


def test_a_small_absolute_volume_never_alerts() -> None:
    # A brand that usually gets nothing: 7 angry posts is below min_volume.
    state, _ = run(quiet_history(72, volume=lambda _i: 0))
    nxt = T0 + 72 * BUCKET

    assert DETECTOR.observe(state, spike(nxt, volume=DETECTOR.min_volume - 1, negative_share=1.0)) is None


@pytest.mark.parametrize(
    ("sigmas", "share", "severity"),
    [(25, 0.9, Severity.SEV1), (25, 0.45, Severity.SEV2), (9, 0.45, Severity.SEV2), (5, 0.45, Severity.SEV3)],
)
def test_severity_grows_with_size_and_negativity(sigmas: float, share: float, severity: Severity) -> None:
    state, nxt = warmed()
    spread = max(math.sqrt(state.var_volume), math.sqrt(max(state.mean_volume, 1.0)))
    volume = math.ceil(state.mean_volume + sigmas * spread)
    negative = math.ceil(volume * share)
    assert state.mean_negative_share + DETECTOR.negative_share_rise <= negative / volume < 0.5 or share > 0.5

    alert = DETECTOR.observe(state, BucketStats(bucket=nxt, volume=volume, negative=negative, scored=volume))

    assert alert is not None
    assert alert.severity is severity


def test_one_crisis_gives_one_alert() -> None:
    state, nxt = warmed()
    crisis = [spike(nxt + i * BUCKET, volume=60 + 10 * i) for i in range(12)]  # an hour of outrage

    alerts = [alert for stats in crisis if (alert := DETECTOR.observe(state, stats))]

    assert len(alerts) == 1
    assert alerts[0].bucket == nxt


def test_a_second_crisis_after_the_refractory_period_alerts_again() -> None:
    state, nxt = warmed()
    assert DETECTOR.observe(state, spike(nxt)) is not None
    after = nxt + DETECTOR.refractory
    calm = quiet_history(int(DETECTOR.refractory / BUCKET) - 1, start=nxt + BUCKET)
    for stats in calm:
        assert DETECTOR.observe(state, stats) is None

    assert DETECTOR.observe(state, spike(after, volume=80)) is not None


def test_a_crisis_does_not_teach_the_baseline_that_crises_are_normal() -> None:
    state, nxt = warmed()
    before = state.mean_volume
    for i in range(6):
        DETECTOR.observe(state, spike(nxt + i * BUCKET, volume=500))

    # Clipped learning: half an hour of 500-mention buckets barely moves a baseline of ~5.
    assert state.mean_volume < before + 2


def test_partial_assessment_alerts_early_without_learning() -> None:
    state, nxt = warmed()
    learned = replace(state)

    alert = DETECTOR.assess_partial(state, spike(nxt))

    assert alert is not None
    assert (state.buckets_seen, state.mean_volume, state.last_bucket) == (
        learned.buckets_seen,
        learned.mean_volume,
        learned.last_bucket,
    )
    # ... and the full bucket, judged when it closes, is not a second alert.
    assert DETECTOR.observe(state, spike(nxt, volume=90)) is None


def test_state_round_trips_through_a_dict() -> None:
    state, nxt = warmed()
    DETECTOR.observe(state, spike(nxt))

    restored = DetectorState.from_dict(state.to_dict())

    assert restored == state
    assert restored.quiet_until == to_iso(nxt + DETECTOR.refractory)


def test_state_from_dict_ignores_unknown_keys_and_fills_missing_ones() -> None:
    restored = DetectorState.from_dict({"buckets_seen": 3, "added_in_v2": True})

    assert restored == DetectorState(buckets_seen=3)


def test_a_restored_state_judges_exactly_like_the_original() -> None:
    series = [*quiet_history(80), spike(T0 + 80 * BUCKET), *quiet_history(20, T0 + 81 * BUCKET)]
    state_a, state_b = DetectorState(), DetectorState()
    alerts_a, alerts_b = [], []
    for stats in series:
        alerts_a.append(DETECTOR.observe(state_a, stats))
        state_b = DetectorState.from_dict(state_b.to_dict())  # persisted between every invocation
        alerts_b.append(DETECTOR.observe(state_b, stats))

    assert alerts_a == alerts_b
    assert state_a == state_b
    assert any(alerts_a)


def test_detection_is_causal_a_prefix_gives_the_same_state_and_alerts() -> None:
    series = [
        *quiet_history(60),
        spike(T0 + 60 * BUCKET),
        *quiet_history(9, T0 + 61 * BUCKET),
        spike(T0 + 70 * BUCKET, volume=90),  # within the refractory: no second alert
        *quiet_history(30, T0 + 71 * BUCKET),
        spike(T0 + 101 * BUCKET, volume=90),  # after it: a new alert
    ]
    full_state = DetectorState()
    states_along_the_way, alerts_along_the_way = [], []
    for stats in series:
        alerts_along_the_way.append(DETECTOR.observe(full_state, stats))
        states_along_the_way.append(full_state.to_dict())

    for cut in (1, 35, 60, 61, 70, 71, 80, 101, len(series)):
        prefix_state, prefix_alerts = DetectorState(), []
        for stats in series[:cut]:
            prefix_alerts.append(DETECTOR.observe(prefix_state, stats))
        assert prefix_state.to_dict() == states_along_the_way[cut - 1]
        assert prefix_alerts == alerts_along_the_way[:cut]
    assert [a.bucket for a in alerts_along_the_way if a] == [T0 + 60 * BUCKET, T0 + 101 * BUCKET]


def test_gaps_are_judged_as_empty_buckets() -> None:
    state, _ = warmed()
    last = state.last_bucket
    assert last is not None
    gap_end = T0 + 72 * BUCKET + 6 * BUCKET

    pending = list(buckets_to_judge(state, gap_end))

    assert pending == [T0 + (72 + i) * BUCKET for i in range(6)]
    # Judged as empty they pull the expected volume down, exactly like observed zero-mention buckets.
    with_gap = DetectorState.from_dict(state.to_dict())
    with_zeros = DetectorState.from_dict(state.to_dict())
    for moment in pending:
        DETECTOR.observe(with_gap, BucketStats(bucket=moment))
        DETECTOR.observe(with_zeros, BucketStats(bucket=moment, volume=0, negative=0, scored=0))
    assert with_gap == with_zeros
    assert with_gap.mean_volume < state.mean_volume


def test_buckets_to_judge_is_empty_for_a_new_brand_and_when_up_to_date() -> None:
    assert list(buckets_to_judge(DetectorState(), T0)) == []
    assert list(buckets_to_judge(DetectorState(last_bucket=to_iso(T0 - BUCKET)), T0)) == []


def test_a_long_silence_is_caught_up_in_bounded_work() -> None:
    state = DetectorState(last_bucket=to_iso(T0 - timedelta(days=60)))

    pending = list(buckets_to_judge(state, T0))

    assert len(pending) == MAX_CATCH_UP / BUCKET
    assert pending[-1] == T0 - BUCKET
