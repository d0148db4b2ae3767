"""The proposal form residents use: plain text, a toolbar that JavaScript shows,
and a preview rendered by the one sanitizer (live, or with the "Preview" button
without JavaScript)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db

PREVIEW = "/proposals/preview/"
ATTACKS = (
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">a</a>',
    "<iframe src=https://evil.example/></iframe>",
    '<svg onload="alert(1)">',
)


def test_form_never_mentions_markdown(login, resident, process):
    html = login(resident).get(reverse("proposals:create", args=[process.slug]))
    text = html.content.decode()
    assert "Markdown" not in text
    assert "**bold**" not in text


def test_form_has_a_toolbar_hidden_until_javascript_shows_it(login, resident, process):
    html = login(resident).get(reverse("proposals:create", args=[process.slug]))
    text = html.content.decode()
    assert "data-text-toolbar hidden" in text
    assert 'data-format="bold"' in text and 'data-format="list"' in text
    assert 'data-format="link"' in text
    assert 'enctype="multipart/form-data"' in text


def test_preview_renders_the_text_as_it_will_be_shown(login, resident):
    response = login(resident).post(
        PREVIEW, {"body": "**大事**なこと\n\n- ひとつ\n- ふたつ\n\nhttps://example.org"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>大事</strong>" in html
    assert "<li>ひとつ</li>" in html
    assert 'href="https://example.org"' in html and "nofollow" in html


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("attack", ATTACKS)
def test_preview_goes_through_the_sanitizer(login, resident, attack):
    parsed = _Elements()
    parsed.feed(login(resident).post(PREVIEW, {"body": attack}).content.decode())
    assert parsed.tags <= {"p", "a", "strong", "em", "ul", "ol", "li", "br"}
    assert not [name for name, _value in parsed.attributes if name.startswith("on")]
    assert not [
        value
        for name, value in parsed.attributes
        if name in {"href", "src"} and not value.startswith(("http://", "https://"))
    ]


def test_preview_needs_a_signed_in_person(client):
    assert client.post(PREVIEW, {"body": "テスト"}).status_code == 403


def test_preview_is_checked_against_csrf(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post(PREVIEW, {"body": "テスト"}).status_code == 403


def test_preview_is_rate_limited(settings, login, resident):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "2/600"}
    client = login(resident)
    assert client.post(PREVIEW, {"body": "一"}).status_code == 200
    assert client.post(PREVIEW, {"body": "二"}).status_code == 200
    refused = client.post(PREVIEW, {"body": "三"})
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_preview_answers_only_post(login, resident):
    assert login(resident).get(PREVIEW).status_code == 405


def test_preview_button_without_javascript_shows_the_text_and_saves_nothing(
    login, resident, process
):
    data = valid_proposal_data(body="**太字**の本文です。" * 5, preview="1")
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>太字</strong>" in html
    assert "Preview: your text as it will be shown" in html
    assert not Proposal.objects.exists()


def test_preview_button_keeps_what_was_typed(login, resident, process):
    data = valid_proposal_data(preview="1")
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]), data
    )
    assert data["title"] in response.content.decode()


def test_preview_button_on_edit_saves_nothing(login, resident, proposal):
    before = proposal.body
    data = valid_proposal_data(body="新しい本文をプレビューで確認するだけです。" * 2)
    data["preview"] = "1"
    response = login(resident).post(reverse("proposals:edit", args=[proposal.pk]), data)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.body == before
