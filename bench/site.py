"""Whole-site benchmark (not a test): `make bench-site`.

One realistic dataset in a throwaway PostgreSQL database (10,000 proposals in 3
processes, 200,000 comments of which 2,000 on one proposal, 5,000 residents,
100,000 supports, 2,000 tracker entries with answers, revisions and progress),
served by the production server (`python -m participation.server`, DEBUG off,
PostgreSQL, Redis) and loaded over 127.0.0.1 by locust (headless, a fixed number
of users with no think time, a fixed duration).

For every page a run of the **ceiling** comes right before it: a bare Django view
returning a fixed small page, under the same server, settings and middleware
(`bench/site_settings.py` only adds that URL). So each row's throughput is given
as a percentage of a ceiling measured seconds before, on the same noisy machine.

Rows: proposal list page 1; filtered by category and sorted by most supported;
page 200; the 2,000-comment proposal (paginated thread); the tracker; a department
scorecard; search for a 2-character Japanese query; the API's proposal list and
tracker list; each anonymous and, for list/detail/tracker, anonymous with the page
cache bypassed (a session cookie naming no session) and one signed-in client
(p95 target). Then a write burst: `--writers` clients (50) supporting and
withdrawing support on 100 proposals through the API for `--write-seconds` (60),
after which every client's view of what it supports is compared with the Support
rows and the counters are recounted: nothing lost, nothing doubled.

`--writes-only` (`make bench-writes`) runs only the write burst, at its full size
(50 clients, 100 proposals, 60 s), on a dataset without the long comment threads
and tracker entries the pages need, and also counts the SQL statements of one
support and one withdrawal through the API. `--server-arg` (repeatable) passes an
option to the server, e.g. `--server-arg=--workers=1` to measure one process.

Options: --quick (a small dataset and short runs, for CI and for trying it),
--users N (concurrent anonymous clients, default 8), --seconds N (per run, 15),
--proposals/--comments/--residents/--supports/--entries, --keep (leave the database),
--database NAME (the throwaway database's name; it must not exist; BENCH_SITE_DB too).
BENCH_PORT names the server's port (default: a free port). PAGE_CACHE_SECONDS=0
measures the pages without the anonymous page cache (participation/pagecache.py).
Needs PostgreSQL (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
and Redis (REDIS_URL, default redis://127.0.0.1:6379/9).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LOCUSTFILE = ROOT / "bench" / "locustfile.py"


# --- Child: generate the data (inside the benchmark database) ---------------------
def generate(args: argparse.Namespace, out: Path) -> None:
    import random
    from datetime import timedelta

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from participation.accounts.models import Role, User
    from participation.api import services as api_services
    from participation.live import broadcast
    from participation.notifications.services import without_email
    from participation.search import index
    from participation.spaces.models import Category, Department
    from participation.text import render_html
    from proposals.models import Comment, Proposal, Support
    from responses import services as tracker
    from responses.transitions import Decision
    from tests import factories

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    # Nobody is connected while the data is made: the services' live messages are
    # not sent (from a process without an event loop each one was a new loop and a
    # new Redis connection, 2.4 s per tracker entry's five writes). The events are
    # still logged, and the page versions bumped, as in production.
    broadcast._deliver = lambda group, event_type, payload: None
    rng = random.Random(20261202)
    now = timezone.now()
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(
            f"  [{time.perf_counter() - started:6.1f}s] {msg}",
            file=sys.stderr,
            flush=True,
        )

    departments = [
        Department.objects.create(
            code=f"dept-{i}", name=f"部局{i}", name_en=f"Dept {i}"
        )
        for i in range(5)
    ]
    categories = [
        Category.objects.create(slug=f"cat-{i}", name=f"分野{i}", name_en=f"Topic {i}")
        for i in range(8)
    ]
    processes = [factories.ProcessFactory(support_threshold=10_000) for _ in range(3)]
    for process in processes:
        process.categories.set(categories)
    users = User.objects.bulk_create(
        User(email=f"resident{i}@bench.example", real_name=f"住民 {i}", is_active=True)
        for i in range(args.residents)
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    log(f"{len(users):,} residents")
    words = [
        "公園",
        "ベンチ",
        "子ども",
        "通学路",
        "バス停",
        "図書館",
        "駐輪場",
        "日陰",
        "防災",
        "商店街",
    ]

    def text(n: int) -> str:
        return "".join(rng.choice(words) for _ in range(n)) + "を改善してほしい。"

    proposal_ids: list[int] = []
    for offset in range(0, args.proposals, 2000):
        rows = []
        for i in range(offset, min(args.proposals, offset + 2000)):
            body = text(rng.randint(10, 40))
            rows.append(
                Proposal(
                    process=processes[i % 3],
                    category=categories[i % len(categories)],
                    author=users[i % len(users)],
                    title=text(3)[:80],
                    body=body,
                    body_html=render_html(body),
                    created_at=now - timedelta(minutes=args.proposals - i),
                )
            )
        with transaction.atomic():
            proposal_ids += [p.pk for p in Proposal.objects.bulk_create(rows)]
    log(f"{len(proposal_ids):,} proposals")
    long_thread = proposal_ids[0]
    thread_n = min(2000, args.comments // 10)
    comment_rows = 0
    for offset in range(0, args.comments, 5000):
        rows = []
        for i in range(offset, min(args.comments, offset + 5000)):
            body = text(rng.randint(4, 20))
            rows.append(
                Comment(
                    proposal_id=long_thread
                    if i < thread_n
                    else rng.choice(proposal_ids),
                    author=users[i % len(users)],
                    body=body,
                    body_html=render_html(body),
                    created_at=now - timedelta(seconds=args.comments - i),
                )
            )
        with transaction.atomic():
            Comment.objects.bulk_create(rows)
        comment_rows += len(rows)
    # The long thread: one comment in three starts a thread, the others answer one
    # of the five threads started last (a conversation moves on; every thread
    # ends with a few replies, as bench/thread.py's does).
    thread = list(
        Comment.objects.filter(proposal_id=long_thread)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    tops = thread[::3]
    with transaction.atomic():
        for n, pk in enumerate(thread):
            if n % 3:
                parent = tops[max(0, n // 3 - rng.randrange(5))]
                Comment.objects.filter(pk=pk).update(
                    parent_id=parent, root_id=parent, depth=1
                )
    log(f"{comment_rows:,} comments ({len(thread):,} on proposal {long_thread})")
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < args.supports:
        pairs.add(
            (
                rng.choice(proposal_ids[: max(100, len(proposal_ids) // 2)]),
                rng.randrange(len(users)),
            )
        )
    batch: list[Support] = []
    for proposal_id, u in pairs:
        batch.append(Support(proposal_id=proposal_id, user=users[u]))
        if len(batch) == 5000:
            Support.objects.bulk_create(batch)
            batch = []
    Support.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_proposal p SET support_count = s.n FROM "
            "(SELECT proposal_id, COUNT(*) n FROM proposals_support GROUP BY proposal_id) s "
            "WHERE s.proposal_id = p.id"
        )
        cursor.execute(
            "UPDATE proposals_proposal p SET comment_count = c.n FROM "
            "(SELECT proposal_id, COUNT(*) n FROM proposals_comment GROUP BY proposal_id) c "
            "WHERE c.proposal_id = p.id"
        )
    log(f"{len(pairs):,} supports")

    admin = factories.grant(factories.UserFactory(), Role.ADMIN)
    officials = [
        factories.grant(factories.UserFactory(), Role.OFFICIAL, department=d)
        for d in departments
    ]
    with without_email():
        for n, pk in enumerate(proposal_ids[1 : args.entries + 1]):
            proposal = Proposal.objects.get(pk=pk)
            entry = tracker.tracker_forward(actor=admin, proposal=proposal)
            d = n % len(departments)
            entry = tracker.tracker_assign(
                actor=admin, entry=entry, department=departments[d]
            )
            if n % 4 == 3:
                continue  # still waiting for an answer
            tracker.response_publish(
                actor=officials[d],
                entry=entry,
                decision=Decision.ACCEPTED,
                body=text(30),
            )
            entry.refresh_from_db()
            if n % 4 == 1:
                tracker.response_revise(
                    actor=officials[d],
                    entry=entry,
                    decision=Decision.ACCEPTED,
                    body=text(35),
                    change_note="予算額を更新しました。",
                )
                entry.refresh_from_db()
            if n % 2 == 0:
                tracker.progress_post(
                    actor=officials[d],
                    entry=entry,
                    status="in_progress",
                    percent=40,
                    body=text(15),
                )
            if n and n % 250 == 0:
                log(f"{n:,} tracker entries")
    log(f"{args.entries:,} tracker entries")
    if args.search_index and not args.writes_only:  # the burst searches nothing
        index.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("search index rebuilt, tables analysed")

    signed = users[1]
    writers = users[-args.writers :]
    tokens = [
        api_services.token_create(user=u, name="bench", scopes=["participate"]).raw
        for u in writers
    ]
    json.dump(
        {
            "process": processes[0].slug,
            "category": categories[1].slug,
            "department": departments[0].code,
            "long_thread": long_thread,
            "session": signed_session(signed),
            "signed_user": signed.pk,
            "tokens": tokens,
            "write_proposals": proposal_ids[-100:],
            "seconds": round(time.perf_counter() - started, 1),
        },
        out.open("w"),
    )


def signed_session(user: Any) -> str:
    """A session signed in as ``user``, under this run's secret key (a session
    made by an earlier run, with another key, reads as corrupted: anonymous)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


# --- Child: SQL queries per request (Django's test client, same database) ---------
def count_queries(
    paths: list[tuple[str, str]], session: str, token: str
) -> dict[str, int]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    counts = {}
    for name, path in paths:
        client = Client()
        if name.endswith("signed in"):
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        client.get(path)  # warm caches as the load does
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        signed_in = response.wsgi_request.user.is_authenticated
        if signed_in != name.endswith("signed in"):
            raise SystemExit(f"{name}: signed in is {signed_in}, not as its name says")
        counts[name] = len(ctx)
    return counts


def count_write_queries(token: str, proposal_id: int) -> dict[str, int]:
    """SQL statements of one support and one withdrawal through the API (Django's
    test client, same database and settings as the server)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json"
    )
    url = f"/api/v1/proposals/{proposal_id}/support/"
    client.post(
        url
    )  # warm caches (content types, the token's last use) as the load does
    client.delete(url)
    counts = {}
    for name, method in (
        ("support (POST)", client.post),
        ("withdraw (DELETE)", client.delete),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = method(url)
        if response.status_code not in (200, 201):
            raise SystemExit(f"{name} answered {response.status_code}")
        counts[name] = len(ctx)
    return counts


def reset_writes(proposal_ids: list[int], signed_user: int | None) -> dict[str, Any]:
    """For --reuse: take back the previous burst's supports (the writers' on the
    burst's proposals) and recount those proposals, so a new burst starts as the
    first did; and sign the signed-in client in again under this run's key."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM proposals_support WHERE proposal_id = ANY(%s) AND user_id IN "
            "(SELECT user_id FROM api_personalaccesstoken WHERE name = 'bench')",
            [proposal_ids],
        )
        deleted = cursor.rowcount
        cursor.execute(
            "UPDATE proposals_proposal p SET support_count = (SELECT COUNT(*) FROM "
            "proposals_support s WHERE s.proposal_id = p.id) WHERE p.id = ANY(%s)",
            [proposal_ids],
        )
    from participation.accounts.models import User

    if signed_user is not None:
        user = User.objects.get(pk=signed_user)
    else:  # data kept before the id was written down: the second resident
        user = User.objects.get(email="resident1@bench.example")
    return {"deleted": deleted, "session": signed_session(user)}


def recount_supports() -> dict[str, int]:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM proposals_proposal p WHERE p.support_count <> "
            "(SELECT COUNT(*) FROM proposals_support s WHERE s.proposal_id = p.id)"
        )
        drifted = cursor.fetchone()[0]
        cursor.execute("SELECT user_id, proposal_id FROM proposals_support")
        rows = [f"{u}:{p}" for u, p in cursor.fetchall()]
    return {"drifted": drifted, "rows": rows}


# --- Parent ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def locust(
    env: dict[str, str], host: str, users: int, seconds: int, prefix: Path
) -> dict:
    cmd = [
        PY,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
    ]
    subprocess.run(
        cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    with open(f"{prefix}_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    agg = rows["Aggregated"]
    errors = int(agg["Failure Count"])

    def number(field: str) -> float:  # "N/A" when no request finished in time
        try:
            return float(agg[field])
        except ValueError:
            return 0.0

    return {
        "rps": number("Requests/s"),
        "p50": number("50%"),
        "p95": number("95%"),
        "p99": number("99%"),
        "n": int(agg["Request Count"]),
        "errors": errors,
    }


def _child(env: dict[str, str], what: str, spec: Path) -> str:
    done = subprocess.run(
        [PY, __file__, "--child", what, "--out", str(spec)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"bench-site: the {what} step failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--child",
        choices=["generate", "queries", "write-queries", "recount", "reset"],
    )
    parser.add_argument("--out")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--write-seconds", type=int, default=60)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--supports", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--json", default="", help="figures for make bench (bench/report.py)"
    )
    # bench/soak.py searches nothing: it skips the index's rebuild (a minute).
    parser.add_argument("--no-search-index", dest="search_index", action="store_false")
    parser.add_argument("--writes-only", action="store_true")
    parser.add_argument("--server-arg", action="append", default=[])
    parser.add_argument(
        "--database", help="name of the throwaway database (made, then dropped)"
    )
    parser.add_argument(
        "--reuse",
        metavar="DATA_JSON",
        help="use the database --database left by a run with --keep (which printed "
        "this file's path) instead of generating one; it is kept",
    )
    args = parser.parse_args()
    if args.quick:
        args.proposals, args.comments, args.residents = 600, 6_000, 300
        args.supports, args.entries, args.seconds = 3_000, 60, 4
        args.writers, args.write_seconds, args.users = 10, 6, 4
    if args.writes_only:
        # The write path touches proposals, supports, accounts and tokens: no
        # long threads or tracker entries to generate.
        args.comments, args.entries = min(args.comments, 10), 0

    if args.child == "generate":
        generate(args, Path(args.out))
        return
    if args.child == "queries":
        spec = json.loads(Path(args.out).read_text())
        json.dump(count_queries(spec["paths"], spec["session"], ""), sys.stdout)
        return
    if args.child == "recount":
        json.dump(recount_supports(), sys.stdout)
        return
    if args.child == "reset":
        spec = json.loads(Path(args.out).read_text())
        json.dump(
            reset_writes(spec["write_proposals"], spec.get("signed_user")), sys.stdout
        )
        return
    if args.child == "write-queries":
        spec = json.loads(Path(args.out).read_text())
        json.dump(count_write_queries(spec["token"], spec["proposal"]), sys.stdout)
        return

    base = urlparse(
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    if not base.scheme.startswith("postgres"):
        sys.exit("bench-site needs PostgreSQL: set DATABASE_URL to a server's URL")
    # --database / BENCH_SITE_DB and BENCH_PORT: a database name and a port of one's
    # own, where several people share one machine.
    name = (
        args.database
        or os.environ.get("BENCH_SITE_DB")
        or f"bench_site_{int(time.time())}"
    )
    admin_url = urlunparse(base._replace(path="/postgres"))
    url = urlunparse(base._replace(path=f"/{name}"))
    if args.reuse:
        if not args.database:
            sys.exit("--reuse needs --database (the kept database's name)")
        args.keep = True
    if not args.reuse:
        subprocess.run(
            [
                "psql",
                admin_url,
                "-q",
                "-c",
                f"CREATE DATABASE {name} ENCODING 'UTF8' "
                "TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
            ],
            check=True,
        )
    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
        "CACHE_KEY_PREFIX": name,
        "DJANGO_SETTINGS_MODULE": "bench.site_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
        # Kept with a kept database: collecting (and compressing) takes minutes.
        "STATIC_ROOT": str(
            Path(tempfile.gettempdir()) / f"{name}-static"
            if args.keep
            else work / "static"
        ),
        "RATE_LIMIT_SUPPORT": "1000000/60",
        # The API's per-client limit would measure the limit, not the server.
        "API_RATE_USER": "100000000/60",
        "API_RATE_ANON": "100000000/60",
        "DISABLE_ACCOUNT_RATE_LIMITS": "1",
    }
    server = None
    try:
        data_file = Path(args.reuse) if args.reuse else work / "data.json"
        if args.reuse:
            print(f"Reusing {name} ({data_file}) …", flush=True)
            reset = json.loads(_child(env, "reset", data_file))
        else:
            print(f"Generating data into {name} …", flush=True)
        subprocess.run(
            ["true"]
            if args.reuse
            else [
                PY,
                __file__,
                "--child",
                "generate",
                *sys.argv[1:],
                # Last: argparse keeps the last --out, and the caller may pass one.
                "--out",
                str(data_file),
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
        data = json.load(data_file.open())
        if args.reuse:
            data["session"] = reset["session"]
        port = int(os.environ.get("BENCH_PORT") or free_port())
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                PY,
                "-m",
                "participation.server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
                *args.server_arg,
            ],
            env=env,
            cwd=ROOT,
            stdout=(work / "server.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        # Several processes loading the application on a busy machine take a while.
        ready_by = time.monotonic() + 180
        while time.monotonic() < ready_by:
            try:
                urllib.request.urlopen(host + "/bench-ceiling/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        p, pk = data["process"], data["long_thread"]
        pages = [
            ("proposal list, page 1", f"/processes/{p}/proposals/", True),
            (
                "list by category, most supported",
                f"/processes/{p}/proposals/?category={data['category']}&sort=most_supported",
                False,
            ),
            ("list, page 200", f"/processes/{p}/proposals/?page=200", False),
            ("proposal with 2,000 comments", f"/proposals/{pk}/", True),
            ("tracker", "/tracker/", True),
            (
                "department scorecard",
                f"/tracker/departments/{data['department']}/",
                False,
            ),
            ("search, 2 characters", "/search/?q=公園", False),
            ("API proposal list", "/api/v1/proposals/", False),
            ("API tracker list", "/api/v1/tracker/", False),
        ]
        query_paths = [(label, path) for label, path, _s in pages]
        query_paths += [(f"{label}, signed in", path) for label, path, s in pages if s]
        spec = work / "queries.json"
        json.dump({"paths": query_paths, "session": data["session"]}, spec.open("w"))
        queries = {} if args.writes_only else json.loads(_child(env, "queries", spec))
        write_spec = work / "write-queries.json"
        # The first writer's token, on a proposal outside the burst's hundred.
        json.dump(
            {"token": data["tokens"][0], "proposal": data["write_proposals"][0] - 1},
            write_spec.open("w"),
        )
        write_queries = json.loads(_child(env, "write-queries", write_spec))
        results = []
        n = 0

        def run(label: str, path: str, users: int, session: str = "") -> dict:
            nonlocal n
            n += 1
            load_env = {
                **env,
                "BENCH_MODE": "read",
                "BENCH_PATH": path,
                "BENCH_SESSION": session,
            }
            return locust(load_env, host, users, args.seconds, work / f"run{n}")

        for label, path, signed in [] if args.writes_only else pages:
            ceiling = run("ceiling", "/bench-ceiling/", args.users)
            page = run(label, path, args.users)
            results.append((label, page, ceiling, queries.get(label)))
            if signed:
                # The same anonymous reader without the page cache: a session cookie
                # that names no session makes the page bypass it (X-Cache: BYPASS)
                # and render as for anyone not signed in.
                ceiling = run("ceiling", "/bench-ceiling/", args.users)
                page = run(label, path, args.users, "no-such-session")
                results.append((f"{label}, page cache bypassed", page, ceiling, None))
            if signed:
                one = run(label, path, 1, data["session"])
                results.append(
                    (
                        f"{label}, signed in (1 client)",
                        one,
                        None,
                        queries.get(f"{label}, signed in"),
                    )
                )
            print(f"  measured: {label}", flush=True)

        tokens = work / "tokens.json"
        json.dump(
            {
                "tokens": data["tokens"][: args.writers],
                "proposals": data["write_proposals"],
            },
            tokens.open("w"),
        )
        state = work / "write-state.json"
        n += 1
        write_env = {
            **env,
            "BENCH_MODE": "write",
            "BENCH_TOKENS": str(tokens),
            "BENCH_STATE": str(state),
        }
        ceiling = run("ceiling", "/bench-ceiling/", args.writers)
        saved = args.seconds
        args.seconds = args.write_seconds
        write = locust(
            write_env, host, args.writers, args.write_seconds, work / f"run{n}"
        )
        args.seconds = saved
        recount = json.loads(_child(env, "recount", spec))
        client_view = (
            json.load(state.open())
            if state.exists()
            else {"supported": [], "unknown": []}
        )
        db_rows = {
            r
            for r in recount["rows"]
            if int(r.split(":")[1]) in set(data["write_proposals"])
        }
        writer_ids = set(client_view.get("users", []))
        db_rows = {r for r in db_rows if int(r.split(":")[0]) in writer_ids}
        believed = set(client_view["supported"])
        unknown = set(client_view["unknown"])  # a request that failed without an answer
        lost = believed - db_rows - unknown
        doubled = (db_rows - believed) - unknown
        _print(results, write, ceiling, recount["drifted"], lost, doubled, data, args)
        print(
            f"  pairs left unknown (request unanswered or cut at the end): {len(unknown)}"
        )
        print(
            "  SQL statements per request (API, one client): "
            + ", ".join(f"{k} {v}" for k, v in write_queries.items())
        )
        if args.json:
            sys.path.insert(0, str(ROOT))
            from bench import figures, report

            report.write(
                args.json,
                figures.site(
                    results, write, ceiling, recount["drifted"], lost, doubled
                ),
            )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep and not args.reuse:
            kept = Path(tempfile.gettempdir()) / f"{name}.json"
            kept.write_text(data_file.read_text())
            print(f"Kept database {name}; reuse with --database {name} --reuse {kept}")
        if not args.keep:
            subprocess.run(
                [
                    "psql",
                    admin_url,
                    "-q",
                    "-c",
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                ],
                check=False,
            )


def _print(results, write, ceiling, drifted, lost, doubled, data, args) -> None:
    print()
    print(
        f"Data: {args.proposals:,} proposals in 3 processes, {args.comments:,} comments "
        f"(2,000 or fewer on one), {args.residents:,} residents, {args.supports:,} supports, "
        f"{args.entries:,} tracker entries; generated in {data['seconds']} s."
    )
    if args.server_arg:
        print(f"Server options: {' '.join(args.server_arg)}")
    if not results:
        _print_writes(write, ceiling, drifted, lost, doubled, args)
        return
    print(
        f"Load: locust, {args.users} clients without think time, {args.seconds} s per run; "
        "each page right after a run of the ceiling (a bare Django view, same server)."
    )
    print()
    head = f"{'page':52} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'SQL':>4} {'% ceil':>7} {'err':>4}  target"
    print(head)
    print("-" * len(head))
    for label, r, ceil, q in results:
        pct = f"{100 * r['rps'] / ceil['rps']:.0f} %" if ceil and ceil["rps"] else ""
        if ceil is None:
            target = "p95 ≤ 50 ms " + ("met" if r["p95"] <= 50 else "MISSED")
        elif label.startswith(("proposal list, page 1", "proposal with")) and (
            "bypassed" not in label
        ):
            target = "≥ 50 % of ceiling " + (
                "met" if ceil["rps"] and r["rps"] >= ceil["rps"] / 2 else "MISSED"
            )
        else:
            target = ""
        print(
            f"{label:52} {r['rps']:7.1f} {r['p50']:7.0f} {r['p95']:7.0f} {r['p99']:7.0f} "
            f"{q if q is not None else '':>4} {pct:>7} {r['errors']:4}  {target}"
        )
        if ceil:
            print(
                f"{'  ceiling (bare view), just before':52} {ceil['rps']:7.1f} {ceil['p50']:7.0f} "
                f"{ceil['p95']:7.0f} {ceil['p99']:7.0f} {'':>4} {'100 %':>7} {ceil['errors']:4}"
            )
    _print_writes(write, ceiling, drifted, lost, doubled, args)


def _print_writes(write, ceiling, drifted, lost, doubled, args) -> None:
    print()
    ok = write["rps"] >= 300
    print(
        f"Write burst: {args.writers} clients supporting / withdrawing on 100 proposals for "
        f"{args.write_seconds} s through the API: {write['rps']:.1f} requests/s "
        f"({100 * write['rps'] / ceiling['rps']:.0f} % of the ceiling's {ceiling['rps']:.0f}), "
        f"p50 {write['p50']:.0f} ms, p95 {write['p95']:.0f} ms, {write['errors']} errors; "
        f"ceiling p50 {ceiling['p50']:.0f} ms, p95 {ceiling['p95']:.0f} ms; target ≥ 300/s "
        + ("met" if ok else "MISSED")
    )
    print(
        f"  counters that differ from a recount: {drifted}; supports lost: {len(lost)}; "
        f"doubled or unexpected: {len(doubled)} (target 0, 0, 0: "
        + ("met" if not drifted and not lost and not doubled else "MISSED")
        + ")"
    )


if __name__ == "__main__":
    main()
