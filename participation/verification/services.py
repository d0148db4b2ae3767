"""Every write of residency verification: issuing codes, verifying by each
method, revoking, and setting what a process requires. Each checks its rule,
writes, and records the audit event in one transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import forget_standing
from participation.accounts.types import Actor
from participation.audit.services import record
from participation.checks import refuse
from participation.errors import Conflict, Invalid, RateLimited
from participation.idempotency.services import idempotent, lock_author
from participation.spaces.models import Area, Process
from participation.verification import limits, rules, selectors
from participation.verification.hashing import keyed_hash
from participation.verification.methods import code as code_method
from participation.verification.methods import declared
from participation.verification.methods import provider as provider_method
from participation.verification.models import (
    Action,
    Channel,
    Code,
    CodeAttempt,
    CodeBatch,
    Level,
    Outcome,
    Requirement,
    Verification,
)

MAX_BATCH = 500
MAX_DAYS = 180


# --- Issuing codes --------------------------------------------------------------


@idempotent("verification.codes", author="actor")
@transaction.atomic
def codes_issue(
    *,
    actor: Actor,
    count: int,
    channel: str,
    days: int | None = None,
    area: Area | None = None,
    note: str = "",
    idempotency_key: str = "",
) -> CodeBatch:
    """Issue ``count`` codes. The clear codes are on the returned batch's
    ``clear_codes`` (shown once, never stored); a replayed submission has none."""
    refuse(rules.codes_issue_refusal(actor))
    days = settings.VERIFICATION_CODE_DAYS if days is None else days
    if not 1 <= count <= MAX_BATCH:
        raise Invalid(
            _("Issue between 1 and %(max)d codes at a time.") % {"max": MAX_BATCH},
            field_errors={"count": [_("Out of range.")]},
        )
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(
            _("A code is valid for 1 to %(max)d days.") % {"max": MAX_DAYS},
            field_errors={"days": [_("Out of range.")]},
        )
    if channel not in Channel.values:
        raise Invalid(_("Choose how the codes are handed over."), code="channel")
    now = timezone.now()
    batch = CodeBatch.objects.create(
        issued_by=actor,
        issued_at=now,
        channel=channel,
        size=count,
        expires_at=now + timedelta(days=days),
        area=area,
        note=note.strip()[:200],
    )
    clear: list[str] = []
    seen: set[str] = set()
    while len(clear) < count:
        candidate = code_method.generate()
        if candidate not in seen:
            seen.add(candidate)
            clear.append(candidate)
    # A clash with a stored code (about 1 in 10^16 per code) fails the unique
    # constraint, and the whole issue with it: staff issue again.
    Code.objects.bulk_create(
        [Code(batch=batch, digest=code_method.digest(c)) for c in clear]
    )
    record(
        actor=actor,
        action="verification.codes_issue",
        target=batch,
        after={
            "count": count,
            "channel": channel,
            "expires_at": batch.expires_at,
            "area": area.slug if area else None,
        },
    )
    batch.clear_codes = clear  # type: ignore[attr-defined]
    return batch


# --- Verifying --------------------------------------------------------------------


def _verify(
    *,
    user: Actor,
    method: str,
    level: int,
    identity_hash: str | None,
    area: Area | None = None,
    code: Code | None = None,
) -> Verification:
    """Write one verification (inside the caller's transaction), refusing a
    second account for the same identity and a second verification by the same
    method (a new self-declaration replaces the old one)."""
    if identity_hash and (
        Verification.objects.filter(
            method=method, identity_hash=identity_hash, revoked_at__isnull=True
        )
        .exclude(user_id=user.pk)
        .exists()
    ):
        raise Conflict(
            _(
                "This identity is already verified on another account. One person "
                "can be verified on one account only; ask the municipal office if "
                "that account is not yours."
            ),
            code="identity_taken",
        )
    current = Verification.objects.filter(
        user_id=user.pk, method=method, revoked_at__isnull=True
    ).first()
    if current is not None:
        if method != declared.KEY:
            raise Conflict(
                _("You are already verified by this method."), code="already_verified"
            )
        Verification.objects.filter(pk=current.pk).update(
            revoked_at=timezone.now(),
            revoked_by=user,
            revoke_reason="replaced by a new declaration",
        )
    try:
        with transaction.atomic():
            verification = Verification.objects.create(
                user=user,
                method=method,
                level=level,
                identity_hash=identity_hash or None,
                area=area,
                code=code,
            )
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise Conflict(
            _("This identity is already verified on another account."),
            code="identity_taken",
        ) from None
    record(
        actor=user,
        action="verification.verify",
        target=verification,
        after={"method": method, "level": level, "area": area.slug if area else None},
    )
    forget_standing(user)
    transaction.on_commit(lambda: forget_standing(user))
    return verification


def code_locked_until(user: Actor, now: Any = None) -> Any:
    """When code entry opens again for this person (None: it is open)."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.VERIFICATION_CODE_LOCK_SECONDS)
    failures = selectors.failures_since(user, now - window)
    limit = settings.VERIFICATION_CODE_MAX_FAILURES
    if len(failures) < limit:
        return None
    return failures[limit - 1] + window


def _locked_error(until: Any, now: Any) -> RateLimited:
    local = timezone.localtime(until)
    return RateLimited(
        _(
            "Too many wrong codes: code entry is locked for your account until "
            "%(time)s. If you have a valid code, try again then, or ask at the "
            "counter."
        )
        % {"time": formats.date_format(local, "DATETIME_FORMAT")},
        code="code_locked",
        retry_after=max(1, int((until - now).total_seconds())),
    )


def code_redeem(*, user: Actor, code: str, address: str = "") -> Verification:
    """Verify ``user`` with a one-time code. A failed code is recorded (it counts
    towards the lock) and then refused; nothing else is written."""
    refuse(rules.verify_refusal(user))
    entered = code_method.normalise(code)
    if not entered:
        raise Invalid(
            _("Please enter the code printed on your slip or letter."),
            code="code_missing",
            field_errors={"code": [_("This field is required.")]},
        )
    if not code_method.well_formed(entered):
        raise Invalid(
            _(
                "This is not a valid code: please check each character. Codes have "
                "12 letters and digits (without 0, 1, I, L or O), like "
                "ABCD-2345-WXYZ."
            ),
            code="code_malformed",
            field_errors={"code": [_("Check for a typing mistake.")]},
        )
    now = timezone.now()
    until = code_locked_until(user, now)
    if until is not None:
        raise _locked_error(until, now)
    limits.hit(user=user, address=address)
    error: Exception | None = None
    with transaction.atomic():
        lock_author(user)  # one person's entries one at a time: exact lock counts
        until = code_locked_until(user, now)
        if until is not None:
            raise _locked_error(until, now)
        if Verification.objects.filter(
            user_id=user.pk, method=code_method.KEY, revoked_at__isnull=True
        ).exists():
            raise Conflict(
                _("You are already verified with a code."), code="already_verified"
            )
        digest = code_method.digest(entered)
        row = Code.objects.select_related("batch__area").filter(digest=digest).first()
        outcome = Outcome.OK
        if row is None:
            outcome = Outcome.UNKNOWN
            error = Invalid(
                _(
                    "This code is not known. Please check it against your slip or "
                    "letter; a code that was issued is never refused as unknown."
                ),
                code="code_unknown",
                field_errors={"code": [_("Unknown code.")]},
            )
        elif row.used_at is not None:
            outcome = Outcome.USED
            error = Conflict(
                _(
                    "This code has already been used. Each code verifies one account "
                    "once; if you did not use it, ask the counter for a new one."
                ),
                code="code_used",
            )
        elif row.batch.expires_at <= now:
            outcome = Outcome.EXPIRED
            error = Invalid(
                _("This code expired on %(date)s. %(where)s")
                % {
                    "date": formats.date_format(
                        timezone.localtime(row.batch.expires_at), "DATE_FORMAT"
                    ),
                    "where": code_method.counter_help(),
                },
                code="code_expired",
                field_errors={"code": [_("Expired code.")]},
            )
        else:
            try:
                with transaction.atomic():
                    if not Code.objects.filter(pk=row.pk, used_at__isnull=True).update(
                        used_at=now, used_by=user
                    ):
                        raise Conflict(
                            _("This code has already been used."), code="code_used"
                        )
                    verification = _verify(
                        user=user,
                        method=code_method.KEY,
                        level=Level.CONFIRMED,
                        identity_hash=digest,
                        area=row.batch.area,
                        code=row,
                    )
            except Conflict as refused:
                outcome = Outcome.USED if refused.code == "code_used" else Outcome.TAKEN
                error = refused
        CodeAttempt.objects.create(user=user, at=now, outcome=outcome)
    if error is not None:
        raise error
    return verification


@transaction.atomic
def declared_verify(*, user: Actor, area: Area, postal_code: str) -> Verification:
    refuse(rules.verify_refusal(user))
    declared.check(area, postal_code)
    return _verify(
        user=user,
        method=declared.KEY,
        level=Level.DECLARED,
        identity_hash=None,
        area=area,
    )


def provider_state() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def provider_verify(
    *, user: Actor, provider_key: str, assertion: provider_method.Assertion
) -> Verification:
    """Verify ``user`` with what an identity provider asserted (its ``finish``
    has checked the provider's answer)."""
    refuse(rules.verify_refusal(user))
    idp = provider_method.provider(provider_key)
    if idp is None:
        raise Invalid(_("This identity provider is not available."), code="provider")
    subject = (assertion.subject or "").strip()
    if not subject:
        raise Invalid(
            _("The identity provider did not say who you are. Please try again."),
            code="provider_no_subject",
        )
    key = provider_method.method_key(provider_key)
    area = (
        Area.objects.filter(slug=assertion.area_slug).first()
        if assertion.area_slug
        else None
    )
    return _verify(
        user=user,
        method=key,
        level=int(getattr(idp, "level", Level.IDENTITY)),
        identity_hash=keyed_hash(key, subject),
        area=area,
    )


# --- Staff: revoking, requirements ------------------------------------------------


@transaction.atomic
def verification_revoke(
    *, actor: Actor, verification: Verification, reason: str
) -> Verification:
    refuse(rules.revoke_refusal(actor))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Please give the reason for revoking (it is kept in the audit log)."),
            field_errors={"reason": [_("This field is required.")]},
        )
    if len(reason) > 500:
        raise Invalid(_("Please write at most 500 characters."))
    now = timezone.now()
    if not Verification.objects.filter(
        pk=verification.pk, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=actor, revoke_reason=reason):
        raise Conflict(_("This verification was already revoked."), code="revoked")
    verification.refresh_from_db()
    record(
        actor=actor,
        action="verification.revoke",
        target=verification,
        before={"active": True},
        after={
            "active": False,
            "user": verification.user_id,
            "method": verification.method,
            "reason": reason,
        },
    )
    forget_standing(verification.user)
    return verification


@transaction.atomic
def requirement_set(
    *, actor: Actor, process: Process, action: str, level: int
) -> Requirement | None:
    """Require ``level`` for ``action`` in ``process`` (0 removes the
    requirement). Returns the requirement, or None when removed."""
    refuse(rules.requirements_refusal(actor))
    if action not in Action.values:
        raise Invalid(_("Choose an action."), field_errors={"action": [_("Invalid.")]})
    if level not in Level.values:
        raise Invalid(_("Choose a level."), field_errors={"level": [_("Invalid.")]})
    current = Requirement.objects.filter(process=process, action=action).first()
    before = {"level": current.level if current else 0}
    result: Requirement | None
    if level == Level.NONE:
        if current is not None:
            current.delete()
        result = None
    elif current is None:
        result = Requirement.objects.create(
            process=process, action=action, level=level, updated_by=actor
        )
    else:
        current.level = level
        current.updated_by = actor
        current.updated_at = timezone.now()
        current.save(update_fields=["level", "updated_by", "updated_at"])
        result = current
    if before["level"] != level:
        record(
            actor=actor,
            action="verification.requirement_set",
            target=process,
            before={**before, "action": action},
            after={"level": level, "action": action},
        )
    selectors.forget_requirements(process)
    return result
