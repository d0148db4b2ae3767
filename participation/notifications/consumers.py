"""The live door of the notifications bell: ``/ws/notifications/`` (group
``user.<id>`` of the signed-in person)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from participation.live.consumers import CLOSE_UNAUTHENTICATED, LiveConsumer
from participation.notifications.live import USER
from participation.notifications.models import Notification


def _bell_state(user_id: int, language: str) -> dict[str, Any]:

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
        self.group = USER.name(self.user.pk)
        return None

    async def after_hello(self) -> None:
        await self._push(notification=False)

    async def _recheck(self) -> bool:
        await self.refresh_identity()
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
