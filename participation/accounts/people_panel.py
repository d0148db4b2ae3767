"""The "People" panel of /staff/ (administrators): invitations and staff."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts import selectors
from participation.accounts.selectors import Standing
from participation.staff import registry


def _visible(standing: Standing) -> bool:
    return standing.is_admin_role


def _counts(user: Any) -> list[registry.Count]:
    """Two queries."""
    return [
        registry.Count(
            _("pending invitations"),
            selectors.pending_invitations_count(),
            url=reverse("accounts:invitation_list"),
        ),
        registry.Count(
            _("people with staff roles"),
            selectors.staff_people_count(),
            url=reverse("accounts:staff_people"),
        ),
    ]


def register() -> None:
    registry.register(
        registry.Panel(
            key="people",
            label=_("People"),
            visible=_visible,
            links=(
                registry.Link(_("People and roles"), "accounts:staff_people"),
                registry.Link(_("Invitations"), "accounts:invitation_list"),
                registry.Link(_("Activity log"), "audit:activity"),
            ),
            counts=_counts,
            order=400,
            description=_(
                "Who holds which role, invitations by e-mail, and the log of "
                "every staff action."
            ),
        )
    )
