"""The proposal page's thread: pages of top-level comments, permissions judged once
per page, replies found by their thread's root."""

from __future__ import annotations

import pytest
import rules as rules_lib
from django.urls import reverse
from django.utils import timezone

from participation.moderation import rules as moderation_rules
from proposals import rules, selectors
from proposals.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = selectors.THREAD_PAGE_SIZE


def _threads(proposal, n, **extra):
    roots = []
    for _ in range(n):
        root = factories.CommentFactory(proposal=proposal, **extra)
        reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
        factories.CommentFactory(proposal=proposal, parent=reply, depth=2)
        roots.append(root)
    return roots


def _ids(response):
    return [node.comment.pk for node in response.context["comments"]]


def test_replies_know_the_root_of_their_thread(proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    deepest = factories.CommentFactory(proposal=proposal, parent=reply, depth=2)
    assert root.root_id is None
    assert reply.root_id == root.pk
    assert deepest.root_id == root.pk


def test_the_page_shows_the_first_page_of_top_level_comments_and_a_link_on(
    client, proposal
):
    roots = _threads(proposal, PAGE + 3)
    response = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert _ids(response) == [r.pk for r in roots[:PAGE]]
    html = response.content.decode()
    assert f'id="comment-{roots[PAGE - 1].pk}"' in html
    assert f'id="comment-{roots[PAGE].pk}"' not in html
    # The replies of a shown comment are there too.
    assert all(len(n.children) == 1 for n in response.context["comments"])
    # A plain link (no JavaScript needed) to the next page of the thread.
    more = (
        f'href="/proposals/{proposal.pk}/?comments=oldest&amp;cpage=2#comments-heading"'
    )
    assert more in html
    page2 = client.get(
        reverse("proposals:detail", args=[proposal.pk]),
        {"comments": "oldest", "cpage": 2},
    )
    assert _ids(page2) == [r.pk for r in roots[PAGE:]]
    assert 'rel="next"' not in page2.content.decode()
    assert "Previous comments" in page2.content.decode()


def test_the_more_link_loads_the_next_page_as_a_fragment(client, proposal):
    roots = _threads(proposal, PAGE + 2)
    url = reverse("proposals:comment_page", args=[proposal.pk])
    response = client.get(url, {"comments": "newest", "cpage": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-thread-items" in html
    assert "<html" not in html
    # Newest first: page 2 holds the two oldest threads.
    assert _ids(response) == [roots[1].pk, roots[0].pk]
    assert 'rel="next"' not in html


def test_thread_pages_keep_the_order_asked_for(client, proposal):
    low, high, mid = _threads(proposal, 3)
    Comment.objects.filter(pk=high.pk).update(upvotes=5)
    Comment.objects.filter(pk=mid.pk).update(upvotes=2)
    url = reverse("proposals:detail", args=[proposal.pk])
    assert _ids(client.get(url, {"comments": "best"})) == [high.pk, mid.pk, low.pk]
    assert _ids(client.get(url, {"comments": "newest"})) == [mid.pk, high.pk, low.pk]


@pytest.mark.parametrize("order", ["oldest", "newest", "best"])
def test_a_link_to_a_reply_opens_the_page_that_holds_its_thread(
    client, proposal, order
):
    roots = _threads(proposal, PAGE * 2 + 5)
    for n, root in enumerate(roots):
        Comment.objects.filter(pk=root.pk).update(upvotes=n % 7)
    target_root = roots[PAGE + 3]
    deepest = Comment.objects.filter(root=target_root, depth=2).get()
    url = deepest.get_absolute_url()
    assert url == f"/proposals/{proposal.pk}/?comment={deepest.pk}#comment-{deepest.pk}"
    response = client.get(f"{url.split('#')[0]}&comments={order}")
    assert f'id="comment-{deepest.pk}"' in response.content.decode()


def test_a_comment_of_another_proposal_or_garbage_opens_page_one(client, proposal):
    _threads(proposal, 2)
    other = factories.CommentFactory()
    url = reverse("proposals:detail", args=[proposal.pk])
    for value in (str(other.pk), "abc", "-1", "9" * 30):
        assert client.get(url, {"comment": value}).context["thread"].number == 1
    for value in ("abc", "0", "-3", "9" * 30):
        assert client.get(url, {"cpage": value}).context["thread"].number == 1


def test_a_reply_posted_on_a_later_page_comes_back_to_that_page(
    client, proposal, resident2
):
    roots = _threads(proposal, PAGE + 2)
    client.force_login(resident2)
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {
            "body": "後のページへの返信です",
            "parent": roots[-1].pk,
            "alignment": "neutral",
        },
    )
    assert response.status_code == 302
    landing = client.get(response["Location"].split("#")[0])
    assert "後のページへの返信です" in landing.content.decode()


def test_the_bytes_of_the_page_do_not_grow_with_the_thread(client, proposal):
    url = reverse("proposals:detail", args=[proposal.pk])
    _threads(proposal, PAGE)
    one_page = len(client.get(url).content)
    _threads(proposal, PAGE * 4)
    five_pages = len(client.get(url).content)
    assert five_pages < one_page * 1.05


class _Counter:
    def __init__(self, monkeypatch):
        self.calls = 0
        original_test = rules_lib.Predicate.test

        def counting_test(predicate, *args, **kwargs):
            self.calls += 1
            return original_test(predicate, *args, **kwargs)

        monkeypatch.setattr(rules_lib.Predicate, "test", counting_test)
        for name in ("moderate_refusal", "report_refusal"):
            original = getattr(moderation_rules, name)
            monkeypatch.setattr(moderation_rules, name, self._wrap(original))

    def _wrap(self, fn):
        def counting(*args, **kwargs):
            self.calls += 1
            return fn(*args, **kwargs)

        return counting


@pytest.mark.parametrize("who", ["anonymous", "resident", "facilitator"])
def test_permissions_are_judged_once_per_page_not_per_comment(
    client, proposal, resident2, facilitator, monkeypatch, who
):
    if who != "anonymous":
        client.force_login(resident2 if who == "resident" else facilitator)
    url = reverse("proposals:detail", args=[proposal.pk])
    _threads(proposal, 2)
    factories.CommentFactory(proposal=proposal, author=resident2)
    client.get(url)
    counter = _Counter(monkeypatch)
    client.get(url)
    few = counter.calls
    _threads(proposal, PAGE)
    counter.calls = 0
    response = client.get(url)
    assert len(response.context["comments"]) == PAGE
    assert counter.calls == few


def _others(resident2, facilitator, blocked_user):
    return [None, resident2, facilitator, blocked_user]


@pytest.mark.parametrize("phase_open", [True, False])
def test_page_capabilities_give_the_answers_of_the_per_comment_rules(
    proposal, resident, resident2, facilitator, unverified, phase_open
):
    from participation.moderation.models import Block

    blocked_user = factories.UserFactory()
    Block.objects.create(user=blocked_user, reason="r")
    if not phase_open:
        phase = proposal.process.current_phase
        phase.allows_commenting = False
        phase.save()
    mine = factories.CommentFactory(proposal=proposal, author=resident2)
    theirs = factories.CommentFactory(proposal=proposal, author=resident)
    deleted = factories.CommentFactory(
        proposal=proposal, author=resident2, deleted_at=timezone.now()
    )
    hidden = factories.CommentFactory(
        proposal=proposal, author=resident2, hidden_at=timezone.now()
    )
    from django.contrib.auth.models import AnonymousUser

    for user in [
        AnonymousUser(),
        resident,
        resident2,
        facilitator,
        unverified,
        blocked_user,
    ]:
        caps = rules.thread_capabilities(user, proposal)
        assert caps.can_reply == (rules.comment_refusal(user, proposal) is None)
        assert caps.can_view_hidden == bool(rules.can_view_hidden(user, proposal))
        assert caps.can_moderate == (
            moderation_rules.moderate_refusal(user, proposal) is None
        )
        for comment in (mine, theirs, deleted, hidden):
            comment.proposal = proposal
            shown = not comment.is_deleted and not comment.is_hidden
            own = comment.author_id == caps.viewer_id
            assert (caps.can_vote and not own and shown) == (
                rules.comment_vote_refusal(user, comment) is None
            )
            assert (caps.can_edit_own and own and shown) == (
                rules.comment_edit_refusal(user, comment) is None
            )
            assert (caps.can_delete_own and own and not comment.is_deleted) == (
                rules.comment_delete_refusal(user, comment) is None
            )
            assert (caps.can_report and not own and shown) == (
                moderation_rules.report_refusal(user, comment) is None
            )


def test_replies_are_loaded_by_their_thread_root(proposal, django_assert_num_queries):
    roots = _threads(proposal, 2)
    with django_assert_num_queries(2) as captured:  # reply counts, replies
        nodes = selectors.comment_subtrees(roots, None)
    sql = captured.captured_queries[1]["sql"]
    where = sql.split("WHERE")[1]
    assert '"root_id" = ' in where and "parent_id" not in where
    assert [len(n.children[0].children) for n in nodes] == [1, 1]
