"""Part 1 of bench/exports.py: the open-data downloads from the production server,
beside a bare view streaming the same bytes, with the server process's peak RSS."""

from __future__ import annotations

import http.client
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from tests.live.servers import Server, setup_here, start_server  # noqa: E402

FORMATS = ("csv", "jsonl")
RSS_TARGET_MIB = 100
GROWTH_TARGET_MIB = 10
SEED_COMMENTS = 5000  # made one by one; the rest are copies made in SQL
READ = 256 * 1024
BODY = "夏の公園は暑すぎて子どもが遊べません。木陰やパーゴラを増やしてください。"


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    found = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _sep, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(rest.split()[0])
    return found


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _size, _first = _download(server, "/healthz", None)
            if status == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start:\n{server.log()[-3000:]}")
        time.sleep(0.2)


def _download(server: Server, path: str, save: Path | None) -> tuple[int, int, float]:
    """GET ``path`` as fast as possible; (status, bytes, seconds to first byte)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    started = time.perf_counter()
    first = 0.0
    size = 0
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        first = time.perf_counter() - started
        out = save.open("wb") if save and response.status == 200 else None
        try:
            while piece := response.read(READ):
                size += len(piece)
                if out:
                    out.write(piece)
        finally:
            if out:
                out.close()
        return response.status, size, first
    finally:
        connection.close()


def _measure(env: dict[str, str], work: Path, path: str, save: Path | None) -> dict:
    """One download from a fresh server process: times, bytes, RSS before and peak."""
    server = start_server(env, work / "server.log", quiet=True)
    try:
        _wait_ready(server)
        before = _status(server.process.pid)
        started = time.perf_counter()
        status, size, first = _download(server, path, save)
        seconds = time.perf_counter() - started
        after = _status(server.process.pid)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}\n{server.log()[-3000:]}")
    finally:
        server.stop()
    return {
        "seconds": seconds,
        "first": first,
        "bytes": size,
        "rss_before": before["VmRSS"] / 1024,
        "peak": after["VmHWM"] / 1024,
    }


def _generate(total: int, done: int, state: dict[str, Any]) -> None:
    """Add comments until there are ``total`` (the first call makes the rest)."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from participation.accounts.models import User
    from participation.spaces.models import Process, ProcessStatus
    from proposals.models import Comment, Proposal

    now = timezone.now()
    if not state:
        users = User.objects.bulk_create(
            User(email=f"bench{i}@example.org", real_name=f"住民 {i}")
            for i in range(200)
        )
        process = Process.objects.create(
            slug="bench-exports",
            title="ベンチマーク",
            summary="exports benchmark",
            status=ProcessStatus.PUBLISHED,
        )
        Proposal.objects.bulk_create(
            Proposal(
                process=process,
                author=users[i % len(users)],
                title=f"公園に日陰をつくる提案その{i}",
                body=BODY * 3,
            )
            for i in range(500)
        )
        state["users"] = [u.pk for u in User.objects.filter(email__startswith="bench")]
        state["proposals"] = list(
            Proposal.objects.filter(process=process).values_list("pk", flat=True)
        )
        if connection.vendor == "sqlite":
            # The search index is not what is measured: without its trigger the
            # comments go in ten times faster (the index would fold every text).
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER IF EXISTS search_comment_ai")
    users, proposals = state["users"], state["proposals"]
    seed = min(total, max(done, SEED_COMMENTS))
    for offset in range(done, seed, 5000):
        with transaction.atomic():
            Comment.objects.bulk_create(
                Comment(
                    proposal_id=proposals[i % len(proposals)],
                    author_id=users[i % len(users)],
                    body=f"{BODY}（{i}件目）",
                    created_at=now - timedelta(seconds=total - i),
                )
                for i in range(offset, min(seed, offset + 5000))
            )
    # Beyond the seed, copies of the existing comments, made by the database in
    # one statement each (the rows differ by id and time; the downloads read them
    # all the same): minutes of Python on this 2-core machine become seconds.
    columns = [
        f.column
        for f in Comment._meta.concrete_fields
        if not f.primary_key and f.column != "created_at"
    ]
    names = ", ".join(columns)
    count = max(done, seed)
    while count < total:
        take = min(count, total - count)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Comment._meta.db_table} ({names}, created_at) "
                f"SELECT {names}, created_at FROM {Comment._meta.db_table} "
                "ORDER BY id LIMIT %s",
                [take],
            )
        count += take
    print(f"  … {total:,} comments", file=sys.stderr)


def _print(results: list[tuple[int, str, dict, dict]]) -> None:
    print()
    print(
        "Open-data downloads (comments dataset) from the production server, a fresh "
        "process per download; ceiling: a bare view streaming the same bytes"
    )
    head = (
        f"{'comments':>9}  {'file':<17}{'MB':>7}{'first s':>9}{'total s':>9}"
        f"{'x ceil':>8}{'RSS before':>12}{'peak RSS':>10}  target"
    )
    print(head)
    print("-" * len(head))
    for size, fmt, got, ceil in results:
        verdict = "met" if got["peak"] < RSS_TARGET_MIB else "MISSED"
        ratio = got["seconds"] / ceil["seconds"] if ceil["seconds"] else 0
        for label, m, extra in (
            (f"comments.{fmt}", got, f"peak < {RSS_TARGET_MIB} MiB {verdict}"),
            ("  ceiling (file)", ceil, ""),
        ):
            print(
                f"{size:>9,}  {label:<17}{m['bytes'] / 1e6:>7.1f}{m['first']:>9.2f}"
                f"{m['seconds']:>9.2f}{(ratio if m is got else 1):>7.2f}x"
                f"{m['rss_before']:>8.0f} MiB{m['peak']:>6.0f} MiB  {extra}"
            )
    sizes = sorted({size for size, *_rest in results})
    if len(sizes) > 1:
        for fmt in FORMATS:
            peaks = {s: g["peak"] for s, f, g, _c in results if f == fmt}
            growth = peaks[sizes[-1]] - peaks[sizes[0]]
            verdict = "met" if growth <= GROWTH_TARGET_MIB else "MISSED"
            print(
                f"peak RSS of comments.{fmt}, {sizes[0]:,} → {sizes[-1]:,} comments: "
                f"{growth:+.1f} MiB (target ≤ {GROWTH_TARGET_MIB} MiB: {verdict})"
            )


def _figures(results: list[tuple[int, str, dict, dict]]) -> list[dict]:
    rows = []
    for size, fmt, got, ceil in results:
        label = f"comments.{fmt}, {size // 1000}k"
        rows.append(
            report.row(
                "exports",
                f"{label}: time",
                got["seconds"],
                "s",
                ceiling=ceil["seconds"],
            )
        )
        rows.append(
            report.row(
                "exports",
                f"{label}: server peak RSS",
                got["peak"],
                "MiB",
                ceiling=ceil["peak"],
                at_most=RSS_TARGET_MIB,
            )
        )
        rows.append(
            report.row(
                "exports",
                f"{label}: server RSS added by the download",
                got["peak"] - got["rss_before"],
                "MiB",
                ceiling=ceil["peak"] - ceil["rss_before"],
            )
        )
    sizes = sorted({size for size, *_rest in results})
    if len(sizes) > 1:
        for fmt in FORMATS:
            peaks = {s: g["peak"] for s, f, g, _c in results if f == fmt}
            rows.append(
                report.row(
                    "exports",
                    f"comments.{fmt}: peak RSS growth "
                    f"{sizes[0] // 1000}k → {sizes[-1] // 1000}k",
                    peaks[sizes[-1]] - peaks[sizes[0]],
                    "MiB",
                    at_most=GROWTH_TARGET_MIB,
                )
            )
    return rows


def run(sizes: list[int]) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    files = work / "files"
    files.mkdir()
    overrides = {
        "DJANGO_SETTINGS_MODULE": "bench.exports_settings",
        "SQLITE_PATH": str(work / "db.sqlite3"),
        "STATIC_ROOT": str(work / "static"),
        "BENCH_FILES": str(files),
        "PYTHONPATH": str(ROOT),
    }
    env = setup_here(**overrides)
    from django.core.management import call_command

    results = []
    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        state: dict[str, Any] = {}
        done = 0
        for size in sorted(sizes):
            started = time.perf_counter()
            _generate(size, done, state)
            done = size
            print(
                f"  {size:,} comments in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
            for fmt in FORMATS:
                saved = files / f"comments_{fmt}"
                got = _measure(env, work, f"/opendata/comments.{fmt}", saved)
                ceil = _measure(env, work, f"/bench-file/comments_{fmt}", None)
                saved.unlink()
                results.append((size, fmt, got, ceil))
                print(f"  measured comments.{fmt} at {size:,}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _print(results)
    return _figures(results)
