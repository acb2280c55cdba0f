"""The crisis detector: small crises caught by their crisis types, big ones by volume and negativity,
each alert explained; causal, bounded and persisted state."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from crisiswatch.domain.clock import BUCKET, to_iso
from crisiswatch.domain.detection.detector import (
    MAX_CATCH_UP,
    Alert,
    BucketStats,
    CrisisDetector,
    DetectorState,
    buckets_to_judge,
    poisson_tail,
)
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from tests.fakes import T0

DETECTOR = CrisisDetector(type_weights=default_taxonomy().weights)
DAY = 288


def ordinary(i: int, start: datetime = T0, types: dict[str, dict[str, int]] | None = None) -> BucketStats:
    """A quiet bucket with a daily rhythm: 2 to 8 mentions over three sources, a few negative."""
    hour = ((start + i * BUCKET).hour + 24) % 24
    volume = 2 + (6 if 9 <= hour <= 21 else 0) * ((i % 5) + 1) // 5
    return BucketStats(
        bucket=start + i * BUCKET,
        volume=volume,
        negative=i % 3 == 0,
        scored=volume,
        sources={"reddit": volume // 2, "bluesky": volume - volume // 2},
        crisis_types=types or {},
    )


def history(buckets: int, start: datetime = T0) -> list[BucketStats]:
    return [ordinary(i, start) for i in range(buckets)]


def run(
    series: Sequence[BucketStats], state: DetectorState | None = None
) -> tuple[DetectorState, list[Alert]]:
    state = state or DetectorState()
    alerts = [alert for stats in series if (alert := DETECTOR.observe(state, stats))]
    return state, alerts


def warmed(buckets: int = 2 * DAY) -> tuple[DetectorState, datetime]:
    state, alerts = run(history(buckets))
    assert alerts == []
    return state, T0 + buckets * BUCKET


def with_types(stats: BucketStats, crisis_type: str, per_source: dict[str, int]) -> BucketStats:
    return BucketStats(
        bucket=stats.bucket,
        volume=stats.volume + sum(per_source.values()),
        negative=stats.negative,
        scored=stats.scored + sum(per_source.values()),
        sources={k: stats.sources.get(k, 0) + per_source.get(k, 0) for k in {*stats.sources, *per_source}},
        crisis_types={crisis_type: per_source},
    )


def test_independent_safety_reports_open_an_incident_while_the_crisis_is_small() -> None:
    state, nxt = warmed()
    first = with_types(ordinary(0, nxt), "legal_safety", {"reddit": 1})
    second = with_types(ordinary(1, nxt), "product_failure", {"mastodon": 1})
    third = with_types(ordinary(2, nxt), "legal_safety", {"bluesky": 1})

    assert DETECTOR.observe(state, first) is None  # one report is not a pattern
    assert DETECTOR.observe(state, second) is None  # another type, and a product failure needs three
    alert = DETECTOR.observe(state, third)  # the second safety report, from another source

    assert alert is not None
    assert alert.bucket == nxt + 2 * BUCKET
    assert "crisis_type" in alert.signals
    assert alert.crisis_types == ("legal_safety",)
    assert alert.severity is Severity.SEV2
    fired = alert.explanation["crisis_types"]["legal_safety"]
    assert fired["observed"] == 2 and fired["sources"] == {"bluesky": 1, "reddit": 1}
    assert fired["p_value"] < DETECTOR.type_p_value
    assert "legal safety reports from 2 sources" in alert.summary


def test_reports_from_a_single_source_are_not_yet_a_crisis() -> None:
    state, nxt = warmed()
    alerts = [
        DETECTOR.observe(state, with_types(ordinary(i, nxt), "data_breach", {"reddit": 2})) for i in range(3)
    ]
    assert alerts == [None, None, None]


def test_a_type_that_is_usual_for_the_brand_needs_far_more_reports() -> None:
    # App-crash complaints every other bucket for two days: product failures are this brand's normal.
    series = [
        with_types(ordinary(i), "product_failure", {"reddit": 1, "bluesky": 1}) if i % 2 else ordinary(i)
        for i in range(2 * DAY)
    ]
    state, alerts = run(series)
    nxt = T0 + 2 * DAY * BUCKET
    assert alerts == []
    burst = [with_types(ordinary(i, nxt), "product_failure", {"reddit": 1, "mastodon": 1}) for i in range(3)]
    assert [DETECTOR.observe(state, stats) for stats in burst] == [None, None, None]


def test_crisis_types_cannot_alert_during_warm_up() -> None:
    state, _ = run(history(DETECTOR.warmup_buckets - 3))
    nxt = T0 + (DETECTOR.warmup_buckets - 3) * BUCKET
    burst = [with_types(ordinary(i, nxt), "data_breach", {"reddit": 2, "x": 2}) for i in range(2)]
    assert [DETECTOR.observe(state, stats) for stats in burst] == [None, None]


def test_a_negative_volume_surge_is_a_crisis_and_a_happy_one_is_not() -> None:
    state, nxt = warmed()
    happy = BucketStats(
        bucket=nxt, volume=300, negative=2, scored=300, sources={"reddit": 150, "bluesky": 150}
    )
    assert DETECTOR.assess_partial(state, happy) is None

    angry = BucketStats(
        bucket=nxt, volume=300, negative=250, scored=300, negative_reach=500_000,
        sources={"reddit": 150, "bluesky": 100, "x": 50},
    )  # fmt: skip
    alert = DETECTOR.assess_partial(state, angry)
    assert alert is not None
    assert {"volume", "negativity", "spread"} <= set(alert.signals)
    assert alert.severity in (Severity.SEV1, Severity.SEV2)
    explanation = alert.explanation
    assert explanation["observed"]["volume"] == 300
    assert 0 < explanation["expected"]["volume"] < 20
    assert set(explanation["sources_above_baseline"]) == {"reddit", "bluesky", "x"}
    assert explanation["threshold"]["anomaly_score"] == DETECTOR.volume_score
    assert explanation["baseline_window"]["buckets_seen"] == 2 * DAY


def test_partial_assessment_does_not_learn() -> None:
    state, nxt = warmed()
    before = json.dumps(state.to_dict(), sort_keys=True)
    DETECTOR.assess_partial(state, BucketStats(bucket=nxt, volume=3, scored=3, sources={"reddit": 3}))
    assert json.dumps(state.to_dict(), sort_keys=True) == before


def test_one_crisis_is_one_alert_within_the_refractory_period() -> None:
    state, nxt = warmed()
    burst = [with_types(ordinary(i, nxt), "data_breach", {"reddit": 2, "x": 2}) for i in range(12)]
    alerts = [alert for stats in burst if (alert := DETECTOR.observe(state, stats))]
    assert len(alerts) == 1
    assert state.quiet_until == to_iso(alerts[0].bucket + DETECTOR.refractory)


def test_state_round_trips_and_a_restored_state_judges_exactly_like_the_original() -> None:
    state_a, nxt = warmed(DAY)
    state_b = DetectorState.from_dict(json.loads(json.dumps(state_a.to_dict())))
    series = [
        with_types(ordinary(i, nxt), "boycott", {"reddit": 3, "x": 3}) if 20 <= i < 23 else ordinary(i, nxt)
        for i in range(60)
    ]
    alerts_a, alerts_b = [], []
    for stats in series:
        alerts_a.append(DETECTOR.observe(state_a, stats))
        state_b = DetectorState.from_dict(json.loads(json.dumps(state_b.to_dict())))  # persisted each time
        alerts_b.append(DETECTOR.observe(state_b, stats))
    assert alerts_a == alerts_b
    assert state_a.to_dict() == state_b.to_dict()
    assert any(alerts_a)


def test_detection_is_causal_a_prefix_gives_the_same_states_and_alerts() -> None:
    rng = random.Random(7)
    series = history(DAY)
    nxt = T0 + DAY * BUCKET
    for i in range(200):
        stats = ordinary(i, nxt)
        if rng.random() < 0.05:
            stats = with_types(
                stats, rng.choice(["data_breach", "boycott"]), {"reddit": rng.randint(1, 3), "x": 1}
            )
        series.append(stats)
    full = DetectorState()
    states, alerts = [], []
    for stats in series:
        alerts.append(DETECTOR.observe(full, stats))
        states.append(json.dumps(full.to_dict(), sort_keys=True))
    for cut in sorted(rng.sample(range(1, len(series)), 8)):
        prefix_state, prefix_alerts = run(series[:cut])
        assert json.dumps(prefix_state.to_dict(), sort_keys=True) == states[cut - 1]
        assert [a for a in alerts[:cut] if a] == prefix_alerts


def test_state_stays_small_with_many_sources_and_types() -> None:
    state, nxt = warmed(DAY)
    for i in range(DAY):
        stats = with_types(ordinary(i, nxt), f"type_{i % 8}", {f"source{i % 12}": 2, "x": 1})
        DETECTOR.observe(state, stats)
    assert len(json.dumps(state.to_dict())) < 8_000


def test_gaps_are_judged_as_empty_buckets() -> None:
    state, nxt = warmed(DAY)
    pending = list(buckets_to_judge(state, nxt + 6 * BUCKET))
    assert pending == [nxt + i * BUCKET for i in range(6)]
    with_gap = DetectorState.from_dict(state.to_dict())
    with_zeros = DetectorState.from_dict(state.to_dict())
    for moment in pending:
        DETECTOR.observe(with_gap, BucketStats(bucket=moment))
        DETECTOR.observe(with_zeros, BucketStats(bucket=moment, volume=0, negative=0, scored=0))
    assert with_gap.to_dict() == with_zeros.to_dict()


def test_a_state_from_an_older_version_is_read_without_crashing() -> None:
    old = {"last_bucket": to_iso(T0), "buckets_seen": 40, "mean_volume": 4.0, "var_volume": 1.0}
    state = DetectorState.from_dict(old)
    assert state.buckets_seen == 40
    assert DETECTOR.observe(state, ordinary(0, T0 + BUCKET)) is None


def test_buckets_to_judge_is_empty_for_a_new_brand_and_when_up_to_date() -> None:
    assert list(buckets_to_judge(DetectorState(), T0)) == []
    assert list(buckets_to_judge(DetectorState(last_bucket=to_iso(T0 - BUCKET)), T0)) == []


def test_a_long_silence_is_caught_up_in_bounded_work() -> None:
    state = DetectorState(last_bucket=to_iso(T0 - timedelta(days=60)))
    pending = list(buckets_to_judge(state, T0))
    assert len(pending) == MAX_CATCH_UP / BUCKET
    assert pending[-1] == T0 - BUCKET


@pytest.mark.parametrize(
    ("count", "mean", "expected"), [(0, 1.0, 1.0), (1, 0.0, 0.0), (2, 0.01, 4.97e-5), (3, 2.0, 0.3233)]
)
def test_poisson_tail(count: int, mean: float, expected: float) -> None:
    assert poisson_tail(count, mean) == pytest.approx(expected, rel=1e-2, abs=1e-12)
