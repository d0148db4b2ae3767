"""Daily and weekly digests: one e-mail per person and period, grouped by what the
news is about, with counts.

A period ends at ``NOTIFY_DIGEST_HOUR`` local time (``TIME_ZONE``), every day for
the daily digest and on ``NOTIFY_DIGEST_WEEKDAY`` for the weekly one, and covers
the day (week) before. After a period ends, the periodic job (:func:`digests_job`,
every few minutes) creates one :class:`~participation.notifications.models.Digest`
per person who has something in it (unique per person, period and the local date
it ends on, so a job that runs twice creates nothing more) and enqueues their
sending. A person's digest lists the notifications of the period whose group they
receive in that digest, and at the top the answers about their own or supported
proposals (already e-mailed one by one) if this is their first digest (daily
when they have a daily group, else weekly). Nothing new: no digest.

Apps above the core add blocks of their own to a digest with :func:`register_block`
(``portal`` adds "For you"): ``func(user, start, end) -> dict | None``, called in
the recipient's language when the digest is sent, returning ``{"key", "title",
"intro", "intro_link", "items": [{"title", "link", "why"}]}`` or None. A block never
makes a digest by itself: a period without notifications sends nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone, translation

from participation.notifications import email as emails
from participation.notifications import groups
from participation.notifications.delivery import (
    RETRY,
    SENT,
    Outcomes,
    bounced,
    claim,
    modes_of,
    recipient_addresses,
    send_one,
)
from participation.notifications.models import Digest, Notification, SendStatus

logger = logging.getLogger(__name__)

BlockFunc = Callable[[Any, datetime, datetime], "dict[str, Any] | None"]
_BLOCKS: list[BlockFunc] = []


def register_block(func: BlockFunc) -> None:
    """Add a block to every digest (from an app's ``ready()``); registering the
    same function twice adds it once."""
    if func not in _BLOCKS:
        _BLOCKS.append(func)


def blocks_for(user: Any, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The registered blocks of one person's digest, in their language. A block
    that fails is left out (and logged): the digest still goes."""
    blocks = []
    with translation.override(user.language or settings.LANGUAGE_CODE):
        for func in _BLOCKS:
            try:
                block = func(user, start, end)
            except Exception:
                logger.exception("digest block %r failed", func)
                continue
            if block:
                blocks.append(block)
    return blocks


PERIODS = (Digest.DAILY, Digest.WEEKLY)
SEND_BATCH = 50
MAX_TARGETS = 30
LINES_PER_TARGET = 3


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the last ``period`` that has ended by ``now``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    end = local.replace(
        hour=settings.NOTIFY_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if period == Digest.DAILY:
        if end > local:
            end -= timedelta(days=1)
        return end - timedelta(days=1), end
    end -= timedelta(days=(local.weekday() - settings.NOTIFY_DIGEST_WEEKDAY) % 7)
    if end > local:
        end -= timedelta(days=7)
    return end - timedelta(days=7), end


def period_key(end: datetime) -> str:
    return end.date().isoformat()


def first_digest(modes: dict[str, str]) -> str:
    """The digest a person's answers are repeated in: daily if any of their groups
    is daily, else weekly if any is weekly, else none ("")."""
    chosen = {modes.get(g, groups.DEFAULTS[g]) for g in groups.GROUPS}
    if groups.Mode.DAILY in chosen:
        return Digest.DAILY
    if groups.Mode.WEEKLY in chosen:
        return Digest.WEEKLY
    return ""


def belongs(period: str, kind: str, reason: str, modes: dict[str, str]) -> str:
    """ "answer" or "news" when a notification goes in a ``period`` digest, else ""."""
    if groups.is_answer(kind, reason):
        if groups.email_mode(kind, reason, modes) == groups.Mode.NEVER:
            return ""
        return "answer" if first_digest(modes) == period else ""
    return "news" if groups.email_mode(kind, reason, modes) == period else ""


def _window(period: str, start: datetime, end: datetime) -> Any:
    return Notification.objects.filter(created_at__gte=start, created_at__lt=end)


def create_digests(period: str, start: datetime, end: datetime) -> list[int]:
    """Create the digests of the period ending at ``end`` (those that do not exist
    yet) and return the ids of its digests still waiting to be sent."""
    rows = list(
        _window(period, start, end).values_list("recipient_id", "kind", "reason")
    )
    modes = modes_of({uid for uid, _k, _r in rows})
    counts: dict[int, int] = defaultdict(int)
    for uid, kind, reason in rows:
        if belongs(period, kind, reason, modes.get(uid, {})):
            counts[uid] += 1
    key = period_key(end)
    Digest.objects.bulk_create(
        [
            Digest(
                user_id=uid,
                period=period,
                key=key,
                window_start=start,
                window_end=end,
                item_count=count,
            )
            for uid, count in counts.items()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return list(
        Digest.objects.filter(
            period=period, key=key, status=SendStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )


def _targets(news: Iterable[Notification]) -> list[dict[str, Any]]:
    by_target: dict[str, dict[str, Any]] = {}
    for n in news:
        # One entry per page (a proposal), whichever comment the news points to.
        page = n.url.split("#", 1)[0]
        key = page or str(n.data.get("title", n.kind))
        entry = by_target.setdefault(
            key,
            {
                "title": str(n.data.get("title", "")),
                "link": emails.link(page),
                "count": 0,
                "lines": [],
            },
        )
        entry["count"] += 1
        if len(entry["lines"]) < LINES_PER_TARGET:
            entry["lines"].append(n.message)
    ordered = sorted(by_target.values(), key=lambda e: (-e["count"], e["title"]))
    return ordered[:MAX_TARGETS]


def items_of(digest: Digest) -> tuple[list[Notification], list[Notification]]:
    """(answers, other news) of a digest, oldest first, read again when sending."""
    modes = modes_of([digest.user_id]).get(digest.user_id, {})
    answers, news = [], []
    for n in (
        _window(digest.period, digest.window_start, digest.window_end)
        .filter(recipient_id=digest.user_id)
        .select_related("actor")
        .order_by("created_at", "pk")
    ):
        place = belongs(digest.period, n.kind, n.reason, modes)
        if place == "answer":
            answers.append(n)
        elif place == "news":
            news.append(n)
    return answers, news


def send_digests(digest_ids: Sequence[int]) -> dict[datetime, list[int]]:
    """Send the digests ``digest_ids`` that are due and not yet claimed."""
    now = timezone.now()
    token = claim(Digest, digest_ids, now)
    batch = list(
        Digest.objects.filter(
            pk__in=list(digest_ids), claim=token, status=SendStatus.SENDING
        )
        .select_related("user")
        .order_by("pk")
    )
    if not batch:
        return {}
    results = Outcomes(Digest, now)
    addresses = recipient_addresses({d.user_id for d in batch})
    refused = bounced(addresses.values())
    connection = None
    try:
        for digest in batch:
            address = addresses.get(digest.user_id)
            if not digest.user.is_active:
                results.skip(digest.pk, "inactive")
                continue
            if address is None or address.lower() in refused:
                results.skip(digest.pk, "no_address")
                continue
            answers, news = items_of(digest)
            if not answers and not news:
                results.skip(digest.pk, "empty")
                continue
            message = emails.digest_email(
                recipient=digest.user,
                to=address,
                period=digest.period,
                answers=answers,
                targets=_targets(news),
                total=len(answers) + len(news),
                idstring=f"d{digest.pk}",
                blocks=blocks_for(digest.user, digest.window_start, digest.window_end),
            )
            if connection is None:
                connection = get_connection(fail_silently=False)
            outcome, code, error = send_one(connection, message)
            if outcome == SENT:
                results.accepted(digest.pk)
            else:
                results.failed(
                    digest.pk,
                    digest.attempts,
                    outcome if outcome != SENT else RETRY,
                    code,
                    error,
                    address,
                )
    finally:
        if connection is not None:
            connection.close()
    return results.save()
