"""Charts drawn on the server as SVG: no script, no inline style, nothing from elsewhere.

The functions compute geometry; ``templates/admin/_charts.html`` draws it
(colours come from ``style.css``, so the strict CSP holds). Every chart is
also shown as a table beside it, for screen readers and for exact figures.
"""

from __future__ import annotations

import dataclasses

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
PLOT_WIDTH = 360
VALUE_WIDTH = 70


@dataclasses.dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclasses.dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(rows: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars, one per row, the longest filling the plot.

    >>> chart = bar_chart([("started", 10), ("ticket", 4)])
    >>> [(b.y, b.width) for b in chart.bars], chart.height
    ([(0, 360.0), (30, 144.0)], 52)
    """
    largest = max((value for _label, value in rows), default=0) or 1
    bars = [
        Bar(label, value, number * (BAR_HEIGHT + BAR_GAP), PLOT_WIDTH * value / largest)
        for number, (label, value) in enumerate(rows)
    ]
    height = max(len(rows) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return BarChart(bars, LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height)


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    series: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclasses.dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    ticks: list[tuple[str, float]]  # day labels under the plot, with their x
    width: int
    height: int
    plot_height: int
    largest: int


def column_chart(days: list[dict], series: tuple[str, ...], *, plot_height: int = 160, width: int = 640) -> ColumnChart:
    """Side-by-side columns per day for each series (``days``: dicts with a ``day`` and each series' count).

    >>> chart = column_chart([{"day": "2026-11-01", "flows": 4, "tickets": 1}], ("flows", "tickets"))
    >>> [(c.series, c.height) for c in chart.columns]
    [('flows', 160.0), ('tickets', 40.0)]
    """
    largest = max((day[name] for day in days for name in series), default=0) or 1
    slot = width / max(len(days), 1)
    column_width = max(slot * 0.8 / len(series), 1.0)
    columns, ticks = [], []
    every = max(1, len(days) // 8)  # at most about eight day labels
    for number, day in enumerate(days):
        left = number * slot + slot * 0.1
        for position, name in enumerate(series):
            height = plot_height * day[name] / largest
            columns.append(Column(day["day"], name, day[name], left + position * column_width, plot_height - height, column_width, height))
        if number % every == 0:
            ticks.append((day["day"][5:], number * slot + slot / 2))
    return ColumnChart(columns, ticks, width, plot_height + 24, plot_height, largest)
