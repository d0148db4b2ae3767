"""Chart geometry for server-side SVG (templates/responses/_chart_*.html).

Python computes positions; templates draw them with autoescaped labels, a
``<title>``/``<desc>`` pair and ``role="img"``, and every chart comes with a table
of the same figures. No JavaScript and no external library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 44


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: int = 0


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Series:
    name: str
    index: int


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    # The same figures as a table: header cells, then rows of (label, values...).
    columns: list[str] = field(default_factory=list)
    rows: list[list[str | int]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: float = LEFT
    right_edge: float = WIDTH - RIGHT

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _nice_max(value: int) -> int:
    """The smallest ``4 × step`` covering ``value``, with a step of 1, 2, 3 or 5 × 10ⁿ,
    so that the four grid lines fall on whole numbers."""
    needed = max(1.0, value / 4)
    magnitude = 10 ** int(math.floor(math.log10(needed)))
    for factor in (1, 2, 3, 5, 10):
        step = factor * magnitude
        if step >= needed:
            return int(step * 4)
    return int(needed * 4)  # pragma: no cover - the loop always returns


def _y_ticks(top: int) -> list[Tick]:
    plot = HEIGHT - TOP - BOTTOM
    return [
        Tick(position=HEIGHT - BOTTOM - plot * i / 4, label=f"{round(top * i / 4):g}")
        for i in range(5)
    ]


def grouped_bars(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series_names: Sequence[str],
    values: Sequence[Sequence[int]],
    first_column: str,
) -> Chart:
    """Vertical bars: one group per category, one bar per series in the group.

    ``values[s][c]`` is the value of series ``s`` in category ``c``."""
    top = _nice_max(max((v for row in values for v in row), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(1, len(categories))
    slot = plot_w / n
    group_w = slot * 0.8
    bar_w = group_w / max(1, len(series_names))
    chart = Chart(
        title=title,
        description=description,
        y_ticks=_y_ticks(top),
        series=[Series(name, i) for i, name in enumerate(series_names)],
        columns=[first_column, *series_names],
    )
    for c, category in enumerate(categories):
        x0 = LEFT + slot * c + (slot - group_w) / 2
        for s in range(len(series_names)):
            value = int(values[s][c])
            height = plot_h * value / top if top else 0
            chart.bars.append(
                Bar(
                    x=round(x0 + bar_w * s, 2),
                    y=round(HEIGHT - BOTTOM - height, 2),
                    width=round(bar_w * 0.92, 2),
                    height=round(height, 2),
                    value=value,
                    label=f"{category}: {series_names[s]} {value}",
                    series=s,
                )
            )
        chart.x_labels.append(
            Tick(position=round(LEFT + slot * c + slot / 2, 2), label=category)
        )
        chart.rows.append(
            [category, *(int(values[s][c]) for s in range(len(series_names)))]
        )
    return chart


@dataclass
class HBar:
    label: str
    value: int
    share: float  # 0..100
    width: float
    y: float
    series: int = 0


@dataclass
class HChart:
    title: str
    description: str
    bars: list[HBar]
    total: int
    width: int = WIDTH
    height: int = 0
    label_width: int = 200
    row_height: int = 28
    columns: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def horizontal_bars(
    *,
    title: str,
    description: str,
    items: Sequence[tuple[str, int]],
    columns: Sequence[str],
) -> HChart:
    """One horizontal bar per item, scaled to the largest, with its share."""
    total = sum(value for _label, value in items)
    largest = max((value for _label, value in items), default=0)
    chart = HChart(
        title=title,
        description=description,
        bars=[],
        total=total,
        columns=list(columns),
    )
    span = WIDTH - chart.label_width - 90
    for i, (label, value) in enumerate(items):
        chart.bars.append(
            HBar(
                label=label,
                value=int(value),
                share=round(100 * value / total, 1) if total else 0.0,
                width=round(span * value / largest, 2) if largest else 0,
                y=i * chart.row_height + 6,
                series=i,
            )
        )
    chart.height = len(items) * chart.row_height + 12
    return chart
