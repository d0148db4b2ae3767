"""Japanese and English. Our own catalog is translated in one pass at the end, so the
Japanese checks rely on the <html lang> attribute and on Django's own catalog."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_browser_asking_for_japanese_gets_a_japanese_page(client, process):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert '<html lang="ja"' in response.content.decode()


def test_japanese_form_errors_come_from_djangos_catalog(login, resident, process):
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        {"title": "", "body": ""},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    html = response.content.decode()
    with translation.override("ja"):
        required = str(forms.Field.default_error_messages["required"])
    assert response.status_code == 400
    assert '<html lang="ja"' in html
    assert required != "This field is required."  # the Japanese catalog is loaded
    assert f"<li>{required}</li>" in html


def test_english_is_served_to_an_english_browser(client, process):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in response.content.decode()


def test_language_switcher_remembers_the_choice(client, proposal):
    response = client.post(
        "/i18n/setlang/", {"language": "ja", "next": proposal.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response.url == proposal.get_absolute_url()
    html = client.get(proposal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content
    assert b'<html lang="ja"' in html


def test_government_content_uses_english_field_in_english(client, process):
    html = client.get(reverse("process", args=[process.slug])).content.decode()
    assert process.title_en in html


def test_government_content_uses_japanese_field_in_japanese(client, process):
    html = client.get(
        reverse("process", args=[process.slug]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert process.title in html
