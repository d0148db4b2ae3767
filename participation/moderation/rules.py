"""Who may report and moderate content.

Each action has a *refusal* function returning ``None`` when allowed, else the
domain error to raise (with its translated message). Services raise it; the
predicates and permissions below wrap the same functions for views, templates,
the API and consumers.

Targets are proposals and comments, reached by duck typing (``author_id``,
``is_hidden``, ``deleted_at``; ``process_id_of`` for the process).
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import (
    is_admin,
    is_any_facilitator,
    is_moderator_of,
    is_process_facilitator,
    is_site_facilitator,
)
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import Conflict, DomainError, Invalid, NotAllowed

Refusal = DomainError | None


def report_refusal(user: Viewer, target: Any) -> Refusal:
    """May ``user`` report ``target``? (Reporting twice is checked by the service,
    which needs the database.)"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(
            _("Please log in to report content."), code="not_authenticated"
        )
    if not standing.is_verified:
        return NotAllowed(
            _("Please verify your e-mail address before reporting content."),
            code="not_verified",
        )
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked from taking part."), code="blocked"
        )
    if getattr(target, "author_id", None) == user.pk:
        return NotAllowed(_("You cannot report your own content."), code="own_content")
    if getattr(target, "deleted_at", None) is not None:
        return Invalid(_("This comment was deleted."), code="deleted")
    if getattr(target, "is_hidden", False):
        return Conflict(
            _("This content is already hidden and waiting for a facilitator."),
            code="hidden",
        )
    return None


def moderate_refusal(user: Viewer, target: Any) -> Refusal:
    """May ``user`` use the facilitator tools (hide, unhide, dismiss, notes, close
    comments, block the author) on ``target``, a proposal, a comment or a process?"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked from taking part."), code="blocked"
        )
    if is_moderator_of(user, target):
        return None
    if standing.is_staff_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before using the facilitator tools."),
            code="mfa_required",
        )
    if is_any_facilitator(user):
        return NotAllowed(
            _("You can only moderate content in the processes you facilitate."),
            code="other_process",
        )
    return NotAllowed(
        _("Only the facilitators of this process can do this."), code="not_facilitator"
    )


def block_refusal(user: Viewer, subject: Any, target: Any | None) -> Refusal:
    """May ``user`` block ``subject``? With ``target`` (content by the subject) the
    facilitators of its process may; without, only site facilitators and admins."""
    if target is not None:
        refusal = moderate_refusal(user, target)
    elif is_admin(user) or is_site_facilitator(user):
        refusal = None
    else:
        refusal = NotAllowed(
            _("Only site facilitators and administrators can block users directly."),
            code="not_facilitator",
        )
    if refusal:
        return refusal
    if subject.pk == user.pk:
        return Invalid(_("You cannot block yourself."), code="self")
    subject_standing = standing_of(subject)
    if subject_standing.is_admin_role:
        return NotAllowed(_("Administrators cannot be blocked."), code="admin")
    if subject_standing.is_staff_role and not is_admin(user):
        return NotAllowed(
            _("Only administrators can block a facilitator or an official."),
            code="staff",
        )
    if subject_standing.is_blocked:
        return Conflict(
            _("This person is already blocked. Lift that block first to change it."),
            code="already_blocked",
        )
    return None


def lift_block_refusal(user: Viewer, block: Any) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    allowed = (
        is_admin(user)
        or is_site_facilitator(user)
        or (block.process_id is not None and is_process_facilitator(user, block))
    )
    if not allowed or standing.is_blocked:
        return NotAllowed(
            _(
                "Only the facilitators of the process where the block was made "
                "can lift it."
            ),
            code="not_facilitator",
        )
    if block.lifted_at is not None or not block.is_active():
        return Conflict(_("This block is no longer in force."), code="not_active")
    return None


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


can_report = _predicate(report_refusal, "can_report")
can_moderate = _predicate(moderate_refusal, "can_moderate")
can_lift_block = _predicate(lift_block_refusal, "can_lift_block")


@rules.predicate
def can_view_site_queue(user: Viewer) -> bool:
    return bool(
        (is_site_facilitator(user) or is_admin(user))
        and not standing_of(user).is_blocked
    )


rules.add_perm("moderation.report_content", can_report)
rules.add_perm("moderation.moderate_content", can_moderate)
rules.add_perm("moderation.view_queue", can_moderate)
rules.add_perm("moderation.view_site_queue", can_view_site_queue)
rules.add_perm("moderation.lift_block", can_lift_block)
