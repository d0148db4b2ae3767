"""The live door of a meeting session: ``/ws/live/<id>/`` (group ``session.<id>``).

Opinions and the session header for everybody; facilitators' actions (highlight,
pin, hide, themes) and posting over the same socket, each checked again against
the user and the guest identity re-read from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from meetings import fragments, services
from meetings import rules as live_rules
from meetings.live import SESSION
from meetings.models import LiveSession, Opinion, SessionTheme
from participation.accounts.types import Viewer
from participation.errors import DomainError, Invalid
from participation.live.consumers import (
    CLOSE_NOT_ALLOWED,
    CLOSE_NOT_FOUND,
    LiveConsumer,
    as_int,
    event_key,
    query_params,
    second_bucket,
    shared_loads,
)

AUDIENCE_PUBLIC = "public"
AUDIENCE_PROJECTOR = "projector"
AUDIENCE_FACILITATOR = "facilitator"


def _session_access(session_id: int, user: Viewer) -> tuple[bool | None, bool]:
    """(visible — None when missing, may facilitate) for ``user``."""

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
    session_keys = (live_rules.GUEST_SESSION_KEY,)
    session_id = 0
    audience = AUDIENCE_PUBLIC

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.group = SESSION.name(self.session_id)
        if getattr(self.user, "is_authenticated", False):
            visible, facilitator = await database_sync_to_async(_session_access)(
                self.session_id, self.user
            )
        else:  # the same answer for every anonymous visitor: shared per second
            visible, facilitator = await shared_loads().get(
                ("session-access", self.session_id, second_bucket()),
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
        view = (query_params(self.scope).get("view") or [""])[0]
        if view == AUDIENCE_PROJECTOR:
            self.audience = AUDIENCE_PROJECTOR
        elif view == "facilitate" and facilitator:
            self.audience = AUDIENCE_FACILITATOR
        else:
            self.audience = AUDIENCE_PUBLIC
        return None

    def fanout_variant(self, event: dict[str, Any]) -> Any:
        # A facilitator's stream is personal: hidden text goes out only after
        # their rights are checked again, connection by connection.
        if self.audience == AUDIENCE_FACILITATOR:
            return None
        return (self.audience, self.language)

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        if event.get("type") in ("session.opinion_posted", "session.opinion_changed"):
            return ("opinion", event.get("opinion_id"))
        return ("session",)

    async def _still_facilitator(self) -> bool:
        """Re-check facilitator rights before sending hidden text."""
        await self.refresh_identity()
        _visible, facilitator = await database_sync_to_async(_session_access)(
            self.session_id, self.user
        )
        if not facilitator:
            self.audience = AUDIENCE_PUBLIC
        return facilitator

    async def _opinion(self, event: dict[str, Any]) -> None:
        opinion_id = as_int(event.get("opinion_id"))
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
            event_key(event, "opinion-text", opinion_id, self.audience, self.language),
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
            event_key(event, "opinion", opinion_id, audience, self.language),
            _render_opinion_for,
            opinion_id,
            audience,
            self.language,
        )

    session_opinion_posted = _opinion
    session_opinion_changed = _opinion

    async def _session(self, event: dict[str, Any]) -> None:
        header = await shared_loads().get(
            event_key(event, "session", self.session_id, self.language),
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

    return LiveSession.objects.select_related("process").get(pk=session_id)


def _load_opinion(session_id: int, content: dict[str, Any]) -> Any:

    opinion_id = as_int(content.get("opinion_id"))
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
    data = session_data.get(live_rules.GUEST_SESSION_KEY)
    if isinstance(data, dict) and data.get("name") and data.get("key"):
        return live_rules.Guest(name=str(data["name"]), key=str(data["key"]))
    return None


def _action_post(
    session_id: int, user: Viewer, data: dict[str, Any], content: dict
) -> None:

    body = content.get("body")
    key = content.get("idempotency_key")
    services.opinion_post(
        session=_load_session(session_id),
        body=body if isinstance(body, str) else "",
        idempotency_key=key if isinstance(key, str) else "",
        author=user if user.is_authenticated else None,
        guest=None if user.is_authenticated else _guest_of(data),
    )


def _action_toggle(name: str) -> Callable[..., None]:
    def run(session_id: int, user: Viewer, data: dict[str, Any], content: dict) -> None:

        opinion = _load_opinion(session_id, content)
        on = content.get("on") is True
        if name == "highlight":
            services.opinion_highlight(actor=user, opinion=opinion, highlighted=on)
        else:
            services.opinion_pin(actor=user, opinion=opinion, pinned=on)

    return run


def _action_hide(
    session_id: int, user: Viewer, data: dict[str, Any], content: dict
) -> None:

    code, reason = content.get("reason_code"), content.get("reason")
    services.opinion_hide(
        actor=user,
        opinion=_load_opinion(session_id, content),
        reason_code=code if isinstance(code, str) else "",
        reason=reason if isinstance(reason, str) else "",
    )


def _action_unhide(
    session_id: int, user: Viewer, data: dict[str, Any], content: dict
) -> None:

    services.opinion_unhide(actor=user, opinion=_load_opinion(session_id, content))


def _action_theme(
    session_id: int, user: Viewer, data: dict[str, Any], content: dict
) -> None:

    opinion = _load_opinion(session_id, content)
    theme = None
    if content.get("theme_id") not in (None, ""):
        theme_id = as_int(content.get("theme_id"))
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
