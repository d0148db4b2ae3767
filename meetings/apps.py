from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """Live meeting sessions.

    The label stays ``live``: the tables (``live_livesession`` …), the migration
    history and the content types of reported opinions were written under it before
    meetings became their own app, so existing databases need no change.
    """

    name = "meetings"
    label = "live"
    verbose_name = _("Live meetings")

    def ready(self) -> None:
        # Imported here, not at the top: it is loaded while apps are still being
        # set up, before models can be imported (app loading order).
        from meetings import (
            erasure,  # noqa: F401  (what leaving erases)
            live,  # noqa: F401  (declares the session group)
        )
