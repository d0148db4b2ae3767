"""Every benchmark, then one table: `make bench` (not a test, not in CI).

    python bench/all.py                 # BENCH_SIZE=full (the default): < 30 min
    python bench/all.py --quick         # BENCH_SIZE=quick: a few minutes
    python bench/all.py --only live,exports

Runs search, live, notify, exports, startup, thread and site one after the other,
each as its own process with ``--json`` (bench/report.py rows); each prints its own
table as it goes. Then it prints one table of every figure with its ceiling
(measured in the same run of that benchmark), the ratio, the target and ``MISS``
where a target is missed, and writes it to ``--out`` (``bench-results.txt``; the
rows as JSON beside it, ``.json``). A benchmark that fails is one ``MISS`` row, and
the others still run. Every benchmark but site runs on throwaway SQLite databases
(DATABASE_URL is not passed to them); site needs PostgreSQL (DATABASE_URL's server,
where it creates and drops a database, named by ``BENCH_SITE_DB`` if set) and Redis
(REDIS_URL), and is left out, with a row saying so, without a PostgreSQL URL.
Exit status 0 whatever the figures (1 if a benchmark broke).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

# Arguments of each benchmark, per size. Full: the sizes of the issues' targets.
SIZES: dict[str, dict[str, list[str]]] = {
    "full": {
        "search": ["--only", "sqlite"],
        "live": ["1000", "--rounds", "3"],
        "notify": ["10000"],
        "exports": [],
        "startup": [],
        "thread": ["--only", "sqlite"],
        "site": [],
    },
    "quick": {
        "search": [
            "--only",
            "sqlite",
            "--proposals",
            "1000",
            "--comments",
            "10000",
            "--repeat",
            "2",
        ],
        "live": ["300", "--rounds", "2"],
        "notify": ["1000"],
        "exports": ["--quick"],
        "startup": ["--repeat", "1"],
        "thread": [
            "--only",
            "sqlite",
            "--comments",
            "500",
            "--background",
            "2000",
            "--repeat",
            "5",
        ],
        "site": ["--quick"],
    },
}
ORDER = ["search", "live", "notify", "exports", "startup", "thread", "site"]


def _has_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    )


def _run(name: str, args: list[str], folder: Path) -> list[dict]:
    if name == "site" and not _has_postgres():
        return [report.skipped(name, "needs DATABASE_URL (PostgreSQL) and Redis")]
    out = folder / f"{name}.json"
    command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args]
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    env = dict(os.environ)
    if name != "site":
        # The others build throwaway SQLite databases: never migrate, fill or
        # time a database that DATABASE_URL names for site's server.
        env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [*command, "--json", str(out)], cwd=ROOT, env=env, check=False
    )
    seconds = time.monotonic() - started
    print(f"=== {name}: {seconds:.0f} s, exit status {done.returncode}", flush=True)
    if out.exists():
        rows = report.read(out)
        if done.returncode != 0:
            rows.append(report.failed(name, f"exit status {done.returncode}"))
        return rows
    return [report.failed(name, f"exit status {done.returncode}, no figures")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_SIZE", "full") == "quick",
        help="small sizes, a few minutes (BENCH_SIZE=quick)",
    )
    parser.add_argument("--only", default="", help="comma-separated benchmarks")
    parser.add_argument("--out", default="bench-results.txt", help="the table's file")
    args = parser.parse_args()
    size = "quick" if args.quick else "full"
    names = [n.strip() for n in args.only.split(",") if n.strip()] or ORDER
    unknown = sorted(set(names) - set(ORDER))
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    rows: list[dict] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        for name in [n for n in ORDER if n in names]:
            rows += _run(name, SIZES[size][name], Path(tmp))
    minutes = (time.monotonic() - started) / 60
    title = (
        f"make bench ({size}): {len(rows)} figures, {minutes:.0f} min, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    text = report.table(rows, title)
    print()
    print(text)
    out = Path(args.out)
    out.write_text(text + "\n", encoding="utf-8")
    report.write(out.with_suffix(".json"), rows)
    print(f"\n(written to {out} and {out.with_suffix('.json')})")
    broke = any(r["target"] == "finishes" for r in rows)
    return 1 if broke else 0


if __name__ == "__main__":
    sys.exit(main())
