from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.spaces"
    label = "spaces"
    verbose_name = _("Participatory processes")

    def ready(self) -> None:
        # Imported here: the registry reads the accounts models, not loaded yet
        # when Django imports this AppConfig.
        from participation.spaces import (
            department_rules,  # noqa: F401
            rules,  # noqa: F401  (registers the rules)
        )
        from participation.spaces.staff import PANEL
        from participation.staff.registry import Link, Panel, register

        register(PANEL)

        register(
            Panel(
                key="departments",
                label=_("Departments and sections"),
                description=_(
                    "Departments (部), their sections (課), office contacts and "
                    "whether answers need approval."
                ),
                visible=lambda standing: standing.is_admin_role,
                links=(
                    Link(_("Departments and sections"), "spaces:staff_departments"),
                ),
                order=300,
            )
        )
