"""Map beside the proposal list, with many points (not a test): `make bench-map`.

Generates one process with N proposals that have a point (default 2,000, the
map's cap ``MAP_POINTS_MAX``; Japanese titles of 20 to 60 characters) into a
throwaway SQLite file in /tmp, then, in the same process and run, alternating,
requests through Django's test client (the whole middleware stack, DEBUG off):

- the ceiling: a bare Django view returning a fixed small page;
- the proposal list page (what holds the map box: the points are not in it);
- the map's GeoJSON (``proposals:map_points``), what ``map.js`` fetches;

and prints p50/p95 ms, bytes (and gzipped bytes), SQL queries per request and the
ratio of each p50 to the ceiling's p50.

Options: --points N (default 2000), --repeat N (default 20).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["公園", "ベンチ", "通学路", "横断歩道", "街灯", "バス停", "図書館", "駐輪場"]


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _generate(n: int) -> str:
    from decimal import Decimal

    from proposals.models import Proposal
    from tests import factories

    rng = random.Random(20261203)
    process = factories.ProcessFactory()
    users = [factories.UserFactory() for _ in range(20)]
    rows = []
    for i in range(n):
        title = "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))[:60]
        rows.append(
            Proposal(
                process=process,
                author=users[i % 20],
                title=title,
                body=title * 3,
                latitude=Decimal("35.6") + Decimal(rng.randint(0, 99999)) / 10**6,
                longitude=Decimal("139.7") + Decimal(rng.randint(0, 99999)) / 10**6,
                support_count=rng.randint(0, 300),
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=500)
    return process.slug


def child(args: argparse.Namespace) -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
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
    slug = _generate(args.points)

    def ceiling(request):
        return HttpResponse("<!DOCTYPE html><title>ok</title><p>ok</p>")

    project_urls.urlpatterns.insert(0, path("bench-ceiling/", ceiling))
    clear_url_caches()
    client = Client()
    targets = [
        ("ceiling (bare view)", "/bench-ceiling/"),
        ("proposal list page", f"/processes/{slug}/proposals/"),
        ("map points (GeoJSON)", f"/processes/{slug}/proposals/map.json"),
    ]
    info: dict[str, dict] = {}
    for name, url in targets:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        content = response.content
        info[name] = {
            "status": response.status_code,
            "bytes": len(content),
            "gzip": len(gzip.compress(content)),
            "queries": len(queries.captured_queries),
            "features": (
                len(json.loads(content)["features"]) if url.endswith(".json") else 0
            ),
        }
    samples: dict[str, list[float]] = {name: [] for name, _ in targets}
    for _ in range(args.repeat):
        for name, url in targets:
            start = time.perf_counter()
            client.get(url)
            samples[name].append((time.perf_counter() - start) * 1000)
    rows = [
        {
            "name": name,
            **info[name],
            "p50": _percentile(samples[name], 50),
            "p95": _percentile(samples[name], 95),
        }
        for name, _ in targets
    ]
    print(json.dumps({"rows": rows}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        env = dict(os.environ)
        env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)  # this run only
        env["DJANGO_DEBUG"] = "0"
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        command = [sys.executable, str(Path(__file__).resolve()), "--child"]
        command += ["--points", str(args.points), "--repeat", str(args.repeat)]
        done = subprocess.run(  # noqa: PLW1510
            command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit("benchmark failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"\nMap benchmark: one process with {args.points:,} proposals with a point; "
        f"{args.repeat} requests per row, alternating, Django test client, DEBUG off"
    )
    header = (
        f"{'request':<24}{'p50 ms':>9}{'p95 ms':>9}{'bytes':>11}{'gzip':>9}"
        f"{'queries':>8}{'points':>8}{'x ceiling':>11}"
    )
    print(header)
    print("-" * len(header))
    ceiling = result["rows"][0]["p50"]
    for row in result["rows"]:
        ratio = row["p50"] / ceiling if ceiling else 0
        print(
            f"{row['name']:<24}{row['p50']:>9.1f}{row['p95']:>9.1f}"
            f"{row['bytes']:>11,}{row['gzip']:>9,}{row['queries']:>8}"
            f"{row['features'] or '':>8}{ratio:>10.0f}x"
        )


if __name__ == "__main__":
    main()
