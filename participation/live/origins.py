"""Which pages may open a websocket: the site's own origin only.

A browser sends the ``Origin`` of the page that opens a websocket, and sends the
visitor's cookies with it, so a page elsewhere could otherwise act live as the
visitor (cross-site websocket hijacking). An origin is a scheme, a host and a port;
all three must match, as Django's CSRF check compares them for forms
(``CsrfViewMiddleware``). channels' ``AllowedHostsOriginValidator`` compared the
host only, so ``http://site`` or ``https://site:8443`` passed for ``https://site``.

Accepted origins, the same as a form post's:

- the socket's own origin: its scheme (``wss`` → ``https``, ``ws`` → ``http``, as
  uvicorn sets it from the trusted proxy's ``X-Forwarded-Proto``) and its ``Host``
  header, when that host is in ``ALLOWED_HOSTS``;
- ``SITE_URL``'s origin (the public address, whatever the proxy says);
- every entry of ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.jp`` for subdomains).

A handshake without ``Origin`` is refused too: browsers always send it, so only a
script leaves it out, and a script may say any origin anyway (it holds no
visitor's cookies unless given them). Refused handshakes are answered 403.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port, validate_host

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
SOCKET_SCHEMES = {"ws": "http", "wss": "https"}


def normalize(origin: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin or URL, the default port filled in;
    None when it is not an http(s) origin (``null``, ``file://``, garbage)."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def own_origin(scope: dict[str, Any]) -> tuple[str, str, int] | None:
    """The origin the socket itself was opened on, if its host is allowed."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = SOCKET_SCHEMES.get(scope.get("scheme") or "ws", "http")
    return normalize(f"{scheme}://{host}")


def trusted_origins() -> tuple[set[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(exact origins, wildcard ones as (scheme, ".domain", port)) from SITE_URL and
    CSRF_TRUSTED_ORIGINS."""
    exact: set[tuple[str, str, int]] = set()
    wildcards: list[tuple[str, str, int]] = []
    for entry in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        if "://*." in entry:
            parsed = normalize(entry.replace("://*.", "://", 1))
            if parsed is not None:
                wildcards.append((parsed[0], "." + parsed[1], parsed[2]))
            continue
        parsed = normalize(entry)
        if parsed is not None:
            exact.add(parsed)
    return exact, wildcards


def origin_allowed(scope: dict[str, Any]) -> bool:
    header = _header(scope, b"origin")
    origin = normalize(header) if header is not None else None
    if origin is None:
        return False
    if origin == own_origin(scope):
        return True
    exact, wildcards = trusted_origins()
    if origin in exact:
        return True
    scheme, host, port = origin
    return any(
        scheme == w_scheme and port == w_port and is_same_domain(host, w_domain)
        for w_scheme, w_domain, w_port in wildcards
    )


class SiteOriginValidator:
    """ASGI middleware for websockets: only the site's own origin gets through."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            raise ValueError("SiteOriginValidator only guards websockets")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        logger.debug(
            "Websocket refused: origin %r is not the site's",
            _header(scope, b"origin"),
        )
        return await WebsocketDenier()(scope, receive, send)
