"""The "Drafts" panel of the staff dashboard (registered in responses' ready())."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import Standing
from participation.staff.registry import Count, Link, Panel
from responses.drafts import selectors


def _visible(standing: Standing) -> bool:
    return bool(standing.department_ids or standing.is_admin_role)


def _counts(user: Any) -> list[Count]:
    counts = selectors.draft_counts(user)  # one query
    mine = reverse("drafts:list")
    return [
        Count(
            _("awaiting my approval"),
            counts["waiting"],
            url=reverse("drafts:approvals"),
            urgent=True,
        ),
        Count(_("returned to me"), counts["returned"], url=mine, urgent=True),
        Count(_("my drafts"), counts["mine"], url=mine),
    ]


PANEL = Panel(
    key="drafts",
    label=_("Drafts"),
    visible=_visible,
    links=(
        Link(_("Draft answers"), "drafts:list"),
        Link(_("Awaiting my approval"), "drafts:approvals"),
        Link(_("Answer templates"), "drafts:templates"),
        Link(_("Batch progress"), "drafts:batch_progress"),
    ),
    counts=_counts,
    order=110,
    description=_("Answers drafted by your department and approved by its sections."),
)
