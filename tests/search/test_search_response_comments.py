"""Comments on responses are a search source of their own (responses/search.py):
indexed on insert and edit, gone when hidden, deleted or their proposal hidden,
shown linking to the comment on the response's page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from participation.search import index
from participation.search.models import SearchDocument
from portal.search import selectors
from responses import services
from responses.models import ResponseComment
from responses.search import RESPONSE_COMMENT
from tests.search.test_search_responses import enter, publish

pytestmark = pytest.mark.django_db

TEXT = "回答の遊具の更新はいつ頃になりますか"


def found(q: str, **filters) -> set[tuple[str, int]]:
    return {(d.kind_slug, d.object_id) for d in selectors.search(q, **filters)}


@pytest.fixture
def response(proposal, department, official):
    return publish([enter(proposal, department)], official, "来年度に対応します。")


@pytest.fixture
def comment(response, proposal, resident2):
    return ResponseComment.objects.create(
        response=response, proposal=proposal, author=resident2, body=TEXT
    )


def test_comment_on_a_response_is_found(comment):
    assert found("遊具の更新") == {("response_comment", comment.pk)}


def test_comment_is_found_by_its_type(comment):
    assert found("遊具", kind="response_comment") == {("response_comment", comment.pk)}
    assert found("遊具", kind="comment") == set()


def test_edit_replaces_the_searchable_text(comment):
    comment.body = "ベンチの設置もお願いします"
    comment.save()
    assert found("遊具") == set()
    assert found("ベンチ") == {("response_comment", comment.pk)}


def test_hidden_comment_is_not_found(comment, facilitator):
    comment.hidden_at = timezone.now()
    comment.hidden_by = facilitator
    comment.save()
    assert found("遊具") == set()
    assert not SearchDocument.objects.filter(kind=RESPONSE_COMMENT).exists()


def test_unhidden_comment_is_found_again(comment):
    comment.hidden_at = timezone.now()
    comment.save()
    comment.hidden_at = None
    comment.save()
    assert found("遊具") == {("response_comment", comment.pk)}


def test_comment_deleted_by_its_author_is_not_found(comment, resident2):
    services.response_comment_delete(actor=resident2, comment=comment)
    assert found("遊具") == set()


def test_removed_comment_row_leaves_no_document(comment):
    comment.delete()
    assert not SearchDocument.objects.filter(kind=RESPONSE_COMMENT).exists()


def test_comment_of_a_hidden_proposal_is_not_found(comment, proposal):
    proposal.hidden_at = timezone.now()
    proposal.save()
    assert found("遊具") == set()
    proposal.hidden_at = None
    proposal.save()
    assert found("遊具") == {("response_comment", comment.pk)}


def test_comment_written_on_a_hidden_proposal_is_not_found(
    response, proposal, resident2
):
    proposal.hidden_at = timezone.now()
    proposal.save()
    ResponseComment.objects.create(
        response=response, proposal=proposal, author=resident2, body=TEXT
    )
    assert found("遊具") == set()


def test_comment_follows_its_proposals_state(comment, proposal):
    proposal.state = "withdrawn"
    proposal.save()
    assert found("遊具", status="withdrawn") == {("response_comment", comment.pk)}


def test_hit_links_to_the_comment_on_the_response_page(comment, response):
    documents = selectors.search("遊具")
    (hit,) = selectors.hits(documents, "遊具")
    assert hit.url == f"{response.get_absolute_url()}#response-comment-{comment.pk}"
    assert hit.kind == "response_comment"
    assert hit.author_name == comment.author.real_name
    assert "<mark>遊具</mark>" in hit.snippet


def test_search_page_shows_the_comment_and_its_tab(client, comment):
    html = client.get("/search/", {"q": "遊具"}).content.decode()
    assert f"#response-comment-{comment.pk}" in html
    assert "Comments on responses" in html
    assert "Comment on the response to" in html


def test_search_page_filters_by_the_new_type(client, comment):
    response = client.get("/search/", {"q": "遊具", "type": "response_comment"})
    assert response.status_code == 200
    assert f"#response-comment-{comment.pk}" in response.content.decode()


def test_api_accepts_the_new_type(client, comment):
    response = client.get("/api/v1/search/", {"q": "遊具", "type": "response_comment"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [comment.pk]


def test_rebuild_writes_the_comments_again(comment):
    index.rebuild()
    assert found("遊具の更新") == {("response_comment", comment.pk)}


def test_rebuild_leaves_out_hidden_and_deleted_comments(comment, response, proposal):
    ResponseComment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())
    index.rebuild()
    assert not SearchDocument.objects.filter(kind=RESPONSE_COMMENT).exists()


def test_sync_adds_a_missing_comment_keeping_other_ids(comment, proposal):
    proposal_id = SearchDocument.objects.get(kind=1, object_id=proposal.pk).pk
    SearchDocument.objects.filter(kind=RESPONSE_COMMENT).delete()
    assert index.sync() == 1
    assert found("遊具") == {("response_comment", comment.pk)}
    assert SearchDocument.objects.get(kind=1, object_id=proposal.pk).pk == proposal_id


def test_sync_changes_nothing_when_in_step(comment):
    assert index.sync() == 0
