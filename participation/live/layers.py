"""The in-memory channel layer, made to scale to a thousand connections.

channels' ``InMemoryChannelLayer`` sweeps every channel and every group member for
expired messages on *each* ``receive`` and ``group_send``. With a thousand browsers
on one proposal, one broadcast then costs a million checks (a thousand receives,
each sweeping a thousand members) and delivery slows to seconds. This subclass
sweeps at most once a second, and ``group_send`` queues the messages directly
instead of starting one task per member. Behaviour is otherwise the same (one
process only; use channels_redis with ``REDIS_URL`` for several).
"""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer


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

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(
                channel, asyncio.Queue(maxsize=self.get_capacity(channel))
            )
            try:
                queue.put_nowait((expires, deepcopy(message)))
            except asyncio.QueueFull:
                continue  # a full channel misses this message, as with send()
        return None

    async def flush(self) -> None:
        await super().flush()
        self._last_clean = 0.0


__all__ = ["ChannelFull", "InMemoryChannelLayer"]
