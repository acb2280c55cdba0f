"""detect(): judge the buckets since the last run, open at most one incident per brand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.detector import BucketStats
from crisiswatch.domain.response.incidents import Incident, IncidentChanges, IncidentStatus, incident_id_for
from crisiswatch.usecases.detection import SAVE_ATTEMPTS, DetectionRun, count_mentions, detect
from tests.fakes import T0, FakeServices, make_mention, quiet_history

BRAND = "Acme Coffee"
WALL_CLOCK = datetime(2030, 1, 1, 9, 0, tzinfo=T0.tzinfo)
"""When the function runs: deliberately unrelated to the data's event time."""


def run_detect(world: FakeServices, now: datetime, brand: str = BRAND) -> Incident | None:
    return detect(brand, DetectionRun(now, WALL_CLOCK), world)


WARM = 600
"""Two days of buckets: past the volume detector's one-day warm-up."""


def warmed_world(brand: str = BRAND, buckets: int = WARM, world: FakeServices | None = None) -> FakeServices:
    """A brand whose detector has judged `buckets` quiet buckets starting at T0."""
    world = world or FakeServices()
    assert run_detect(world, T0, brand) is None  # first sight of the brand: its history starts here
    for stats in quiet_history(buckets):
        world.aggregates.put_bucket(brand, stats)
    assert run_detect(world, T0 + buckets * BUCKET, brand) is None
    assert world.detector_states.state(brand).buckets_seen == buckets
    return world


def add_spike(world: FakeServices, at: datetime, brand: str = BRAND, volume: int = 60) -> None:
    world.aggregates.put_bucket(brand, BucketStats(bucket=at, volume=volume, negative=volume, scored=volume))


SPIKE = T0 + WARM * BUCKET


def test_a_spike_opens_one_incident_with_its_reasons_audited() -> None:
    world = warmed_world()
    add_spike(world, SPIKE)

    incident = run_detect(world, SPIKE + timedelta(minutes=2))

    assert incident is not None
    assert incident.incident_id == incident_id_for(BRAND, SPIKE)
    assert incident.opened_at == WALL_CLOCK
    assert incident.detected_bucket == SPIKE
    assert world.incidents.get(incident.incident_id) is not None
    (entry,) = world.audit.entries
    assert (entry.kind, entry.actor, entry.incident_id) == (
        "incident.opened",
        "detector",
        incident.incident_id,
    )
    assert entry.detail["explanation"]["observed"]["volume"] == 60


def test_a_repeat_with_the_same_data_opens_nothing() -> None:
    world = warmed_world()
    add_spike(world, SPIKE)
    assert run_detect(world, SPIKE + timedelta(minutes=2)) is not None

    assert run_detect(world, SPIKE + timedelta(minutes=2)) is None
    assert run_detect(world, SPIKE + timedelta(minutes=4)) is None
    assert run_detect(world, SPIKE + BUCKET) is None  # the spike bucket is now closed and judged again

    assert len(world.incidents.items) == 1
    assert world.audit.kinds() == ["incident.opened"]


def test_a_run_reads_the_brands_detector_once_and_no_incident(monkeypatch: pytest.MonkeyPatch) -> None:
    world = warmed_world()
    add_spike(world, SPIKE)
    assert run_detect(world, SPIKE + timedelta(minutes=2)) is not None
    looked_up: list[str] = []
    monkeypatch.setattr(world.incidents, "get", looked_up.append)
    reads = world.detector_states.reads
    for stats in quiet_history(2, start=SPIKE + BUCKET):
        world.aggregates.put_bucket(BRAND, stats)

    assert run_detect(world, SPIKE + 2 * BUCKET + timedelta(minutes=1)) is None

    # Whether the incident still runs comes with the state (the brand's lock), not from the incident.
    assert (world.detector_states.reads - reads, looked_up) == (1, [])


def test_a_run_that_changes_nothing_writes_no_state() -> None:
    world = warmed_world()
    saves, version = world.detector_states.saves, world.detector_states.load(BRAND)[1]

    # Later in the same open bucket, nothing new: nothing to write.
    assert run_detect(world, T0 + WARM * BUCKET + timedelta(minutes=3)) is None
    assert (world.detector_states.saves, world.detector_states.load(BRAND)[1]) == (saves, version)

    # The next bucket closes the open one: judged, learnt from, saved.
    assert run_detect(world, T0 + (WARM + 1) * BUCKET + timedelta(minutes=1)) is None
    assert world.detector_states.saves == saves + 1


def test_only_one_incident_per_brand_while_one_is_open() -> None:
    world = warmed_world()
    add_spike(world, SPIKE)
    first = run_detect(world, SPIKE + timedelta(minutes=2))
    assert first is not None
    quiet_until = world.detector_states.state(BRAND).quiet_until
    later = SPIKE + timedelta(hours=3)  # past the refractory period, the first incident still running
    for stats in quiet_history(int((later - SPIKE) / BUCKET) - 1, start=SPIKE + BUCKET):
        world.aggregates.put_bucket(BRAND, stats)
    add_spike(world, later, volume=400)  # a new high, needed within the volume detector's refractory day

    assert run_detect(world, later + timedelta(minutes=1)) is None
    assert len(world.incidents.items) == 1
    # The running incident covers the story: no new alert, its refractory clock untouched.
    assert world.detector_states.state(BRAND).quiet_until == quiet_until
    assert set(world.audit.kinds()) <= {"incident.opened", "incident.severity_changed"}

    # The first incident was decided: the brand is free for the next alert.
    world.incidents.update(first.incident_id, IncidentChanges(status=IncidentStatus.RESOLVED))
    world.incidents.close(first)
    later_still = later + timedelta(hours=3)
    for stats in quiet_history(int((later_still - later) / BUCKET) - 1, start=later + BUCKET):
        world.aggregates.put_bucket(BRAND, stats)
    add_spike(world, later_still, volume=2000)
    second = run_detect(world, later_still + timedelta(minutes=1))
    assert second is not None
    assert second.incident_id != first.incident_id


def test_brands_are_judged_independently() -> None:
    world = warmed_world("Acme Coffee")
    warmed_world("Bolt Bikes", world=world)
    add_spike(world, SPIKE, brand="Bolt Bikes")

    assert run_detect(world, SPIKE + timedelta(minutes=2), "Acme Coffee") is None
    bolt = run_detect(world, SPIKE + timedelta(minutes=2), "Bolt Bikes")

    assert bolt is not None
    assert bolt.brand == "Bolt Bikes"
    assert list(world.incidents.open_by_brand) == ["Bolt Bikes"]


def test_a_lost_state_save_race_is_retried_and_counts_each_bucket_once() -> None:
    world = warmed_world()
    add_spike(world, SPIKE)
    seen_before = world.detector_states.state(BRAND).buckets_seen
    world.detector_states.concurrent_writes = SAVE_ATTEMPTS - 1

    incident = run_detect(world, SPIKE + BUCKET + timedelta(minutes=1))

    assert incident is not None
    assert world.detector_states.state(BRAND).buckets_seen == seen_before + 1  # the spike bucket, once
    assert len(world.incidents.items) == 1


def test_a_state_that_keeps_changing_fails_loudly_and_opens_nothing() -> None:
    world = warmed_world()
    add_spike(world, SPIKE)
    world.detector_states.concurrent_writes = SAVE_ATTEMPTS

    with pytest.raises(RuntimeError, match="kept changing"):
        run_detect(world, SPIKE + timedelta(minutes=2))
    assert world.incidents.items == {}
    assert world.audit.entries == []


def test_silent_buckets_are_judged_as_empty() -> None:
    world = warmed_world()
    before = world.detector_states.state(BRAND)

    assert run_detect(world, SPIKE + 12 * BUCKET) is None  # an hour without a single mention

    after = world.detector_states.state(BRAND)
    assert after.buckets_seen == before.buckets_seen + 12
    assert after.volume != before.volume  # the silence was learnt


def test_judging_as_data_arrives_equals_judging_at_the_end() -> None:
    incremental = FakeServices()
    at_the_end = FakeServices()
    run_detect(incremental, T0)
    run_detect(at_the_end, T0)
    series = [*quiet_history(WARM), BucketStats(SPIKE, 60, 60, 60), *quiet_history(10, SPIKE + BUCKET)]
    for stats in series:
        for world in (incremental, at_the_end):
            world.aggregates.put_bucket(BRAND, stats)
        run_detect(incremental, stats.bucket + timedelta(minutes=3))

    run_detect(incremental, series[-1].bucket + BUCKET)
    run_detect(at_the_end, series[-1].bucket + BUCKET)

    assert incremental.detector_states.state(BRAND) == at_the_end.detector_states.state(BRAND)
    assert (
        list(incremental.incidents.items)
        == list(at_the_end.incidents.items)
        == [incident_id_for(BRAND, SPIKE)]
    )


def test_a_replayed_stream_record_is_counted_once() -> None:
    world = FakeServices()
    mention = make_mention(1, text="terrible service")

    count_mentions([mention, mention], world.sentiment, world.taxonomy, world.aggregates)
    count_mentions([mention], world.sentiment, world.taxonomy, world.aggregates)

    (stats,) = world.aggregates.buckets(BRAND, T0, T0).values()
    assert (stats.volume, stats.negative) == (1, 1)


def test_a_new_brand_learns_from_its_first_mention_however_the_stream_batched_it() -> None:
    """One stream batch may carry hours of a replay: every bucket in it must teach the baseline."""
    world = FakeServices()
    quiet = [make_mention(n, at=T0 + timedelta(minutes=5 * (n // 4), seconds=n % 4)) for n in range(4 * 40)]
    count_mentions(quiet, world.sentiment, world.taxonomy, world.aggregates)
    end = quiet[-1].created_at
    detect(BRAND, DetectionRun(end, end, oldest=quiet[0].created_at), world)
    state, _ = world.detector_states.load(BRAND)
    assert state.buckets_seen == 39  # every closed bucket of the batch, not just the last one
