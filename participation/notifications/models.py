"""Follows and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.notifications.groups import Mode
from participation.notifications.kinds import render
from participation.notifications.reasons import reason_text


class Follow(models.Model):
    """A user following something (a proposal, a process) to be notified about it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="follow_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.content_type_id}:{self.object_id}"


class Notification(models.Model):
    """One message to one user. Text is rendered at display time in the reader's
    language from ``kind`` and ``data`` (see ``kinds.py``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=60)
    # Why this person receives it (a code of ``reasons.REASONS``; "" for none).
    reason = models.CharField(max_length=20, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # What it is about (optional): lets the app that owns it withhold the e-mail
    # when the target was hidden before sending (email.register_veto).
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            # The digests read a period's notifications.
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def message(self) -> str:
        return render(self)

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


class EmailPreference(models.Model):
    """How one person receives one group of notifications by e-mail (``groups``).
    No row: the group's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    group = models.CharField(_("group"), max_length=30)
    mode = models.CharField(_("e-mail"), max_length=10, choices=Mode.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"], name="email_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.group}: {self.mode}"


class SendStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent")
    DEAD = "dead", _("failed")


class Attempted(models.Model):
    """What every outgoing message records: its state, attempts and last error."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SendStatus.choices,
        default=SendStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The token of the task that holds it while sending (delivery.claim).
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True


class Delivery(Attempted):
    """One notification sent through one channel: the idempotency key of sending
    (unique per notification and channel), so a task that runs twice sends once."""

    EMAIL = "email"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, default=EMAIL)
    # Why it was not sent (status "skipped"): a code of delivery.SKIP_REASONS.
    skip_reason = models.CharField(_("reason"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} of {self.notification_id}: {self.status}"


class Digest(Attempted):
    """One digest e-mail for one person and period (``daily``/``weekly`` and the
    local date the period ends on): unique, so it is sent once per period."""

    DAILY = "daily"
    WEEKLY = "weekly"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    period = models.CharField(_("period"), max_length=10)
    key = models.CharField(_("period key"), max_length=20)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    item_count = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "key"], name="digest_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.period} digest {self.key} for {self.user_id}"


class BouncedAddress(models.Model):
    """An address the mail server refused permanently (5xx): no e-mail goes to it
    until its owner confirms it again or changes it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    code = models.PositiveSmallIntegerField(_("SMTP code"))
    message = models.TextField(_("server message"), blank=True)
    created_at = models.DateTimeField(_("refused at"), default=timezone.now)

    class Meta:
        verbose_name = _("refused address")
        verbose_name_plural = _("refused addresses")

    def __str__(self) -> str:
        return f"{self.email} ({self.code})"


class PeriodicRun(models.Model):
    """The last slot a periodic job ran for (``periodic.py``): a job runs once per
    slot however many workers tick."""

    name = models.CharField(max_length=100, unique=True)
    slot = models.BigIntegerField(default=-1)
    ran_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}"
