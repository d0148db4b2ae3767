"""Who may change which attributes: only the resident, their own."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed


def attributes_edit_refusal(user: Viewer) -> DomainError | None:
    """Why ``user`` cannot change their own attributes, or None.

    A block from taking part does not stop it: the attributes are private, and
    removing them must always be possible."""
    if not user.is_authenticated or not user.is_active:
        return NotAllowed(
            _("Sign in to choose what you tell about yourself."), code="sign_in"
        )
    return None


@rules.predicate
def may_edit_own_attributes(user: Viewer) -> bool:
    return attributes_edit_refusal(user) is None


rules.add_perm("attributes.edit_own", may_edit_own_attributes)
