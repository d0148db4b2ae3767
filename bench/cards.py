"""List and tracker pages benchmark (not a test): `make bench-cards`.

The pages made of repeated cards and rows, signed in (no page cache): the
proposal list (20 cards), the process page (5 cards), the tracker (25 rows) and a
department page (its rows). Generates one process of ``--proposals`` proposals
(600: categories, areas, a third with a photo, a viewer supporting some) and
``--entries`` tracker entries (300: awaiting, overdue, accepted and being
implemented, completed and disputed, not adopted with a review date, referred)
into a throwaway database (an SQLite file in /tmp, or a fresh PostgreSQL database
``cards_bench_<pid>`` on the server of DATABASE_URL when that is set). Then, in
the same process, alternating, it requests through Django's test client (the
whole middleware stack, DEBUG off, the default language: Japanese) each page and
a bare Django view returning a fixed small page (the ceiling), and prints p50/p95
ms, bytes and SQL queries per request, and each p50 and p95 as a multiple of the
ceiling's. ``--before REF`` runs the same on a checkout of the git revision REF
(its messages compiled) first, so that before and after are measured back to back.

Options: --proposals N, --entries N, --repeat N (default 40), --before REF,
--pg-database NAME (the scratch database, made and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inprocess  # noqa: E402 - after the project's root is on the path


def _generate(n_proposals: int, n_entries: int) -> dict:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from participation.accounts.models import Role
    from proposals.models import Proposal, ProposalImage, ProposalState, Support
    from responses.models import Response, TrackerEntry
    from tests import factories

    rng = random.Random(20261205)
    now = timezone.now()
    with transaction.atomic():
        departments = [
            factories.DepartmentFactory(name=f"部{i}", name_en=f"Dept {i}")
            for i in range(5)
        ]
        sections = [
            factories.SectionFactory(department=d, name=f"{d.name}課", name_en="Sec")
            for d in departments
        ]
        categories = [
            factories.CategoryFactory(name=f"分類{i}", name_en=f"Cat {i}")
            for i in range(5)
        ]
        areas = [
            factories.AreaFactory(name=f"地区{i}", name_en=f"Area {i}")
            for i in range(5)
        ]
        process = factories.ProcessFactory()
        admin = factories.grant(factories.UserFactory(), Role.ADMIN)
        users = [factories.UserFactory() for _ in range(50)]
        viewer = factories.UserFactory()
        body = (
            "夏の公園は暑すぎて子どもが遊べません。木陰やパーゴラを増やしてください。"
            * 4
        )
        proposals = Proposal.objects.bulk_create(
            Proposal(
                process=process,
                author=users[i % 50],
                title=f"提案 {i}: 公園に日陰を増やしてほしい",
                body=body,
                body_html=f"<p>{body}</p>",
                category=categories[i % 5] if i % 4 else None,
                area=areas[i % 5] if i % 3 else None,
                state=ProposalState.WITHDRAWN if i % 37 == 0 else "published",
                support_count=rng.randint(0, 120),
                comment_count=rng.randint(0, 40),
                threshold_reached_at=now if i % 5 == 0 else None,
                created_at=now - timedelta(minutes=n_proposals - i),
            )
            for i in range(n_proposals)
        )
        if proposals[0].pk is None:  # backends without RETURNING
            proposals = list(Proposal.objects.order_by("pk"))
        ProposalImage.objects.bulk_create(
            ProposalImage(
                proposal=p,
                file=f"proposals/{p.pk}/photo.jpg",
                small_file=f"proposals/{p.pk}/small.jpg",
                alt_text="公園の入口",
                width=1200,
                height=900,
                small_width=320,
                small_height=240,
                content_type="image/jpeg",
                byte_size=1000,
            )
            for p in proposals[::3]
        )
        answer = Response.objects.create(department=departments[0], published_at=now)
        kinds = [
            "awaiting",
            "overdue",
            "accepted",
            "completed",
            "not_adopted",
            "referred",
        ]
        entries = []
        for i, p in enumerate(proposals[-n_entries:] if n_entries else []):
            kind = kinds[i % len(kinds)]
            department = departments[i % 5] if kind != "awaiting" or i % 2 else None
            decided = kind not in ("awaiting", "overdue")
            entries.append(
                TrackerEntry(
                    proposal=p,
                    process=process,
                    department=department,
                    section=sections[i % 5] if department and i % 2 else None,
                    entered_at=now - timedelta(days=20 + i % 30),
                    entered_via="threshold",
                    response_due_at=now
                    + timedelta(days=-3 - i % 9 if kind == "overdue" else 10 + i % 9),
                    decision={
                        "completed": "accepted",
                        "overdue": "awaiting",
                    }.get(kind, kind),
                    decided_at=now - timedelta(days=2) if decided else None,
                    response=answer if decided else None,
                    implementation={
                        "accepted": "in_progress",
                        "completed": "completed",
                    }.get(kind, ""),
                    implementation_percent=40
                    if kind == "accepted"
                    else (100 if kind == "completed" else None),
                    disputed_at=now if kind == "completed" and i % 2 else None,
                    review_on=(now + timedelta(days=30 - i % 60)).date()
                    if kind in ("not_adopted", "referred")
                    else None,
                    referred_to="国の機関" if kind == "referred" else "",
                    last_update_at=now - timedelta(days=i % 10),
                    last_update_kind="published" if decided else "entered",
                )
            )
        TrackerEntry.objects.bulk_create(entries)
        Support.objects.bulk_create(
            Support(proposal=p, user=viewer) for p in proposals[-40:][::2]
        )
    return {
        "process": process.slug,
        "department": departments[1].code,
        "viewer": viewer.pk,
        "admin": admin.pk,
    }


def _items(response: Any) -> dict[str, int]:
    return {
        "cards": response.content.count(b'class="card proposal-card')
        + response.content.count(b'class="tracker-row')
    }


def child(args: argparse.Namespace) -> None:
    inprocess.setup()
    from django.db import connection
    from django.test import Client

    from participation.accounts.models import User

    ids = _generate(args.proposals, args.entries)
    inprocess.analyse()
    anonymous = Client()
    signed = Client()
    signed.force_login(User.objects.get(pk=ids["viewer"]))
    p = ids["process"]
    targets = [
        ("ceiling (bare view)", anonymous, inprocess.CEILING),
        ("proposal list, signed in", signed, f"/processes/{p}/proposals/"),
        ("process page, signed in", signed, f"/processes/{p}/"),
        ("tracker, signed in", signed, "/tracker/"),
        ("department, signed in", signed, f"/tracker/departments/{ids['department']}/"),
    ]
    rows = inprocess.measure(targets, args.repeat, describe=_items)
    print(json.dumps({"backend": connection.vendor, "rows": rows}))


# --- Parent: one child per checkout ---------------------------------------------------


def _measure(args: argparse.Namespace, tree: Path) -> dict:
    options = [
        *("--proposals", str(args.proposals), "--entries", str(args.entries)),
        *("--repeat", str(args.repeat)),
    ]
    return inprocess.measure_on(
        lambda env: inprocess.run_child(__file__, options, env, tree),
        url=os.environ.get("DATABASE_URL", ""),
        pg_name=args.pg_database or f"cards_bench_{os.getpid()}",
    )


def _print(results: list[tuple[str, dict]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Cards benchmark: {args.proposals:,} proposals, {args.entries:,} tracker "
        f"entries; {args.repeat} requests per row, alternating with the ceiling, "
        "through Django's test client, DEBUG off, Japanese"
    )
    header = (
        f"{'code':<8}{'database':<11}{'request':<27}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'x ceil p50':>11}{'x ceil p95':>11}{'bytes':>9}{'SQL':>5}{'items':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, result in results:
        ceiling = next(r for r in result["rows"] if r["name"].startswith("ceiling"))
        for row in result["rows"]:
            if row["p50"] is None:
                print(f"{label:<8}{row['name']:<38}(HTTP {row['status']})")
                continue
            print(
                f"{label:<8}{result['backend']:<11}{row['name']:<27}"
                f"{row['p50']:>8.1f}{row['p95']:>8.1f}"
                f"{row['p50'] / ceiling['p50']:>10.1f}x"
                f"{row['p95'] / ceiling['p95']:>10.1f}x"
                f"{row['bytes']:>9,}{row['queries']:>5}{row['cards']:>6}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--proposals", type=int, default=600)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--pg-database", default="", help="scratch database name")
    parser.add_argument("--before", default="", help="git revision to compare with")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = []
    with inprocess.trees(args.before) as trees:
        for label, tree in trees:
            print(f"{label} …", file=sys.stderr, flush=True)
            results.append((label, _measure(args, tree)))
    _print(results, args)


if __name__ == "__main__":
    main()
