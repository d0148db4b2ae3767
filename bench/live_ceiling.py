"""The ceiling of bench/live.py: a bare ASGI websocket app under the same server.

    python bench/live_ceiling.py --fd 3 [uvicorn options]

It runs uvicorn with exactly the options of ``participation.server`` (the same
websocket implementation, frame limit, no compression, descriptor limits), but
with this module's ``app`` instead of the platform. The app does the least a
broadcast can be:

- a websocket at any path is accepted and sent ``{"type":"hello"}``;
- ``POST /broadcast`` sends the request's body, as one text message, to every
  open websocket, one ``send`` after the other, then answers 204.

No framework, no channel layer, no per-connection task waking up, no rendering:
what is left is the server writing the same bytes to the same sockets. The live
benchmark posts the very bytes the platform delivered for its comment.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HELLO = '{"type":"hello"}'

_sockets: set[Any] = set()


async def _websocket(receive: Any, send: Any) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": HELLO})
    _sockets.add(send)
    try:
        while (await receive())["type"] != "websocket.disconnect":
            pass
    finally:
        _sockets.discard(send)


async def _http(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    status = 404
    if scope["method"] == "POST" and scope["path"] == "/broadcast":
        text = body.decode()
        for socket_send in list(_sockets):
            await socket_send({"type": "websocket.send", "text": text})
        status = 204
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await _websocket(receive, send)
    elif scope["type"] == "http":
        await _http(scope, receive, send)


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from uvicorn.main import main as uvicorn_main

    from participation import server

    descriptors = server.raise_descriptor_limit()
    args = server.arguments(sys.argv[1:], descriptors=descriptors)
    assert args[-1] == server.APPLICATION
    args[-1] = "bench.live_ceiling:app"
    uvicorn_main.main(args=args, prog_name="bench/live_ceiling.py")


if __name__ == "__main__":
    main()
