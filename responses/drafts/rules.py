"""Who may write, submit, approve (決裁) and return draft answers, and manage the
department's answer templates.

A draft belongs to the department that was assigned the proposal when it was
started: its officials (and admins) see and edit it; approvers of its section, or
of the whole department, approve or return it, never their own draft. Nothing here
is public: residents, facilitators and anonymous visitors are refused everything.
Permission comes first, then the state of the draft.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin, is_official_of
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import Conflict, Invalid, NotAllowed
from responses import approval
from responses import rules as tracker_rules
from responses.models import DraftStatus, ResponseDraft, TrackerEntry

Refusal = tracker_rules.Refusal


def _staff_refusal(user: Viewer) -> Refusal:
    return tracker_rules._login_refusal(user) or tracker_rules._mfa_refusal(user)


def desk_refusal(user: Viewer) -> Refusal:
    """The draft pages (lists, templates, batch progress) are for officials of a
    department and administrators; what each one shows is then scoped further."""
    standing = standing_of(user)
    if standing.is_admin_role or standing.department_ids:
        return None
    return NotAllowed(
        _("These pages are for officials and administrators."), code="not_official"
    )


def is_draft_staff(user: Viewer, department_id: int | None) -> bool:
    """Officials of the department, and admins, see its drafts and templates."""
    if is_admin(user):
        return True
    return department_id is not None and is_official_of(user, department_id)


def _not_department(department: Any = None) -> NotAllowed:
    return NotAllowed(
        _("Only officials of the department that drafts this answer can see it."),
        code="not_department",
    )


def view_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if not is_draft_staff(user, draft.department_id):
        return _not_department()
    return None


def start_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    """Start (or open) the draft answer of a tracked proposal."""
    return tracker_rules._department_refusal(user, entry) or _staff_refusal(user)


def _entry_state_refusal(draft: ResponseDraft) -> Refusal:
    entry = draft.entry
    if entry.department_id != draft.department_id:
        return Conflict(
            _(
                "The proposal was reassigned to another department since this draft "
                "was started."
            ),
            code="reassigned",
        )
    if entry.proposal.is_hidden:
        return NotAllowed(_("This proposal is hidden."), code="hidden")
    return None


def edit_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    refusal = view_refusal(user, draft)
    if refusal:
        return refusal
    if draft.status == DraftStatus.SUBMITTED:
        return Conflict(
            _(
                "This draft is waiting for approval and cannot be changed. An "
                "approver can return it to you."
            ),
            code="submitted",
        )
    if draft.status == DraftStatus.APPROVED:
        return Conflict(_("This draft was approved and published."), code="approved")
    return _entry_state_refusal(draft)


def submit_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    refusal = edit_refusal(user, draft)
    if refusal:
        return refusal
    if not approval.approval_applies(draft.department):
        return Invalid(
            _(
                "Answers of this department are published without approval. Publish "
                "the draft directly."
            ),
            code="approval_off",
        )
    return None


def publish_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    """Publish a draft directly, where the department's approval is off."""
    refusal = edit_refusal(user, draft)
    if refusal:
        return refusal
    if draft.is_revision:
        return tracker_rules.revise_refusal(user, draft.entry)
    return tracker_rules.publish_refusal(user, draft.entry)


def _decide_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if not approval.approves_for(user, draft):
        if is_draft_staff(user, draft.department_id):
            return NotAllowed(
                _(
                    "Only an approver of the section that drafted this answer can "
                    "approve or return it."
                ),
                code="not_approver",
            )
        return _not_department()
    if standing_of(user).is_authenticated and getattr(user, "pk", None) in (
        draft.author_id,
        draft.submitted_by_id,
    ):
        return NotAllowed(
            _(
                "You cannot approve or return a draft you wrote or submitted: "
                "another approver decides."
            ),
            code="own_draft",
        )
    if draft.status != DraftStatus.SUBMITTED:
        return Conflict(
            _("This draft is not waiting for approval (it is now “%(status)s”).")
            % {"status": draft.get_status_display()},
            code="not_submitted",
        )
    return None


def approve_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    refusal = _decide_refusal(user, draft) or _entry_state_refusal(draft)
    if refusal:
        return refusal
    if draft.is_revision and draft.entry.response_id is None:
        return Invalid(
            _("There is no published response to revise yet."), code="no_response"
        )
    if not draft.is_revision and draft.entry.response_id is not None:
        return Conflict(
            _(
                "A response to this proposal was published meanwhile. Return the "
                "draft so that it becomes a revision."
            ),
            code="already_published",
        )
    return None


def return_refusal(user: Viewer, draft: ResponseDraft) -> Refusal:
    return _decide_refusal(user, draft)


def templates_refusal(user: Viewer, department_id: int | None) -> Refusal:
    """Manage a department's answer templates: its officials and admins."""
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if not is_draft_staff(user, department_id):
        return NotAllowed(
            _("Only officials of the department can manage its answer templates."),
            code="not_department",
        )
    return None


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


can_view_draft = _predicate(view_refusal, "can_view_draft")
can_edit_draft = _predicate(edit_refusal, "can_edit_draft")
can_submit_draft = _predicate(submit_refusal, "can_submit_draft")
can_publish_draft = _predicate(publish_refusal, "can_publish_draft")
can_approve_draft = _predicate(approve_refusal, "can_approve_draft")
can_return_draft = _predicate(return_refusal, "can_return_draft")

rules.add_perm("responses.view_draft", can_view_draft)
rules.add_perm("responses.edit_draft", can_edit_draft)
rules.add_perm("responses.submit_draft", can_submit_draft)
rules.add_perm("responses.publish_draft", can_publish_draft)
rules.add_perm("responses.approve_draft", can_approve_draft)
rules.add_perm("responses.return_draft", can_return_draft)
