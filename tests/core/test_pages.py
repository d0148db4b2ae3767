from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_home_lists_published_processes_with_figures(client, proposal):
    draft = factories.ProcessFactory(status="draft", title_en="Secret draft")
    factories.CommentFactory(proposal=proposal)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert proposal.process.title_en in html
    assert draft.title_en not in html
    assert response.context["figures"]["proposals"] == 1
    assert response.context["figures"]["comments"] == 1
    assert response.context["figures"]["participants"] == 2


def test_home_shows_proposal_count_per_process(client, process):
    factories.ProposalFactory(process=process)
    factories.ProposalFactory(process=process)
    html = client.get("/").content.decode()
    assert "2 proposals" in html


def test_home_without_processes_says_so(client, db):
    assert "There are no open processes right now." in client.get("/").content.decode()


def test_process_page_shows_phases_as_timeline(client, process):
    html = client.get(reverse("process", args=[process.slug])).content.decode()
    assert 'class="timeline"' in html
    assert "Collecting proposals" in html
    assert 'class="is-current"' in html


def test_process_page_lists_latest_proposals(client, proposal):
    html = client.get(reverse("process", args=[proposal.process.slug])).content.decode()
    assert proposal.title in html


def test_process_page_offers_posting_to_a_resident(login, resident, process):
    html = login(resident).get(reverse("process", args=[process.slug])).content.decode()
    assert reverse("proposals:create", args=[process.slug]) in html


def test_process_page_offers_login_to_anonymous(client, process):
    html = client.get(reverse("process", args=[process.slug])).content.decode()
    assert "Log in to post a proposal" in html


def test_process_page_of_draft_is_404(client, db):
    draft = factories.ProcessFactory(status="draft")
    assert client.get(reverse("process", args=[draft.slug])).status_code == 404


def test_process_page_of_unknown_slug_is_404(client, db):
    assert client.get("/processes/does-not-exist/").status_code == 404


def test_readyz_reports_database_ok(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_unknown_page_is_404_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
