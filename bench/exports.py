"""Export benchmark (not a test): `make bench-exports` (`--quick` for a short run).

1. The open-data downloads as the production server serves them: the comments
   dataset (``/opendata/comments.csv`` and ``.jsonl``) of a throwaway SQLite
   database (or DATABASE_URL's, which must then be a database of its own) with
   50,000 and then 200,000 comments (``--sizes``), each download from a fresh
   server process (``python -m participation.server``, DEBUG off) and read by a
   client as fast as it can. For each: time to the first byte (the rows spooled,
   ``participation.spool``), time to the last byte, and the server process's peak
   RSS (``VmHWM`` in /proc/<pid>/status: the most it ever held, start-up
   included) beside its RSS just before the request. The ceiling, in the same run
   and right after each download: a bare view (``bench/exports_urls.py``) under
   the same server, settings and middleware streaming a file of the very bytes
   the download produced (``FileResponse``), from a fresh process too. Targets:
   peak RSS < 100 MiB at every size, and constant in the row count (at most
   10 MiB more at 200,000 than at 50,000).

2. In this process, the three ways a large export could be served, on the same
   synthetic rows (``--rows``, through the one CSV writer):

- ceiling: the chunks consumed as they are generated (what a download streamed
  straight from the cursor did: fastest, constant memory, but it held a pooled
  database connection until the client had read the last byte);
- list: the chunks collected into a list first (what Django did with the tracker CSV
  and the personal-data download under ASGI: the whole file in memory, connection
  held as well);
- spooled: ``participation.spool.spool`` then read back in 64 KB pieces, as served
  now (memory up to EXPORT_SPOOL_MEMORY, then a temporary file; connection given
  back before the first byte).

  Prints MB/s and peak Python memory (tracemalloc) for each, with the ratio to the
  ceiling measured in the same run.

``--json PATH`` writes the headline figures for ``make bench`` (bench/report.py).
No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

HEADER = ["id", "process", "title", "body", "state", "supports", "created_at"]
BODY = "夏の公園は暑すぎて子どもが遊べません。木陰やパーゴラを増やしてください。" * 4


def rows(n: int) -> Iterator[list]:
    for i in range(n):
        yield [
            i,
            "kodomo-2026",
            f"公園に日陰をつくる提案その{i}",
            BODY,
            "open",
            i % 97,
            "2026-06-01T09:00:00+09:00",
        ]


def chunks(n: int) -> Iterator[bytes]:
    from participation import csvwriter

    return csvwriter.csv_chunks(HEADER, rows(n))


def ceiling(n: int) -> int:
    return sum(len(c) for c in chunks(n))


def as_list(n: int) -> int:
    collected = list(chunks(n))
    return sum(len(c) for c in collected)


def spooled(n: int) -> int:
    from participation import spool

    handle = spool.spool(chunks(n))
    size = 0
    try:
        while piece := handle.read(64 * 1024):
            size += len(piece)
    finally:
        handle.close()
    return size


def measure(fn: Callable[[int], int], n: int, repeat: int) -> tuple[float, int, int]:
    best = float("inf")
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = fn(n)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn(n)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, size, peak


def in_process(n: int, repeat: int) -> list[dict]:
    results = {
        name: measure(fn, n, repeat)
        for name, fn in (("ceiling", ceiling), ("list", as_list), ("spooled", spooled))
    }
    top, size, _peak = results["ceiling"]
    print()
    print(f"In process: {n:,} rows, {size / 1e6:.1f} MB of CSV; best of {repeat}")
    print(f"{'way':<10} {'MB/s':>8} {'x ceiling':>9} {'peak MiB':>9}")
    for name, (seconds, nbytes, peak) in results.items():
        rate = nbytes / seconds / 1e6
        print(f"{name:<10} {rate:>8.1f} {top / seconds:>9.2f} {peak / 2**20:>9.1f}")
    seconds, _nbytes, peak = results["spooled"]
    return [
        report.row(
            "exports",
            f"spooled CSV, {n:,} rows in process",
            seconds,
            "s",
            ceiling=top,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="50000,200000",
        help="comment counts for the server downloads (comma-separated)",
    )
    parser.add_argument("--rows", type=int, default=20_000, help="in-process rows")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--quick", action="store_true", help="5,000 and 20,000 comments; 5,000 rows"
    )
    parser.add_argument("--only", choices=["server", "in-process"])
    report.add_argument(parser)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n.strip()]
    if args.quick:
        sizes, args.rows = [5_000, 20_000], 5_000
    figures: list[dict] = []
    if args.only != "in-process":
        from bench.exports_server import run as run_server

        figures += run_server(sizes)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        import django

        django.setup()
    if args.only != "server":
        figures += in_process(args.rows, args.repeat)
    report.write(args.json, figures)


if __name__ == "__main__":
    main()
