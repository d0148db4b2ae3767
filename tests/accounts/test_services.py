"""accounts.services: role grants and revokes (audited) and profile updates."""

from __future__ import annotations

import pytest

from participation.accounts import services
from participation.accounts.models import Role, RoleGrant
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_grants_official_role_and_it_is_audited_with_actor(
    admin_user, resident, department
):
    services.role_grant(
        actor=admin_user, user=resident, role=Role.OFFICIAL, department=department
    )
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor == admin_user
    assert event.after == {
        "user": resident.pk,
        "role": "official",
        "process": None,
        "department": department.code,
        "section": None,
        "approver": False,
    }


def test_grant_takes_effect_at_once_on_the_same_user_object(admin_user, resident):
    from participation.accounts.rules import needs_mfa

    assert not needs_mfa(resident)
    services.role_grant(actor=admin_user, user=resident, role=Role.ADMIN)
    assert needs_mfa(resident)


def test_non_admin_cannot_grant_roles(facilitator, resident):
    with pytest.raises(NotAllowed):
        services.role_grant(actor=facilitator, user=resident, role=Role.ADMIN)
    assert not AuditEvent.objects.exists()


def test_admin_without_mfa_cannot_grant_roles(resident):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    with pytest.raises(NotAllowed):
        services.role_grant(actor=admin, user=resident, role=Role.ADMIN)


def test_official_without_department_is_invalid(resident):
    with pytest.raises(Invalid) as error:
        services.role_grant(actor=None, user=resident, role=Role.OFFICIAL)
    assert error.value.code == "department"


def test_facilitator_with_department_is_invalid(resident, department):
    with pytest.raises(Invalid):
        services.role_grant(
            actor=None, user=resident, role=Role.FACILITATOR, department=department
        )


def test_unknown_role_is_invalid(resident):
    with pytest.raises(Invalid):
        services.role_grant(actor=None, user=resident, role="mayor")


def test_duplicate_grant_is_a_conflict(resident, process):
    services.role_grant(
        actor=None, user=resident, role=Role.FACILITATOR, process=process
    )
    with pytest.raises(Conflict):
        services.role_grant(
            actor=None, user=resident, role=Role.FACILITATOR, process=process
        )
    assert RoleGrant.objects.count() == 1


def test_deactivated_account_cannot_receive_a_role(resident):
    resident.is_active = False
    resident.save()
    with pytest.raises(Invalid) as error:
        services.role_grant(actor=None, user=resident, role=Role.ADMIN)
    assert error.value.code == "inactive"


def test_revoke_is_audited_with_the_removed_scope(admin_user, official, department):
    services.role_revoke(
        actor=admin_user, user=official, role=Role.OFFICIAL, department=department
    )
    assert not RoleGrant.objects.filter(user=official).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert event.before["department"] == department.code


def test_admin_cannot_revoke_own_admin_role(admin_user):
    with pytest.raises(NotAllowed):
        services.role_revoke(actor=admin_user, user=admin_user, role=Role.ADMIN)
    assert RoleGrant.objects.filter(user=admin_user, role=Role.ADMIN).exists()


def test_profile_update_saves_and_audits_a_change_of_name(resident):
    services.profile_update(
        user=resident, real_name=" Hanako  Suzuki ", name_reading="", bio="Hello"
    )
    resident.refresh_from_db()
    assert resident.real_name == "Hanako Suzuki"
    event = AuditEvent.objects.get(action="user.rename")
    assert event.before["real_name"] == "Hanako Sato"
    assert event.after["real_name"] == "Hanako Suzuki"


def test_profile_update_of_bio_only_is_not_audited(resident):
    services.profile_update(user=resident, real_name="Hanako Sato", bio="New bio")
    resident.refresh_from_db()
    assert resident.bio == "New bio"
    assert not AuditEvent.objects.exists()


def test_profile_update_with_bad_name_changes_nothing(resident):
    with pytest.raises(Invalid) as error:
        services.profile_update(user=resident, real_name="x", bio="changed")
    assert "real_name" in error.value.field_errors
    resident.refresh_from_db()
    assert (resident.real_name, resident.bio) == ("Hanako Sato", "")
