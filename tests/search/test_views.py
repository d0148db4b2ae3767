"""The /search/ page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(process):
    return factories.ProposalFactory(
        process=process, title="駅前の公園に日陰を", body="<b>公園</b>は暑い。"
    )


def test_search_page_without_query_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_search_page_highlights_matches_in_escaped_text(client, park):
    response = client.get("/search/", {"q": "公園"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "駅前の<mark>公園</mark>に日陰を" in html
    assert "&lt;b&gt;<mark>公園</mark>&lt;/b&gt;" in html
    assert "<b>公園</b>" not in html


def test_search_page_shows_counts_per_type(client, park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="公園のベンチ")
    html = client.get("/search/", {"q": "公園"}).content.decode()
    assert "2 results" in html


def test_search_page_type_tab_filters_results(client, park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="公園のベンチ")
    html = client.get("/search/", {"q": "公園", "type": "comment"}).content.decode()
    assert "1 result " in html
    assert "Comment on" in html


def test_search_page_never_shows_hidden_content(client, park):
    park.hidden_at = timezone.now()
    park.save(update_fields=["hidden_at"])
    html = client.get("/search/", {"q": "公園"}).content.decode()
    assert "日陰" not in html
    assert "Nothing matched." in html


def test_search_page_refuses_an_overlong_query_with_400(client):
    response = client.get("/search/", {"q": "公" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


def test_search_page_refuses_an_unknown_process_with_400(client, park):
    response = client.get("/search/", {"q": "公園", "process": "no-such-process"})
    assert response.status_code == 400
    assert "There is no such process." in response.content.decode()


def test_search_page_refuses_an_unknown_type_with_400(client, park):
    response = client.get("/search/", {"q": "公園", "type": "users"})
    assert response.status_code == 400


def test_search_page_refuses_a_punctuation_only_query_with_400(client):
    response = client.get("/search/", {"q": "?!"})
    assert response.status_code == 400
    assert "letters or numbers" in response.content.decode()


def test_search_page_filters_by_process(client, park):
    other = factories.ProcessFactory()
    factories.ProposalFactory(process=other, title="別の公園の話")
    html = client.get("/search/", {"q": "公園", "process": other.slug}).content.decode()
    assert "別の<mark>公園</mark>の話" in html
    assert "駅前" not in html


def test_search_page_out_of_range_page_shows_the_last_page(client, park):
    response = client.get("/search/", {"q": "公園", "page": "99"})
    assert response.status_code == 200
    assert "駅前の<mark>公園</mark>" in response.content.decode()


def test_search_page_query_count_does_not_grow_with_results(
    client, process, resident, department, official
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from responses.models import ResponseComment
    from tests.search.test_search_responses import enter, publish

    def add(n):
        for i in range(n):
            p = factories.ProposalFactory(process=process, title=f"公園その{i}")
            factories.CommentFactory(
                proposal=p, author=resident, body=f"公園コメント{i}"
            )
            response = publish([enter(p, department)], official, f"回答{i}")
            ResponseComment.objects.create(
                response=response, proposal=p, author=resident, body=f"公園の回答へ{i}"
            )

    add(8)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/search/", {"q": "公園", "sort": "newest"})
    html = response.content.decode()
    assert html.count('class="card search-hit') == 20
    assert "search-hit-response_comment" in html
    add(20)
    with CaptureQueriesContext(connection) as more:
        client.get("/search/", {"q": "公園", "sort": "newest"})
    # processes for the filter, (SQLite) candidates in the full-text index, counts
    # per type, one page of documents, its proposals, its comments and its
    # comments on responses (with their responses).
    assert len(few.captured_queries) == len(more.captured_queries) <= 10
