"""A channel layer that cannot be reached (Redis refusing connections, or
accepting them and never answering) closes websockets with a retry hint (code 1013
and ``reconnect_after``) instead of hanging, logged once, without tracebacks."""

from __future__ import annotations

import logging

import pytest
from channels.layers import channel_layers
from redis.exceptions import ConnectionError as RedisConnectionError

from participation import settings as project_settings
from participation.live import consumers
from participation.live.layers import InMemoryChannelLayer
from tests.faults import REFUSING_REDIS, SilentServer
from tests.live.sockets import (
    TIMEOUT,
    closed_with,
    open_from,
    receive_type,
    refused_from,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


# --- the channel layer cannot be reached ------------------------------------------


@pytest.fixture
def refusing_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": project_settings.redis_channel_layer(
            REFUSING_REDIS, connect_timeout=0.2
        )
    }
    channel_layers.backends.clear()
    consumers.layer_outage.reset()
    yield
    channel_layers.backends.clear()
    consumers.layer_outage.reset()


async def test_a_socket_that_cannot_reach_the_layer_closes_with_a_retry_hint(
    refusing_layer, caplog
):
    caplog.set_level(logging.INFO, logger="participation.live.consumers")
    for address in ("203.0.113.51", "203.0.113.52"):
        error, code = await refused_from(address)
        assert code == consumers.CLOSE_TRY_AGAIN
        assert error["code"] == "unavailable"
        assert 1 <= error["reconnect_after"] <= 30
    logged = [r for r in caplog.records if "channel layer" in r.getMessage()]
    assert len(logged) == 1  # once per outage, not per socket
    assert not any(r.exc_info for r in caplog.records)


async def test_a_socket_on_a_silent_layer_closes_instead_of_hanging(settings):
    with SilentServer() as server:
        settings.CHANNEL_LAYERS = {
            "default": project_settings.redis_channel_layer(
                server.url, connect_timeout=0.2, socket_timeout=0.2
            )
        }
        channel_layers.backends.clear()
        try:
            error, code = await refused_from("203.0.113.61")
        finally:
            channel_layers.backends.clear()
    assert (error["code"], code) == ("unavailable", consumers.CLOSE_TRY_AGAIN)


class BreakableLayer(InMemoryChannelLayer):
    """The in-memory layer, until ``broken``: then receiving fails as it does when
    Redis goes away under open sockets."""

    broken = False

    async def receive(self, channel):
        message = await super().receive(channel)
        if BreakableLayer.broken:
            raise RedisConnectionError("Connection closed by server.")
        return message


@pytest.fixture
def breakable_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "tests.live.test_layer_unavailable.BreakableLayer"}
    }
    channel_layers.backends.clear()
    BreakableLayer.broken = False
    consumers.layer_outage.reset()
    yield channel_layers
    BreakableLayer.broken = False
    channel_layers.backends.clear()
    consumers.layer_outage.reset()


async def test_when_the_layer_is_lost_every_listening_socket_closes_with_a_hint(
    breakable_layer, caplog
):
    sockets = []
    for n in (71, 72, 73):
        socket = await open_from(f"203.0.113.{n}")
        assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
        sockets.append(socket)
    layer = breakable_layer["default"]
    BreakableLayer.broken = True
    # The layer fails for one socket; the process closes all of them.
    one_channel = next(iter(layer.groups["tracker"]))
    await layer.send(one_channel, {"type": "tracker.ping"})
    for socket in sockets:
        error = await receive_type(socket, "error")
        assert error["code"] == "unavailable"
        assert await closed_with(socket) == consumers.CLOSE_TRY_AGAIN
    assert not any(r.exc_info for r in caplog.records)
