"""The tracker's panels on the staff dashboard (/staff/): "Official work" (the
queue's counts that matter first) and, for administrators, the routing table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import Standing
from participation.staff.registry import Count, Link, Panel, register
from responses.staff import selectors


def _official_work_counts(user: Any) -> Sequence[Count]:
    """Every registered count of the official's work (``selectors.register_count``
    adds more: drafts awaiting my approval, …), each linking to the queue."""
    queue = reverse("responses:queue")
    return [
        Count(
            label=count.label,
            value=count.value,
            url=f"{queue}?{count.query}" if count.query else queue,
            urgent=count.urgent,
        )
        for count in selectors.official_counts(user)
    ]


def _is_official_or_admin(standing: Standing) -> bool:
    return bool(standing.department_ids or standing.is_admin_role)


def register_panels() -> None:
    register(
        Panel(
            key="official_work",
            label=_("Official work"),
            description=_(
                "Tracked proposals of your sections and departments, overdue first."
            ),
            visible=_is_official_or_admin,
            links=(Link(_("My queue"), "responses:queue"),),
            counts=_official_work_counts,
            order=100,
        )
    )
    register(
        Panel(
            key="routing",
            label=_("Routing"),
            description=_(
                "Which section answers the proposals of each category, as soon as "
                "they enter the tracker."
            ),
            visible=lambda standing: standing.is_admin_role,
            links=(Link(_("Routing table"), "responses:routing"),),
            order=310,
        )
    )
