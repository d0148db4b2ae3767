"""The in-memory channel layer, made to scale to a thousand connections.

channels' ``InMemoryChannelLayer`` is written for tests. With a thousand browsers on
one proposal, a broadcast there costs:

- a sweep of every channel and group member for expired messages on *each*
  ``receive`` and ``group_send`` (a million checks per broadcast);
- a task per member in ``group_send``;
- three ``asyncio.Queue`` objects per delivered message, two of them thrown away
  (``dict.setdefault`` builds its default even when the key exists);
- a ``deepcopy`` of the message for every member.

This subclass sweeps at most once a second, queues group messages directly, and
builds a queue only for a channel that has none; messages made of plain values
(ours carry ids only) are copied flat, which is what a deep copy amounts to for
them. Behaviour is otherwise the same:
one process only (use channels_redis with ``REDIS_URL`` for several), a full
channel misses a group message as it would with ``send``, and a channel whose
queue is empty is forgotten so closed connections leave nothing behind.
"""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer

_PLAIN = (str, int, float, bool, type(None))


def _is_flat(message: dict[str, Any]) -> bool:
    """Whether every value is immutable, so a shallow copy is a full copy."""
    return all(isinstance(value, _PLAIN) for value in message.values())


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    clean_interval = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_clean = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_clean < self.clean_interval:
            return
        self._last_clean = now
        super()._clean_expired()

    def _queue(self, channel: str) -> asyncio.Queue:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(
                maxsize=self.get_capacity(channel)
            )
        return queue

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        try:
            self._queue(channel).put_nowait(
                (time.time() + self.expiry, deepcopy(message))
            )
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        self._clean_expired()
        queue = self._queue(channel)
        try:
            _expires, message = await queue.get()
        finally:
            if queue.empty() and self.channels.get(channel) is queue:
                del self.channels[channel]
        return message

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        expires = time.time() + self.expiry
        copy = dict.copy if _is_flat(message) else deepcopy
        for channel in list(self.groups.get(group, {})):
            try:
                self._queue(channel).put_nowait((expires, copy(message)))
            except asyncio.QueueFull:
                continue  # a full channel misses this message, as with send()
        return None

    async def flush(self) -> None:
        await super().flush()
        self._last_clean = 0.0


__all__ = ["ChannelFull", "InMemoryChannelLayer"]
