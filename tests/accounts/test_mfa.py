"""Two-factor authentication for staff: the banner, setting it up, logging in."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from participation.accounts.models import Role, User
from participation.accounts.rules import is_process_facilitator
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BANNER = "Your staff actions are switched off."


@pytest.fixture(autouse=True)
def _tolerant_totp(settings):
    # A code computed just before a 30-second boundary stays valid just after.
    settings.MFA_TOTP_TOLERANCE = 1


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def password_login(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def open_totp_setup(client, user):
    """Log in, confirm the password again (allauth asks before MFA changes), and
    open the set-up page."""
    password_login(client, user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client.get("/accounts/2fa/totp/activate/")


@pytest.fixture
def facilitator_without_mfa(process):
    user = factories.UserFactory(real_name="New Facilitator")
    return factories.grant(user, Role.FACILITATOR, process=process, mfa=False)


def test_banner_tells_staff_without_mfa_that_staff_actions_are_off(
    client, facilitator_without_mfa, login
):
    login(facilitator_without_mfa)
    body = client.get("/").content.decode()
    assert BANNER in body
    assert 'href="/accounts/2fa/totp/activate/"' in body


def test_banner_is_not_shown_to_staff_with_mfa(client, facilitator, login):
    login(facilitator)
    assert BANNER not in client.get("/").content.decode()


def test_banner_is_not_shown_to_residents(client, resident, login):
    login(resident)
    assert BANNER not in client.get("/").content.decode()


def test_banner_is_not_shown_to_demo_staff_while_debug(client, login, settings):
    settings.DEBUG = True
    user = factories.grant(factories.UserFactory(is_demo=True), Role.ADMIN, mfa=False)
    login(user)
    assert BANNER not in client.get("/").content.decode()


def test_staff_member_sets_up_totp_and_gains_staff_powers(
    client, facilitator_without_mfa, process
):
    page = open_totp_setup(client, facilitator_without_mfa)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": current_code(secret)}
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=facilitator_without_mfa, type=Authenticator.Type.TOTP
    ).exists()
    assert BANNER not in client.get("/").content.decode()
    fresh = User.objects.get(pk=facilitator_without_mfa.pk)
    assert is_process_facilitator(fresh, process)


def test_wrong_totp_code_is_refused_with_a_message(client, facilitator_without_mfa):
    open_totp_setup(client, facilitator_without_mfa)
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=facilitator_without_mfa).exists()


def test_login_with_mfa_asks_for_the_second_factor(client, facilitator_without_mfa):
    secret = open_totp_setup(client, facilitator_without_mfa).context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    client.post("/accounts/logout/")

    response = password_login(client, facilitator_without_mfa)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert int(client.session["_auth_user_id"]) == facilitator_without_mfa.pk


def test_mfa_index_page_uses_the_site_layout(client, resident):
    password_login(client, resident)
    body = client.get("/accounts/2fa/").content.decode()
    assert 'class="account-nav"' in body
    assert "Authenticator App" in body


def test_deactivating_totp_warns_staff_that_staff_actions_switch_off(
    client, facilitator
):
    client.force_login(facilitator)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert "Your staff actions will be switched off." in page.content.decode()


def test_deactivating_totp_does_not_warn_residents(client, resident):
    factories.with_mfa(resident)
    client.force_login(resident)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert "Your staff actions will be switched off." not in page.content.decode()
