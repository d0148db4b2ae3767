from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here, not at the top: app loading order (see meetings.apps).
        from allauth.account.signals import email_added, email_confirmed

        from participation.notifications import (
            live,  # noqa: F401  (the bell's group)
            periodic,
            services,
            tasks,
        )

        periodic.register(
            "notifications.digests", tasks.digests_job, every=timedelta(minutes=5)
        )
        periodic.register(
            "notifications.sweep", tasks.sweep_job, every=timedelta(minutes=10)
        )

        # An address the mail server refused may be used again once its owner
        # confirms it (allauth's confirmation) or adds it again.
        def _confirmed(sender: object, email_address: object, **kwargs: object) -> None:
            services.bounce_clear(email=str(getattr(email_address, "email", "")))

        email_confirmed.connect(
            _confirmed, dispatch_uid="notifications.bounce_clear", weak=False
        )
        email_added.connect(
            _confirmed, dispatch_uid="notifications.bounce_clear_add", weak=False
        )
