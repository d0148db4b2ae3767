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
        from participation.moderation import desk, personal_data, reminders
        from participation.notifications import periodic
        from participation.staff import registry

        personal_data.register()
        registry.register(
            registry.Panel(
                key="facilitation",
                label=_("Facilitation"),
                visible=desk.sees_desk,
                links=(registry.Link(_("Facilitator's desk"), "moderation:desk"),),
                counts=desk.panel_counts,
                order=200,
                description=_(
                    "The moderation queues and public logs of your processes, and "
                    "today's live sessions."
                ),
            )
        )
        for name, job in reminders.JOBS.items():
            periodic.register(name, job, every=timedelta(minutes=15))
