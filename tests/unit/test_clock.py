"""Buckets and timestamps: every time is UTC, buckets are aligned, ISO strings sort like the times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crisiswatch.domain.clock import BUCKET, bucket_start, parse_iso, to_iso


@pytest.mark.parametrize(
    ("moment", "start"),
    [
        (datetime(2024, 5, 23, 12, 0, 0, tzinfo=UTC), datetime(2024, 5, 23, 12, 0, tzinfo=UTC)),
        (datetime(2024, 5, 23, 12, 4, 59, 999999, tzinfo=UTC), datetime(2024, 5, 23, 12, 0, tzinfo=UTC)),
        (datetime(2024, 5, 23, 12, 5, 0, tzinfo=UTC), datetime(2024, 5, 23, 12, 5, tzinfo=UTC)),
        (datetime(2024, 5, 23, 23, 59, 59, tzinfo=UTC), datetime(2024, 5, 23, 23, 55, tzinfo=UTC)),
    ],
)
def test_bucket_start_aligns_to_five_minutes(moment: datetime, start: datetime) -> None:
    assert bucket_start(moment) == start


def test_bucket_start_is_the_same_instant_in_any_timezone() -> None:
    berlin = timezone(timedelta(hours=2))
    local = datetime(2024, 5, 23, 14, 7, 30, tzinfo=berlin)

    assert bucket_start(local) == datetime(2024, 5, 23, 12, 5, tzinfo=UTC)
    assert bucket_start(local).tzinfo == UTC


def test_buckets_tile_time_without_gaps() -> None:
    start = datetime(2024, 5, 23, 12, 0, tzinfo=UTC)
    moments = [start + timedelta(seconds=s) for s in range(0, 3600, 17)]
    starts = sorted({bucket_start(m) for m in moments})

    assert starts == [start + i * BUCKET for i in range(12)]


def test_to_iso_is_second_precision_z_and_round_trips() -> None:
    moment = datetime(2024, 5, 23, 12, 6, 2, 987654, tzinfo=UTC)

    assert to_iso(moment) == "2024-05-23T12:06:02Z"
    assert parse_iso(to_iso(moment)) == moment.replace(microsecond=0)


def test_iso_strings_sort_like_the_times_they_name() -> None:
    moments = [datetime(2024, 5, 23, 9, 0, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(200)]
    assert sorted(to_iso(m) for m in moments) == [to_iso(m) for m in sorted(moments)]


@pytest.mark.parametrize("bad", ["", "yesterday", "2024-02-30T00:00:00Z"])
def test_parse_iso_rejects_nonsense(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_iso(bad)
