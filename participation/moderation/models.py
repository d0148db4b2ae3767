"""Moderation: reports, hiding content transparently, blocks, facilitator notes and
the public moderation log.

Content is reached through generic relations (content type + id) so that this core
app never imports the apps it moderates (proposals, comments).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.text import RendersText


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or abusive")
    PERSONAL_INFO = "personal_info", _("Personal information")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Other")


REASON_SEPARATOR = ": "


def reason_label(code: str) -> str:
    """The translated label of a reason code ('' for an unknown code)."""
    try:
        return str(ReportReason(code).label)
    except ValueError:
        return ""


def compose_reason(code: str, text: str) -> str:
    """Stored form of a hiding reason, ``<code>: <free text>``; the code is
    translated on display."""
    return f"{code}{REASON_SEPARATOR}{text}" if text else code


def display_reason(stored: str) -> str:
    """``spam: repeated links`` → ``Spam or advertising: repeated links`` in the
    reader's language; any other stored text is shown as written."""
    code, sep, text = (stored or "").partition(REASON_SEPARATOR)
    label = reason_label(code)
    if not label:
        return stored or ""
    return f"{label}{REASON_SEPARATOR}{text}" if sep and text else label


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

    @property
    def hidden_reason_display(self) -> str:
        """Why it is hidden, in the reader's language."""
        if self.hidden_pending_review and not self.hidden_reason:
            return str(
                _(
                    "Hidden automatically after several reports, pending review by "
                    "a facilitator."
                )
            )
        return display_reason(self.hidden_reason)


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld (content hidden)")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """One resident's report of a proposal or a comment (once per target)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("process"),
    )
    # The proposal the content belongs to (itself for a proposal), so one page can
    # load the viewer's reports for a proposal and all its comments in one query.
    proposal_pk = models.PositiveBigIntegerField(_("proposal"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_made",
        verbose_name=_("reporter"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.OPEN,
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # When the facilitators were reminded that it is still open (once).
    reminded_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                name="report_once_per_reporter",
            ),
            models.CheckConstraint(
                name="report_other_needs_details",
                condition=~Q(reason="other") | ~Q(details=""),
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "process", "content_type", "object_id"],
                name="report_queue_idx",
            ),
            models.Index(
                fields=["content_type", "object_id", "status"],
                name="report_target_idx",
            ),
            models.Index(fields=["reporter", "proposal_pk"], name="report_viewer_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_reason_display()} · {self.content_type.model} #{self.object_id}"
        )


class ActionKind(models.TextChoices):
    AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Restored")
    DISMISS = "dismiss", _("Reports dismissed")
    BLOCK = "block", _("User blocked")
    UNBLOCK = "unblock", _("Block lifted")
    CLOSE_COMMENTS = "close_comments", _("Comments closed")
    REOPEN_COMMENTS = "reopen_comments", _("Comments reopened")
    NOTE_PIN = "note_pin", _("Facilitator note pinned")
    NOTE_REMOVE = "note_remove", _("Facilitator note removed")


class ModerationAction(models.Model):
    """One row of the public moderation log. It names the facilitator, the reason and
    links to the target; it never holds hidden text or who reported."""

    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("process"),
    )
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    actor_name = models.CharField(_("facilitator"), max_length=100, blank=True)
    reason_code = models.CharField(
        _("reason"), max_length=20, choices=ReportReason.choices, blank=True
    )
    reason = models.CharField(_("reason (details)"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_url = models.CharField(_("link"), max_length=300, blank=True)
    # The author of the content acted on, or the blocked user.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_name = models.CharField(max_length=100, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [
            models.Index(fields=["process", "-created_at"], name="modaction_log_idx"),
            models.Index(
                fields=["process", "kind", "-created_at"], name="modaction_kind_idx"
            ),
            models.Index(
                fields=["content_type", "object_id", "-created_at"],
                name="modaction_target_idx",
            ),
            models.Index(fields=["subject_user", "kind"], name="modaction_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def target_kind(self) -> str:
        if self.kind in (ActionKind.BLOCK, ActionKind.UNBLOCK):
            return "user"
        content_type = self.content_type if self.content_type_id else None
        return content_type.model if content_type is not None else ""

    @property
    def names_a_person(self) -> bool:
        """A block or its lifting is about a person: the public log says what was
        done and why, never whom (no name, no link to their profile)."""
        return self.kind in (ActionKind.BLOCK, ActionKind.UNBLOCK)

    @property
    def public_url(self) -> str:
        """The link the public log may show: the content acted on, never the
        profile of a blocked person."""
        return "" if self.names_a_person else self.target_url

    @property
    def reason_display(self) -> str:
        label = reason_label(self.reason_code)
        if label and self.reason:
            return f"{label}{REASON_SEPARATOR}{self.reason}"
        return label or self.reason


class FacilitatorNote(RendersText, models.Model):
    """A short note a facilitator pins on a proposal or a comment thread, signed with
    the facilitator's real name. At most one pinned note per target."""

    RENDERED_TEXT = {"body": "body_html"}

    process = models.ForeignKey(
        "spaces.Process", on_delete=models.CASCADE, related_name="+"
    )
    proposal_pk = models.PositiveBigIntegerField(_("proposal"))
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    body = models.TextField(_("note"), max_length=1000)
    body_html = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("pinned at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("facilitator note")
        verbose_name_plural = _("facilitator notes")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(removed_at__isnull=True),
                name="facilitatornote_one_pinned",
            )
        ]
        indexes = [
            models.Index(fields=["proposal_pk", "removed_at"], name="note_page_idx")
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.body[:40]}"

    @property
    def is_pinned(self) -> bool:
        return self.removed_at is None


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

    @property
    def is_permanent(self) -> bool:
        return self.ends_at is None

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)
