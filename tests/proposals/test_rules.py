"""Role × action matrix for proposals and comments.

Columns: anonymous, unverified, resident, author (of the proposal and the comment),
blocked resident, and "wrong phase" (the most entitled user for the action, in a
process whose current phase allows nothing).
"""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from participation.errors import PhaseClosed
from proposals import rules as proposal_rules
from tests import factories

pytestmark = pytest.mark.django_db

ACTIONS = {
    # action: (rule name, target, user in the wrong-phase column)
    "create_proposal": ("proposals.add_proposal", "process", "resident"),
    "edit_proposal": ("proposals.change_proposal", "proposal", "author"),
    "withdraw_proposal": ("proposals.withdraw_proposal", "proposal", "author"),
    "support": ("proposals.support_proposal", "proposal", "resident"),
    "comment": ("proposals.comment_proposal", "proposal", "resident"),
    "edit_comment": ("proposals.change_comment", "comment", "author"),
    "delete_comment": ("proposals.delete_comment", "comment", "author"),
    "vote_comment": ("proposals.vote_comment", "comment", "resident"),
}

ROLES = ("anonymous", "unverified", "resident", "author", "blocked", "wrong_phase")

EXPECTED = {
    #                    anon   unver  resid  author block  wrong_phase
    "create_proposal": (False, False, True, True, False, False),
    "edit_proposal": (False, False, False, True, False, True),
    "withdraw_proposal": (False, False, False, True, False, True),
    "support": (False, False, True, False, False, False),
    "comment": (False, False, True, True, False, False),
    "edit_comment": (False, False, False, True, False, True),
    "delete_comment": (False, False, False, True, False, True),
    "vote_comment": (False, False, True, False, False, False),
}

CASES = [
    (action, role, EXPECTED[action][i])
    for action in ACTIONS
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def world(closed_process, blocked, unverified):
    author = factories.UserFactory(real_name="Author")
    resident = factories.UserFactory(real_name="Resident")
    open_process = factories.ProcessFactory()

    def objects(process):
        proposal = factories.ProposalFactory(process=process, author=author)
        comment = factories.CommentFactory(proposal=proposal, author=author)
        return {"process": process, "proposal": proposal, "comment": comment}

    return {
        "open": objects(open_process),
        "closed": objects(closed_process),
        "users": {
            "anonymous": AnonymousUser(),
            "unverified": unverified,
            "resident": resident,
            "author": author,
            "blocked": blocked,
        },
    }


@pytest.mark.parametrize(("action", "role", "allowed"), CASES)
def test_rules_matrix(world, action, role, allowed):
    rule, target, wrong_phase_user = ACTIONS[action]
    if role == "wrong_phase":
        user = world["users"][wrong_phase_user]
        obj = world["closed"][target]
    else:
        user = world["users"][role]
        obj = world["open"][target]
    assert rules.test_rule(rule, user, obj) is allowed
    assert rules.has_perm(rule, user, obj) is allowed


def test_wrong_phase_refusal_says_why(closed_process, resident):
    refusal = proposal_rules.proposal_create_refusal(resident, closed_process)
    assert isinstance(refusal, PhaseClosed)
    assert "not accepting new proposals" in str(refusal)


def test_blocked_author_can_still_withdraw_own_proposal(blocked, process):
    proposal = factories.ProposalFactory(process=process, author=blocked)
    assert proposal_rules.proposal_withdraw_refusal(blocked, proposal) is None
    assert proposal_rules.proposal_edit_refusal(blocked, proposal).code == "blocked"


def test_official_may_comment_outside_commenting_phase(closed_process, official):
    proposal = factories.ProposalFactory(process=closed_process)
    assert proposal_rules.comment_refusal(official, proposal) is None


def test_facilitator_may_comment_outside_commenting_phase(db):
    process = factories.ProcessFactory(open_phase=False)
    factories.PhaseFactory(process=process, allows_commenting=False)
    facilitator = factories.grant(
        factories.UserFactory(), "facilitator", process=process
    )
    proposal = factories.ProposalFactory(process=process)
    assert proposal_rules.comment_refusal(facilitator, proposal) is None


def test_staff_without_mfa_is_treated_as_resident(closed_process):
    official = factories.grant(
        factories.UserFactory(),
        "official",
        department=factories.DepartmentFactory(),
        mfa=False,
    )
    proposal = factories.ProposalFactory(process=closed_process)
    assert isinstance(proposal_rules.comment_refusal(official, proposal), PhaseClosed)


def test_vote_refused_once_comments_are_closed(comment, resident, facilitator):
    proposal = comment.proposal
    proposal.comments_closed_at = proposal.created_at
    proposal.save()
    comment.proposal = proposal
    assert proposal_rules.comment_vote_refusal(resident, comment) is not None


def test_superuser_gets_no_button_for_own_proposal(admin_user, process):
    proposal = factories.ProposalFactory(process=process, author=admin_user)
    assert rules.test_rule("proposals.support_proposal", admin_user, proposal) is False
