"""Role × predicate matrix, with and without MFA, and the demo exemption."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.accounts import rules as r
from participation.accounts.models import Role
from tests import factories

PREDICATES = (
    "admin",
    "facilitator_here",
    "facilitator_elsewhere",
    "any_facilitator",
    "any_official",
    "official_here",
    "official_elsewhere",
    "moderator_here",
    "staff_pages",
    "needs_mfa",
)

# role -> the predicates that hold for it once MFA is set up.
WITH_MFA = {
    "resident": set(),
    "process_facilitator": {
        "facilitator_here",
        "any_facilitator",
        "moderator_here",
        "staff_pages",
    },
    "site_facilitator": {
        "facilitator_here",
        "facilitator_elsewhere",
        "any_facilitator",
        "moderator_here",
        "staff_pages",
    },
    "official": {"any_official", "official_here", "staff_pages"},
    "admin": {"admin", "moderator_here", "staff_pages"},
}


@pytest.fixture
def world(db):
    return {
        "process": factories.ProcessFactory(),
        "other_process": factories.ProcessFactory(),
        "department": factories.DepartmentFactory(),
        "other_department": factories.DepartmentFactory(),
    }


def make(role: str, world: dict, *, mfa: bool):
    user = factories.UserFactory()
    if role == "process_facilitator":
        factories.grant(user, Role.FACILITATOR, process=world["process"], mfa=mfa)
    elif role == "site_facilitator":
        factories.grant(user, Role.FACILITATOR, mfa=mfa)
    elif role == "official":
        factories.grant(user, Role.OFFICIAL, department=world["department"], mfa=mfa)
    elif role == "admin":
        factories.grant(user, Role.ADMIN, mfa=mfa)
    return user


def evaluate(user, world: dict) -> set[str]:
    results = {
        "admin": r.is_admin(user),
        "facilitator_here": r.is_process_facilitator(user, world["process"]),
        "facilitator_elsewhere": r.is_process_facilitator(user, world["other_process"]),
        "any_facilitator": r.is_any_facilitator(user),
        "any_official": r.is_any_official(user),
        "official_here": r.is_official_of(user, world["department"].pk),
        "official_elsewhere": r.is_official_of(user, world["other_department"].pk),
        "moderator_here": r.is_moderator_of(user, world["process"]),
        "staff_pages": user.has_perm("accounts.access_staff_pages"),
        "needs_mfa": r.needs_mfa(user),
    }
    return {name for name, value in results.items() if value}


@pytest.mark.parametrize("role", sorted(WITH_MFA))
def test_role_powers_with_mfa(role, world):
    user = make(role, world, mfa=True)
    assert evaluate(user, world) == WITH_MFA[role]


@pytest.mark.parametrize("role", sorted(set(WITH_MFA) - {"resident"}))
def test_staff_without_mfa_have_no_staff_powers_and_need_mfa(role, world):
    user = make(role, world, mfa=False)
    assert evaluate(user, world) == {"needs_mfa"}


def test_resident_without_mfa_does_not_need_mfa(world):
    user = make("resident", world, mfa=False)
    assert evaluate(user, world) == set()


def test_anonymous_has_no_powers(world):
    assert evaluate(AnonymousUser(), world) == set()


def test_demo_admin_without_mfa_is_admin_only_while_debug(world, settings):
    user = make("admin", world, mfa=False)
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    settings.DEBUG = True
    assert r.is_admin(user)


def test_demo_admin_without_mfa_is_not_admin_when_debug_is_off(world, settings):
    user = make("admin", world, mfa=False)
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    settings.DEBUG = False
    assert not r.is_admin(user)


def test_only_admins_may_grant_roles(world):
    admin = make("admin", world, mfa=True)
    facilitator = make("site_facilitator", world, mfa=True)
    assert admin.has_perm("accounts.grant_role")
    assert not facilitator.has_perm("accounts.grant_role")


def test_verified_resident_can_participate(resident):
    assert r.can_participate(resident)


def test_unverified_resident_cannot_participate(unverified):
    assert not r.can_participate(unverified)
