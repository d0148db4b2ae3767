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
        # erasure: what leaving erases; live: declares the session group.
        from meetings import audit_actions, desk, erasure, live  # noqa: F401
        from participation.audit import actions
        from participation.moderation import desk as facilitation

        # Today's sessions on the facilitator's desk and its /staff/ panel.
        facilitation.register(desk.PART)
        actions.register(audit_actions.ACTIONS, audit_actions.AREAS)
