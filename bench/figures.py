"""The headline figures of the benchmarks whose results are built elsewhere
(search, thread, site, notify), as bench/report.py rows for ``make bench``.

Each function takes what the benchmark's own table is printed from, so a script
only adds ``--json PATH`` and one call after its table; the targets are the ones
its table states.
"""

from __future__ import annotations

from typing import Any

from bench import report

SEARCH_P95_MS = 50
SITE_SHARE_OF_CEILING = 0.5
SITE_SIGNED_IN_P95_MS = 50
SITE_WRITES_PER_S = 300


def search(results: list[dict]) -> list[dict]:
    """Index p95 per query length and database (target < 50 ms), beside the naive
    scan; the variants' recall beside a plain substring match."""
    rows = []
    for result in results:
        naive = {
            (r["backend"], r["chars"]): r["p95"]
            for r in result["rows"]
            if r["method"] == "icontains"
        }
        for r in result["rows"]:
            if r["method"] != "index":
                continue
            rows.append(
                report.row(
                    "search",
                    f"index p95, {r['chars']} chars ({r['backend']})",
                    r["p95"],
                    "ms",
                    at_most=SEARCH_P95_MS,
                )
            )
            slow = naive.get((r["backend"], r["chars"]))
            if slow is not None:
                rows.append(
                    report.row(
                        "search",
                        f"icontains p95, {r['chars']} chars ({r['backend']})",
                        slow,
                        "ms",
                    )
                )
        pairs = sum(r["pairs"] for r in result.get("recall", []))
        if pairs:
            backend = result["rows"][0]["backend"]
            found = sum(r["index"] for r in result["recall"])
            plain = sum(r["plain"] for r in result["recall"])
            share = 100 * plain / pairs
            rows.append(
                report.row(
                    "search",
                    f"variant recall ({backend}; plain match {share:.0f} %)",
                    100 * found / pairs,
                    "%",
                )
            )
    return rows


def thread(results: list[tuple[str, dict]]) -> list[dict]:
    """Each request's p50 beside the bare view's p50 of the same run."""
    rows = []
    for label, result in results:
        ceiling = next(r for r in result["rows"] if r["name"].startswith("ceiling"))
        for r in result["rows"]:
            if r is ceiling:
                continue
            prefix = "" if label == "after" else f"{label}: "
            rows.append(
                report.row(
                    "thread",
                    f"{prefix}{r['name']} p50 ({result['backend']})",
                    r["p50"],
                    "ms",
                    ceiling=ceiling["p50"],
                )
            )
    return rows


def site(
    results: list[tuple[str, dict, dict | None, Any]],
    write: dict,
    ceiling: dict,
    drifted: int,
    lost: set,
    doubled: set,
) -> list[dict]:
    """Pages' throughput beside the bare view's run just before (≥ 50 % for the list
    and the long thread), signed-in p95, the write burst and its integrity."""
    rows = []
    for label, r, ceil, _queries in results:
        if ceil is None:
            rows.append(
                report.row(
                    "site",
                    f"{label} p95",
                    r["p95"],
                    "ms",
                    at_most=SITE_SIGNED_IN_P95_MS,
                )
            )
            continue
        bound = (
            SITE_SHARE_OF_CEILING
            if label.startswith(("proposal list, page 1", "proposal with"))
            else None
        )
        rows.append(
            report.row(
                "site",
                f"{label} req/s",
                r["rps"],
                "req/s",
                ceiling=ceil["rps"],
                ratio_at_least=bound,
            )
        )
    rows.append(
        report.row(
            "site",
            "write burst",
            write["rps"],
            "req/s",
            ceiling=ceiling["rps"],
            at_least=SITE_WRITES_PER_S,
        )
    )
    rows.append(
        report.row(
            "site",
            "write burst: counters drifted + supports lost or doubled",
            drifted + len(lost) + len(doubled),
            at_most=0,
        )
    )
    return rows


def notify(
    n: int, workers: int, seconds: float, ceiling: float, peak_mib: float
) -> list[dict]:
    """Commit → last message beside the same messages sent straight."""
    return [
        report.row(
            "notify",
            f"{n:,} e-mails, worker ×{workers}: commit → last received",
            seconds,
            "s",
            ceiling=ceiling,
        ),
        report.row("notify", "worker peak RSS", peak_mib, "MiB"),
    ]
