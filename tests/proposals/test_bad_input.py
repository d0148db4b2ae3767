"""Bad input answers with a clear message and the right status, and changes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Comment, Proposal
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db


def test_invalid_utf8_in_list_query_string_is_not_a_500(client, proposal):
    url = reverse("proposals:list", args=[proposal.process.slug])
    response = client.get(f"{url}?q=%FF%FE&category=%C3%28&sort=%E0")
    assert response.status_code == 200


def test_invalid_utf8_in_similar_query_is_not_a_500(client, process):
    url = reverse("proposals:similar", args=[process.slug])
    assert client.get(f"{url}?title=%FF%FE%FD").status_code == 200


def test_invalid_utf8_in_form_is_refused_with_message(login, resident, process):
    body = (
        "title=%FF%FE%E9%A7%85%E5%89%8D%E3%81%AB%E9%A7%90%E8%BC%AA%E5%A0%B4%E3%82%92%E3%81%A4%E3%81%8F%E3%82%8B"
        "&body=" + "%E3%81%82" * 40
    )
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Proposal.objects.exists()


def test_null_character_in_form_is_refused(login, resident, process):
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(title="駅前に屋根付きの駐輪場を\x00つくる"),
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_oversized_request_body_is_400_not_500(login, resident, process, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(body="あ" * 5_000),
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_oversized_comment_is_400_with_csrf_checks_on(resident, proposal, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    client.get(proposal.get_absolute_url())  # sets the CSRF cookie
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {
            "body": "x" * 5_000,
            "alignment": "neutral",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_many_fields_is_400(login, resident, proposal, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"f{i}": "x" for i in range(50)}
    response = login(resident).post(
        reverse("proposals:comment_create", args=[proposal.pk]), data
    )
    assert response.status_code == 400


def test_post_without_csrf_token_is_refused(resident, proposal):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "CSRFなし", "alignment": "neutral"},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_body_over_limit_is_refused_with_message(login, resident, process):
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(body="あ" * 10_001),
    )
    assert response.status_code == 400
    assert "at most 10000 characters" in response.content.decode()


def test_unknown_category_id_is_refused(login, resident, process):
    from tests import factories

    process.categories.add(factories.CategoryFactory())
    stranger = factories.CategoryFactory()
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(category=stranger.pk),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_category_that_is_not_a_number_is_refused(login, resident, process):
    from tests import factories

    process.categories.add(factories.CategoryFactory())
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(category="'; DROP TABLE proposals;--"),
    )
    assert response.status_code == 400


def test_parent_id_beyond_database_range_is_400(login, resident2, proposal):
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "返信", "alignment": "neutral", "parent": "9" * 30},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_seed_and_page_out_of_range_are_handled(client, proposal):
    url = reverse("proposals:list", args=[proposal.process.slug])
    response = client.get(url, {"sort": "random", "seed": "-5", "page": "9" * 30})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert client.get(response.url).status_code == 200


def test_huge_search_text_is_cut_and_reported(client, proposal):
    url = reverse("proposals:list", args=[proposal.process.slug])
    response = client.get(url, {"q": "あ" * 5_000})
    assert response.status_code == 200
    assert response.context["filters"].q == ""


# --- script injection ---------------------------------------------------------------


def test_script_in_title_and_body_is_rendered_inert(login, resident, client, process):
    login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(
            title="<script>alert('t')</script>駐輪場の屋根",
            body="<script>alert('b')</script><img src=x onerror=alert(1)>"
            "[click](javascript:alert(1)) "
            "雨の日に自転車が濡れてしまいます。本当に困ります。",
        ),
    )
    proposal = Proposal.objects.get()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert not re.search(r"<a [^>]*href=\"javascript:", html)
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_script_in_comment_is_rendered_inert(login, resident2, client, proposal):
    login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {
            "body": '<script>alert("c")</script> <a href="javascript:x">x</a>',
            "alignment": "neutral",
        },
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert '<script>alert("c")' not in html
    assert not re.search(r"<a [^>]*href=\"javascript:", html)


def test_links_in_comments_get_nofollow_ugc_noopener(
    client, proposal, resident2, settings
):
    settings.NEW_ACCOUNT_LINK_FREE_COMMENTS = 0
    from proposals import services

    services.comment_create(
        author=resident2,
        proposal=proposal,
        body="詳しくは https://example.org/info を参照",
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'href="https://example.org/info" rel="nofollow ugc noopener"' in html
