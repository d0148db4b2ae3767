"""Start-up memory benchmark (not a test): `make bench-startup`.

The resident memory (``VmRSS`` in /proc/<pid>/status) of a production server
process (``python -m participation.server``, DEBUG off, one process, a throwaway
SQLite database or DATABASE_URL's) at each step of its first minutes, each step
after a fresh process answered the requests before it:

1. idle: after ``/healthz`` (the URL configuration is loaded: what the exports
   benchmark calls "RSS before");
2. after an anonymous home page (templates, the proposal cards);
3. after a search (the analyser: SudachiPy and its dictionary);
4. after an API request (DRF and the schema tools, loaded on the first /api/);
5. after a sign-in page (allauth's forms and MFA stages).

The ceiling, in the same run: the bare ASGI app of ``bench/live_ceiling.py`` under
the same server and options (Python, uvicorn and its websocket library; no
Django), idle. Target: the idle platform process < 100 MiB. "Of it files": the
resident pages that are mapped files (libraries, SudachiPy's dictionary), shared
with the other processes that map them and reclaimable by the kernel. Prints the
figures, the ratio to the ceiling, and writes them for ``make bench`` (``--json``).
No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from tests.live.servers import Server, setup_here, start_server  # noqa: E402

TARGET_MIB = 100
STEPS = (
    ("idle (after /healthz)", "/healthz"),
    ("after the home page", "/"),
    ("after a search", "/search/?q=%E5%85%AC%E5%9C%92"),
    ("after an API request", "/api/v1/proposals/"),
    ("after the sign-in page", "/accounts/login/"),
)


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, RssFile) in MiB: all resident pages, and those that are mapped
    files (shared with other processes, given back by the kernel under pressure:
    SudachiPy's dictionary is one)."""
    found = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _sep, rest = line.partition(":")
            if key in ("VmRSS", "RssFile"):
                found[key] = int(rest.split()[0]) / 1024
    return found["VmRSS"], found["RssFile"]


def get(server: Server, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(server: Server, path: str) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            return get(server, path)
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not start:\n{server.log()[-3000:]}"
                ) from None
            time.sleep(0.2)


def settle(pid: int) -> tuple[float, float]:
    """RSS once the process is idle again (background warm-ups done)."""
    time.sleep(3)
    return rss_mib(pid)


def measure_platform(
    env: dict[str, str], work: Path
) -> list[tuple[str, tuple[float, float], int]]:
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()  # pages are rendered, not served from the page cache
    server = start_server(env, work / "server.log", quiet=True)
    found = []
    try:
        for index, (label, path) in enumerate(STEPS):
            status = wait_ready(server, path) if index == 0 else get(server, path)
            found.append((label, settle(server.process.pid), status))
    finally:
        server.stop()
    return found


def measure_ceiling(env: dict[str, str], work: Path) -> tuple[float, float]:
    server = start_server(
        env,
        work / "ceiling.log",
        quiet=True,
        entry=(str(ROOT / "bench" / "live_ceiling.py"),),
    )
    try:
        wait_ready(server, "/healthz")  # 404: the bare app answers, that is all
        return settle(server.process.pid)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes")
    report.add_argument(parser)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = setup_here(
        SQLITE_PATH=str(work / "db.sqlite3"),
        STATIC_ROOT=str(work / "static"),
        PYTHONPATH=str(ROOT),
    )
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        runs = [measure_platform(env, work) for _ in range(args.repeat)]
        ceilings = [measure_ceiling(env, work) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ceiling = min(c[0] for c in ceilings)
    print()
    print(
        f"Server process RSS (MiB), best of {args.repeat} fresh processes; ceiling: "
        "the bare ASGI app of bench/live_ceiling.py under the same server, idle"
    )
    head = f"{'step':<26}{'HTTP':>6}{'RSS MiB':>9}{'x ceil':>8}{'of it files':>13}"
    print(head)
    print("-" * len(head))
    figures = []
    for index, (label, _path) in enumerate(STEPS):
        value, files = min(run[index][1] for run in runs)
        status = runs[0][index][2]
        print(
            f"{label:<26}{status:>6}{value:>9.1f}{value / ceiling:>7.2f}x"
            f"{files:>9.1f} MiB"
        )
        figures.append(
            report.row(
                "startup",
                f"server RSS {label}",
                value,
                "MiB",
                ceiling=ceiling,
                at_most=TARGET_MIB if index == 0 else None,
            )
        )
    files = min(ceilings)[1]
    print(
        f"{'ceiling (bare ASGI app)':<26}{'':>6}{ceiling:>9.1f}{1:>7.2f}x"
        f"{files:>9.1f} MiB"
    )
    idle = figures[0]["value"]
    verdict = "met" if idle < TARGET_MIB else "MISSED"
    print(f"idle platform process < {TARGET_MIB} MiB: {verdict}")
    report.write(args.json, figures)


if __name__ == "__main__":
    main()
