"""The Django admin: MFA-gated, login through allauth, grants through services."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role, RoleGrant
from participation.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_admin_login_goes_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_admin_with_mfa_opens_the_admin_site(client, admin_user, login):
    login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_admin_without_mfa_is_refused_and_sent_to_mfa_setup(client, login):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    login(admin)
    first = client.get("/admin/")
    assert first["Location"] == "/admin/login/?next=/admin/"
    second = client.get(first["Location"])
    assert second["Location"] == "/accounts/2fa/totp/activate/"


def test_admin_without_mfa_cannot_open_an_admin_page(client, login, resident):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    login(admin)
    response = client.get(f"/admin/accounts/user/{resident.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_demo_admin_without_mfa_may_use_admin_while_debug(client, login, settings):
    admin = factories.grant(factories.UserFactory(is_demo=True), Role.ADMIN, mfa=False)
    settings.DEBUG = True
    login(admin)
    assert client.get("/admin/").status_code == 200


def test_resident_is_refused_with_403(client, resident, login):
    login(resident)
    assert client.get("/admin/login/").status_code == 403


def test_facilitator_with_mfa_is_refused_with_403(client, facilitator, login):
    login(facilitator)
    assert client.get("/admin/login/").status_code == 403


def test_admin_login_ignores_an_offsite_next(client, admin_user, login):
    login(admin_user)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_admin_password_change_goes_to_the_account_page(client, admin_user, login):
    login(admin_user)
    response = client.get("/admin/password_change/")
    assert response["Location"] == "/accounts/password/change/"


def test_user_change_page_shows_no_password_hash(client, admin_user, resident, login):
    login(admin_user)
    body = client.get(f"/admin/accounts/user/{resident.pk}/change/").content.decode()
    assert resident.real_name in body
    assert resident.password not in body
    assert 'name="password"' not in body


def test_user_list_searches_by_real_name(client, admin_user, resident, login):
    factories.UserFactory(real_name="Someone Else")
    login(admin_user)
    body = client.get("/admin/accounts/user/?q=Hanako").content.decode()
    assert "Hanako Sato" in body
    assert "Someone Else" not in body


def test_user_change_in_admin_is_audited(client, admin_user, resident, login):
    login(admin_user)
    client.post(
        f"/admin/accounts/user/{resident.pk}/change/",
        {"real_name": "Hanako Sato", "name_reading": "", "bio": "", "is_active": ""},
    )
    resident.refresh_from_db()
    assert not resident.is_active
    event = AuditEvent.objects.get(action="user.admin_change")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False}


def test_role_grant_added_in_admin_goes_through_the_service(
    client, admin_user, resident, department, login
):
    login(admin_user)
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {"user": resident.pk, "role": "official", "department": department.pk},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=resident)
    assert grant.granted_by == admin_user
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor == admin_user


def test_invalid_role_grant_in_admin_shows_the_reason(
    client, admin_user, resident, login
):
    login(admin_user)
    response = client.post(
        "/admin/accounts/rolegrant/add/", {"user": resident.pk, "role": "official"}
    )
    assert response.status_code == 200
    assert "An official belongs to a department" in response.content.decode()
    assert not RoleGrant.objects.filter(user=resident).exists()
    assert not AuditEvent.objects.exists()


def test_duplicate_role_grant_in_admin_is_refused(client, admin_user, official, login):
    login(admin_user)
    department = RoleGrant.objects.get(user=official).department
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {"user": official.pk, "role": "official", "department": department.pk},
    )
    assert "already an official of this department" in response.content.decode()
    assert RoleGrant.objects.filter(user=official).count() == 1


def test_role_grant_deleted_in_admin_is_revoked_and_audited(
    client, admin_user, official, login
):
    grant = RoleGrant.objects.get(user=official)
    login(admin_user)
    client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.get(action="role.revoke").actor == admin_user


def test_bulk_delete_of_role_grants_revokes_each(
    client, admin_user, official, facilitator, login
):
    ids = list(
        RoleGrant.objects.filter(user__in=[official, facilitator]).values_list(
            "pk", flat=True
        )
    )
    login(admin_user)
    client.post(
        "/admin/accounts/rolegrant/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not RoleGrant.objects.filter(pk__in=ids).exists()
    assert AuditEvent.objects.filter(action="role.revoke").count() == 2


def test_admin_cannot_delete_own_admin_grant_in_admin(client, admin_user, login):
    grant = RoleGrant.objects.get(user=admin_user, role=Role.ADMIN)
    login(admin_user)
    response = client.post(
        f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_role_grant_add_page_is_prefilled_from_the_process_page_link(
    client, admin_user, process, login
):
    login(admin_user)
    response = client.get(
        f"/admin/accounts/rolegrant/add/?role=facilitator&process={process.pk}"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<option value="{process.pk}" selected>' in body
