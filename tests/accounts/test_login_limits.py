"""Failed sign-ins are limited per address and per account without letting a
stranger lock the owner out: per account *and* address, per address across
accounts, and per account from all addresses together (much higher)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OWNER_ADDRESS = "198.51.100.7"
STRANGER_ADDRESS = "203.0.113.9"
TOO_MANY = "Too many failed login attempts"


def sign_in(email: str, password: str, address: str, client: Client | None = None):
    client = client or Client()
    response = client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=address,
    )
    return response, client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_stranger_failing_from_another_address_does_not_lock_the_owner_out(
    resident,
):
    for _ in range(12):
        sign_in(resident.email, "not-the-password", STRANGER_ADDRESS)
    response, client = sign_in(resident.email, PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_strangers_own_address_is_stopped_on_that_account(resident):
    responses = [
        sign_in(resident.email, "not-the-password", STRANGER_ADDRESS)[0]
        for _ in range(6)
    ]
    assert TOO_MANY not in responses[4].content.decode()
    assert TOO_MANY in responses[5].content.decode()


def test_the_owners_own_repeated_failures_are_limited(resident):
    client = Client()
    for _ in range(5):
        response, _ = sign_in(resident.email, "not-the-password", OWNER_ADDRESS, client)
        assert TOO_MANY not in response.content.decode()
    response, _ = sign_in(resident.email, "not-the-password", OWNER_ADDRESS, client)
    assert TOO_MANY in response.content.decode()
    # Even the right password is not checked from that address for a while.
    response, client = sign_in(resident.email, PASSWORD, OWNER_ADDRESS, client)
    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_the_refusal_is_translated(resident):
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    for _ in range(6):
        response, _ = sign_in(resident.email, "not-the-password", OWNER_ADDRESS, client)
    body = response.content.decode()
    assert TOO_MANY not in body
    assert "ログイン失敗が連続しています" in body


def test_one_address_trying_many_accounts_is_limited(db):
    emails = [f"someone{n}@example.jp" for n in range(11)]
    responses = [sign_in(e, "guess-1234567", STRANGER_ADDRESS)[0] for e in emails]
    assert all(TOO_MANY not in r.content.decode() for r in responses[:10])
    assert TOO_MANY in responses[10].content.decode()
    # Another address is not affected.
    other = factories.UserFactory()
    response, client = sign_in(other.email, PASSWORD, OWNER_ADDRESS)
    assert signed_in(client)


def test_guessing_spread_over_many_addresses_is_bounded_per_account(resident, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "12/h/key",
    }
    for n in range(3):
        for _ in range(4):
            response, _ = sign_in(resident.email, "wrong-guess", f"192.0.2.{n + 1}")
            assert TOO_MANY not in response.content.decode()
    response, _ = sign_in(resident.email, "wrong-guess", "192.0.2.200")
    assert TOO_MANY in response.content.decode()


def test_a_successful_sign_in_is_not_counted_as_a_failure(resident):
    for _ in range(4):
        sign_in(resident.email, "not-the-password", OWNER_ADDRESS)
    for _ in range(3):
        response, client = sign_in(resident.email, PASSWORD, OWNER_ADDRESS)
        assert signed_in(client)
    response, _ = sign_in(resident.email, "not-the-password", OWNER_ADDRESS)
    assert TOO_MANY not in response.content.decode()
