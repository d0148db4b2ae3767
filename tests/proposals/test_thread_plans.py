"""The comment-thread queries are served by indexes (EXPLAIN on PostgreSQL).

The API's reply filter once read ``parent_id IN (…) OR parent.parent_id IN (…)``
and made PostgreSQL scan every comment twice per page. Replies now carry the root
of their thread, and a page of threads is one lookup in ``comment_thread_idx``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals import selectors
from proposals.models import Comment
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"
    ),
]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_threads(db):
    """Enough comments on many proposals that a scan would be the planner's choice
    if no index served the filter."""
    author = factories.UserFactory()
    proposals = [factories.ProposalFactory() for _ in range(20)]
    roots = Comment.objects.bulk_create(
        Comment(proposal=p, author=author, body="root", body_html="<p>root</p>")
        for p in proposals
        for _ in range(100)
    )
    Comment.objects.bulk_create(
        Comment(
            proposal_id=r.proposal_id,
            author=author,
            parent=r,
            root=r,
            depth=1,
            body="reply",
            body_html="<p>reply</p>",
        )
        for r in roots
        for _ in range(2)
    )
    # The first threads of the first proposal are long (hundreds of replies, some
    # of them replies to a reply).
    for root in roots[:3]:
        Comment.objects.bulk_create(
            Comment(
                proposal_id=root.proposal_id,
                author=author,
                parent=root,
                root=root,
                depth=1,
                body="reply",
                body_html="<p>reply</p>",
            )
            for _ in range(300)
        )
    first = Comment.objects.filter(root=roots[0]).order_by("created_at", "id").first()
    Comment.objects.bulk_create(
        Comment(
            proposal_id=first.proposal_id,
            author=author,
            parent=first,
            root=roots[0],
            depth=2,
            body="deeper",
            body_html="<p>deeper</p>",
        )
        for _ in range(100)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_comment")
    return roots


def _plans_of(run) -> list[tuple[str, str]]:
    """The SQL and the EXPLAIN plan of every query ``run`` makes."""
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_replies_of_a_page_of_threads_use_the_thread_index(many_threads):
    roots = many_threads[:20]
    plans = _plans_of(lambda: selectors.comment_subtrees(roots, None))
    assert len(plans) == 2  # reply counts, the first replies
    for sql, plan in plans:
        assert "Seq Scan on proposals_comment" not in plan, (sql, plan)
    assert "comment_thread_idx" in plans[1][1], plans[1][1]


def test_a_page_of_the_thread_with_reply_counts_uses_indexes(many_threads):
    proposal = many_threads[0].proposal
    for order in ("oldest", "newest", "best"):
        plans = _plans_of(
            lambda order=order: selectors.thread_page(proposal, None, order=order)
        )
        for sql, plan in plans:
            assert "Seq Scan on proposals_comment" not in plan, (order, sql, plan)


def test_a_page_of_replies_after_a_cursor_uses_the_thread_index(many_threads):
    root = many_threads[0]
    after = Comment.objects.filter(root=root).order_by("created_at", "id")[2]
    plans = _plans_of(lambda: selectors.replies_after(root, None, after=after.pk))
    for sql, plan in plans:
        assert "Seq Scan on proposals_comment" not in plan, (sql, plan)
    # The cursor's key is a primary-key lookup; the page and its counts read the
    # thread's index.
    assert len(plans) == 3, plans
    assert all("comment_thread_idx" in plan for _sql, plan in plans[1:]), plans


def test_the_api_replies_of_a_thread_and_of_a_reply_use_indexes(many_threads):
    root = many_threads[0]
    reply = Comment.objects.filter(root=root).order_by("created_at", "id").first()
    for comment in (root, reply):
        queryset = selectors.replies_below(comment).order_by("created_at", "id")[:21]
        plan = _plan(queryset)
        assert "Seq Scan on proposals_comment" not in plan, plan


def test_a_page_of_top_level_comments_uses_an_index(many_threads):
    proposal = many_threads[0].proposal
    for order in ("oldest", "newest", "best"):
        plan = _plan(selectors._roots_in_order(proposal, order)[:21])
        assert "Seq Scan on proposals_comment" not in plan, (order, plan)
