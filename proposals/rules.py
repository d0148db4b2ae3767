"""Who may do what with proposals and comments.

Each action has a *refusal* function: ``None`` when allowed, else the error to raise
(with its translated message). Services raise it; the ``rules`` predicates below wrap
the same functions for views, templates, the API and consumers. One rule, every door.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import (
    is_admin,
    is_any_official,
    is_moderator_of,
)
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, Invalid, NotAllowed, PhaseClosed
from participation.moderation import rules as moderation_rules
from participation.verification.models import Action
from participation.verification.rules import verification_refusal
from proposals.models import Comment, Proposal

Refusal = DomainError | None


def participation_refusal(user: Viewer) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in to take part."), code="not_authenticated")
    if not standing.is_verified:
        return NotAllowed(
            _("Please verify your e-mail address before taking part."),
            code="not_verified",
        )
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked from taking part."), code="blocked"
        )
    return None


def _phase_allows(process: Any, flag: str) -> bool:
    phase = process.current_phase
    return bool(phase is not None and getattr(phase, flag))


def proposal_create_refusal(user: Viewer, process: Any) -> Refusal:
    refusal = participation_refusal(user)
    if refusal:
        return refusal
    if not process.is_published:
        return NotAllowed(_("This process is not open."), code="process_closed")
    if not _phase_allows(process, "allows_proposing"):
        return PhaseClosed(
            _("This process is not accepting new proposals in its current phase.")
        )
    return verification_refusal(user, process, Action.PROPOSE)


def _proposal_open_refusal(proposal: Proposal) -> Refusal:
    if proposal.is_withdrawn:
        return NotAllowed(
            _("This proposal was withdrawn by its author."), code="withdrawn"
        )
    if proposal.is_hidden:
        return NotAllowed(_("This proposal is hidden."), code="hidden")
    return None


def proposal_edit_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated or proposal.author_id != user.pk:
        return NotAllowed(_("Only the author can edit a proposal."))
    refusal = _proposal_open_refusal(proposal) or participation_refusal(user)
    if refusal:
        return refusal
    if proposal.support_count or proposal.comment_count:
        return NotAllowed(
            _(
                "A proposal cannot be edited once it has supports or comments, so "
                "that nobody's support or comment changes meaning."
            ),
            code="locked",
        )
    return None


def proposal_withdraw_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated or proposal.author_id != user.pk:
        return NotAllowed(_("Only the author can withdraw a proposal."))
    if proposal.is_withdrawn:
        return NotAllowed(_("This proposal is already withdrawn."), code="withdrawn")
    return None


def support_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    return support_withdraw_refusal(user, proposal) or verification_refusal(
        user, proposal.process, Action.SUPPORT
    )


def support_withdraw_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    """Withdrawing one's support needs no residency verification: a support given
    before a requirement (or before a revocation) can always be taken back while
    supports are collected."""
    refusal = participation_refusal(user) or _proposal_open_refusal(proposal)
    if refusal:
        return refusal
    if proposal.author_id == user.pk:
        return NotAllowed(
            _("You cannot support your own proposal."), code="own_proposal"
        )
    if not _phase_allows(proposal.process, "allows_supporting"):
        return PhaseClosed(
            _("Supports are not being collected in this process's current phase.")
        )
    return None


def _is_staff_for(user: Viewer, proposal: Proposal) -> bool:
    return bool(is_moderator_of(user, proposal) or is_any_official(user))


def comment_refusal(user: Viewer, proposal: Proposal) -> Refusal:
    refusal = participation_refusal(user) or _proposal_open_refusal(proposal)
    if refusal:
        return refusal
    if proposal.comments_closed:
        return NotAllowed(
            _("Comments on this proposal are closed."), code="comments_closed"
        )
    if _is_staff_for(user, proposal):
        return None  # staff answer and moderate in any phase, verified or not
    if not _phase_allows(proposal.process, "allows_commenting"):
        return PhaseClosed(_("Comments are not open in this process's current phase."))
    return verification_refusal(user, proposal.process, Action.COMMENT)


def reply_refusal(proposal: Proposal, parent: Comment) -> Refusal:
    """Whether ``parent`` can take a reply (on top of :func:`comment_refusal`): a
    comment of this proposal, neither deleted nor hidden, above the deepest level."""
    if parent.proposal_id != proposal.pk:
        return Invalid(_("You can only reply to a comment on this proposal."))
    if parent.is_deleted or parent.is_hidden:
        return Invalid(_("This comment can no longer be replied to."))
    if parent.depth + 1 >= settings.COMMENT_MAX_DEPTH:
        return Invalid(
            _("Replies can be nested at most %(n)d levels deep.")
            % {"n": settings.COMMENT_MAX_DEPTH},
            code="too_deep",
        )
    return None


def comment_edit_refusal(user: Viewer, comment: Comment) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated or comment.author_id != user.pk:
        return NotAllowed(_("Only the author can edit a comment."))
    if comment.is_deleted:
        return NotAllowed(_("This comment was deleted."), code="deleted")
    if comment.is_hidden:
        return NotAllowed(_("This comment is hidden."), code="hidden")
    return participation_refusal(user)


def comment_delete_refusal(user: Viewer, comment: Comment) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated or comment.author_id != user.pk:
        return NotAllowed(_("Only the author can delete a comment."))
    if comment.is_deleted:
        return NotAllowed(_("This comment was already deleted."), code="deleted")
    return None


def comment_vote_refusal(user: Viewer, comment: Comment) -> Refusal:
    refusal = participation_refusal(user) or _proposal_open_refusal(comment.proposal)
    if refusal:
        return refusal
    if comment.author_id == user.pk:
        return NotAllowed(_("You cannot vote on your own comment."), code="own_comment")
    if comment.is_deleted or comment.is_hidden:
        return NotAllowed(_("This comment cannot be voted on."), code="unavailable")
    proposal = comment.proposal
    if proposal.comments_closed or not _phase_allows(
        proposal.process, "allows_commenting"
    ):
        return PhaseClosed(
            _("The discussion is closed, so comments can no longer be voted on.")
        )
    return verification_refusal(user, proposal.process, Action.COMMENT)


@dataclass(frozen=True)
class ThreadCapabilities:
    """What the viewer may do with the comments of one proposal page, judged ONCE
    per page. A comment then needs only cheap comparisons (is it the viewer's own,
    is it hidden or deleted): the same answers as the per-comment rules above
    (``comment_vote_refusal``, ``comment_edit_refusal``, ``comment_delete_refusal``,
    ``comment_refusal``, and the moderation rules), without running them for every
    comment of a long thread."""

    viewer_id: int | None
    can_view_hidden: bool
    can_reply: bool
    can_vote: bool  # on others' comments that are neither hidden nor deleted
    can_edit_own: bool  # own comments that are neither hidden nor deleted
    can_delete_own: bool  # own comments not deleted
    can_moderate: bool
    can_report: bool  # others' comments that are neither hidden nor deleted


def thread_capabilities(user: Viewer, proposal: Proposal) -> ThreadCapabilities:
    standing = standing_of(user)
    signed = bool(standing.is_authenticated)
    taking_part = participation_refusal(user) is None
    discussion_open = (
        _proposal_open_refusal(proposal) is None
        and not proposal.comments_closed
        and _phase_allows(proposal.process, "allows_commenting")
    )
    return ThreadCapabilities(
        viewer_id=user.pk if signed else None,
        can_view_hidden=bool(can_view_hidden(user, proposal)),
        can_reply=comment_refusal(user, proposal) is None,
        can_vote=taking_part
        and discussion_open
        and verification_refusal(user, proposal.process, Action.COMMENT) is None,
        can_edit_own=taking_part,
        can_delete_own=signed,
        can_moderate=moderation_rules.moderate_refusal(user, proposal) is None,
        # report_refusal's checks on the viewer; the comment's own are comparisons.
        can_report=taking_part,
    )


def shows_content(user: Viewer, proposal: Proposal) -> bool:
    """Whether ``user`` sees the proposal's text and photos (its page exists for
    them: ``fragments.proposal_visible_to``). A hidden proposal shows them to its
    author and to those who may read hidden content only; everyone else gets the
    placeholder, and its photos' addresses answer 404."""
    if not proposal.is_hidden:
        return True
    if user.is_authenticated and proposal.author_id == user.pk:
        return True
    return bool(can_view_hidden(user, proposal))


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


can_create_proposal = _predicate(proposal_create_refusal, "can_create_proposal")
can_edit_proposal = _predicate(proposal_edit_refusal, "can_edit_proposal")
can_withdraw_proposal = _predicate(proposal_withdraw_refusal, "can_withdraw_proposal")
can_support = _predicate(support_refusal, "can_support")
can_comment = _predicate(comment_refusal, "can_comment")
can_edit_comment = _predicate(comment_edit_refusal, "can_edit_comment")
can_delete_comment = _predicate(comment_delete_refusal, "can_delete_comment")
can_vote_comment = _predicate(comment_vote_refusal, "can_vote_comment")

can_view_hidden = is_moderator_of | is_admin

RULES = {
    "proposals.add_proposal": can_create_proposal,
    "proposals.change_proposal": can_edit_proposal,
    "proposals.withdraw_proposal": can_withdraw_proposal,
    "proposals.support_proposal": can_support,
    "proposals.comment_proposal": can_comment,
    "proposals.change_comment": can_edit_comment,
    "proposals.delete_comment": can_delete_comment,
    "proposals.vote_comment": can_vote_comment,
    "proposals.follow_proposal": rules.is_authenticated,
    "proposals.view_hidden": can_view_hidden,
}

# Registered twice under the same names: as permissions (``user.has_perm``, the API)
# and as plain rules. Templates use ``{% test_rule "proposals.x" user obj as v %}``:
# ``has_perm`` answers True for every superuser before any rule runs, which would
# show buttons (support your own proposal, vote your own comment) that then fail.
for _name, _pred in RULES.items():
    rules.add_perm(_name, _pred)
    rules.add_rule(_name, _pred)
