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
        from participation.audit import actions
        from participation.notifications import email
        from proposals import (  # noqa: F401
            audit_actions,
            live,
            moderation,
            notices,
            personal_data,
            profile,
        )

        # E-mails about hidden proposals or comments are withheld (proposals.notices).
        email.register_veto("proposals.proposal", notices.withheld_proposals)
        email.register_veto("proposals.comment", notices.withheld_comments)
        from proposals import erasure  # noqa: F401  (what leaving erases)

        # The activity log names this app's audit actions.
        actions.register(audit_actions.ACTIONS, audit_actions.AREAS)
