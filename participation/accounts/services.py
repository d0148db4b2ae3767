"""Writes about users and their roles. Every grant and revoke is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
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
from participation.spaces.models import Department, Process, Section


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
        "section": grant.section.code if grant.section is not None else None,
        "approver": grant.approver,
    }


def _actor_refusal(actor: User | None) -> DomainError | None:
    """``actor`` None means the operator's command line (trusted)."""
    if actor is None:
        return None

    if not is_admin(actor):
        return NotAllowed(_("Only administrators can grant or revoke roles."))
    return None


def scope_refusal(
    role: str,
    process: Process | None,
    department: Department | None,
    section: Section | None = None,
    approver: bool = False,
) -> DomainError | None:
    """Does the scope fit the role? Shared by grants and invitations."""
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
    if role != Role.OFFICIAL and (section is not None or approver):
        return Invalid(
            _("Only an official belongs to a section or approves answers."),
            code="section",
        )
    if (
        role == Role.OFFICIAL
        and section is not None
        and department is not None
        and section.department_id != department.pk
    ):
        return Invalid(
            _("The section %(section)s does not belong to %(department)s.")
            % {"section": section.name, "department": department.name},
            code="section",
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
    """The grant this role and scope would clash with: an official holds one grant
    per department (whatever the section), a facilitator one per process."""
    grants = RoleGrant.objects.filter(user=user, role=role, department=department)
    if role != Role.OFFICIAL:
        grants = grants.filter(process=process)
    return grants


def role_grant_refusal(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
    section: Section | None = None,
    approver: bool = False,
) -> DomainError | None:
    """Why this grant cannot be made, or None. Used by the service, the staff
    pages, the admin form and the command alike."""
    refusal = _actor_refusal(actor) or scope_refusal(
        role, process, department, section, approver
    )
    if refusal is not None:
        return refusal
    if not user.is_active:
        return Invalid(
            _("This account is deactivated; reactivate it before granting a role."),
            code="inactive",
        )
    if _matching_grants(user, role, process, department).exists():
        if role == Role.OFFICIAL:
            return Conflict(
                _(
                    "This person is already an official of this department. Revoke "
                    "that role first to change their section."
                ),
                code="duplicate",
            )
        return Conflict(_("This user already has that role."), code="duplicate")
    return None


def _other_admins_exist(user: User) -> bool:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(grants__role=Role.ADMIN) | Q(is_superuser=True))
        .exclude(pk=user.pk)
        .exists()
    )


def grant_revoke_refusal(*, actor: User | None, grant: RoleGrant) -> DomainError | None:
    """Why ``grant`` cannot be revoked by ``actor``, or None."""
    refusal = _actor_refusal(actor)
    if refusal is not None:
        return refusal
    if grant.role == Role.ADMIN:
        if actor is not None and actor.pk == grant.user_id:
            return NotAllowed(
                _(
                    "You cannot remove your own administrator role; ask another "
                    "administrator."
                ),
                code="self_revoke",
            )
        if not _other_admins_exist(grant.user):
            return Conflict(
                _(
                    "This is the last administrator. Make someone else an "
                    "administrator before removing this role."
                ),
                code="last_admin",
            )
    return None


def role_revoke_refusal(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> DomainError | None:
    refusal = _actor_refusal(actor) or scope_refusal(role, process, department)
    if refusal is not None:
        return refusal
    grant = _matching_grants(user, role, process, department).first()
    if grant is None:
        return Invalid(_("This user does not have that role."), code="not_found")
    return grant_revoke_refusal(actor=actor, grant=grant)


def _grant_unchecked(
    *,
    granted_by: User | None,
    user: User,
    role: str,
    process: Process | None,
    department: Department | None,
    section: Section | None,
    approver: bool,
) -> RoleGrant:
    """The write of a grant whose refusal was checked by the caller (the grant
    service or an accepted invitation)."""
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user,
                role=role,
                process=process,
                department=department,
                section=section,
                approver=approver,
                granted_by=granted_by,
            )
    except IntegrityError as exc:  # a concurrent identical grant won the race
        raise Conflict(_("This user already has that role."), code="duplicate") from exc
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    forget_standing(user)
    return grant


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
    section: Section | None = None,
    approver: bool = False,
) -> RoleGrant:
    """Give ``user`` a role: facilitator of a process (or of the whole site with
    no process), official of a department (optionally of one of its sections,
    optionally an approver), or administrator. ``actor`` None is the operator
    (command line, demo seed). Audited as ``role.grant``."""
    if role == Role.OFFICIAL and section is not None and department is None:
        department = section.department
    # Lock the person so that two admins granting at once cannot both pass the
    # duplicate check (the unique constraints are the last line).
    User.objects.select_for_update().filter(pk=user.pk).first()
    refusal = role_grant_refusal(
        actor=actor,
        user=user,
        role=role,
        process=process,
        department=department,
        section=section,
        approver=approver,
    )
    if refusal is not None:
        raise refusal
    grant = _grant_unchecked(
        granted_by=actor,
        user=user,
        role=role,
        process=process,
        department=department,
        section=section,
        approver=approver,
    )
    record(actor=actor, action="role.grant", target=user, after=_grant_snapshot(grant))
    return grant


@transaction.atomic
def grant_revoke(*, actor: User | None, grant: RoleGrant) -> None:
    """Remove one role grant. Refused for one's own administrator role and for
    the last administrator. Audited as ``role.revoke`` with the removed scope."""
    if grant.role == Role.ADMIN:
        # Two admins revoking each other at once must not leave none: serialize
        # on the admin grants.
        list(
            RoleGrant.objects.select_for_update()
            .filter(role=Role.ADMIN)
            .values_list("pk", flat=True)
        )
    locked = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "process", "department", "section")
        .filter(pk=grant.pk)
        .first()
    )
    if locked is None:  # revoked concurrently
        raise Invalid(_("This role was already removed."), code="not_found")
    refusal = grant_revoke_refusal(actor=actor, grant=locked)
    if refusal is not None:
        raise refusal
    user = locked.user
    snapshot = _grant_snapshot(locked)
    locked.delete()
    if locked.role == Role.ADMIN:
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    record(actor=actor, action="role.revoke", target=user, before=snapshot)
    forget_standing(user)
    if grant.user is not user:
        forget_standing(grant.user)


def role_revoke(
    *,
    actor: User | None,
    user: User,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
) -> None:
    """Revoke the grant of ``role`` in this scope (the command line's and the
    admin's way of naming a grant); see :func:`grant_revoke`."""
    refusal = _actor_refusal(actor) or scope_refusal(role, process, department)
    if refusal is not None:
        raise refusal
    grant = _matching_grants(user, role, process, department).first()
    if grant is None:
        raise Invalid(_("This user does not have that role."), code="not_found")
    grant.user = user
    grant_revoke(actor=actor, grant=grant)


def user_set_language(*, user: User, language: str) -> bool:
    """Remember the language ``user`` chose on the site: their e-mails are written
    in it. Returns False (nothing changed) for an unknown or unchanged language."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
