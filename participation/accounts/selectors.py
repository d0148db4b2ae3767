"""A user's standing: verification, roles, MFA and blocks, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from participation.accounts.models import (
    Invitation,
    InvitationStatus,
    Role,
    RoleGrant,
    User,
)
from participation.accounts.types import Actor, Viewer, signed_in
from participation.moderation.models import Block
from participation.verification.models import Verification

_CACHE_ATTR = "_participation_standing"


@dataclass(frozen=True)
class Standing:
    is_authenticated: bool = False
    is_verified: bool = False
    has_mfa: bool = False
    mfa_satisfied: bool = False
    is_admin_role: bool = False
    is_site_facilitator_role: bool = False
    facilitator_process_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # Sections (課) the person belongs to, and those whose drafts they approve.
    section_ids: frozenset[int] = field(default_factory=frozenset)
    approver_section_ids: frozenset[int] = field(default_factory=frozenset)
    # Departments where the person approves (an approver without a section
    # approves for the whole department).
    approver_department_ids: frozenset[int] = field(default_factory=frozenset)
    blocked_until: datetime | None = None
    blocked_permanently: bool = False
    block_reason: str = ""
    # The highest level among the person's active residency verifications
    # (participation.verification.models.Level; 0: not verified).
    verification_level: int = 0

    @property
    def is_blocked(self) -> bool:
        return self.blocked_permanently or self.blocked_until is not None

    @property
    def is_staff_role(self) -> bool:
        return bool(
            self.is_admin_role
            or self.is_site_facilitator_role
            or self.facilitator_process_ids
            or self.department_ids
        )


ANONYMOUS = Standing()


def standing_of(viewer: Viewer | None) -> Standing:
    """Return (and cache on the user object) the user's standing: one query (a
    second one only for a blocked person, for the block's end and reason)."""
    user = signed_in(viewer)
    if user is None:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached

    now = timezone.now()
    rows = _standing_rows(user.pk, now)
    if not any(kind == "user" for kind, *_rest in rows):
        return ANONYMOUS
    is_demo = any(kind == "user" and flag for kind, _r, _a, _b, _c, flag in rows)
    verified = any(kind == "verified" for kind, *_rest in rows)
    has_mfa = any(kind == "mfa" for kind, *_rest in rows)
    blocks = [bool(flag) for kind, _r, _a, _b, _c, flag in rows if kind == "block"]
    level = max(
        (int(a) for kind, _r, a, _b, _c, _f in rows if kind == "level"), default=0
    )
    grants = [
        (role, p, d, sec, bool(approves))
        for kind, role, p, d, sec, approves in rows
        if kind == "grant"
    ]
    blocked_until = None
    block_reason = ""
    if blocks:
        block = (
            Block.objects.filter(user_id=user.pk, lifted_at__isnull=True)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .order_by(F("ends_at").desc(nulls_first=True))
            .first()  # a permanent block first, else the one that ends last
        )
        if block is not None:
            blocked_until = block.ends_at
            block_reason = block.reason
    mfa_satisfied = (
        has_mfa or not settings.STAFF_MFA_REQUIRED or (settings.DEBUG and is_demo)
    )
    standing = Standing(
        is_authenticated=True,
        is_verified=verified and user.is_active,
        has_mfa=has_mfa,
        mfa_satisfied=mfa_satisfied,
        is_admin_role=user.is_superuser
        or any(role == Role.ADMIN for role, _p, _d, _s, _a in grants),
        is_site_facilitator_role=any(
            role == Role.FACILITATOR and p is None for role, p, _d, _s, _a in grants
        ),
        facilitator_process_ids=frozenset(
            p
            for role, p, _d, _s, _a in grants
            if role == Role.FACILITATOR and p is not None
        ),
        department_ids=frozenset(
            d
            for role, _p, d, _s, _a in grants
            if role == Role.OFFICIAL and d is not None
        ),
        section_ids=frozenset(
            sec
            for role, _p, _d, sec, _a in grants
            if role == Role.OFFICIAL and sec is not None
        ),
        approver_section_ids=frozenset(
            sec
            for role, _p, _d, sec, approves in grants
            if role == Role.OFFICIAL and approves and sec is not None
        ),
        approver_department_ids=frozenset(
            d
            for role, _p, d, sec, approves in grants
            if role == Role.OFFICIAL and approves and sec is None and d is not None
        ),
        blocked_until=blocked_until,
        blocked_permanently=any(blocks),
        block_reason=block_reason,
        verification_level=level,
    )
    setattr(user, _CACHE_ATTR, standing)
    return standing


# The standing's query: one statement, each part an indexed lookup by the person's
# id, none correlated (the permission checks of every write read it, so it is
# measured: ``make bench-writes``, deploy/README.md). Rows of (kind, role, a, b, c,
# flag): "user" (flag: is_demo; no row: no such account), "grant" (role, process,
# department, section, approver), "verified" (a verified e-mail address), "mfa"
# (a TOTP authenticator), "block" (an active block; flag: permanent) and "level"
# (a: the level of an active residency verification). Written in SQL rather than
# built by the ORM: compiling the five querysets cost fifteen times the query
# (9 ms of CPU against 0.5 ms). Standard SQL, the same on SQLite and PostgreSQL.
_STANDING_SQL = """
SELECT 'user', NULL, NULL, NULL, NULL, "is_demo"
  FROM "accounts_user" WHERE "id" = %s
UNION ALL
SELECT 'grant', "role", "process_id", "department_id", "section_id", "approver"
  FROM "accounts_rolegrant" WHERE "user_id" = %s
UNION ALL
SELECT 'verified', NULL, NULL, NULL, NULL, NULL
  FROM "account_emailaddress" WHERE "user_id" = %s AND "verified" = %s
UNION ALL
SELECT 'mfa', NULL, NULL, NULL, NULL, NULL
  FROM "mfa_authenticator" WHERE "user_id" = %s AND "type" = %s
UNION ALL
SELECT 'block', NULL, NULL, NULL, NULL, "ends_at" IS NULL
  FROM "moderation_block"
  WHERE "user_id" = %s AND "lifted_at" IS NULL
    AND ("ends_at" IS NULL OR "ends_at" > %s)
UNION ALL
SELECT 'level', NULL, "level", NULL, NULL, NULL
  FROM "verification_verification" WHERE "user_id" = %s AND "revoked_at" IS NULL
"""
# The tables it reads, checked against the models by tests/accounts.
STANDING_TABLES = (
    User,
    RoleGrant,
    EmailAddress,
    Authenticator,
    Block,
    Verification,
)


def _standing_rows(user_id: int, now: datetime) -> list[tuple[Any, ...]]:
    when = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = [user_id, user_id, user_id, True, user_id]
    params += [Authenticator.Type.TOTP.value, user_id, when, user_id]
    with connection.cursor() as cursor:
        cursor.execute(_STANDING_SQL, params)
        return list(cursor.fetchall())


def forget_standing(user: Viewer) -> None:
    """Drop the cached standing (after a grant, a block or an MFA change)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def officials_of_department(department_id: int) -> QuerySet[User]:
    return User.objects.filter(
        grants__role=Role.OFFICIAL, grants__department_id=department_id, is_active=True
    ).distinct()


def facilitators_of_process(process_id: int) -> QuerySet[User]:
    return User.objects.filter(
        Q(grants__role=Role.FACILITATOR)
        & (Q(grants__process_id=process_id) | Q(grants__process__isnull=True)),
        is_active=True,
    ).distinct()


def roles_of(user: Actor) -> list[RoleGrant]:
    """The person's role grants with their process and department: one query."""
    return list(
        RoleGrant.objects.filter(user_id=user.pk)
        .select_related("process", "department")
        .order_by("role", "department__code", "process__slug", "id")
    )


# --- the staff pages: people and invitations --------------------------------------


def staff_people(
    *,
    role: str = "",
    department_id: int | None = None,
    process_id: int | None = None,
    query: str = "",
) -> QuerySet[User]:
    """People holding a staff role, matching the filters, by name; each with its
    grants prefetched (paginate it: one count, one page, one prefetch)."""
    grants = RoleGrant.objects.all()
    if role in Role.values:
        grants = grants.filter(role=role)
    if department_id is not None:
        grants = grants.filter(department_id=department_id)
    if process_id is not None:
        grants = grants.filter(process_id=process_id)
    people = User.objects.filter(
        Exists(grants.filter(user_id=OuterRef("pk")))
    ).prefetch_related(_grants_prefetch())
    query = " ".join(query.split())
    if query:
        people = people.filter(
            Q(real_name__icontains=query)
            | Q(name_reading__icontains=query)
            | Q(email__icontains=query)
        )
    return people.order_by("real_name", "id")


def _grants_prefetch() -> Prefetch:
    return Prefetch(
        "grants",
        queryset=RoleGrant.objects.select_related(
            "process", "department", "section", "granted_by"
        ).order_by("role", "department__code", "process__slug", "id"),
    )


def person_for_staff(pk: int) -> User | None:
    return User.objects.filter(pk=pk).prefetch_related(_grants_prefetch()).first()


def staff_people_count() -> int:
    return User.objects.filter(grants__isnull=False).distinct().count()


def invitations(*, state: str = "pending") -> QuerySet[Invitation]:
    """Invitations in one state: ``pending`` (still valid), ``expired``,
    ``accepted`` or ``revoked``; newest first."""
    now = timezone.now()
    qs = Invitation.objects.select_related(
        "process", "department", "section", "invited_by", "accepted_by"
    )
    if state == "expired":
        qs = qs.filter(status=InvitationStatus.PENDING, expires_at__lte=now)
    elif state in (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED):
        qs = qs.filter(status=state)
    else:
        qs = qs.filter(status=InvitationStatus.PENDING, expires_at__gt=now)
    return qs.order_by("-created_at", "-id")


def pending_invitations_count() -> int:
    return invitations(state="pending").count()


def active_approvers(department_id: int) -> QuerySet[RoleGrant]:
    """The approver grants (決裁) of a department held by active accounts."""
    return RoleGrant.objects.filter(
        role=Role.OFFICIAL,
        department_id=department_id,
        approver=True,
        user__is_active=True,
    )


def last_approver(grant: RoleGrant) -> bool:
    """Revoking ``grant`` leaves a department that asks for approval with no
    approver, so its answers would be published without one (approval applies
    only where someone can approve): the revoke page says so first."""
    if grant.role != Role.OFFICIAL or not grant.approver or grant.department is None:
        return False
    if not grant.department.approval_required:
        return False
    return not active_approvers(grant.department.pk).exclude(pk=grant.pk).exists()
