"""Geometry of the report's inline SVG charts; the templates turn it into markup.

Coordinates are SVG user units. The charts are computed when the report is
built, so the HTML needs no script to draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BAR_STATUSES = ("passed", "failed", "error", "skipped", "disabled")
LABEL_WIDTH = 170
BAR_WIDTH = 280
COUNT_WIDTH = 190
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP_MARGIN = 8


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured part of a bar: the tests or requirements of one status."""

    status: str
    count: int
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a stacked bar chart."""

    label: str
    y: float
    total: int
    segments: list[Segment]
    summary: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal stacked bar chart, one bar per label."""

    title: str
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def stacked_bars(title: str, counts: dict[str, dict[str, int]]) -> BarChart:
    """Lay out one bar per label, each bar as long as the largest total."""
    largest = max((sum(row.values()) for row in counts.values()), default=0) or 1
    bars = []
    for index, (label, row) in enumerate(counts.items()):
        y = TOP_MARGIN + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for status in BAR_STATUSES:
            count = row.get(status, 0)
            if not count:
                continue
            width = BAR_WIDTH * count / largest
            segments.append(Segment(status, count, round(x, 2), round(width, 2)))
            x += width
        summary = ", ".join(f"{segment.count} {segment.status}" for segment in segments)
        bars.append(Bar(label, y, sum(row.values()), segments, summary or "none"))
    height = TOP_MARGIN * 2 + max(len(bars), 1) * ROW_HEIGHT
    return BarChart(
        title, LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, bars
    )


@dataclass(frozen=True, slots=True)
class Point:
    """One run in the trend chart: its position, pass rate and label."""

    x: float
    y: float
    rate: float
    label: str


@dataclass(frozen=True, slots=True)
class LineChart:
    """The pass rate of successive runs, oldest on the left."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: list[Point]
    polyline: str
    ticks: list[tuple[int, float]] = field(default_factory=list)


def pass_rate(totals: dict[str, int]) -> float | None:
    """Return passed / (passed + failed + error) in percent; None when no test ran."""
    ran = totals.get("passed", 0) + totals.get("failed", 0) + totals.get("error", 0)
    if not ran:
        return None
    return 100.0 * totals.get("passed", 0) / ran


def trend_chart(runs: list[tuple[str, dict[str, int]]]) -> LineChart | None:
    """Lay out the pass rate of ``(label, totals)`` runs; None with fewer than two rates."""
    rated = [(label, rate) for label, totals in runs if (rate := pass_rate(totals)) is not None]
    if len(rated) < 2:
        return None
    left, top, plot_width, plot_height = 48, 12, 640, 120
    step = plot_width / (len(rated) - 1)
    points = [
        Point(
            x=round(left + index * step, 2),
            y=round(top + plot_height * (1 - rate / 100.0), 2),
            rate=round(rate, 1),
            label=label,
        )
        for index, (label, rate) in enumerate(rated)
    ]
    ticks = [
        (value, round(top + plot_height * (1 - value / 100.0), 2)) for value in (0, 25, 50, 75, 100)
    ]
    return LineChart(
        width=left + plot_width + 24,
        height=top + plot_height + 40,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        points=points,
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        ticks=ticks,
    )
