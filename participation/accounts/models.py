"""Users under their real names, and the roles granted to them."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("real_name", "Administrator")
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail is the login and is never shown to other users."""

    email = models.EmailField(_("e-mail address"), unique=True)
    real_name = models.CharField(
        _("real name"),
        max_length=100,
        help_text=_("Shown on everything you post. Use your real name."),
    )
    name_reading = models.CharField(
        _("name reading (furigana)"), max_length=100, blank=True
    )
    bio = models.CharField(_("about you"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the admin site"),
        default=False,
        help_text=_("Django admin access; set by the admin role."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts may skip MFA, only while DEBUG is on."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language of the e-mails this person receives: the one they signed up in,
    # then the one they last chose on the site (accounts.services.user_set_language).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="ja"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.real_name or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.pk])

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """The superuser shortcut holds only once MFA is satisfied: before that an
        administrator has what the rules give any resident, and no staff power
        (``{% has_perm %}`` in templates goes through here)."""
        if self.is_active and self.is_superuser and not self._mfa_satisfied():
            return rules.perm_exists(perm) and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_superuser and not self._mfa_satisfied():
            return False
        return super().has_module_perms(app_label)

    def _mfa_satisfied(self) -> bool:
        # local import: accounts.selectors imports accounts.models (User, RoleGrant),
        # which imports accounts.selectors
        from participation.accounts.selectors import standing_of

        return standing_of(self).mfa_satisfied


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    OFFICIAL = "official", _("Official")
    ADMIN = "admin", _("Administrator")


class RoleGrant(models.Model):
    """One role held by one user, optionally scoped to a process or department.

    facilitator: ``process`` set (one process) or empty (the whole site);
    official: ``department`` set; admin: neither.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="facilitator_grants",
        verbose_name=_("process"),
    )
    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="official_grants",
        verbose_name=_("department"),
    )
    # An official may belong to one section (課) of their department, and may be
    # one of its approvers (決裁): the person who approves a draft answer.
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="official_grants",
        verbose_name=_("section"),
    )
    approver = models.BooleanField(
        _("approves answers"),
        default=False,
        help_text=_("May approve the section's draft answers (決裁)."),
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                name="rolegrant_scope_matches_role",
                condition=(
                    Q(
                        role="facilitator",
                        department__isnull=True,
                        section__isnull=True,
                        approver=False,
                    )
                    | Q(role="official", department__isnull=False, process__isnull=True)
                    | Q(
                        role="admin",
                        department__isnull=True,
                        process__isnull=True,
                        section__isnull=True,
                        approver=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(process__isnull=True, department__isnull=True),
                name="rolegrant_unique_unscoped",
            ),
            models.UniqueConstraint(
                fields=["user", "process"],
                condition=Q(process__isnull=False),
                name="rolegrant_unique_process",
            ),
            models.UniqueConstraint(
                fields=["user", "department"],
                condition=Q(department__isnull=False),
                name="rolegrant_unique_department",
            ),
        ]

    def __str__(self) -> str:
        scope = self.process or self.department or _("whole site")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class InvitationSend(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Will retry")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Address refused")


class Invitation(models.Model):
    """An e-mailed invitation to take a staff role (facilitator or official).

    Its link carries a token signed with the secret key over the invitation's id
    and ``version`` (``accounts.invitations.token_for``): nothing secret is stored,
    so neither the database nor the task queue holds a usable link. Resending bumps
    the version (earlier links stop working) and moves ``expires_at``; accepting or
    revoking ends it. A pending invitation past ``expires_at`` is expired.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("process"),
    )
    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    approver = models.BooleanField(_("approves answers"), default=False)
    language = models.CharField(
        _("language of the e-mail"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="ja",
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    send_status = models.CharField(
        _("e-mail"),
        max_length=20,
        choices=InvitationSend.choices,
        default=InvitationSend.QUEUED,
    )
    send_attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["status", "expires_at"], name="invitation_pending"),
            models.Index(fields=["email", "status"], name="invitation_email"),
        ]
        constraints = [
            models.CheckConstraint(
                name="invitation_scope_matches_role",
                condition=(
                    Q(
                        role="facilitator",
                        department__isnull=True,
                        section__isnull=True,
                        approver=False,
                    )
                    | Q(role="official", department__isnull=False, process__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()}"

    @property
    def scope(self) -> Any:
        """What the role covers, for people to read."""
        if self.role == Role.OFFICIAL:
            return self.section or self.department
        return self.process or _("whole site")

    def is_expired(self, now: Any = None) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= (
            now or timezone.now()
        )
