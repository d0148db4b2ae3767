"""Two real server processes sharing groups through Redis: a comment posted
through server A reaches a websocket client connected to server B.

Runs where the suite runs on PostgreSQL with Redis (CI's second pass); skipped on
SQLite without Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import time
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.live.servers import database_url_for, server_env, start_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not (DATABASE_URL.startswith(("postgres://", "postgresql://")) and REDIS_URL),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL, as in CI",
    ),
    pytest.mark.django_db(transaction=True),
]

WAIT = 60  # seconds: includes both servers starting up


def _post_comment(server, proposal_id: int, session_key: str, body: str) -> int:
    token = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
    request = urllib.request.Request(
        server.http + reverse("proposals:comment_create", args=[proposal_id]),
        data=urllib.parse.urlencode({"body": body, "alignment": "favour"}).encode(),
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=WAIT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def _scenario(a, b, proposal_id: int, session_key: str, body: str) -> dict:
    import websockets

    async with websockets.connect(
        f"{b.ws}/ws/proposals/{proposal_id}/",
        origin=b.http,
        open_timeout=WAIT,
    ) as client:
        hello = json.loads(await asyncio.wait_for(client.recv(), WAIT))
        assert hello["type"] == "hello"
        status = await asyncio.get_running_loop().run_in_executor(
            None, _post_comment, a, proposal_id, session_key, body
        )
        assert status == 302, status
        while True:
            message = json.loads(await asyncio.wait_for(client.recv(), 10))
            if message["type"] == "comment":
                return message


def _database_sessions() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _wait_until_servers_left_the_database(ours: set[int], seconds: float = 10) -> None:
    """A stopped server's PostgreSQL sessions end a moment after the process: wait,
    so that dropping the test database does not find them still there."""
    deadline = time.monotonic() + seconds
    while _database_sessions() - ours and time.monotonic() < deadline:
        time.sleep(0.05)


# The servers must read the session this test signs: one fit key for both sides
# (the servers refuse a placeholder or a short key).
SHARED_SECRET_KEY = "two-processes-" + secrets.token_urlsafe(50)


@contextlib.contextmanager
def _two_servers(user, tmp_path):
    """Two production server processes sharing this database and Redis, and the
    session key of ``user`` signed in (the servers read the same session); their
    logs printed if the test fails, both stopped and gone from the database after."""
    browser = Client()
    browser.force_login(user)
    session_key = browser.cookies["sessionid"].value
    env = server_env(
        DATABASE_URL=database_url_for(DATABASE_URL, connection.settings_dict["NAME"]),
        REDIS_URL=REDIS_URL,
        DJANGO_SECRET_KEY=SHARED_SECRET_KEY,
    )
    ours = _database_sessions()
    a = start_server(env, tmp_path / "a.log")
    b = start_server(env, tmp_path / "b.log")
    try:
        yield a, b, session_key
    except Exception:
        print("--- server A ---\n" + a.log() + "\n--- server B ---\n" + b.log())
        raise
    finally:
        a.stop()
        b.stop()
        _wait_until_servers_left_the_database(ours)


@override_settings(SECRET_KEY=SHARED_SECRET_KEY)
def test_comment_posted_through_server_a_reaches_a_client_on_server_b(
    proposal, resident2, tmp_path
):
    with _two_servers(resident2, tmp_path) as (a, b, session_key):
        message = asyncio.run(
            _scenario(a, b, proposal.pk, session_key, "サーバーAから投稿したコメント")
        )
    assert "サーバーAから投稿したコメント" in message["html"]
    assert message["event_id"] > 0


async def _next_comment(client, seconds: float) -> dict:
    async with asyncio.timeout(seconds):
        while True:
            message = json.loads(await client.recv())
            if message["type"] == "comment":
                return message


async def _many_clients(servers, proposal_id: int, session_key: str, body: str):
    """Clients on both servers; a comment posted through the first one. Returns the
    comment messages each client got (every one until a quiet moment after)."""
    import websockets

    clients = [
        await websockets.connect(
            f"{server.ws}/ws/proposals/{proposal_id}/",
            origin=server.http,
            open_timeout=WAIT,
        )
        for server in servers
    ]
    try:
        for client in clients:
            hello = json.loads(await asyncio.wait_for(client.recv(), WAIT))
            assert hello["type"] == "hello"
        status = await asyncio.get_running_loop().run_in_executor(
            None, _post_comment, servers[0], proposal_id, session_key, body
        )
        assert status == 302, status
        received = []
        for client in clients:
            comments = [await _next_comment(client, 10)]
            # Then nothing more: a duplicate would come within moments.
            with contextlib.suppress(TimeoutError):
                comments.append(await _next_comment(client, 0.5))
            received.append(comments)
        return received
    finally:
        for client in clients:
            await client.close()


@override_settings(SECRET_KEY=SHARED_SECRET_KEY)
def test_every_client_of_both_servers_gets_the_comment_once(
    proposal, resident2, tmp_path
):
    with _two_servers(resident2, tmp_path) as (a, b, session_key):
        received = asyncio.run(
            _many_clients([a, b, b, a, b], proposal.pk, session_key, "全員に一度だけ")
        )
    assert [len(comments) for comments in received] == [1, 1, 1, 1, 1]
    assert len({comments[0]["event_id"] for comments in received}) == 1
    assert all("全員に一度だけ" in comments[0]["html"] for comments in received)
