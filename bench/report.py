"""Benchmark figures in one shape, for ``make bench``'s combined table.

Each benchmark keeps printing its own table; with ``--json PATH`` it also writes
its headline figures there as rows made by :func:`row`::

    {"bench": "live", "name": "delivery p95, 1,000 clients", "value": 270.0,
     "unit": "ms", "ceiling": 190.0, "ratio": 1.42, "target": "≤ 1.5× ceiling",
     "met": true}

``ceiling`` is the same work done by the barest thing that can do it, measured in
the same run; ``ratio`` is ``value / ceiling``. A target is one bound, on the value
(``at_most``/``at_least``) or on the ratio (``ratio_at_most``/``ratio_at_least``);
``met`` is ``None`` for a figure without a target. A figure that could not be
measured (``None`` or NaN) misses its target. ``bench/all.py`` reads the files and
prints :func:`table`.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

MISS = "MISS"


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _amount(value: float, unit: str = "") -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}".rstrip()


def row(
    bench: str,
    name: str,
    value: Any,
    unit: str = "",
    *,
    ceiling: Any = None,
    at_most: float | None = None,
    at_least: float | None = None,
    ratio_at_most: float | None = None,
    ratio_at_least: float | None = None,
) -> dict[str, Any]:
    """One figure, with its ceiling and target, and whether the target is met."""
    bounds = [at_most, at_least, ratio_at_most, ratio_at_least]
    if sum(bound is not None for bound in bounds) > 1:
        raise ValueError("a figure has one target")
    number = _number(value)
    top = _number(ceiling)
    ratio = number / top if number is not None and top else None
    target = ""
    met: bool | None = None
    if at_most is not None:
        target, met = (
            f"≤ {_amount(at_most, unit)}",
            number is not None and number <= at_most,
        )
    elif at_least is not None:
        target = f"≥ {_amount(at_least, unit)}"
        met = number is not None and number >= at_least
    elif ratio_at_most is not None:
        target = f"≤ {ratio_at_most:g}× ceiling"
        met = ratio is not None and ratio <= ratio_at_most
    elif ratio_at_least is not None:
        target = f"≥ {ratio_at_least:g}× ceiling"
        met = ratio is not None and ratio >= ratio_at_least
    return {
        "bench": bench,
        "name": name,
        "value": number,
        "unit": unit,
        "ceiling": top,
        "ratio": None if ratio is None else round(ratio, 4),
        "target": target,
        "met": met,
    }


def failed(bench: str, reason: str) -> dict[str, Any]:
    """The row of a benchmark that did not finish: it misses."""
    return {
        "bench": bench,
        "name": f"did not finish: {reason}",
        "value": None,
        "unit": "",
        "ceiling": None,
        "ratio": None,
        "target": "finishes",
        "met": False,
    }


def skipped(bench: str, reason: str) -> dict[str, Any]:
    """The row of a benchmark that was not run here: no target, no mark."""
    return {
        **failed(bench, reason),
        "name": f"not run: {reason}",
        "target": "",
        "met": None,
    }


def add_argument(parser: argparse.ArgumentParser) -> None:
    """``--json PATH``: where to write the figures for ``make bench``."""
    parser.add_argument(
        "--json",
        default="",
        metavar="PATH",
        help="also write the figures as JSON rows (bench/report.py) to PATH",
    )


def write(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write the rows to ``path`` (nothing when ``path`` is empty)."""
    if not path:
        return
    Path(path).write_text(
        json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def read(path: str | Path) -> list[dict[str, Any]]:
    return list(json.loads(Path(path).read_text(encoding="utf-8")))


def mark(entry: dict[str, Any]) -> str:
    """``MISS`` for a missed target, ``ok`` for a met one, blank without a target."""
    if entry.get("met") is None:
        return ""
    return "ok" if entry["met"] else MISS


def misses(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in rows if entry.get("met") is False]


def table(rows: Sequence[dict[str, Any]], title: str = "") -> str:
    """The rows as one plain-text table: figure, value, ceiling, ratio, target, mark."""
    head = ("bench", "figure", "value", "ceiling", "ratio", "target", "")
    lines = []
    for entry in rows:
        unit = entry.get("unit") or ""
        value = _number(entry.get("value"))
        top = _number(entry.get("ceiling"))
        ratio = _number(entry.get("ratio"))
        lines.append(
            (
                str(entry.get("bench", "")),
                str(entry.get("name", "")),
                "—" if value is None else _amount(value, unit),
                "" if top is None else _amount(top, unit),
                "" if ratio is None else f"{ratio:.2f}×",
                str(entry.get("target") or ""),
                mark(entry),
            )
        )
    widths = [
        max([len(h)] + [len(line[i]) for line in lines]) for i, h in enumerate(head)
    ]
    right = {2, 3, 4}

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    out = [title] if title else []
    out += [fmt(head), "-" * len(fmt(head))]
    out += [fmt(line) for line in lines]
    missed = misses(rows)
    with_target = sum(1 for entry in rows if entry.get("met") is not None)
    out.append("-" * len(fmt(head)))
    out.append(
        f"{with_target - len(missed)} of {with_target} targets met; "
        f"{len(missed)} {MISS}"
    )
    return "\n".join(out)
