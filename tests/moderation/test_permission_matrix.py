"""Role × action matrix: every moderation action, every role. Allowed actions
succeed; refused ones raise the domain error and change nothing."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEvent
from participation.errors import NotAllowed
from participation.moderation import services
from participation.moderation.models import (
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
    ReportReason,
)
from proposals.models import Comment, Proposal
from tests.moderation.conftest import MODERATORS, ROLES

REPORTERS = {"resident", "facilitator", "other_facilitator", "official", "admin"}


def _state(comment: Comment, proposal: Proposal) -> tuple:
    comment.refresh_from_db()
    proposal.refresh_from_db()
    return (
        comment.hidden_at,
        comment.hidden_reason,
        proposal.comments_closed_at,
        Report.objects.count(),
        ModerationAction.objects.count(),
        FacilitatorNote.objects.count(),
        Block.objects.filter(user=comment.author).count(),
        AuditEvent.objects.filter(action__startswith="moderation.").count(),
    )


def _prepare_hidden(comment: Comment, admin_user) -> None:
    services.content_hide(
        actor=admin_user, target=comment, reason_code=ReportReason.SPAM
    )


def _prepare_reported(comment: Comment, residents) -> None:
    services.report_create(
        reporter=residents[0], target=comment, reason=ReportReason.OFFENSIVE
    )


ACTIONS = {
    "report": (
        None,
        lambda user, comment, proposal: services.report_create(
            reporter=user, target=comment, reason=ReportReason.SPAM
        ),
    ),
    "hide": (
        None,
        lambda user, comment, proposal: services.content_hide(
            actor=user, target=comment, reason_code=ReportReason.OFFENSIVE
        ),
    ),
    "unhide": (
        "hidden",
        lambda user, comment, proposal: services.content_unhide(
            actor=user, target=comment
        ),
    ),
    "dismiss": (
        "reported",
        lambda user, comment, proposal: services.reports_dismiss(
            actor=user, target=comment
        ),
    ),
    "block": (
        None,
        lambda user, comment, proposal: services.user_block(
            actor=user,
            user=comment.author,
            reason="Repeated insults",
            days=7,
            target=comment,
        ),
    ),
    "note": (
        None,
        lambda user, comment, proposal: services.note_pin(
            actor=user, target=proposal, body="Please keep to the topic of parks."
        ),
    ),
    "close_comments": (
        None,
        lambda user, comment, proposal: services.comments_close(
            actor=user, proposal=proposal, reason="The discussion went in circles."
        ),
    ),
}


def _allowed(action: str, role: str) -> bool:
    return role in (REPORTERS if action == "report" else MODERATORS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_action_matrix(
    action, role, actor_for, comment, proposal, admin_user, residents
):
    prepare, perform = ACTIONS[action]
    if prepare == "hidden":
        _prepare_hidden(comment, admin_user)
    elif prepare == "reported":
        _prepare_reported(comment, residents)
    user = actor_for(role)
    before = _state(comment, proposal)
    if _allowed(action, role):
        perform(user, comment, proposal)
        assert _state(comment, proposal) != before
    else:
        with pytest.raises(NotAllowed) as refusal:
            perform(user, comment, proposal)
        assert str(refusal.value)
        assert _state(comment, proposal) == before


def test_facilitator_without_mfa_is_told_to_set_it_up(comment, process):
    from participation.accounts.models import Role
    from tests import factories

    user = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=process, mfa=False
    )
    with pytest.raises(NotAllowed, match="two-factor"):
        services.content_hide(actor=user, target=comment, reason_code=ReportReason.SPAM)


def test_facilitator_of_another_process_is_told_why(comment, other_facilitator):
    with pytest.raises(NotAllowed, match="processes you facilitate"):
        services.content_hide(
            actor=other_facilitator, target=comment, reason_code=ReportReason.SPAM
        )


def test_site_facilitator_moderates_every_process(comment):
    from participation.accounts.models import Role
    from tests import factories

    site_facilitator = factories.grant(factories.UserFactory(), Role.FACILITATOR)
    services.content_hide(
        actor=site_facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    comment.refresh_from_db()
    assert comment.hidden_by == site_facilitator


@pytest.mark.parametrize("role", ROLES)
def test_lift_block_matrix(role, actor_for, comment, facilitator):
    block = services.user_block(
        actor=facilitator, user=comment.author, reason="Insults", days=3, target=comment
    )
    user = actor_for(role)
    if role in MODERATORS:
        services.block_lift(actor=user, block=block)
        block.refresh_from_db()
        assert block.lifted_at is not None
    else:
        with pytest.raises(NotAllowed):
            services.block_lift(actor=user, block=block)
        block.refresh_from_db()
        assert block.lifted_at is None


def test_facilitator_cannot_publish_an_official_response(
    facilitator, proposal, residents
):
    from proposals import services as proposal_services
    from responses.models import TrackerEntry

    for user in residents:  # three supports: the proposal enters the tracker
        proposal_services.support_add(user=user, proposal=proposal)
    entry = TrackerEntry.objects.get(proposal=proposal)
    assert not facilitator.has_perm("responses.publish", entry)
    assert not facilitator.has_perm("responses.revise", entry)
