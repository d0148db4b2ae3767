"""Small server-side SVG charts (no JavaScript, no CDN). Each chart is an image
with a title and a description for screen readers; pages put a data table next
to it. Values of ``None`` are figures withheld (too few people) or not defined."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 34


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _frame(
    chart_id: str, title: str, description: str, top: float, unit: str
) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(_fmt(top * fraction))}{escape(unit)}</text>'
        )
    return parts


def _x_labels(labels: Sequence[str], slot: float) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        parts.append(
            f'<text class="chart-axis" x="{x:.1f}" y="{HEIGHT - 12}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return parts


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    withheld: Sequence[bool] = (),
    withheld_label: str = "<5",
    unit: str = "",
) -> SafeString:
    """Bars; a value of None is drawn as ``withheld_label`` where ``withheld``
    says it was withheld (too few people), and left empty otherwise."""
    top = _nice_max(max((v for v in values if v is not None), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(values))
    parts = _frame(chart_id, title, description, top, unit)
    for i, value in enumerate(values):
        x = LEFT + slot * i + slot * 0.15
        width = slot * 0.7
        base = TOP + plot_h
        if value is None:
            if not (i < len(withheld) and withheld[i]):
                continue
            parts.append(
                f'<text class="chart-withheld" x="{x + width / 2:.1f}" '
                f'y="{base - 4:.1f}" text-anchor="middle">'
                f"{escape(withheld_label)}</text>"
            )
            continue
        height = plot_h * (value / top) if top else 0
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{base - height:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}">'
            f"<title>{escape(labels[i])}: {escape(_fmt(value))}{escape(unit)}</title>"
            "</rect>"
        )
    parts += _x_labels(labels, slot)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


def line_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    withheld: Sequence[bool] = (),
    withheld_label: str = "<5",
    unit: str = "%",
    top: float | None = 100,
) -> SafeString:
    """A line through the defined values (gaps where a value is None)."""
    top = top or _nice_max(max((v for v in values if v is not None), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(values))
    parts = _frame(chart_id, title, description, top, unit)
    segment: list[str] = []
    segments: list[list[str]] = []
    points: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            if i < len(withheld) and withheld[i]:
                points.append(
                    f'<text class="chart-withheld" x="{LEFT + slot * (i + 0.5):.1f}" '
                    f'y="{TOP + plot_h - 4:.1f}" text-anchor="middle">'
                    f"{escape(withheld_label)}</text>"
                )
            continue
        x = LEFT + slot * (i + 0.5)
        y = TOP + plot_h * (1 - min(value, top) / top)
        segment.append(f"{x:.1f},{y:.1f}")
        points.append(
            f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
            f"<title>{escape(labels[i])}: {escape(_fmt(value))}{escape(unit)}</title>"
            "</circle>"
        )
    if segment:
        segments.append(segment)
    for line in segments:
        if len(line) > 1:
            parts.append(f'<polyline class="chart-line" points="{" ".join(line)}"/>')
    parts += points
    parts += _x_labels(labels, slot)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above
