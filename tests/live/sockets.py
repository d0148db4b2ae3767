"""Helpers for consumer tests: a communicator through the real ASGI stack
(origin check, cookies, session, auth), and waiting for one message type."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from participation.asgi import application

# How long to wait for what must come (a connection, the hello, an error, a close):
# generous, so that a busy machine never fails a test; only a failing test waits it
# out. What must not come is waited for briefly (``no_message``).
TIMEOUT = 20


def session_cookie(user: Any = None, **session_data: Any) -> str:
    """A real session (in the database) for ``user`` or an anonymous visitor."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if session_data:
        session = client.session
        for key, value in session_data.items():
            session[key] = value
        session.save()
        client.cookies["sessionid"] = session.session_key
    return client.cookies["sessionid"].value if "sessionid" in client.cookies else ""


async def cookie_for(user: Any = None, **session_data: Any) -> str:
    return await database_sync_to_async(session_cookie)(user, **session_data)


async def open_socket(
    path: str,
    *,
    cookie: str = "",
    language: str = "en",
    origin: bytes = b"http://testserver",
    joined: bool = True,
) -> WebsocketCommunicator:
    """Connect; with ``joined`` (the default) also wait for the hello, which the
    server sends once the connection is in its group."""
    headers = [
        (b"origin", origin),
        (b"host", b"testserver"),
        (b"accept-language", language.encode()),
    ]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect(timeout=TIMEOUT)
    assert connected
    if joined:
        hello = await communicator.receive_json_from(timeout=TIMEOUT)
        assert hello["type"] == "hello", hello
    return communicator


async def open_from(
    address: str, path: str = "/ws/tracker/", *, cookie: str = ""
) -> WebsocketCommunicator:
    """Connect from client ``address`` (as uvicorn puts it in the scope, after
    resolving trusted proxies); the caller reads the first message."""
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"accept-language", b"en"),
    ]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["client"] = (address, 50000)
    connected, _subprotocol = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


async def refused_from(address: str, **kwargs: Any) -> tuple[dict, int]:
    """Connect from ``address`` expecting a refusal: (its JSON error, close code)."""
    communicator = await open_from(address, **kwargs)
    error = await communicator.receive_json_from(timeout=TIMEOUT)
    return error, await closed_with(communicator)


async def receive_type(communicator: WebsocketCommunicator, wanted: str) -> dict:
    """The next message of type ``wanted``, skipping others (hello, acks)."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message.get("type") == wanted:
            return message


async def no_message(communicator: WebsocketCommunicator) -> bool:
    return await communicator.receive_nothing(timeout=0.2)


def run_sync(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service (or any ORM code) from the test's event loop; its broadcasts
    go out after the commit, through the same channel layer as the consumers."""
    return database_sync_to_async(fn)(*args, **kwargs)


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """The code the server closed the socket with. The browser's side then ends
    too, so the consumer finishes within the test (a consumer left waiting would
    still hold a database connection when the test database is dropped)."""
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            code = output.get("code")
            await communicator.disconnect(code=code or 1000, timeout=TIMEOUT)
            return code


__all__ = ["asyncio"]
