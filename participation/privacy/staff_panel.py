"""The privacy panel of the staff workspace (administrators)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from participation.staff.registry import Link, Panel, register


def register_panel() -> None:
    register(
        Panel(
            key="privacy",
            label=_("Residents' data and policies"),
            visible=lambda standing: standing.is_admin_role,
            links=(
                Link(_("Residents' records"), "privacy:staff_residents"),
                Link(
                    _("Terms, privacy and accessibility policies"),
                    "privacy:staff_policies",
                ),
            ),
            order=410,
            description=_(
                "Open a resident's record for a stated purpose (every opening is "
                "shown to the resident), and publish new versions of the terms of "
                "use, the privacy policy and the accessibility policy."
            ),
        )
    )
