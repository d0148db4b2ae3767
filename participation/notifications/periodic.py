"""Periodic jobs: a small scheduler beside the task worker (django-tasks has none).

An app registers a job in its ``ready()``::

    from participation.notifications import periodic
    periodic.register("responses.deadline_reminders", remind, every=timedelta(hours=1))

``func(now) -> int`` (what it did, for the log) runs at most once per *slot*
(``every`` long, counted from the Unix epoch), however many worker processes
tick: each run first claims its slot with one conditional UPDATE of its
``PeriodicRun`` row, and only the process that wins runs it. A job must still
be idempotent for its own period (a digest is unique per person and period): a
slot is not a calendar day. ``manage.py worker`` ticks every
``PERIODIC_TICK_SECONDS``; ``manage.py run_periodic`` ticks once (for cron, or
by hand).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.utils import timezone

from participation.notifications.models import PeriodicRun

logger = logging.getLogger(__name__)

PERIODIC_TICK_SECONDS = 30


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[datetime], int]
    every: timedelta


REGISTRY: dict[str, Job] = {}


def register(name: str, func: Callable[[datetime], int], *, every: timedelta) -> Job:
    if every < timedelta(minutes=1):
        raise ValueError("a periodic job runs at most once a minute")
    job = Job(name, func, every)
    REGISTRY[name] = job
    return job


def slot_of(job: Job, now: datetime) -> int:
    return int(now.timestamp() // job.every.total_seconds())


def claim_slot(name: str, slot: int, now: datetime) -> bool:
    """True for exactly one caller per (name, slot)."""
    PeriodicRun.objects.get_or_create(name=name)
    return bool(
        PeriodicRun.objects.filter(name=name, slot__lt=slot).update(
            slot=slot, ran_at=now
        )
    )


def slot_done(name: str, slot: int) -> bool:
    return PeriodicRun.objects.filter(name=name, slot__gte=slot).exists()


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Run every registered job whose slot has come; returns name → result."""
    now = now or timezone.now()
    results = {}
    for job in list(REGISTRY.values()):
        if not claim_slot(job.name, slot_of(job, now), now):
            continue
        try:
            results[job.name] = int(job.func(now) or 0)
        except Exception:
            logger.exception("periodic job %s failed", job.name)
    return results


def loop(stop: threading.Event, interval: float = PERIODIC_TICK_SECONDS) -> None:
    """Tick until ``stop`` is set (the worker's scheduler thread)."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due()
        except Exception:  # the database is away: try again next tick
            logger.exception("periodic tick failed")
        close_old_connections()
        stop.wait(interval)
