"""Group names and the one way to broadcast a live event.

Groups: ``proposal.<id>``, ``tracker``, ``user.<id>``, ``session.<id>``.
Events: dotted types (``proposal.comment_created``) that channels dispatches to
consumer methods with dots turned into underscores. Payloads carry ids or rendered
HTML fragments. Sending always happens after the surrounding transaction commits,
and a channel layer that is down never breaks the write that triggered it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
_failure_logged = threading.Event()


def proposal_group(proposal_id: int) -> str:
    return f"proposal.{proposal_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_id: int) -> str:
    return f"session.{session_id}"


TRACKER_GROUP = "tracker"


def _deliver(group: str, event_type: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": event_type, **payload})
    except Exception:  # the live layer is an enhancement; never fail the write
        if not _failure_logged.is_set():
            _failure_logged.set()
            logger.exception("Live delivery failed; will keep trying silently.")
        return
    if _failure_logged.is_set():
        _failure_logged.clear()
        logger.info("Live delivery recovered.")


def send(group: str, event_type: str, payload: dict[str, Any] | None = None) -> None:
    """Schedule a group message for after the current transaction commits."""
    data = dict(payload or {})
    transaction.on_commit(lambda: _deliver(group, event_type, data))
