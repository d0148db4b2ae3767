"""Sign-up under a real name, mandatory e-mail verification, then login."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from participation.accounts.models import User

PASSWORD = "a-long-and-unusual-passphrase"


def _signup(client, **overrides):
    data = {
        "real_name": "  Sato   Hanako ",
        "name_reading": "さとう はなこ",
        "email": "hanako@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def _login(client, email="hanako@example.org", password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _confirmation_link(message) -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_signup_stores_real_name_and_reading_stripped(client):
    _signup(client)
    user = User.objects.get(email="hanako@example.org")
    assert user.real_name == "Sato Hanako"
    assert user.name_reading == "さとう はなこ"


@pytest.mark.django_db
def test_signup_sends_verification_mail_and_does_not_log_in(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_verification_mail_names_the_person_and_the_site(client, settings):
    settings.SITE_NAME = "Kanagawa Voices"
    _signup(client)
    body = mail.outbox[0].body
    assert "Kanagawa Voices" in body
    assert "Sato Hanako" in body
    assert "example.com" not in body


@pytest.mark.django_db
def test_cannot_log_in_before_verifying_email(client):
    _signup(client)
    client.logout()
    response = _login(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_confirmation_link_verifies_then_login_works(client):
    _signup(client)
    link = _confirmation_link(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(email="hanako@example.org").verified
    client.logout()
    response = _login(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


@pytest.mark.django_db
def test_invalid_confirmation_link_says_it_is_invalid(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert b"expired or is invalid" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("real_name", "message"),
    [
        ("A", "at least 2 characters"),
        ("x" * 101, "at most 100 characters"),
        ("Visit https://spam.example", "web address"),
        ("Hanako\x07 Sato", "control characters"),
        ("   ", "This field is required"),
    ],
    ids=["too-short", "too-long", "url", "control-char", "blank"],
)
def test_signup_refuses_bad_real_name_with_a_clear_message(client, real_name, message):
    response = _signup(client, real_name=real_name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_signup_refuses_url_in_name_reading(client):
    response = _signup(client, name_reading="www.example.com")
    assert response.status_code == 200
    assert "web address" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_page_renders_in_japanese(client):
    client.cookies["django_language"] = "ja"
    response = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ja"' in body
    assert "パスワード" in body
