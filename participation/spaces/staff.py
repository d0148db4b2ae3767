"""The "Setup" panel of the staff workspace: processes and their timelines."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import Standing
from participation.spaces import selectors
from participation.staff.registry import Count, Link, Panel


def _visible(standing: Standing) -> bool:
    # Who manages processes (spaces.rules._manages): administrators today.
    return standing.is_admin_role


def _counts(user: Any) -> list[Count]:
    figures = selectors.setup_counts()
    url = reverse("spaces:staff_list")
    return [
        Count(_("draft processes"), figures["drafts"], url=url + "?status=draft"),
        Count(_("open processes"), figures["open"], url=url + "?status=published"),
        Count(
            _("phases ending within a week"),
            figures["phases_ending"],
            url=url + "?status=published",
            urgent=True,
        ),
    ]


PANEL = Panel(
    key="setup",
    label=_("Setup"),
    description=_("Participatory processes, their phases, documents and pictures."),
    visible=_visible,
    links=(
        Link(_("Processes"), "spaces:staff_list"),
        Link(_("New process"), "spaces:staff_create"),
    ),
    counts=_counts,
    order=300,
)
