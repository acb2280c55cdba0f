"""Report charts: valid standalone SVG with the response moments, the usual levels and honest gaps.

The builders at the top make a post-crisis report from hand-made records (a recall story for a café
brand) and are shared by the dashboard and report-file tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crisiswatch.domain.clock import BUCKET, to_iso
from crisiswatch.domain.detection.detector import BucketStats
from crisiswatch.web.charts import CHAR_WIDTH, PLOT, compact, negativity_chart, nice_ticks, volume_chart
from tests.builders.reports import (
    CRISIS_START,
    DETECTED_AT,
    HOSTILE,
    audit_trail,
    make_incident,
    recall_buckets,
    sample_report,
)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, css_class: str) -> ET.Element:
    found = [element for element in root.iter(f"{SVG}g") if css_class in element.get("class", "").split()]
    assert len(found) == 1, f"{css_class}: {len(found)} groups"
    return found[0]


def markers(root: ET.Element) -> dict[str, ET.Element]:
    return {
        element.get("class", "").split()[1].removeprefix("marker-"): element
        for element in root.iter(f"{SVG}g")
        if element.get("class", "").startswith("marker ")
    }


def texts(element: ET.Element, css_class: str = "") -> list[str]:
    return [
        text.text or ""
        for text in element.iter(f"{SVG}text")
        if not css_class or css_class in text.get("class", "").split()
    ]


def x_at(moment: datetime, start: datetime, end: datetime) -> float:
    return round(PLOT.left + (moment - start) / (end - start) * PLOT.width, 1)


# ----- both charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("render", "chart_id"), [(volume_chart, "chart-volume"), (negativity_chart, "chart-negativity")]
)
def test_each_chart_is_standalone_accessible_svg(render: Any, chart_id: str) -> None:
    svg = render(sample_report())

    root = parsed(svg)

    assert root.tag == f"{SVG}svg"
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert root.get("id") == chart_id and chart_id in root.get("class", "").split()
    assert root.get("viewBox") == "0 0 720 260" and root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert "Cafe Aurora" in (root.findtext(f"{SVG}title") or "")
    assert "alert 10:23; told 10:24; approved 10:48; published 10:50" in (root.findtext(f"{SVG}desc") or "")
    assert "<script" not in svg and "nan" not in svg and "inf" not in svg


@pytest.mark.parametrize("render", [volume_chart, negativity_chart])
def test_every_response_moment_is_a_marker_on_the_mentions_clock(render: Any) -> None:
    report = sample_report()

    found = markers(parsed(render(report)))

    assert {key: element.get("data-at") for key, element in found.items()} == {
        "detected": "2024-03-14T10:23:40Z",
        "notified": "2024-03-14T10:24:10Z",
        "approved": "2024-03-14T10:48:40Z",
        "published": "2024-03-14T10:50:40Z",
        "resolved": "2024-03-14T13:23:40Z",
    }
    start, end = report.series[0].bucket, report.series[-1].bucket + BUCKET
    alert_line = found["detected"].find(f"{SVG}line")
    assert alert_line is not None and float(alert_line.get("x1", "")) == x_at(DETECTED_AT, start, end)


def test_a_moment_after_the_charted_posts_is_drawn_at_the_edge() -> None:
    report = sample_report()
    assert report.series[-1].bucket + BUCKET < report.markers[-1].at  # resolved after the data ends

    resolved = markers(parsed(volume_chart(report)))["resolved"]

    line = resolved.find(f"{SVG}line")
    assert line is not None and float(line.get("x1", "")) == PLOT.right
    assert texts(resolved) == ["resolved →"]
    assert "after the charted window" in (resolved.findtext(f"{SVG}title") or "")


def _label_box(marker: ET.Element) -> tuple[float, float, float]:
    label = marker.find(f"{SVG}text")
    assert label is not None
    x, width = float(label.get("x", "")), len(label.text or "") * CHAR_WIDTH
    left = x if label.get("text-anchor") == "start" else x - width
    return left, left + width, float(label.get("y", ""))


def test_labels_of_moments_close_together_do_not_overlap() -> None:
    found = markers(parsed(volume_chart(sample_report())))

    boxes = {key: _label_box(marker) for key, marker in found.items()}

    # Alert and told are 30 s apart, approved and published 2 minutes: each pair shares its spot.
    assert boxes["detected"][2] != boxes["notified"][2]
    assert boxes["approved"][2] != boxes["published"][2]
    for key, (left, right, y) in boxes.items():
        for other, (other_left, other_right, other_y) in boxes.items():
            if key < other and y == other_y:
                assert right < other_left or other_right < left, f"{key} and {other} overlap"


def test_time_ticks_say_the_date_where_the_day_changes() -> None:
    crisis_start = datetime(2024, 3, 14, 0, 0, tzinfo=UTC)
    incident = make_incident(
        detected_bucket=crisis_start + timedelta(minutes=20),
        detected_at=crisis_start + timedelta(minutes=23),
        opened_at=crisis_start + timedelta(minutes=24),
    )
    report = sample_report(incident, audit_trail(opened=incident.opened_at), recall_buckets(crisis_start))

    axis = group(parsed(volume_chart(report)), "x-axis")

    assert report.series[0].bucket == datetime(2024, 3, 13, 21, 0, tzinfo=UTC)
    assert texts(axis, "date") == ["2024-03-13", "2024-03-14"]
    times = [text for text in texts(axis) if ":" in text]
    assert times[0] == "21:00" and "00:00" in times


# ----- volume ----------------------------------------------------------------------------------------


def test_volume_is_drawn_against_the_expected_level() -> None:
    root = parsed(volume_chart(sample_report()))

    baseline = group(root, "baseline")
    line = baseline.find(f"{SVG}line")

    assert texts(baseline) == ["expected 10.0"]
    assert line is not None and line.get("stroke-dasharray") == "6 4"
    # The axis runs 0..200 in steps of 50 (the peak is 160): 10 is 9 px above the bottom.
    assert texts(group(root, "y-axis")) == ["0", "50", "100", "150", "200"]
    assert float(line.get("y1", "")) == float(line.get("y2", "")) == PLOT.bottom - 9
    series = group(root, "series-volume")
    polylines = series.findall(f"{SVG}polyline")
    assert len(polylines) == 1
    points = polylines[0].get("points", "").split()
    assert len(points) == len(sample_report().series)
    assert min(float(point.split(",")[1]) for point in points) == PLOT.bottom - 160 / 200 * PLOT.height


@pytest.mark.parametrize(
    ("keep", "note", "dots"),
    [(slice(0, 0), ["No mentions in this window"], 0), (slice(-1, None), [], 1)],
    ids=["no buckets", "one bucket"],
)
def test_volume_chart_without_a_line_to_draw_is_still_valid(keep: slice, note: list[str], dots: int) -> None:
    report = sample_report()
    report = replace(report, series=report.series[keep], peak=None)

    svg = volume_chart(report)
    root = parsed(svg)

    assert texts(root, "note") == note
    series = group(root, "series-volume")
    assert series.findall(f"{SVG}polyline") == [] and len(series.findall(f"{SVG}circle")) == dots
    assert len(markers(root)) == 5
    assert "nan" not in svg and "inf" not in svg


# ----- negativity ------------------------------------------------------------------------------------


def test_negative_share_breaks_where_no_sentiment_was_read() -> None:
    # Nobody posted at 10:40 (step 8) or at 10:50-10:55 (steps 10, 11): no share there, not 0 %.
    report = sample_report(buckets=recall_buckets(silent={8, 10, 11}))

    share = group(parsed(negativity_chart(report)), "series-negative-share")

    polylines = share.findall(f"{SVG}polyline")
    assert len(polylines) == 2  # before 10:40, and from 11:00 on
    assert len(share.findall(f"{SVG}circle")) == 1  # 10:45 stands alone
    first_run = polylines[0].get("points", "").split()
    assert len(first_run) == [stats.bucket for stats in report.series].index(CRISIS_START + 8 * BUCKET)


def test_negativity_shows_the_usual_share_the_reach_and_the_crisis_period() -> None:
    report = sample_report()
    start, end = report.series[0].bucket, report.series[-1].bucket + BUCKET

    root = parsed(negativity_chart(report))

    assert texts(group(root, "baseline")) == ["usual 11%"]
    assert texts(group(root, "y-axis")) == ["0%", "20%", "40%", "60%"]
    assert texts(group(root, "y-axis-right")) == ["0", "20k", "40k", "60k", "80k"]
    reach = group(root, "series-negative-reach")
    assert reach.get("stroke-dasharray") == "2 3"
    assert "negative reach (right axis)" in texts(group(root, "legend"))
    band = next(rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "period-during")
    during = report.periods[1]
    assert (during.start, during.end) == (CRISIS_START, CRISIS_START + timedelta(hours=1))
    assert float(band.get("x", "")) == x_at(during.start, start, end)
    assert float(band.get("x", "")) + float(band.get("width", "")) == pytest.approx(
        x_at(during.end, start, end)
    )


def test_negativity_without_any_read_sentiment_says_so() -> None:
    report = sample_report()
    report = replace(report, series=[BucketStats(bucket=stats.bucket) for stats in report.series])

    root = parsed(negativity_chart(report))

    assert texts(root, "note") == ["No sentiment could be read in this window"]
    assert not [
        element for element in root.iter(f"{SVG}g") if "series-negative-reach" in element.get("class", "")
    ]
    assert group(root, "series-negative-share").findall(f"{SVG}polyline") == []


# ----- text from people -----------------------------------------------------------------------------


def test_hostile_brand_names_stay_text_in_the_svg() -> None:
    report = sample_report(make_incident(brand=HOSTILE))

    for render in (volume_chart, negativity_chart):
        svg = render(report)
        root = parsed(svg)
        assert HOSTILE in (root.findtext(f"{SVG}title") or "")
        assert not [element for element in root.iter() if element.tag in {f"{SVG}script", f"{SVG}img"}]
        assert not [name for element in root.iter() for name in element.attrib if name.startswith("on")]


# ----- scales ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "whole", "ticks"),
    [
        (160, True, [0, 50, 100, 150, 200]),
        (52.6, False, [0, 20, 40, 60]),
        (3, True, [0, 1, 2, 3]),
        (0.4, True, [0, 1]),
        (0, False, [0, 0.25, 0.5, 0.75, 1]),
        (100, False, [0, 25, 50, 75, 100]),
    ],
)
def test_value_ticks_are_round_numbers_from_zero(maximum: float, whole: bool, ticks: list[float]) -> None:
    assert nice_ticks(maximum, whole=whole) == ticks


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (950, "950"), (12_000, "12k"), (3_450_000, "3.5M")])
def test_reach_reads_at_a_glance(value: float, text: str) -> None:
    assert compact(value) == text


def test_a_two_day_window_keeps_its_time_ticks_few() -> None:
    long_follow = recall_buckets(follow=timedelta(hours=47))
    report = sample_report(buckets=long_follow)

    axis = group(parsed(volume_chart(report)), "x-axis")

    assert to_iso(report.series[-1].bucket) == "2024-03-16T09:20:00Z"
    assert 4 <= len([text for text in texts(axis) if ":" in text]) <= 9
