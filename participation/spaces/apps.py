from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.spaces"
    label = "spaces"
    verbose_name = _("Participatory processes")

    def ready(self) -> None:
        from participation.spaces import rules  # noqa: F401  (registers the rules)
        from participation.spaces.staff import PANEL
        from participation.staff.registry import register

        register(PANEL)
