"""Search across proposals and comments; the same tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from participation.errors import Invalid
from participation.search import index
from participation.search.models import SearchDocument
from participation.spaces.models import ProcessStatus
from portal.search import selectors
from proposals.models import ProposalState
from tests import factories

pytestmark = pytest.mark.django_db


def found(q: str, **filters) -> set[tuple[str, int]]:
    return {(doc.kind_slug, doc.object_id) for doc in selectors.search(q, **filters)}


def proposal(process, title: str, body: str = "本文はここに書きます。", **kw):
    return factories.ProposalFactory(process=process, title=title, body=body, **kw)


@pytest.fixture
def park(process):
    return proposal(process, "駅前の公園に日陰を", "夏は暑すぎて遊べません。")


@pytest.fixture
def road(process):
    return proposal(process, "道路の補修をお願いします", "穴が開いていて危険です。")


@pytest.fixture
def nursery(process):
    return proposal(process, "保育園の待機児童をなくす", "入園できない家庭が多い。")


@pytest.fixture
def english(process):
    return proposal(
        process, "More Park Benches", "Older residents need places to rest."
    )


def test_two_character_japanese_query_finds_proposal(park, road, nursery):
    assert found("公園") == {("proposal", park.pk)}


def test_one_character_japanese_query_finds_every_proposal_containing_it(
    park, road, nursery
):
    assert found("園") == {("proposal", park.pk), ("proposal", nursery.pk)}


def test_three_character_japanese_query_finds_proposal(park, road, nursery):
    assert found("保育園") == {("proposal", nursery.pk)}


def test_two_character_query_matches_inside_a_longer_word(park, road, nursery):
    assert found("保育") == {("proposal", nursery.pk)}


def test_query_matches_the_body_as_well_as_the_title(park, road):
    assert found("危険") == {("proposal", road.pk)}


def test_english_query_is_case_insensitive(english, park):
    assert found("park") == {("proposal", english.pk)}
    assert found("BENCHES") == {("proposal", english.pk)}


def test_short_english_query_is_case_insensitive(process):
    ev = proposal(process, "EV charging stations", "Chargers at city hall.")
    assert ("proposal", ev.pk) in found("ev")
    assert ("proposal", ev.pk) in found("Ev")


def test_every_term_must_match(park, road, nursery):
    assert found("公園 日陰") == {("proposal", park.pk)}
    assert found("公園 道路") == set()


def test_full_width_space_separates_terms(park):
    assert found("公園\u3000日陰") == {("proposal", park.pk)}


def test_query_with_quotes_and_fts_operators_is_searched_literally(process):
    odd = proposal(process, 'Say "NEAR" OR AND*', "Syntax characters in text.")
    assert found('"NEAR" OR') == {("proposal", odd.pk)}
    assert found("AND*") == {("proposal", odd.pk)}


def test_comment_text_is_found(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい"
    )
    assert found("ベンチ") == {("comment", comment.pk)}


def test_hidden_proposal_is_never_found(park, facilitator):
    park.hidden_at = timezone.now()
    park.hidden_by = facilitator
    park.hidden_reason = "spam"
    park.save()
    assert found("公園") == set()
    assert not SearchDocument.objects.filter(kind=1, object_id=park.pk).exists()


def test_comments_on_a_hidden_proposal_are_never_found(park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="ベンチも欲しい")
    park.hidden_at = timezone.now()
    park.save(update_fields=["hidden_at"])
    assert found("ベンチ") == set()


def test_unhiding_a_proposal_brings_it_and_its_comments_back(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい"
    )
    park.hidden_at = timezone.now()
    park.save(update_fields=["hidden_at"])
    park.hidden_at = None
    park.save(update_fields=["hidden_at"])
    assert found("公園") == {("proposal", park.pk)}
    assert found("ベンチ") == {("comment", comment.pk)}


def test_comment_on_a_hidden_proposal_stays_out_when_created(park, resident):
    park.hidden_at = timezone.now()
    park.save(update_fields=["hidden_at"])
    factories.CommentFactory(proposal=park, author=resident, body="ベンチも欲しい")
    assert found("ベンチ") == set()


def test_hidden_comment_is_never_found(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい"
    )
    comment.hidden_at = timezone.now()
    comment.save()
    assert found("ベンチ") == set()


def test_deleted_comment_is_never_found(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい"
    )
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    assert found("ベンチ") == set()


def test_comment_created_hidden_is_never_found(park, resident):
    factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい", hidden_at=timezone.now()
    )
    assert found("ベンチ") == set()


def test_editing_a_proposal_updates_the_index(park):
    park.title = "図書館の開館時間を延ばす"
    park.body = "夜も勉強したい。"
    park.save()
    assert found("公園") == set()
    assert found("図書館") == {("proposal", park.pk)}
    assert found("夜") == {("proposal", park.pk)}


def test_editing_a_comment_updates_the_index(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="ベンチも欲しい"
    )
    comment.body = "水飲み場も欲しい"
    comment.save(update_fields=["body"])
    assert found("ベンチ") == set()
    assert found("水飲") == {("comment", comment.pk)}


def test_counter_updates_do_not_rewrite_the_document(park):
    before = SearchDocument.objects.get(kind=1, object_id=park.pk)
    park.support_count = 7
    park.save(update_fields=["support_count"])
    after = SearchDocument.objects.get(kind=1, object_id=park.pk)
    assert after.pk == before.pk and after.content == before.content


def test_deleting_a_proposal_removes_it_and_its_comments(park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="ベンチも欲しい")
    park.delete()
    assert SearchDocument.objects.count() == 0


def test_location_text_is_searchable(process):
    located = proposal(
        process, "歩道を広げて", "狭いです。", location_text="中央通り三丁目"
    )
    assert found("三丁目") == {("proposal", located.pk)}


def test_withdrawn_filter_follows_the_proposal_and_its_comments(park, road, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="公園のベンチ"
    )
    park.state = ProposalState.WITHDRAWN
    park.withdrawn_at = timezone.now()
    park.save(update_fields=["state", "withdrawn_at"])
    assert found("公園", status="withdrawn") == {
        ("proposal", park.pk),
        ("comment", comment.pk),
    }
    assert found("公園", status="open") == set()


def test_type_filter(park, resident):
    comment = factories.CommentFactory(
        proposal=park, author=resident, body="公園のベンチ"
    )
    assert found("公園", kind="comment") == {("comment", comment.pk)}
    assert found("公園", kind="proposal") == {("proposal", park.pk)}


def test_process_filter(park):
    other = factories.ProcessFactory()
    elsewhere = proposal(other, "別の公園", "本文")
    assert found("公園", process=other) == {("proposal", elsewhere.pk)}
    assert found("公園", process=park.process_id) == {("proposal", park.pk)}


def test_content_of_a_draft_process_is_never_found(process, park):
    process.status = ProcessStatus.DRAFT
    process.save(update_fields=["status"])
    assert found("公園") == set()


def test_facets_count_matches_per_type(park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="公園のベンチ")
    factories.CommentFactory(proposal=park, author=resident, body="公園の水道")
    result = selectors.facets("公園")
    assert result.counts == {
        "proposal": 1,
        "response": 0,
        "comment": 2,
        "response_comment": 0,
    }
    assert result.total == 3 and not result.total_capped


def test_facets_are_capped_for_very_common_terms(park, resident, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "COMMON", 1)
    for n in range(3):
        factories.CommentFactory(proposal=park, author=resident, body=f"公園{n}")
    result = selectors.facets("公園")
    assert result.counts == {
        "proposal": 1,
        "response": 0,
        "comment": 2,
        "response_comment": 0,
    }
    assert result.capped == {"comment"}


def _counts_documents(sql: str) -> bool:
    # SQLite first counts candidates in its full-text tables alone.
    return "count(" in sql.lower() and '"search_document"' in sql


def test_facets_of_every_type_are_counted_in_one_statement(park, resident):
    from django.test.utils import CaptureQueriesContext

    factories.CommentFactory(proposal=park, author=resident, body="公園のベンチ")
    with CaptureQueriesContext(connection) as queries:
        result = selectors.facets("公園")
    assert result.counts["proposal"] == 1 and result.counts["comment"] == 1
    counting = [q for q in queries.captured_queries if _counts_documents(q["sql"])]
    assert len(counting) == 1


def test_a_capped_count_stops_reading_at_the_cap(park, resident, monkeypatch):
    """The count of a very common type is capped in the database (LIMIT), not
    after counting every match."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for n in range(4):
        factories.CommentFactory(proposal=park, author=resident, body=f"公園{n}")
    with CaptureQueriesContext(connection) as queries:
        result = selectors.facets("公園")
    assert result.counts["comment"] == 2 and result.capped == {"comment"}
    (counting,) = [
        q["sql"] for q in queries.captured_queries if _counts_documents(q["sql"])
    ]
    assert "LIMIT 3" in counting


def test_matches_are_the_search_results_in_any_order_without_counting_them(
    park, road, resident
):
    from django.test.utils import CaptureQueriesContext

    factories.CommentFactory(proposal=park, author=resident, body="公園の話")
    with CaptureQueriesContext(connection) as queries:
        unordered = selectors.matches("公園")
    # (SQLite's plan reads the candidates' number from its full-text tables.)
    assert not any(_counts_documents(q["sql"]) for q in queries.captured_queries)
    assert {(d.kind_slug, d.object_id) for d in unordered} == found("公園")
    assert {d.object_id for d in selectors.matches("公園", kind="comment")} == {
        d.object_id for d in selectors.search("公園", kind="comment")
    }


def test_common_and_rare_terms_find_the_same_documents(
    park, road, resident, monkeypatch
):
    comment = factories.CommentFactory(proposal=park, author=resident, body="公園の話")
    expected = [("proposal", park.pk), ("comment", comment.pk)]
    rare = [(d.kind_slug, d.object_id) for d in selectors.search("公園")]
    monkeypatch.setattr(selectors, "COMMON", 0)
    common = [(d.kind_slug, d.object_id) for d in selectors.search("公園")]
    assert rare == common == expected


def test_relevance_order_puts_proposals_before_comments(park, resident):
    factories.CommentFactory(proposal=park, author=resident, body="公園のベンチ")
    kinds = [doc.kind_slug for doc in selectors.search("公園")]
    assert kinds == ["proposal", "comment"]


@pytest.mark.parametrize("q", ["", "   ", "\u3000", "-", "?!"])
def test_empty_or_punctuation_only_query_is_refused(q):
    with pytest.raises(Invalid):
        selectors.search(q)


def test_overlong_query_is_refused():
    with pytest.raises(Invalid):
        selectors.search("公" * 101)


def test_too_many_terms_are_refused():
    with pytest.raises(Invalid):
        selectors.search("a1 b2 c3 d4 e5 f6 g7")


def test_unknown_filter_values_are_refused(park):
    with pytest.raises(Invalid):
        selectors.search("公園", kind="people")
    with pytest.raises(Invalid):
        selectors.search("公園", status="secret")
    with pytest.raises(Invalid):
        selectors.search("公園", sort="random")


def test_highlight_escapes_html_before_marking_matches():
    html = selectors.highlight("<b>公園</b> & park", ["公園", "PARK"])
    assert html == "&lt;b&gt;<mark>公園</mark>&lt;/b&gt; &amp; <mark>park</mark>"


def test_highlight_cannot_be_tricked_by_a_term_that_looks_like_markup():
    html = selectors.highlight("a <mark> b", ["<mark>"])
    assert html == "a <mark>&lt;mark&gt;</mark> b"


def test_snippet_centres_on_the_first_match():
    text = "あ" * 300 + "公園" + "い" * 300
    html = selectors.snippet(text, ["公園"], length=60)
    assert "<mark>公園</mark>" in html
    assert html.startswith("…") and html.endswith("…")


def test_hits_show_proposal_title_and_author(park):
    (hit,) = selectors.hits(selectors.search("公園"), "公園")
    assert hit.title == "駅前の<mark>公園</mark>に日陰を"
    assert hit.url == park.get_absolute_url()
    assert hit.author_name == park.author.real_name


def test_index_is_restored_and_rebuilt_when_a_trigger_went_missing(park):
    # What SQLite does to triggers when Django remakes a table for a migration.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_proposal_au")
        else:
            cursor.execute("DROP TRIGGER search_proposal_upd ON proposals_proposal")
    park.title = "図書館の開館時間"
    park.save()
    assert found("図書館") == set()  # missed while the trigger was gone
    assert index.ensure() is True
    assert found("図書館") == {("proposal", park.pk)}
    assert index.ensure() is False


def test_a_lost_full_text_table_is_recreated_and_refilled(park, road, resident):
    comment = factories.CommentFactory(proposal=park, author=resident, body="ベンチ")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE search_gram")
        else:
            cursor.execute("ALTER TABLE search_document DROP COLUMN grams")
    assert index.ensure() is True
    assert found("公園") == {("proposal", park.pk)}
    comment.delete()  # deleting after the refill must leave the index sound
    park.delete()
    assert found("道路") == {("proposal", road.pk)}
    assert found("公園") == set()


def test_rebuild_reproduces_the_trigger_maintained_index(park, road, resident):
    factories.CommentFactory(proposal=park, author=resident, body="ベンチも欲しい")
    before = set(
        SearchDocument.objects.values_list("kind", "object_id", "state", "content")
    )
    assert index.rebuild() == 3
    after = set(
        SearchDocument.objects.values_list("kind", "object_id", "state", "content")
    )
    assert before == after
    assert found("ベンチ") and found("道路")
