"""Who may act on the response tracker.

Every action has a ``<action>_refusal(user, obj)`` function returning the domain
error to raise (with a translated message saying why) or ``None``. Services raise
it; the predicates and permissions below wrap the same functions for views,
templates ({% has_perm "responses.publish" user entry %}), the API and consumers.

Permission comes first, then the state of the entry: an official of another
department learns that it is not theirs, not what state the proposal is in.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import (
    is_admin,
    is_official_of,
    is_process_facilitator,
)
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer, signed_in
from participation.errors import Conflict, DomainError, Invalid, NotAllowed
from proposals.models import Proposal, Support
from proposals.rules import participation_refusal
from responses import approval
from responses.models import Response, TrackerEntry
from responses.staff.scope import scope_of
from responses.transitions import ACCEPTING, Implementation

Refusal = DomainError | None


def _login_refusal(user: Viewer) -> Refusal:
    if not standing_of(user).is_authenticated:
        return NotAllowed(_("Please log in first."), code="not_authenticated")
    return None


def _mfa_refusal(user: Viewer) -> Refusal:
    standing = standing_of(user)
    if standing.is_staff_role and not standing.mfa_satisfied:
        return NotAllowed(
            _(
                "Officials and facilitators must set up two-factor authentication "
                "before acting on the tracker."
            ),
            code="mfa_required",
        )
    return None


def _proposal_refusal(proposal: Proposal) -> Refusal:
    if proposal.is_hidden:
        return NotAllowed(_("This proposal is hidden."), code="hidden")
    return None


def is_coordinator(user: Viewer, entry: Any) -> bool:
    """Admins and the facilitators of the proposal's process route proposals."""
    return bool(is_admin(user) or is_process_facilitator(user, entry))


def is_department_staff(user: Viewer, entry: TrackerEntry) -> bool:
    """Officials of the assigned department, and admins, answer for it."""
    if is_admin(user):
        return True
    return entry.department_id is not None and is_official_of(user, entry.department_id)


def is_section_staff(user: Viewer, entry: TrackerEntry) -> bool:
    """Officials of the section handling the entry (or, where it has no section
    yet, of its department; an official in no section of the department answers
    for all of it), and admins: who may take it or hand it on."""
    if is_admin(user):
        return True
    if not is_official_of(user, entry.department_id):
        return False
    return scope_of(user).covers(entry.department_id, entry.section_id)


def _department_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = _login_refusal(user)
    if refusal:
        return refusal
    if is_department_staff(user, entry):
        return _proposal_refusal(entry.proposal)
    refusal = _mfa_refusal(user)
    if refusal:
        return refusal
    standing = standing_of(user)
    if entry.department_id is None:
        if standing.department_ids:
            return Invalid(
                _(
                    "This proposal is not assigned to a department yet. Claim it for "
                    "your department first."
                ),
                code="unassigned",
            )
        return NotAllowed(
            _("Only officials of the assigned department can do this."),
            code="not_official",
        )
    if standing.department_ids:
        return NotAllowed(
            _(
                "This proposal is assigned to %(department)s. Only its officials can "
                "act on it."
            )
            % {"department": entry.department_label},
            code="wrong_department",
        )
    return NotAllowed(
        _("Only officials of the assigned department can do this."),
        code="not_official",
    )


def forward_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    refusal = _login_refusal(user)
    if refusal:
        return refusal
    if not (is_admin(user) or is_process_facilitator(user, proposal)):
        return _mfa_refusal(user) or NotAllowed(
            _(
                "Only facilitators of this process and administrators can forward "
                "a proposal to the tracker."
            ),
            code="not_coordinator",
        )
    refusal = _proposal_refusal(proposal)
    if refusal:
        return refusal
    if proposal.is_withdrawn:
        return NotAllowed(
            _("This proposal was withdrawn by its author."), code="withdrawn"
        )
    if TrackerEntry.objects.filter(proposal_id=proposal.pk).exists():
        return Conflict(
            _("This proposal is already in the tracker."), code="already_tracked"
        )
    return None


def assign_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    """Coordinators assign anything; the officials of the section handling an
    assigned proposal may hand it on (another section, department or official)."""
    refusal = _login_refusal(user)
    if refusal:
        return refusal
    if is_coordinator(user, entry):
        return _proposal_refusal(entry.proposal)
    if entry.department_id is not None and is_section_staff(user, entry):
        return _proposal_refusal(entry.proposal)
    refusal = _mfa_refusal(user)
    if refusal:
        return refusal
    if entry.department_id is not None and is_official_of(user, entry.department_id):
        return NotAllowed(
            _(
                "This proposal is handled by %(section)s. Only its officials can "
                "hand it on."
            )
            % {"section": entry.place_label},
            code="wrong_section",
        )
    return NotAllowed(
        _(
            "Only facilitators of this process and administrators can assign a "
            "proposal to a department. Officials can claim unassigned ones."
        ),
        code="not_coordinator",
    )


def claim_refusal(
    user: Viewer, entry: TrackerEntry, department_id: int | None
) -> Refusal:
    refusal = _login_refusal(user) or _mfa_refusal(user)
    if refusal:
        return refusal
    if department_id is None or not is_official_of(user, department_id):
        return NotAllowed(
            _("You can only claim a proposal for a department you belong to."),
            code="not_official",
        )
    refusal = _proposal_refusal(entry.proposal)
    if refusal:
        return refusal
    if entry.department_id is None:
        return None
    if entry.department_id == department_id:
        # Taking one of my section's proposals for myself.
        if not is_section_staff(user, entry):
            return NotAllowed(
                _(
                    "This proposal is handled by %(section)s. Only its officials "
                    "can take it."
                )
                % {"section": entry.place_label},
                code="wrong_section",
            )
        person = signed_in(user)
        if person is not None and entry.assignee_id == person.pk:
            return Conflict(
                _("You already handle this proposal."), code="already_yours"
            )
        if entry.assignee_id is not None:
            return Conflict(
                _(
                    "%(name)s already handles this proposal. Ask them, or reassign "
                    "it with a note."
                )
                % {"name": entry.assignee.real_name if entry.assignee else ""},
                code="already_taken",
            )
        return None
    return Conflict(
        _("This proposal is already assigned to %(department)s.")
        % {"department": entry.department_label},
        code="already_assigned",
    )


def status_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    return _department_refusal(user, entry)


def _approval_refusal(entry: TrackerEntry) -> Refusal:
    """Where the department's answers are approved (決裁), nobody publishes
    directly: the answer is a draft until an approver of the section approves it."""
    if approval.approval_applies(entry.department):
        return NotAllowed(
            _(
                "Answers of %(department)s are approved before they are published. "
                "Write a draft and submit it for approval."
            )
            % {"department": entry.department_label},
            code="approval_required",
        )
    return None


def publish_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = _department_refusal(user, entry)
    if refusal:
        return refusal
    if entry.response_id is not None:
        return Conflict(
            _(
                "A response to this proposal is already published. Revise it "
                "instead; earlier versions stay public."
            ),
            code="already_published",
        )
    return _approval_refusal(entry)


def revise_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = _department_refusal(user, entry)
    if refusal:
        return refusal
    if entry.response_id is None:
        return Invalid(
            _("There is no published response to revise yet."), code="no_response"
        )
    return _approval_refusal(entry)


def progress_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = _department_refusal(user, entry)
    if refusal:
        return refusal
    if entry.decision not in ACCEPTING:
        return Invalid(
            _(
                "Progress updates start once the proposal is accepted or partially "
                "accepted."
            ),
            code="not_accepted",
        )
    if entry.implementation == Implementation.COMPLETED:
        return Invalid(
            _(
                "The implementation is marked completed. It reopens only through an "
                "answer to a resident's dispute."
            ),
            code="completed",
        )
    return None


def is_author_or_supporter(user: Viewer, entry: TrackerEntry) -> bool:
    person = signed_in(user)
    if person is None or not standing_of(person).is_authenticated:
        return False
    if entry.proposal.author_id == person.pk:
        return True
    return Support.objects.filter(proposal_id=entry.proposal_id, user=person).exists()


def outcome_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = participation_refusal(user)
    if refusal:
        return refusal
    if not is_author_or_supporter(user, entry):
        return NotAllowed(
            _(
                "Only the author and the supporters of this proposal can confirm or "
                "dispute its completion."
            ),
            code="not_supporter",
        )
    refusal = _proposal_refusal(entry.proposal)
    if refusal:
        return refusal
    if entry.implementation != Implementation.COMPLETED:
        return Invalid(
            _("The implementation is not marked completed."), code="not_completed"
        )
    return None


def dispute_answer_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = _department_refusal(user, entry)
    if refusal:
        return refusal
    if entry.disputed_at is None:
        return Conflict(
            _("There is no open dispute to answer."), code="no_open_dispute"
        )
    return None


def rate_refusal(user: Viewer, response: Response) -> Refusal:
    refusal = participation_refusal(user)
    if refusal:
        return refusal
    if is_official_of(user, response.department_id):
        return NotAllowed(
            _("Officials cannot rate their own department's response."),
            code="own_department",
        )
    return None


def response_comment_refusal(user: Viewer, response: Response) -> Refusal:
    return participation_refusal(user)


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


@rules.predicate
def can_claim(user: Viewer, entry: TrackerEntry) -> bool:
    """An official may claim an unassigned proposal for their department, or take
    one of their section's that nobody handles yet."""
    if entry is None:
        return False
    standing = standing_of(user)
    if not standing.mfa_satisfied or not standing.department_ids:
        return False
    if entry.department_id is None:
        return True
    return (
        entry.assignee_id is None
        and entry.department_id in standing.department_ids
        and scope_of(user).covers(entry.department_id, entry.section_id)
    )


@rules.predicate
def can_manage(user: Viewer, entry: TrackerEntry) -> bool:
    """Sees the staff console of an entry: coordinators, department staff, and
    officials who could claim it."""
    if entry is None:
        return False
    return bool(
        is_coordinator(user, entry)
        or is_department_staff(user, entry)
        or can_claim(user, entry)
    )


can_forward = _predicate(forward_refusal, "can_forward")
can_assign = _predicate(assign_refusal, "can_assign")
can_set_status = _predicate(status_refusal, "can_set_status")
can_publish = _predicate(publish_refusal, "can_publish")
can_revise = _predicate(revise_refusal, "can_revise")
can_post_progress = _predicate(progress_refusal, "can_post_progress")
can_check_outcome = _predicate(outcome_refusal, "can_check_outcome")
can_answer_dispute = _predicate(dispute_answer_refusal, "can_answer_dispute")
can_rate = _predicate(rate_refusal, "can_rate")
can_comment_response = _predicate(response_comment_refusal, "can_comment_response")

rules.add_perm("responses.forward", can_forward)
rules.add_perm("responses.assign", can_assign)
rules.add_perm("responses.claim", can_claim)
rules.add_perm("responses.manage", can_manage)
rules.add_perm("responses.set_status", can_set_status)
rules.add_perm("responses.publish", can_publish)
rules.add_perm("responses.revise", can_revise)
rules.add_perm("responses.post_progress", can_post_progress)
rules.add_perm("responses.check_outcome", can_check_outcome)
rules.add_perm("responses.answer_dispute", can_answer_dispute)
rules.add_perm("responses.rate", can_rate)
rules.add_perm("responses.comment", can_comment_response)
