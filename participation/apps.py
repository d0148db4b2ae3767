from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from participation.site_url import sync_site

        # After the sites app has created its default record (example.com).
        post_migrate.connect(
            sync_site,
            sender=apps.get_app_config("sites"),
            dispatch_uid="participation.site_url.sync_site",
        )
