"""Follow and notify. Services of other apps call these inside their transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.errors import Invalid
from participation.live import broadcast
from participation.notifications import groups, tasks
from participation.notifications.email import DIGESTS
from participation.notifications.live import USER
from participation.notifications.models import (
    BouncedAddress,
    Delivery,
    EmailPreference,
    Follow,
    Notification,
    SendStatus,
)
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


def follow_quietly(*, user: Actor, target: models.Model) -> None:
    """Follow ``target`` if not already following, in one statement (``INSERT …
    ON CONFLICT DO NOTHING``): for writes that follow on the side (a support), where
    the usual case is "already following" and a failed INSERT would cost a
    savepoint and a rollback to it in the caller's transaction."""
    ct = ContentType.objects.get_for_model(target)
    Follow.objects.bulk_create(
        [Follow(user=user, content_type=ct, object_id=target.pk)],
        ignore_conflicts=True,
    )


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
    target: models.Model | None = None,
) -> int:
    """Create one in-app notification per recipient (never the actor themself) and,
    after commit, push the new unread count to each recipient's live group and
    enqueue the e-mails of those who receive this kind immediately (one task per
    ``NOTIFY_EMAIL_BATCH``; the worker sends them, never the request).

    ``recipient_ids`` is either ids (all told ``reason``) or an
    :class:`~participation.notifications.reasons.Audience` (id → reason code).
    ``target`` (optional) is what it is about: its app may then withhold the
    e-mail if the target is hidden before it is sent (``email.register_veto``).
    The e-mail is written only from ``kind`` and ``data``, captured now."""
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
    target_type = ContentType.objects.get_for_model(target) if target else None
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=rid,
                kind=kind,
                reason=reasons[rid],
                actor_id=actor_id,
                url=url,
                data=data or {},
                created_at=now,
                target_type=target_type,
                target_id=target.pk if target is not None else None,
            )
            for rid in ids
        ],
        batch_size=BULK_BATCH,
    )
    _schedule_emails(created, now)
    broadcast.send_each(
        (USER.name(rid) for rid in ids), "user.notification", {"kind": kind}
    )
    return len(ids)


BULK_BATCH = 1000
_IN_CHUNK = 2000

# Set while history is replayed (the demo's months of activity): notifications are
# kept in-app, nothing is e-mailed.
_EMAIL_OFF: ContextVar[bool] = ContextVar("notifications_email_off", default=False)


@contextlib.contextmanager
def without_email() -> Iterator[None]:
    """Notifications made inside are kept in-app only: no e-mail is scheduled for
    them (replaying history, imports). Digests still list them as usual."""
    token = _EMAIL_OFF.set(True)
    try:
        yield
    finally:
        _EMAIL_OFF.reset(token)


def _schedule_emails(notifications: list[Notification], now: datetime) -> None:
    """A pending e-mail delivery for each notification its recipient receives
    immediately, enqueued after commit. A few queries whatever the number."""
    if _EMAIL_OFF.get():
        return
    user_ids = [n.recipient_id for n in notifications]
    modes: dict[int, dict[str, str]] = {}
    wanted = {groups.group_of(n.kind, n.reason) for n in notifications}
    for i in range(0, len(user_ids), _IN_CHUNK):
        for uid, group, mode in EmailPreference.objects.filter(
            user_id__in=user_ids[i : i + _IN_CHUNK], group__in=wanted
        ).values_list("user_id", "group", "mode"):
            modes.setdefault(uid, {})[group] = mode
    immediate = [
        Delivery(notification=n, channel=Delivery.EMAIL, created_at=now)
        for n in notifications
        if groups.email_mode(n.kind, n.reason, modes.get(n.recipient_id, {}))
        == groups.Mode.IMMEDIATE
    ]
    if not immediate:
        return
    deliveries = Delivery.objects.bulk_create(immediate, batch_size=BULK_BATCH)
    ids = [d.pk for d in deliveries if d.pk is not None]
    transaction.on_commit(partial(tasks.enqueue_deliveries, ids))


# --- E-mail preferences ---------------------------------------------------------------
def email_modes(user: Actor) -> dict[str, str]:
    """Each group's e-mail mode for ``user`` (defaults where they chose none)."""
    chosen = dict(
        EmailPreference.objects.filter(user=user).values_list("group", "mode")
    )
    return {g: chosen.get(g, str(groups.DEFAULTS[g])) for g in groups.GROUPS}


def email_preferences_set(*, user: Actor, modes: Mapping[str, str]) -> int:
    """Save ``user``'s chosen modes (group → mode); returns how many changed.
    Unknown groups or modes are refused (``Invalid``)."""
    valid = set(groups.Mode.values)
    for group, mode in modes.items():
        if group not in groups.GROUPS or mode not in valid:
            raise Invalid(_("That choice is not available."))
    current = email_modes(user)
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        for group, mode in modes.items():
            if current[group] == mode:
                continue
            EmailPreference.objects.update_or_create(
                user=user, group=group, defaults={"mode": mode, "updated_at": now}
            )
            changed += 1
    return changed


def email_unsubscribe(*, user_id: int, group: str) -> bool:
    """Stop e-mails of ``group`` to ``user_id`` (in-app notifications stay);
    ``"digests"`` stops every group received in a digest. False when they were
    already off."""
    if group == DIGESTS:
        return _unsubscribe_digests(user_id)
    if group not in groups.GROUPS:
        raise Invalid(_("That choice is not available."))
    with transaction.atomic():
        pref, created = EmailPreference.objects.select_for_update().get_or_create(
            user_id=user_id,
            group=group,
            defaults={"mode": groups.Mode.NEVER, "updated_at": timezone.now()},
        )
        if created:
            return True
        if pref.mode == groups.Mode.NEVER:
            return False
        pref.mode = groups.Mode.NEVER
        pref.updated_at = timezone.now()
        pref.save(update_fields=["mode", "updated_at"])
        return True


def _unsubscribe_digests(user_id: int) -> bool:
    chosen = dict(
        EmailPreference.objects.filter(user_id=user_id).values_list("group", "mode")
    )
    in_digest = [
        g
        for g in groups.GROUPS
        if chosen.get(g, groups.DEFAULTS[g]) in groups.DIGEST_MODES
    ]
    for group in in_digest:
        email_unsubscribe(user_id=user_id, group=group)
    return bool(in_digest)


def deliveries_retry(*, delivery_ids: Iterable[int]) -> int:
    """Give dead deliveries (chosen in the admin) a new round of attempts."""
    ids = list(
        Delivery.objects.filter(
            pk__in=list(delivery_ids), status=SendStatus.DEAD
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Delivery.objects.filter(pk__in=ids).update(
        status=SendStatus.PENDING, attempts=0, next_attempt_at=None, claim=""
    )
    transaction.on_commit(partial(tasks.enqueue_deliveries, ids))
    return len(ids)


def bounce_clear(*, email: str) -> int:
    """The owner confirmed (or added) ``email``: e-mail may go to it again."""
    deleted, _n = BouncedAddress.objects.filter(email=email.lower()).delete()
    return deleted


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
