from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded
        # yet when Django imports this AppConfig (app loading order).
        from participation.accounts import people_panel

        people_panel.register()
