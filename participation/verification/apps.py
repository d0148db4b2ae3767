from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.verification"
    label = "verification"
    verbose_name = _("Residency verification")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded
        # yet when Django imports this AppConfig.
        from participation.verification import panel, personal_data
        from participation.verification.methods import load_methods

        load_methods()
        panel.register()
        personal_data.register()
