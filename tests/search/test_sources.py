"""The registry of search sources (participation/search/sources.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from participation.search import index, sources
from responses.search import SOURCE


def _kind(number: int, slug: str) -> sources.Kind:
    return sources.Kind(number, slug, "Thing", "Things")


def test_core_and_app_kinds_are_public_in_result_order():
    assert [k.slug for k in sources.public_kinds()] == [
        "proposal",
        "response",
        "comment",
        "response_comment",
    ]


def test_registering_the_same_source_again_changes_nothing():
    sources.register(SOURCE)
    assert [s.name for s in sources.all_sources()].count("response_comment") == 1


def test_a_second_source_of_the_same_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        sources.register(sources.Source(name="response_comment", tables=("x",)))


def test_a_kind_number_already_taken_is_refused():
    taken = sources.Source(name="t1", tables=("x",), kinds=(_kind(5, "other"),))
    with pytest.raises(ValueError, match="taken"):
        sources.register(taken)
    assert sources.kind_by_slug("other") is None


def test_a_kind_slug_already_taken_is_refused():
    taken = sources.Source(name="t2", tables=("x",), kinds=(_kind(9, "comment"),))
    with pytest.raises(ValueError, match="taken"):
        sources.register(taken)


def test_the_holder_kind_is_reserved():
    holder = sources.Source(name="t3", tables=("x",), kinds=(_kind(4, "holder"),))
    with pytest.raises(ValueError, match="reserved"):
        sources.register(holder)


def test_objects_not_named_search_are_refused():
    bad = sources.Source(
        name="t4",
        tables=("x",),
        pg_triggers=(("notify_x", "x", "CREATE TRIGGER notify_x"),),
    )
    with pytest.raises(ValueError, match="search_"):
        sources.register(bad)


def test_a_new_source_is_searchable_by_its_tables():
    assert "responses_responsecomment" in sources.source_tables()


def test_source_of_a_kind_is_the_registering_app():
    assert sources.source_of_kind(5) is SOURCE
    assert sources.source_of_kind(1).name == "proposals"


def test_a_source_whose_required_source_is_missing_is_not_installed(db):
    orphan = sources.Source(
        name="orphan", tables=("proposals_comment",), requires=("nowhere",)
    )
    sources.register(orphan)
    try:
        assert orphan not in index._sources(connection)
        assert SOURCE in index._sources(connection)
    finally:
        sources.unregister("orphan")


def test_the_new_sources_rows_are_part_of_rebuild_and_sync():
    statements = index._rebuild_statements(
        connection.vendor, [SOURCE], into="search_expected", fold_text=False
    )
    assert statements[0] == "DELETE FROM search_expected"
    assert "responses_responsecomment" in statements[1]
    assert "search_fold" not in statements[1]
