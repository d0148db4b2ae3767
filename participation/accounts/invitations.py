"""Invitations to a staff role: create, resend, revoke, read a link, accept.

An administrator invites a facilitator or an official (with their scope) by
e-mail. The link carries a token *signed* with the secret key over the
invitation's id and version (:func:`token_for`), not a random secret: nothing
secret is stored, so neither a copy of the database nor the task queue (which
holds the e-mail task's arguments) holds a usable link, and the worker builds the
link itself when it writes the e-mail. A link is good while its invitation is
pending, unexpired and of the same version: resending bumps the version (the
earlier links stop working) and starts the days again; accepting or revoking ends
it. Tampered, unknown, superseded, expired, used and revoked links are each
refused with their own message, and nothing is granted.

Following the link proves that its holder reads the invited address, as an
e-mail confirmation link does: signing up from it creates the account with that
address verified (allauth's ``stash_verified_email``); a person already signed in
attaches the role only if the invited address is one of their own, so a forwarded
or leaked link cannot give a role to somebody else's account. Staff roles still
need two-factor authentication to act (``needs_mfa``): accepting leads there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import (
    Invitation,
    InvitationSend,
    InvitationStatus,
    Role,
    RoleGrant,
    User,
)
from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.accounts.services import (
    _grant_snapshot,
    _grant_unchecked,
    _matching_grants,
    scope_refusal,
)
from participation.accounts.types import Actor
from participation.audit.services import record
from participation.errors import Conflict, DomainError, Invalid, NotAllowed
from participation.idempotency import services as idempotency
from participation.site_url import absolute_url
from participation.spaces.models import Department, Process, Section

SALT = "accounts.invitation"
INVITABLE = (Role.FACILITATOR, Role.OFFICIAL)


# --- the link ----------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "v": invitation.version}, salt=SALT)


def link_for(invitation: Invitation) -> str:
    return absolute_url(reverse("accounts:invitation", args=[token_for(invitation)]))


class InvitationRefused(DomainError):
    """A link that leads to no invitation one can accept; ``status`` says why."""


def _refused(message: Any, code: str, status: int) -> InvitationRefused:
    error = InvitationRefused(message, code=code)
    error.status = status
    return error


def invitation_from_token(token: str, *, lock: bool = False) -> Invitation:
    """The pending, unexpired invitation ``token`` names, or the refusal saying
    why there is none."""
    try:
        value = signing.loads(token, salt=SALT)
        pk, version = int(value["i"]), int(value["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _refused(
            _("This invitation link is not valid. Check that it was copied whole."),
            "invalid",
            404,
        ) from None
    qs = Invitation.objects.select_related(
        "process", "department", "section", "invited_by"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(pk=pk).first()
    if invitation is None:
        raise _refused(
            _("This invitation no longer exists. Ask an administrator for a new one."),
            "invalid",
            404,
        )
    if invitation.status == InvitationStatus.ACCEPTED:
        raise _refused(
            _(
                "This invitation was already accepted. Log in to use your role; "
                "an invitation works only once."
            ),
            "used",
            409,
        )
    if invitation.status == InvitationStatus.REVOKED:
        raise _refused(
            _("This invitation was withdrawn by an administrator."), "revoked", 403
        )
    if invitation.version != version:
        raise _refused(
            _(
                "A newer invitation was sent to this address; use the link in the "
                "latest e-mail."
            ),
            "superseded",
            409,
        )
    if invitation.is_expired():
        raise _refused(
            _(
                "This invitation has expired. Ask the administrator who invited "
                "you to send it again."
            ),
            "expired",
            403,
        )
    return invitation


# --- refusals ------------------------------------------------------------------------


def _admin_refusal(actor: Actor) -> DomainError | None:
    if not is_admin(actor):
        return NotAllowed(
            _("Only administrators can invite people or manage invitations."),
            code="not_admin",
        )
    return None


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(
            _("Enter a valid e-mail address."),
            code="email",
            field_errors={"email": ["invalid"]},
        ) from None
    return email


def account_for(email: str) -> User | None:
    """The account that owns ``email`` (its login or one of its addresses)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address is not None else None


def invitation_create_refusal(
    *,
    actor: Actor,
    email: str,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
    section: Section | None = None,
    approver: bool = False,
) -> DomainError | None:
    refusal = _admin_refusal(actor)
    if refusal is not None:
        return refusal
    if role not in INVITABLE:
        return Invalid(
            _("Invite a facilitator or an official; grant other roles directly."),
            code="role",
        )
    refusal = scope_refusal(role, process, department, section, approver)
    if refusal is not None:
        return refusal
    existing = account_for(email)
    if (
        existing is not None
        and _matching_grants(existing, role, process, department).exists()
    ):
        return Conflict(
            _("%(name)s already has this role.") % {"name": existing.real_name},
            code="duplicate",
        )
    if _pending_twin(email, role, process, department).exists():
        return Conflict(
            _(
                "This address already has a pending invitation to this role. "
                "Resend it from the list of invitations."
            ),
            code="already_invited",
        )
    return None


def _pending_twin(
    email: str, role: str, process: Process | None, department: Department | None
) -> Any:
    return Invitation.objects.filter(
        email__iexact=email,
        role=role,
        process=process,
        department=department,
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    )


def _pending_refusal(invitation: Invitation) -> DomainError | None:
    if invitation.status != InvitationStatus.PENDING:
        return Conflict(
            _("This invitation was already accepted or withdrawn."),
            code="not_pending",
        )
    return None


def _snapshot(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "process": invitation.process.slug if invitation.process else None,
        "department": invitation.department.code if invitation.department else None,
        "section": invitation.section.code if invitation.section else None,
        "approver": invitation.approver,
        "expires_at": invitation.expires_at,
        "version": invitation.version,
    }


def _expiry() -> Any:
    return timezone.now() + timedelta(days=max(1, settings.INVITATION_DAYS))


def _send_on_commit(invitation: Invitation) -> None:
    # local import: tasks imports this module (token_for) to write the e-mail
    from participation.accounts import tasks

    pk, version = invitation.pk, invitation.version
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(pk, version))


# --- services ------------------------------------------------------------------------


@idempotency.idempotent("invitation", author="actor")
@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    email: str,
    role: str,
    process: Process | None = None,
    department: Department | None = None,
    section: Section | None = None,
    approver: bool = False,
    language: str = "",
    idempotency_key: str = "",
) -> Invitation:
    """Invite ``email`` to a staff role; the e-mail leaves through the task
    queue once the transaction commits. Audited as ``invitation.create``."""
    email = _clean_email(email)
    if role == Role.OFFICIAL and section is not None and department is None:
        department = section.department
    refusal = invitation_create_refusal(
        actor=actor,
        email=email,
        role=role,
        process=process,
        department=department,
        section=section,
        approver=approver,
    )
    if refusal is not None:
        raise refusal
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        process=process,
        department=department,
        section=section,
        approver=approver,
        language=language,
        invited_by=actor,
        expires_at=_expiry(),
    )
    record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        after=_snapshot(invitation),
    )
    _send_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Send a pending (or expired) invitation again with a new link: earlier links
    stop working and the days start again. Audited as ``invitation.resend``."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("process", "department", "section")
        .get(pk=invitation.pk)
    )
    refusal = _admin_refusal(actor) or _pending_refusal(locked)
    if refusal is not None:
        raise refusal
    before = _snapshot(locked)
    locked.version += 1
    locked.expires_at = _expiry()
    locked.send_status = InvitationSend.QUEUED
    locked.send_attempts = 0
    locked.last_error = ""
    locked.save(
        update_fields=[
            "version",
            "expires_at",
            "send_status",
            "send_attempts",
            "last_error",
        ]
    )
    record(
        actor=actor,
        action="invitation.resend",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    _send_on_commit(locked)
    return locked


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link stops working at once."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("process", "department", "section")
        .get(pk=invitation.pk)
    )
    refusal = _admin_refusal(actor) or _pending_refusal(locked)
    if refusal is not None:
        raise refusal
    locked.status = InvitationStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["status", "revoked_at"])
    record(
        actor=actor,
        action="invitation.revoke",
        target=locked,
        before=_snapshot(locked),
    )
    return locked


def _own_address(user: User, email: str) -> EmailAddress | None | bool:
    """The user's address matching ``email`` (True for the login address without
    an EmailAddress row), or None when it is not theirs."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is not None:
        return address
    return True if user.email.lower() == email.lower() else None


def invitation_accept_refusal(user: Any, invitation: Invitation) -> DomainError | None:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(
            _("Log in or create your account to accept the invitation."),
            code="not_authenticated",
        )
    if not user.is_active:
        return NotAllowed(_("This account is deactivated."), code="inactive")
    if standing.is_blocked:
        return NotAllowed(
            _("Your account is blocked, so it cannot take a staff role."),
            code="blocked",
        )
    if _own_address(user, invitation.email) is None:
        return NotAllowed(
            _(
                "This invitation was sent to another e-mail address. Log in with "
                "the account of that address, or add the address to your account "
                "first."
            ),
            code="other_address",
        )
    inviter = invitation.invited_by
    if inviter is not None and not (
        inviter.is_active and standing_of(inviter).is_admin_role
    ):
        return NotAllowed(
            _(
                "The administrator who sent this invitation no longer holds that "
                "role. Ask another administrator for a new invitation."
            ),
            code="inviter_gone",
        )
    return None


@transaction.atomic
def invitation_accept(
    *, user: Actor, token: str
) -> tuple[Invitation, RoleGrant | None]:
    """Give ``user`` the role the invitation behind ``token`` names and end the
    invitation (once: the row is locked). Returns the grant (None when the person
    already held the role). Audited as ``invitation.accept`` and ``role.grant``."""
    invitation = invitation_from_token(token, lock=True)
    refusal = invitation_accept_refusal(user, invitation)
    if refusal is not None:
        raise refusal
    address = _own_address(user, invitation.email)
    if isinstance(address, EmailAddress) and not address.verified:
        # Following the link proves the address, as its confirmation link would.
        address.verified = True
        address.save(update_fields=["verified"])
    grant = None
    if not _matching_grants(
        user, invitation.role, invitation.process, invitation.department
    ).exists():
        grant = _grant_unchecked(
            granted_by=invitation.invited_by,
            user=user,
            role=invitation.role,
            process=invitation.process,
            department=invitation.department,
            section=invitation.section,
            approver=invitation.approver,
        )
        record(
            actor=invitation.invited_by,
            action="role.grant",
            target=user,
            after=_grant_snapshot(grant) | {"invitation": invitation.pk},
        )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    record(
        actor=user,
        action="invitation.accept",
        target=invitation,
        after={"user": user.pk, "granted": grant is not None},
    )
    return invitation, grant
