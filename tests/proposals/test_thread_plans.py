"""The comment-thread queries are served by indexes (EXPLAIN on PostgreSQL).

The API's reply filter once read ``parent_id IN (…) OR parent.parent_id IN (…)``
and made PostgreSQL scan every comment twice per page. Replies now carry the root
of their thread, and a page of threads is one lookup in ``comment_thread_idx``.
"""

from __future__ import annotations

import pytest
from django.db import connection

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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_comment")
    return roots


def test_replies_of_a_page_of_threads_use_the_thread_index(many_threads, monkeypatch):
    roots = many_threads[:20]
    captured = []
    original = Comment.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        captured.append(queryset)
        return queryset

    monkeypatch.setattr(Comment.objects, "filter", spy)
    selectors.comment_subtrees(roots, None)
    monkeypatch.undo()
    (replies,) = captured
    plan = _plan(replies.order_by("created_at", "id"))
    assert "Seq Scan on proposals_comment" not in plan, plan
    assert "Index Cond: (root_id" in plan, plan


def test_a_page_of_top_level_comments_uses_an_index(many_threads):
    proposal = many_threads[0].proposal
    for order in ("oldest", "newest", "best"):
        plan = _plan(selectors._roots_in_order(proposal, order)[:21])
        assert "Seq Scan on proposals_comment" not in plan, (order, plan)
