"""Serve the platform: HTTP and websockets from one ASGI server (uvicorn).

    python -m participation.server --host 127.0.0.1 --port 8000
    python -m participation.server --fd 3            # a socket handed over

Every uvicorn option works and overrides the defaults below, which are the ones
this application is measured and tested with (``make bench-live``):

- ``--lifespan off``: the application has no start-up or shutdown hooks;
- ``--ws websockets-sansio``: the websockets library's current implementation;
- ``--ws-max-size 65536``: clients send short JSON actions (consumers refuse more
  than 4,000 characters), so a larger frame is an error, not a message;
- ``--ws-per-message-deflate false``: broadcasts go to a thousand connections at
  once, and compressing each copy separately costs more than the bytes it saves
  on messages of a few kilobytes;
- ``--timeout-graceful-shutdown 10``: a restart does not wait forever for open
  websockets (browsers reconnect and catch up on what they missed);
- ``--no-server-header``: do not advertise the server software.

Behind a reverse proxy, uvicorn trusts ``X-Forwarded-For``/``-Proto`` only from
the addresses in ``--forwarded-allow-ips`` (or ``FORWARDED_ALLOW_IPS``; default
127.0.0.1).
"""

from __future__ import annotations

import sys

APPLICATION = "participation.asgi:application"

DEFAULTS = [
    "--lifespan",
    "off",
    "--ws",
    "websockets-sansio",
    "--ws-max-size",
    "65536",
    "--ws-per-message-deflate",
    "false",
    "--timeout-graceful-shutdown",
    "10",
    "--no-server-header",
]


def arguments(argv: list[str]) -> list[str]:
    """uvicorn's command line: our defaults, then the caller's options (the last
    occurrence of an option wins), then the application."""
    return [*DEFAULTS, *argv, APPLICATION]


def main(argv: list[str] | None = None) -> None:
    from uvicorn.main import main as uvicorn_main

    uvicorn_main.main(
        args=arguments(sys.argv[1:] if argv is None else argv),
        prog_name="python -m participation.server",
    )


if __name__ == "__main__":
    main()
