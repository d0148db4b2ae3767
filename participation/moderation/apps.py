from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # Imported here, not at the top: it imports models, which are not loaded yet
        # when Django imports this AppConfig (app loading order).
        from participation.moderation import personal_data, reminders
        from participation.notifications import periodic

        personal_data.register()
        for name, job in reminders.JOBS.items():
            periodic.register(name, job, every=timedelta(minutes=15))
