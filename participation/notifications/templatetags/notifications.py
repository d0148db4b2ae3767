"""Template helpers of notifications: ``{% load notifications %}``."""

from __future__ import annotations

from typing import Any

from django import template

from participation.notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The signed-in viewer's unread count (one query, once per request)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_unread_notifications", None) if request else None
    if cached is not None:
        return cached
    count = unread_count(user)
    if request is not None:
        request._unread_notifications = count  # type: ignore[attr-defined]
    return count


@register.filter
def notification_label(count: Any) -> str:
    return str(count) if int(count or 0) < 100 else "99+"
