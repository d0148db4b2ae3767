"""The background tasks of notifications (Django's Tasks API, ``django-tasks``).

``notify()`` enqueues :func:`deliver_emails` on commit, one task per
``NOTIFY_EMAIL_BATCH`` deliveries; a task re-enqueues its retries with
``run_after``. The periodic jobs registered here (``apps.ready``): the digests and
the sweep of deliveries left behind by a worker that died.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_tasks import task

from participation.notifications import delivery, digests, periodic


@task()
def deliver_emails(delivery_ids: list[int]) -> int:
    """Send a batch of notification e-mails; returns how many were retried later."""
    retries = delivery.deliver(delivery_ids)
    for at, ids in retries.items():
        deliver_emails.using(run_after=at).enqueue(ids)
    return sum(len(ids) for ids in retries.values())


@task()
def send_digests(digest_ids: list[int]) -> int:
    retries = digests.send_digests(digest_ids)
    for at, ids in retries.items():
        send_digests.using(run_after=at).enqueue(ids)
    return sum(len(ids) for ids in retries.values())


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def enqueue_deliveries(delivery_ids: Sequence[int]) -> int:
    """One task per batch, all enqueued in one transaction. Returns the tasks."""
    batches = list(_chunks(sorted(delivery_ids), max(1, settings.NOTIFY_EMAIL_BATCH)))
    with transaction.atomic():
        for batch in batches:
            deliver_emails.enqueue(batch)
    return len(batches)


def enqueue_digests(digest_ids: Sequence[int]) -> int:
    batches = list(_chunks(sorted(digest_ids), digests.SEND_BATCH))
    with transaction.atomic():
        for batch in batches:
            send_digests.enqueue(batch)
    return len(batches)


def digests_job(now: datetime) -> int:
    """Periodic: create and enqueue the digests of the periods that ended by
    ``now`` (each person's digest is created once per period)."""
    enqueued = 0
    for period in digests.PERIODS:
        start, end = digests.period_bounds(period, now)
        name, slot = f"notifications.digest.{period}", int(end.timestamp())
        if periodic.slot_done(name, slot):
            continue
        ids = digests.create_digests(period, start, end)
        enqueue_digests(ids)
        # Marked done once created and enqueued: a crash before runs it again,
        # which creates nothing twice (a digest is unique per person and period).
        periodic.claim_slot(name, slot, now)
        enqueued += len(ids)
    return enqueued


def sweep_job(now: datetime) -> int:
    """Periodic: deliveries a dead worker left behind, enqueued again."""
    ids = delivery.requeue_stale(now)
    if ids:
        enqueue_deliveries(ids)
    return len(ids)
