"""Long-thread benchmark (not a test): `make bench-thread`.

Generates one proposal with 2,000 comments (its first 4 top-level comments hold
250 replies each, two levels deep; the rest is 350 threads of shorter runs; some
Markdown and links in every text) and a proposal of 20 comments (the reference)
among other proposals' comments, into a
throwaway database (an SQLite file in /tmp; also a fresh PostgreSQL database on the
server of DATABASE_URL when that is set). Then, in the same process and run,
alternating, it requests through Django's test client (the whole middleware
stack, DEBUG off):

- the ceiling: a bare Django view returning a fixed small page;
- the proposal page of the 20-comment proposal (what the long one should cost);
- the proposal page of the 2,000-comment proposal, anonymous and signed in;
- the next page of its thread as a fragment (what "More comments" loads);
- the comments API's first page of threads;
- "Show N more replies" of the first long sub-thread (the fragment) and the API's
  replies endpoint after the same cursor;

and prints p50/p95 ms, bytes and SQL queries per request, and the ratio of each
p50 to the ceiling's p50 and to the 20-comment page's (time and bytes).
``--before REF`` runs the same on a checkout of the git revision REF (e.g.
``main`` before the change), so that the table shows before and after side by
side.

Options: --comments N (on the long thread, default 2000), --background N (other
comments, default 20000), --repeat N (default 20), --heavy N (long sub-threads,
default 4), --heavy-replies N (replies in each, default 250), --only
sqlite|postgresql, --pg-database NAME (the scratch database, made and dropped),
--before REF.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inprocess  # noqa: E402 - after the project's root is on the path

WORDS = [
    "公園",
    "日陰",
    "ベンチ",
    "子ども",
    "通学路",
    "**安全**",
    "*夏*",
    "バス停",
    "図書館",
    "駐輪場",
    "https://example.org/page",
    "賛成です",
    "反対です",
    "理由は",
]


def _text(rng: random.Random) -> str:
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))]
    if rng.random() < 0.3:
        lines.append("\n- " + rng.choice(WORDS) + "\n- " + rng.choice(WORDS))
    return "\n".join(lines)


def _generate(
    n_thread: int, n_background: int, heavy: int = 4, heavy_replies: int = 250
) -> dict:
    """The data, with the fields the checked-out code has (body_html and root
    exist only after the change)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from proposals.models import Comment, Proposal
    from tests import factories

    fields = {f.name for f in Comment._meta.get_fields()}
    try:
        from participation.text import render_html
    except ImportError:
        render_html = None
    stored = "body_html" in fields and render_html is not None
    rng = random.Random(20261202)
    now = timezone.now()
    process = factories.ProcessFactory()
    users = [factories.UserFactory() for _ in range(50)]
    viewer = factories.UserFactory()
    long_thread = factories.ProposalFactory(process=process, author=users[0])
    others = [
        factories.ProposalFactory(process=process, author=users[i % 50])
        for i in range(50)
    ]

    def row(proposal, i, parent=None, depth=0):
        body = _text(rng)
        extra = {}
        if stored:
            extra["body_html"] = render_html(body)
        if "root" in fields and parent is not None:
            extra["root_id"] = parent.root_id or parent.pk
        return Comment(
            proposal=proposal,
            author=users[i % 50],
            parent=parent,
            depth=depth,
            body=body,
            created_at=now - timedelta(seconds=10 * n_thread - i),
            **extra,
        )

    with transaction.atomic():
        # The first ``heavy`` top-level comments hold hundreds of replies each
        # (the shape that made a page of 20 threads render all of them); the rest
        # of the thread is as before: 35 % top-level, then replies two deep.
        n_heavy_replies = min(n_thread // 2, heavy * heavy_replies)
        rest = n_thread - n_heavy_replies
        n_roots = max(1, rest * 7 // 20, heavy)
        roots = Comment.objects.bulk_create(row(long_thread, i) for i in range(n_roots))
        if roots[0].pk is None:  # backends without RETURNING
            roots = list(Comment.objects.filter(proposal=long_thread).order_by("pk"))
        n_first = min(rest - n_roots, rest * 9 // 20)
        others_roots = roots[heavy:] or roots
        first = Comment.objects.bulk_create(
            row(long_thread, n_roots + i, others_roots[i % len(others_roots)], 1)
            for i in range(n_first)
        )
        if first and first[0].pk is None:
            first = list(
                Comment.objects.filter(proposal=long_thread, depth=1).order_by("pk")
            )
        n_second = rest - n_roots - n_first
        Comment.objects.bulk_create(
            row(long_thread, n_roots + n_first + i, first[i % len(first)], 2)
            for i in range(n_second)
        )
        if heavy and n_heavy_replies:
            each = n_heavy_replies // heavy
            at = n_roots + n_first + n_second
            for h in range(heavy):
                direct = Comment.objects.bulk_create(
                    row(long_thread, at + i, roots[h], 1) for i in range(each * 4 // 5)
                )
                if direct and direct[0].pk is None:
                    direct = list(
                        Comment.objects.filter(parent=roots[h]).order_by("pk")
                    )
                at += len(direct)
                Comment.objects.bulk_create(
                    row(long_thread, at + i, direct[i % len(direct)], 2)
                    for i in range(each - len(direct))
                )
                at += each - len(direct)
        # The reference: a proposal of 20 comments (5 threads of 4).
        small = factories.ProposalFactory(process=process, author=users[1])
        small_roots = Comment.objects.bulk_create(row(small, i) for i in range(5))
        if small_roots[0].pk is None:
            small_roots = list(Comment.objects.filter(proposal=small).order_by("pk"))
        Comment.objects.bulk_create(
            row(small, 5 + i, small_roots[i % 5], 1) for i in range(15)
        )
    for offset in range(0, n_background, 5000):
        with transaction.atomic():
            Comment.objects.bulk_create(
                row(others[i % 50], i)
                for i in range(offset, min(n_background, offset + 5000))
            )
    Proposal.objects.filter(pk=long_thread.pk).update(comment_count=n_thread)
    Proposal.objects.filter(pk=small.pk).update(comment_count=20)
    heavy_root = roots[0]
    third = (
        Comment.objects.filter(parent=heavy_root)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[2:3]
    )
    return {
        "proposal": long_thread.pk,
        "small": small.pk,
        "viewer": viewer.pk,
        "heavy_root": heavy_root.pk,
        "after": next(iter(third), 0),
    }


def child(args: argparse.Namespace) -> None:
    inprocess.setup()
    from django.db import connection
    from django.test import Client

    from participation.accounts.models import User

    started = time.perf_counter()
    ids = _generate(args.comments, args.background, args.heavy, args.heavy_replies)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE proposals_comment")
    anonymous = Client()
    signed = Client()
    signed.force_login(User.objects.get(pk=ids["viewer"]))
    pk = ids["proposal"]
    targets = [
        ("ceiling (bare view)", anonymous, inprocess.CEILING),
        ("20-comment page, anon.", anonymous, f"/proposals/{ids['small']}/"),
        ("proposal page, anonymous", anonymous, f"/proposals/{pk}/"),
        ("proposal page, signed in", signed, f"/proposals/{pk}/"),
        (
            "thread page 2 (fragment)",
            anonymous,
            f"/proposals/{pk}/comments/page/?comments=oldest&cpage=2",
        ),
        ("API comments, first page", anonymous, f"/api/v1/proposals/{pk}/comments/"),
        (
            "more replies (fragment)",
            anonymous,
            f"/comments/{ids['heavy_root']}/replies/fragment/?after={ids['after']}",
        ),
        (
            "API replies of a thread",
            anonymous,
            f"/api/v1/comments/{ids['heavy_root']}/replies/?after={ids['after']}",
        ),
    ]
    rows = inprocess.measure(targets, args.repeat)
    print(
        json.dumps(
            {
                "backend": connection.vendor,
                "generate_seconds": generated,
                "rows": rows,
            }
        )
    )


# --- Parent: one child per database and per checkout ----------------------------------


def _options(args: argparse.Namespace) -> list[str]:
    return [
        *("--comments", str(args.comments), "--background", str(args.background)),
        *("--repeat", str(args.repeat), "--heavy", str(args.heavy)),
        *("--heavy-replies", str(args.heavy_replies)),
    ]


def _measure(args: argparse.Namespace, tree: Path, url: str) -> dict:
    return inprocess.measure_on(
        lambda env: inprocess.run_child(__file__, _options(args), env, tree),
        url=url,
        pg_name=args.pg_database or f"bench_thread_{os.getpid()}",
    )


def _print(results: list[tuple[str, dict]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Long-thread benchmark: one proposal with {args.comments:,} comments "
        f"(+{args.background:,} on other proposals); {args.repeat} requests per row, "
        "alternating with the ceiling, through Django's test client, DEBUG off"
    )
    header = (
        f"{'code':<8}{'database':<11}{'request':<27}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'bytes':>11}{'queries':>8}{'x ceiling':>11}{'x 20-page':>11}"
        f"{'bytes x':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, result in results:
        ceiling = next(r for r in result["rows"] if r["name"].startswith("ceiling"))
        small = next(r for r in result["rows"] if r["name"].startswith("20-comment"))
        for row in result["rows"]:
            if row["p50"] is None:
                print(
                    f"{label:<8}{result['backend']:<11}{row['name']:<27}"
                    f"{'(no such page: HTTP ' + str(row['status']) + ')':>48}"
                )
                continue
            ratio = row["p50"] / ceiling["p50"] if ceiling["p50"] else 0
            to_small = row["p50"] / small["p50"] if small.get("p50") else 0
            bytes_ratio = row["bytes"] / small["bytes"] if small["bytes"] else 0
            print(
                f"{label:<8}{result['backend']:<11}{row['name']:<27}"
                f"{row['p50']:>9.1f}{row['p95']:>9.1f}{row['bytes']:>11,}"
                f"{row['queries']:>8}{ratio:>10.1f}x{to_small:>10.2f}x"
                f"{bytes_ratio:>8.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--background", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--heavy", type=int, default=4)
    parser.add_argument("--heavy-replies", type=int, default=250)
    parser.add_argument("--pg-database", default="", help="scratch database name")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--before", default="", help="git revision to compare with")
    parser.add_argument(
        "--json", default="", help="figures for make bench (bench/report.py)"
    )
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    url = os.environ.get("DATABASE_URL", "")
    use_pg = inprocess.is_postgres(url) and args.only != "sqlite"
    if args.only == "postgresql" and not use_pg:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server.")
    results = []
    with inprocess.trees(args.before) as trees:
        for label, tree in trees:
            if args.only != "postgresql":
                print(f"{label}: SQLite …", file=sys.stderr, flush=True)
                results.append((label, _measure(args, tree, "")))
            if use_pg:
                print(f"{label}: PostgreSQL …", file=sys.stderr, flush=True)
                results.append((label, _measure(args, tree, url)))
    _print(results, args)
    if args.json:
        sys.path.insert(0, str(ROOT))
        from bench import figures, report

        report.write(args.json, figures.thread(results))


if __name__ == "__main__":
    main()
