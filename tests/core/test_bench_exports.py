"""The export benchmark runs (a short version; `make bench-exports` is the real one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_export_benchmark_prints_its_table():
    done = subprocess.run(
        [
            sys.executable,
            "bench/exports.py",
            "--only",
            "in-process",
            "--rows",
            "200",
            "--repeat",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    header = next(i for i, line in enumerate(lines) if line.startswith("way"))
    rows = [line.split()[0] for line in lines[header + 1 :]]
    assert rows == ["ceiling", "list", "spooled"]
