"""Proposals, supports, threaded comments and comment votes."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin, is_site_facilitator
from participation.accounts.selectors import standing_of
from participation.moderation.models import Hideable
from participation.spaces.models import public_process
from participation.text import RendersText


class ProposalState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def public(self) -> ProposalQuerySet:
        """Proposals of public processes, hidden ones included (their page shows a
        placeholder); lists leave the hidden ones out themselves."""
        return self.filter(public_process("process"))

    def visible_to(self, user: Any) -> ProposalQuerySet:
        """Proposals whose page ``user`` may open: those of public processes, and
        those of draft processes for their facilitators (and admins) only. The same
        test as ``proposals.fragments.proposal_visible_to`` for one proposal."""
        if is_admin(user) or is_site_facilitator(user):
            return self.all()
        standing = standing_of(user)
        facilitated = (
            standing.facilitator_process_ids if standing.mfa_satisfied else frozenset()
        )
        if not facilitated:
            return self.public()
        return self.filter(public_process("process") | Q(process_id__in=facilitated))


class Proposal(RendersText, Hideable):
    """What a resident asks for (提案)."""

    RENDERED_TEXT = {"body": "body_html"}

    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("process"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("proposal"), max_length=10000)
    # The body as safe HTML, rendered by participation.text when it is written.
    body_html = models.TextField(blank=True, default="", editable=False)
    category = models.ForeignKey(
        "spaces.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("category"),
    )
    area = models.ForeignKey(
        "spaces.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("area"),
    )
    location_text = models.CharField(_("location"), max_length=200, blank=True)
    # An optional point on the map (WGS 84), both or neither.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProposalState.choices,
        default=ProposalState.PUBLISHED,
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    threshold_reached_at = models.DateTimeField(
        _("support threshold reached at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    comments_closed_at = models.DateTimeField(null=True, blank=True)
    comments_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comments_closed_reason = models.CharField(max_length=500, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["process", "state", "-created_at"]),
            models.Index(fields=["process", "-support_count"]),
            models.Index(fields=["process", "-comment_count"]),
            models.Index(fields=["category"], name="proposal_category_idx"),
            models.Index(fields=["area"], name="proposal_area_idx"),
            models.Index(fields=["author", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="proposal_point_both_or_neither",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.state == ProposalState.WITHDRAWN

    @property
    def comments_closed(self) -> bool:
        return self.comments_closed_at is not None


class Support(models.Model):
    """One resident's backing of a proposal (賛同)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="support_one_per_user"
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Alignment(models.TextChoices):
    IN_FAVOUR = "favour", _("In favour")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class CommentQuerySet(models.QuerySet["Comment"]):
    def shown(self) -> CommentQuerySet:
        """Comments shown with their text: neither hidden nor deleted."""
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)

    def public(self) -> CommentQuerySet:
        """Comments on proposals of public processes (hidden and deleted ones
        included, as placeholders)."""
        return self.filter(public_process("proposal__process"))


class Comment(RendersText, Hideable):
    """A contribution to the deliberation on a proposal, threaded to depth 3."""

    RENDERED_TEXT = {"body": "body_html"}

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    # The top-level comment of the thread (None for a top-level comment itself),
    # set on save: "a thread with all its replies" is one indexed lookup.
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # comment_thread_idx (root, created_at, id) serves it
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(_("comment"), max_length=5000)
    body_html = models.TextField(blank=True, default="", editable=False)
    alignment = models.CharField(
        _("stance"),
        max_length=10,
        choices=Alignment.choices,
        default=Alignment.NEUTRAL,
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Role badge captured when the comment was written ("official", "facilitator").
    author_role = models.CharField(max_length=20, blank=True)
    author_department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["proposal", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
            models.Index(
                fields=["root", "created_at", "id"], name="comment_thread_idx"
            ),
            models.Index(
                fields=["proposal", "created_at", "id"],
                name="comment_toplevel_idx",
                condition=Q(parent__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="comment_depth_limit", condition=Q(depth__lte=2)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.proposal_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.parent_id is not None and self.root_id is None:
            parent = self.parent
            self.root_id = parent.root_id or parent.pk if parent else None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The proposal page that holds this comment (the thread loads in pages;
        ``?comment=`` opens the page of its thread)."""
        detail = reverse("proposals:detail", args=[self.proposal_id])
        return f"{detail}?comment={self.pk}#comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


class CommentVote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    value = models.SmallIntegerField(choices=[(1, "+1"), (-1, "-1")])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="commentvote_one_per_user"
            ),
            models.CheckConstraint(
                name="commentvote_value_pm1", condition=Q(value__in=[1, -1])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d} → {self.comment_id}"


def _image_path(instance: ProposalImage, filename: str) -> str:
    # An unguessable name under the proposal's folder; nothing of what the person
    # called the file is kept.
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}{_extension(filename)}"


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot >= 0 else ""


class ProposalImage(models.Model):
    """A photo on a proposal, as re-encoded by ``participation.images.reencode``
    (no metadata; at most ``IMAGE_MAX_SIDE`` pixels a side). Shown only where its
    proposal is: ``proposals:image`` answers 404 when the proposal is hidden from
    the viewer."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="images"
    )
    file = models.FileField(upload_to=_image_path, max_length=200)
    alt_text = models.CharField(_("description of the photo"), max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    byte_size = models.PositiveIntegerField()
    # The small rendition (``images.small_rendition``: the lists' cards), made
    # once when the photo is stored; empty until ``make_photo_renditions`` has
    # drawn it for a photo stored before renditions existed.
    small_file = models.FileField(
        upload_to=_image_path, max_length=200, blank=True, default=""
    )
    small_width = models.PositiveIntegerField(default=0)
    small_height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [
            models.Index(
                fields=["proposal", "position", "id"], name="proposalimage_order_idx"
            )
        ]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.proposal_id}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:image", args=[self.proposal_id, self.pk])

    def get_small_url(self) -> str:
        """The small rendition's address (the same view and checks as the photo)."""
        return reverse("proposals:image_small", args=[self.proposal_id, self.pk])

    @property
    def has_small(self) -> bool:
        return bool(self.small_file)
