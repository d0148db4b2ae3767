"""The in-memory channel layer: same delivery as channels' own, without the waste."""

from __future__ import annotations

import asyncio

import pytest

from participation.live.layers import ChannelFull, InMemoryChannelLayer


@pytest.fixture
def layer():
    return InMemoryChannelLayer(capacity=2)


@pytest.mark.asyncio
async def test_group_send_reaches_every_member_with_its_own_copy(layer):
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("proposal.1", channel)
    await layer.group_send(
        "proposal.1", {"type": "proposal.comment_created", "comment_id": 7}
    )
    received = [await layer.receive(channel) for channel in channels]
    assert all(
        m == {"type": "proposal.comment_created", "comment_id": 7} for m in received
    )
    received[0]["comment_id"] = 99
    assert received[1]["comment_id"] == 7


@pytest.mark.asyncio
async def test_nested_messages_are_still_copied_deeply(layer):
    channels = [await layer.new_channel() for _ in range(2)]
    for channel in channels:
        await layer.group_add("g", channel)
    await layer.group_send("g", {"type": "x", "ids": [1, 2]})
    first, second = [await layer.receive(channel) for channel in channels]
    first["ids"].append(3)
    assert second["ids"] == [1, 2]


@pytest.mark.asyncio
async def test_a_received_channel_leaves_nothing_behind(layer):
    channel = await layer.new_channel()
    await layer.group_add("g", channel)
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    assert list(layer.channels) == [channel]
    await layer.group_send("g", {"type": "x"})
    assert await waiting == {"type": "x"}
    assert layer.channels == {}


@pytest.mark.asyncio
async def test_group_send_to_members_without_a_receiver_makes_one_queue_each(layer):
    channels = [await layer.new_channel() for _ in range(2)]
    for channel in channels:
        await layer.group_add("g", channel)
    await layer.group_send("g", {"type": "x"})
    await layer.group_send("g", {"type": "y"})
    assert {c: q.qsize() for c, q in layer.channels.items()} == dict.fromkeys(
        channels, 2
    )


@pytest.mark.asyncio
async def test_a_full_channel_misses_group_messages_but_send_says_so(layer):
    channel = await layer.new_channel()
    await layer.group_add("g", channel)
    for number in range(3):  # capacity 2: the third is dropped
        await layer.group_send("g", {"type": "x", "n": number})
    assert [(await layer.receive(channel))["n"] for _ in range(2)] == [0, 1]
    await layer.send(channel, {"type": "a"})
    await layer.send(channel, {"type": "b"})
    with pytest.raises(ChannelFull):
        await layer.send(channel, {"type": "c"})
