"""Who may open a resident's record, leave, or edit the policies.

Which staff need what: an administrator answers residents' data requests, support
requests and legal requests, so only administrators open a resident's whole record
(``/staff/residents/<id>/``). Facilitators moderate public content and officials
answer proposals: neither needs an e-mail address or the sign-up details, and they
are refused (403) without anything being shown or logged. Verification and
attributes pages scope their own staff (the apps that own them call
``privacy.access.record_view``).
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed


def resident_record_refusal(user: Viewer) -> DomainError | None:
    """May ``user`` open a resident's record (e-mail, sign-up details)?"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_admin_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before opening residents' records."),
            code="mfa_required",
        )
    if not is_admin(user):
        return NotAllowed(
            _(
                "Only administrators open residents' records. Facilitators and "
                "officials do not need residents' e-mail addresses for their work."
            ),
            code="not_admin",
        )
    return None


def policy_edit_refusal(user: Viewer) -> DomainError | None:
    """May ``user`` publish a new version of the terms or the privacy policy?"""
    if not standing_of(user).is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if not is_admin(user):
        return NotAllowed(
            _("Only administrators publish the terms of use and the privacy policy."),
            code="not_admin",
        )
    return None


def deletion_request_refusal(user: Viewer) -> DomainError | None:
    """May ``user`` ask for their own account to be erased?"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_staff_role:
        return NotAllowed(
            _(
                "You hold a staff role. Ask an administrator to remove your roles "
                "before you delete your account: what you did as staff stays "
                "on record under your name."
            ),
            code="staff_role",
        )
    return None


@rules.predicate
def can_open_resident_record(user: Viewer) -> bool:
    return resident_record_refusal(user) is None


@rules.predicate
def can_edit_policies(user: Viewer) -> bool:
    return policy_edit_refusal(user) is None


@rules.predicate
def can_request_deletion(user: Viewer) -> bool:
    return deletion_request_refusal(user) is None


for name, predicate in (
    ("privacy.open_resident_record", can_open_resident_record),
    ("privacy.edit_policies", can_edit_policies),
    ("privacy.request_deletion", can_request_deletion),
):
    rules.add_perm(name, predicate)
    rules.add_rule(name, predicate)
