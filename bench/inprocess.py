"""What the in-process page benchmarks share (`bench/thread.py`, `bench/cards.py`).

Each of them generates its data into a throwaway database and then, in one child
process per database and per checkout, requests its pages through Django's test
client (the whole middleware stack, DEBUG off), alternating with a bare Django view
returning a fixed small page (the ceiling), so that every figure has a ceiling
measured in the same run. This module holds the parts that are the same for all of
them: the child's Django set-up and ceiling (:func:`setup`), the alternating
measurement (:func:`measure`), the child process (:func:`run_child`), the scratch
databases (:func:`measure_on`) and the ``--before REF`` checkouts (:func:`trees`).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
CEILING = "/bench-ceiling/"


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def setup() -> None:
    """In the child: Django on the checkout named by BENCH_ROOT, its database
    migrated, plain static URLs (no collectstatic; the same for every row), and the
    ceiling's URL (:data:`CEILING`) in front of the project's."""
    root = Path(os.environ.get("BENCH_ROOT", ROOT))
    os.chdir(root)
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import participation.urls as project_urls

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)

    def ceiling(request: Any) -> HttpResponse:
        return HttpResponse("<!DOCTYPE html><title>ok</title><p>ok</p>")

    project_urls.urlpatterns.insert(0, path(CEILING.strip("/") + "/", ceiling))
    clear_url_caches()


def analyse() -> None:
    """Fresh planner statistics after the data is generated."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(
    targets: list[tuple[str, Any, str]],
    repeat: int,
    describe: Callable[[Any], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """``targets``: (name, test client, path), the ceiling among them. Each is
    requested once to warm up and once to learn its status, bytes and queries (and
    what ``describe(response)`` adds), then ``repeat`` times, alternating with the
    others in the same run. One row per target: those figures, p50 and p95 in ms
    (None for a page that did not answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    info: dict[str, dict[str, Any]] = {}
    for name, client, url in targets:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        info[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries.captured_queries),
            **(describe(response) if describe else {}),
        }
    samples: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    for _ in range(repeat):
        for name, client, url in targets:
            if info[name]["status"] != 200:
                continue
            start = time.perf_counter()
            client.get(url)
            samples[name].append((time.perf_counter() - start) * 1000)
    return [
        {
            "name": name,
            **info[name],
            "p50": percentile(samples[name], 50) if samples[name] else None,
            "p95": percentile(samples[name], 95) if samples[name] else None,
        }
        for name, _, _ in targets
    ]


def run_child(
    script: str, options: list[str], env: dict[str, str], tree: Path
) -> dict[str, Any]:
    """``script --child *options`` on the checkout ``tree``; its last line of
    output, as JSON."""
    import json

    done = subprocess.run(  # noqa: PLW1510
        [sys.executable, str(Path(script).resolve()), "--child", *options],
        env={**env, "BENCH_ROOT": str(tree)},
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"benchmark failed on {env.get('DATABASE_URL') or 'SQLite'}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    # A throwaway key of production strength (settings refuse placeholders).
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env["DJANGO_DEBUG"] = "0"
    env.pop("REDIS_URL", None)
    return env


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def measure_on(
    run: Callable[[dict[str, str]], dict[str, Any]],
    *,
    url: str = "",
    pg_name: str,
) -> dict[str, Any]:
    """``run(env)`` on a throwaway database: an SQLite file in /tmp, or with a
    PostgreSQL ``url`` a fresh database ``pg_name`` on that server (made, then
    dropped)."""
    env = base_env()
    if not is_postgres(url):
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
            return run(env)
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_name}")
        conn.execute(f"CREATE DATABASE {pg_name} ENCODING 'UTF8' TEMPLATE template0")
    try:
        env["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{pg_name}"))
        return run(env)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


@contextmanager
def trees(before: str) -> Iterator[list[tuple[str, Path]]]:
    """[("before", a checkout of ``before``), ("after", this tree)], or only
    "after" without ``before``; the checkout (its messages compiled: the .mo files
    are not in git) is removed afterwards."""
    found = [("after", ROOT)]
    with tempfile.TemporaryDirectory(prefix="bench-tree-") as tmp:
        tree = Path(tmp) / "before"
        if before:
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "--detach",
                    str(tree),
                    before,
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "compilemessages",
                    "--ignore=.venv",
                    "-v",
                    "0",
                ],
                cwd=tree,
                env={**os.environ, "DJANGO_DEBUG": "1"},
                check=True,
            )
            found.insert(0, ("before", tree))
        try:
            yield found
        finally:
            if before:
                subprocess.run(
                    [
                        "git",
                        "-C",
                        str(ROOT),
                        "worktree",
                        "remove",
                        "--force",
                        str(tree),
                    ],
                    check=False,
                    capture_output=True,
                )
