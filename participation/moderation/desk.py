"""The facilitator's desk: the "Facilitation" panel of /staff/ and the page
/staff/facilitation/, with what other apps add to them.

The core knows reports and the moderation logs; the apps above it (meetings'
live sessions) add their part with :func:`register` in their ``ready()``. A
part gives the panel's counts for the person's processes (``None``: the whole
site) and, for the desk page, links per process. Each part runs a fixed number
of queries whatever the number of processes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import Standing, standing_of
from participation.moderation.models import Report, ReportStatus
from participation.spaces.models import Process, ProcessStatus
from participation.staff.registry import Count as StaffCount


@dataclass(frozen=True)
class DeskLink:
    label: Any
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class DeskPart:
    key: str
    # counts(user, process_ids or None for the whole site) -> the panel's counts
    counts: Callable[[Any, frozenset[int] | None], Sequence[StaffCount]]
    # links(user, processes) -> {process id: links shown in that process's row}
    links: Callable[[Any, list[Process]], dict[int, list[DeskLink]]] | None = None


_PARTS: dict[str, DeskPart] = {}


def register(part: DeskPart) -> None:
    _PARTS[part.key] = part


def parts() -> list[DeskPart]:
    return [_PARTS[key] for key in sorted(_PARTS)]


def sees_desk(standing: Standing) -> bool:
    """The panel shows to facilitators (MFA is asked for before acting)."""
    return bool(standing.is_site_facilitator_role or standing.facilitator_process_ids)


def scope_of(user: Any) -> frozenset[int] | None:
    """The processes whose desk ``user`` keeps; None for the whole site."""
    standing = standing_of(user)
    if standing.is_site_facilitator_role or standing.is_admin_role:
        return None
    return standing.facilitator_process_ids


def desk_processes(user: Any) -> list[Process]:
    """The person's processes, not archived, those with reports waiting first,
    each with ``open_reports`` set (two queries)."""
    scope = scope_of(user)
    qs = Process.objects.exclude(status=ProcessStatus.ARCHIVED)
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    processes = list(qs.order_by("-created_at", "pk"))
    waiting = dict(
        Report.objects.filter(
            status=ReportStatus.OPEN, process_id__in=[p.pk for p in processes]
        )
        .values("process_id")
        .annotate(n=Count("id"))
        .values_list("process_id", "n")
    )
    for process in processes:
        process.open_reports = waiting.get(process.pk, 0)  # type: ignore[attr-defined]
    return sorted(processes, key=lambda p: -p.open_reports)  # type: ignore[attr-defined]


def _open_reports(scope: frozenset[int] | None) -> int:
    qs = Report.objects.filter(status=ReportStatus.OPEN)
    if scope is not None:
        qs = qs.filter(process_id__in=scope)
    return qs.count()


def panel_counts(user: Any) -> list[StaffCount]:
    """Reports waiting in my processes (urgent), then each part's counts."""
    scope = scope_of(user)
    if scope is None:
        url = reverse("moderation:site_queue")
    else:
        url = reverse("moderation:desk")
    counts = [
        StaffCount(
            _("reports waiting in my processes"),
            _open_reports(scope),
            url=url,
            urgent=True,
        )
    ]
    for part in parts():
        counts.extend(part.counts(user, scope))
    return counts
