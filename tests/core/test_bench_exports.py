"""The export benchmark runs (a short version; `make bench-exports` is the real one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_export_benchmark_prints_its_table():
    done = subprocess.run(
        [sys.executable, "bench/exports.py", "--rows", "200", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["ceiling", "list", "spooled"]
