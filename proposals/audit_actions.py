"""Names of the audit actions of proposals (the activity log)."""

from django.utils.translation import gettext_lazy as _

AREAS = {"proposal": _("Proposals")}

ACTIONS = {"proposal.withdraw": _("Proposal withdrawn")}
