from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed, PhaseClosed
from participation.notifications.models import Follow, Notification
from proposals import events, services
from proposals.models import Comment, CommentVote, Proposal, ProposalState, Support
from tests import factories
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db


def _follows(user, proposal):
    ct = ContentType.objects.get_for_model(Proposal)
    return Follow.objects.filter(
        user=user, content_type=ct, object_id=proposal.pk
    ).exists()


# --- proposals ------------------------------------------------------------------


def test_proposal_create_publishes_and_author_follows(process, resident):
    proposal = services.proposal_create(
        author=resident, process=process, **valid_proposal_data()
    )
    assert proposal.state == ProposalState.PUBLISHED
    assert proposal.author == resident
    assert _follows(resident, proposal)


def test_proposal_create_strips_and_normalizes_text(process, resident):
    proposal = services.proposal_create(
        author=resident,
        process=process,
        **valid_proposal_data(title="  駅前に屋根付きの駐輪場を\x07つくる  "),
    )
    assert proposal.title == "駅前に屋根付きの駐輪場をつくる"


def test_proposal_create_refuses_short_title(process, resident):
    with pytest.raises(Invalid) as exc:
        services.proposal_create(
            author=resident, process=process, **valid_proposal_data(title="短い")
        )
    assert exc.value.field_errors == {"title": ["too_short"]}
    assert not Proposal.objects.exists()


def test_proposal_create_refuses_long_body(process, resident):
    with pytest.raises(Invalid):
        services.proposal_create(
            author=resident, process=process, **valid_proposal_data(body="あ" * 10_001)
        )
    assert not Proposal.objects.exists()


def test_proposal_create_refuses_category_of_another_process(process, resident):
    stranger = factories.CategoryFactory()
    with pytest.raises(Invalid):
        services.proposal_create(
            author=resident, process=process, category=stranger, **valid_proposal_data()
        )
    assert not Proposal.objects.exists()


def test_proposal_create_twice_with_same_title_is_a_conflict(process, resident):
    services.proposal_create(author=resident, process=process, **valid_proposal_data())
    with pytest.raises(Conflict):
        services.proposal_create(
            author=resident, process=process, **valid_proposal_data()
        )
    assert Proposal.objects.count() == 1


def test_proposal_create_in_closed_phase_is_refused(closed_process, resident):
    with pytest.raises(PhaseClosed):
        services.proposal_create(
            author=resident, process=closed_process, **valid_proposal_data()
        )


def test_proposal_edit_by_author_before_any_support(proposal, resident):
    edited = services.proposal_edit(
        actor=resident,
        proposal=proposal,
        **valid_proposal_data(title="新しいタイトルです、駐輪場"),
    )
    assert edited.title == "新しいタイトルです、駐輪場"
    assert edited.edited_at is not None


def test_proposal_edit_is_locked_after_first_support(proposal, resident, resident2):
    services.support_add(user=resident2, proposal=proposal)
    with pytest.raises(NotAllowed) as exc:
        services.proposal_edit(
            actor=resident, proposal=proposal, **valid_proposal_data()
        )
    assert exc.value.code == "locked"


def test_proposal_edit_is_locked_after_first_comment(proposal, resident, resident2):
    services.comment_create(author=resident2, proposal=proposal, body="良い提案です")
    with pytest.raises(NotAllowed) as exc:
        services.proposal_edit(
            actor=resident, proposal=proposal, **valid_proposal_data()
        )
    assert exc.value.code == "locked"


def test_proposal_edit_by_someone_else_is_refused(proposal, resident2):
    with pytest.raises(NotAllowed):
        services.proposal_edit(
            actor=resident2, proposal=proposal, **valid_proposal_data()
        )


def test_proposal_withdraw_keeps_it_marked_withdrawn_and_audits(proposal, resident):
    services.proposal_withdraw(actor=resident, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN
    assert proposal.withdrawn_at is not None
    assert AuditEvent.objects.filter(
        action="proposal.withdraw", target_id=str(proposal.pk)
    ).exists()


def test_proposal_withdraw_twice_is_refused(proposal, resident):
    services.proposal_withdraw(actor=resident, proposal=proposal)
    with pytest.raises(NotAllowed):
        services.proposal_withdraw(actor=resident, proposal=proposal)


# --- supports -------------------------------------------------------------------


def test_support_add_twice_counts_once(proposal, resident2):
    assert services.support_add(user=resident2, proposal=proposal) is True
    assert services.support_add(user=resident2, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_support_makes_supporter_follow(proposal, resident2):
    services.support_add(user=resident2, proposal=proposal)
    assert _follows(resident2, proposal)


def test_support_counter_stays_exact_under_repeated_calls(proposal):
    supporters = [factories.UserFactory() for _ in range(4)]
    for round_ in range(5):
        for user in supporters:
            services.support_add(user=user, proposal=proposal)
            services.support_add(user=user, proposal=proposal)
        for user in supporters[: round_ % 4]:
            services.support_remove(user=user, proposal=proposal)
            services.support_remove(user=user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == Support.objects.filter(proposal=proposal).count()
    assert proposal.support_count == 4


def test_support_counter_equals_rows_after_mixed_toggles(proposal):
    users = [factories.UserFactory() for _ in range(3)]
    for user in users:
        services.support_add(user=user, proposal=proposal)
    services.support_remove(user=users[0], proposal=proposal)
    services.support_remove(user=users[0], proposal=proposal)
    services.support_add(user=users[1], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 2
    assert Support.objects.filter(proposal=proposal).count() == 2


def test_support_remove_when_not_supporting_changes_nothing(proposal, resident2):
    assert services.support_remove(user=resident2, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 0


def test_threshold_is_stamped_once_and_hook_called_once(proposal):
    calls = []
    events.threshold_reached_handlers.append(calls.append)
    try:
        users = [factories.UserFactory() for _ in range(3)]  # threshold is 3
        for user in users:
            services.support_add(user=user, proposal=proposal)
        proposal.refresh_from_db()
        stamped_at = proposal.threshold_reached_at
        assert stamped_at is not None
        services.support_remove(user=users[0], proposal=proposal)
        services.support_add(user=users[0], proposal=proposal)
        services.support_add(user=factories.UserFactory(), proposal=proposal)
        proposal.refresh_from_db()
    finally:
        events.threshold_reached_handlers.remove(calls.append)
    assert proposal.threshold_reached_at == stamped_at
    assert [p.pk for p in calls] == [proposal.pk]


def test_support_own_proposal_is_refused(proposal, resident):
    with pytest.raises(NotAllowed) as exc:
        services.support_add(user=resident, proposal=proposal)
    assert exc.value.code == "own_proposal"


def test_support_withdrawn_proposal_is_refused(proposal, resident, resident2):
    services.proposal_withdraw(actor=resident, proposal=proposal)
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.support_add(user=resident2, proposal=proposal)


# --- comments -------------------------------------------------------------------


def test_comment_create_counts_and_makes_commenter_follow(proposal, resident2):
    services.comment_create(author=resident2, proposal=proposal, body="賛成します")
    proposal.refresh_from_db()
    assert proposal.comment_count == 1
    assert _follows(resident2, proposal)


def test_comment_notifies_followers_and_replied_author(process, resident, resident2):
    proposal = services.proposal_create(
        author=resident, process=process, **valid_proposal_data()
    )
    first = services.comment_create(
        author=resident2, proposal=proposal, body="質問です"
    )
    services.comment_create(
        author=resident, proposal=proposal, body="お答えします", parent=first
    )
    assert (
        Notification.objects.filter(recipient=resident, kind="comment.created").count()
        == 1
    )
    assert (
        Notification.objects.filter(recipient=resident2, kind="comment.reply").count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=resident2, kind="comment.created"
    ).exists()


def test_comment_replies_nest_to_three_levels_and_no_deeper(proposal, resident2):
    root = services.comment_create(author=resident2, proposal=proposal, body="一段目")
    second = services.comment_create(
        author=resident2, proposal=proposal, body="二段目", parent=root
    )
    third = services.comment_create(
        author=resident2, proposal=proposal, body="三段目", parent=second
    )
    assert (root.depth, second.depth, third.depth) == (0, 1, 2)
    with pytest.raises(Invalid) as exc:
        services.comment_create(
            author=resident2, proposal=proposal, body="四段目", parent=third
        )
    assert exc.value.code == "too_deep"
    assert Comment.objects.count() == 3


def test_comment_reply_to_comment_of_another_proposal_is_refused(proposal, resident2):
    elsewhere = factories.CommentFactory()
    with pytest.raises(Invalid):
        services.comment_create(
            author=resident2, proposal=proposal, body="返信", parent=elsewhere
        )


def test_comment_with_unknown_alignment_is_refused(proposal, resident2):
    with pytest.raises(Invalid):
        services.comment_create(
            author=resident2, proposal=proposal, body="賛成", alignment="maybe"
        )


def test_comment_same_text_twice_is_a_conflict(proposal, resident2):
    services.comment_create(author=resident2, proposal=proposal, body="同じ文章です")
    with pytest.raises(Conflict):
        services.comment_create(
            author=resident2, proposal=proposal, body="同じ文章です"
        )
    assert Comment.objects.count() == 1


def test_comment_links_refused_for_new_accounts(proposal, resident2, settings):
    settings.NEW_ACCOUNT_LINK_FREE_COMMENTS = 2
    with pytest.raises(Invalid) as exc:
        services.comment_create(
            author=resident2, proposal=proposal, body="見て https://example.com"
        )
    assert exc.value.code == "links_not_allowed"


def test_comment_links_allowed_after_first_comments(proposal, resident2, settings):
    settings.NEW_ACCOUNT_LINK_FREE_COMMENTS = 2
    services.comment_create(author=resident2, proposal=proposal, body="一つ目")
    services.comment_create(author=resident2, proposal=proposal, body="二つ目")
    comment = services.comment_create(
        author=resident2, proposal=proposal, body="見て https://example.com"
    )
    assert comment.pk


def test_comment_on_withdrawn_proposal_is_refused(proposal, resident, resident2):
    services.proposal_withdraw(actor=resident, proposal=proposal)
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed) as exc:
        services.comment_create(author=resident2, proposal=proposal, body="遅すぎた")
    assert exc.value.code == "withdrawn"


def test_comment_on_hidden_proposal_is_refused(proposal, resident2, facilitator):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=proposal.created_at, hidden_by=facilitator, hidden_reason="個人情報"
    )
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed) as exc:
        services.comment_create(author=resident2, proposal=proposal, body="コメント")
    assert exc.value.code == "hidden"


def test_comment_edit_marks_edited(comment, resident2):
    edited = services.comment_edit(
        actor=resident2, comment=comment, body="書き直しました"
    )
    assert edited.body == "書き直しました"
    assert edited.edited_at is not None


def test_comment_delete_keeps_row_and_replies(proposal, resident, resident2):
    root = services.comment_create(author=resident2, proposal=proposal, body="元の発言")
    reply = services.comment_create(
        author=resident, proposal=proposal, body="返信です", parent=root
    )
    services.comment_delete(actor=resident2, comment=root)
    root.refresh_from_db()
    proposal.refresh_from_db()
    assert root.deleted_at is not None
    assert Comment.objects.filter(pk=reply.pk, parent=root).exists()
    assert proposal.comment_count == 1


def test_comment_delete_by_someone_else_is_refused(comment, resident):
    with pytest.raises(NotAllowed):
        services.comment_delete(actor=resident, comment=comment)


def test_comment_vote_toggles_and_switches(comment, resident):
    assert services.comment_vote(user=resident, comment=comment, value=1) == 1
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (1, 0)
    assert services.comment_vote(user=resident, comment=comment, value=1) == 0
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    assert services.comment_vote(user=resident, comment=comment, value=-1) == -1
    assert services.comment_vote(user=resident, comment=comment, value=1) == 1
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (1, 0)
    assert CommentVote.objects.filter(comment=comment).count() == 1


def test_comment_vote_on_own_comment_is_refused(comment, resident2):
    with pytest.raises(NotAllowed):
        services.comment_vote(user=resident2, comment=comment, value=1)


def test_comment_vote_with_other_value_is_refused(comment, resident):
    with pytest.raises(Invalid):
        services.comment_vote(user=resident, comment=comment, value=5)


# --- recount --------------------------------------------------------------------


def test_recount_fixes_drifted_counters_and_reports_rows(proposal, resident2):
    factories.SupportFactory(proposal=proposal, user=resident2)  # bypasses the counter
    factories.CommentFactory(proposal=proposal)
    untouched = factories.ProposalFactory()
    assert services.recount() == 1
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.comment_count) == (1, 1)
    assert services.recount(proposal_ids=[proposal.pk, untouched.pk]) == 0


def test_recount_comment_votes_fixes_drift(comment, resident):
    CommentVote.objects.create(comment=comment, user=resident, value=-1)
    assert services.recount_comment_votes() == 1
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
