from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # Imported here, not at the top: it imports models, which are not loaded yet
        # when Django imports this AppConfig (app loading order).
        from participation.moderation import personal_data

        personal_data.register()
