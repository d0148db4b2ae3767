"""Replies in pages: each top-level comment shows its first replies and a "Show N
more replies" link (a page of its own without JavaScript, a fragment with it);
permalinks still land on any reply; the page costs the same whatever the length
of its sub-threads."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import selectors
from proposals.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db

SHOWN = selectors.REPLIES_SHOWN
BATCH = selectors.REPLIES_PAGE_SIZE


def _rendered_ids(html):
    return [int(n) for n in re.findall(r'data-comment-id="(\d+)"', html)]


def _detail(client, proposal, **params):
    return client.get(reverse("proposals:detail", args=[proposal.pk]), params)


def test_a_comment_shows_its_first_replies_in_the_order_they_were_written(
    client, proposal
):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 10)
    html = _detail(client, proposal).content.decode()
    shown = [pk for pk in _rendered_ids(html) if pk != root.pk]
    assert shown == [r.pk for r in replies[:SHOWN]]


def test_the_more_replies_link_works_without_javascript(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 10)
    html = _detail(client, proposal).content.decode()
    path = reverse("proposals:comment_replies", args=[root.pk])
    assert f'href="{path}?after={replies[SHOWN - 1].pk}"' in html
    assert f"Show {10 - SHOWN} more replies" in html


def test_a_comment_with_few_replies_has_no_more_link(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, SHOWN)
    assert "data-replies-more" not in _detail(client, proposal).content.decode()


def test_the_replies_page_shows_the_next_replies_and_a_link_to_the_ones_after(
    client, proposal
):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, SHOWN + BATCH + 5)
    response = client.get(
        reverse("proposals:comment_replies", args=[root.pk]),
        {"after": replies[SHOWN - 1].pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert _rendered_ids(html) == [
        root.pk,
        *(r.pk for r in replies[SHOWN : SHOWN + BATCH]),
    ]
    last = replies[SHOWN + BATCH - 1].pk
    assert f"?after={last}" in html
    assert "Show 5 more replies" in html


def test_the_last_replies_page_has_no_more_link(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, SHOWN + 2)
    html = client.get(
        reverse("proposals:comment_replies", args=[root.pk]),
        {"after": replies[SHOWN - 1].pk},
    ).content.decode()
    assert _rendered_ids(html) == [root.pk, *(r.pk for r in replies[SHOWN:])]
    assert "data-replies-more" not in html


def test_the_replies_fragment_holds_the_replies_and_the_next_link(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, SHOWN + BATCH + 1)
    response = client.get(
        reverse("proposals:comment_replies_fragment", args=[root.pk]),
        {"after": replies[SHOWN - 1].pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "data-reply-items" in html
    assert f'data-announce="{BATCH} more replies shown"' in html
    assert _rendered_ids(html) == [r.pk for r in replies[SHOWN : SHOWN + BATCH]]
    assert "Show 1 more reply" in html


def test_a_reply_whose_parent_is_on_an_earlier_page_says_what_it_answers(
    client, proposal
):
    root = factories.CommentFactory(proposal=proposal)
    first = factories.replies_below(root, SHOWN)
    answer = factories.replies_below(root, 1, parent=first[0], start=SHOWN)[0]
    html = client.get(
        reverse("proposals:comment_replies", args=[root.pk]),
        {"after": first[-1].pk},
    ).content.decode()
    parent_link = f"?comment={first[0].pk}#comment-{first[0].pk}"
    assert f'id="comment-{answer.pk}"' in html
    assert parent_link in html
    assert "In reply to an earlier reply" in html


@pytest.mark.parametrize("after", ["abc", "-1", "9" * 30])
def test_a_cursor_that_is_not_a_number_is_refused_with_a_message(
    client, proposal, after
):
    root = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, SHOWN + 1)
    response = client.get(
        reverse("proposals:comment_replies", args=[root.pk]), {"after": after}
    )
    assert response.status_code == 400
    assert "This link to more replies is not valid" in response.content.decode()


def test_a_cursor_of_another_thread_is_refused(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    other = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, SHOWN + 1)
    stranger = factories.replies_below(other, 1)[0]
    response = client.get(
        reverse("proposals:comment_replies_fragment", args=[root.pk]),
        {"after": stranger.pk},
    )
    assert response.status_code == 400


def test_replies_of_an_unknown_or_deepest_comment_are_not_found(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.replies_below(root, 1)[0]
    deepest = factories.replies_below(root, 1, parent=reply, start=1)[0]
    for pk in (424242, deepest.pk):
        url = reverse("proposals:comment_replies", args=[pk])
        assert client.get(url).status_code == 404


def test_replies_of_a_draft_process_are_not_found_for_the_public(client, proposal):
    from participation.spaces.models import ProcessStatus

    root = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, SHOWN + 1)
    proposal.process.status = ProcessStatus.DRAFT
    proposal.process.save()
    url = reverse("proposals:comment_replies", args=[root.pk])
    assert client.get(url).status_code == 404


def test_a_permalink_to_a_reply_far_down_a_long_thread_shows_it(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 60)
    parent = replies[40]
    target = factories.replies_below(root, 1, parent=parent, start=100)[0]
    url = target.get_absolute_url().split("#")[0]
    html = client.get(url).content.decode()
    ids = _rendered_ids(html)
    assert target.pk in ids and parent.pk in ids
    # Still bounded: the first replies, the target and its parent.
    assert len(ids) == 1 + SHOWN + 2


def test_a_permalink_keeps_the_more_link_counting_what_is_not_shown(client, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 30)
    html = client.get(replies[20].get_absolute_url().split("#")[0]).content.decode()
    assert f"Show {30 - SHOWN - 1} more replies" in html
    assert f"?after={replies[SHOWN - 1].pk}" in html


def test_a_reply_posted_far_down_a_long_thread_is_on_the_page_it_comes_back_to(
    client, proposal, resident2
):
    root = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, 40)
    client.force_login(resident2)
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {
            "body": "長いスレッドの最後の返信です",
            "parent": root.pk,
            "alignment": "neutral",
        },
    )
    assert response.status_code == 302
    landing = client.get(response["Location"].split("#")[0])
    assert "長いスレッドの最後の返信です" in landing.content.decode()


def _page_cost(client, proposal):
    url = reverse("proposals:detail", args=[proposal.pk])
    client.get(url)  # warm caches (the site's settings, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    html = response.content.decode()
    return len(queries), len(response.content), len(_rendered_ids(html))


def _threads(proposal, roots, replies_each):
    made = []
    for _ in range(roots):
        root = factories.CommentFactory(proposal=proposal)
        factories.replies_below(root, replies_each)
        made.append(root)
    return made


def test_long_sub_threads_cost_the_queries_and_bytes_of_short_ones(client):
    short = factories.ProposalFactory()
    _threads(short, selectors.THREAD_PAGE_SIZE, SHOWN + 1)
    long = factories.ProposalFactory(process=short.process)
    # 2,000 comments: 20 threads of 99 replies, the first of 500 beside them.
    roots = _threads(long, selectors.THREAD_PAGE_SIZE, 80)
    factories.replies_below(roots[0], 420, start=80)
    assert Comment.objects.filter(proposal=long).count() >= 2000
    short_queries, short_bytes, short_count = _page_cost(client, short)
    long_queries, long_bytes, long_count = _page_cost(client, long)
    assert long_queries == short_queries
    assert long_count == short_count == selectors.THREAD_PAGE_SIZE * (1 + SHOWN)
    assert long_bytes < short_bytes * 1.05


def test_the_replies_page_costs_the_same_queries_whatever_the_thread_length(
    client, proposal
):
    def cost(root, after):
        url = reverse("proposals:comment_replies_fragment", args=[root.pk])
        client.get(url, {"after": after})
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"after": after})
        return len(queries)

    short = factories.CommentFactory(proposal=proposal)
    short_replies = factories.replies_below(short, SHOWN + 2)
    long = factories.CommentFactory(proposal=proposal)
    long_replies = factories.replies_below(long, 600)
    assert cost(long, long_replies[SHOWN - 1].pk) == cost(
        short, short_replies[SHOWN - 1].pk
    )
