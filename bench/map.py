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
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inprocess  # noqa: E402 - after the project's root is on the path

WORDS = ["公園", "ベンチ", "通学路", "横断歩道", "街灯", "バス停", "図書館", "駐輪場"]


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


def _sizes(response: Any) -> dict[str, int]:
    content = response.content
    is_json = response.request["PATH_INFO"].endswith(".json")
    return {
        "gzip": len(gzip.compress(content)),
        "features": len(json.loads(content)["features"]) if is_json else 0,
    }


def child(args: argparse.Namespace) -> None:
    inprocess.setup()
    from django.test import Client

    slug = _generate(args.points)
    client = Client()
    targets = [
        ("ceiling (bare view)", client, inprocess.CEILING),
        ("proposal list page", client, f"/processes/{slug}/proposals/"),
        ("map points (GeoJSON)", client, f"/processes/{slug}/proposals/map.json"),
    ]
    rows = inprocess.measure(targets, args.repeat, describe=_sizes)
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
    options = ["--points", str(args.points), "--repeat", str(args.repeat)]
    result = inprocess.measure_on(
        lambda env: inprocess.run_child(__file__, options, env, ROOT), pg_name=""
    )
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
