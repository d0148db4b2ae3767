"""Who may set up departments and their sections (部 → 課): administrators."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed


def department_setup_refusal(user: Viewer) -> DomainError | None:
    """Create and edit departments, their sections and office contacts."""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in first."), code="not_authenticated")
    if standing.is_admin_role and not standing.mfa_satisfied:
        return NotAllowed(
            _(
                "Set up two-factor authentication before changing the set-up of "
                "the site."
            ),
            code="mfa_required",
        )
    if not is_admin(user):
        return NotAllowed(
            _("Only administrators can set up departments and sections."),
            code="not_admin",
        )
    return None


@rules.predicate
def can_set_up_departments(user: Viewer) -> bool:
    return department_setup_refusal(user) is None


rules.add_perm("spaces.set_up_departments", can_set_up_departments)
