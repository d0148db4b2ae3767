"""Personal access tokens: the service, authentication with them, and the pages."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from rest_framework.test import APIClient

from participation.accounts.models import Role
from participation.api import services
from participation.api.models import PersonalAccessToken
from participation.audit.models import AuditEvent
from participation.errors import Invalid, NotAllowed
from responses.models import Response
from tests import factories
from tests.api.conftest import body

pytestmark = pytest.mark.django_db


# -- service ---------------------------------------------------------------------


def test_token_is_stored_only_as_its_sha256(resident):
    new = services.token_create(user=resident, name="bot", scopes=["participate"])
    stored = PersonalAccessToken.objects.get()
    assert stored.token_hash == hashlib.sha256(new.raw.encode()).hexdigest()
    assert new.raw not in str(PersonalAccessToken.objects.values().get())


def test_every_token_can_read(resident):
    new = services.token_create(user=resident, name="bot", scopes=[])
    assert new.token.scopes == ["read"]


def test_token_needs_a_name(resident):
    with pytest.raises(Invalid) as error:
        services.token_create(user=resident, name="   ", scopes=[])
    assert "name" in error.value.field_errors
    assert not PersonalAccessToken.objects.exists()


def test_unknown_scope_is_refused(resident):
    with pytest.raises(Invalid):
        services.token_create(user=resident, name="bot", scopes=["admin"])


def test_resident_cannot_create_an_official_token(resident):
    with pytest.raises(Invalid) as error:
        services.token_create(user=resident, name="bot", scopes=["official"])
    assert error.value.code == "scope_not_allowed"


def test_official_can_create_an_official_token(official):
    new = services.token_create(user=official, name="desk", scopes=["official"])
    assert new.token.scopes == ["read", "official"]


def test_unverified_user_cannot_create_a_token(unverified):
    with pytest.raises(NotAllowed):
        services.token_create(user=unverified, name="bot", scopes=[])


def test_active_tokens_are_capped(resident):
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=resident, name=f"t{n}", scopes=[])
    with pytest.raises(Invalid) as error:
        services.token_create(user=resident, name="one more", scopes=[])
    assert error.value.code == "too_many_tokens"


def test_creation_and_revocation_are_audited(resident):
    new = services.token_create(user=resident, name="bot", scopes=["participate"])
    services.token_revoke(actor=resident, token=new.token)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]
    assert new.raw not in str(list(AuditEvent.objects.values()))


def test_nobody_revokes_another_persons_token(resident, resident2):
    new = services.token_create(user=resident, name="bot", scopes=[])
    with pytest.raises(NotAllowed):
        services.token_revoke(actor=resident2, token=new.token)
    new.token.refresh_from_db()
    assert new.token.revoked_at is None


def test_revoking_twice_is_refused(resident):
    new = services.token_create(user=resident, name="bot", scopes=[])
    services.token_revoke(actor=resident, token=new.token)
    with pytest.raises(Invalid):
        services.token_revoke(actor=resident, token=new.token)


# -- authentication ----------------------------------------------------------------


def test_bearer_token_authenticates_as_its_owner(token_client, resident):
    client = token_client(resident, ["read"])
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert body(response)["id"] == resident.pk
    assert body(response)["token_scopes"] == ["read"]


def test_use_records_last_used_time(token_client, resident):
    client = token_client(resident, ["read"])
    client.get("/api/v1/me/")
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


def test_revoked_token_is_rejected_with_401(token_client, resident):
    client = token_client(resident, ["read"])
    services.token_revoke(actor=resident, token=client.token)
    response = client.get("/api/v1/processes/")
    assert response.status_code == 401
    assert body(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_rejected(token_client, resident):
    client = token_client(resident, ["read"])
    PersonalAccessToken.objects.filter(pk=client.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/api/v1/me/").status_code == 401


def test_unknown_token_is_rejected(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer pat_nonsense")
    assert api.get("/api/v1/proposals/").status_code == 401


def test_malformed_authorization_header_is_rejected(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer two words")
    response = api.get("/api/v1/proposals/")
    assert response.status_code == 401
    assert body(response)["field_errors"] == {}


def test_token_of_deactivated_user_is_rejected(token_client, resident):
    client = token_client(resident, ["read"])
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401


def test_me_needs_authentication(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert body(response)["code"] == "not_authenticated"


# -- pages -------------------------------------------------------------------------


def test_token_page_requires_login(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_token_page_lists_own_tokens_only(login, resident, resident2):
    services.token_create(user=resident, name="mine", scopes=[])
    services.token_create(user=resident2, name="theirs", scopes=[])
    response = login(resident).get("/accounts/tokens/")
    assert response.status_code == 200
    assert "mine" in response.content.decode()
    assert "theirs" not in response.content.decode()


def test_creating_a_token_shows_it_once(login, resident):
    client = login(resident)
    response = client.post(
        "/accounts/tokens/",
        {"name": "LINE bot", "scopes": ["participate"], "expires_in_days": "90"},
    )
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    token = PersonalAccessToken.objects.get(user=resident)
    html = response.content.decode()
    assert token.prefix in html
    raw = html.split('id="new-token-value"')[1].split('value="')[1].split('"')[0]
    assert services.hash_token(raw) == token.token_hash
    assert raw not in client.get("/accounts/tokens/").content.decode()


def test_token_page_offers_official_scope_to_officials_only(login, resident, official):
    assert (
        'value="official"'
        not in login(resident).get("/accounts/tokens/").content.decode()
    )


def test_creating_a_token_without_name_shows_the_error(login, resident):
    response = login(resident).post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_revoking_from_the_page(login, resident):
    new = services.token_create(user=resident, name="bot", scopes=[])
    response = login(resident).post(f"/accounts/tokens/{new.token.pk}/revoke/")
    assert response.status_code == 302
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None


def test_revoking_someone_elses_token_is_404(login, resident, resident2):
    new = services.token_create(user=resident2, name="bot", scopes=[])
    response = login(resident).post(f"/accounts/tokens/{new.token.pk}/revoke/")
    assert response.status_code == 404
    new.token.refresh_from_db()
    assert new.token.revoked_at is None


def test_token_page_form_requires_csrf(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = client.post("/accounts/tokens/", {"name": "bot"})
    assert response.status_code == 403
    assert not PersonalAccessToken.objects.exists()


# -- the official scope needs the role and MFA, at creation and at every use ------


ANSWER = "We will build the bicycle lane next spring, as proposed."


@pytest.fixture
def official_without_mfa(department):
    user = factories.UserFactory(real_name="Nomfa Official")
    return factories.grant(user, Role.OFFICIAL, department=department, mfa=False)


def _publish(raw: str, entry) -> object:
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.post(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {"decision": "accepted", "body": ANSWER},
        format="json",
    )


def test_staff_without_mfa_cannot_create_an_official_token(official_without_mfa):
    with pytest.raises(NotAllowed) as error:
        services.token_create(
            user=official_without_mfa, name="desk", scopes=["official"]
        )
    assert error.value.code == "mfa_required"
    assert not PersonalAccessToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


def test_an_admin_without_mfa_cannot_create_an_official_token_either(db):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    with pytest.raises(NotAllowed):
        services.token_create(user=admin, name="desk", scopes=["official"])


def test_staff_without_mfa_may_still_create_a_resident_token(official_without_mfa):
    new = services.token_create(
        user=official_without_mfa, name="bot", scopes=["participate"]
    )
    assert new.token.scopes == ["read", "participate"]


def test_the_token_page_tells_staff_without_mfa_to_set_it_up(
    login, official_without_mfa
):
    response = login(official_without_mfa).post(
        "/accounts/tokens/",
        {"name": "desk", "scopes": ["official"]},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 403
    assert "二要素認証" in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def _old_official_token(user) -> str:
    """A token with the official scope made while its owner had no MFA (as the
    service allowed before), returned raw."""
    raw = services.TOKEN_PREFIX + "made-before-mfa-0123456789abcdef"
    PersonalAccessToken.objects.create(
        user=user,
        name="old desk",
        token_hash=services.hash_token(raw),
        prefix=raw[:10],
        scopes=["read", "official"],
        created_at=timezone.now() - timedelta(days=1),
    )
    return raw


def test_an_official_token_made_before_mfa_does_not_start_working_with_mfa(
    official_without_mfa, entry
):
    raw = _old_official_token(official_without_mfa)
    factories.with_mfa(official_without_mfa)
    response = _publish(raw, entry)
    assert response.status_code == 403
    assert body(response)["code"] == "token_predates_mfa"
    assert not Response.objects.exists()


def test_an_official_token_made_with_mfa_works(official, entry):
    new = services.token_create(user=official, name="desk", scopes=["official"])
    assert _publish(new.raw, entry).status_code == 201


def test_an_official_token_stops_working_when_its_owner_removes_mfa(official, entry):
    new = services.token_create(user=official, name="desk", scopes=["official"])
    Authenticator.objects.filter(user=official).delete()
    response = _publish(new.raw, entry)
    assert response.status_code == 403
    assert body(response)["code"] == "mfa_required"
    assert not Response.objects.exists()


def test_an_official_token_stops_working_when_the_role_is_revoked(official, entry):
    new = services.token_create(user=official, name="desk", scopes=["official"])
    official.grants.all().delete()
    response = _publish(new.raw, entry)
    assert response.status_code in {400, 403}
    assert body(response)["code"] == "scope_not_allowed"
    assert not Response.objects.exists()
