from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from proposals import personal_data  # noqa: F401  (registers its sections)
