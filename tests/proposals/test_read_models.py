"""The read models: ``Process.objects.public()``, ``Proposal.objects.public()`` and
``.visible_to(user)``, ``Comment.objects.shown()``, and that the queryset and the
one-proposal test (``proposal_visible_to``) agree for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation.accounts.models import Role
from participation.spaces.models import Process, ProcessStatus
from proposals.fragments import proposal_visible_to
from proposals.models import Comment, Proposal
from tests import factories


@pytest.fixture
def processes(db):
    return {status: factories.ProcessFactory(status=status) for status in ProcessStatus}


@pytest.fixture
def proposals(processes):
    found = {}
    for status, process in processes.items():
        found[status] = factories.ProposalFactory(process=process)
        found[f"{status}-hidden"] = factories.ProposalFactory(
            process=process, hidden_at=timezone.now()
        )
    return found


def test_public_processes_are_published_and_archived(processes):
    assert set(Process.objects.public()) == {
        processes[ProcessStatus.PUBLISHED],
        processes[ProcessStatus.ARCHIVED],
    }
    assert list(Process.objects.published()) == [processes[ProcessStatus.PUBLISHED]]
    assert [p.is_public for p in processes.values()] == [False, True, True]


def test_public_proposals_leave_out_draft_processes_only(proposals):
    assert set(Proposal.objects.public()) == {
        p for key, p in proposals.items() if not key.startswith(ProcessStatus.DRAFT)
    }


def _users(processes):
    draft = processes[ProcessStatus.DRAFT]
    other = factories.ProcessFactory()
    return {
        "anonymous": AnonymousUser(),
        "resident": factories.UserFactory(),
        "facilitator_of_draft": factories.grant(
            factories.UserFactory(), Role.FACILITATOR, process=draft
        ),
        "facilitator_of_draft_without_mfa": factories.grant(
            factories.UserFactory(), Role.FACILITATOR, process=draft, mfa=False
        ),
        "facilitator_of_other": factories.grant(
            factories.UserFactory(), Role.FACILITATOR, process=other
        ),
        "site_facilitator": factories.grant(factories.UserFactory(), Role.FACILITATOR),
        "admin": factories.grant(factories.UserFactory(), Role.ADMIN),
        "admin_without_mfa": factories.grant(
            factories.UserFactory(), Role.ADMIN, mfa=False
        ),
        "official": factories.grant(
            factories.UserFactory(),
            Role.OFFICIAL,
            department=factories.DepartmentFactory(),
        ),
    }


@pytest.mark.parametrize(
    ("who", "sees_draft"),
    [
        ("anonymous", False),
        ("resident", False),
        ("facilitator_of_draft", True),
        ("facilitator_of_draft_without_mfa", False),
        ("facilitator_of_other", False),
        ("site_facilitator", True),
        ("admin", True),
        ("admin_without_mfa", False),
        ("official", False),
    ],
)
def test_visible_to_matches_the_proposal_page(proposals, processes, who, sees_draft):
    user = _users(processes)[who]
    visible = set(Proposal.objects.visible_to(user))
    assert visible == {p for p in proposals.values() if proposal_visible_to(p, user)}
    assert (proposals[ProcessStatus.DRAFT] in visible) is sees_draft
    # Hidden proposals have a page (a placeholder), as on the proposal page.
    assert proposals[f"{ProcessStatus.PUBLISHED}-hidden"] in visible


def test_shown_comments_are_neither_hidden_nor_deleted(proposal):
    shown = factories.CommentFactory(proposal=proposal)
    factories.CommentFactory(proposal=proposal, hidden_at=timezone.now())
    factories.CommentFactory(proposal=proposal, deleted_at=timezone.now())
    assert list(Comment.objects.shown()) == [shown]


def test_public_comments_leave_out_draft_processes(processes):
    public = factories.CommentFactory(
        proposal=factories.ProposalFactory(process=processes[ProcessStatus.ARCHIVED])
    )
    factories.CommentFactory(
        proposal=factories.ProposalFactory(process=processes[ProcessStatus.DRAFT])
    )
    assert list(Comment.objects.public()) == [public]
