"""Reads of the live event log, with fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from participation.live.models import LiveEvent

# How far before the last seen event a catch-up looks again (see events_since).
OVERLAP = timedelta(seconds=10)


def latest_event_id(group: str) -> int:
    """The id of the newest logged event of ``group`` (0 when there is none)."""
    row = LiveEvent.objects.filter(group=group).order_by("-id").values("id").first()
    return row["id"] if row else 0


@dataclass
class CatchUp:
    events: list[LiveEvent]
    complete: bool  # False: too much was missed (or pruned); the client reloads


def events_since(group: str, since: int, *, limit: int) -> CatchUp:
    """Events of ``group`` after event id ``since``, oldest first.

    Event ids are taken when a transaction writes its event, not when it commits,
    so a slow transaction can commit an event with a lower id after a client saw a
    higher one. Events written shortly before the last seen one are therefore
    replayed too; clients apply events idempotently. When the last seen event has
    been pruned, or more than ``limit`` events were missed, the catch-up is
    incomplete and the client reloads what it shows instead.
    """
    since = max(0, int(since))
    anchor = (
        LiveEvent.objects.filter(group=group, id__lte=since)
        .order_by("-id")
        .values("created_at")
        .first()
    )
    if anchor is None and since > 0:
        return CatchUp(events=[], complete=False)
    condition = Q(id__gt=since)
    if anchor is not None:
        condition |= Q(id__lt=since, created_at__gte=anchor["created_at"] - OVERLAP)
    rows = list(
        LiveEvent.objects.filter(condition, group=group).order_by("id")[: limit + 1]
    )
    if len(rows) > limit:
        return CatchUp(events=rows[:limit], complete=False)
    return CatchUp(events=rows, complete=True)
