"""Double submits: the same create arriving several times at once stores one record
and tells each follower once (participation.idempotency)."""

from __future__ import annotations

import pytest

from participation.accounts.models import User
from participation.errors import Conflict
from participation.idempotency.services import replayed
from participation.notifications.models import Notification
from proposals import services
from proposals.models import Comment, Proposal
from tests import factories
from tests.concurrency import together

N = 8
BODY = "木陰のベンチを増やしてほしいです。子どもと一緒に休めます。"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.usefixtures("threads_db")
def test_identical_comments_sent_at_once_store_one_and_notify_once():
    proposal = factories.ProposalFactory()
    followers = factories.UserFactory.create_batch(2)
    for follower in followers:
        services.proposal_follow(user=follower, proposal=proposal)
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.comment_create(
            author=fresh(author), proposal=proposal, body=BODY
        ),
    )

    assert Comment.objects.filter(author=author).count() == 1
    assert sum(isinstance(r, Comment) for r in results) == 1
    assert all(isinstance(r, Comment | Conflict) for r in results), results
    for follower in followers:
        assert Notification.objects.filter(recipient=follower).count() == 1
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


@pytest.mark.usefixtures("threads_db")
def test_identical_proposals_sent_at_once_store_one():
    process = factories.ProcessFactory()
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.proposal_create(
            author=fresh(author),
            process=process,
            title="駅前に屋根付きの駐輪場を",
            body="雨の日に自転車が濡れてしまいます。駅前の駐輪場に屋根をつけてください。お願いします。",
        ),
    )

    assert all(isinstance(r, Proposal | Conflict) for r in results), results
    assert Proposal.objects.filter(author=author).count() == 1


@pytest.mark.usefixtures("threads_db")
def test_comments_sent_at_once_with_one_key_all_answer_the_first():
    proposal = factories.ProposalFactory()
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.comment_create(
            author=fresh(author), proposal=proposal, body=BODY, idempotency_key="k-1"
        ),
    )

    assert Comment.objects.filter(author=author).count() == 1
    assert {r.pk for r in results} == {Comment.objects.get(author=author).pk}
    assert sum(not replayed(r) for r in results) == 1
