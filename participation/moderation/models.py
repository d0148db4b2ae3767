"""Moderation: hiding content transparently, blocking users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Hideable(models.Model):
    """Fields for content a facilitator can hide. The text stays stored; the public
    sees a placeholder saying when, by whom and why it was hidden."""

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    hidden_pending_review = models.BooleanField(
        _("hidden automatically, pending review"), default=False
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Block(models.Model):
    """A user barred from taking part, for a time or permanently."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    reason = models.CharField(_("reason"), max_length=500)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty means permanent.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The process whose moderation log shows this block."),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        indexes = [models.Index(fields=["user", "lifted_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.reason})"
