"""A draft process is previewed by those who set it up, exactly as residents will
see it, and stays out of every public door."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.accounts.models import Role
from participation.spaces import services
from tests import factories
from tests.spaces.files import image_upload, pdf_upload

pytestmark = pytest.mark.django_db

WORD = "ひみつのしたがき"


@pytest.fixture
def draft(db):
    process = factories.ProcessFactory(
        status="draft", slug="next-year", title=f"来年度 {WORD}"
    )
    factories.ProposalFactory(process=process, title=f"{WORD}の提案")
    return process


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_admin_previews_the_draft_page_with_a_banner_and_publish_button(
    client, admin_user, draft
):
    client.force_login(admin_user)
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview — not public yet" in html
    assert f'action="/staff/processes/{draft.pk}/publish/"' in html


def test_admin_previews_the_drafts_proposal_list(client, admin_user, draft):
    client.force_login(admin_user)
    page = client.get(f"/processes/{draft.slug}/proposals/")
    assert page.status_code == 200
    assert "Preview — not public yet" in page.content.decode()
    assert f"{WORD}の提案" in page.content.decode()


def test_facilitator_of_the_draft_previews_it_without_a_publish_button(client, draft):
    facilitator = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=draft
    )
    client.force_login(facilitator)
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview — not public yet" in html
    assert "/publish/" not in html


@pytest.mark.parametrize("who", ["anonymous", "resident", "official", "facilitator"])
def test_everyone_else_gets_404_on_the_draft(client, request, who, draft):
    # ``facilitator`` is the conftest one: of another process.
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/processes/{draft.slug}/proposals/").status_code == 404
    assert client.get(f"/processes/{draft.slug}/flyer/").status_code == 404


def test_published_process_has_no_banner(client, admin_user, process):
    client.force_login(admin_user)
    assert "Preview" not in client.get(process.get_absolute_url()).content.decode()


def test_draft_stays_out_of_the_home_page_api_search_feeds_and_open_data(
    client, admin_user, draft
):
    # Even an administrator's lists leave drafts out: only the preview shows them.
    client.force_login(admin_user)
    doors = [
        "/",
        "/api/v1/processes/",
        "/api/v1/proposals/",
        f"/search/?q={WORD}",
        "/tracker/feed/",
        "/opendata/proposals.csv",
        "/opendata/tracker.csv",
    ]
    for url in doors:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"{WORD}の提案" not in body(response), url
        assert "next-year" not in body(response), url
    assert client.get(f"/tracker/feed/processes/{draft.slug}/").status_code == 404
    assert client.get(f"/api/v1/processes/{draft.slug}/").status_code == 404


def test_draft_files_are_for_the_preview_only(client, admin_user, draft):
    attachment = services.process_attachment_add(
        actor=admin_user, process=draft, upload=pdf_upload(), title="計画案"
    )
    services.process_update(
        actor=admin_user,
        process=draft,
        data=services.ProcessInput(title=draft.title, summary=draft.summary),
        header_image=image_upload(),
    )
    urls = [attachment.get_absolute_url(), f"/processes/{draft.slug}/header-image/"]
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(admin_user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_visible_to_anonymous_is_public():
    from participation.spaces.models import Process

    draft = factories.ProcessFactory(status="draft")
    assert draft not in Process.objects.visible_to(AnonymousUser())
