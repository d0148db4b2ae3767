"""A group event reaches every socket of the process from one fan-out
(participation/live/fanout.py): each joined socket gets each event once and in
order, a slow socket waits alone (and is closed with a retry hint when too far
behind), a socket gone in the middle of a fan-out harms nobody, and events that
come during a catch-up follow it."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from participation.asgi import application
from participation.live import broadcast, consumers, fanout
from proposals import services as proposal_services
from tests.live.sockets import (
    TIMEOUT,
    closed_with,
    cookie_for,
    no_message,
    open_socket,
    receive_type,
    run_sync,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

TRACKER = "/ws/tracker/"


class StallableOutput(asyncio.Queue):
    """What the server does with a socket's output: ``stall()`` makes every write
    wait, as a client that stopped reading makes the server's send wait."""

    def __init__(self) -> None:
        super().__init__()
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.gone = False

    def stall(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    async def put(self, item):
        if self.gone:  # as uvicorn raises ClientDisconnected, an OSError
            raise OSError("the client went away")
        await self.flowing.wait()
        await super().put(item)


async def open_with_output(path: str = TRACKER, **kwargs):
    """A joined socket whose output the test controls (``StallableOutput``)."""
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"accept-language", b"en"),
    ]
    socket = WebsocketCommunicator(application, path, headers=headers)
    socket._output_queue = StallableOutput()
    connected, _subprotocol = await socket.connect(timeout=TIMEOUT)
    assert connected
    assert (await socket.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    return socket, socket._output_queue


async def row(proposal_id: int) -> int:
    return await run_sync(
        broadcast.send, "tracker", "tracker.row_changed", {"proposal_id": proposal_id}
    )


async def rows_received(socket, count: int) -> list[int]:
    return [(await receive_type(socket, "row"))["proposal_id"] for _ in range(count)]


async def test_every_joined_socket_gets_each_event_once_and_in_order(db):
    sockets = [await open_socket(TRACKER) for _ in range(5)]
    for number in range(1, 8):
        await row(number)
    for socket in sockets:
        assert await rows_received(socket, 7) == [1, 2, 3, 4, 5, 6, 7]
        assert await no_message(socket)  # once each: nothing more
        await socket.disconnect()


async def test_connections_of_each_language_and_sign_in_get_their_own_version(
    proposal, resident, resident2
):
    anonymous = [await open_socket(f"/ws/proposals/{proposal.pk}/") for _ in range(2)]
    japanese = await open_socket(f"/ws/proposals/{proposal.pk}/", language="ja")
    signed_in = await open_socket(
        f"/ws/proposals/{proposal.pk}/", cookie=await cookie_for(resident)
    )
    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="みんなに届くコメント",
    )
    first, second = [await receive_type(s, "comment") for s in anonymous]
    assert first == second and "personal_url" not in first
    in_japanese = await receive_type(japanese, "comment")
    assert in_japanese["comment_id"] == comment.pk
    assert "personal_url" not in in_japanese
    mine = await receive_type(signed_in, "comment")
    assert mine["personal_url"] == f"/live/fragments/comments/{comment.pk}/"
    assert mine["html"] == first["html"]  # the public fragment, personal link aside
    for message in (first, in_japanese, mine):
        assert "みんなに届くコメント" in message["html"]
    for socket in [*anonymous, japanese, signed_in]:
        assert await no_message(socket)
        await socket.disconnect()


async def test_a_stalled_socket_does_not_hold_back_the_others(db):
    stalled, output = await open_with_output()
    others = [await open_socket(TRACKER) for _ in range(3)]
    output.stall()
    for number in (1, 2, 3):
        await row(number)
    for socket in others:
        assert await rows_received(socket, 3) == [1, 2, 3]
    assert await stalled.receive_nothing(timeout=0.2)
    output.resume()
    # What waited for it arrives afterwards, in order.
    assert await rows_received(stalled, 3) == [1, 2, 3]
    for socket in [stalled, *others]:
        await socket.disconnect()


async def test_a_socket_too_far_behind_is_closed_with_a_retry_hint_and_catches_up(
    settings, caplog
):
    settings.LIVE_SOCKET_BACKLOG = 2
    caplog.set_level(logging.INFO, logger="participation.live.consumers")
    stalled, output = await open_with_output()
    other = await open_socket(TRACKER)
    output.stall()
    ids = [await row(number) for number in range(1, 7)]
    assert await rows_received(other, 6) == [1, 2, 3, 4, 5, 6]
    output.resume()
    # The write that was waiting completes; the backlog was dropped for a retry.
    assert await rows_received(stalled, 1) == [1]
    error = await receive_type(stalled, "error")
    assert error["code"] == "behind"
    assert 1 <= error["reconnect_after"] <= consumers.BEHIND_RECONNECT_AFTER
    assert await closed_with(stalled) == consumers.CLOSE_TRY_AGAIN
    logged = [r for r in caplog.records if "fell 2 messages behind" in r.getMessage()]
    assert len(logged) == 1
    # The browser reconnects with the last event id it saw and gets the rest.
    again = await open_socket(f"{TRACKER}?since={ids[0]}")
    assert await rows_received(again, 5) == [2, 3, 4, 5, 6]
    await again.disconnect()
    await other.disconnect()


async def test_a_socket_gone_during_a_fan_out_harms_nobody(db, caplog, monkeypatch):
    monkeypatch.setattr(fanout, "BATCH", 1)  # yield to the loop between sockets
    first = await open_socket(TRACKER)
    gone, output = await open_with_output()
    last = await open_socket(TRACKER)
    output.gone = True
    await row(1)
    await row(2)
    for socket in (first, last):
        assert await rows_received(socket, 2) == [1, 2]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    for socket in (first, gone, last):
        await socket.disconnect()


async def test_a_socket_that_disconnects_while_stalled_leaves_the_group_clean(db):
    stalled, output = await open_with_output()
    other = await open_socket(TRACKER)
    output.stall()
    await row(1)
    assert await rows_received(other, 1) == [1]
    await stalled.disconnect()
    await row(2)
    assert await rows_received(other, 1) == [2]
    await other.disconnect()
    # The last socket of the process gone, the process left the layer's group.
    layer = get_channel_layer()
    for _ in range(100):
        if not layer.groups.get("tracker"):
            break
        await asyncio.sleep(0.01)
    assert not layer.groups.get("tracker")


async def test_a_socket_joining_again_after_the_group_emptied_gets_events(db):
    socket = await open_socket(TRACKER)
    await socket.disconnect()
    again = await open_socket(TRACKER)
    await row(5)
    assert await rows_received(again, 1) == [5]
    await again.disconnect()


async def test_events_that_come_during_a_catch_up_follow_it(db, monkeypatch):
    first = await row(1)
    await row(2)
    await row(3)
    replay = consumers.LiveConsumer.catch_up
    watcher = await open_socket(TRACKER)

    async def catch_up_while_an_event_comes(self, since):
        await get_channel_layer().group_send(
            "tracker", {"type": "tracker.row_changed", "proposal_id": 99}
        )
        # The fan-out has it before the replay starts (it waits for the replay).
        await rows_received(watcher, 1)
        await replay(self, since)

    monkeypatch.setattr(
        consumers.LiveConsumer, "catch_up", catch_up_while_an_event_comes
    )
    socket = await open_socket(f"{TRACKER}?since={first}")
    assert await rows_received(socket, 3) == [2, 3, 99]
    assert await no_message(socket)
    for each in (socket, watcher):
        await each.disconnect()


async def test_the_process_joins_the_layer_group_once_for_all_its_sockets(db):
    sockets = [await open_socket(TRACKER) for _ in range(4)]
    assert len(get_channel_layer().groups["tracker"]) == 1
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
async def test_with_redis_every_socket_gets_each_event_once_in_order_and_again_later(
    settings,
):
    from channels.layers import channel_layers

    from participation import settings as project_settings

    settings.CHANNEL_LAYERS = {
        "default": project_settings.redis_channel_layer(os.environ["REDIS_URL"])
    }
    channel_layers.backends.clear()
    sockets = [await open_socket(TRACKER) for _ in range(3)]
    for number in range(1, 6):
        await row(number)
    for socket in sockets:
        assert await rows_received(socket, 5) == [1, 2, 3, 4, 5]
        assert await no_message(socket)
        await socket.disconnect()
    # The process left the group with its last socket; a new one joins it again.
    again = await open_socket(TRACKER)
    await row(6)
    assert await rows_received(again, 1) == [6]
    await again.disconnect()
