"""SVG charts of a post-crisis report: the public mood around the response, on the mentions' clock.

Scales, ticks, points and label positions are computed here; `templates/chart.svg` only places them, so
every label goes through Jinja2's escaping. The output is standalone SVG (it can be saved as a file) that
also inlines into HTML: presentation attributes only, no scripts and no style sheet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..domain.clock import BUCKET, to_iso
from ..domain.detection.detector import BucketStats
from ..domain.review.report import Marker, PostCrisisReport
from ..domain.speech import DEFAULT_LANGUAGE, Speech
from ..i18n import speech
from .localised import html_environment

WIDTH, HEIGHT = 720, 260

INK = "#1d2433"
MUTED = "#5a6275"
GRID = "#e3e7ef"
VOLUME = "#3b6ea5"
NEGATIVE = "#b5473a"
REACH = "#d9a08f"
REACH_AXIS = "#9a6555"
CRISIS_BAND = "#f7ecd6"
CRISIS_BAND_EDGE = "#d8c7a3"
HALO = "#ffffff"
MARKER_COLOURS = {
    "detected": "#a8322a",
    "notified": "#b8690b",
    "approved": "#2f7d5b",
    "published": "#1f6b8a",
    "resolved": "#6a4c93",
}
SOLID, BASELINE_DASH, REACH_DASH, MARKER_DASH = "", "6 4", "2 3", "3 3"
"""Dash patterns keep the series apart when the chart is printed in grey."""
STYLE = {
    "ink": INK,
    "muted": MUTED,
    "grid": GRID,
    "reach": REACH,
    "reach_axis": REACH_AXIS,
    "band": CRISIS_BAND,
    "band_edge": CRISIS_BAND_EDGE,
    "halo": HALO,
    "baseline_dash": BASELINE_DASH,
    "marker_dash": MARKER_DASH,
}

CHAR_WIDTH = 6.2
"""Rough width of one character at the charts' 11 px font: enough to keep labels from colliding."""
LABEL_ROW = 12.0
MARKER_GAP = 4.0
TIME_STEPS = tuple(
    timedelta(minutes=minutes) for minutes in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880)
)
MAX_TIME_TICKS = 8


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


PLOT = Box(left=56, top=34, right=664, bottom=214)
"""Room on the left and right for the two value axes, above for the legend, below for the times."""


@dataclass(frozen=True)
class Tick:
    at: float
    """Pixel position along its axis."""
    label: str
    detail: str = ""
    """A second line under a time: the date, where the day changes."""


@dataclass(frozen=True)
class Stroke:
    """How a measure is drawn: its name (the CSS class), colour, dash pattern and line width."""

    name: str
    colour: str
    dash: str
    width: float


@dataclass(frozen=True)
class Series:
    """One plotted measure: polylines broken where it has no value, lone points, the area under it."""

    name: str
    colour: str
    dash: str
    width: float
    segments: tuple[str, ...]
    dots: tuple[tuple[float, float], ...]
    area: str = ""


@dataclass(frozen=True)
class Reference:
    """The dashed level the brand ordinarily sits at."""

    y: float
    label: str


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str


@dataclass(frozen=True)
class MarkerMark:
    key: str
    label: str
    at: str
    """ISO time of the moment, even when it lies outside the chart and is drawn at its edge."""
    title: str
    x: float
    label_x: float
    label_y: float
    anchor: str
    colour: str


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    dash: str
    x: float
    shape: str
    """`line` or `band`."""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    right_ticks: list[Tick]
    series: list[Series]
    reference: Reference
    band: Band | None
    markers: list[MarkerMark]
    legend: list[LegendEntry]
    note: str
    """Shown across an empty chart."""
    plot: Box = PLOT
    width: int = WIDTH
    height: int = HEIGHT


def nice_ticks(maximum: float, count: int = 4, whole: bool = False) -> list[float]:
    """Round values from 0 to at least `maximum` in steps of 1, 2, 2.5 or 5 times a power of ten."""
    maximum = maximum if maximum > 0 else 1.0
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (multiple * magnitude for multiple in (1, 2, 2.5, 5, 10))
    step = next(step for step in steps if step >= raw and (not whole or float(step).is_integer()))
    if whole:
        step = max(1.0, step)
    return [round(index * step, 10) for index in range(math.ceil(maximum / step - 1e-9) + 1)]


def compact(value: float) -> str:
    """`950`, `12k`, `3.4M`: a reach axis reads at a glance."""
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= divisor:
            return f"{value / divisor:.1f}".removesuffix(".0") + suffix
    return f"{value:g}"


def _clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M")


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


class _TimeAxis:
    """Event time across the plot: from the first bucket's start to the last bucket's end."""

    def __init__(self, series: Sequence[BucketStats], fallback: datetime) -> None:
        self.start = series[0].bucket if series else fallback
        self.end = (series[-1].bucket if series else fallback) + BUCKET
        self._span = (self.end - self.start).total_seconds()

    def x(self, moment: datetime) -> float:
        return round(PLOT.left + (moment - self.start).total_seconds() / self._span * PLOT.width, 1)

    def middle(self, stats: BucketStats) -> float:
        return self.x(stats.bucket + BUCKET / 2)

    def ticks(self) -> list[Tick]:
        span = self.end - self.start
        step = next((step for step in TIME_STEPS if span / step <= MAX_TIME_TICKS), TIME_STEPS[-1])
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        moment = epoch + math.ceil((self.start - epoch) / step) * step  # aligned to whole steps of UTC
        ticks: list[Tick] = []
        previous_day = ""
        while moment <= self.end:
            day = _day(moment)
            ticks.append(Tick(self.x(moment), _clock(moment), day if day != previous_day else ""))
            previous_day = day
            moment += step
        return ticks


def _value_scale(top: float) -> Callable[[float], float]:
    return lambda value: round(PLOT.bottom - min(value, top) / top * PLOT.height, 1)


def _value_ticks(
    values: list[float], y: Callable[[float], float], label: Callable[[float], str]
) -> list[Tick]:
    return [Tick(y(value), label(value)) for value in values]


def _series(stroke: Stroke, points: Sequence[tuple[float, float] | None], area: bool) -> Series:
    """Consecutive points make a polyline; a missing value (None) breaks it; a point alone is a dot."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    segments = tuple(" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1)
    dots = tuple(run[0] for run in runs if len(run) == 1)
    filled = ""
    if area and len(runs) == 1 and len(runs[0]) > 1:
        line = runs[0]
        filled = f"{line[0][0]},{PLOT.bottom} {segments[0]} {line[-1][0]},{PLOT.bottom}"
    return Series(stroke.name, stroke.colour, stroke.dash, stroke.width, segments, dots, filled)


def _label_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _free_row(rows: list[list[tuple[float, float]]], span: tuple[float, float]) -> int:
    """The first row of labels with room for `span` (a new row below when none has); takes it."""
    for index, taken in enumerate(rows):
        if all(span[1] < start or span[0] > end for start, end in taken):
            taken.append(span)
            return index
    rows.append([span])
    return len(rows) - 1


def _place_markers(markers: Sequence[Marker], axis: _TimeAxis) -> list[MarkerMark]:
    """A vertical line per response moment; labels that would collide step down a row."""
    rows: list[list[tuple[float, float]]] = []
    placed: list[MarkerMark] = []
    for marker in sorted(markers, key=lambda item: item.at):
        label, note = marker.label, ""
        if marker.at < axis.start:
            x, label, note = PLOT.left, f"← {label}", " (before the charted window)"
        elif marker.at > axis.end:
            x, label, note = PLOT.right, f"{label} →", " (after the charted window)"
        else:
            x = axis.x(marker.at)
        width = _label_width(label)
        if x + MARKER_GAP + width <= PLOT.right:
            anchor, label_x, span = "start", x + MARKER_GAP, (x, x + MARKER_GAP + width)
        else:
            anchor, label_x, span = "end", x - MARKER_GAP, (x - MARKER_GAP - width, x)
        row = _free_row(rows, (span[0] - MARKER_GAP, span[1] + MARKER_GAP))
        placed.append(
            MarkerMark(
                key=marker.key,
                label=label,
                at=to_iso(marker.at),
                title=f"{marker.label}: {to_iso(marker.at)}{note}",
                x=round(x, 1),
                label_x=round(label_x, 1),
                label_y=PLOT.top + LABEL_ROW * (row + 1) - 2,
                anchor=anchor,
                colour=MARKER_COLOURS.get(marker.key, INK),
            )
        )
    return placed


def _legend(entries: Sequence[tuple[str, str, str, str]]) -> list[LegendEntry]:
    """Entries of (label, colour, dash, shape) laid out left to right above the plot."""
    legend, x = [], float(PLOT.left)
    for label, colour, dash, shape in entries:
        legend.append(LegendEntry(label, colour, dash, x, shape))
        x += 24 + _label_width(label) + 14
    return legend


def _moments(markers: Sequence[Marker]) -> str:
    return "; ".join(f"{marker.label} {_clock(marker.at)}" for marker in sorted(markers, key=lambda m: m.at))


def _window(axis: _TimeAxis, voice: Speech) -> str:
    # The charts' axis runs in UTC in every language: the mentions' clock, as the report's tables show.
    return voice.gettext("from %(start)s to %(end)s UTC") % {
        "start": f"{_day(axis.start)} {_clock(axis.start)}",
        "end": f"{_day(axis.end)} {_clock(axis.end)}",
    }


def _voice(report: PostCrisisReport) -> Speech:
    return speech(report.language, report.time_zone)


def _decimal(value: float, voice: Speech, digits: int) -> str:
    """English keeps its `{:.1f}` figures as they were; other languages their own notation."""
    return f"{value:.{digits}f}" if voice.language == DEFAULT_LANGUAGE else voice.number(value, digits)


def volume_chart(report: PostCrisisReport) -> str:
    """Mentions per 5 minutes against the volume the detector expected, with the response moments."""
    axis = _TimeAxis(report.series, report.onset)
    expected = report.baseline.volume
    values = nice_ticks(max([expected, *(stats.volume for stats in report.series)]), whole=True)
    y = _value_scale(values[-1])
    points = [(axis.middle(stats), y(stats.volume)) for stats in report.series]
    peak = report.peak
    voice = _voice(report)
    _ = voice.gettext
    brand = {"brand": report.incident.brand}
    description = _("Mentions of %(brand)s per 5 minutes %(window)s") % {
        **brand,
        "window": _window(axis, voice),
    }
    if peak is not None:
        description += _("; peak %(volume)s at %(clock)s UTC") % {
            "volume": peak.volume,
            "clock": _clock(peak.bucket),
        }
    description += _("; %(expected)s expected. Response moments: %(moments)s.") % {
        "expected": _decimal(expected, voice, 1),
        "moments": _moments(report.markers) or _("none"),
    }
    chart = Chart(
        id="chart-volume",
        title=_("Mentions of %(brand)s per 5 minutes") % brand,
        description=description,
        x_ticks=axis.ticks(),
        y_ticks=_value_ticks(values, y, lambda value: f"{value:g}"),
        right_ticks=[],
        series=[_series(Stroke("volume", VOLUME, SOLID, 2.0), points, area=True)],
        reference=Reference(
            y(expected), _("expected %(expected)s") % {"expected": _decimal(expected, voice, 1)}
        ),
        band=None,
        markers=_place_markers(report.markers, axis),
        legend=_legend(
            [(_("mentions per 5 min"), VOLUME, SOLID, "line"), (_("expected"), MUTED, BASELINE_DASH, "line")]
        ),
        note="" if any(stats.volume for stats in report.series) else _("No mentions in this window"),
    )
    return _render(chart)


def _crisis_band(report: PostCrisisReport, axis: _TimeAxis, label: str) -> Band | None:
    if len(report.periods) < 2:
        return None
    during = report.periods[1]
    left = axis.x(max(during.start, axis.start))
    right = axis.x(min(during.end, axis.end))
    return Band(left, round(right - left, 1), label) if right > left else None


def negativity_chart(report: PostCrisisReport) -> str:
    """Negative share per bucket against the ordinary share, negative reach on its own scale, and the
    crisis period shaded."""
    axis = _TimeAxis(report.series, report.onset)
    voice = _voice(report)
    _ = voice.gettext
    usual = report.baseline.negative_share * 100
    shares = [stats.negative_share * 100 if stats.scored else None for stats in report.series]
    # Below 10 % the axis would magnify noise; above 100 % there is nothing.
    values = nice_ticks(min(100.0, max([10.0, usual, *(share for share in shares if share is not None)])))
    y = _value_scale(values[-1])
    share_points = [
        None if share is None else (axis.middle(stats), y(share))
        for stats, share in zip(report.series, shares, strict=True)
    ]
    series = [_series(Stroke("negative-share", NEGATIVE, SOLID, 2.0), share_points, area=False)]
    legend = [
        (_("negative share"), NEGATIVE, SOLID, "line"),
        (_("usual share"), MUTED, BASELINE_DASH, "line"),
    ]
    right_ticks: list[Tick] = []
    most_reach = max((stats.negative_reach for stats in report.series), default=0)
    if most_reach:
        reach_values = nice_ticks(most_reach, whole=True)
        reach_y = _value_scale(reach_values[-1])
        right_ticks = _value_ticks(reach_values, reach_y, compact)
        reach_points = [(axis.middle(stats), reach_y(stats.negative_reach)) for stats in report.series]
        series.insert(0, _series(Stroke("negative-reach", REACH, REACH_DASH, 1.5), reach_points, area=False))
        legend.append((_("negative reach (right axis)"), REACH, REACH_DASH, "line"))
    band = _crisis_band(report, axis, _("crisis period"))
    if band is not None:
        legend.append((band.label, CRISIS_BAND, SOLID, "band"))
    peak_share = max((share for share in shares if share is not None), default=None)
    brand = {"brand": report.incident.brand}
    description = _("Share of negative mentions of %(brand)s per 5 minutes %(window)s") % {
        **brand,
        "window": _window(axis, voice),
    }
    if peak_share is not None:
        description += _("; highest %(share)s %%") % {"share": _decimal(peak_share, voice, 0)}
    description += _("; usual share %(share)s %%") % {"share": _decimal(usual, voice, 0)}
    if most_reach:
        reach = f"{most_reach:,}" if voice.language == DEFAULT_LANGUAGE else voice.number(most_reach)
        description += _("; negative reach up to %(reach)s followers") % {"reach": reach}
    description += _(". Response moments: %(moments)s.") % {"moments": _moments(report.markers) or _("none")}
    chart = Chart(
        id="chart-negativity",
        title=_("Negative mentions of %(brand)s (share and reach)") % brand,
        description=description,
        x_ticks=axis.ticks(),
        y_ticks=_value_ticks(values, y, lambda value: f"{value:g}%"),
        right_ticks=right_ticks,
        series=series,
        reference=Reference(y(usual), _("usual %(share)s%%") % {"share": _decimal(usual, voice, 0)}),
        band=band,
        markers=_place_markers(report.markers, axis),
        legend=_legend(legend),
        note="" if peak_share is not None else _("No sentiment could be read in this window"),
    )
    return _render(chart)


def _render(chart: Chart) -> str:
    template = html_environment().get_template("chart.svg")
    return str(template.render(chart=chart, style=STYLE))
