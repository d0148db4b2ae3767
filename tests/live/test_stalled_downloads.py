"""A few stalled downloads must not take the site down (issue 16, finding 3).

A real server (participation/server.py, as the image runs it) on PostgreSQL with a
pool of 4 connections: six clients ask for large exports (open-data CSV and JSON
Lines, a person's own data), read 1 KB and stop reading. Proposal pages and the
health checks must still answer 200: the exports were written to a file and their
connections given back before the first byte (participation/spool.py).

Before the fix each stalled download held its pooled connection until the client
had read everything: the proposal page answered 500 and /healthz 503.

PostgreSQL only (SQLite has no pool; tests/core/test_busy_pool.py shows what holds
there: every row is read before the first byte, on both databases).
"""

from __future__ import annotations

import http.client
import os
import socket
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from proposals.models import Proposal
from tests import factories
from tests.live.servers import database_url_for, server_env, start_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL (PostgreSQL): SQLite has no connection pool",
    ),
    pytest.mark.django_db(transaction=True),
]

POOL = 4
STALLED = 6
WAIT = 120  # seconds: a guard against hanging, never a measure
# Larger than every buffer between the server and a client that stopped reading
# (the server's socket buffer grows to 4 MB on Linux), so the server must wait.
BODY = "夏の公園は暑すぎて子どもが遊べません。木陰を増やしてください。" * 700
PROPOSALS = 150  # x about 70 KB of body: about 10 MB per export


def _big_data(author) -> Proposal:
    """Many long proposals, inserted without the search index's triggers (which
    would take minutes to index megabytes of text the test never searches)."""
    first = factories.ProposalFactory(author=author)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            Proposal.objects.bulk_create(
                [
                    Proposal(
                        process=first.process,
                        author=author,
                        title=f"提案{n}",
                        body=BODY,
                    )
                    for n in range(PROPOSALS)
                ]
            )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    return first


def _stall(port: int, path: str, cookie: str = "") -> tuple[int, socket.socket]:
    """Ask for ``path``, read the status line and about 1 KB, then stop reading
    (the socket stays open, with a tiny receive buffer). Returns the status."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", port))
    headers = f"Cookie: {cookie}\r\n" if cookie else ""
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode("ascii")
    )
    received = b""
    while len(received) < 1024 or b"\r\n\r\n" not in received:
        chunk = sock.recv(1024)
        if not chunk:
            break
        received += chunk
    status = int(received.split(b" ", 2)[1]) if received else 0
    return status, sock


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _database_sessions() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _wait_until_the_server_left_the_database(ours: set[int]) -> None:
    deadline = time.monotonic() + 10
    while _database_sessions() - ours and time.monotonic() < deadline:
        time.sleep(0.05)


def test_stalled_downloads_leave_pages_and_health_checks_answering(resident, tmp_path):
    proposal = _big_data(resident)
    browser = Client()
    browser.force_login(resident)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    env = server_env(
        DATABASE_URL=database_url_for(DATABASE_URL, connection.settings_dict["NAME"]),
        DJANGO_SECRET_KEY=settings.SECRET_KEY,  # to read the session signed here
        DB_POOL_MAX_SIZE=str(POOL),
        DB_POOL_MIN_SIZE="1",
        DB_POOL_TIMEOUT="3",
        # Generating the files must not depend on the machine's speed.
        EXPORT_QUEUE_TIMEOUT=str(WAIT),
        # Pages without collectstatic's manifest (the pool behaves the same).
        DJANGO_DEBUG="1",
    )
    env.pop("REDIS_URL", None)
    ours = _database_sessions()
    server = start_server(env, tmp_path / "server.log")
    stalled: list[socket.socket] = []
    try:
        paths = [
            "/opendata/proposals.csv",
            "/opendata/proposals.jsonl",
            "/accounts/data/download/",
        ]
        statuses = []
        for n in range(STALLED):
            path = paths[n % len(paths)]
            status, sock = _stall(
                server.port, path, cookie if path.startswith("/accounts/") else ""
            )
            statuses.append((path, status))
            stalled.append(sock)
        page = _get(server.port, proposal.get_absolute_url())
        healthz = _get(server.port, "/healthz")
        readyz = _get(server.port, "/readyz")
        again = _get(server.port, "/opendata/proposals.csv")
    except Exception:
        print("--- server ---\n" + server.log())
        raise
    finally:
        for sock in stalled:
            sock.close()
        server.stop()
        _wait_until_the_server_left_the_database(ours)
    assert statuses == [(path, 200) for path, _status in statuses], server.log()
    assert (page, healthz, readyz) == (200, 200, 200), server.log()
    assert again == 200
