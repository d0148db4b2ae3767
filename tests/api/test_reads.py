"""Anonymous reads: processes, spaces, proposals, comments; filters and query counts."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from participation.api import conditional
from participation.spaces.models import ProcessStatus
from proposals.models import Comment, Proposal
from tests import factories
from tests.api.conftest import body

pytestmark = pytest.mark.django_db


# One query for the page (authors, categories, areas, processes joined, and the
# tracker's summaries of that page), and one for the photos of the whole page.
QUERIES_PROPOSAL_LIST = 2


def _ids(response):
    return [item["id"] for item in body(response)["results"]]


# -- root and spaces ---------------------------------------------------------------


def test_root_links_every_resource(api):
    data = body(api.get("/api/v1/"))
    assert data["version"] == "v1"
    assert data["resources"]["proposals"].endswith("/api/v1/proposals/")
    assert data["schema"].endswith("/api/v1/schema/")


def test_root_lists_the_apps_resources_in_a_fixed_order(api):
    """Each app's links come from the wiring (participation/api/urls.py); the order
    is part of the representation (and of its ETag)."""
    resources = body(api.get("/api/v1/"))["resources"]
    assert list(resources) == [
        "processes",
        "categories",
        "areas",
        "departments",
        "proposals",
        "tracker",
        "scorecards",
        "search",
        "stats",
        "me",
    ]
    assert resources["tracker"].endswith("/api/v1/tracker/")
    assert resources["stats"].endswith("/api/v1/stats/")


def test_processes_list_shows_published_with_phases(api, process):
    factories.ProcessFactory(status=ProcessStatus.DRAFT, slug="draft-one")
    response = api.get("/api/v1/processes/")
    assert response.status_code == 200
    results = body(response)["results"]
    assert [p["slug"] for p in results] == [process.slug]
    phase = results[0]["phases"][0]
    assert phase["is_current"] is True
    assert results[0]["current_phase"] == phase["id"]
    assert results[0]["title_en"] == process.title_en


def test_process_detail_by_slug(api, process):
    data = body(api.get(f"/api/v1/processes/{process.slug}/"))
    assert data["slug"] == process.slug
    assert data["support_threshold"] == 3


def test_draft_process_is_404(api):
    draft = factories.ProcessFactory(status=ProcessStatus.DRAFT)
    response = api.get(f"/api/v1/processes/{draft.slug}/")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_process_list_query_count_is_fixed(api, django_assert_num_queries):
    for n in range(5):
        process = factories.ProcessFactory()
        process.categories.add(factories.CategoryFactory())
        process.areas.add(factories.AreaFactory())
    # processes, phases, categories, areas
    with django_assert_num_queries(4):
        assert api.get("/api/v1/processes/").status_code == 200


def test_categories_areas_and_departments(api, department):
    factories.CategoryFactory(slug="parks", name="公園", name_en="Parks")
    factories.AreaFactory(slug="north", name="北区", name_en="North")
    categories = body(api.get("/api/v1/categories/"))["results"]
    areas = body(api.get("/api/v1/areas/"))["results"]
    departments = body(api.get("/api/v1/departments/"))["results"]
    assert {"slug": "parks", "name": "公園", "name_en": "Parks"} in categories
    assert areas[0]["name_en"] == "North"
    assert departments[0]["code"] == department.code
    assert body(api.get(f"/api/v1/departments/{department.code}/"))["name"] == (
        department.name
    )


def test_unknown_department_is_404(api):
    assert api.get("/api/v1/departments/nope/").status_code == 404


# -- proposals -----------------------------------------------------------------------


def test_proposal_list_shows_counts_and_author_without_email(api, proposal):
    item = body(api.get("/api/v1/proposals/"))["results"][0]
    assert item["id"] == proposal.pk
    assert item["support_count"] == 0 and item["comment_count"] == 0
    assert item["author"]["real_name"] == "Hanako Sato"
    assert item["author"]["profile_url"].endswith(f"/people/{proposal.author_id}/")
    assert set(item["author"]) == {"id", "real_name", "profile_url"}


def test_proposal_list_leaves_out_hidden_ones(api, proposal):
    factories.ProposalFactory(process=proposal.process, hidden_at=timezone.now())
    assert _ids(api.get("/api/v1/proposals/")) == [proposal.pk]


def test_proposal_list_leaves_out_draft_processes(api, proposal):
    draft = factories.ProcessFactory(status=ProcessStatus.DRAFT)
    factories.ProposalFactory(process=draft)
    assert _ids(api.get("/api/v1/proposals/")) == [proposal.pk]


def test_filter_by_process(api, proposal):
    factories.ProposalFactory()
    response = api.get(f"/api/v1/proposals/?process={proposal.process.slug}")
    assert _ids(response) == [proposal.pk]


def test_filter_by_category_and_area(api, process):
    category = factories.CategoryFactory()
    area = factories.AreaFactory()
    match = factories.ProposalFactory(process=process, category=category, area=area)
    factories.ProposalFactory(process=process, category=category)
    url = f"/api/v1/proposals/?category={category.slug}&area={area.slug}"
    assert _ids(api.get(url)) == [match.pk]


def test_filter_by_state(api, process):
    published = factories.ProposalFactory(process=process)
    withdrawn = factories.ProposalFactory(process=process, state="withdrawn")
    assert _ids(api.get("/api/v1/proposals/")) == [published.pk]
    assert _ids(api.get("/api/v1/proposals/?state=withdrawn")) == [withdrawn.pk]
    assert set(_ids(api.get("/api/v1/proposals/?state=all"))) == {
        published.pk,
        withdrawn.pk,
    }


def test_filter_by_threshold_state(api, process):
    reached = factories.ProposalFactory(
        process=process, threshold_reached_at=timezone.now()
    )
    factories.ProposalFactory(process=process)
    assert _ids(api.get("/api/v1/proposals/?state=threshold")) == [reached.pk]


def test_text_search_finds_japanese(api, process):
    park = factories.ProposalFactory(
        process=process, title="中央公園にベンチを増やす提案"
    )
    factories.ProposalFactory(
        process=process,
        title="道路の白線を引き直してほしい",
        body="通学路の白線が消えかけていて危ないので、引き直してください。",
    )
    assert _ids(api.get("/api/v1/proposals/?q=公園")) == [park.pk]


def test_filter_by_author(api, proposal, resident2):
    factories.ProposalFactory(process=proposal.process, author=resident2)
    assert _ids(api.get(f"/api/v1/proposals/?author={proposal.author_id}")) == [
        proposal.pk
    ]


def test_ordering_most_supported(api, process):
    few = factories.ProposalFactory(process=process, support_count=1)
    many = factories.ProposalFactory(process=process, support_count=9)
    assert _ids(api.get("/api/v1/proposals/?ordering=most_supported")) == [
        many.pk,
        few.pk,
    ]


def test_unknown_filter_value_is_400_with_field_error(api):
    response = api.get("/api/v1/proposals/?state=sideways&ordering=random")
    assert response.status_code == 400
    data = body(response)
    assert data["code"] == "invalid"
    assert set(data["field_errors"]) == {"state", "ordering"}


def test_non_integer_author_filter_is_400(api):
    response = api.get("/api/v1/proposals/?author=abc")
    assert response.status_code == 400
    assert "author" in body(response)["field_errors"]


def test_nul_character_in_filter_is_400(api):
    assert api.get("/api/v1/proposals/?q=a%00b").status_code == 400


def test_proposal_detail_renders_body_safely(api, process):
    proposal = factories.ProposalFactory(
        process=process, body="Shade please <script>alert(1)</script> **now**"
    )
    data = body(api.get(f"/api/v1/proposals/{proposal.pk}/"))
    assert data["body"].startswith("Shade please <script>")
    assert "<script>" not in data["body_html"]
    assert "<strong>now</strong>" in data["body_html"]
    assert data["viewer"] is None


def test_hidden_proposal_detail_is_a_placeholder(api, process, facilitator):
    proposal = factories.ProposalFactory(
        process=process,
        hidden_at=timezone.now(),
        hidden_by=facilitator,
        hidden_reason="Personal information",
    )
    data = body(api.get(f"/api/v1/proposals/{proposal.pk}/"))
    assert data["title"] is None and data["body"] is None and data["author"] is None
    assert data["hidden"]["reason"] == "Personal information"
    assert data["hidden"]["hidden_by"]["real_name"] == "Fumi Facilitator"


def test_author_sees_own_hidden_proposal(session_client, process, resident):
    proposal = factories.ProposalFactory(
        process=process, author=resident, hidden_at=timezone.now()
    )
    data = body(session_client(resident).get(f"/api/v1/proposals/{proposal.pk}/"))
    assert data["body"] == proposal.body
    assert data["hidden"] is not None


def test_unknown_proposal_is_404(api):
    response = api.get("/api/v1/proposals/999999/")
    assert response.status_code == 404
    assert body(response) == {
        "code": "not_found",
        "message": "Not found.",
        "field_errors": {},
    }


def test_proposal_list_query_count_is_fixed(api, process, django_assert_num_queries):
    factories.ProposalFactory.create_batch(3, process=process)
    with django_assert_num_queries(QUERIES_PROPOSAL_LIST):
        api.get("/api/v1/proposals/")
    factories.ProposalFactory.create_batch(20, process=process)
    with django_assert_num_queries(QUERIES_PROPOSAL_LIST):
        response = api.get("/api/v1/proposals/?page_size=23")
    assert len(body(response)["results"]) == 23


# -- comments ------------------------------------------------------------------------


def test_comments_are_threaded(api, proposal):
    root = factories.CommentFactory(proposal=proposal)
    reply = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    deeper = factories.CommentFactory(proposal=proposal, parent=reply, depth=2)
    data = body(api.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"]
    assert [c["id"] for c in data] == [root.pk]
    assert data[0]["replies"][0]["id"] == reply.pk
    assert data[0]["replies"][0]["replies"][0]["id"] == deeper.pk


def test_comments_and_proposals_serve_the_html_stored_when_written(api, proposal):
    """The API renders no user text per request: it sends the HTML stored with it."""
    comment = factories.CommentFactory(proposal=proposal)
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>stored comment</p>")
    Proposal.objects.filter(pk=proposal.pk).update(body_html="<p>stored proposal</p>")
    data = body(api.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"]
    assert data[0]["body_html"] == "<p>stored comment</p>"
    detail = body(api.get(f"/api/v1/proposals/{proposal.pk}/"))
    assert detail["body_html"] == "<p>stored proposal</p>"


def test_hidden_comment_is_a_placeholder_without_text(api, proposal, facilitator):
    comment = factories.CommentFactory(
        proposal=proposal,
        body="secret insult",
        hidden_at=timezone.now(),
        hidden_by=facilitator,
        hidden_reason="Offensive",
    )
    response = api.get(f"/api/v1/proposals/{proposal.pk}/comments/")
    item = body(response)["results"][0]
    assert item["id"] == comment.pk
    assert item["state"] == "hidden"
    assert item["body"] is None and item["body_html"] is None
    assert item["author"] is None
    assert item["hidden"]["reason"] == "Offensive"
    assert "secret insult" not in response.content.decode()


def test_facilitator_sees_hidden_comment_text(session_client, proposal, facilitator):
    factories.CommentFactory(
        proposal=proposal, body="secret insult", hidden_at=timezone.now()
    )
    client = session_client(facilitator)
    item = body(client.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"][0]
    assert item["body"] == "secret insult"


def test_deleted_comment_keeps_its_replies(api, proposal):
    root = factories.CommentFactory(proposal=proposal, deleted_at=timezone.now())
    factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    item = body(api.get(f"/api/v1/proposals/{proposal.pk}/comments/"))["results"][0]
    assert item["state"] == "deleted" and item["body"] is None
    assert len(item["replies"]) == 1


def test_comment_detail(api, proposal):
    comment = factories.CommentFactory(proposal=proposal, alignment="favour")
    data = body(api.get(f"/api/v1/comments/{comment.pk}/"))
    assert data["alignment"] == "favour"
    assert data["proposal"] == proposal.pk


def test_comment_list_query_count_is_fixed(api, proposal, django_assert_num_queries):
    def thread():
        root = factories.CommentFactory(proposal=proposal)
        factories.CommentFactory(proposal=proposal, parent=root, depth=1)

    thread()
    url = f"/api/v1/proposals/{proposal.pk}/comments/"
    # the proposal, a page of top-level comments, every reply below them
    with django_assert_num_queries(3):
        api.get(url)
    for _n in range(10):
        thread()
    with django_assert_num_queries(3):
        assert len(body(api.get(url))["results"]) == 11


def test_comments_of_unknown_proposal_is_404(api):
    assert api.get("/api/v1/proposals/424242/comments/").status_code == 404


# -- pagination ----------------------------------------------------------------------


def test_cursor_pagination_walks_every_item_once(api, process):
    made = factories.ProposalFactory.create_batch(7, process=process)
    now = timezone.now()
    for n, proposal in enumerate(made):
        # Two share a timestamp, so the cursor must break ties by id.
        proposal.created_at = now - timedelta(minutes=n // 2)
        proposal.save(update_fields=["created_at"])
    seen: list[int] = []
    url = "/api/v1/proposals/?page_size=3"
    pages = 0
    while url:
        data = body(api.get(url))
        seen.extend(item["id"] for item in data["results"])
        url = data["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(p.pk for p in made)
    assert len(seen) == len(set(seen))


def test_previous_link_returns_the_previous_page(api, process):
    factories.ProposalFactory.create_batch(5, process=process)
    first = body(api.get("/api/v1/proposals/?page_size=2"))
    second = body(api.get(first["next"]))
    back = body(api.get(second["previous"]))
    assert [i["id"] for i in back["results"]] == [i["id"] for i in first["results"]]
    assert first["previous"] is None


def test_forged_cursor_is_400(api, proposal):
    response = api.get("/api/v1/proposals/?cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 400
    assert "cursor" in body(response)["field_errors"]


def test_cursor_of_another_ordering_is_400(api, process):
    factories.ProposalFactory.create_batch(3, process=process)
    next_url = body(api.get("/api/v1/proposals/?page_size=1"))["next"]
    response = api.get(next_url + "&ordering=most_supported")
    assert response.status_code == 400


def test_page_size_out_of_range_is_400(api):
    assert api.get("/api/v1/proposals/?page_size=1000").status_code == 400
    assert api.get("/api/v1/proposals/?page_size=zero").status_code == 400


def test_an_empty_page_size_is_refused_as_the_description_says_integer(api):
    response = api.get("/api/v1/departments/?page_size=")
    assert response.status_code == 400
    assert "page_size" in body(response)["field_errors"]


# -- conditional GET -----------------------------------------------------------------


def test_list_has_etag_and_last_modified(api, proposal):
    response = api.get("/api/v1/proposals/")
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "Authorization" in response["Vary"]


def test_if_none_match_gives_304(api, proposal):
    etag = api.get(f"/api/v1/proposals/{proposal.pk}/")["ETag"]
    response = api.get(f"/api/v1/proposals/{proposal.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_if_modified_since_gives_304_while_unchanged(api, proposal, monkeypatch):
    last_modified = api.get("/api/v1/proposals/")["Last-Modified"]
    later = time.time() + 5
    monkeypatch.setattr(conditional.time, "time", lambda: later)
    response = api.get("/api/v1/proposals/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_if_modified_since_is_not_trusted_within_the_same_second(
    api, proposal, monkeypatch
):
    # Both requests in one second, whatever the machine's speed.
    now = float(int(time.time()))
    monkeypatch.setattr(conditional.time, "time", lambda: now + 0.5)
    last_modified = api.get("/api/v1/proposals/")["Last-Modified"]
    response = api.get("/api/v1/proposals/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200


def test_change_invalidates_etag_and_last_modified(api, proposal, resident2):
    first = api.get("/api/v1/proposals/")
    factories.SupportFactory(proposal=proposal, user=resident2)
    proposal.support_count = 1
    proposal.save(update_fields=["support_count"])
    response = api.get(
        "/api/v1/proposals/",
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
