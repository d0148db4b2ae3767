"""Departments, categories, areas, and participatory processes with phases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of


class Department(models.Model):
    """The unit of government that answers (担当部局)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The office's contact, never a person's: shown on every answer it signs.
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    # 決裁: a draft answer is published only once an approver of the section (or
    # the department) approves it. Small municipalities may switch it off.
    approval_required = models.BooleanField(
        _("answers need approval (決裁)"),
        default=True,
        help_text=_(
            "When on, an official's draft answer is published only after an "
            "approver of the section or department approves it."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responses:department", args=[self.code])


class Section(models.Model):
    """A section (課) of a department (部): it drafts and approves answers."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("department"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["department__code", "position", "code"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"], name="section_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.name}"


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A municipality or district."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    # Residency self-declaration (participation.verification.methods.declared):
    # the beginnings of the area's postal codes, e.g. "675-00 675-01 6751".
    postal_prefixes = models.CharField(
        _("postal code prefixes"),
        max_length=500,
        blank=True,
        help_text=_(
            "Beginnings of the postal codes of this area, separated by spaces or "
            "commas (e.g. 675 6751). Residents who declare this area must give a "
            "postal code starting with one of them."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def public_process(through: str = "") -> models.Q:
    """The condition "the process is public" (published or archived, never a
    draft), for a process or, through ``through`` ("process", "proposal__process"),
    for what belongs to one. The one spelling of it; querysets use it."""
    prefix = f"{through}__" if through else ""
    return ~models.Q(**{f"{prefix}status": ProcessStatus.DRAFT})


class ProcessQuerySet(models.QuerySet["Process"]):
    def public(self) -> ProcessQuerySet:
        """Processes the public may see: published or archived, never a draft."""
        return self.filter(public_process())

    def published(self) -> ProcessQuerySet:
        """Processes open for taking part (published; not archived, not a draft)."""
        return self.filter(status=ProcessStatus.PUBLISHED)

    def visible_to(self, user: Any) -> ProcessQuerySet:
        """Processes whose page ``user`` may open: the public ones, and drafts for
        the administrators and the draft's own facilitators (its preview). Lists,
        the API, search, feeds and open data use ``public()``, never this."""
        if is_admin(user):
            return self.all()
        standing = standing_of(user)
        if not standing.mfa_satisfied:
            return self.public()
        if standing.is_site_facilitator_role:
            return self.all()
        if not standing.facilitator_process_ids:
            return self.public()
        return self.filter(
            public_process() | models.Q(pk__in=standing.facilitator_process_ids)
        )


class Process(models.Model):
    """A participatory space (参加プロセス) with dated phases."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=400)
    summary_en = models.CharField(_("summary (English)"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="processes", verbose_name=_("categories")
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="processes", verbose_name=_("areas")
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        default=50,
        validators=[MinValueValidator(1)],
        help_text=_("Supports a proposal needs to enter the response tracker."),
    )
    response_days = models.PositiveIntegerField(
        _("days to respond"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Days a department has to decide once a proposal is tracked."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcessStatus.choices,
        default=ProcessStatus.DRAFT,
        db_index=True,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # The optional picture at the top of the process page, re-encoded on upload
    # (participation.images): stored through default_storage, served by
    # spaces.views.header_image with safe headers.
    header_image = models.FileField(
        _("header image"), upload_to="processes/headers/", blank=True, max_length=200
    )
    header_image_alt = models.CharField(
        _("header image description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it."),
    )
    header_image_alt_en = models.CharField(
        _("header image description (English)"), max_length=200, blank=True
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-created_at"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("process", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == ProcessStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Published or archived: the same test as ``Process.objects.public()``."""
        return self.status != ProcessStatus.DRAFT

    def phase_at(self, when: datetime | None = None) -> Phase | None:
        """The phase running at ``when`` (uses prefetched phases when present)."""
        when = when or timezone.now()
        for phase in self.phases.all():
            if phase.starts_at <= when < phase.ends_at:
                return phase
        return None

    @property
    def opens_at(self) -> datetime | None:
        """When its first phase starts (uses prefetched phases when present)."""
        return min((p.starts_at for p in self.phases.all()), default=None)

    @property
    def closes_at(self) -> datetime | None:
        """When its last phase ends (uses prefetched phases when present)."""
        return max((p.ends_at for p in self.phases.all()), default=None)

    @property
    def current_phase(self) -> Phase | None:
        if not hasattr(self, "_current_phase"):
            self._current_phase = self.phase_at()
        return self._current_phase

    def remember_current_phase(self, phase: Phase | None) -> None:
        """Set the phase running now, read with another query
        (``spaces.selectors.running_phase_columns``)."""
        self._current_phase = phase


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    PROPOSALS = "proposals", _("Collecting proposals")
    SUPPORT = "support", _("Supporting and deliberation")
    RESPONSE = "response", _("Official responses")
    IMPLEMENTATION = "implementation", _("Implementation")


class Phase(models.Model):
    """A dated step of a process; it opens and closes actions."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    allows_proposing = models.BooleanField(_("residents may propose"), default=False)
    allows_supporting = models.BooleanField(_("residents may support"), default=False)
    allows_commenting = models.BooleanField(_("residents may comment"), default=False)

    class Meta:
        ordering = ["process", "starts_at"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        indexes = [models.Index(fields=["process", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                name="phase_ends_after_start",
                condition=models.Q(ends_at__gt=models.F("starts_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.title}"

    @property
    def is_current(self) -> bool:
        return self.starts_at <= timezone.now() < self.ends_at

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


def attachment_path(instance: ProcessAttachment, filename: str) -> str:
    """A name of our own: what was uploaded only says how it is presented."""
    return f"processes/attachments/{uuid.uuid4().hex}.pdf"


class ProcessAttachment(models.Model):
    """A document (a PDF plan) listed on a process page and downloaded from it."""

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("process"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    # The downloaded file's name (ASCII-safe), kept apart from the stored name.
    filename = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=60, default="application/pdf")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["process", "position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("spaces:attachment", args=[self.process.slug, self.pk])

    @property
    def kind_label(self) -> str:
        return "PDF"
