"""Search benchmark (not a test): `make bench-search`.

Generates 10,000 proposals and 200,000 comments of Japanese and English text into a
throwaway database (an SQLite file in /tmp; also a fresh PostgreSQL database on the
server of DATABASE_URL when that is set), then times what the search page does for
one query — count the matches per type and fetch the first page — for queries of
1, 2, 3 and 6 characters, with the index (``search.selectors``) and with the naive
``icontains`` scan over the source tables. Prints p50/p95 in milliseconds.

Variant queries (width, case, script, long-vowel/iteration marks, 表記ゆれ): the
hand-labelled proposals and (query, expected proposal) pairs of
``bench/search_variants.json`` are written into the same data; the table gives
their p50/p95 and, per kind of variant, the recall of the index beside that of a
plain case-insensitive substring match of the query (what search did before it
folded text).

The ceiling each row is measured against, in the same run on the same database:
"lookup", a bare indexed read of one page (the 20 newest proposals' documents, by
the (kind, date) index, no matching): what any search page costs at the least. The
last column gives the index's p95 as a multiple of it, beside the 50 ms target.

Options: --proposals N --comments N --repeat N (defaults 10000, 200000, 5),
--only sqlite|postgresql. PostgreSQL: a database made for the run and dropped
after it, named by BENCH_SEARCH_DB (default bench_search_<pid>); --keep leaves it
(generating and folding 210,000 documents takes a quarter of an hour), and
--reuse times the one BENCH_SEARCH_DB names again without generating anything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50
VARIANTS = json.loads((ROOT / "bench" / "search_variants.json").read_text("utf-8"))

QUERIES = {
    1: ["園", "橋", "駅", "森", "川"],
    2: ["公園", "道路", "保育", "防災", "EV"],
    3: ["保育園", "図書館", "自転車", "bus", "Park"],
    6: ["待機児童対策", "公共交通機関", "bridge", "school", "STREET"],
}

JA_SUBJECTS = [
    "駅前の公園",
    "中央公園",
    "市立図書館",
    "県道の交差点",
    "川沿いの遊歩道",
    "保育園",
    "小学校の通学路",
    "市民病院",
    "バス停",
    "自転車道",
    "防災倉庫",
    "森林公園",
    "商店街",
    "海岸の堤防",
    "古い橋",
    "公民館",
    "児童館",
    "駐輪場",
    "高齢者施設",
    "子育て支援センター",
    "公共交通機関",
    "待機児童対策",
    "道路の照明",
    "駅の階段",
]
JA_WISHES = [
    "に日陰をつくってほしい",
    "の開館時間を延ばしてください",
    "を安全にしてください",
    "にベンチを増やしてほしい",
    "の補修をお願いします",
    "を拡充してください",
    "にエレベーターを設置してほしい",
    "の案内を多言語にしてください",
    "を夜も明るくしてほしい",
    "の予算を増やすべきです",
]
JA_REASONS = [
    "夏は暑すぎて子どもが遊べません。",
    "高齢の親が困っています。",
    "雨の日は水たまりがひどいです。",
    "車の通りが多くて危険です。",
    "近くに代わりの施設がありません。",
    "若い世代が住み続けられる町にしたい。",
    "週末はとても混雑しています。",
    "夜は暗くて歩くのが怖いです。",
    "観光客も増えています。",
    "防災の観点からも必要だと思います。",
]
JA_COMMENTS = [
    "賛成です。",
    "私も同じ意見です。",
    "予算はどうするのでしょうか。",
    "近所でも話題になっています。",
    "まず調査が必要だと思います。",
    "別の場所の方が良いのでは。",
    "子どもの安全が第一です。",
    "ぜひ実現してほしい。",
    "地域の声を聞いてください。",
    "早めの対応をお願いします。",
]
EN_SUBJECTS = [
    "the bus stop",
    "Central Park",
    "the old bridge",
    "the school route",
    "the main street",
    "the library",
    "bicycle lanes",
    "the river path",
    "EV chargers",
    "the station stairs",
    "the community centre",
    "the beach",
]
EN_WISHES = [
    "needs more shade",
    "should open later",
    "must be made safer",
    "needs more benches",
    "should be repaired soon",
    "deserves a bigger budget",
    "needs better lighting",
    "should have signs in English",
]
EN_COMMENTS = [
    "I agree.",
    "Great idea, we need this.",
    "How will this be paid for?",
    "My children walk there every day.",
    "Please consult the neighbourhood first.",
    "This has been a problem for years.",
    "Maybe a different location is better.",
]


def _proposal_text(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.75:
        subject = rng.choice(JA_SUBJECTS)
        title = subject + rng.choice(JA_WISHES)
        body = "".join(rng.choice(JA_REASONS) for _ in range(rng.randint(2, 6)))
        body = f"{subject}について。{body}"
    else:
        subject = rng.choice(EN_SUBJECTS)
        title = f"{subject.capitalize()} {rng.choice(EN_WISHES)}"
        body = " ".join(
            f"{rng.choice(EN_SUBJECTS).capitalize()} {rng.choice(EN_WISHES)}."
            for _ in range(rng.randint(2, 5))
        )
    return title[:150], body


def _comment_text(rng: random.Random) -> str:
    if rng.random() < 0.75:
        parts = [rng.choice(JA_COMMENTS) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.5:
            parts.insert(1, rng.choice(JA_SUBJECTS) + "は" + rng.choice(JA_REASONS))
        return "".join(parts)
    parts = [rng.choice(EN_COMMENTS) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        parts.append(f"{rng.choice(EN_SUBJECTS).capitalize()} {rng.choice(EN_WISHES)}.")
    return " ".join(parts)


# --- Child: runs inside one database ------------------------------------------------


def _generate(n_proposals: int, n_comments: int) -> float:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from participation.accounts.models import User
    from participation.spaces.models import Process, ProcessStatus
    from proposals.models import Comment, Proposal

    rng = random.Random(20260401)
    start = time.perf_counter()
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.org", real_name=f"住民 {i}") for i in range(500)
    )
    processes = Process.objects.bulk_create(
        Process(
            slug=f"bench-{i}",
            title=f"ベンチマーク{i}",
            summary="benchmark",
            status=ProcessStatus.PUBLISHED,
        )
        for i in range(4)
    )
    batch = 2000
    proposal_ids: list[int] = []
    for offset in range(0, n_proposals, batch):
        rows = []
        for i in range(offset, min(n_proposals, offset + batch)):
            title, body = _proposal_text(rng)
            rows.append(
                Proposal(
                    process=processes[i % len(processes)],
                    author=users[i % len(users)],
                    title=title,
                    body=body,
                    created_at=now - timedelta(minutes=n_proposals - i),
                )
            )
        with transaction.atomic():
            proposal_ids += [p.pk for p in Proposal.objects.bulk_create(rows)]
    if proposal_ids and proposal_ids[0] is None:  # backends without RETURNING
        proposal_ids = list(Proposal.objects.values_list("pk", flat=True))
    batch = 5000
    for offset in range(0, n_comments, batch):
        rows = [
            Comment(
                proposal_id=rng.choice(proposal_ids),
                author=users[i % len(users)],
                body=_comment_text(rng),
                created_at=now - timedelta(seconds=n_comments - i),
            )
            for i in range(offset, min(n_comments, offset + batch))
        ]
        with transaction.atomic():
            Comment.objects.bulk_create(rows)
        print(f"  … {offset + len(rows):,} comments", file=sys.stderr, flush=True)
    for key, title in VARIANTS["proposals"].items():
        Proposal.objects.create(
            process=processes[0],
            author=users[0],
            title=title,
            body=f"ラベル付きの提案（{key}）です。",
        )
    return time.perf_counter() - start


def _labelled_ids() -> dict[str, int]:
    from proposals.models import Proposal

    ids = dict(
        Proposal.objects.filter(title__in=VARIANTS["proposals"].values()).values_list(
            "title", "pk"
        )
    )
    return {key: ids[title] for key, title in VARIANTS["proposals"].items()}


def _recall() -> list[dict]:
    """Per kind of variant: pairs found by the index and by a plain substring
    match of the query as typed."""
    from django.db.models import Q

    from portal.search import selectors
    from proposals.models import Proposal

    ids = _labelled_ids()
    tally: dict[str, list[int]] = {}
    for query, key, kind in VARIANTS["pairs"]:
        index_hit = (
            selectors.search(query, kind="proposal").filter(object_id=ids[key]).exists()
        )
        plain_hit = (
            Proposal.objects.filter(pk=ids[key])
            .filter(Q(title__icontains=query) | Q(body__icontains=query))
            .exists()
        )
        row = tally.setdefault(kind, [0, 0, 0])
        row[0] += 1
        row[1] += int(index_hit)
        row[2] += int(plain_hit)
    return [
        {"kind": kind, "pairs": n, "index": found, "plain": plain}
        for kind, (n, found, plain) in sorted(tally.items())
    ]


def _indexed(q: str) -> int:
    from portal.search import selectors

    documents, facets = selectors.search_with_facets(q)
    list(documents[:20])
    return facets.total


def _naive(q: str) -> int:
    from django.db.models import Q

    from proposals.models import Comment, Proposal

    proposals = Proposal.objects.filter(
        Q(title__icontains=q) | Q(body__icontains=q), hidden_at__isnull=True
    )
    comments = Comment.objects.filter(
        body__icontains=q,
        hidden_at__isnull=True,
        deleted_at__isnull=True,
        proposal__hidden_at__isnull=True,
    )
    total = proposals.count() + comments.count()
    page = list(proposals.order_by("-created_at")[:20])
    if len(page) < 20:
        list(comments.order_by("-created_at")[: 20 - len(page)])
    return total


def _lookup(q: str) -> int:
    """The ceiling: one page of documents read by an index, nothing matched."""
    from participation.search.models import SearchDocument

    return len(
        list(
            SearchDocument.objects.filter(kind=1, proposal_hidden=False).order_by(
                "-created_at", "-id"
            )[:20]
        )
    )


def _time(fn, q: str, repeat: int) -> tuple[list[float], int]:
    fn(q)  # warm the caches once
    samples = []
    matches = 0
    for _ in range(repeat):
        start = time.perf_counter()
        matches = fn(q)
        samples.append((time.perf_counter() - start) * 1000)
    return samples, matches


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from participation.search import index

    call_command("migrate", verbosity=0, interactive=False)
    seconds = 0.0 if args.reuse else _generate(args.proposals, args.comments)
    # bulk_create sends no signal: on PostgreSQL, fold the pending documents now
    # (the steady state, as after the next write through the ORM).
    start = time.perf_counter()
    refreshed = index.refresh(limit=None)
    refresh_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            # The steady state autovacuum keeps a live database in: statistics
            # and a visibility map.
            for table in ("search_document", "proposals_proposal", "proposals_comment"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    rows = []
    lookup: list[float] = []
    for queries in QUERIES.values():
        for q in queries:
            lookup += _time(_lookup, q, args.repeat)[0]
    rows.append(
        {
            "backend": connection.vendor,
            "chars": "-",
            "method": "lookup",
            "p50": _percentile(lookup, 50),
            "p95": _percentile(lookup, 95),
            "matches": 20,
        }
    )
    for length, queries in QUERIES.items():
        for name, fn in (("index", _indexed), ("icontains", _naive)):
            samples: list[float] = []
            matches = []
            for q in queries:
                got, n = _time(fn, q, args.repeat)
                samples += got
                matches.append(n)
            rows.append(
                {
                    "backend": connection.vendor,
                    "chars": length,
                    "method": name,
                    "p50": _percentile(samples, 50),
                    "p95": _percentile(samples, 95),
                    "matches": int(statistics.mean(matches)),
                }
            )
    variant_queries = sorted({query for query, _key, _kind in VARIANTS["pairs"]})
    samples = []
    matches = []
    for q in variant_queries:
        got, n = _time(_indexed, q, args.repeat)
        samples += got
        matches.append(n)
    rows.append(
        {
            "backend": connection.vendor,
            "chars": "var",
            "method": "index",
            "p50": _percentile(samples, 50),
            "p95": _percentile(samples, 95),
            "matches": int(statistics.mean(matches)),
        }
    )
    print(
        json.dumps(
            {
                "generate_seconds": seconds,
                "refresh_seconds": refresh_seconds,
                "refreshed": refreshed,
                "variant_queries": len(variant_queries),
                "rows": rows,
                "recall": _recall(),
            }
        )
    )


# --- Parent: one child per database --------------------------------------------------


def _run_child(env: dict[str, str], args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--proposals",
        str(args.proposals),
        "--comments",
        str(args.comments),
        "--repeat",
        str(args.repeat),
        *(["--reuse"] if args.reuse else []),
    ]
    done = subprocess.run(  # noqa: PLW1510
        command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark failed on {env.get('DATABASE_URL') or 'SQLite'}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-" + secrets.token_urlsafe(50))
    env["DJANGO_DEBUG"] = "0"
    env.pop("REDIS_URL", None)
    return env


def _sqlite(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        env = _base_env()
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        print(f"SQLite: generating into {env['SQLITE_PATH']} …", file=sys.stderr)
        return _run_child(env, args)


def _postgres(args: argparse.Namespace, url: str) -> dict:
    import psycopg

    parsed = urlparse(url)
    name = os.environ.get("BENCH_SEARCH_DB") or f"bench_search_{os.getpid()}"
    admin = urlunparse(parsed._replace(path="/postgres"))
    if args.reuse and not os.environ.get("BENCH_SEARCH_DB"):
        raise SystemExit("--reuse needs BENCH_SEARCH_DB (the kept database's name)")
    if not args.reuse:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0 "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    try:
        env = _base_env()
        env["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
        doing = "timing" if args.reuse else "generating into"
        print(f"PostgreSQL: {doing} database {name} …", file=sys.stderr)
        return _run_child(env, args)
    finally:
        if args.keep or args.reuse:
            print(f"PostgreSQL: database {name} kept", file=sys.stderr)
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")


def _print(results: list[dict], args: argparse.Namespace) -> None:
    print()
    print(
        f"Search benchmark: {args.proposals:,} proposals, {args.comments:,} comments; "
        f"count per type + first page of 20; {args.repeat} runs x 5 queries per row"
    )
    print(
        "  (the index counts stop at 1,000 per type and show “1,000+”; icontains "
        "counts everything)"
    )
    for result in results:
        print(
            f"  data generated in {result['generate_seconds']:.0f} s; "
            f"{result['refreshed']:,} pending documents folded with Sudachi in "
            f"{result['refresh_seconds']:.0f} s; row 'var': "
            f"{result['variant_queries']} distinct variant queries"
        )
    header = (
        f"{'database':<11}{'chars':>6}  {'method':<10}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'matches':>10}  target; x lookup (the ceiling, same run)"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        ceiling = next(
            (r["p95"] for r in result["rows"] if r["method"] == "lookup"), None
        )
        for row in result["rows"]:
            verdict = ""
            if row["method"] == "index":
                ratio = row["p95"] / TARGET_MS
                verdict = "ok" if row["p95"] <= TARGET_MS else f"over {TARGET_MS} ms"
                verdict += f" ({ratio:.2f} of {TARGET_MS} ms)"
                if ceiling:
                    verdict += f"; {row['p95'] / ceiling:.0f}x lookup"
            print(
                f"{row['backend']:<11}{row['chars']!s:>6}  {row['method']:<10}"
                f"{row['p50']:>9.1f}{row['p95']:>9.1f}{row['matches']:>10,}  {verdict}"
            )


def _print_recall(results: list[dict]) -> None:
    print()
    print(
        f"Variant recall: {len(VARIANTS['pairs'])} hand-labelled (query, proposal) "
        "pairs (bench/search_variants.json)"
    )
    header = f"{'database':<11}{'variant':<9}{'pairs':>6}{'index':>8}{'plain':>8}"
    print(header)
    print("-" * len(header))
    for result in results:
        backend = result["rows"][0]["backend"]
        total = [0, 0, 0]
        for row in result["recall"]:
            n, found, plain = row["pairs"], row["index"], row["plain"]
            total = [total[0] + n, total[1] + found, total[2] + plain]
            print(
                f"{backend:<11}{row['kind']:<9}{n:>6}{found / n:>8.0%}{plain / n:>8.0%}"
            )
        n, found, plain = total
        print(f"{backend:<11}{'all':<9}{n:>6}{found / n:>8.0%}{plain / n:>8.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql"],
        help="Run on one database only (PostgreSQL needs DATABASE_URL).",
    )
    parser.add_argument(
        "--json", default="", help="figures for make bench (bench/report.py)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave the PostgreSQL database"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the kept database BENCH_SEARCH_DB names (PostgreSQL only)",
    )
    args = parser.parse_args()
    if args.reuse and not args.child:
        args.only = "postgresql"
    if args.child:
        child(args)
        return
    results = []
    if args.only != "postgresql":
        results.append(_sqlite(args))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and args.only != "sqlite":
        results.append(_postgres(args, url))
    elif args.only == "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server.")
    _print(results, args)
    _print_recall(results)
    if args.json:
        sys.path.insert(0, str(ROOT))
        from bench import figures, report

        report.write(args.json, figures.search(results))


if __name__ == "__main__":
    main()
