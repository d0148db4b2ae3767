from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which are
        # not loaded yet when Django imports this AppConfig (app loading order).
        # Importing them registers the live group, the reportable content, the
        # "Your data" sections and the profile lists.
        from proposals import live, moderation, personal_data, profile  # noqa: F401
