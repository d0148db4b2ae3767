"""Residents' data and trust: who looked at whose data, leaving, and the terms.

- :class:`AccessLogEntry`, append-only: one row each time a staff member was shown
  a resident's non-public data (``privacy.access.record_view``).
- :class:`AccountDeletion`: a resident's request to leave, its cooling-off period,
  and what became of it (``privacy.services``, ``privacy.erasure``).
- :class:`PolicyDocument` (terms of use, privacy policy, accessibility policy; a new
  version is a new row) and :class:`PolicyAcceptance` (who accepted which version,
  when). The accessibility policy is a statement, not a contract: nobody accepts it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.text import RendersText


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access-log row."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The access log is append-only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    def for_subject(self, user: Any) -> AccessLogQuerySet:
        return self.filter(subject=user).order_by("-created_at", "-id")


class DataKind(models.TextChoices):
    """What a staff member was shown."""

    RECORD = "record", _("Your account record (e-mail address, sign-up details)")
    EMAIL = "email", _("Your e-mail address")
    ATTRIBUTES = "attributes", _("The attributes you gave (age band, municipality…)")
    VERIFICATION = "verification", _("Your residency verification")
    EXPORT = "export", _("A download of your personal data")
    ADMIN_LIST = "admin_list", _("Your e-mail address in a list of accounts")
    BULK_EXPORT = "bulk_export", _("Your account in a bulk export of accounts")


class Purpose(models.TextChoices):
    """Why: chosen from this list when a staff member opens a resident's record."""

    INQUIRY = "inquiry", _("Answering an inquiry from the resident")
    DATA_REQUEST = (
        "data_request",
        _("A request to disclose, correct or delete personal data"),
    )
    VERIFICATION = "verification", _("Checking or issuing a residency verification")
    MODERATION = "moderation", _("Handling a report, a block or misuse of the site")
    SUPPORT = "support", _("Technical support (sign-in, e-mail delivery)")
    LEGAL = "legal", _("A legal obligation (a request from a public authority)")
    ADMINISTRATION = "administration", _("Administering accounts")


class AccessLogEntry(models.Model):
    """One staff member shown one resident's non-public data, once. Never changed."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    # Captured when it happened, so the entry reads the same after a change of role.
    viewer_name = models.CharField(_("staff member"), max_length=100)
    viewer_role = models.CharField(_("role"), max_length=20)
    department_name = models.CharField(_("department"), max_length=120, blank=True)
    department_name_en = models.CharField(max_length=120, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resident"),
    )
    what = models.CharField(_("what"), max_length=20, choices=DataKind.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    path = models.CharField(_("page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["subject", "-created_at"], name="accesslog_subject"),
            models.Index(fields=["viewer", "-created_at"], name="accesslog_viewer"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.viewer_name} → #{self.subject_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The access log is append-only.")


class ContributionChoice(models.TextChoices):
    """What becomes of a leaving resident's public contributions."""

    ANONYMISE = "anonymise", _("Keep them, under “Former participant”")
    REMOVE = "remove", _("Remove them (except what the organisation must keep)")


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the cooling-off period to end")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Account erased")


class AccountDeletion(models.Model):
    """A resident's request to leave. At most one pending request per person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deletion_requests",
    )
    contributions = models.CharField(
        _("your contributions"), max_length=10, choices=ContributionChoice.choices
    )
    status = models.CharField(
        max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField(_("erased after"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, blank=True)  # "button" | "login"
    completed_at = models.DateTimeField(null=True, blank=True)
    # What the erasure did (counts per step), kept for the organisation's records.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="accountdeletion_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "erase_after"], name="accountdeletion_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.user_id} {self.status} {self.erase_after:%Y-%m-%d}"


class PolicyKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    # ウェブアクセシビリティ方針 (the MIC guideline for public websites asks every
    # local government for one): published like the others, never accepted.
    ACCESSIBILITY = "accessibility", _("Accessibility policy")


# The kinds residents accept (at sign-up, and again when a version asks for it).
ACCEPTED_KINDS = frozenset({PolicyKind.TERMS, PolicyKind.PRIVACY})
# Each kind's public page (a URL name).
PUBLIC_PAGES = {
    PolicyKind.TERMS: "privacy:terms",
    PolicyKind.PRIVACY: "privacy:privacy",
    PolicyKind.ACCESSIBILITY: "privacy:accessibility",
}


class PolicyDocumentQuerySet(models.QuerySet["PolicyDocument"]):
    def current(self, kind: str) -> PolicyDocument | None:
        """The version in force: the latest published one."""
        return (
            self.filter(kind=kind, published_at__lte=timezone.now())
            .order_by("-version")
            .first()
        )


class PolicyDocument(RendersText, models.Model):
    """One version of the terms of use, the privacy policy or the accessibility
    policy, as the organisation wrote it. Never edited in place: a change is a new
    row with the next version."""

    RENDERED_TEXT = {"body": "body_html", "body_en": "body_en_html"}

    kind = models.CharField(_("document"), max_length=20, choices=PolicyKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title (Japanese)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    body = models.TextField(_("text (Japanese)"), max_length=60000)
    body_html = models.TextField(blank=True, default="", editable=False)
    body_en = models.TextField(_("text (English)"), max_length=60000, blank=True)
    body_en_html = models.TextField(blank=True, default="", editable=False)
    summary = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("Shown to residents asked to accept the new version."),
    )
    # A change residents must accept again (a correction of a typo need not be).
    requires_acceptance = models.BooleanField(
        _("ask residents to accept"), default=True
    )
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="policydocument_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_accepted(self) -> bool:
        """Does this kind ask residents to accept it (the terms, the privacy
        policy), or is it a statement (the accessibility policy)?"""
        return self.kind in ACCEPTED_KINDS


class PolicyAcceptance(models.Model):
    """A resident accepted one version of a policy document."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acceptances",
    )
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document"], name="policyacceptance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.user_id} {self.document_id} {self.accepted_at:%Y-%m-%d}"
