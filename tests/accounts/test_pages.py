"""allauth pages inside the site layout, in English and Japanese."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ENTRANCE_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
]
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/profile/",
    "/accounts/data/",
]


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_page_renders_in_site_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert 'class="layout-entrance"' in body


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_account_page_renders_with_account_navigation(client, resident, login, url):
    login(resident)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert 'class="account-nav"' in body


def test_reauthenticate_page_renders_in_site_layout(client, resident, login):
    login(resident)
    body = client.get("/accounts/reauthenticate/").content.decode()
    assert 'class="site-header"' in body
    assert 'name="password"' in body


@pytest.mark.parametrize("url", ENTRANCE_PAGES[:3])
def test_entrance_page_renders_in_japanese(client, url):
    client.cookies["django_language"] = "ja"
    body = client.get(url).content.decode()
    assert '<html lang="ja"' in body
    assert re.search(r"[\u3040-\u30ff]", body.split("<main", 1)[1])


def test_every_form_field_has_a_label(client):
    body = client.get("/accounts/signup/").content.decode()
    ids = re.findall(
        r'<input[^>]+type="(?:text|email|password)"[^>]*id="([^"]+)"', body
    )
    assert ids
    for field_id in ids:
        assert f'<label for="{field_id}">' in body


def test_login_error_is_shown_on_the_form(client, resident):
    response = client.post(
        "/accounts/login/", {"login": resident.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


def test_password_reset_from_mail_link_to_new_password(client, resident):
    client.post("/accounts/password/reset/", {"email": resident.email})
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    )
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("a-brand-new-passphrase")


def test_password_change_notifies_by_mail(client, resident):
    client.post("/accounts/login/", {"login": resident.email, "password": PASSWORD})
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    resident.refresh_from_db()
    assert resident.check_password("another-long-passphrase")
    assert any(resident.email in message.to for message in mail.outbox)


def test_email_change_sends_a_verification_to_the_new_address(client, resident, login):
    login(resident)
    client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert any("new@example.org" in message.to for message in mail.outbox)
