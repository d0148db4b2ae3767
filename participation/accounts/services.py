"""Writes about users and their roles. Every grant and revoke is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.rules import is_admin, profile_edit_refusal
from participation.accounts.selectors import forget_standing
from participation.accounts.validators import (
    clean_bio,
    clean_name_reading,
    clean_real_name,
)
from participation.audit.services import record
from participation.errors import Conflict, DomainError, Invalid, NotAllowed
from participation.spaces.models import Department, Process


@transaction.atomic
def profile_update(
    *, user: User, real_name: str, name_reading: str = "", bio: str = ""
) -> User:
    """Change one's own public profile. Refused while the person is blocked
    (``profile_edit_refusal``). Validates again here (the service is the rule,
    forms are a convenience) and audits a change of real name."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    forget_standing(user)  # a block made a moment ago counts
    refusal = profile_edit_refusal(user)
    if refusal is not None:
        raise refusal
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, value, check in (
        ("real_name", real_name, clean_real_name),
        ("name_reading", name_reading, clean_name_reading),
        ("bio", bio, clean_bio),
    ):
        try:
            cleaned[name] = check(value)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise Invalid(first, code="invalid_profile", field_errors=errors)
    before = {"real_name": fresh.real_name, "name_reading": fresh.name_reading}
    after = {"real_name": cleaned["real_name"], "name_reading": cleaned["name_reading"]}
    user.real_name = cleaned["real_name"]
    user.name_reading = cleaned["name_reading"]
    user.bio = cleaned["bio"]
    user.save(update_fields=["real_name", "name_reading", "bio"])
    if before != after:
        record(
            actor=user, action="user.rename", target=user, before=before, after=after
        )
    return user


def _grant_snapshot(grant: RoleGrant) -> dict[str, Any]:
    return {
        "user": grant.user_id,
        "role": grant.role,
        "process": grant.process.slug if grant.process is not None else None,
        "department": grant.department.code if grant.department is not None else None,
    }


def _actor_refusal(actor: User | None) -> DomainError | None:
    """``actor`` None means the operator's command line (trusted)."""
    if actor is None:
        return None

    if not is_admin(actor):
        return NotAllowed(_("Only administrators can grant or revoke roles."))
    return None


def _scope_refusal(
    role: str, process: Process | None, department: Department | None
) -> DomainError | None:
    if role not in Role.values:
        return Invalid(
            _("Unknown role. Choose facilitator, official or admin."), code="role"
        )
    if role == Role.OFFICIAL and department is None:
        return Invalid(
            _("An official belongs to a department: name one."), code="department"
        )
    if role == Role.OFFICIAL and process is not None:
        return Invalid(
            _("An official's role is scoped by department, not process."),
            code="process",
        )
    if role == Role.FACILITATOR and department is not None:
        return Invalid(
            _("A facilitator's role is scoped by process, not department."),
            code="department",
        )
    if role == Role.ADMIN and (process is not None or department is not None):
        return Invalid(
            _("The administrator role applies to the whole site."), code="scope"
        )
    return None


def _matching_grants(
    user: User, role: str, process: Process | None, department: Department | None
) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(
        user=user, role=role, process=process, department=department
    )


def role_grant_refusal(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> DomainError | None:
    """Why this grant cannot be made, or None. Used by the service, the admin
    form and the command alike."""
    refusal = _actor_refusal(actor) or _scope_refusal(role, process, department)
    if refusal is not None:
        return refusal
    if not user.is_active:
        return Invalid(
            _("This account is deactivated; reactivate it before granting a role."),
            code="inactive",
        )
    if _matching_grants(user, role, process, department).exists():
        return Conflict(_("This user already has that role."), code="duplicate")
    return None


def role_revoke_refusal(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> DomainError | None:
    refusal = _actor_refusal(actor) or _scope_refusal(role, process, department)
    if refusal is not None:
        return refusal
    if actor is not None and actor.pk == user.pk and role == Role.ADMIN:
        return NotAllowed(
            _(
                "You cannot remove your own administrator role; ask another "
                "administrator."
            ),
            code="self_revoke",
        )
    if not _matching_grants(user, role, process, department).exists():
        return Invalid(_("This user does not have that role."), code="not_found")
    return None


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> RoleGrant:
    refusal = role_grant_refusal(
        actor=actor, user=user, role=role, process=process, department=department
    )
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user,
                role=role,
                process=process,
                department=department,
                granted_by=actor,
            )
    except IntegrityError as exc:  # a concurrent identical grant won the race
        raise Conflict(_("This user already has that role."), code="duplicate") from exc
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
    refusal = role_revoke_refusal(
        actor=actor, user=user, role=role, process=process, department=department
    )
    if refusal is not None:
        raise refusal
    grant = (
        _matching_grants(user, role, process, department)
        .select_for_update(of=("self",))
        .select_related("process", "department")
        .first()
    )
    if grant is None:  # revoked concurrently
        raise Invalid(_("This user does not have that role."), code="not_found")
    snapshot = _grant_snapshot(grant)
    grant.delete()
    if role == Role.ADMIN:
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    record(actor=actor, action="role.revoke", target=user, before=snapshot)
    forget_standing(user)


def user_set_language(*, user: User, language: str) -> bool:
    """Remember the language ``user`` chose on the site: their e-mails are written
    in it. Returns False (nothing changed) for an unknown or unchanged language."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
