"""Soak test with faults (not a unit test): `make soak`, `SOAK_SECONDS=60 make soak`.

On loopback it starts a real topology:

    load generator ──► nginx (Debian's, deploy/nginx.conf) ──► 3 × participation.server
                                                                  │        │
                                  task worker (manage.py worker) ─┤        │
                                                                  ▼        ▼
                                                        PostgreSQL    Redis (its own)
                                  SMTP sink (aiosmtpd, logs every message it accepts)

and, while a bounded mixed load runs (90 % reads, 10 % writes: comments,
supports, reports, officials' answers, all through the API with an
``Idempotency-Key`` where the API takes one, retried with the same key after a
failed or missing answer), injects five faults one after the other:

1. ``kill``: one server process gets SIGKILL, and is restarted a few seconds later;
2. ``redis``: the Redis server is stopped and started again (live updates must
   resume: a websocket client through nginx must receive a comment posted after);
3. ``postgres``: every application connection is terminated
   (``pg_terminate_backend``), then the pool is exhausted (a lock holds every
   request that touches the proposals table for longer than ``DB_POOL_TIMEOUT``):
   requests must get a translated 503 with ``Retry-After``, never a 500;
4. ``worker``: a burst of notifications is queued and the task worker gets SIGKILL
   mid-batch (some deliveries sent, some not yet), then is restarted;
5. ``sigterm``: one server process gets SIGTERM under load and must exit by itself
   within its shutdown timeout, with no request cut (then it is restarted).

Each request is counted in the phase its lifetime overlaps (``steady`` outside the
fault windows). It prints, per phase, requests, errors by status and p95, and then
verifies, strictly:

- every acknowledged write exists exactly once (the generator logs each one with a
  token carried in its text; the database is searched for every token), and no
  write exists twice, acknowledged or not;
- every notification delivery ends sent or skipped, and the SMTP sink received
  each sent one exactly once (after the worker kill, the sweep that requeues the
  deliveries a dead worker left ``sending`` is run as if its delay had passed);
- no 5xx (or unanswered request) outside the fault windows, no 500 anywhere, every
  503 carries ``Retry-After`` and a Japanese message, no write fails because Redis
  restarted, no read fails because a server was killed or stopped, the stopped
  server exits 0 within its timeout, live updates resume after Redis restarts.

Any violation is listed and the exit status is 1.

Environment: ``SOAK_SECONDS`` (300), ``SOAK_CLIENTS`` (8), ``SOAK_RATE`` (requests
per second in all, 30), ``SOAK_PORT_BASE`` (nginx on it, the servers on the next
three, the SMTP sink on the fourth; free ports if unset), ``SOAK_REDIS_PORT`` (a
free port if unset), ``SOAK_DB_PREFIX`` (``soak``), ``DATABASE_URL`` (the
PostgreSQL server, default postgres://postgres@127.0.0.1:5432). Needs Debian's
nginx (installed with apt-get when missing) and ``redis-server``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.site import free_port  # noqa: E402

PY = sys.executable
NGINX = "/usr/sbin/nginx"
SHUTDOWN_TIMEOUT = 10  # participation.server's --timeout-graceful-shutdown
POOL_TIMEOUT = 3  # DB_POOL_TIMEOUT for the soak: the pool runs dry quickly
POOL_SIZE = 4
GRACE = 4.0  # seconds after a fault ends that still count as its window
TOKEN = re.compile(r"soak-[0-9a-f]{16}")
SMTP_DELAY = 0.05  # seconds per message: a batch takes long enough to be cut


# --- Children (inside the soak database) -------------------------------------------
def prepare(spec: dict) -> dict:
    """Officials with API tokens, proposals waiting for an answer, one proposal
    with many supporters (the worker-kill burst), one for the live check."""
    import django

    django.setup()
    from django.db import transaction

    from participation.accounts.models import Role, User
    from participation.api import services as api_services
    from participation.notifications.services import without_email
    from proposals.models import Comment, Proposal, Support
    from responses import services as tracker
    from responses.models import TrackerEntry

    admin = User.objects.filter(grants__role=Role.ADMIN).first()
    officials = {}
    for user in User.objects.filter(grants__role=Role.OFFICIAL).distinct():
        grant = user.grants.filter(role=Role.OFFICIAL).first()
        token = api_services.token_create(user=user, name="soak", scopes=["official"])
        officials[grant.department_id] = {"token": token.raw, "user": user.pk}
    tracked = set(TrackerEntry.objects.values_list("proposal_id", flat=True))
    writer_ids = list(
        User.objects.filter(api_tokens__name="bench")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    candidates = [
        p
        for p in Proposal.objects.order_by("pk").values_list("pk", flat=True)[:400]
        if p not in tracked
    ]
    burst_pk, live_pk, waiting = candidates[0], candidates[1], candidates[2:]
    waiting = waiting[: spec["answers"]]
    departments = sorted(officials)
    answerable = []
    with without_email():
        for n, pk in enumerate([burst_pk, *waiting]):
            proposal = Proposal.objects.get(pk=pk)
            entry = tracker.tracker_forward(actor=admin, proposal=proposal)
            from participation.spaces.models import Department

            department = Department.objects.get(pk=departments[n % len(departments)])
            tracker.tracker_assign(actor=admin, entry=entry, department=department)
            if pk != burst_pk:
                answerable.append(
                    {"proposal": pk, "token": officials[department.pk]["token"]}
                )
        # The burst: every resident supports it (one answer, one e-mail each).
        residents = list(
            User.objects.filter(email__endswith="@bench.example").values_list(
                "pk", flat=True
            )
        )
        Support.objects.filter(proposal_id=burst_pk).delete()
        with transaction.atomic():
            Support.objects.bulk_create(
                Support(proposal_id=burst_pk, user_id=u) for u in residents
            )
            Proposal.objects.filter(pk=burst_pk).update(support_count=len(residents))
    burst_entry = TrackerEntry.objects.get(proposal_id=burst_pk)
    comments = list(Comment.objects.order_by("-pk").values_list("pk", flat=True)[:2000])
    supported = set(
        Support.objects.filter(user_id__in=writer_ids).values_list(
            "user_id", "proposal_id"
        )
    )
    authors = dict(
        Proposal.objects.filter(pk__in=spec["write_proposals"]).values_list(
            "pk", "author_id"
        )
    )
    return {
        "answers": answerable,
        # Nobody supports their own proposal (403): the load leaves those out.
        "own": sorted(f"{u}:{p}" for p, u in authors.items()),
        "burst": {
            "proposal": burst_pk,
            "token": officials[burst_entry.department_id]["token"],
            "supporters": len(residents),
        },
        "live": live_pk,
        "writer_ids": writer_ids,
        "report_targets": comments,
        "supported": sorted(f"{u}:{p}" for u, p in supported),
    }


def delivery_state() -> dict:
    import django

    django.setup()
    from django.db.models import Count

    from participation.notifications.models import Delivery

    rows = Delivery.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def sweep_as_if_later(spec: dict) -> int:
    """The periodic sweep (every 10 minutes), run now as if the delay after which
    a ``sending`` delivery counts as left behind by a dead worker
    (``delivery.STALE_MINUTES``, 15) had passed: those claimed before the worker
    was restarted (``spec["stale_minutes"]`` ago) are put back and enqueued."""
    import django

    django.setup()
    from django.utils import timezone

    from participation.notifications import delivery, tasks

    delivery.STALE_MINUTES = spec["stale_minutes"]
    return tasks.sweep_job(timezone.now())


def verify(spec: dict) -> dict:
    """What the database holds for the tokens the load generator wrote, and the
    deliveries."""
    import django

    django.setup()
    from participation.moderation.models import Report
    from participation.notifications.models import Delivery
    from proposals.models import Comment, Support
    from responses.models import ResponseRevision

    found: dict[str, list[list]] = defaultdict(list)
    for kind, rows in (
        (
            "comment",
            Comment.objects.filter(body__contains="soak-").values_list("pk", "body"),
        ),
        (
            "report",
            Report.objects.filter(details__contains="soak-").values_list(
                "pk", "details"
            ),
        ),
        (
            "answer",
            ResponseRevision.objects.filter(body__contains="soak-").values_list(
                "response_id", "body"
            ),
        ),
    ):
        for pk, text in rows:
            for token in TOKEN.findall(text):
                found[token].append([kind, pk])
    supports = Counter(
        f"{u}:{p}"
        for u, p in Support.objects.filter(user_id__in=spec["writer_ids"]).values_list(
            "user_id", "proposal_id"
        )
    )
    deliveries = list(
        Delivery.objects.values_list("notification_id", "status", "skip_reason")
    )
    return {
        "tokens": found,
        "supports": dict(supports),
        "deliveries": deliveries,
    }


# --- Processes ------------------------------------------------------------------
class Procs:
    """Every child in its own process group, all killed on the way out."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.running: dict[str, subprocess.Popen] = {}

    def start(
        self, name: str, cmd: list[str], env: dict, log: str = ""
    ) -> subprocess.Popen:
        out = (self.work / f"{log or name}.log").open("a")
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = proc
        return proc

    def signal(self, name: str, sig: int) -> subprocess.Popen:
        proc = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        return proc

    def stop(self, name: str, timeout: float = 15) -> None:
        proc = self.running.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def ensure_nginx() -> None:
    if os.path.exists(NGINX):
        return
    print("nginx is missing: installing Debian's package (nginx-light)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(
        [
            *sudo,
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "nginx-light",
        ],
        env=env,
        check=True,
    )


def nginx_config(work: Path, port: int, servers: list[int], static: Path) -> Path:
    """deploy/nginx.conf, as production has it, inside an http block of our own:
    only the listen address, the upstream's servers and the file paths change."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in servers
    )
    site, n = re.subn(
        r"(upstream participation_app \{\n)(?:.*\n)*?(\}\n)",
        lambda m: m.group(1) + upstream + "\n" + m.group(2),
        site,
        count=1,
    )
    replacements = [
        ("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;"),
        ("listen [::]:80 default_server;", ""),
        ("alias /srv/static/;", f"alias {static}/;"),
        ("alias /srv/media/;", f"alias {work}/media/;"),
    ]
    for old, new in replacements:
        if old not in site:
            raise SystemExit(f"soak: deploy/nginx.conf no longer has {old!r}")
        site = site.replace(old, new)
    if n != 1:
        raise SystemExit("soak: deploy/nginx.conf's upstream block was not found")
    (work / "nginx" / "temp").mkdir(parents=True, exist_ok=True)
    (work / "media").mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    temp = work / "nginx" / "temp"
    conf = f"""{user}
daemon off;
worker_processes 1;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format soak '$msec $request_method $status "$request_uri" '
                    'up=$upstream_addr ups=$upstream_status rt=$request_time';
    access_log {work}/nginx/access.log soak;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
    path = work / "nginx" / "nginx.conf"
    path.write_text(conf)
    return path


def wait_http(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def wait_port(port: int, timeout: float = 20) -> bool:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def smtp_sink(port: int, log_path: str) -> None:
    """Runs as its own process: accepts every message and logs its Message-ID."""
    import asyncio
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    out = open(log_path, "a", buffering=1)  # noqa: SIM115

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            await asyncio.sleep(SMTP_DELAY)
            head = envelope.content.split(b"\r\n\r\n", 1)[0].decode("latin1")
            match = re.search(r"(?im)^Message-ID:\s*(\S+)", head)
            out.write(f"{match.group(1) if match else '?'} {envelope.rcpt_tos[0]}\n")
            return "250 OK"

    Controller(Handler(), hostname="127.0.0.1", port=port).start()
    while True:
        time.sleep(3600)


# --- Load -----------------------------------------------------------------------
class Record:
    __slots__ = ("start", "end", "method", "kind", "status", "retry_after", "ja")

    def __init__(self, start, end, method, kind, status, retry_after, ja):
        self.start, self.end, self.method, self.kind = start, end, method, kind
        self.status, self.retry_after, self.ja = status, retry_after, ja


class Load:
    """Clients in threads, each with a keep-alive connection to nginx, together
    at most ``rate`` requests per second."""

    def __init__(self, port: int, spec: dict, clients: int, rate: float, work: Path):
        self.port, self.spec, self.clients, self.rate = port, spec, clients, rate
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.acks = (work / "acks.jsonl").open("a", buffering=1)
        self.attempts = (work / "attempts.jsonl").open("a", buffering=1)
        self.answers = list(spec["answers"])
        random.Random(7).shuffle(self.answers)
        self.reports = list(spec["report_targets"])
        self.supported = set(spec["supported"]) | set(spec["own"])
        self.threads: list[threading.Thread] = []

    # One request, never raising: (status, headers, body); status 0 = no answer.
    def request(
        self,
        conn_box: list,
        method: str,
        path: str,
        kind: str,
        token: str = "",
        body: dict | None = None,
        key: str = "",
    ) -> tuple[int, dict, bytes]:
        headers = {"Accept-Language": "ja", "Accept": "application/json, text/html"}
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.time()
        status, rheaders, payload = 0, {}, b""
        try:
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
            conn_box[0].request(method, path, body=data, headers=headers)
            response = conn_box[0].getresponse()
            payload = response.read()
            status = response.status
            rheaders = {k.lower(): v for k, v in response.getheaders()}
            if rheaders.get("connection", "").lower() == "close":
                conn_box[0].close()
                conn_box[0] = None
        except (OSError, http.client.HTTPException):
            if conn_box[0] is not None:
                conn_box[0].close()
            conn_box[0] = None
        end = time.time()
        ja = bool(
            re.search(
                r"[\u3040-\u30ff\u4e00-\u9fff]", payload.decode("utf-8", "replace")
            )
        )
        if not ja and b"\\u" in payload:
            ja = bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", _unescape(payload)))
        with self.lock:
            self.records.append(
                Record(start, end, method, kind, status, "retry-after" in rheaders, ja)
            )
        return status, rheaders, payload

    def write(
        self, conn_box, kind, method, path, token, body, ack_extra, use_key=True
    ) -> None:
        """A write, retried with the same Idempotency-Key after a failure without
        a clear refusal; logged as acknowledged when an attempt succeeds."""
        key = uuid.uuid4().hex if use_key else ""
        unanswered = False
        for attempt in range(4):
            status, headers, payload = self.request(
                conn_box, method, path, kind, token, body, key
            )
            self.attempts.write(
                json.dumps({"kind": kind, "status": status, "key": key, **ack_extra})
                + "\n"
            )
            if status in (200, 201):
                try:
                    answer = json.loads(payload)
                except ValueError:
                    answer = {}
                self.acks.write(
                    json.dumps(
                        {
                            "kind": kind,
                            "id": answer.get("id"),
                            "attempts": attempt + 1,
                            "replayed": headers.get("idempotent-replayed") == "true",
                            **ack_extra,
                        }
                    )
                    + "\n"
                )
                return
            if kind == "support" and status == 409 and unanswered:
                # The unanswered attempt had supported: acknowledged on retry.
                self.acks.write(
                    json.dumps(
                        {
                            "kind": kind,
                            "id": None,
                            "attempts": attempt + 1,
                            "replayed": True,
                            **ack_extra,
                        }
                    )
                    + "\n"
                )
                return
            if status and status < 500 and status != 429:
                self.acks.write(
                    json.dumps({"kind": kind, "refused": status, **ack_extra}) + "\n"
                )
                return
            unanswered = unanswered or status == 0 or status >= 502
            retry = headers.get("retry-after", "1")
            time.sleep(min(2.0, float(retry) if retry.isdigit() else 1.0))
        self.acks.write(json.dumps({"kind": kind, "failed": True, **ack_extra}) + "\n")

    def one(self, rng: random.Random, conn_box: list, writer: int) -> None:
        spec = self.spec
        token = spec["tokens"][writer]
        user = spec["writer_ids"][writer]
        proposals = spec["write_proposals"]
        roll = rng.random()
        if roll < 0.90:
            pick = rng.random()
            pk = rng.choice(proposals)
            if pick < 0.30:
                self.request(
                    conn_box, "GET", f"/processes/{spec['process']}/proposals/", "list"
                )
            elif pick < 0.55:
                self.request(conn_box, "GET", f"/proposals/{pk}/", "proposal")
            elif pick < 0.70:
                self.request(conn_box, "GET", "/tracker/", "tracker")
            elif pick < 0.85:
                self.request(conn_box, "GET", "/api/v1/proposals/", "api list")
            else:
                self.request(
                    conn_box, "GET", f"/api/v1/proposals/{pk}/comments/", "api comments"
                )
            return
        pick = rng.random()
        mark = f"soak-{secrets.token_hex(8)}"
        if pick < 0.5:
            pk = rng.choice(proposals)
            self.write(
                conn_box,
                "comment",
                "POST",
                f"/api/v1/proposals/{pk}/comments/",
                token,
                {"body": f"負荷試験のコメントです。{mark}"},
                {"token": mark, "proposal": pk},
            )
        elif pick < 0.8:
            with self.lock:
                free = [p for p in proposals if f"{user}:{p}" not in self.supported]
                pk = rng.choice(free) if free else None
                if pk is not None:
                    self.supported.add(f"{user}:{pk}")
            if pk is None:
                return
            self.write(
                conn_box,
                "support",
                "POST",
                f"/api/v1/proposals/{pk}/support/",
                token,
                None,
                {"pair": f"{user}:{pk}"},
                use_key=False,
            )
        elif pick < 0.9:
            with self.lock:
                target = self.reports.pop() if self.reports else None
            if target is None:
                return
            self.write(
                conn_box,
                "report",
                "POST",
                "/api/v1/reports/",
                token,
                {
                    "target_type": "comment",
                    "target_id": target,
                    "reason": "other",
                    "details": f"負荷試験の通報です。{mark}",
                },
                {"token": mark, "target": target},
            )
        else:
            with self.lock:
                answer = self.answers.pop() if self.answers else None
            if answer is None:
                return
            self.write(
                conn_box,
                "answer",
                "POST",
                f"/api/v1/proposals/{answer['proposal']}/response/",
                answer["token"],
                {
                    "decision": "accepted",
                    "body": f"実施します。負荷試験の回答です。{mark}",
                },
                {"token": mark, "proposal": answer["proposal"]},
            )

    def client(self, n: int) -> None:
        rng = random.Random(n)
        conn_box: list = [None]
        interval = self.clients / self.rate
        writer = n % len(self.spec["tokens"])
        next_at = time.monotonic() + rng.random() * interval
        while not self.stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at = max(next_at + interval, time.monotonic() - interval)
            self.one(rng, conn_box, writer)
            writer = (writer + self.clients) % len(self.spec["tokens"])

    def start(self) -> None:
        for n in range(self.clients):
            thread = threading.Thread(target=self.client, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def _unescape(payload: bytes) -> str:
    try:
        return json.dumps(json.loads(payload), ensure_ascii=False)
    except ValueError:
        return ""


class Live:
    """A browser's websocket on one proposal, through nginx, reconnecting when
    closed (as the page's script does); remembers the comments it receives."""

    def __init__(self, port: int, proposal: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/proposals/{proposal}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.seen: set[str] = set()
        self.reconnects = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        from websockets.sync.client import connect

        while not self.stop.is_set():
            try:
                with connect(self.url, origin=self.origin, open_timeout=5) as ws:
                    while not self.stop.is_set():
                        try:
                            message = ws.recv(timeout=1)
                        except TimeoutError:
                            continue
                        for mark in TOKEN.findall(str(message)):
                            self.seen.add(mark)
            except Exception:  # noqa: BLE001 - closed, refused: reconnect
                pass
            if not self.stop.is_set():
                self.reconnects += 1
                time.sleep(1)

    def probe(
        self, load: Load, writer: int, proposal: int, timeout: float = 20
    ) -> float | None:
        """Post a comment on the proposal; seconds until the socket had it."""
        mark = f"soak-{secrets.token_hex(8)}"
        start = time.monotonic()
        load.write(
            [None],
            "comment",
            "POST",
            f"/api/v1/proposals/{proposal}/comments/",
            load.spec["tokens"][writer],
            {"body": f"ライブ確認のコメント。{mark}"},
            {"token": mark, "proposal": proposal, "probe": True},
        )
        while time.monotonic() - start < timeout:
            if mark in self.seen:
                return time.monotonic() - start
            time.sleep(0.1)
        return None


# --- The run ----------------------------------------------------------------------
def child(env: dict, what: str, spec: Path) -> dict:
    done = subprocess.run(
        [PY, __file__, "--child", what, "--spec", str(spec)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"soak: the {what} step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["prepare", "deliveries", "sweep", "verify"])
    parser.add_argument("--spec")
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 300))
    )
    parser.add_argument(
        "--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", 8))
    )
    parser.add_argument(
        "--rate", type=float, default=float(os.environ.get("SOAK_RATE", 30))
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and logs"
    )
    args = parser.parse_args()
    if args.child:
        spec = json.loads(Path(args.spec).read_text()) if args.spec else {}
        result = {
            "prepare": lambda: prepare(spec),
            "deliveries": delivery_state,
            "sweep": lambda: sweep_as_if_later(spec),
            "verify": lambda: verify(spec),
        }[args.child]()
        print(json.dumps(result))
        return 0
    if args.seconds < 45:
        sys.exit("soak: at least 45 seconds (five faults one after the other)")
    return Soak(args).run()


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="soak-"))
        self.procs = Procs(self.work)
        base = os.environ.get("SOAK_PORT_BASE")
        if base:
            b = int(base)
            self.nginx_port, self.servers, self.smtp_port = (
                b,
                [b + 1, b + 2, b + 3],
                b + 4,
            )
        else:
            self.nginx_port = free_port()
            self.servers = [free_port() for _ in range(3)]
            self.smtp_port = free_port()
        self.redis_port = int(os.environ.get("SOAK_REDIS_PORT") or free_port())
        pg = urlparse(
            os.environ.get("DATABASE_URL")
            or "postgres://postgres@127.0.0.1:5432/postgres"
        )
        if not pg.scheme.startswith("postgres"):
            sys.exit("soak needs PostgreSQL: set DATABASE_URL to a server's URL")
        self.db = f"{os.environ.get('SOAK_DB_PREFIX', 'soak')}_{int(time.time())}"
        self.admin_url = urlunparse(pg._replace(path="/postgres"))
        self.db_url = urlunparse(pg._replace(path=f"/{self.db}"))
        self.windows: list[tuple[str, float, float]] = []
        self.notes: list[str] = []
        self.violations: list[str] = []
        self.worker_killed = False

    def env(self) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CACHE_KEY_PREFIX": self.db,
            "DJANGO_SETTINGS_MODULE": "participation.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "STATIC_ROOT": str(self.work / "static"),
            "DB_POOL_MAX_SIZE": str(POOL_SIZE),
            "DB_POOL_MIN_SIZE": "1",
            "DB_POOL_TIMEOUT": str(POOL_TIMEOUT),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            # The load's residents act fast: the per-person limits would stop them
            # (they still run, through Redis, and fail open when it is down).
            "RATE_LIMIT_COMMENT": "1000000/60",
            "RATE_LIMIT_SUPPORT": "1000000/60",
            "RATE_LIMIT_REPORT": "1000000/60",
            "API_RATE_USER": "100000000/60",
            "API_RATE_ANON": "100000000/60",
            "DISABLE_ACCOUNT_RATE_LIMITS": "1",
        }

    # -- pieces
    def psql(self, sql: str, db: str = "") -> str:
        done = subprocess.run(
            ["psql", db or self.admin_url, "-qAt", "-c", sql],
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def start_redis(self) -> None:
        self.procs.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work),
            ],
            os.environ,
        )
        if not wait_port(self.redis_port):
            raise SystemExit("soak: Redis did not start")

    def start_server(self, n: int) -> None:
        port = self.servers[n]
        self.procs.start(
            f"server{n}",
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
            ],
            self.env(),
            log=f"server{n}",
        )

    def wait_server(self, n: int) -> bool:
        return wait_http(f"http://127.0.0.1:{self.servers[n]}/healthz", 60)

    def start_worker(self) -> None:
        self.procs.start(
            "worker",
            [PY, "manage.py", "worker", "--no-reload", "--interval", "0.5", "-v", "0"],
            self.env(),
        )

    def window(self, name: str, start: float, end: float) -> None:
        self.windows.append((name, start, end + GRACE))

    def sleep_until(self, t: float) -> None:
        while time.time() < t and not self.load.stop.is_set():
            time.sleep(0.1)

    # -- faults
    def fault_kill(self) -> None:
        start = time.time()
        self.procs.signal("server0", signal.SIGKILL).wait()
        time.sleep(max(5, self.args.seconds * 0.04))
        self.start_server(0)
        ok = self.wait_server(0)
        self.window("1 kill -9 server", start, time.time())
        self.notes.append(
            f"1 kill: server 1 killed, restarted after {time.time() - start:.1f} s"
            + ("" if ok else " (DID NOT come back)")
        )
        if not ok:
            self.violations.append("the killed server did not start again")

    def fault_redis(self) -> None:
        before = self.live.probe(self.load, 0, self.spec["live"])
        start = time.time()
        self.procs.stop("redis", timeout=5)
        time.sleep(3)
        self.start_redis()
        up = time.time()
        time.sleep(2)
        after = self.live.probe(self.load, 1, self.spec["live"], timeout=30)
        self.window("2 restart Redis", start, time.time())
        self.notes.append(
            f"2 redis: down {up - start:.1f} s; live comment before: "
            + (f"{before:.2f} s" if before is not None else "NOT received")
            + "; after the restart: "
            + (f"{after:.2f} s" if after is not None else "NOT received")
            + f"; websocket reconnects: {self.live.reconnects}"
        )
        if before is None:
            self.violations.append("live updates did not work before Redis restarted")
        if after is None:
            self.violations.append("live updates did not resume after Redis restarted")

    def fault_postgres(self) -> None:
        start = time.time()
        killed = self.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{self.db}' AND pid <> pg_backend_pid()"
        )
        time.sleep(3)
        # Exhaust the pools: every request that touches proposals waits on the
        # lock holding its connection, until none is free for longer than
        # DB_POOL_TIMEOUT.
        hold = POOL_TIMEOUT + 4
        locker = subprocess.Popen(
            [
                "psql",
                self.db_url,
                "-qAt",
                "-c",
                f"BEGIN; LOCK TABLE proposals_proposal IN ACCESS EXCLUSIVE MODE; "
                f"SELECT pg_sleep({hold}); COMMIT;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # More requests at once than the three pools hold, as a crowd would send.
        crowd = 3 * POOL_SIZE + 6
        time.sleep(0.5)
        threads = [
            threading.Thread(
                target=self.load.request,
                args=([None], "GET", f"/proposals/{pk}/", "proposal"),
                daemon=True,
            )
            for pk in self.spec["write_proposals"][:crowd]
        ]
        for thread in threads:
            thread.start()
        locker.wait(timeout=hold + 30)
        for thread in threads:
            thread.join(timeout=60)
        self.window("3 PostgreSQL faults", start, time.time())
        self.notes.append(
            f"3 postgres: {killed or 0} connections terminated, then the "
            f"proposals table locked {hold} s while {crowd} more clients asked for "
            f"a proposal (pool {POOL_SIZE} per process, timeout {POOL_TIMEOUT} s)"
        )

    def fault_worker(self) -> None:
        start = time.time()
        burst = self.spec["burst"]
        status, _h, _b = self.load.request(
            [None],
            "POST",
            f"/api/v1/proposals/{burst['proposal']}/response/",
            "answer",
            burst["token"],
            {
                "decision": "accepted",
                "body": f"実施します。一斉通知の確認です。soak-{secrets.token_hex(8)}",
            },
            uuid.uuid4().hex,
        )
        # Mid-batch: a batch is claimed ("sending") and the SMTP sink has accepted
        # some of its messages (each is recorded as sent when accepted, so the rest
        # of the batch is still "sending"). (Failing that within 60 s: while a batch
        # is claimed at all.)
        killed_at, state, accepted = None, {}, 0
        deadline = time.time() + 60
        while time.time() < deadline:
            state = self.delivery_counts()
            accepted = self.smtp_count()
            claimed = state.get("sending", 0)
            late = time.time() > deadline - 30
            if claimed and (accepted > 0 or late):
                self.procs.signal("worker", signal.SIGKILL).wait()
                killed_at = time.time()
                break
            time.sleep(0.05)
        if killed_at is None:
            self.procs.signal("worker", signal.SIGKILL).wait()
        self.worker_killed = True
        time.sleep(3)
        self.worker_restarted = time.time()
        self.start_worker()
        self.window("4 kill -9 worker", start, time.time())
        self.notes.append(
            f"4 worker: burst answer ({burst['supporters']} supporters) → {status}; "
            "worker "
            + (
                "killed mid-batch"
                if killed_at
                else "killed, NOT mid-batch (no batch seen)"
            )
            + f" with deliveries {state}, {accepted} e-mails accepted by the sink; "
            "restarted"
        )
        if killed_at is None:
            self.violations.append("the worker could not be killed mid-batch")

    def smtp_count(self) -> int:
        try:
            with (self.work / "smtp.log").open() as f:
                return sum(1 for _line in f)
        except OSError:
            return 0

    def delivery_counts(self) -> dict[str, int]:
        """Deliveries by status, straight from psql (a Django child takes seconds
        to start: the batch would be over)."""
        out = self.psql(
            "SELECT status, count(*) FROM notifications_delivery GROUP BY status",
            self.db_url,
        )
        return {
            line.split("|")[0]: int(line.split("|")[1])
            for line in out.splitlines()
            if "|" in line
        }

    def fault_sigterm(self) -> None:
        start = time.time()
        self.sigterm_at = start
        proc = self.procs.signal("server1", signal.SIGTERM)
        try:
            code = proc.wait(timeout=SHUTDOWN_TIMEOUT + 5)
        except subprocess.TimeoutExpired:
            code = None
            self.procs.signal("server1", signal.SIGKILL).wait()
        took = time.time() - start
        self.start_server(1)
        ok = self.wait_server(1)
        self.window("5 SIGTERM server", start, time.time())
        self.notes.append(
            f"5 sigterm: server 2 exited with {code} after {took:.1f} s "
            f"(timeout {SHUTDOWN_TIMEOUT} s); restarted"
        )
        if code is None:
            self.violations.append(
                f"SIGTERM: the server had not exited after {SHUTDOWN_TIMEOUT + 5} s"
            )
        elif code not in (0, -signal.SIGTERM) or took > SHUTDOWN_TIMEOUT + 1:
            # uvicorn re-raises the signal once it has shut down: -15 is graceful.
            self.violations.append(
                f"SIGTERM: the server exited with {code} after {took:.1f} s"
            )
        if not ok:
            self.violations.append("the stopped server did not start again")

    # -- the whole
    def run(self) -> int:
        self.secret = secrets.token_urlsafe(50)
        ensure_nginx()
        self.psql(
            f"CREATE DATABASE {self.db} ENCODING 'UTF8' TEMPLATE template0 "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

        def interrupted(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupted)
        try:
            return self._run()
        except KeyboardInterrupt:
            print("soak: interrupted", file=sys.stderr)
            return 130
        finally:
            if hasattr(self, "load"):
                self.load.stop.set()
            if hasattr(self, "live"):
                self.live.stop.set()
            self.procs.stop_all()
            if hasattr(self, "smtp"):
                self.smtp.terminate()
                self.smtp.join(timeout=5)
            for s, h in previous.items():
                signal.signal(s, h)
            if not self.args.keep:
                self.psql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
                shutil.rmtree(self.work, ignore_errors=True)
            else:
                print(f"kept: database {self.db}, logs in {self.work}")

    def _run(self) -> int:
        import multiprocessing

        args = self.args
        env = self.env()
        print(
            f"soak: {args.seconds} s, {args.clients} clients, "
            f"≤ {args.rate:g} requests/s; "
            f"database {self.db}, work {self.work}",
            flush=True,
        )
        self.start_redis()
        started = time.perf_counter()
        data_file = self.work / "data.json"
        subprocess.run(
            [
                PY,
                str(ROOT / "bench" / "site.py"),
                "--child",
                "generate",
                "--out",
                str(data_file),
                "--proposals",
                "300",
                "--comments",
                "1500",
                "--residents",
                "300",
                "--supports",
                "1500",
                "--entries",
                "0",
                "--no-search-index",
                "--writers",
                str(max(20, args.clients)),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=(self.work / "generate.log").open("w"),
        )
        data = json.loads(data_file.read_text())
        self.spec_path = self.work / "spec.json"
        self.spec_path.write_text(
            json.dumps(
                {
                    "answers": max(15, args.seconds // 4),
                    "write_proposals": data["write_proposals"],
                }
            )
        )
        extra = child(env, "prepare", self.spec_path)
        self.spec = {**data, **extra}
        self.spec_path.write_text(json.dumps(self.spec))
        print(f"soak: data ready in {time.perf_counter() - started:.0f} s", flush=True)

        mails = self.work / "smtp.log"
        self.smtp = multiprocessing.get_context("spawn").Process(
            target=smtp_sink, args=(self.smtp_port, str(mails)), daemon=True
        )
        self.smtp.start()
        if not wait_port(self.smtp_port):
            raise SystemExit("soak: the SMTP sink did not start")
        for n in range(3):
            self.start_server(n)
        self.start_worker()
        conf = nginx_config(
            self.work, self.nginx_port, self.servers, self.work / "static"
        )
        self.procs.start(
            "nginx",
            [
                NGINX,
                "-p",
                str(self.work / "nginx"),
                "-c",
                str(conf),
                "-e",
                str(self.work / "nginx" / "error.log"),
            ],
            os.environ,
        )
        for n in range(3):
            if not self.wait_server(n):
                raise SystemExit(
                    f"soak: server {n + 1} did not start "
                    f"({(self.work / f'server{n}.log').read_text()[-2000:]})"
                )
        if not wait_http(f"http://127.0.0.1:{self.nginx_port}/healthz", 20):
            raise SystemExit(
                "soak: nginx did not answer: "
                + (self.work / "nginx" / "error.log").read_text()[-2000:]
            )

        self.load = Load(self.nginx_port, self.spec, args.clients, args.rate, self.work)
        self.live = Live(self.nginx_port, self.spec["live"])
        self.live.thread.start()
        t0 = time.time()
        self.load.start()
        d = args.seconds
        plan = [
            (0.10, self.fault_kill),
            (0.28, self.fault_redis),
            (0.46, self.fault_postgres),
            (0.62, self.fault_worker),
            (0.80, self.fault_sigterm),
        ]
        for at, fault in plan:
            # One fault at a time: the next begins once the last window is over.
            self.sleep_until(
                max(t0 + at * d, self.windows[-1][2] if self.windows else 0)
            )
            print(
                f"  [{time.time() - t0:5.0f} s] fault: {fault.__name__[6:]}", flush=True
            )
            fault()
        # Some steady load after the last fault, however long the faults took.
        self.sleep_until(max(t0 + d, self.windows[-1][2] + 0.1 * d))
        self.load.finish()
        self.live.stop.set()
        t_end = time.time()
        print(
            f"  [{t_end - t0:5.0f} s] load stopped; draining the notifications",
            flush=True,
        )

        # Drain: the sweep (as if its delay had passed), then until nothing is due.
        stale = (time.time() - getattr(self, "worker_restarted", t0)) / 60 - 0.05
        self.spec_path.write_text(json.dumps({**self.spec, "stale_minutes": stale}))
        requeued = child(env, "sweep", self.spec_path)
        deadline = time.time() + 120
        state = {}
        while time.time() < deadline:
            state = child(env, "deliveries", self.spec_path)
            if not state.get("pending", 0) and not state.get("sending", 0):
                break
            time.sleep(1)
        self.notes.append(
            f"drain: {requeued} deliveries requeued by the sweep; "
            f"deliveries now {state}"
        )
        self.procs.stop("worker")
        time.sleep(1)
        result = child(env, "verify", self.spec_path)
        return self.report(t0, t_end, result, mails)

    def nginx_notes(self) -> None:
        """From nginx's log: requests it passed to a second server, and those the
        SIGTERMed server had in flight when it got the signal."""
        path = self.work / "nginx" / "access.log"
        if not path.exists():
            return
        retried: Counter = Counter()
        in_flight: Counter = Counter()
        port = f"127.0.0.1:{self.servers[1]}"
        at = getattr(self, "sigterm_at", None)
        line_re = re.compile(
            r"^(\S+) (\S+) (\d+) \"[^\"]*\" up=(.*) ups=(.*) rt=(\S+)$"
        )
        for line in path.read_text().splitlines():
            m = line_re.match(line)
            if not m:
                continue
            end, method, status, up, ups, rt = m.groups()
            if "," in up or ":" in up and " : " in up:
                retried[(method, ups.replace(" ", ""))] += 1
            if (
                at
                and port in up.split(",")[-1]
                and float(end) - float(rt) <= at <= float(end)
            ):
                in_flight[(method, status)] += 1
        self.notes.append(
            "nginx passed to another server: "
            + (
                ", ".join(f"{m} {u}: {n}" for (m, u), n in retried.most_common(8))
                or "none"
            )
        )
        if at:
            self.notes.append(
                "in flight on the SIGTERMed server at the signal, as answered: "
                + (
                    ", ".join(
                        f"{m} {s}: {n}" for (m, s), n in sorted(in_flight.items())
                    )
                    or "none"
                )
            )

    def phase_of(self, r: Record) -> str:
        """The last fault window the request's lifetime overlaps (the fault that
        decided its outcome), else ``steady``."""
        for name, start, end in reversed(self.windows):
            if r.start <= end and r.end >= start:
                return name
        return "steady"

    def report(self, t0: float, t_end: float, db: dict, mails: Path) -> int:
        v = self.violations
        by_phase: dict[str, list[Record]] = defaultdict(list)
        for r in self.load.records:
            by_phase[self.phase_of(r)].append(r)
        order = ["steady", *[w[0] for w in self.windows]]
        print()
        print(
            f"Soak: {self.args.seconds} s of load through nginx to 3 servers "
            f"({self.args.clients} clients, ≤ {self.args.rate:g}/s, 90 % reads), "
            "5 faults"
        )
        head = (
            f"{'phase':22} {'seconds':>7} {'requests':>8} {'writes':>6} "
            f"{'p95 ms':>7}  errors by status"
        )
        print(head)
        print("-" * (len(head) + 20))
        span = {w[0]: w[2] - w[1] for w in self.windows}
        inside = sum(
            max(0.0, min(end, t_end) - max(start, t0))
            for _n, start, end in self.windows
        )
        span["steady"] = (t_end - t0) - inside
        for name in [*order, "all"]:
            rows = self.load.records if name == "all" else by_phase.get(name, [])
            lat = sorted(r.end - r.start for r in rows)
            p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
            errors = Counter(r.status for r in rows if r.status == 0 or r.status >= 400)
            text = (
                ", ".join(
                    f"{'no answer' if s == 0 else s}: {n}"
                    for s, n in sorted(errors.items())
                )
                or "—"
            )
            writes = sum(1 for r in rows if r.method != "GET")
            secs = t_end - t0 if name == "all" else span.get(name, 0)
            print(f"{name:22} {secs:7.0f} {len(rows):8} {writes:6} {p95:7.0f}  {text}")
        print()
        self.nginx_notes()
        for note in self.notes:
            print("  " + note)
        print()

        # HTTP rules.
        def bad(r: Record) -> bool:
            return r.status == 0 or r.status >= 500

        steady = [r for r in by_phase.get("steady", []) if bad(r)]
        v += (
            [
                f"{len(steady)} 5xx or unanswered outside the fault windows: "
                + ", ".join(f"{r.method} {r.kind} {r.status}" for r in steady[:8])
            ]
            if steady
            else []
        )
        five_hundred = [r for r in self.load.records if r.status == 500]
        if five_hundred:
            v.append(
                f"{len(five_hundred)} answers 500 (phases: "
                f"{dict(Counter(self.phase_of(r) for r in five_hundred))})"
            )
        no_retry = [
            r for r in self.load.records if r.status == 503 and not r.retry_after
        ]
        if no_retry:
            v.append(f"{len(no_retry)} answers 503 without Retry-After")
        untranslated = [r for r in self.load.records if r.status == 503 and not r.ja]
        if untranslated:
            v.append(f"{len(untranslated)} answers 503 without a Japanese message")
        for name, rule, what in [
            (
                "1 kill -9 server",
                lambda r: r.method == "GET" and bad(r),
                "reads failed while a server was killed (nginx should retry them)",
            ),
            (
                "2 restart Redis",
                lambda r: bad(r) or (r.method != "GET" and r.status == 429),
                "requests failed while Redis restarted",
            ),
            (
                "3 PostgreSQL faults",
                lambda r: bad(r) and r.status != 503,
                "requests failed with something else than 503 (PostgreSQL faults)",
            ),
            ("4 kill -9 worker", bad, "requests failed while the worker was killed"),
            (
                "5 SIGTERM server",
                bad,
                "requests failed while a server shut down gracefully",
            ),
        ]:
            hits = [r for r in by_phase.get(name, []) if rule(r)]
            if hits:
                v.append(
                    f"{len(hits)} {what}: "
                    + ", ".join(
                        f"{k} {'no answer' if s == 0 else s}: {n}"
                        for (k, s), n in Counter(
                            (r.method + " " + r.kind, r.status) for r in hits
                        ).most_common(6)
                    )
                )

        # Writes.
        acks = [
            json.loads(line)
            for line in (self.work / "acks.jsonl").read_text().splitlines()
        ]
        tokens = db["tokens"]
        acked = [a for a in acks if "id" in a]
        failed = [a for a in acks if a.get("failed")]
        refused = [a for a in acks if "refused" in a]
        lost, doubled, wrong = [], [], []
        for a in acked:
            if a["kind"] == "support":
                n = db["supports"].get(a["pair"], 0)
                if n == 0:
                    lost.append(a)
                elif n > 1:
                    doubled.append(a)
                continue
            rows = tokens.get(a["token"], [])
            if not rows:
                lost.append(a)
            elif len(rows) > 1:
                doubled.append(a)
            elif a["id"] is not None and rows[0][1] != a["id"]:
                wrong.append(a)
        any_doubled = [t for t, rows in tokens.items() if len(rows) > 1]
        failed_written = [
            a
            for a in failed
            if a.get("token") in tokens or db["supports"].get(a.get("pair", ""), 0)
        ]
        kinds = Counter(a["kind"] for a in acked)
        on_retry = sum(1 for a in acked if a.get("attempts", 1) > 1)
        print(
            "acknowledged writes found exactly once: "
            f"{len(acked) - len(lost) - len(doubled) - len(wrong)}/{len(acked)} "
            f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}; "
            f"{on_retry} acknowledged after a retry with the same key)"
        )
        print(
            f"writes that failed visibly after 4 attempts: {len(failed)} "
            f"({len(failed_written)} of them written nevertheless); refused (4xx): "
            f"{len(refused)} "
            f"{dict(Counter((a['kind'], a['refused']) for a in refused))}"
        )
        if lost:
            v.append(f"{len(lost)} acknowledged writes are missing: {lost[:5]}")
        if doubled or any_doubled:
            v.append(
                f"{len(any_doubled)} writes exist more than once: {any_doubled[:5]}"
            )
        if wrong:
            v.append(
                f"{len(wrong)} acknowledged ids differ from the row found: {wrong[:5]}"
            )
        if refused:
            v.append(
                f"{len(refused)} writes refused with a 4xx (the load is valid): "
                f"{refused[:3]}"
            )
        if not acked:
            v.append("no write was acknowledged: the check proved nothing")

        # Deliveries.
        received = Counter()
        for line in mails.read_text().splitlines() if mails.exists() else []:
            match = re.search(r"\.n(\d+)@", line)
            if match:
                received[int(match.group(1))] += 1
        statuses = Counter(status for _n, status, _r in db["deliveries"])
        sent = {n for n, status, _r in db["deliveries"] if status == "sent"}
        twice = [n for n, c in received.items() if c > 1]
        unsent = [
            n for n, status, _r in db["deliveries"] if status in ("pending", "sending")
        ]
        missing = [n for n in sent if received[n] == 0]
        unknown = [n for n in received if n not in sent]
        print(
            f"deliveries: {len(db['deliveries'])} ({dict(statuses)}); sent once each: "
            f"{len(sent) - len(missing) - len([n for n in twice if n in sent])}"
            f"/{len(sent)}; "
            f"e-mails received {sum(received.values())}, twice or more: {len(twice)}; "
            f"never sent: {len(unsent)}"
        )
        # SMTP has no two-phase commit: the one message in flight when the worker
        # died (accepted by the server, not yet recorded) may go twice; any more
        # means a batch was recorded late.
        in_flight = 1 if self.worker_killed else 0
        if len(twice) > in_flight:
            v.append(
                f"{len(twice)} notifications were e-mailed more than once "
                f"(at most {in_flight} may be, the one in flight): {twice[:8]}"
            )
        elif twice:
            print(f"deliveries: {twice} sent twice, in flight when the worker died")
        if unsent:
            v.append(
                f"{len(unsent)} deliveries never sent (pending/sending after the drain)"
            )
        if missing:
            v.append(
                f"{len(missing)} deliveries marked sent never reached the SMTP server"
            )
        if unknown:
            v.append(f"{len(unknown)} e-mails received for deliveries not marked sent")
        if statuses.get("dead"):
            v.append(f"{statuses['dead']} deliveries dead")
        if not sent:
            v.append("no notification was sent: the check proved nothing")
        outside = len(steady)
        print(f"5xx outside fault windows: {outside}")
        print()
        if v:
            print(f"FAILED: {len(v)} violations")
            for line in v:
                print("  - " + line)
            return 1
        print("passed: no violation")
        return 0


if __name__ == "__main__":
    sys.exit(main())
