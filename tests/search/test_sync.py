"""The index follows its sources without renumbering: ``ensure()`` after missing or
changed triggers writes only the documents that differ (the upgrade check compares
every row of search_document before and after migrating). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from participation.search import index
from participation.search.models import SearchDocument
from portal.search import selectors
from proposals.models import Comment, Proposal
from tests import factories

pytestmark = pytest.mark.django_db


def rows() -> dict[tuple[int, int], tuple]:
    # On PostgreSQL the dictionary forms are added after the commit, which a test's
    # transaction never reaches: add them now, as the commit would.
    index.refresh(limit=None)
    return {
        (kind, object_id): rest
        for kind, object_id, *rest in SearchDocument.objects.values_list(
            "kind", "object_id", "id", "content", "folded", "created_at", "state"
        )
    }


def drop_comment_insert_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_comment_ai")
        else:
            cursor.execute("DROP TRIGGER search_comment_ins_del ON proposals_comment")


@pytest.fixture
def park(process):
    return factories.ProposalFactory(
        process=process, title="駅前の公園に日陰を", body="夏は暑すぎて遊べません。"
    )


@pytest.fixture
def road(process):
    return factories.ProposalFactory(
        process=process,
        title="道路の補修をお願いします",
        body="穴が開いていて危険です。",
    )


def test_ensure_after_a_missing_trigger_keeps_every_right_document_in_its_row(
    park, road, resident
):
    factories.CommentFactory(proposal=park, author=resident, body="ベンチも欲しい")
    before = rows()
    drop_comment_insert_trigger()
    late = factories.CommentFactory(proposal=road, author=resident, body="側溝も危ない")

    assert index.ensure() is True

    after = rows()
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {(index.COMMENT, late.pk)}
    assert {doc.object_id for doc in selectors.search("側溝")} == {late.pk}


def test_sync_removes_the_documents_whose_source_went_while_triggers_were_missing(
    park, road, resident
):
    comment = factories.CommentFactory(proposal=park, author=resident, body="ベンチ")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_comment_ad")
        else:
            cursor.execute("DROP TRIGGER search_comment_ins_del ON proposals_comment")
    Comment.objects.filter(pk=comment.pk).delete()

    assert index.ensure() is True

    assert (index.COMMENT, comment.pk) not in rows()
    assert not list(selectors.search("ベンチ"))


def test_sync_of_a_right_index_writes_nothing(park, road, resident):
    factories.CommentFactory(proposal=park, author=resident, body="ベンチ")
    before = rows()
    assert index.sync() == 0
    assert rows() == before


def test_sync_corrects_a_document_in_place(park):
    key = (index.PROPOSAL, park.pk)
    pk = rows()[key][0]
    SearchDocument.objects.filter(pk=pk).update(content="古い本文")

    assert index.sync() == 1

    assert rows()[key][0] == pk
    assert {doc.object_id for doc in selectors.search("日陰")} == {park.pk}
    assert not list(selectors.search("古い本文"))


def test_a_backdated_proposal_and_comment_move_their_documents(park, resident):
    comment = factories.CommentFactory(proposal=park, author=resident, body="ベンチ")
    earlier = timezone.now() - timedelta(days=200)
    Proposal.objects.filter(pk=park.pk).update(created_at=earlier)
    Comment.objects.filter(pk=comment.pk).update(created_at=earlier)

    documents = SearchDocument.objects.filter(proposal_id=park.pk)
    assert {doc.created_at for doc in documents} == {earlier}


def test_ensure_replaces_a_trigger_an_earlier_release_defined_otherwise(park):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's triggers are made anew on every install")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_proposal_au")
        cursor.execute(
            "CREATE TRIGGER search_proposal_au AFTER UPDATE ON proposals_proposal "
            "BEGIN SELECT 1; END"
        )
    before = rows()

    assert index.ensure() is True

    assert rows() == before
    Proposal.objects.filter(pk=park.pk).update(title="駅前の広場に日陰を")
    assert {doc.object_id for doc in selectors.search("広場")} == {park.pk}
