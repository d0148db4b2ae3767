from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from proposals import fragments, rules, selectors
from proposals.models import CommentVote
from tests import factories

pytestmark = pytest.mark.django_db


def test_title_terms_use_bigrams_for_japanese():
    assert {"駐輪", "輪場"} <= selectors.title_terms("駐輪場")


def test_title_terms_use_words_for_english():
    assert selectors.title_terms("More benches for the park") == {
        "more",
        "benches",
        "park",
    }


def test_similar_proposals_skip_hidden_and_withdrawn(process, facilitator):
    factories.ProposalFactory(
        process=process, title="駅前の駐輪場に屋根を", hidden_at=timezone.now()
    )
    factories.ProposalFactory(
        process=process, title="駅前の駐輪場を広げる", state="withdrawn"
    )
    visible = factories.ProposalFactory(process=process, title="駅前の駐輪場を無料に")
    found = selectors.similar_proposals(process, "駅前の駐輪場")
    assert found == [visible]


def test_similar_proposals_stay_in_their_process(process):
    factories.ProposalFactory(title="駅前の駐輪場を無料にする")
    assert selectors.similar_proposals(process, "駅前の駐輪場") == []


def test_comment_tree_nests_replies_and_carries_my_vote(proposal, resident):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    CommentVote.objects.create(comment=reply, user=resident, value=-1)
    roots = selectors.comment_tree(proposal, resident)
    assert [n.comment for n in roots] == [root]
    assert roots[0].children[0].comment == reply
    assert roots[0].children[0].my_vote == -1


def test_comment_subtrees_carry_their_first_replies_and_my_votes_in_three_queries(
    proposal, resident, django_assert_num_queries
):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    deepest = factories.CommentFactory(proposal=proposal, parent=reply, depth=2)
    other = factories.CommentFactory(proposal=proposal)
    CommentVote.objects.create(comment=deepest, user=resident, value=1)
    with django_assert_num_queries(3):  # reply counts, replies, the viewer's votes
        nodes = selectors.comment_subtrees([root, other], resident)
    assert [n.comment for n in nodes] == [root, other]
    assert nodes[0].children[0].comment == reply
    assert nodes[0].children[0].children[0].comment == deepest
    assert nodes[0].children[0].children[0].my_vote == 1
    assert nodes[1].children == []


def test_comment_subtrees_stop_after_the_first_replies_and_say_how_many_are_left(
    proposal,
):
    root = factories.CommentFactory(proposal=proposal)
    replies = [
        factories.CommentFactory(proposal=proposal, parent=root, depth=1)
        for _ in range(selectors.REPLIES_SHOWN + 2)
    ]
    (node,) = selectors.comment_subtrees([root], None)
    assert [n.comment for n in node.children] == replies[: selectors.REPLIES_SHOWN]
    assert (node.reply_total, node.replies_hidden) == (len(replies), 2)
    assert node.more_after == replies[selectors.REPLIES_SHOWN - 1].pk


def test_reply_counts_annotated_on_the_comments_cost_no_query_of_their_own(
    proposal, django_assert_num_queries
):
    root = factories.CommentFactory(proposal=proposal)
    factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    annotated = list(selectors.root_comments(proposal))
    with django_assert_num_queries(1):  # the replies (no votes for anonymous)
        (node,) = selectors.comment_subtrees(annotated, None)
    assert node.reply_total == 1


def test_comment_subtree_of_a_reply_holds_only_what_is_below_it(proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    deepest = factories.CommentFactory(proposal=proposal, parent=reply, depth=2)
    node = selectors.comment_subtree(reply, None)
    assert node.comment == reply
    assert [n.comment for n in node.children] == [deepest]


def test_comment_subtree_attaches_the_proposal_it_is_given(proposal):
    root = factories.CommentFactory(proposal=proposal)
    factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    loaded = selectors.comment_by_id(root.pk)
    node = selectors.comment_subtree(loaded, None, proposal=proposal)
    assert node.comment.proposal is proposal
    assert node.children[0].comment.proposal is proposal


def test_comment_tree_newest_first_reverses_top_level_only(proposal):
    first = factories.CommentFactory(proposal=proposal)
    second = factories.CommentFactory(proposal=proposal)
    roots = selectors.comment_tree(proposal, None, order="newest")
    assert [n.comment for n in roots] == [second, first]


def test_alignment_counts_leave_out_deleted_and_hidden(proposal):
    factories.CommentFactory(proposal=proposal, alignment="favour")
    factories.CommentFactory(
        proposal=proposal, alignment="favour", deleted_at=timezone.now()
    )
    factories.CommentFactory(
        proposal=proposal, alignment="against", hidden_at=timezone.now()
    )
    counts = selectors.alignment_counts(selectors.comment_tree(proposal, None))
    assert counts == {"favour": 1, "against": 0, "neutral": 0}


def test_comment_template_renders_alone_for_the_live_layer(proposal, resident):
    """The live layer renders _comment.html without a request; it must work."""
    comment = factories.CommentFactory(proposal=proposal, body="ライブで届くコメント")
    node = selectors.comment_subtree(comment, resident, proposal=proposal)
    html = render_to_string(
        "proposals/_comment.html",
        {
            "node": node,
            "proposal": proposal,
            "user": resident,
            "caps": rules.thread_capabilities(resident, proposal),
        },
    )
    assert f'id="comment-{comment.pk}"' in html
    assert "ライブで届くコメント" in html
    assert 'value="up"' in html  # the resident may vote


def test_comment_fragment_loads_the_comment_its_proposal_and_vote_in_two_queries(
    proposal, resident, django_assert_num_queries
):
    root = factories.CommentFactory(proposal=proposal)
    factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    CommentVote.objects.create(comment=root, user=resident, value=1)
    with django_assert_num_queries(2):
        loaded_proposal, node = fragments.comment_subtree(root.pk, resident)
        assert loaded_proposal.process.slug == proposal.process.slug
        assert node.comment.proposal is loaded_proposal
    # The page holds the replies: the live layer swaps or inserts the comment alone.
    assert node.children == []
    assert node.my_vote == 1
    assert fragments.comment_subtree(424242, resident) is None


# --- the proposal a support acts on (one query: the write path, make bench-writes)


def test_proposal_to_support_reads_the_running_phase_with_it(
    proposal, django_assert_num_queries
):
    running = proposal.process.phases.get()
    with django_assert_num_queries(1):
        loaded = selectors.proposal_to_support(proposal.pk)
        phase = loaded.process.current_phase
        assert (phase.pk, phase.allows_supporting) == (running.pk, True)
        assert loaded.process.slug == proposal.process.slug
    assert phase.title == running.title  # the rest of the phase loads when read


def test_proposal_to_support_knows_when_no_phase_runs(db):
    from datetime import timedelta

    process = factories.ProcessFactory(open_phase=False)
    factories.PhaseFactory(
        process=process,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=1),
    )
    factories.PhaseFactory(
        process=process,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=30),
    )
    proposal = factories.ProposalFactory(process=process)
    loaded = selectors.proposal_to_support(proposal.pk)
    assert loaded.process.current_phase is None
    assert rules.support_refusal(factories.UserFactory(), loaded).code == "phase_closed"


def test_proposal_to_support_reads_the_requirement_for_supporting(
    proposal, django_assert_num_queries
):
    from participation.verification.models import Action, Level, Requirement
    from participation.verification.rules import required_level

    Requirement.objects.create(
        process=proposal.process, action=Action.SUPPORT, level=Level.DECLARED
    )
    Requirement.objects.create(
        process=proposal.process, action=Action.PROPOSE, level=Level.CONFIRMED
    )
    loaded = selectors.proposal_to_support(proposal.pk)
    with django_assert_num_queries(0):
        assert required_level(loaded.process, Action.SUPPORT) == Level.DECLARED
    # Another action's level is not guessed from what was read: it is asked.
    with django_assert_num_queries(1):
        assert required_level(loaded.process, Action.PROPOSE) == Level.CONFIRMED


def test_a_requirement_for_every_action_covers_supporting(proposal):
    from participation.verification.models import Action, Level, Requirement
    from participation.verification.rules import required_level

    Requirement.objects.create(
        process=proposal.process, action=Action.ALL, level=Level.CONFIRMED
    )
    loaded = selectors.proposal_to_support(proposal.pk)
    assert required_level(loaded.process, Action.SUPPORT) == Level.CONFIRMED


def test_proposal_to_support_leaves_draft_processes_out(db):
    from proposals.models import Proposal

    draft = factories.ProcessFactory(status="draft")
    proposal = factories.ProposalFactory(process=draft)
    with pytest.raises(Proposal.DoesNotExist):
        selectors.proposal_to_support(proposal.pk)
