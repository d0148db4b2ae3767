"""Residency verification: who has shown they live here, how, and what needs it.

A ``Verification`` is one resident verified by one method (a counter code, a
self-declaration, an identity provider). Only *active* verifications count (not
revoked); a person's level is the highest level among them. A method that can
tell people apart stores an ``identity_hash`` (a keyed hash, never the clear
value): at most one active verification holds a given hash per method, so two
accounts cannot be verified as the same person. ``Requirement`` says which level
a process (or one action in it) needs. Codes are stored as keyed hashes too, in
batches, shown once when issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """How sure the organisation is that the person lives here. Higher is surer;
    a requirement is met by any method of that level or above."""

    NONE = 0, _("Not verified")
    DECLARED = 1, _("Self-declared residence")
    CONFIRMED = 2, _("Residence confirmed with a code")
    IDENTITY = 3, _("Identity confirmed")


class Action(models.TextChoices):
    """What a requirement covers: the whole process, or one phase action."""

    ALL = "all", _("All taking part")
    PROPOSE = "propose", _("Proposing")
    SUPPORT = "support", _("Supporting")
    COMMENT = "comment", _("Commenting")


class Requirement(models.Model):
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.CASCADE,
        related_name="verification_requirements",
        verbose_name=_("process"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["process", "action"]
        verbose_name = _("verification requirement")
        verbose_name_plural = _("verification requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "action"], name="verification_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3),
                name="verification_requirement_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} {self.action} ≥ {self.level}"


class Channel(models.TextChoices):
    COUNTER = "counter", _("Handed over at a counter")
    LETTER = "letter", _("Sent by letter")


class CodeBatch(models.Model):
    """One issue of codes (one code at a counter, or a print run for letters)."""

    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    size = models.PositiveIntegerField(_("number of codes"))
    expires_at = models.DateTimeField(_("expires at"))
    area = models.ForeignKey(
        "spaces.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.size})"


class Code(models.Model):
    """A one-time verification code: only its keyed hash is kept."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used by"),
    )

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["batch", "used_at"])]

    def __str__(self) -> str:
        return f"code #{self.pk}"


class Verification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verifications",
        verbose_name=_("resident"),
    )
    method = models.CharField(_("method"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # Keyed hash of what identifies the person for this method (the code, the
    # provider's subject); empty where the method cannot tell people apart.
    identity_hash = models.CharField(
        _("identity (keyed hash)"), max_length=64, null=True, blank=True
    )
    area = models.ForeignKey(
        "spaces.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    code = models.OneToOneField(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification",
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-verified_at", "-id"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            # One verified resident, one account: an identity (per method) holds
            # one active verification at most.
            models.UniqueConstraint(
                fields=["method", "identity_hash"],
                condition=models.Q(
                    revoked_at__isnull=True, identity_hash__isnull=False
                ),
                name="verification_one_account_per_identity",
            ),
            models.UniqueConstraint(
                fields=["user", "method"],
                condition=models.Q(revoked_at__isnull=True),
                name="verification_one_active_per_method",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.level}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Outcome(models.TextChoices):
    OK = "ok", _("Verified")
    UNKNOWN = "unknown", _("Unknown code")
    USED = "used", _("Code already used")
    EXPIRED = "expired", _("Code expired")
    TAKEN = "taken", _("Identity already verified on another account")


class CodeAttempt(models.Model):
    """Each code a person entered that reached the store (well-formed codes):
    what locks code entry after too many failures. No address, no code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.outcome} {self.at:%Y-%m-%d %H:%M}"
