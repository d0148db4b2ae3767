from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # Imported here, not at the top: site_url reads the sites app's model, which
        # is not loaded yet when Django imports this AppConfig (app loading order).
        from django.db.models.signals import post_migrate

        from participation import system_checks  # noqa: F401 (registers them)
        from participation.site_url import sync_site

        # After the sites app has created its default record (example.com).
        post_migrate.connect(
            sync_site,
            sender=apps.get_app_config("sites"),
            dispatch_uid="participation.site_url.sync_site",
        )
