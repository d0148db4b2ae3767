"""Websocket consumers: the live doors of proposal pages, the tracker, the
notifications bell and live meeting sessions.

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

Reconnect: a client connects with ``?since=<last event id>`` (or sends
``{"action": "resume", "since": N}``) and receives what it missed, replayed from
the event log and rendered from the current state; when too much was missed it
receives ``{"type": "resync"}`` and reloads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
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

from participation.errors import DomainError, RateLimited
from participation.live import broadcast, fragments
from participation.live import rules as live_rules
from participation.live import selectors as live_selectors
from participation.spaces.models import ProcessStatus

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_ALLOWED = 4403
CLOSE_NOT_FOUND = 4404
MAX_MESSAGE_CHARS = 4000
GUEST_SESSION_KEY = "live_guest"


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


def _query(scope: dict[str, Any]) -> dict[str, list[str]]:
    raw = scope.get("query_string") or b""
    try:
        return parse_qs(raw.decode("ascii"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}


def _int(value: Any) -> int | None:
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


def _second() -> int:
    """A one-second bucket: reads shared by connections arriving together (a room
    reconnecting after a Wi-Fi drop) are made once per second, not once each."""
    return int(time.monotonic())


def _event_key(event: dict[str, Any], *parts: Any) -> Any:
    event_id = event.get("event_id")
    return None if event_id is None else (*parts, event_id)


def _fresh_identity(scope: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
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
    data = {GUEST_SESSION_KEY: store.get(GUEST_SESSION_KEY)}
    return user, data


def _events_since(group: str, since: int) -> live_selectors.CatchUp:
    return live_selectors.events_since(group, since, limit=catchup_limit())


# --- base -----------------------------------------------------------------------------


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour: authorize, join one group, hello, catch-up, safe dispatch
    of group events, JSON actions with a permission check on every message."""

    kind = ""
    event_prefix = ""
    logged = True

    group = ""
    user: Any = None
    language = "en"
    joined = False
    session_data: dict[str, Any] = {}

    @classmethod
    async def encode_json(cls, content: dict[str, Any]) -> str:
        return encode(content)

    async def send_shared(self, key: Any, build: Callable[[], dict[str, Any]]) -> None:
        """Send a message that many connections send alike (encoded once)."""
        await self.send(text_data=shared_loads().text(key, build))

    # -- connection --

    async def connect(self) -> None:
        self.language = language_of(self.scope)
        self.user = self.scope.get("user") or AnonymousUser()
        await self.accept()
        refusal = await self.authorize(initial=True)
        if refusal is not None:
            await self.refuse(*refusal)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        latest = 0
        if self.logged:
            latest = await shared_loads().get(
                ("latest", self.group, _second()),
                live_selectors.latest_event_id,
                self.group,
            )
        await self.send_json(
            {"type": "hello", "kind": self.kind, "last_event_id": latest}
        )
        await self.after_hello()
        since = _int((_query(self.scope).get("since") or [None])[0])
        if since is not None and self.logged:
            await self.catch_up(since)

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.joined = False

    async def refuse(self, code: int, error: str, message: str) -> None:
        await self.send_json({"type": "error", "code": error, "message": message})
        if self.joined:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.joined = False
        await self.close(code=code)

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        """Return ``(close code, error code, message)`` to refuse, else None."""
        raise NotImplementedError

    async def after_hello(self) -> None:
        """Send the current state a fresh connection needs (optional)."""

    def text(self, message: Any) -> str:
        with translation.override(self.language):
            return str(message)

    # -- catch-up --

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        """Events with the same key render the same message: replay the last one."""
        return event.get("event_id")

    async def catch_up(self, since: int) -> None:
        result = await shared_loads().get(
            ("since", self.group, since, _second()), _events_since, self.group, since
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
        self.user, session_data = await database_sync_to_async(_fresh_identity)(
            self.scope
        )
        self.session_data = session_data
        refusal = await self.authorize(initial=False)
        if refusal is not None:
            await self.refuse(*refusal)
            return
        if action == "resume":
            since = _int(content.get("since"))
            if since is None or not self.logged:
                await self.send_error("invalid", _("This message cannot be read."), ref)
                return
            await self.catch_up(since)
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


# --- proposal pages -------------------------------------------------------------------


def _proposal_process_status(proposal_id: int) -> str | None:
    """The status of the proposal's process (None: no such proposal)."""
    from proposals.models import Proposal

    row = (
        Proposal.objects.filter(pk=proposal_id)
        .values_list("process__status", flat=True)
        .first()
    )
    return row


def _proposal_visibility(proposal_id: int, user: Any) -> bool | None:
    from proposals.models import Proposal

    proposal = Proposal.objects.select_related("process").filter(pk=proposal_id).first()
    if proposal is None:
        return None
    return fragments.proposal_visible_to(proposal, user)


class ProposalConsumer(LiveConsumer):
    """``/ws/proposals/<id>/``: comments, votes, counts, status and tracker panel."""

    kind = "proposal"
    event_prefix = "proposal."
    proposal_id = 0

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.proposal_id = int(self.scope["url_route"]["kwargs"]["proposal_id"])
        self.group = broadcast.proposal_group(self.proposal_id)
        # Pages of published processes are public: one shared read per second
        # tells; only draft processes need the visitor's own rights.
        status = await shared_loads().get(
            ("proposal-status", self.proposal_id, _second()),
            _proposal_process_status,
            self.proposal_id,
        )
        if status is None:
            visible: bool | None = None
        elif status != ProcessStatus.DRAFT:
            visible = True
        else:
            visible = await database_sync_to_async(_proposal_visibility)(
                self.proposal_id, self.user
            )
        if visible is None:
            return (
                CLOSE_NOT_FOUND,
                "not_found",
                self.text(_("This page does not exist.")),
            )
        if not visible:
            return (
                CLOSE_NOT_ALLOWED,
                "permission_denied",
                self.text(_("You may not follow this page.")),
            )
        return None

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        event_type = event.get("type", "")
        if event_type in COMMENT_EVENTS:
            return ("comment", event.get("comment_id"))
        if event_type == "proposal.comment_votes_changed":
            return ("votes", event.get("comment_id"))
        if event_type == "proposal.counts_changed":
            return ("counts",)
        return (event_type,)

    async def _comment(self, event: dict[str, Any]) -> None:
        comment_id = _int(event.get("comment_id"))
        if comment_id is None:
            return
        fragment = await shared_loads().get(
            _event_key(event, "comment", comment_id, self.language),
            fragments.public_comment,
            comment_id,
            self.language,
        )
        if fragment is None or fragment.proposal_id != self.proposal_id:
            return
        signed_in = bool(getattr(self.user, "is_authenticated", False))

        def build() -> dict[str, Any]:
            message = {
                "type": "comment",
                "event_id": event.get("event_id"),
                "comment_id": comment_id,
                "parent_id": fragment.parent_id,
                "html": fragment.html,
            }
            if signed_in:
                message["personal_url"] = fragments.comment_fragment_url(comment_id)
            return message

        await self.send_shared(
            _event_key(event, "comment-text", comment_id, self.language, signed_in),
            build,
        )

    proposal_comment_created = _comment
    proposal_comment_changed = _comment
    proposal_comment_hidden = _comment

    async def proposal_comment_votes_changed(self, event: dict[str, Any]) -> None:
        comment_id = _int(event.get("comment_id"))
        if comment_id is None:
            return
        votes = await shared_loads().get(
            _event_key(event, "votes", comment_id), fragments.comment_votes, comment_id
        )
        if votes is not None:
            await self.send_shared(
                _event_key(event, "votes-text", comment_id),
                lambda: {
                    "type": "comment_votes",
                    "event_id": event.get("event_id"),
                    **votes,
                },
            )

    async def proposal_counts_changed(self, event: dict[str, Any]) -> None:
        counts = await shared_loads().get(
            _event_key(event, "counts", self.proposal_id, self.language),
            fragments.proposal_counts,
            self.proposal_id,
            self.language,
        )
        if counts is not None:
            await self.send_shared(
                _event_key(event, "counts-text", self.proposal_id, self.language),
                lambda: {"type": "counts", "event_id": event.get("event_id"), **counts},
            )

    async def proposal_status_changed(self, event: dict[str, Any]) -> None:
        await self._refresh(event, "proposal")

    async def proposal_tracker_changed(self, event: dict[str, Any]) -> None:
        await self._refresh(event, "tracker")

    async def _refresh(self, event: dict[str, Any], region: str) -> None:
        # Only "something changed": the browser fetches the page over HTTP, where
        # the normal permissions apply, and swaps the region in.
        await self.send_json(
            {
                "type": "refresh",
                "event_id": event.get("event_id"),
                "region": region,
                "message": self.text(
                    _("This page has been updated. Reload it to see the changes.")
                ),
            }
        )


COMMENT_EVENTS = frozenset(
    {
        "proposal.comment_created",
        "proposal.comment_changed",
        "proposal.comment_hidden",
    }
)


# --- the tracker ----------------------------------------------------------------------


class TrackerConsumer(LiveConsumer):
    """``/ws/tracker/``: rows of the public tracker and department pages."""

    kind = "tracker"
    event_prefix = "tracker."

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.group = broadcast.TRACKER_GROUP
        return None

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        return (event.get("type"), event.get("proposal_id"))

    async def tracker_row_changed(self, event: dict[str, Any]) -> None:
        proposal_id = _int(event.get("proposal_id"))
        if proposal_id is None:
            return
        # The browser refreshes the row from the page it shows (public over HTTP).
        await self.send_json(
            {
                "type": "row",
                "event_id": event.get("event_id"),
                "proposal_id": proposal_id,
            }
        )


# --- the notifications bell -----------------------------------------------------------


def _bell_state(user_id: int, language: str) -> dict[str, Any]:
    from participation.notifications.models import Notification

    unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    count = unread.count()
    latest = unread.select_related("actor").order_by("-created_at", "-id").first()
    state: dict[str, Any] = {"unread": count, "latest": None}
    if latest is not None:
        with translation.override(language):
            state["latest"] = {
                "id": latest.pk,
                "message": latest.message,
                "url": latest.url,
            }
    return state


class NotificationConsumer(LiveConsumer):
    """``/ws/notifications/``: the signed-in user's unread count and new items."""

    kind = "notifications"
    event_prefix = "user."
    logged = False
    user_id: int | None = None

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        if not getattr(self.user, "is_authenticated", False):
            return (
                CLOSE_UNAUTHENTICATED,
                "not_authenticated",
                self.text(_("Please log in.")),
            )
        if self.user_id is not None and self.user.pk != self.user_id:
            return (
                CLOSE_UNAUTHENTICATED,
                "not_authenticated",
                self.text(_("Please log in.")),
            )
        self.user_id = self.user.pk
        self.group = broadcast.user_group(self.user.pk)
        return None

    async def after_hello(self) -> None:
        await self._push(notification=False)

    async def _recheck(self) -> bool:
        self.user, self.session_data = await database_sync_to_async(_fresh_identity)(
            self.scope
        )
        refusal = await self.authorize(initial=False)
        if refusal is not None:
            await self.refuse(*refusal)
            return False
        return True

    async def _push(self, *, notification: bool) -> None:
        state = await database_sync_to_async(_bell_state)(self.user_id, self.language)
        await self.send_json(
            {"type": "notification" if notification else "notifications", **state}
        )

    async def user_notification(self, event: dict[str, Any]) -> None:
        if await self._recheck():
            await self._push(notification=True)

    async def user_notifications_read(self, event: dict[str, Any]) -> None:
        if await self._recheck():
            await self._push(notification=False)


# --- live meeting sessions ------------------------------------------------------------


AUDIENCE_PUBLIC = "public"
AUDIENCE_PROJECTOR = "projector"
AUDIENCE_FACILITATOR = "facilitator"


def _session_access(session_id: int, user: Any) -> tuple[bool | None, bool]:
    """(visible — None when missing, may facilitate) for ``user``."""
    from participation.live.models import LiveSession

    session = (
        LiveSession.objects.select_related("process").filter(pk=session_id).first()
    )
    if session is None:
        return None, False
    visible = live_rules.session_view_refusal(user, session) is None
    return visible, visible and live_rules.facilitate_refusal(user, session) is None


class SessionConsumer(LiveConsumer):
    """``/ws/live/<id>/``: the opinion stream of a live session.

    ``?view=projector`` always gets the public stream (a room display never shows
    tools or hidden text); ``?view=facilitate`` gets the facilitator's stream when
    the user is a facilitator of the process. Clients post opinions and facilitators
    act on them through messages; each goes through the services, which check
    permission again.
    """

    kind = "session"
    event_prefix = "session."
    session_id = 0
    audience = AUDIENCE_PUBLIC

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.group = broadcast.session_group(self.session_id)
        if getattr(self.user, "is_authenticated", False):
            visible, facilitator = await database_sync_to_async(_session_access)(
                self.session_id, self.user
            )
        else:  # the same answer for every anonymous visitor: shared per second
            visible, facilitator = await shared_loads().get(
                ("session-access", self.session_id, _second()),
                _session_access,
                self.session_id,
                AnonymousUser(),
            )
        if visible is None:
            return (
                CLOSE_NOT_FOUND,
                "not_found",
                self.text(_("This page does not exist.")),
            )
        if not visible:
            return (
                CLOSE_NOT_ALLOWED,
                "permission_denied",
                self.text(_("This session is not public.")),
            )
        view = (_query(self.scope).get("view") or [""])[0]
        if view == AUDIENCE_PROJECTOR:
            self.audience = AUDIENCE_PROJECTOR
        elif view == "facilitate" and facilitator:
            self.audience = AUDIENCE_FACILITATOR
        else:
            self.audience = AUDIENCE_PUBLIC
        return None

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        if event.get("type") in ("session.opinion_posted", "session.opinion_changed"):
            return ("opinion", event.get("opinion_id"))
        return ("session",)

    async def _still_facilitator(self) -> bool:
        """Re-check facilitator rights before sending hidden text."""
        self.user, self.session_data = await database_sync_to_async(_fresh_identity)(
            self.scope
        )
        _visible, facilitator = await database_sync_to_async(_session_access)(
            self.session_id, self.user
        )
        if not facilitator:
            self.audience = AUDIENCE_PUBLIC
        return facilitator

    async def _opinion(self, event: dict[str, Any]) -> None:
        opinion_id = _int(event.get("opinion_id"))
        if opinion_id is None:
            return
        audience = self.audience
        fragment = await self._opinion_fragment(event, opinion_id, audience)
        if fragment is None or fragment.session_id != self.session_id:
            return
        if (
            audience == AUDIENCE_FACILITATOR
            and fragment.hidden
            and not await self._still_facilitator()
        ):
            fragment = await self._opinion_fragment(event, opinion_id, self.audience)
            if fragment is None:
                return
        await self.send_shared(
            _event_key(event, "opinion-text", opinion_id, self.audience, self.language),
            lambda: {
                "type": "opinion",
                "event_id": event.get("event_id"),
                "opinion_id": fragment.opinion_id,
                "hidden": fragment.hidden,
                "pinned": fragment.pinned,
                "html": fragment.html,
                "pinned_html": fragment.pinned_html,
            },
        )

    async def _opinion_fragment(
        self, event: dict[str, Any], opinion_id: int, audience: str
    ) -> Any:
        return await shared_loads().get(
            _event_key(event, "opinion", opinion_id, audience, self.language),
            _render_opinion_for,
            opinion_id,
            audience,
            self.language,
        )

    session_opinion_posted = _opinion
    session_opinion_changed = _opinion

    async def _session(self, event: dict[str, Any]) -> None:
        header = await shared_loads().get(
            _event_key(event, "session", self.session_id, self.language),
            fragments.session_header,
            self.session_id,
            self.language,
        )
        if header is not None:
            await self.send_json(
                {"type": "session", "event_id": event.get("event_id"), **header}
            )

    session_updated = _session
    session_themes_changed = _session

    # -- actions --

    async def act(self, action: str, content: dict[str, Any], ref: Any) -> None:
        handler = SESSION_ACTIONS.get(action)
        if handler is None:
            await self.send_error(
                "unknown_action", _("This action is not available here."), ref
            )
            return
        if self.audience == AUDIENCE_PROJECTOR:
            await self.send_error(
                "permission_denied", _("The projector view cannot take actions."), ref
            )
            return
        try:
            await database_sync_to_async(handler)(
                self.session_id, self.user, self.session_data, content
            )
        except DomainError as error:
            await self.send_domain_error(error, ref)
            return
        await self.send_json({"type": "ok", "action": action, "ref": ref})


def _render_opinion_for(opinion_id: int, audience: str, language: str) -> Any:
    return fragments.opinion_fragment(
        opinion_id,
        language=language,
        facilitator=audience == AUDIENCE_FACILITATOR,
        projector=audience == AUDIENCE_PROJECTOR,
    )


# Session actions run in a worker thread with a fresh user; services check permission.


def _load_session(session_id: int) -> Any:
    from participation.live.models import LiveSession

    return LiveSession.objects.select_related("process").get(pk=session_id)


def _load_opinion(session_id: int, content: dict[str, Any]) -> Any:
    from participation.errors import Invalid
    from participation.live.models import Opinion

    opinion_id = _int(content.get("opinion_id"))
    opinion = (
        Opinion.objects.select_related("session", "session__process")
        .filter(pk=opinion_id, session_id=session_id)
        .first()
        if opinion_id is not None
        else None
    )
    if opinion is None:
        raise Invalid(_("This opinion does not exist."), code="not_found")
    return opinion


def _guest_of(session_data: dict[str, Any]) -> live_rules.Guest | None:
    data = session_data.get(GUEST_SESSION_KEY)
    if isinstance(data, dict) and data.get("name") and data.get("key"):
        return live_rules.Guest(name=str(data["name"]), key=str(data["key"]))
    return None


def _action_post(
    session_id: int, user: Any, data: dict[str, Any], content: dict
) -> None:
    from participation.live import services

    body = content.get("body")
    services.opinion_post(
        session=_load_session(session_id),
        body=body if isinstance(body, str) else "",
        author=user if user.is_authenticated else None,
        guest=None if user.is_authenticated else _guest_of(data),
    )


def _action_toggle(name: str) -> Callable[..., None]:
    def run(session_id: int, user: Any, data: dict[str, Any], content: dict) -> None:
        from participation.live import services

        opinion = _load_opinion(session_id, content)
        on = content.get("on") is True
        if name == "highlight":
            services.opinion_highlight(actor=user, opinion=opinion, highlighted=on)
        else:
            services.opinion_pin(actor=user, opinion=opinion, pinned=on)

    return run


def _action_hide(
    session_id: int, user: Any, data: dict[str, Any], content: dict
) -> None:
    from participation.live import services

    code, reason = content.get("reason_code"), content.get("reason")
    services.opinion_hide(
        actor=user,
        opinion=_load_opinion(session_id, content),
        reason_code=code if isinstance(code, str) else "",
        reason=reason if isinstance(reason, str) else "",
    )


def _action_unhide(
    session_id: int, user: Any, data: dict[str, Any], content: dict
) -> None:
    from participation.live import services

    services.opinion_unhide(actor=user, opinion=_load_opinion(session_id, content))


def _action_theme(
    session_id: int, user: Any, data: dict[str, Any], content: dict
) -> None:
    from participation.errors import Invalid
    from participation.live import services
    from participation.live.models import SessionTheme

    opinion = _load_opinion(session_id, content)
    theme = None
    if content.get("theme_id") not in (None, ""):
        theme_id = _int(content.get("theme_id"))
        theme = (
            SessionTheme.objects.filter(pk=theme_id, session_id=session_id).first()
            if theme_id is not None
            else None
        )
        if theme is None:
            raise Invalid(_("That theme does not exist."), code="not_found")
    services.opinion_set_theme(actor=user, opinion=opinion, theme=theme)


SESSION_ACTIONS: dict[str, Callable[..., None]] = {
    "post": _action_post,
    "highlight": _action_toggle("highlight"),
    "pin": _action_toggle("pin"),
    "hide": _action_hide,
    "unhide": _action_unhide,
    "theme": _action_theme,
}
