from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from participation.moderation import personal_data

        personal_data.register()
