"""Reads of notifications, with fixed query counts."""

from __future__ import annotations

from django.db.models import QuerySet

from participation.accounts.types import Actor
from participation.notifications.models import Notification


def notifications_of(
    user: Actor, *, unread_only: bool = False
) -> QuerySet[Notification]:
    """A user's notifications, newest first, with the actor (one query a page)."""
    qs = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")
