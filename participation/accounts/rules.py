"""Named predicates about who a user is. Other apps compose them."""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed


def process_id_of(obj: Any) -> int | None:
    """The process a target belongs to: a process, or anything with ``process_id``,
    or anything with a ``proposal`` (comments), duck-typed so the core needs no import
    of the apps above it."""
    if obj is None:
        return None
    if hasattr(obj, "process_id"):
        return obj.process_id
    if hasattr(obj, "proposal"):
        return process_id_of(obj.proposal)
    if obj.__class__.__name__ == "Process":
        return obj.pk
    return None


@rules.predicate
def is_verified(user: Viewer) -> bool:
    return standing_of(user).is_verified


@rules.predicate
def is_blocked(user: Viewer) -> bool:
    return standing_of(user).is_blocked


@rules.predicate
def is_admin(user: Viewer) -> bool:
    """Administrator role, with MFA satisfied."""
    standing = standing_of(user)
    return standing.is_admin_role and standing.mfa_satisfied


@rules.predicate
def is_site_facilitator(user: Viewer) -> bool:
    standing = standing_of(user)
    return standing.is_site_facilitator_role and standing.mfa_satisfied


@rules.predicate
def is_process_facilitator(user: Viewer, obj: Any) -> bool:
    """Facilitator of the process the object belongs to (or of the whole site)."""
    standing = standing_of(user)
    if not standing.mfa_satisfied:
        return False
    if standing.is_site_facilitator_role:
        return True
    return process_id_of(obj) in standing.facilitator_process_ids


@rules.predicate
def is_any_facilitator(user: Viewer) -> bool:
    standing = standing_of(user)
    return standing.mfa_satisfied and bool(
        standing.is_site_facilitator_role or standing.facilitator_process_ids
    )


@rules.predicate
def is_any_official(user: Viewer) -> bool:
    standing = standing_of(user)
    return standing.mfa_satisfied and bool(standing.department_ids)


def is_official_of(user: Viewer, department_id: int | None) -> bool:
    standing = standing_of(user)
    return (
        department_id is not None
        and standing.mfa_satisfied
        and department_id in standing.department_ids
    )


@rules.predicate
def needs_mfa(user: Viewer) -> bool:
    """A staff member who has not yet set up MFA."""
    standing = standing_of(user)
    return standing.is_staff_role and not standing.mfa_satisfied


def profile_edit_refusal(user: Viewer) -> DomainError | None:
    """May ``user`` change their own public profile (real name, reading, bio)?

    The name and the bio are shown beside everything a person ever posted, so
    changing them publishes text on every earlier page: a block stops it as it
    stops posting. Every self-service write that others can read goes through
    here or through the apps' participation refusals; the rest (e-mail address,
    password, MFA, token names, language) is never shown to anyone else."""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(
            _("Please log in to edit your profile."), code="not_authenticated"
        )
    if standing.is_blocked:
        return NotAllowed(
            _(
                "Your account is blocked, so your name and profile cannot be "
                "changed until the block ends."
            ),
            code="blocked",
        )
    return None


@rules.predicate
def can_edit_profile(user: Viewer) -> bool:
    return profile_edit_refusal(user) is None


can_participate = is_verified & ~is_blocked
is_moderator_of = is_process_facilitator | is_admin

rules.add_perm("accounts.grant_role", is_admin)
rules.add_perm("accounts.edit_profile", can_edit_profile)
rules.add_perm(
    "accounts.access_staff_pages", is_admin | is_any_facilitator | is_any_official
)
