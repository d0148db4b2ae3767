"""Only pages of the site's own origin (scheme, host and port, as CSRF compares
them) may open a websocket; a handshake without Origin is refused."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from participation.asgi import application
from participation.live.origins import origin_allowed
from tests.live.sockets import TIMEOUT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/tracker/"


async def handshake(
    origin: bytes | None, host: bytes = b"testserver", scheme: str = "ws"
) -> bool:
    """Whether the real ASGI stack accepts a websocket from a page at ``origin``
    opened on ``scheme://host``."""
    headers = [(b"host", host), (b"accept-language", b"en")]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    await communicator.disconnect(timeout=TIMEOUT)
    return connected


async def test_a_page_of_the_sites_own_origin_may_open_a_websocket():
    assert await handshake(b"http://testserver")


async def test_a_page_of_the_same_host_over_the_other_scheme_is_refused():
    assert not await handshake(b"https://testserver")


async def test_a_page_of_the_same_host_on_another_port_is_refused():
    assert not await handshake(b"http://testserver:8080")


async def test_the_port_of_the_host_header_is_part_of_the_origin():
    assert await handshake(b"http://testserver:8000", host=b"testserver:8000")
    assert not await handshake(b"http://testserver", host=b"testserver:8000")


async def test_behind_https_only_an_https_page_may_open_a_secure_websocket():
    # uvicorn sets the scheme to wss from the trusted proxy's X-Forwarded-Proto.
    assert await handshake(b"https://testserver", scheme="wss")
    assert not await handshake(b"http://testserver", scheme="wss")
    assert not await handshake(b"https://testserver:8443", scheme="wss")


async def test_a_handshake_without_origin_is_refused():
    assert not await handshake(None)


@pytest.mark.parametrize(
    "origin", [b"null", b"file://", b"testserver", b"http://", b"http://testserver:x"]
)
async def test_an_origin_that_is_not_an_http_origin_is_refused(origin):
    assert not await handshake(origin)


async def test_another_site_is_refused_even_when_it_names_itself_as_host():
    assert not await handshake(b"http://evil.example", host=b"evil.example")


def scope(origin: str, host: str = "internal:8000", scheme: str = "ws") -> dict:
    return {
        "type": "websocket",
        "scheme": scheme,
        "headers": [(b"host", host.encode()), (b"origin", origin.encode())],
    }


async def test_the_public_site_url_is_accepted_whatever_the_host(settings):
    settings.SITE_URL = "https://participation.example.jp"
    assert origin_allowed(scope("https://participation.example.jp"))
    assert origin_allowed(scope("https://participation.example.jp:443"))
    assert not origin_allowed(scope("http://participation.example.jp"))
    assert not origin_allowed(scope("https://participation.example.jp:8443"))


async def test_csrf_trusted_origins_are_accepted_with_their_scheme_and_port(settings):
    settings.CSRF_TRUSTED_ORIGINS = [
        "https://participation.example.jp",
        "https://*.city.example.jp",
    ]
    assert origin_allowed(scope("https://participation.example.jp"))
    assert origin_allowed(scope("https://meeting.city.example.jp"))
    assert not origin_allowed(scope("http://meeting.city.example.jp"))
    assert not origin_allowed(scope("https://meeting.city.example.jp:444"))
    assert not origin_allowed(scope("https://city.example.jp.evil.example"))
