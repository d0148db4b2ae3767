"""Follow and notify. Services of other apps call these inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from participation.accounts.types import Actor
from participation.live import broadcast
from participation.notifications.live import USER
from participation.notifications.models import Follow, Notification
from participation.notifications.reasons import REASONS


def follow(*, user: Actor, target: models.Model) -> bool:
    """Follow ``target``; returns False when already following."""
    ct = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, content_type=ct, object_id=target.pk)
    except IntegrityError:
        return False
    return True


def unfollow(*, user: Actor, target: models.Model) -> bool:
    ct = ContentType.objects.get_for_model(target)
    deleted, _ = Follow.objects.filter(
        user=user, content_type=ct, object_id=target.pk
    ).delete()
    return bool(deleted)


def is_following(*, user: Actor, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ct = ContentType.objects.get_for_model(target)
    return Follow.objects.filter(
        user=user, content_type=ct, object_id=target.pk
    ).exists()


def follower_ids(target: models.Model) -> list[int]:
    ct = ContentType.objects.get_for_model(target)
    return list(
        Follow.objects.filter(content_type=ct, object_id=target.pk).values_list(
            "user_id", flat=True
        )
    )


def notify(
    *,
    recipient_ids: Iterable[int] | Mapping[int, str],
    kind: str,
    actor: Actor | None = None,
    url: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> int:
    """Create one in-app notification per recipient (never the actor themself) and,
    after commit, push the new unread count to each recipient's live group.

    ``recipient_ids`` is either ids (all told ``reason``) or an
    :class:`~participation.notifications.reasons.Audience` (id → reason code)."""
    actor_id = getattr(actor, "pk", None)
    if isinstance(recipient_ids, Mapping):
        reasons = {int(i): r for i, r in recipient_ids.items() if i}
    else:
        reasons = {int(i): reason for i in recipient_ids if i}
    if reason and reason not in REASONS:
        raise ValueError(f"unknown notification reason: {reason!r}")
    reasons.pop(actor_id, None)  # type: ignore[arg-type]
    ids = sorted(reasons)
    if not ids:
        return 0
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=rid,
                kind=kind,
                reason=reasons[rid],
                actor_id=actor_id,
                url=url,
                data=data or {},
                created_at=now,
            )
            for rid in ids
        ]
    )
    for rid in ids:
        broadcast.send(USER.name(rid), "user.notification", {"kind": kind})
    return len(ids)


def mark_read(*, user: Actor, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    changed = qs.update(read_at=timezone.now())
    if changed:
        # Other open tabs update their bell.
        broadcast.send(USER.name(user.pk), "user.notifications_read", {})
    return changed


def unread_count(user: Actor) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
