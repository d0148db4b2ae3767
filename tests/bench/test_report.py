"""The combined benchmark table's helper (bench/report.py): targets and MISS marks.

No timing here: the figures are made up, only the arithmetic and the marks count.
"""

from __future__ import annotations

import math

import pytest

from bench import report


def test_ratio_is_the_value_over_the_ceiling():
    entry = report.row("live", "p95", 300, "ms", ceiling=200)
    assert entry["ratio"] == 1.5


def test_a_figure_without_a_target_is_neither_met_nor_missed():
    entry = report.row("exports", "time", 3.2, "s", ceiling=1.0)
    assert entry["met"] is None and report.mark(entry) == ""


def test_a_value_over_its_upper_bound_misses():
    entry = report.row("exports", "peak RSS", 120, "MiB", at_most=100)
    assert entry["met"] is False and report.mark(entry) == report.MISS


def test_a_value_at_its_upper_bound_is_met():
    entry = report.row("exports", "peak RSS", 100, "MiB", at_most=100)
    assert entry["met"] is True and report.mark(entry) == "ok"


def test_a_value_under_its_lower_bound_misses():
    entry = report.row("site", "write burst", 250, "req/s", at_least=300)
    assert entry["met"] is False


def test_a_ratio_over_its_bound_misses():
    entry = report.row("live", "p95", 400, "ms", ceiling=200, ratio_at_most=1.5)
    assert entry["met"] is False and entry["target"] == "≤ 1.5× ceiling"


def test_a_ratio_under_its_lower_bound_misses():
    entry = report.row("site", "req/s", 40, "req/s", ceiling=100, ratio_at_least=0.5)
    assert entry["met"] is False


def test_a_ratio_target_without_a_ceiling_misses():
    entry = report.row("live", "p95", 200, "ms", ratio_at_most=1.5)
    assert entry["met"] is False


def test_a_figure_not_measured_misses_its_target():
    entry = report.row("live", "p95", math.nan, "ms", at_most=250)
    assert entry["value"] is None and entry["met"] is False


def test_a_figure_has_one_target_only():
    with pytest.raises(ValueError):
        report.row("x", "y", 1, at_most=2, ratio_at_most=1.5)


def test_the_table_marks_each_missed_row():
    rows = [
        report.row("live", "delivery p95", 400, "ms", ceiling=200, ratio_at_most=1.5),
        report.row("exports", "peak RSS", 60, "MiB", at_most=100),
        report.row("thread", "page p50", 20, "ms"),
    ]
    lines = report.table(rows).splitlines()
    marked = {line.split()[0]: line.endswith(report.MISS) for line in lines[2:5]}
    assert marked == {"live": True, "exports": False, "thread": False}


def test_the_table_counts_targets_met_and_missed():
    rows = [
        report.row("a", "x", 1, at_most=2),
        report.row("b", "y", 3, at_most=2),
        report.row("c", "z", 3),
    ]
    assert report.table(rows).splitlines()[-1] == "1 of 2 targets met; 1 MISS"


def test_a_benchmark_that_failed_is_a_miss_in_the_table():
    lines = report.table([report.failed("site", "exit status 1")]).splitlines()
    assert lines[2].endswith(report.MISS)


def test_rows_written_are_read_back_alike(tmp_path):
    rows = [report.row("live", "配信 p95", 270.5, "ms", ceiling=190, ratio_at_most=1.5)]
    report.write(tmp_path / "live.json", rows)
    assert report.read(tmp_path / "live.json") == rows


def test_no_path_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report.write("", [report.row("a", "x", 1)])
    assert list(tmp_path.iterdir()) == []
