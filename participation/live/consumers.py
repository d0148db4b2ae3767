"""The base websocket consumer of the live transport.

Each app that has live pages subclasses ``LiveConsumer`` in its own
``consumers.py`` (proposal pages in proposals, the tracker in responses, the bell
in notifications, meeting sessions in meetings) and routes it in its
``routing.py``; the group it joins is declared in the live registry.

Every consumer authenticates with the session (``AuthMiddlewareStack``), checks
permission on connect and again on every message a client sends (with the user
and session re-read from the database), and never takes identity from what a
client sends: groups come from the URL and the signed-in user only.

Group events carry ids. Each consumer turns them into messages for its own
recipient: public fragments (rendered once per event and language and shared by
every connection in this process) for everybody, plus a URL for the personal
version that signed-in browsers fetch over HTTP with their own permissions.
Hidden text is only ever sent to connections whose facilitator rights were just
checked again.

Fan-out (participation/live/fanout.py): a process subscribes once per group to
the channel layer, however many of its sockets are in the group, and one task
delivers each event to all of them. Connections declare a *variant*
(``fanout_variant``: what besides the event decides their message, such as the
language); the consumer's own handler renders the message once per variant, and
the bytes are written to every socket of that variant in one loop. A connection
whose message is personal (variant None) handles the event itself, in order.
Each socket has a bounded outbox: a slow or stalled reader falls behind alone and
is closed with a retry hint once ``LIVE_SOCKET_BACKLOG`` messages wait for it.

Reconnect: a client connects with ``?since=<last event id>`` (or sends
``{"action": "resume", "since": N}``) and receives what it missed, replayed from
the event log and rendered from the current state; when too much was missed it
receives ``{"type": "resync"}`` and reloads.

Degrading politely (deploy/README.md, "Websockets and descriptors" and "When Redis
is down"):

- **Too many sockets.** Each server process counts its open sockets per client
  address (IPv6 by /64, as allauth counts addresses) and per signed-in account,
  and refuses more than ``LIVE_MAX_SOCKETS_PER_ADDRESS`` /
  ``LIVE_MAX_SOCKETS_PER_USER``: the socket is closed with ``CLOSE_TOO_MANY`` and
  a JSON error with ``reconnect_after``; a refusal is logged once per address or
  account per minute. The counter is per process on purpose: what it protects,
  the descriptors of one process (``LimitNOFILE``), is per process too, it costs
  no network round trip on connect, and it cannot leak counts when a process
  dies or stop working when Redis does. Across processes one client may hold
  (processes x limit) sockets; nginx's ``limit_conn`` bounds the total.
- **Too many sockets in all.** A process accepts at most ``LIVE_MAX_SOCKETS``
  (and never more than half its descriptors, so that pages keep being served);
  past that a socket is closed with ``CLOSE_TRY_AGAIN`` and ``reconnect_after``.
- **Too slow a reader.** A socket whose client stops reading falls behind alone
  (fanout.py); once ``LIVE_SOCKET_BACKLOG`` messages wait for it, they are dropped
  and it is closed with ``CLOSE_TRY_AGAIN`` and ``reconnect_after`` (1 to 5 s), and
  the browser catches up from the event log. Logged once a minute.
- **Channel layer unreachable.** When joining the group or receiving from the
  layer fails (Redis down or silent: the layer's socket timeouts bound the wait),
  the socket is closed with ``CLOSE_TRY_AGAIN`` (1013, "try again later") and a
  JSON error with ``reconnect_after``, and so is every other socket of this
  process that listens to the layer; browsers reconnect with backoff and catch up
  on what they missed. Logged once per outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import json
import logging
import random
import resource
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Viewer
from participation.cache import OutageLog
from participation.errors import DomainError, RateLimited
from participation.live import fanout
from participation.live import selectors as live_selectors

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_ALLOWED = 4403
CLOSE_NOT_FOUND = 4404
# Closes after which the browser reconnects (with backoff, at the earliest after
# the ``reconnect_after`` seconds of the JSON error sent before): static/js/live.js.
CLOSE_TRY_AGAIN = 1013  # RFC 6455 "Try Again Later": the channel layer is unreachable
CLOSE_TOO_MANY = 4429  # too many sockets from this address or account
MAX_MESSAGE_CHARS = 4000
# Seconds a browser refused for too many sockets waits before trying again.
TOO_MANY_RECONNECT_AFTER = 30
# What an unreachable channel layer raises (channels_redis: redis-py's errors,
# socket errors, timeouts).
LAYER_ERRORS = fanout.LAYER_ERRORS
# Seconds at most a socket closed for falling behind waits before reconnecting.
BEHIND_RECONNECT_AFTER = 5

layer_outage = OutageLog(
    logger,
    "Live updates: the channel layer is unreachable; websockets are closed with a "
    "retry hint until it is back.",
    "Live updates: the channel layer is reachable again.",
)


def catchup_limit() -> int:
    return int(getattr(settings, "LIVE_CATCHUP_LIMIT", 200))


# --- helpers --------------------------------------------------------------------------


def language_of(scope: dict[str, Any]) -> str:
    """The visitor's language, as the pages choose it: cookie, then browser."""
    request = HttpRequest()
    request.COOKIES = dict(scope.get("cookies") or {})
    for name, value in scope.get("headers") or []:
        if name == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin1")
    return translation.get_language_from_request(request)


def query_params(scope: dict[str, Any]) -> dict[str, list[str]]:
    raw = scope.get("query_string") or b""
    try:
        return parse_qs(raw.decode("ascii"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}


def as_int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**63 else None


def encode(message: dict[str, Any]) -> str:
    """Compact JSON, UTF-8 as is (Japanese text is not escaped)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


class SharedLoads:
    """One database load per key, awaited by every consumer that needs it.

    A comment pushed to a thousand connections is read and rendered once per
    language, not a thousand times. Keys include the event id, so each event is
    loaded fresh; only the most recent keys are kept.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._tasks: OrderedDict[Any, asyncio.Future[Any]] = OrderedDict()
        self._texts: OrderedDict[Any, str] = OrderedDict()

    def text(self, key: Any, build: Callable[[], dict[str, Any]]) -> str:
        """The JSON text of a message, encoded once per key for every connection
        that sends the same message."""
        if key is None:
            return encode(build())
        cached = self._texts.get(key)
        if cached is None:
            cached = self._texts[key] = encode(build())
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return cached

    async def get(self, key: Any, fn: Callable[..., Any], *args: Any) -> Any:
        if key is None:
            return await database_sync_to_async(fn)(*args)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(database_sync_to_async(fn)(*args))
            self._tasks[key] = task
            task.add_done_callback(lambda t, k=key: self._forget_failed(k, t))
            while len(self._tasks) > self.size:
                self._tasks.popitem(last=False)
        else:
            self._tasks.move_to_end(key)
            if task.done() and not task.cancelled() and task.exception() is None:
                return task.result()  # the common case: loaded for an earlier reader
        return await asyncio.shield(task)

    def _forget_failed(self, key: Any, task: asyncio.Future[Any]) -> None:
        if (task.cancelled() or task.exception() is not None) and self._tasks.get(
            key
        ) is task:
            del self._tasks[key]


_shared_by_loop: weakref.WeakKeyDictionary[Any, SharedLoads] = (
    weakref.WeakKeyDictionary()
)


def shared_loads() -> SharedLoads:
    loop = asyncio.get_running_loop()
    loads = _shared_by_loop.get(loop)
    if loads is None:
        loads = _shared_by_loop[loop] = SharedLoads()
    return loads


def second_bucket() -> int:
    """A one-second bucket: reads shared by connections arriving together (a room
    reconnecting after a Wi-Fi drop) are made once per second, not once each."""
    return int(time.monotonic())


def event_key(event: dict[str, Any], *parts: Any) -> Any:
    event_id = event.get("event_id")
    return None if event_id is None else (*parts, event_id)


def _fresh_identity(
    scope: dict[str, Any], keys: tuple[str, ...]
) -> tuple[Any, dict[str, Any]]:
    """The signed-in user and the session data as they are *now* in the database:
    a logout, a password change or a deactivation elsewhere takes effect at once."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return AnonymousUser(), {}
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    request = HttpRequest()
    request.session = store
    user = auth.get_user(request)
    return user, {key: store.get(key) for key in keys}


def _events_since(group: str, since: int) -> live_selectors.CatchUp:
    return live_selectors.events_since(group, since, limit=catchup_limit())


# --- sockets of this process ---------------------------------------------------------


def max_sockets_per_address() -> int:
    return int(getattr(settings, "LIVE_MAX_SOCKETS_PER_ADDRESS", 200))


def max_sockets_per_user() -> int:
    return int(getattr(settings, "LIVE_MAX_SOCKETS_PER_USER", 20))


@functools.cache
def _half_the_descriptors() -> int:
    """Half this process's limit on open files (read once, after the server has
    raised it): the other half stays for HTTP, the database and files."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return 0 if soft == resource.RLIM_INFINITY else soft // 2


def max_sockets() -> int:
    """Open websockets this process accepts in all (0: no limit)."""
    limits = [
        int(getattr(settings, "LIVE_MAX_SOCKETS", 10000)),
        _half_the_descriptors(),
    ]
    positive = [limit for limit in limits if limit > 0]
    return min(positive) if positive else 0


def address_key(scope: dict[str, Any]) -> str | None:
    """The client's address as counted: IPv4 as is, IPv6 by its /64 network (one
    host's share); None when the server does not know it (a Unix socket)."""
    client = scope.get("client")
    if not client:
        return None
    host = str(client[0])
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"address {host}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"address {address.ipv4_mapped}"
        return f"address {ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"address {address}"


class SocketCounts:
    """Open websockets per key (client address, account) in this process."""

    LOG_EVERY = 60.0  # seconds between two log lines about one key
    LOG_KEYS = 4096  # keys remembered for that

    def __init__(self) -> None:
        self.open: Counter[str] = Counter()
        self._logged: OrderedDict[str, float] = OrderedDict()

    def claim(self, claims: list[tuple[str, int]]) -> tuple[str, int] | None:
        """Count one more socket for each ``(key, limit)`` (a limit of 0: none),
        or, when one is at its limit, count nothing and return that claim."""
        for key, limit in claims:
            if limit > 0 and self.open[key] >= limit:
                return key, limit
        for key, _limit in claims:
            self.open[key] += 1
        return None

    def release(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            self.open[key] -= 1
            if self.open[key] <= 0:
                del self.open[key]

    def first_refusal_in_a_while(self, key: str) -> bool:
        """Whether a refusal for ``key`` should be logged (once a minute)."""
        now = time.monotonic()
        last = self._logged.get(key)
        if last is not None and now - last < self.LOG_EVERY:
            return False
        self._logged[key] = now
        self._logged.move_to_end(key)
        while len(self._logged) > self.LOG_KEYS:
            self._logged.popitem(last=False)
        return True


sockets = SocketCounts()
ALL_SOCKETS = "all clients"
# Consumers of this process that listen to the channel layer: when the layer is
# lost for one, it is lost for all of them.
_listeners: weakref.WeakSet[LiveConsumer] = weakref.WeakSet()
_closing: set[asyncio.Task[None]] = set()  # kept until done (asyncio holds weakly)


def _close_listeners(loop: asyncio.AbstractEventLoop) -> None:
    for consumer in list(_listeners):
        if consumer.loop is loop and not consumer.closed:
            task = loop.create_task(consumer.layer_unavailable())
            _closing.add(task)
            task.add_done_callback(_closing.discard)


def _layer_lost(loop: asyncio.AbstractEventLoop) -> None:
    """A feed could not receive from the layer: every socket of this process that
    listens to it closes with a retry hint."""
    layer_outage.failed()
    _close_listeners(loop)


def hub_of(layer: Any) -> fanout.Hub:
    hub = fanout.hub_for(layer)
    hub.on_lost = functools.partial(_layer_lost, hub.loop)
    return hub


# --- base -----------------------------------------------------------------------------


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour: authorize, join one group, hello, catch-up, safe dispatch
    of group events, JSON actions with a permission check on every message."""

    kind = ""
    event_prefix = ""
    logged = True

    group = ""
    user: Viewer = None
    language = "en"
    joined = False
    # Keys of the browser session a consumer needs on every message (re-read from
    # the session store with the user, see ``refresh_identity``).
    session_keys: tuple[str, ...] = ()
    session_data: dict[str, Any] = {}
    # Set per connection in __call__.
    loop: asyncio.AbstractEventLoop | None = None
    closed = False
    counted: tuple[str, ...] = ()  # keys this socket is counted under (SocketCounts)
    outbox: fanout.Outbox

    @classmethod
    async def encode_json(cls, content: dict[str, Any]) -> str:
        return encode(content)

    async def send(
        self, text_data: str | None = None, bytes_data: Any = None, close: bool = False
    ) -> None:
        # While the fan-out renders an event for this connection's variant, its
        # messages are captured for every connection of the variant.
        captured = fanout.captured_for(self)
        if captured is not None and text_data is not None and not close:
            captured.append(text_data)
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_json(self, content: dict[str, Any], close: bool = False) -> None:
        await self.send(text_data=await self.encode_json(content), close=close)

    async def send_shared(self, key: Any, build: Callable[[], dict[str, Any]]) -> None:
        """Send a message that many connections send alike (encoded once)."""
        await self.send(text_data=shared_loads().text(key, build))

    def fanout_variant(self, event: dict[str, Any]) -> Any:
        """What, besides ``event``, decides the message this connection gets: the
        fan-out renders once for each distinct value and sends those bytes to every
        connection that has it (so it must cover all the connection's state the
        handler reads: language, signed in or not, audience). None (the default):
        the message is personal, and the connection handles the event itself."""
        return None

    # -- connection --

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.loop = asyncio.get_running_loop()

        async def send_until_closed(message: dict[str, Any]) -> None:
            # Nothing goes out after our close (a late event, a second refusal).
            if self.closed:
                return
            if message.get("type") == "websocket.close":
                self.closed = True
                self.outbox.close()
            await send(message)

        # Group events are written by the fan-out straight to the server's send
        # (held until the hello and the catch-up are out).
        self.outbox = fanout.Outbox(
            scope.get(fanout.SERVER_SEND) or send_until_closed,
            self.handle_event,
            self.fell_behind,
        )
        try:
            await super().__call__(scope, receive, send_until_closed)
        finally:
            self.outbox.close()
            _listeners.discard(self)
            sockets.release(self.counted)
            self.counted = ()
            if self.joined:  # ended without a disconnect message
                self.joined = False
                with contextlib.suppress(Exception):
                    await self._leave_group()

    # channels' AsyncConsumer.__call__ sets ``channel_receive`` to the layer's
    # receive for this connection's own channel and awaits it alongside the
    # browser's messages. Group events come through this process's feed of the
    # group instead (participation/live/fanout.py): nothing is ever sent to a
    # connection's own channel, so the dispatcher waits on it without waking.
    @property
    def channel_receive(self) -> Callable[[], Awaitable[dict[str, Any]]]:
        return self._nothing_from_the_layer

    @channel_receive.setter
    def channel_receive(self, receive: Callable[[], Awaitable[dict]]) -> None:
        pass

    async def _nothing_from_the_layer(self) -> dict[str, Any]:
        await asyncio.get_running_loop().create_future()
        raise AssertionError("unreachable")

    def socket_claims(self) -> list[tuple[str, int]]:
        """What this socket counts against: its address, its account and the
        process's total (``ALL_SOCKETS``), in that order."""
        claims = []
        address = address_key(self.scope)
        if address is not None:
            claims.append((address, max_sockets_per_address()))
        if getattr(self.user, "is_authenticated", False):
            claims.append((f"user {self.user.pk}", max_sockets_per_user()))
        claims.append((ALL_SOCKETS, max_sockets()))
        return claims

    async def connect(self) -> None:
        self.language = language_of(self.scope)
        self.user = self.scope.get("user") or AnonymousUser()
        claims = self.socket_claims()
        over = sockets.claim(claims)
        if over is None:
            self.counted = tuple(key for key, _limit in claims)
        await self.accept()
        if over is not None:
            await self.too_many(*over)
            return
        refusal = await self.authorize(initial=True)
        if refusal is not None:
            await self.refuse(*refusal)
            return
        try:
            await hub_of(self.channel_layer).join(self.group, self)
        except LAYER_ERRORS:
            await self.layer_unavailable()
            return
        layer_outage.recovered()
        self.joined = True
        _listeners.add(self)
        # Events from now on wait in the outbox until the greeting and the
        # catch-up are out, and follow them in order.
        try:
            latest = 0
            if self.logged:
                latest = await shared_loads().get(
                    ("latest", self.group, second_bucket()),
                    live_selectors.latest_event_id,
                    self.group,
                )
            await self.send_json(
                {"type": "hello", "kind": self.kind, "last_event_id": latest}
            )
            await self.after_hello()
            since = as_int((query_params(self.scope).get("since") or [None])[0])
            if since is not None and self.logged:
                await self.catch_up(since)
        finally:
            self.outbox.release()

    async def too_many(self, key: str, limit: int) -> None:
        """Refuse a socket over a limit: politely, and logged once a minute."""
        if sockets.first_refusal_in_a_while(key):
            logger.warning(
                "Refusing websockets for %s: %d open in this process (the "
                "limit); not logged again for them for a minute.",
                key,
                limit,
            )
        if key == ALL_SOCKETS:
            await self.refuse(
                CLOSE_TRY_AGAIN,
                "busy",
                self.text(_("The server is busy. Live updates will reconnect…")),
                reconnect_after=random.randint(10, 30),  # noqa: S311
            )
            return
        await self.refuse(
            CLOSE_TOO_MANY,
            "too_many_connections",
            self.text(
                _(
                    "Too many live connections are open from your address or "
                    "account. Close some tabs; this page reconnects by itself."
                )
            ),
            reconnect_after=TOO_MANY_RECONNECT_AFTER,
        )

    async def layer_unavailable(self) -> None:
        """The channel layer cannot be reached: close with a retry hint (the
        browser reconnects with backoff and catches up), never hang. Every other
        socket of this process listening to the layer is closed alike."""
        if self.closed:
            return
        self.joined = False  # the layer cannot be told, and the group expires
        _listeners.discard(self)
        layer_outage.failed()
        if self.loop is not None:
            _close_listeners(self.loop)
        await self.refuse(
            CLOSE_TRY_AGAIN,
            "unavailable",
            self.text(_("Live updates are unavailable for a moment. Reconnecting…")),
            # Spread the reconnections of a whole room over a few seconds.
            reconnect_after=random.randint(2, 10),  # noqa: S311
        )

    async def disconnect(self, code: int) -> None:
        if self.joined:
            self.joined = False
            await self._leave_group()

    async def _leave_group(self) -> None:
        # The hub leaves the layer's group when its last socket here leaves (a
        # layer that cannot be told is logged there: the membership expires).
        await hub_of(self.channel_layer).leave(self.group, self)

    async def fell_behind(self) -> None:
        """The outbox overflowed (a slow or stalled reader): its backlog is gone;
        close with a retry hint, so the browser reconnects and catches up."""
        if sockets.first_refusal_in_a_while("slow sockets"):
            logger.warning(
                "Closing a live socket that fell %d messages behind (a slow or "
                "stalled client); it reconnects and catches up. Not logged again "
                "for a minute.",
                self.outbox.limit,
            )
        await self.refuse(
            CLOSE_TRY_AGAIN,
            "behind",
            self.text(_("Live updates fell behind. Reconnecting…")),
            reconnect_after=random.randint(1, BEHIND_RECONNECT_AFTER),  # noqa: S311
        )

    async def refuse(self, code: int, error: str, message: str, **extra: Any) -> None:
        await self.send_json(
            {"type": "error", "code": error, "message": message, **extra}
        )
        if self.joined:
            self.joined = False
            await self._leave_group()
        await self.close(code=code)

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        """Return ``(close code, error code, message)`` to refuse, else None."""
        raise NotImplementedError

    async def after_hello(self) -> None:
        """Send the current state a fresh connection needs (optional)."""

    async def refresh_identity(self) -> None:
        """Re-read the signed-in user and ``session_keys`` from the database."""
        self.user, self.session_data = await database_sync_to_async(_fresh_identity)(
            self.scope, self.session_keys
        )

    def text(self, message: Any) -> str:
        with translation.override(self.language):
            return str(message)

    # -- catch-up --

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        """Events with the same key render the same message: replay the last one."""
        return event.get("event_id")

    async def catch_up(self, since: int) -> None:
        result = await shared_loads().get(
            ("since", self.group, since, second_bucket()),
            _events_since,
            self.group,
            since,
        )
        if not result.complete:
            latest = await database_sync_to_async(live_selectors.latest_event_id)(
                self.group
            )
            await self.send_json({"type": "resync", "last_event_id": latest})
            return
        events = [
            {**e.payload, "type": e.type, "event_id": e.pk} for e in result.events
        ]
        latest_by_key: dict[Any, int] = {}
        for index, event in enumerate(events):
            latest_by_key[self.coalesce_key(event)] = index
        for index, event in enumerate(events):
            if latest_by_key[self.coalesce_key(event)] == index:
                await self.handle_event(event)

    # -- group events --

    async def dispatch(self, message: dict[str, Any]) -> None:
        message_type = str(message.get("type", ""))
        if message_type.startswith("websocket."):
            await super().dispatch(message)
            return
        if self.closed:
            return
        await self.handle_event(message)

    async def handle_event(self, event: dict[str, Any]) -> None:
        event_type = str(event.get("type", ""))
        if not event_type.startswith(self.event_prefix):
            return
        handler = getattr(self, event_type.replace(".", "_"), None)
        if handler is None:
            logger.debug("No live handler for %s", event_type)
            return
        try:
            await handler(event)
        except Exception:  # one bad event must not drop the connection
            logger.exception("Live event %s failed for %s", event_type, self.group)

    # -- client messages --

    async def receive(
        self, text_data: str | None = None, bytes_data: Any = None
    ) -> None:
        if text_data is None or len(text_data) > MAX_MESSAGE_CHARS:
            await self.send_error("invalid", _("This message cannot be read."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("action"), str):
            await self.send_error("invalid", _("This message cannot be read."))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = content["action"]
        ref = content.get("ref") if isinstance(content.get("ref"), str | int) else None
        if action == "ping":
            await self.send_json({"type": "pong", "ref": ref})
            return
        # Permission on every message: re-read who this is, then authorize again.
        await self.refresh_identity()
        refusal = await self.authorize(initial=False)
        if refusal is not None:
            await self.refuse(*refusal)
            return
        if action == "resume":
            since = as_int(content.get("since"))
            if since is None or not self.logged:
                await self.send_error("invalid", _("This message cannot be read."), ref)
                return
            self.outbox.hold()  # live events follow the replay
            try:
                await self.catch_up(since)
            finally:
                self.outbox.release()
            return
        await self.act(action, content, ref)

    async def act(self, action: str, content: dict[str, Any], ref: Any) -> None:
        await self.send_error(
            "unknown_action", _("This action is not available here."), ref
        )

    async def send_error(
        self, code: str, message: Any, ref: Any = None, **extra: Any
    ) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": code,
                "message": self.text(message),
                "ref": ref,
                **extra,
            }
        )

    async def send_domain_error(self, error: DomainError, ref: Any) -> None:
        extra: dict[str, Any] = {"status": error.status}
        if isinstance(error, RateLimited):
            extra["retry_after"] = error.retry_after
        await self.send_json(
            {
                "type": "error",
                "code": error.code,
                "message": self.text(error.message),
                "ref": ref,
                **extra,
            }
        )
