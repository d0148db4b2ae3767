"""Search and KPIs through the API."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(process):
    return factories.ProposalFactory(
        process=process,
        title="中央公園に日陰をつくってください",
        body="夏の公園は暑すぎて子どもが遊べません。木陰を増やしてください。",
    )


@pytest.fixture
def road(process):
    return factories.ProposalFactory(
        process=process,
        title="Repaint the crossing on Route 4",
        body="The zebra crossing near the school has faded and drivers miss it.",
    )


def test_search_finds_two_character_japanese(api, park, road):
    data = body(api.get("/api/v1/search/?q=公園"))
    ids = {hit["proposal_id"] for hit in data["results"]}
    assert ids == {park.pk}
    hit = data["results"][0]
    assert "<mark>公園</mark>" in hit["title_html"]


def test_search_reads_one_page_of_matches_without_counting_them(api, park, road):
    """The API's cursor orders and cuts its pages: it never counts the matches
    (the web page's tabs and relevance order do)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        data = body(api.get("/api/v1/search/?q=公園"))
    assert [hit["proposal_id"] for hit in data["results"]] == [park.pk]
    reads = [
        q["sql"] for q in queries.captured_queries if "search_document" in q["sql"]
    ]
    assert len(reads) == 1 and "count(" not in reads[0].lower()


def test_search_is_case_insensitive_in_english(api, park, road):
    data = body(api.get("/api/v1/search/?q=CROSSING&type=proposal"))
    assert [hit["proposal_id"] for hit in data["results"]] == [road.pk]


def test_search_escapes_user_text(api, process):
    factories.ProposalFactory(
        process=process, title="<b>公園</b> bold attempt here", body="公園" * 20
    )
    hit = body(api.get("/api/v1/search/?q=公園"))["results"][0]
    assert "<b>" not in hit["title_html"]


def test_search_without_query_is_400(api):
    response = api.get("/api/v1/search/")
    assert response.status_code == 400
    assert "q" in body(response)["field_errors"]


def test_search_in_unknown_process_finds_nothing(api, park):
    response = api.get("/api/v1/search/?q=公園&process=nope")
    assert response.status_code == 200
    assert body(response)["results"] == []


def test_stats_of_unknown_process_is_404(api):
    assert api.get("/api/v1/stats/?process=nope").status_code == 404


def test_stats_site_wide(api, park):
    data = body(api.get("/api/v1/stats/"))
    assert data["min_group"] >= 5
    assert len(data["months"]) == 12


def test_stats_months_must_be_offered(api):
    response = api.get("/api/v1/stats/?months=7")
    assert response.status_code == 400
    assert "months" in body(response)["field_errors"]
