"""Erasing a leaving resident: what the core erases, and what each app adds.

``erase_account(user=..., contributions=..., now=...)`` runs in one transaction:

1. each registered :class:`Eraser` (apps above the core register theirs in
   ``ready()``: proposals, responses, meetings; verification and attributes too),
   given an :class:`ErasureContext` (the person, their name and addresses *before*
   erasure, the resident's choice for their contributions);
2. the core's own steps: notifications received and their pending e-mails,
   preferences, digests, follows, the name captured in other people's
   notifications and in the public moderation log, e-mail addresses (allauth's
   too: the address is free again), second factors, API tokens, bounce records,
   policy acceptances, the live catch-up log and the task queue;
3. the account itself: the name becomes :data:`FORMER_PARTICIPANT`, the e-mail a
   placeholder on a reserved domain, the password unusable, the account inactive.

The ``User`` row stays, so that what the organisation keeps (a proposal in the
response tracker, its supports as counts, the access log of who viewed the
account, the audit log of staff actions) still points at one anonymous person.
Nothing here is an ORM write outside this module and the apps' erasers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from participation import pagecache
from participation.accounts.models import RoleGrant, User

# Stored in place of the name, so every door (pages, API, feeds, CSV, flyers)
# shows the same words without knowing about erasure.
FORMER_PARTICIPANT = "退会した参加者 / Former participant"
# A removed contribution's title or text, where a row must stay (replies to it,
# supports counted on it).
REMOVED_TEXT = "（退会した参加者が削除しました） / (Removed by a former participant)"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: can never receive mail


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


@dataclass
class ErasureContext:
    user: User
    old_name: str
    old_reading: str
    old_emails: list[str]
    contributions: str  # ContributionChoice: "anonymise" | "remove"
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)
    # What the organisation must keep, by model label (``"proposals.proposal"`` →
    # ids), said by an app for the erasers after it: responses keeps a proposal in
    # the tracker even when its author chose to remove their contributions.
    keep: dict[str, set[int]] = field(default_factory=dict)

    @property
    def remove(self) -> bool:
        return self.contributions == "remove"

    def mentions(self, value: Any) -> bool:
        """Does ``value`` (any JSON-able value) contain the old name or an old
        address? Compared on the decoded text, whatever the storage escaped."""
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        needles = [n for n in (self.old_name, *self.old_emails) if n]
        return any(needle in text for needle in needles)


@dataclass(frozen=True)
class Eraser:
    key: str
    erase: Callable[[ErasureContext], int]
    # Lower first: an app's content before the core's notifications.
    order: int = 500


_ERASERS: dict[str, Eraser] = {}


def register(eraser: Eraser) -> None:
    """Add (or replace) what an app erases, keyed by ``eraser.key``."""
    _ERASERS[eraser.key] = eraser


def erasers() -> list[Eraser]:
    return sorted(_ERASERS.values(), key=lambda e: (e.order, e.key))


def scrub(value: Any, ctx: ErasureContext) -> Any:
    """``value`` with every string equal to, or containing, the old name replaced
    by :data:`FORMER_PARTICIPANT` (JSON data captured at notify time)."""
    if isinstance(value, str):
        return (
            value.replace(ctx.old_name, FORMER_PARTICIPANT) if ctx.old_name else value
        )
    if isinstance(value, dict):
        return {k: scrub(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, ctx) for v in value]
    return value


# --- the core's steps ----------------------------------------------------------------


def _notifications(ctx: ErasureContext) -> int:
    from participation.notifications.models import (
        Digest,
        EmailPreference,
        Follow,
        Notification,
    )

    user = ctx.user
    # Received: gone, with their deliveries (pending e-mails included, CASCADE).
    done = Notification.objects.filter(recipient=user).delete()[0]
    done += Digest.objects.filter(user=user).delete()[0]
    done += EmailPreference.objects.filter(user=user).delete()[0]
    done += Follow.objects.filter(user=user).delete()[0]
    # Sent to others with the person's name captured in ``data``.
    changed = []
    for notification in Notification.objects.filter(actor=user).only("pk", "data"):
        if ctx.mentions(notification.data):
            notification.data = scrub(notification.data, ctx)
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["data"], batch_size=500)
    return done + len(changed)


def _moderation(ctx: ErasureContext) -> int:
    from participation.moderation.models import ModerationAction

    return ModerationAction.objects.filter(subject_user=ctx.user).update(
        subject_name=FORMER_PARTICIPANT
    )


def _credentials(ctx: ErasureContext) -> int:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from participation.api.models import PersonalAccessToken
    from participation.notifications.models import BouncedAddress
    from participation.privacy.models import PolicyAcceptance

    user = ctx.user
    done = EmailAddress.objects.filter(user=user).delete()[0]
    done += Authenticator.objects.filter(user=user).delete()[0]
    done += PersonalAccessToken.objects.filter(user=user).delete()[0]
    done += BouncedAddress.objects.filter(email__in=ctx.old_emails).delete()[0]
    done += PolicyAcceptance.objects.filter(user=user).delete()[0]
    done += RoleGrant.objects.filter(user=user).delete()[0]
    return done


def _live_catch_up(ctx: ErasureContext) -> int:
    """The catch-up log keeps rendered fragments, which may carry the name."""
    from participation.live.models import LiveEvent

    doomed = [
        pk
        for pk, group, payload in LiveEvent.objects.values_list(
            "pk", "group", "payload"
        ).iterator(chunk_size=1000)
        if group == f"user.{ctx.user.pk}" or ctx.mentions(payload)
    ]
    return LiveEvent.objects.filter(pk__in=doomed).delete()[0] if doomed else 0


def _task_queue(ctx: ErasureContext) -> int:
    """Queued tasks (and the results kept of finished ones) naming the person."""
    from django_tasks_db.models import DBTaskResult

    doomed = [
        pk
        for pk, args, result in DBTaskResult.objects.values_list(
            "pk", "args_kwargs", "return_value"
        ).iterator(chunk_size=1000)
        if ctx.mentions(args) or ctx.mentions(result)
    ]
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0] if doomed else 0


def _account(ctx: ErasureContext) -> int:
    user = ctx.user
    user.real_name = FORMER_PARTICIPANT
    user.name_reading = ""
    user.bio = ""
    user.email = erased_email(user.pk)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_demo = False
    user.last_login = None
    # Also ends every session: Django checks the password's hash on each request.
    user.set_unusable_password()
    user.save()
    return 1


register(Eraser("core.notifications", _notifications, order=900))
register(Eraser("core.moderation", _moderation, order=910))
register(Eraser("core.credentials", _credentials, order=920))
register(Eraser("core.live", _live_catch_up, order=930))
register(Eraser("core.tasks", _task_queue, order=940))
register(Eraser("core.account", _account, order=1000))


def run(ctx: ErasureContext) -> dict[str, int]:
    """Every eraser, in order; the count of each (inside the caller's transaction).
    The person's name and texts may be on any cached page: all are invalidated on
    commit (leaving is rare)."""
    for eraser in erasers():
        ctx.counts[eraser.key] = int(eraser.erase(ctx) or 0)
    pagecache.site_changed()
    return ctx.counts
