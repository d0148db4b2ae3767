"""The API's threads are bounded like the page's: each comment carries its first
replies, how many it has and where the rest are (a flat, cursor-paginated list)."""

from __future__ import annotations

import pytest

from proposals import selectors
from tests import factories
from tests.api.conftest import body

pytestmark = pytest.mark.django_db

SHOWN = selectors.REPLIES_SHOWN


def test_a_thread_gives_its_first_replies_their_count_and_the_next_link(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 10)
    (item,) = body(api.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"]
    assert [r["id"] for r in item["replies"]] == [r.pk for r in replies[:SHOWN]]
    assert item["reply_count"] == 10
    assert item["replies_next"].endswith(
        f"/api/v1/comments/{root.pk}/replies/?after={replies[SHOWN - 1].pk}"
    )


def test_a_thread_with_all_its_replies_shown_has_no_next_link(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    factories.replies_below(root, SHOWN)
    (item,) = body(api.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"]
    assert item["reply_count"] == SHOWN
    assert item["replies_next"] is None


def test_the_replies_endpoint_walks_every_later_reply_once_in_order(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 12)
    deeper = factories.replies_below(root, 2, parent=replies[0], start=50)
    url = f"/api/v1/comments/{root.pk}/replies/?after={replies[SHOWN - 1].pk}"
    seen = []
    while url:
        page = body(api.get(url + ("&" if "?" in url else "?") + "page_size=4"))
        seen += [(r["id"], r["parent"]) for r in page["results"]]
        url = page["next"]
        if url:
            url = url.split("&page_size")[0]
    expected = [(r.pk, root.pk) for r in replies[SHOWN:]]
    expected += [(r.pk, replies[0].pk) for r in deeper]
    assert seen == expected


def test_the_replies_of_a_reply_are_its_direct_replies(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.replies_below(root, 1)[0]
    below = factories.replies_below(root, 2, parent=reply, start=1)
    factories.replies_below(root, 2, start=10)
    page = body(api.get(f"/api/v1/comments/{reply.pk}/replies/"))
    assert [r["id"] for r in page["results"]] == [r.pk for r in below]


def test_a_cursor_of_another_thread_is_refused_with_a_message(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    other = factories.CommentFactory(proposal=proposal)
    stranger = factories.replies_below(other, 1)[0]
    for after in (str(stranger.pk), "abc"):
        response = api.get(f"/api/v1/comments/{root.pk}/replies/?after={after}")
        assert response.status_code == 400
        assert "after" in body(response)["field_errors"]


def test_the_deepest_replies_have_no_replies_endpoint(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.replies_below(root, 1)[0]
    deepest = factories.replies_below(root, 1, parent=reply, start=1)[0]
    assert api.get(f"/api/v1/comments/{deepest.pk}/replies/").status_code == 404


def test_a_comment_resource_gives_only_its_first_replies(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 40)
    data = body(api.get(f"/api/v1/comments/{root.pk}/"))
    assert [r["id"] for r in data["replies"]] == [r.pk for r in replies[:SHOWN]]
    assert data["reply_count"] == 40


def test_long_threads_cost_the_queries_of_short_ones(
    api, proposal, django_assert_num_queries
):
    url = f"/api/v1/proposals/{proposal.pk}/comments/"
    short = factories.CommentFactory(proposal=proposal)
    factories.replies_below(short, 1)
    # the proposal, a page of top-level comments with their reply counts, the
    # first replies of each
    with django_assert_num_queries(3):
        api.get(url)
    for _ in range(5):
        factories.replies_below(factories.CommentFactory(proposal=proposal), 200)
    with django_assert_num_queries(3):
        results = body(api.get(url))["results"]
    assert sum(len(item["replies"]) for item in results) == 1 + 5 * SHOWN


def test_the_replies_endpoint_costs_the_same_queries_whatever_the_length(
    api, proposal, django_assert_num_queries
):
    root = factories.CommentFactory(proposal=proposal)
    replies = factories.replies_below(root, 5)
    url = f"/api/v1/comments/{root.pk}/replies/?after={replies[0].pk}"
    # the comment, the cursor's key, the page
    with django_assert_num_queries(3):
        api.get(url)
    factories.replies_below(root, 500, start=10)
    with django_assert_num_queries(3):
        assert len(body(api.get(url))["results"]) == 20
