"""Names of the audit actions of live meetings (the activity log)."""

from django.utils.translation import gettext_lazy as _

AREAS = {
    "live_session": _("Live sessions"),
    "live_theme": _("Live sessions"),
    "opinion": _("Live sessions"),
}

ACTIONS = {
    "live_session.create": _("Live session created"),
    "live_session.edit": _("Live session edited"),
    "live_session.open": _("Live session opened"),
    "live_session.closed": _("Live session closed"),
    "live_session.cancelled": _("Live session cancelled"),
    "live_theme.create": _("Session theme created"),
    "live_theme.delete": _("Session theme deleted"),
    "opinion.highlight": _("Opinion highlighted"),
    "opinion.pin": _("Opinion pinned"),
    "opinion.hide": _("Opinion hidden"),
    "opinion.unhide": _("Opinion restored"),
    "opinion.theme": _("Opinion given a theme"),
    "opinion.draft_proposal": _("Opinion drafted as a proposal"),
}
