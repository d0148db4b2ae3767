from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """The site-wide doors: home, process page, search, open data, /stats/,
    flyers. They may read every app's selectors; no app imports them."""

    name = "portal"
    label = "portal"
    verbose_name = _("Site pages and open data")

    def ready(self) -> None:
        # Models are loaded only now (ARCHITECTURE.md, "function-local imports").
        from participation.notifications import digests
        from portal import foryou

        digests.register_block(foryou.digest_block)
        # Imported here: apps are still loading when Django imports this class.
        from participation.audit import actions
        from portal import audit_actions

        # The activity log names this app's audit actions.
        actions.register(audit_actions.ACTIONS, audit_actions.AREAS)
