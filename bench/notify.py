"""Notification e-mail benchmark: N notifications from commit to the last message
received by a local SMTP server.

    python bench/notify.py                # 10,000 notifications, one worker
    python bench/notify.py 300            # fewer (NOTIFY_BENCH_N works too)
    python bench/notify.py --workers 2    # several worker processes (PostgreSQL)

It builds a throw-away SQLite database (or uses DATABASE_URL if set), creates N
residents with verified addresses, starts an SMTP server in this process
(aiosmtpd) and the worker as a real process (``manage.py worker --no-periodic``,
as in production), then notifies all N of an answer to a proposal they support
in one transaction, and reports the time from the commit to the last message
received, and the worker's peak memory (VmHWM). The ceiling, measured in the same
run: the same N messages, already rendered, sent straight through Django's SMTP
backend over one connection, from this process.

This is a benchmark, not a test: it prints numbers and exits 0 unless something
broke (messages that never arrived are reported, and the exit status is 1).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIMEOUT = 600


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Counter:
    """Counts the messages the SMTP server receives and when the last came
    (shared with this process: the server runs in its own, so that it does not
    compete with the ceiling's sender for one interpreter lock)."""

    def __init__(self) -> None:
        self._count = multiprocessing.Value("q", 0)
        self._last = multiprocessing.Value("d", 0.0)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._count.get_lock():
            self._count.value += 1
            self._last.value = time.monotonic()
        return "250 OK"

    @property
    def count(self) -> int:
        return int(self._count.value)

    @property
    def last(self) -> float:
        return float(self._last.value)

    def reset(self) -> None:
        with self._count.get_lock():
            self._count.value = 0
            self._last.value = 0.0


def _serve(counter: Counter, port: int, stop: Any) -> None:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


def _start_smtp(counter: Counter, port: int) -> tuple[Any, Any]:
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(counter, port, stop))
    server.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return server, stop


def _peak_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "n", nargs="?", type=int, default=int(os.environ.get("NOTIFY_BENCH_N", 10000))
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--json", default="", help="figures for make bench (bench/report.py)"
    )
    args = parser.parse_args()
    n = args.n

    tmp = tempfile.mkdtemp(prefix="bench-notify-")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "participation.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "SITE_URL": "https://participation.example.jp",
    }
    if not os.environ.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ.update(env)

    import django

    django.setup()

    from allauth.account.models import EmailAddress
    from django.core.mail import get_connection
    from django.core.management import call_command
    from django.db import transaction

    from participation.accounts.models import User
    from participation.notifications import email as emails
    from participation.notifications import services
    from participation.notifications.models import Delivery, Notification

    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("DATABASE_URL"):
        User.objects.filter(email__startswith="bench-").delete()
    User.objects.bulk_create(
        [
            User(email=f"bench-{i}@example.org", real_name=f"住民 {i}", language="ja")
            for i in range(n)
        ],
        batch_size=1000,
    )
    users = list(
        User.objects.filter(email__startswith="bench-").values_list("pk", "email")
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=address, verified=True, primary=True)
            for pk, address in users
        ],
        batch_size=1000,
    )

    counter = Counter()
    server, stop = _start_smtp(counter, port)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "worker",
                "--no-periodic",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(args.workers)
    ]
    try:
        time.sleep(2)  # the workers import Django and start polling
        marks: dict[str, float] = {}
        with transaction.atomic():
            # The first on-commit callback: the moment the transaction commits.
            transaction.on_commit(lambda: marks.setdefault("commit", time.monotonic()))
            services.notify(
                recipient_ids={pk: "supporter" for pk, _a in users},
                kind="response.published",
                url="/proposals/1/",
                data={"title": "駅前に駐輪場を", "department": "土木部"},
            )
        enqueued = time.monotonic()
        deadline = time.monotonic() + TIMEOUT
        while counter.count < n and time.monotonic() < deadline:
            time.sleep(0.05)
        received, last = counter.count, counter.last
        peaks = [_peak_rss_kib(w.pid) for w in workers]
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()

    worker_seconds = (last - marks["commit"]) if received else float("nan")
    enqueue_seconds = enqueued - marks["commit"]

    # The ceiling: the same messages, rendered beforehand, over one connection.
    notifications = list(
        Notification.objects.filter(kind="response.published")
        .select_related("recipient")
        .order_by("pk")[:n]
    )
    addresses = dict(users)
    messages = [
        emails.notification_email(
            notification, to=addresses[notification.recipient_id], idstring="c"
        )
        for notification in notifications
    ]
    counter.reset()
    start = time.monotonic()
    with get_connection() as connection:
        connection.send_messages(messages)
    ceiling_seconds = time.monotonic() - start
    ceiling_received = counter.count
    stop.set()
    server.join(timeout=10)

    sent = Delivery.objects.filter(status="sent").count()
    rows = [
        (
            f"worker ×{args.workers} (commit → last received)",
            received,
            worker_seconds,
            max(peaks) / 1024 if peaks else 0,
        ),
        ("ceiling (prepared, one connection)", ceiling_received, ceiling_seconds, 0),
    ]
    print()
    print(f"Notification e-mail: {n} notifications, database {_db_name()}")
    print(f"{'':44} {'messages':>9} {'seconds':>9} {'msg/s':>9} {'peak RSS':>10}")
    for label, count, seconds, rss in rows:
        rate = count / seconds if seconds and seconds == seconds else 0
        rss_text = f"{rss:.0f} MiB" if rss else "—"
        print(f"{label:44} {count:9d} {seconds:9.2f} {rate:9.0f} {rss_text:>10}")
    ratio = worker_seconds / ceiling_seconds if ceiling_seconds else float("nan")
    print(f"ratio worker / ceiling: {ratio:.2f}")
    print(f"on-commit enqueue of the tasks: {enqueue_seconds:.2f} s")
    print(f"deliveries marked sent: {sent} of {n}")
    if args.json:
        sys.path.insert(0, str(ROOT))
        from bench import figures, report

        report.write(
            args.json,
            figures.notify(
                n,
                args.workers,
                worker_seconds,
                ceiling_seconds,
                max(peaks, default=0) / 1024,
            ),
        )
    if received < n:
        print(f"MISSING: {n - received} messages never arrived", file=sys.stderr)
        return 1
    return 0


def _db_name() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    sys.exit(main())
