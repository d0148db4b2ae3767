"""The "Verification" panel of the staff workspace (/staff/): administrators and
counter staff (see rules.py for why those two)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import Standing
from participation.staff import registry
from participation.verification import rules, selectors


def _visible(standing: Standing) -> bool:
    if standing.is_admin_role:
        return True
    return bool(
        standing.department_ids
        and standing.department_ids & rules.counter_department_ids()
    )


def _counts(user: Any) -> list[registry.Count]:
    figures = selectors.panel_counts()
    codes_url = reverse("verification:staff_home")
    return [
        registry.Count(_("Codes issued"), figures["issued"], codes_url),
        registry.Count(_("Codes unused and valid"), figures["unused"], codes_url),
        registry.Count(
            _("Residents verified this week"),
            figures["week"],
            reverse("verification:staff_records"),
        ),
    ]


def register() -> None:
    registry.register(
        registry.Panel(
            key="verification",
            label=_("Verification"),
            visible=_visible,
            links=(
                registry.Link(_("Verification codes"), "verification:staff_home"),
                registry.Link(_("Verified residents"), "verification:staff_records"),
                registry.Link(
                    _("Verification requirements"), "verification:staff_requirements"
                ),
            ),
            counts=_counts,
            order=400,
            description=_(
                "Issue and print one-time codes for residents at the counter or by "
                "letter, look up verifications, and set which processes need them."
            ),
        )
    )
