"""The one way to broadcast a live event.

Groups are declared by the apps that own them (``registry.py``): ``proposal.<id>``
(proposals), ``tracker`` (responses), ``session.<id>`` (meetings) and ``user.<id>``
(notifications). Events: dotted types (``proposal.comment_created``) that channels
dispatches to consumer methods with dots turned into underscores. Payloads carry
ids only: consumers render what each recipient may see, with the same templates as
the pages.

Every broadcast also invalidates, on commit, the cached pages that show the group's
object (``participation.pagecache``; the group declares them in the registry).

Sending always happens after the surrounding transaction commits, and a channel
layer that is down never breaks the write that triggered it (the failure is logged
once, and recovery once).

Events to content groups (proposals, the tracker, sessions) are also written to the
event log (``LiveEvent``) inside the same transaction; the row's id is the event id
sent with the message. A client that reconnects gives the last event id it saw and
the consumer replays what it missed. Events to a user's own group are not logged:
on reconnect the bell simply receives the current unread count.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from participation import pagecache
from participation.live import registry
from participation.live.models import LiveEvent

logger = logging.getLogger(__name__)
_failure_logged = threading.Event()

# Every this many logged events, old ones are pruned (after commit, best effort).
PRUNE_EVERY = 500


def is_logged_group(group: str) -> bool:
    """Whether events to ``group`` are kept for reconnect catch-up."""
    return registry.is_logged(group)


def retention() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIVE_EVENT_RETENTION_SECONDS", 86400))


def _deliver(group: str, event_type: str, payload: dict[str, Any]) -> None:
    _deliver_each([group], event_type, payload)


def _deliver_each(groups: list[str], event_type: str, payload: dict[str, Any]) -> None:
    """One message to each of ``groups``, in one hop to the channel layer's event
    loop (from synchronous code each ``async_to_sync`` is a hop: a thread switch
    in a server, a new event loop and Redis connection in the worker)."""
    layer = get_channel_layer()
    if layer is None or not groups:
        return
    message = {**payload, "type": event_type}

    async def deliver() -> None:
        for group in groups:
            await layer.group_send(group, dict(message))

    try:
        async_to_sync(deliver)()
    except Exception:  # the live layer is an enhancement; never fail the write
        if not _failure_logged.is_set():
            _failure_logged.set()
            logger.exception("Live delivery failed; will keep trying silently.")
        return
    if _failure_logged.is_set():
        _failure_logged.clear()
        logger.info("Live delivery recovered.")


def prune_events(*, before: Any = None) -> int:
    """Delete logged events older than the retention period; returns how many."""
    cutoff = before or timezone.now() - retention()
    deleted, _n = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _prune_quietly() -> None:
    try:
        prune_events()
    except Exception:  # pruning is housekeeping; the command does it too
        logger.warning("Pruning the live event log failed.", exc_info=True)


def send(
    group: str,
    event_type: str,
    payload: dict[str, Any] | None = None,
    *,
    about: Any = None,
) -> int | None:
    """Schedule a group message for after the current transaction commits.

    Returns the event id when the group's events are logged for catch-up. The
    cached pages of the group (its ``pages`` in the registry) are invalidated on
    the same commit: every live change is a page change, in one place. ``about``:
    the group's object, when the sender has it loaded (the registry's ``pages``
    then read from it instead of querying: a support's proposal and its process).
    """
    pagecache.changed(*registry.pages_of(group, about))
    data = {k: v for k, v in (payload or {}).items() if k != "type"}
    event_id: int | None = None
    if is_logged_group(group):
        event_id = LiveEvent.objects.create(
            group=group, type=event_type, payload=data
        ).pk
        data["event_id"] = event_id
        if event_id % PRUNE_EVERY == 0:
            transaction.on_commit(_prune_quietly)
    transaction.on_commit(lambda: _deliver(group, event_type, data))
    return event_id


def send_each(
    groups: Iterable[str], event_type: str, payload: dict[str, Any] | None = None
) -> int:
    """The same message to many groups that are neither logged nor cached (each
    recipient's notifications bell), after the current transaction commits, in one
    hop for all of them: a comment on a proposal with 500 followers is one delivery
    in its request, not 500. Returns how many groups. A logged or cached group goes
    through :func:`send` (its event log and page versions)."""
    names = list(dict.fromkeys(groups))
    for name in names:
        if is_logged_group(name) or registry.pages_of(name):
            raise ValueError(f"{name} is logged or cached: use send()")
    data = {k: v for k, v in (payload or {}).items() if k != "type"}
    if names:
        transaction.on_commit(lambda: _deliver_each(names, event_type, data))
    return len(names)
