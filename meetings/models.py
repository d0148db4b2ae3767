"""Live meeting sessions.

A live session is a facilitated meeting (in a hall, online or both) attached to a
process. Participants post short opinions that everyone sees at once; a projector
view shows them to the room; when the session closes its opinions become public,
dated minutes. A facilitator may draft a proposal from an opinion, which its author
then reviews and publishes under their own name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.moderation.models import Hideable
from participation.spaces.models import public_process
from participation.text import RendersText

OPINION_MAX = 400
GUEST_NAME_MAX = 60


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The one table of allowed status changes of a live session.
SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.SCHEDULED: frozenset({SessionStatus.OPEN, SessionStatus.CANCELLED}),
    SessionStatus.OPEN: frozenset({SessionStatus.CLOSED}),
    SessionStatus.CLOSED: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


class LiveSessionQuerySet(models.QuerySet["LiveSession"]):
    def public(self) -> LiveSessionQuerySet:
        """Sessions of public processes (published or archived, never a draft)."""
        return self.filter(public_process("process"))


class LiveSession(RendersText, models.Model):
    """A facilitated meeting attached to a process (ライブ意見交換会)."""

    RENDERED_TEXT = {"description": "description_html", "summary": "summary_html"}

    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.PROTECT,
        related_name="live_sessions",
        verbose_name=_("process"),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    description_html = models.TextField(blank=True, default="", editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=300, blank=True)
    allow_guests = models.BooleanField(
        _("guests may take part"),
        default=False,
        help_text=_(
            "People without an account may post opinions after giving a name. "
            "Their opinions are marked as from guests."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
    )
    summary = models.TextField(_("summary of the minutes"), max_length=5000, blank=True)
    summary_html = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        indexes = [
            models.Index(
                fields=["process", "status", "-starts_at"], name="livesession_process"
            ),
            models.Index(fields=["status", "-starts_at"], name="livesession_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="livesession_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:session", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == SessionStatus.CLOSED

    def can_become(self, status: str) -> bool:
        return status in SESSION_TRANSITIONS.get(self.status, frozenset())


class SessionTheme(models.Model):
    """A theme a facilitator groups opinions under (e.g. "Traffic", "Parks")."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("theme"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name"], name="sessiontheme_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Opinion(RendersText, Hideable):
    """A short opinion posted during a live session, by a resident or a guest."""

    RENDERED_TEXT = {"body": "body_html"}

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="opinions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_opinions",
        verbose_name=_("author"),
    )
    guest_name = models.CharField(
        _("guest name"), max_length=GUEST_NAME_MAX, blank=True
    )
    # An opaque id of the guest's browser session, for rate limits. Never shown.
    guest_key = models.CharField(max_length=64, blank=True)
    body = models.TextField(_("opinion"), max_length=OPINION_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    # Role badge captured when the opinion was posted ("facilitator", "official").
    author_role = models.CharField(max_length=20, blank=True)
    theme = models.ForeignKey(
        SessionTheme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("theme"),
    )
    highlighted = models.BooleanField(_("highlighted"), default=False)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [
            models.Index(fields=["session", "created_at"], name="opinion_session"),
            models.Index(fields=["author", "-created_at"], name="opinion_author"),
            models.Index(fields=["theme"], name="opinion_theme"),
        ]
        constraints = [
            models.CheckConstraint(
                name="opinion_has_author_or_guest_name",
                condition=Q(author__isnull=False) | ~Q(guest_name=""),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.session_id}"

    def get_absolute_url(self) -> str:
        return (
            f"{reverse('meetings:session', args=[self.session_id])}#opinion-{self.pk}"
        )

    @property
    def is_guest(self) -> bool:
        return self.author_id is None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def display_name(self) -> str:
        if self.author_id:
            return str(self.author)
        return self.guest_name


class DraftStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the author")
    PUBLISHED = "published", _("Published as a proposal")
    DECLINED = "declined", _("Declined by the author")


class ProposalDraft(models.Model):
    """A proposal a facilitator drafted from an opinion, credited to its author.

    Nothing is published under a person's name without them: the author reviews
    the draft, may edit it, and publishes it (or declines). The published proposal
    is referred to by id and address only, so the live layer stays below proposals.
    """

    opinion = models.OneToOneField(
        Opinion, on_delete=models.CASCADE, related_name="proposal_draft"
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("proposal"), max_length=10000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DraftStatus.choices,
        default=DraftStatus.PENDING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    proposal_id = models.PositiveBigIntegerField(null=True, blank=True)
    proposal_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposal draft")
        verbose_name_plural = _("proposal drafts")
        indexes = [models.Index(fields=["status"], name="proposaldraft_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:draft", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == DraftStatus.PENDING
