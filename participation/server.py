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

Client addresses: uvicorn replaces the peer's address with the one in
``X-Forwarded-For`` (and the scheme with ``X-Forwarded-Proto``) only when the peer
is a trusted proxy: ``--forwarded-allow-ips``, else ``FORWARDED_ALLOW_IPS``, else
loopback only (``127.0.0.1,::1``: nginx on the same host). Name your proxy's
address or network there. ``*`` (anyone may say who they are) is never a default;
an operator who sets it gets a warning at start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

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


LOOPBACK = "127.0.0.1,::1"


def trusted_proxies(environ: Mapping[str, str]) -> str:
    """Whose ``X-Forwarded-*`` headers to believe: ``FORWARDED_ALLOW_IPS``, or
    loopback only."""
    return environ.get("FORWARDED_ALLOW_IPS", "").strip() or LOOPBACK


def arguments(argv: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """uvicorn's command line: our defaults, then the caller's options (the last
    occurrence of an option wins), then the application."""
    environ = os.environ if environ is None else environ
    proxies = ["--forwarded-allow-ips", trusted_proxies(environ)]
    return [*DEFAULTS, *proxies, *argv, APPLICATION]


def forwarded_allow_ips(args: list[str]) -> str:
    """The value uvicorn will use: the last ``--forwarded-allow-ips`` given."""
    value = ""
    for index, arg in enumerate(args):
        if arg == "--forwarded-allow-ips" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--forwarded-allow-ips="):
            value = arg.partition("=")[2]
    return value


def _warn_if_everyone_is_trusted(args: list[str]) -> None:
    if forwarded_allow_ips(args).strip() == "*":
        print(
            "WARNING: FORWARDED_ALLOW_IPS / --forwarded-allow-ips is '*': any client "
            "can choose its own address (rate limits, logs). Name the proxy instead.",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> None:
    from uvicorn.main import main as uvicorn_main

    args = arguments(sys.argv[1:] if argv is None else argv)
    _warn_if_everyone_is_trusted(args)
    uvicorn_main.main(args=args, prog_name="python -m participation.server")


if __name__ == "__main__":
    main()
