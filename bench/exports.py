"""Export benchmark (not a test): `make bench-exports` (`--rows 20000` for a short run).

What a large download costs to serve, three ways, on the same rows (synthetic
Japanese proposals through the one CSV writer, as /opendata/ and /tracker/ write them):

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
ceiling measured in the same run. No timing is asserted anywhere.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from participation import csvwriter, spool  # noqa: E402

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
    return csvwriter.csv_chunks(HEADER, rows(n))


def ceiling(n: int) -> int:
    return sum(len(c) for c in chunks(n))


def as_list(n: int) -> int:
    collected = list(chunks(n))
    return sum(len(c) for c in collected)


def spooled(n: int) -> int:
    handle = spool.spool(chunks(n))
    size = 0
    try:
        while piece := handle.read(spool.READ_BYTES):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    results = {
        name: measure(fn, args.rows, args.repeat)
        for name, fn in (("ceiling", ceiling), ("list", as_list), ("spooled", spooled))
    }
    top, size, _peak = results["ceiling"]
    print(f"{args.rows:,} rows, {size / 1e6:.1f} MB of CSV; best of {args.repeat}")
    print(f"{'way':<10} {'MB/s':>8} {'x ceiling':>9} {'peak MiB':>9}")
    for name, (seconds, nbytes, peak) in results.items():
        rate = nbytes / seconds / 1e6
        print(f"{name:<10} {rate:>8.1f} {top / seconds:>9.2f} {peak / 2**20:>9.1f}")


if __name__ == "__main__":
    main()
