"""Writes about users and their roles. Every grant and revoke is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.selectors import forget_standing
from participation.audit.services import record
from participation.errors import Conflict, Invalid, NotAllowed
from participation.spaces.models import Department, Process
from participation.text import clean_text


def departments_of(user: User) -> list[Department]:
    return list(
        Department.objects.filter(
            official_grants__user=user, official_grants__role=Role.OFFICIAL
        ).order_by("code")
    )


@transaction.atomic
def profile_update(
    *, user: User, real_name: str, name_reading: str = "", bio: str = ""
) -> User:
    before = {"real_name": user.real_name, "name_reading": user.name_reading}
    user.real_name = real_name
    user.name_reading = name_reading
    user.bio = clean_text(bio)[:300]
    user.save(update_fields=["real_name", "name_reading", "bio"])
    if before["real_name"] != real_name:
        record(
            actor=user,
            action="user.rename",
            target=user,
            before=before,
            after={"real_name": real_name, "name_reading": name_reading},
        )
    return user


def _grant_snapshot(grant: RoleGrant) -> dict[str, Any]:
    return {
        "user": grant.user_id,
        "role": grant.role,
        "process": grant.process.slug if grant.process_id else None,
        "department": grant.department.code if grant.department_id else None,
    }


def _check_actor(actor: User | None) -> None:
    """``actor`` None means the operator's command line (trusted)."""
    if actor is None:
        return
    from participation.accounts.rules import is_admin

    if not is_admin(actor):
        raise NotAllowed(_("Only administrators can grant or revoke roles."))


def _validate_scope(
    role: str, process: Process | None, department: Department | None
) -> None:
    if role not in Role.values:
        raise Invalid(_("Unknown role."))
    if role == Role.OFFICIAL and department is None:
        raise Invalid(_("An official belongs to a department: name one."))
    if role == Role.OFFICIAL and process is not None:
        raise Invalid(_("An official's role is scoped by department, not process."))
    if role == Role.FACILITATOR and department is not None:
        raise Invalid(_("A facilitator's role is scoped by process, not department."))
    if role == Role.ADMIN and (process is not None or department is not None):
        raise Invalid(_("The administrator role applies to the whole site."))


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> RoleGrant:
    _check_actor(actor)
    _validate_scope(role, process, department)
    existing = RoleGrant.objects.filter(
        user=user, role=role, process=process, department=department
    )
    if existing.exists():
        raise Conflict(_("This user already has that role."), code="duplicate")
    grant = RoleGrant.objects.create(
        user=user, role=role, process=process, department=department, granted_by=actor
    )
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    record(actor=actor, action="role.grant", target=user, after=_grant_snapshot(grant))
    forget_standing(user)
    return grant


@transaction.atomic
def role_revoke(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> None:
    _check_actor(actor)
    _validate_scope(role, process, department)
    grant = RoleGrant.objects.filter(
        user=user, role=role, process=process, department=department
    ).first()
    if grant is None:
        raise Invalid(_("This user does not have that role."), code="not_found")
    snapshot = _grant_snapshot(grant)
    grant.delete()
    if role == Role.ADMIN:
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    record(actor=actor, action="role.revoke", target=user, before=snapshot)
    forget_standing(user)
