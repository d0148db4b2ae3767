"""Live sessions on the facilitator's desk (registered in ``apps.ready``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import LiveSession, SessionStatus
from participation.moderation.desk import DeskLink, DeskPart
from participation.staff.registry import Count


def _today(scope: frozenset[int] | None) -> QuerySet[LiveSession]:
    """Sessions of these processes that are open now or start today (local
    date), not cancelled or closed."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    qs = LiveSession.objects.filter(
        Q(status=SessionStatus.OPEN)
        | Q(
            status=SessionStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        )
    )
    if scope is not None:
        qs = qs.filter(process_id__in=scope)
    return qs


def counts(user: Any, scope: frozenset[int] | None) -> list[Count]:
    return [
        Count(
            _("live sessions today"),
            _today(scope).count(),
            url=reverse("moderation:desk"),
        )
    ]


def links(user: Any, processes: list[Any]) -> dict[int, list[DeskLink]]:
    out: dict[int, list[DeskLink]] = {}
    sessions = _today(frozenset(p.pk for p in processes)).order_by("starts_at", "pk")
    for session in sessions:
        when = timezone.localtime(session.starts_at).strftime("%H:%M")
        label = (
            _("Open now: %(title)s") % {"title": session.title}
            if session.status == SessionStatus.OPEN
            else _("Today %(time)s: %(title)s") % {"time": when, "title": session.title}
        )
        out.setdefault(session.process_id, []).append(
            DeskLink(label, reverse("meetings:facilitate", args=[session.pk]))
        )
    return out


PART = DeskPart(key="meetings", counts=counts, links=links)
