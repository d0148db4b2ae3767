"""Writes: leaving (request, cancel, erase) and the policies (publish, accept)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from participation import pagecache
from participation.accounts.models import User
from participation.accounts.selectors import forget_standing
from participation.accounts.types import Actor
from participation.audit.services import record
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.privacy import erasure
from participation.privacy.models import (
    ACCEPTED_KINDS,
    AccountDeletion,
    ContributionChoice,
    DeletionStatus,
    PolicyAcceptance,
    PolicyDocument,
    PolicyKind,
)
from participation.privacy.rules import deletion_request_refusal, policy_edit_refusal
from participation.site_url import absolute_url

logger = logging.getLogger(__name__)


def cooling_off() -> timedelta:
    return timedelta(days=int(settings.PRIVACY_DELETION_COOLING_OFF_DAYS))


def _send_account_mail(
    template: str, *, to: list[str], language: str, context: dict[str, Any]
) -> None:
    """An account e-mail (like allauth's security notices): always sent, whatever
    the notification preferences, in the person's language."""
    adapter = get_adapter()
    with translation.override(language or settings.LANGUAGE_CODE):
        for address in to:
            try:
                adapter.send_mail(template, address, context)
            except Exception:  # a mail server down must not undo the erasure
                logger.exception("account e-mail %s could not be sent", template)


# --- leaving ------------------------------------------------------------------------


@idempotency.idempotent("account_deletion", author="user")
@transaction.atomic
def deletion_request(
    *,
    user: Actor,
    contributions: str,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> AccountDeletion:
    """Schedule the erasure of ``user``'s account after the cooling-off period.
    Refused for staff (their roles first) and when one is already pending."""
    refusal = deletion_request_refusal(user)
    if refusal is not None:
        raise refusal
    if contributions not in ContributionChoice.values:
        raise Invalid(
            _("Choose what becomes of your contributions."),
            code="contributions",
            field_errors={"contributions": [_("Choose one of the options.")]},
        )
    User.objects.select_for_update().filter(pk=user.pk).first()
    if AccountDeletion.objects.filter(
        user=user, status=DeletionStatus.PENDING
    ).exists():
        raise Conflict(
            _("Your account is already scheduled for deletion."), code="pending"
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            deletion = AccountDeletion.objects.create(
                user=user,
                contributions=contributions,
                requested_at=now,
                erase_after=now + cooling_off(),
            )
    except IntegrityError as exc:  # a concurrent twin
        raise Conflict(
            _("Your account is already scheduled for deletion."), code="pending"
        ) from exc
    record(
        actor=user,
        action="account.deletion_requested",
        target=user,
        after={"contributions": contributions, "erase_after": deletion.erase_after},
    )
    transaction.on_commit(
        partial(
            _send_account_mail,
            "privacy/email/deletion_scheduled",
            to=[user.email],
            language=user.language,
            context={
                "user": user,
                "erase_after": deletion.erase_after,
                "contributions": deletion.get_contributions_display(),
                "login_url": absolute_url("/accounts/login/"),
                "days": cooling_off().days,
            },
        )
    )
    return deletion


def pending_deletion(user: Any) -> AccountDeletion | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AccountDeletion.objects.filter(
        user=user, status=DeletionStatus.PENDING
    ).first()


@transaction.atomic
def deletion_cancel(
    *, user: Actor, via: str = "button", now: datetime | None = None
) -> bool:
    """Cancel a pending deletion; False when none was pending."""
    now = now or timezone.now()
    deletion = (
        AccountDeletion.objects.select_for_update()
        .filter(user=user, status=DeletionStatus.PENDING)
        .first()
    )
    if deletion is None:
        return False
    deletion.status = DeletionStatus.CANCELLED
    deletion.cancelled_at = now
    deletion.cancelled_by = via
    deletion.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    record(
        actor=user,
        action="account.deletion_cancelled",
        target=user,
        after={"via": via},
    )
    return True


def deletion_cancel_on_login(*, user: Any, request: Any) -> None:
    """allauth's ``user_logged_in``: signing in again is changing one's mind."""
    if not isinstance(user, User):
        return
    if deletion_cancel(user=user, via="login") and request is not None:
        messages.info(
            request,
            _("Welcome back. Your account deletion was cancelled: nothing is erased."),
        )


@transaction.atomic
def account_erase(
    *, deletion: AccountDeletion, now: datetime | None = None
) -> AccountDeletion:
    """Erase the account of a pending request whose cooling-off period has ended
    (``privacy.erasure``), then e-mail the address it had."""
    now = now or timezone.now()
    locked = AccountDeletion.objects.select_for_update().get(pk=deletion.pk)
    if locked.status != DeletionStatus.PENDING:
        raise Conflict(_("This deletion is not pending."), code="not_pending")
    if locked.erase_after > now:
        raise Conflict(
            _("The cooling-off period has not ended yet."), code="cooling_off"
        )
    from allauth.account.models import EmailAddress

    user = User.objects.select_for_update().get(pk=locked.user_id)
    emails = sorted(
        {
            user.email,
            *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
        }
        - {""}
    )
    primary = user.email
    language = user.language
    ctx = erasure.ErasureContext(
        user=user,
        old_name=user.real_name,
        old_reading=user.name_reading,
        old_emails=emails,
        contributions=locked.contributions,
        now=now,
    )
    counts = erasure.run(ctx)
    locked.status = DeletionStatus.DONE
    locked.completed_at = now
    locked.summary = counts
    locked.save(update_fields=["status", "completed_at", "summary"])
    record(
        actor=None,
        action="account.erased",
        target=user,
        after={"contributions": locked.contributions, "counts": counts},
    )
    forget_standing(user)
    # The address is captured here and used once, never queued or stored again.
    transaction.on_commit(
        partial(
            _send_account_mail,
            "privacy/email/deletion_done",
            to=[primary],
            language=language,
            context={"contributions": locked.get_contributions_display()},
        )
    )
    return locked


def erase_due_accounts(now: datetime | None = None) -> int:
    """Erase every account whose cooling-off period has ended (the periodic job and
    ``manage.py erase_accounts``). Idempotent: an erased request is not pending."""
    now = now or timezone.now()
    done = 0
    for deletion in AccountDeletion.objects.filter(
        status=DeletionStatus.PENDING, erase_after__lte=now
    ).order_by("erase_after", "pk"):
        try:
            account_erase(deletion=deletion, now=now)
        except Conflict:  # cancelled or erased meanwhile
            continue
        done += 1
    return done


# --- terms of use, privacy policy, accessibility policy ------------------------------


def _clean_policy(
    kind: str, title: str, body: str, title_en: str, body_en: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in PolicyKind.values:
        errors["kind"] = [str(_("Unknown document."))]
    if not title.strip():
        errors["title"] = [str(_("Give the document a title."))]
    if not body.strip():
        errors["body"] = [str(_("The Japanese text is required."))]
    if body_en.strip() and not title_en.strip():
        errors["title_en"] = [str(_("Give the English text a title too."))]
    for name, value, limit in (
        ("title", title, 150),
        ("title_en", title_en, 150),
        ("body", body, 60000),
        ("body_en", body_en, 60000),
    ):
        if len(value) > limit:
            errors[name] = [str(_("Too long."))]
    return errors


@idempotency.idempotent("policy_document", author="actor")
@transaction.atomic
def policy_publish(
    *,
    actor: Actor | None,
    kind: str,
    title: str,
    body: str,
    title_en: str = "",
    body_en: str = "",
    summary: str = "",
    requires_acceptance: bool = True,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> PolicyDocument:
    """Publish the next version of the terms, the privacy policy or the
    accessibility policy (a new row; earlier versions stay as they were). ``actor``
    None is the operator's command line or a data migration. Only the terms and the
    privacy policy ask residents to accept a version: the accessibility policy is a
    statement, never accepted, whatever ``requires_acceptance`` says."""
    if actor is not None:
        refusal = policy_edit_refusal(actor)
        if refusal is not None:
            raise refusal
    errors = _clean_policy(kind, title, body, title_en, body_en)
    if len(summary) > 300:
        errors["summary"] = [str(_("Too long."))]
    if errors:
        raise Invalid(
            next(iter(errors.values()))[0], code="invalid_policy", field_errors=errors
        )
    latest = (
        PolicyDocument.objects.select_for_update()
        .filter(kind=kind)
        .order_by("-version")
        .first()
    )
    version = (latest.version + 1) if latest else 1
    try:
        with transaction.atomic():
            document = PolicyDocument.objects.create(
                kind=kind,
                version=version,
                title=title.strip(),
                title_en=title_en.strip(),
                body=body,
                body_en=body_en,
                summary=summary.strip(),
                # The first version is what everyone accepts at sign-up.
                requires_acceptance=kind in ACCEPTED_KINDS
                and (requires_acceptance or version == 1),
                published_at=now or timezone.now(),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Someone published a new version at the same time; reload."),
            code="version",
        ) from exc
    record(
        actor=actor,
        action="policy.publish",
        target=document,
        after={
            "kind": kind,
            "version": version,
            "requires_acceptance": document.requires_acceptance,
        },
    )
    return document


def policies_to_accept(user: Any) -> list[PolicyDocument]:
    """The current versions ``user`` has not accepted yet: for each kind that is
    accepted (not the accessibility policy), the latest version that asks for
    acceptance, unless the person accepted it or a later version. One query,
    whatever the number of versions."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = timezone.now()
    newer = PolicyDocument.objects.filter(
        kind=OuterRef("kind"),
        requires_acceptance=True,
        published_at__lte=now,
        version__gt=OuterRef("version"),
    )
    accepted = PolicyAcceptance.objects.filter(
        user_id=user.pk,
        document__kind=OuterRef("kind"),
        document__version__gte=OuterRef("version"),
    )
    return list(
        PolicyDocument.objects.filter(
            kind__in=ACCEPTED_KINDS, requires_acceptance=True, published_at__lte=now
        )
        .filter(~Exists(newer), ~Exists(accepted))
        .order_by("kind")
    )


@transaction.atomic
def _pending_key(user_id: int, version: str) -> str:
    return f"privacy:pending:{user_id}:{version}"


def has_policies_to_accept(user: Any) -> bool:
    """Whether the banner asks ``user`` to accept a new version (every signed-in
    page asks). Remembered per person in the cache for ``PAGE_CACHE_SECONDS`` under
    the site's page version, which publishing a version bumps (it is audited, see
    ``participation.pagecache.SITE_WIDE_TARGETS``), so a new version shows at once;
    accepting forgets it. A version published for a later time shows its banner at
    most that late, as on the cached pages. With the page cache off, or the cache
    unreachable, it is :func:`policies_to_accept`'s query."""
    if not getattr(user, "is_authenticated", False):
        return False
    seconds = int(getattr(settings, "PAGE_CACHE_SECONDS", 60))
    version = pagecache.version_of(pagecache.SITE) if seconds > 0 else ""
    if not version:
        return bool(policies_to_accept(user))
    key = _pending_key(user.pk, version)
    try:
        known = cache.get(key)
    except Exception:
        known = None
    if known is not None:
        return bool(known)
    pending = bool(policies_to_accept(user))
    try:
        cache.set(key, int(pending), seconds)
    except Exception:
        logger.debug("Policy banner not remembered: cache unreachable", exc_info=True)
    return pending


def _forget_pending(user_id: int) -> None:
    version = pagecache.version_of(pagecache.SITE)
    if version:
        try:
            cache.delete(_pending_key(user_id, version))
        except Exception:
            logger.debug(
                "Policy banner not forgotten: cache unreachable", exc_info=True
            )


def policies_accept(
    *, user: Actor, documents: list[PolicyDocument], now: datetime | None = None
) -> int:
    """Record that ``user`` accepted these versions; already accepted ones, and
    documents nobody accepts (the accessibility policy), are skipped. Returns the
    acceptances written."""
    now = now or timezone.now()
    done = 0
    for document in documents:
        if document.kind not in ACCEPTED_KINDS:
            continue
        _obj, created = PolicyAcceptance.objects.get_or_create(
            user=user, document=document, defaults={"accepted_at": now}
        )
        done += int(created)
    if done:
        transaction.on_commit(partial(_forget_pending, user.pk), robust=True)
    return done


def policies_accept_at_signup(*, user: Any) -> int:
    """allauth's ``user_signed_up``: the form's required box accepted the
    versions in force."""
    if not isinstance(user, User):
        return 0
    return policies_accept(user=user, documents=policies_to_accept(user))
