"""Reads of the audit log for the administrators' activity page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from participation.audit.models import AuditEvent

SYSTEM = "system"


@dataclass(frozen=True)
class ActivityFilter:
    actor: str = ""  # a user id, "system", or part of a name
    action: str = ""  # an action code
    area: str = ""  # the part of the code before the dot
    since: date | None = None  # local dates, inclusive
    until: date | None = None
    target_type: str = ""  # "accounts.user"
    target_id: str = ""


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def activity(f: ActivityFilter) -> QuerySet[AuditEvent]:
    """Audit events matching ``f``, newest first (one query a page; the actor's
    name is stored on the row, so nothing is joined)."""
    qs = AuditEvent.objects.all()
    if f.actor == SYSTEM:
        qs = qs.filter(actor__isnull=True)
    elif f.actor.isdigit():
        qs = qs.filter(actor_id=int(f.actor))
    elif f.actor:
        qs = qs.filter(actor_name__icontains=f.actor)
    if f.action:
        qs = qs.filter(action=f.action)
    elif f.area:
        qs = qs.filter(action__startswith=f"{f.area}.")
    if f.since is not None:
        qs = qs.filter(created_at__gte=_local_midnight(f.since))
    if f.until is not None:
        qs = qs.filter(created_at__lt=_local_midnight(f.until + timedelta(days=1)))
    if f.target_type:
        qs = qs.filter(target_type=f.target_type)
        if f.target_id:
            qs = qs.filter(target_id=f.target_id)
    return qs.order_by("-created_at", "-id")


def stored_actions() -> list[str]:
    return list(
        AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    )


def stored_target_types() -> list[str]:
    return sorted(
        t
        for t in AuditEvent.objects.order_by()
        .values_list("target_type", flat=True)
        .distinct()
        if t
    )


def events_since(moment: datetime) -> int:
    return AuditEvent.objects.filter(created_at__gte=moment).count()
