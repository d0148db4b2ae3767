"""Who may see, run and take part in live sessions.

Each action has a *refusal* function returning ``None`` when allowed, else the
domain error to raise (with its translated message). Services raise it; the
predicates and permissions below wrap the same functions for views, templates and
consumers. Guests (people without an account) are represented by a ``Guest``
value taken from the server-side session, never from what a client sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    DraftStatus,
    LiveSession,
    Opinion,
    ProposalDraft,
    SessionStatus,
)
from participation.accounts.rules import is_admin, is_moderator_of
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed, PhaseClosed

Refusal = DomainError | None


# Where a guest's name and key are kept in the browser session.
GUEST_SESSION_KEY = "live_guest"


@dataclass(frozen=True)
class Guest:
    """Someone without an account who gave a name to take part in a session."""

    name: str
    key: str

    # Rate limits count per subject; a guest counts under its session key.
    is_authenticated = True

    @property
    def pk(self) -> str:
        return f"guest-{self.key}"


def _process_of(session: LiveSession) -> Any:
    return session.process


def session_view_refusal(user: Viewer, session: LiveSession) -> Refusal:
    """Sessions of published and archived processes are public; sessions of draft
    processes only for those who facilitate them."""
    if _process_of(session).is_public:
        return None
    if is_moderator_of(user, session):
        return None
    return NotAllowed(_("This session is not public."), code="not_public")


def facilitate_refusal(user: Viewer, session: LiveSession | Any) -> Refusal:
    """May ``user`` run ``session`` (or create one in a process): open, close,
    highlight, pin, hide, group by theme, draft proposals?"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked from taking part."), code="blocked"
        )
    if is_moderator_of(user, session):
        return None
    if standing.is_staff_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before using the facilitator tools."),
            code="mfa_required",
        )
    return NotAllowed(
        _("Only a facilitator of this process can run its live sessions."),
        code="not_facilitator",
    )


def session_create_refusal(user: Viewer, process: Any) -> Refusal:
    refusal = facilitate_refusal(user, process)
    if refusal:
        return refusal
    if not process.is_published:
        return NotAllowed(
            _("Live sessions can only be held in a published process."),
            code="process_closed",
        )
    return None


def opinion_post_refusal(
    user: Viewer, session: LiveSession, guest: Guest | None
) -> Refusal:
    """May this person (a signed-in user, or a guest who gave a name) post now?"""
    if session.status != SessionStatus.OPEN:
        if session.status == SessionStatus.SCHEDULED:
            return PhaseClosed(
                _("This session has not started yet."), code="session_not_open"
            )
        return PhaseClosed(_("This session has ended."), code="session_closed")
    standing = standing_of(user)
    if standing.is_authenticated:
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
    if not session.allow_guests:
        return NotAllowed(
            _("Please log in to take part in this session."),
            code="not_authenticated",
        )
    if guest is None:
        return NotAllowed(
            _("Please give your name to take part as a guest."), code="guest_name"
        )
    return None


def guest_join_refusal(user: Viewer, session: LiveSession) -> Refusal:
    if getattr(user, "is_authenticated", False):
        return NotAllowed(
            _("You are logged in: you take part under your account's name."),
            code="logged_in",
        )
    if not session.allow_guests:
        return NotAllowed(
            _("This session does not accept guests. Please log in to take part."),
            code="guests_not_allowed",
        )
    if session.status in (SessionStatus.CLOSED, SessionStatus.CANCELLED):
        return PhaseClosed(_("This session has ended."), code="session_closed")
    return None


def draft_refusal(user: Viewer, opinion: Opinion) -> Refusal:
    """May ``user`` draft a proposal from ``opinion``?"""
    refusal = facilitate_refusal(user, opinion.session)
    if refusal:
        return refusal
    if opinion.author_id is None:
        return NotAllowed(
            _(
                "Opinions from guests cannot become proposals: a proposal needs an "
                "author with an account."
            ),
            code="guest_opinion",
        )
    if opinion.is_hidden:
        return NotAllowed(_("This opinion is hidden."), code="hidden")
    existing = draft_of(opinion)
    if existing is not None and existing.status != DraftStatus.DECLINED:
        return NotAllowed(
            _("A proposal has already been drafted from this opinion."),
            code="already_drafted",
        )
    return None


def draft_of(opinion: Opinion) -> ProposalDraft | None:
    try:
        return opinion.proposal_draft
    except ProposalDraft.DoesNotExist:
        return None


def draft_decide_refusal(user: Viewer, draft: ProposalDraft) -> Refusal:
    """Only the credited author decides on a draft, and only once."""
    standing = standing_of(user)
    if not standing.is_authenticated or draft.opinion.author_id != user.pk:
        return NotAllowed(
            _("Only the author of the opinion can publish or decline this draft."),
            code="not_author",
        )
    if draft.status != DraftStatus.PENDING:
        return NotAllowed(_("This draft has already been decided."), code="decided")
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked from taking part."), code="blocked"
        )
    return None


def can_see_hidden(user: Viewer, session: LiveSession) -> bool:
    """Whether ``user`` may read the text of hidden opinions of ``session``."""
    return standing_of(user).is_authenticated and bool(is_moderator_of(user, session))


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


can_view_session = _predicate(session_view_refusal, "can_view_session")
can_facilitate_session = _predicate(facilitate_refusal, "can_facilitate_session")
can_create_session = _predicate(session_create_refusal, "can_create_session")
can_decide_draft = _predicate(draft_decide_refusal, "can_decide_draft")
can_draft_proposal = _predicate(draft_refusal, "can_draft_proposal")


@rules.predicate
def can_post_opinion(user: Viewer, session: LiveSession) -> bool:
    """For signed-in users (guests are checked with their server-side name)."""
    return opinion_post_refusal(user, session, None) is None


rules.add_perm("live.view_livesession", can_view_session)
rules.add_perm("live.facilitate_livesession", can_facilitate_session)
rules.add_perm("live.add_livesession", can_create_session)
rules.add_perm("live.post_opinion", can_post_opinion)
rules.add_perm("live.draft_proposal", can_draft_proposal)
rules.add_perm("live.decide_proposaldraft", can_decide_draft)
rules.add_perm("live.view_hidden_opinion", is_moderator_of | is_admin)
