"""The real server (participation/server.py, as the image runs it) when it is told
to stop, and when PostgreSQL ends its connections.

- SIGTERM with a request in progress: the request finishes (200) and the server
  exits 0, within uvicorn's ``--timeout-graceful-shutdown`` (10 s), with one
  process and with two (``--workers 2``: the parent passes SIGTERM on).
- ``pg_terminate_backend`` on the connection a request is using: that request is
  answered 503 with ``Retry-After`` in the visitor's language, never 500; the
  next requests work (the pool discards the broken connection). Connections ended
  while idle in the pool are never given to a request (the pool checks them).

A test-only view (tests/live/slow_urls.py) makes a request last as long as the test
needs. Waits here are generous guards against hanging, never measurements.
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.live.servers import Server, database_url_for, server_env, start_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
WAIT = 60  # seconds: a guard against hanging, never a measure
# The servers' sessions carry this name (libpq's PGAPPNAME), so that the test ends
# only theirs: this process's own pooled connections are sessions of the same
# database, and ending them would break the tests that come after.
SERVER_APPLICATION = "participation-test-server"


def _get(port: int, path: str, language: str = "en") -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request(
            "GET", path, headers={"Host": "127.0.0.1", "Accept-Language": language}
        )
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, body
    finally:
        conn.close()


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _env(tmp_path: Path, *, database: bool = True, **overrides: str) -> dict[str, str]:
    env = server_env(
        DJANGO_SETTINGS_MODULE="tests.live.slow_settings",
        SLOW_MARKER=str(tmp_path / "arrived"),
        DJANGO_DEBUG="1",  # pages without collectstatic's manifest
        **overrides,
    )
    if ON_POSTGRES and database:
        env["DATABASE_URL"] = database_url_for(
            DATABASE_URL, connection.settings_dict["NAME"]
        )
        env["PGAPPNAME"] = SERVER_APPLICATION
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp_path / "unused.sqlite3")  # the view reads nothing
    env.pop("REDIS_URL", None)
    return env


def _in_background(
    port: int, path: str, language: str = "en"
) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(
        target=lambda: result.append(_get(port, path, language)), daemon=True
    )
    thread.start()
    return thread, result


def _server_sessions() -> list[int]:
    """The sessions of the server under test (never this process's own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND application_name = %s",
            [SERVER_APPLICATION],
        )
        return [row[0] for row in cursor.fetchall()]


def _sleeping_session() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = %s AND query LIKE 'SELECT pg_sleep%%'"
            " AND state = 'active'",
            [SERVER_APPLICATION],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _terminate(pids: list[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=WAIT)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_lets_the_request_in_progress_finish_and_exits_0(tmp_path, workers):
    # The slow view only sleeps here: no database needed.
    server = start_server(
        _env(tmp_path, database=False),
        tmp_path / "server.log",
        options=("--workers", workers),
    )
    try:
        assert _get(server.port, "/test-slow/?seconds=0")[0] == 200, server.log()
        (tmp_path / "arrived").unlink()
        thread, result = _in_background(server.port, "/test-slow/?seconds=3")
        _wait_for((tmp_path / "arrived").exists, "the slow request to arrive")
        server.process.send_signal(signal.SIGTERM)
        thread.join(timeout=WAIT)
        code = server.process.wait(timeout=WAIT)
    finally:
        _stop(server)
    assert result, server.log()
    assert result[0][0] == 200, server.log()
    assert result[0][2] == "slept 3.0"
    assert code == 0, server.log()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (pg_terminate_backend)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "connection to the database was interrupted"), ("ja", "データベース")],
)
def test_a_request_whose_connection_is_terminated_gets_503_then_the_next_works(
    tmp_path, language, text
):
    server = start_server(
        _env(tmp_path, DB_POOL_MAX_SIZE="2", DB_POOL_MIN_SIZE="1"),
        tmp_path / "server.log",
    )
    try:
        thread, result = _in_background(server.port, "/test-slow/?seconds=50", language)
        _wait_for(lambda: _sleeping_session() is not None, "the request's query")
        _terminate([_sleeping_session()])
        thread.join(timeout=WAIT)
        after = [_get(server.port, "/test-slow/?seconds=0")[0] for _n in range(4)]
    finally:
        server.stop()
    assert result, server.log()
    status, headers, body = result[0]
    assert status == 503, server.log()
    assert int(headers["retry-after"]) >= 1
    assert text in body
    assert after == [200, 200, 200, 200], server.log()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (pg_terminate_backend)")
@pytest.mark.django_db(transaction=True)
def test_connections_terminated_while_idle_in_the_pool_never_reach_a_request(
    tmp_path,
):
    server = start_server(
        _env(tmp_path, DB_POOL_MAX_SIZE="3", DB_POOL_MIN_SIZE="3"),
        tmp_path / "server.log",
    )
    try:
        assert _get(server.port, "/test-slow/?seconds=0")[0] == 200, server.log()
        _wait_for(lambda: len(_server_sessions()) >= 3, "the pool to fill")
        _terminate(_server_sessions())
        after = [_get(server.port, "/test-slow/?seconds=0")[0] for _n in range(6)]
    finally:
        server.stop()
    assert after == [200] * 6, server.log()
