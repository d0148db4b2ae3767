"""Search forgives how Japanese is written: width, case, script, long-vowel and
iteration marks, and 表記ゆれ (Sudachi's normalised forms). Same tests on SQLite
and PostgreSQL."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from participation.search import fold, index
from participation.search.models import SearchDocument
from portal.search import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def found(q: str, **filters) -> set[int]:
    return {doc.object_id for doc in selectors.search(q, kind="proposal", **filters)}


@pytest.fixture
def post(process, django_capture_on_commit_callbacks):
    """A proposal written as a service writes it, its transaction committed (on
    PostgreSQL the dictionary forms arrive after the commit)."""

    def make(title: str, body: str = "本文です。"):
        with django_capture_on_commit_callbacks(execute=True):
            return factories.ProposalFactory(process=process, title=title, body=body)

    return make


def test_half_width_katakana_query_finds_full_width_text(post):
    toilet = post("駅前のトイレを増やして")
    assert found("ﾄｲﾚ") == {toilet.pk}


def test_full_width_text_is_found_by_a_full_width_query_of_half_width_text(post):
    toilet = post("公園のﾄｲﾚが古い")
    assert found("トイレ") == {toilet.pk}


def test_full_width_latin_query_finds_ascii_text_in_any_case(post):
    lower = post("A bigger park", "park")
    upper = post("PARK AND RIDE", "RIDE")
    assert found("ＰａｒＫ") == {lower.pk, upper.pk}
    assert found("Ｐａ") == {lower.pk, upper.pk}  # short query, same folding


@pytest.mark.parametrize("written", ["子ども", "こども", "子供"])
@pytest.mark.parametrize("query", ["子ども", "こども", "子供"])
def test_kodomo_spellings_find_each_other(post, written, query):
    target = post(f"{written}の遊び場がほしい")
    post("図書館の開館時間")
    assert found(query) == {target.pk}


def test_hiragana_query_finds_katakana_text_and_back(post):
    katakana = post("ベンチを増やしてください")
    hiragana = post("ごみのぶんべつ")
    assert found("べんち") == {katakana.pk}
    assert found("ゴミ") == {hiragana.pk}
    assert found("ブンベツ") == {hiragana.pk}


@pytest.mark.parametrize(
    ("written", "query"),
    [
        ("サーバー", "サーバ"),
        ("サーバ", "サーバー"),
        ("引っ越し", "引越し"),
        ("引越し", "引っ越し"),
    ],
)
def test_spelling_variants_find_each_other(post, written, query):
    target = post(f"市の{written}について")
    assert found(query) == {target.pk}


def test_long_vowel_and_iteration_marks_are_forgiven(post):
    coffee = post("コーヒーの自販機")
    people = post("人々の集まる広場")
    assert found("コヒー") == {coffee.pk}
    assert found("人人") == {people.pk}


def test_one_and_two_character_variant_queries_use_the_short_index(post):
    toilet = post("トイレ")
    child = post("子どもの広場")
    assert found("ﾄ") == {toilet.pk}
    assert found("ﾄｲ") == {toilet.pk}
    assert found("子") == {child.pk}
    assert found("子供") == {child.pk}


def test_exact_spelling_comes_first_then_the_variants(post):
    exact = post("子供の遊び場")  # older
    variant = post("こどもの遊び場")  # newer: first by date alone
    ids = [doc.object_id for doc in selectors.search("子供", kind="proposal")]
    assert ids == [exact.pk, variant.pk]
    ids = [doc.object_id for doc in selectors.search("こども", kind="proposal")]
    assert ids == [variant.pk, exact.pk]


def test_above_the_exact_limit_the_order_is_by_type_and_date_alone(post, monkeypatch):
    """Over EXACT_LIMIT candidates exact matches are no longer put first (on
    every database): ranking them reads every candidate's text."""
    exact = post("子供の遊び場")  # older
    variant = post("こどもの遊び場")  # newer
    monkeypatch.setattr(selectors, "EXACT_LIMIT", 1)
    ids = [doc.object_id for doc in selectors.search("子供", kind="proposal")]
    assert ids == [variant.pk, exact.pk]
    documents, facets = selectors.search_with_facets("子供", kind="proposal")
    assert [doc.object_id for doc in documents] == [variant.pk, exact.pk]
    assert facets.counts["proposal"] == 2


def test_highlight_marks_the_original_characters_of_a_variant(post):
    post("公園のﾄｲﾚと子どもの広場", "ﾄｲﾚがきれいだと子どもも安心です。")
    (hit,) = selectors.hits(selectors.search("トイレ こども"), "トイレ こども")
    assert hit.title == "公園の<mark>ﾄｲﾚ</mark>と<mark>子ども</mark>の広場"
    assert (
        "<mark>ﾄｲﾚ</mark>が" in hit.snippet and "<mark>子ども</mark>も" in hit.snippet
    )


def test_highlight_escapes_html_around_a_folded_match():
    html = selectors.highlight("<b>ＰＡＲＫ</b>", ["park"])
    assert html == "&lt;b&gt;<mark>ＰＡＲＫ</mark>&lt;/b&gt;"


def test_full_width_punctuation_alone_is_refused():
    with pytest.raises(selectors.Invalid):
        selectors.search("？！")


def _raw_update(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edit_through_raw_sql_is_found_by_its_exact_text_and_variants(post):
    target = post("道路の補修")
    _raw_update(
        "UPDATE proposals_proposal SET title = %s WHERE id = %s",
        ["公園のﾄｲﾚを直して", target.pk],
    )
    assert found("ﾄｲﾚ") == {target.pk}
    assert found("トイレ") == {target.pk}
    assert found("道路") == set()


def test_an_edit_through_raw_sql_gets_the_dictionary_forms_at_the_latest_on_refresh(
    post,
):
    target = post("道路の補修")
    _raw_update(
        "UPDATE proposals_proposal SET body = %s WHERE id = %s",
        ["子どもの通学路です。", target.pk],
    )
    assert found("子ども") == {target.pk}  # its exact text, in the same transaction
    index.refresh()
    assert found("こども") == {target.pk}
    assert not SearchDocument.objects.filter(pending=True).exists()


def test_migration_folds_existing_documents_again_in_place(post, resident):
    target = post("子どものﾄｲﾚ")
    factories.CommentFactory(proposal=target, author=resident, body="サーバの話")
    ids = set(SearchDocument.objects.values_list("id", flat=True))
    # A document as a release before the fold left it: no folded text.
    _raw_update("UPDATE search_document SET folded = ''", [])
    assert found("トイレ") == set()
    migration = importlib.import_module("participation.search.migrations.0003_folded")
    migration.put_back(None, SimpleNamespace(connection=connection))
    assert found("トイレ") == {target.pk}
    assert found("こども") == {target.pk}
    assert {d.object_id for d in selectors.search("サーバー", kind="comment")}
    assert set(SearchDocument.objects.values_list("id", flat=True)) == ids


FOLD_SAMPLES = [
    "ﾄｲﾚ ＰａｒＫ ｶﾞｽ",
    "コーヒー サ－バ カヾミ いすゞ 人々 こゝろ",
    "ABC Ｚ ① ㍻ ｱｲｳ\nｰ ー",
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SQL fold")
@pytest.mark.parametrize("text", FOLD_SAMPLES)
def test_sql_fold_of_the_triggers_equals_the_python_fold(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_fold(%s)", [text])
        assert cursor.fetchone()[0] == fold.raw_fold(text)


def test_rebuild_keeps_the_dictionary_forms(post):
    target = post("子どもの広場")
    index.rebuild()
    assert found("こども") == {target.pk}
