"""Delivering a group event to this process's own websockets, in one loop.

Before, every connection had its own channel on the layer: an event to a group of
a thousand browsers was a thousand queue entries, a thousand consumer tasks woken,
a thousand ``asyncio.wait`` calls and new tasks, a thousand dispatches and sends
through the session and auth wrappers (deploy/README.md, "Live fan-out").

Now each process holds, per group it has sockets in, **one** subscription on the
layer (a ``Feed``: its own channel, added to the group once) and the list of its
joined connections. With the in-memory layer and with Redis alike, the process
receives each event once and one task fans it out:

- connections that would receive the same bytes (same *variant*: language,
  signed in or not, audience; see ``LiveConsumer.fanout_variant``) are rendered
  for once, by one of them, with the consumer's own handler (its sends are
  captured, not sent); connections whose message is personal (the bell, a
  facilitator who may see hidden text after a fresh permission check) get the
  event itself and handle it in their own order, as before;
- the encoded text is then written to each connection's ASGI ``send`` as the
  server gave it (no per-connection dispatch, no middleware wrappers), yielding
  to the event loop every ``BATCH`` connections.

Each connection has an ``Outbox`` that keeps its order: a write that completes at
once (the common case: the socket's buffer has room) is done in the loop; while a
write waits (a slow reader), later messages queue behind it in that connection's
outbox only, so a slow or dead socket never holds the others. The outbox is
bounded (``LIVE_SOCKET_BACKLOG`` messages): past that its backlog is dropped and
the socket is closed with a retry hint; the browser reconnects with the id of the
last event it saw and catches up from the event log (or reloads when it missed
more than ``LIVE_CATCHUP_LIMIT``). While a connection is being greeted or catching
up, events wait in its outbox and follow the catch-up, as they did in the channel.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol

from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable channel layer raises (channels_redis: redis-py's errors,
# socket errors, timeouts).
LAYER_ERRORS: tuple[type[BaseException], ...] = (OSError, RedisError)
# Connections written to before the fan-out yields to the event loop once.
BATCH = 256
# The key of the server's own ``send`` in the websocket scope (``KeepServerSend``).
SERVER_SEND = "live.server_send"

SendFn = Callable[[dict[str, Any]], Awaitable[None]]


def backlog_limit() -> int:
    return max(1, int(getattr(settings, "LIVE_SOCKET_BACKLOG", 100)))


class KeepServerSend:
    """The outermost websocket middleware: keeps the server's ``send`` in the
    scope, so that fan-out writes skip the wrappers (sessions, cookies) that do
    nothing for a ``websocket.send``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        return await self.app({**scope, SERVER_SEND: send}, receive, send)


# --- capturing a consumer's messages to render a variant once ---------------------

_captured: contextvars.ContextVar[tuple[Any, list[str]] | None] = (
    contextvars.ContextVar("live_captured", default=None)
)


def captured_for(consumer: Any) -> list[str] | None:
    """Where ``consumer``'s text messages go instead of its socket, if they are
    being rendered for its variant (None: send them)."""
    capture = _captured.get()
    if capture is not None and capture[0] is consumer:
        return capture[1]
    return None


async def render(member: Member, event: dict[str, Any]) -> list[str]:
    """The texts ``member``'s handler sends for ``event`` (captured, not sent)."""
    texts: list[str] = []
    token = _captured.set((member, texts))
    try:
        await member.handle_event(event)
    finally:
        _captured.reset(token)
    return texts


# --- one connection's ordered, bounded outbox -----------------------------------


class _Overflow:
    """The marker left in an outbox whose backlog was dropped."""


OVERFLOW = _Overflow()


class Outbox:
    """What the fan-out has for one connection, in order.

    ``put_text`` writes at once when nothing is queued and the write completes
    without waiting; otherwise items queue and one task writes them in order.
    ``hold``/``release`` keep items queued while the connection sends its own
    greeting or catch-up.
    """

    def __init__(
        self,
        send: SendFn,
        handle: Callable[[dict[str, Any]], Awaitable[None]],
        overflowed: Callable[[], Awaitable[None]],
        *,
        limit: int | None = None,
        held: bool = True,
    ) -> None:
        self._send = send
        self._handle = handle
        self._overflowed = overflowed
        self.limit = backlog_limit() if limit is None else limit
        self.pending: deque[Any] = deque()
        self.writer: asyncio.Task[None] | None = None
        self.held = 1 if held else 0
        self.closed = False
        self.overflow = False

    # -- from the fan-out --

    def put_text(self, text: str) -> None:
        if self.closed or self.overflow:
            return
        if self.writer is None and not self.held and not self.pending:
            self._write_now(text)
            return
        self._queue(text)

    def put_event(self, event: dict[str, Any]) -> None:
        """A personal event: the connection's own handler deals with it, in order."""
        if self.closed or self.overflow:
            return
        self._queue(event)

    # -- from the connection --

    def hold(self) -> None:
        self.held += 1

    def release(self) -> None:
        self.held = max(0, self.held - 1)
        self._start()

    def close(self) -> None:
        self.closed = True
        self.pending.clear()
        writer, self.writer = self.writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()

    # -- inside --

    def _queue(self, item: Any) -> None:
        if len(self.pending) >= self.limit:
            # Too far behind: drop the backlog, close with a retry hint once the
            # socket takes it; the browser catches up from the event log.
            self.pending.clear()
            self.overflow = True
            item = OVERFLOW
        self.pending.append(item)
        self._start()

    def _start(self) -> None:
        if self.writer is None and not self.held and self.pending and not self.closed:
            self.writer = asyncio.get_running_loop().create_task(self._drain())

    def _write_now(self, text: str) -> None:
        """Run the server's ``send`` right here; only if it has to wait (the
        socket's buffer is full) does a task take over and finish it."""
        coro = self._send({"type": "websocket.send", "text": text})
        if not asyncio.iscoroutine(coro):  # an awaitable of another kind: a task
            self.writer = asyncio.get_running_loop().create_task(
                self._finish_awaitable(coro)
            )
            return
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception:  # the client went away under us: its disconnect follows
            self._gone()
            return
        self.writer = asyncio.get_running_loop().create_task(
            self._finish(coro, waiting)
        )

    async def _finish(self, coro: Any, waiting: Any) -> None:
        try:
            while True:
                # What the send awaits: let it complete, then resume the send
                # (which reads the outcome itself, as ``await`` would).
                if waiting is None:
                    await asyncio.sleep(0)
                else:
                    await asyncio.wait([waiting])
                try:
                    waiting = coro.send(None)
                except StopIteration:
                    break
        except asyncio.CancelledError:
            coro.close()
            raise
        except Exception:
            self._gone()
            return
        await self._drain()

    async def _finish_awaitable(self, awaitable: Awaitable[None]) -> None:
        try:
            await awaitable
        except asyncio.CancelledError:
            raise
        except Exception:
            self._gone()
            return
        await self._drain()

    async def _drain(self) -> None:
        me = asyncio.current_task()
        try:
            while self.pending and not self.closed and not self.held:
                item = self.pending.popleft()
                if item is OVERFLOW:
                    self.pending.clear()
                    await self._overflowed()
                    return
                if isinstance(item, str):
                    await self._send({"type": "websocket.send", "text": item})
                else:
                    await self._handle(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._gone()
        finally:
            if self.writer is me:
                self.writer = None

    def _gone(self) -> None:
        logger.debug("A live socket went away during a fan-out.")
        self.closed = True
        self.pending.clear()


# --- what the fan-out needs of a connection -------------------------------------


class Member(Protocol):
    outbox: Outbox

    def fanout_variant(self, event: dict[str, Any]) -> Hashable | None: ...

    async def handle_event(self, event: dict[str, Any]) -> None: ...


# --- one subscription per group and process -------------------------------------


class Feed:
    """The process's subscription to one group: a channel in the group, the
    connections joined here, and the task that receives and fans out."""

    def __init__(self, group: str, channel: str) -> None:
        self.group = group
        self.channel = channel
        self.members: dict[Member, None] = {}  # an ordered set
        self.subscribed = False
        self.lock = asyncio.Lock()
        self.task: asyncio.Task[None] | None = None


class Hub:
    """The feeds of one channel layer in one event loop (one per server process)."""

    def __init__(self, layer: Any, loop: asyncio.AbstractEventLoop) -> None:
        # Weakly: the hubs are kept per layer, which must be free to go (tests
        # make a layer each).
        self._layer = weakref.ref(layer)
        self.loop = loop
        self.feeds: dict[str, Feed] = {}
        self.on_lost: Callable[[], None] = lambda: None

    @property
    def layer(self) -> Any:
        layer = self._layer()
        if layer is None:  # pragma: no cover - a hub is only used through its layer
            raise RuntimeError("The channel layer of this hub is gone.")
        return layer

    @property
    def refresh_every(self) -> float:
        """Seconds between two renewals of a feed's group membership (the layer
        forgets members after ``group_expiry``; a feed outlives its sockets)."""
        return max(1.0, float(getattr(self.layer, "group_expiry", 86400)) / 2)

    async def join(self, group: str, member: Member) -> None:
        """Add ``member`` to ``group`` in this process; the first one subscribes
        the process to the group. Raises the layer's errors when it is down."""
        feed = self.feeds.get(group)
        if feed is None:
            channel = await self.layer.new_channel(prefix="live")
            feed = self.feeds.get(group)  # another connection may have made it
            if feed is None:
                feed = self.feeds[group] = Feed(group, channel)
        feed.members[member] = None
        if feed.subscribed:
            return
        try:
            async with feed.lock:
                if not feed.subscribed and self.feeds.get(group) is feed:
                    await self.layer.group_add(group, feed.channel)
                    feed.subscribed = True
                    feed.task = self.loop.create_task(self._listen(feed))
        except BaseException:
            self._drop_member(feed, member)
            raise
        if self.feeds.get(group) is not feed:
            # The group was left (or the layer lost) while this one waited.
            self._drop_member(feed, member)
            await self.join(group, member)

    async def leave(self, group: str, member: Member) -> None:
        feed = self.feeds.get(group)
        if feed is None or member not in feed.members:
            return
        del feed.members[member]
        if feed.members:
            return
        async with feed.lock:
            if feed.members or self.feeds.get(group) is not feed:
                return
            del self.feeds[group]
            self._stop(feed)
            if feed.subscribed:
                feed.subscribed = False
                try:
                    await self.layer.group_discard(group, feed.channel)
                except LAYER_ERRORS:  # the membership expires on its own
                    logger.debug("Could not leave %s: the layer is unreachable.", group)

    def _drop_member(self, feed: Feed, member: Member) -> None:
        feed.members.pop(member, None)
        if (
            not feed.members
            and not feed.subscribed
            and self.feeds.get(feed.group) is feed
        ):
            del self.feeds[feed.group]

    def _stop(self, feed: Feed) -> None:
        task, feed.task = feed.task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def lost(self) -> None:
        """The layer failed: forget every feed (their memberships expire) and let
        the connections close with a retry hint (``on_lost``)."""
        feeds, self.feeds = list(self.feeds.values()), {}
        for feed in feeds:
            feed.subscribed = False
            self._stop(feed)
        self.on_lost()

    async def _listen(self, feed: Feed) -> None:
        while True:
            try:
                async with asyncio.timeout(self.refresh_every):
                    event = await self.layer.receive(feed.channel)
            except TimeoutError:
                try:
                    await self.layer.group_add(feed.group, feed.channel)
                except LAYER_ERRORS:
                    self.lost()
                    return
                continue
            except LAYER_ERRORS:
                self.lost()
                return
            try:
                await fan_out(list(feed.members), event)
            except Exception:  # one bad event must not end the feed
                logger.exception("Live fan-out of %s failed.", feed.group)


async def fan_out(members: list[Member], event: dict[str, Any]) -> None:
    """Give ``event`` to every member: rendered once per variant, written in one
    loop, personal events handed to each such member's outbox."""
    variants: dict[Hashable, list[Member]] = {}
    personal: list[Member] = []
    for member in members:
        if member.outbox.closed:
            continue
        variant = member.fanout_variant(event)
        if variant is None:
            personal.append(member)
        else:
            variants.setdefault(variant, []).append(member)
    groups = list(variants.values())
    if len(groups) == 1:
        rendered = [await render(groups[0][0], event)]
    elif groups:
        rendered = list(
            await asyncio.gather(*(render(group[0], event) for group in groups))
        )
    else:
        rendered = []
    written = 0
    for group, texts in zip(groups, rendered, strict=True):
        if not texts:
            continue
        for member in group:
            outbox = member.outbox
            for text in texts:
                outbox.put_text(text)
            written += 1
            if written % BATCH == 0:
                await asyncio.sleep(0)  # let the loop serve the rest of the site
    for member in personal:
        member.outbox.put_event(event)


_hubs: weakref.WeakKeyDictionary[Any, Hub] = weakref.WeakKeyDictionary()


def hub_for(layer: Any) -> Hub:
    """This process's hub for ``layer`` in the running event loop."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(layer)
    if hub is None or hub.loop is not loop:
        hub = _hubs[layer] = Hub(layer, loop)
    return hub
