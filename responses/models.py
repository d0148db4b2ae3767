"""The response tracker: how every proposal that reached its threshold was handled.

``TrackerEntry`` is one tracked proposal (department, deadline, the two status axes).
``Response`` is a department's published answer, possibly covering several similar
proposals; its text lives in append-only ``ResponseRevision`` rows. Progress updates,
outcome checks (confirm / dispute) and the answers to disputes are public records
too, and ``TrackerEvent`` is the dated public timeline every page, feed and JSON
document reads.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from participation.moderation.models import Hideable
from participation.text import RendersText
from responses import clock
from responses.transitions import (
    ACCEPTING,
    DECIDED,
    REVIEWABLE,
    Decision,
    Implementation,
)

REASON_MIN = 50
RESPONSE_MIN = 20
BODY_MAX = 20_000
CHANGE_NOTE_MIN = 10
PROGRESS_MIN = 10
PROGRESS_MAX = 5_000
DISPUTE_MIN = 20
COMMENT_MIN, COMMENT_MAX = 2, 5_000
REFERRED_TO_MAX = 200


def _days_between(start: datetime, end: datetime) -> int:
    """Calendar days from ``start`` to ``end``, as dates in the current zone."""
    return (timezone.localdate(end) - timezone.localdate(start)).days


def _values(choices: frozenset[str]) -> list[str]:
    return sorted(str(choice) for choice in choices)


class AppendOnlyError(Exception):
    """A public record of the tracker cannot be changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("This record is append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("This record is append-only.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("This record is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("This record is append-only.")


def department_label(department: Any) -> str:
    """A department's name in the reader's language (``name_en`` in English)."""
    if department is None:
        return ""
    if (get_language() or "ja").startswith("en") and department.name_en:
        return department.name_en
    return department.name


def section_label(section: Any) -> str:
    """A section's name in the reader's language (``name_en`` in English)."""
    if section is None:
        return ""
    if (get_language() or "ja").startswith("en") and section.name_en:
        return section.name_en
    return section.name


def place_label(department: Any, section: Any = None) -> str:
    """Where an entry is handled, as residents read it: "土木部 道路課" in
    Japanese, "Roads Section, Public Works" in English; the department alone
    without a section."""
    if department is None:
        return ""
    if section is None:
        return department_label(department)
    return str(_("%(section)s, %(department)s")) % {
        "section": section_label(section),
        "department": department_label(department),
    }


class EntryVia(models.TextChoices):
    THRESHOLD = "threshold", _("Reached its support threshold")
    FORWARDED = "forwarded", _("Forwarded by a facilitator")


class TrackerEntry(models.Model):
    """One proposal in the tracker: who handles it, what they decided, by when."""

    proposal = models.OneToOneField(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        related_name="tracker",
        verbose_name=_("proposal"),
    )
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.PROTECT,
        related_name="tracker_entries",
        verbose_name=_("process"),
    )
    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracker_entries",
        verbose_name=_("department"),
    )
    # The section (課) of the department that handles it, and the official who
    # took it (internal: the public sees the section and department only).
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracker_entries",
        verbose_name=_("section"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("official in charge"),
    )
    entered_at = models.DateTimeField(_("entered the tracker at"))
    entered_via = models.CharField(
        _("entered via"), max_length=20, choices=EntryVia.choices
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_due_at = models.DateTimeField(_("response due"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.AWAITING,
    )
    decision_changed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decided_at = models.DateTimeField(
        _("decided at"),
        null=True,
        blank=True,
        help_text=_("When the first decision was published."),
    )
    referred_to = models.CharField(
        _("referred to"), max_length=REFERRED_TO_MAX, blank=True
    )
    response = models.ForeignKey(
        "Response",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("response"),
    )
    implementation = models.CharField(
        _("implementation"),
        max_length=20,
        choices=Implementation.choices,
        default=Implementation.NONE,
        blank=True,
    )
    implementation_percent = models.PositiveSmallIntegerField(
        _("implementation progress (%)"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_round = models.PositiveSmallIntegerField(default=0)
    disputed_at = models.DateTimeField(
        _("disputed since"),
        null=True,
        blank=True,
        help_text=_("Set while a resident's dispute of the completion is unanswered."),
    )
    first_disputed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # A public date by which a decision of "under review", "not adopted" or
    # "referred" will be looked at again (as Loomio's review dates). From that local
    # date the tracker shows "review due" until the department posts an update.
    review_on = models.DateField(_("review date"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("latest update"))
    last_update_kind = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tracker entry")
        verbose_name_plural = _("tracker entries")
        ordering = ["response_due_at", "id"]
        indexes = [
            models.Index(fields=["decision", "response_due_at"]),
            models.Index(fields=["department", "decision"]),
            models.Index(fields=["section", "response_due_at"]),
            models.Index(fields=["assignee", "response_due_at"]),
            models.Index(fields=["process", "decision"]),
            models.Index(fields=["decided_at", "response_due_at"]),
            models.Index(fields=["entered_at"]),
            models.Index(fields=["implementation"]),
            models.Index(fields=["disputed_at"]),
            models.Index(fields=["-last_update_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="tracker_percent_0_100",
                condition=Q(implementation_percent__isnull=True)
                | Q(implementation_percent__gte=0, implementation_percent__lte=100),
            ),
            models.CheckConstraint(
                name="tracker_implementation_after_acceptance",
                condition=Q(implementation="") | Q(decision__in=_values(ACCEPTING)),
            ),
            models.CheckConstraint(
                name="tracker_section_needs_department",
                condition=Q(section__isnull=True) | Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="tracker_decision_has_response",
                condition=~Q(decision__in=_values(DECIDED)) | Q(response__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.proposal_id} {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.proposal_id]) + "#tracker"

    # --- Derived figures (no queries) ---------------------------------------------
    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    # Deadlines are instants (``response_due_at``), but people read them as dates:
    # "due 5 Aug" in the configured zone. Day counts are therefore differences of
    # local calendar dates (settings.TIME_ZONE), not elapsed 24-hour periods, and
    # "now" is the tracker's clock (``clock.frozen`` replays history).
    @property
    def is_overdue(self) -> bool:
        return self.decided_at is None and self.response_due_at < clock.now()

    @property
    def days_overdue(self) -> int:
        """Local calendar days since the due date (at least 1 once overdue)."""
        now = clock.now()
        if self.decided_at is not None or self.response_due_at >= now:
            return 0
        return max(1, _days_between(self.response_due_at, now))

    @property
    def days_left(self) -> int:
        """Whole local calendar days left to decide (0 on the last day)."""
        now = clock.now()
        if self.decided_at is not None or self.response_due_at < now:
            return 0
        return _days_between(now, self.response_due_at)

    @property
    def days_waiting(self) -> int:
        """Local calendar days since it entered the tracker (0 on that day)."""
        return max(0, _days_between(self.entered_at, clock.now()))

    @property
    def days_to_decision(self) -> int | None:
        if self.decided_at is None:
            return None
        seconds = (self.decided_at - self.entered_at).total_seconds()
        return max(0, math.ceil(seconds / 86400))

    @property
    def answered_on_time(self) -> bool | None:
        if self.decided_at is None:
            return None
        return self.decided_at <= self.response_due_at

    @property
    def is_disputed(self) -> bool:
        return self.disputed_at is not None

    @property
    def review_due(self) -> bool:
        """The review date has come (local date) and no update was posted since."""
        if self.review_on is None or self.decision not in REVIEWABLE:
            return False
        today = timezone.localdate(clock.now())
        return self.review_on <= today and (
            timezone.localdate(self.last_update_at) < self.review_on
        )

    @property
    def implementation_open(self) -> bool:
        return self.decision in ACCEPTING

    @property
    def last_update_label(self) -> str:
        return str(dict(EventKind.choices).get(self.last_update_kind, ""))

    @property
    def department_label(self) -> str:
        return department_label(self.department)

    @property
    def section_label(self) -> str:
        return section_label(self.section)

    @property
    def place_label(self) -> str:
        return place_label(self.department, self.section)


class Response(models.Model):
    """A department's published answer. One response may cover several proposals
    (like the 意見に対する考え方 published after a public comment period); each
    covered proposal still counts on its own on the scorecards."""

    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("department"),
    )
    current = models.ForeignKey(
        "ResponseRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current revision"),
    )
    revision_count = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(_("published at"))
    revised_at = models.DateTimeField(_("revised at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["department", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.department} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("responses:response", args=[self.pk])


class ResponseRevision(RendersText, AppendOnly):
    """One version of a response, never changed once written. Number 1 is the
    original publication; each revision says what changed and why."""

    RENDERED_TEXT = {"body": "body_html"}

    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    body = models.TextField(_("response"), max_length=BODY_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    referred_to = models.CharField(
        _("referred to"), max_length=REFERRED_TO_MAX, blank=True
    )
    change_note = models.CharField(
        _("what changed and why"), max_length=500, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("official"), max_length=100)
    department_name = models.CharField(max_length=120)
    department_name_en = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("published at"))
    # What the answer commits to, where relevant: a cost estimate (yen) and the
    # period of execution (both public with the answer).
    cost_estimate = models.PositiveBigIntegerField(
        _("cost estimate (yen)"), null=True, blank=True
    )
    period_start = models.DateField(_("execution from"), null=True, blank=True)
    period_end = models.DateField(_("execution until"), null=True, blank=True)
    # The public signature of an answer approved through a draft (決裁): the section
    # and its office contact, captured at publication. ``approved_by`` stays
    # internal (audit log); its name is public only with RESPONSE_SHOW_OFFICIAL_NAME.
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    section_name = models.CharField(max_length=120, blank=True)
    section_name_en = models.CharField(max_length=120, blank=True)
    section_phone = models.CharField(max_length=40, blank=True)
    section_email = models.EmailField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["response", "number"]
        verbose_name = _("response revision")
        verbose_name_plural = _("response revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "number"], name="responserevision_unique_number"
            ),
            models.CheckConstraint(
                name="responserevision_is_decision",
                condition=Q(decision__in=_values(DECIDED)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} r{self.number}"

    @property
    def department_label(self) -> str:
        if (get_language() or "ja").startswith("en") and self.department_name_en:
            return self.department_name_en
        return self.department_name

    @property
    def section_label(self) -> str:
        if (get_language() or "ja").startswith("en") and self.section_name_en:
            return self.section_name_en
        return self.section_name

    @property
    def was_approved(self) -> bool:
        return self.approved_by_id is not None

    @property
    def public_official_name(self) -> str:
        """The official's name as residents see it: an answer approved through a
        draft is signed by its section and department, and names the approving
        official only where the organisation chose so (RESPONSE_SHOW_OFFICIAL_NAME).
        Answers published directly (approval off) keep their author's name."""
        if self.approved_by_id is None:
            return self.author_name
        if getattr(settings, "RESPONSE_SHOW_OFFICIAL_NAME", False):
            return self.author_name
        return ""

    @property
    def has_commitment(self) -> bool:
        return bool(
            self.cost_estimate is not None or self.period_start or self.period_end
        )


class ProgressUpdate(RendersText, AppendOnly):
    """A dated step of implementation (進捗報告)."""

    RENDERED_TEXT = {"body": "body_html"}

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="progress_updates"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Implementation.choices
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    body = models.TextField(_("update"), max_length=PROGRESS_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    link = models.URLField(_("link"), max_length=500, blank=True)
    happened_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("official"), max_length=100)
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        ordering = ["entry", "happened_on", "created_at", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["entry", "happened_on"])]
        constraints = [
            models.CheckConstraint(
                name="progress_percent_0_100",
                condition=Q(percent__gte=0, percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.happened_on} {self.percent}%"


class ResponseRating(models.Model):
    """One resident's view of one response: clear or not, satisfied or not."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    clear = models.BooleanField(_("clear"))
    satisfied = models.BooleanField(_("satisfied"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("response rating")
        verbose_name_plural = _("response ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "user"], name="responserating_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.user_id}"


class ResponseCommentQuerySet(models.QuerySet["ResponseComment"]):
    def shown(self) -> ResponseCommentQuerySet:
        """Comments shown with their text: neither hidden nor deleted."""
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)


class ResponseComment(RendersText, Hideable):
    """A resident's comment on a published response."""

    RENDERED_TEXT = {"body": "body_html"}

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="comments"
    )
    # The proposal page it was written from (its process moderates it).
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment on a response")
        verbose_name_plural = _("comments on responses")
        indexes = [
            models.Index(fields=["response", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def get_absolute_url(self) -> str:
        return f"{self.response.get_absolute_url()}#response-comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed as done")
    DISPUTED = "disputed", _("Disputed")


class DisputeAnswer(RendersText, AppendOnly):
    """An official's public answer to disputes of a completed implementation."""

    RENDERED_TEXT = {"body": "body_html"}

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="dispute_answers"
    )
    body = models.TextField(_("answer"), max_length=BODY_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    reopened = models.BooleanField(_("implementation reopened"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("official"), max_length=100)
    department = models.ForeignKey(
        "spaces.Department", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["entry", "created_at", "id"]
        verbose_name = _("answer to a dispute")
        verbose_name_plural = _("answers to disputes")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.created_at:%Y-%m-%d}"


class OutcomeCheck(RendersText, models.Model):
    """The author or a supporter confirming or disputing a completed implementation.

    One per person per completion (``round``); changeable until answered."""

    RENDERED_TEXT = {"reason": "reason_html"}

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="outcome_checks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    round = models.PositiveSmallIntegerField()
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("reason"), max_length=PROGRESS_MAX, blank=True)
    reason_html = models.TextField(blank=True, default="", editable=False)
    answer = models.ForeignKey(
        DisputeAnswer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disputes",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "created_at", "id"]
        verbose_name = _("outcome check")
        verbose_name_plural = _("outcome checks")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "user", "round"], name="outcomecheck_one_per_round"
            )
        ]
        indexes = [models.Index(fields=["entry", "verdict"])]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.verdict} ({self.user_id})"


class ReminderSent(models.Model):
    """A reminder sent about an entry, once per (entry, kind, key): the key is the
    threshold ("7" days before the deadline), the completion round, the review date.
    Periodic jobs insert the row before they notify, so running twice sends once."""

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=40)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "key"], name="reminder_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.key}"


class EventKind(models.TextChoices):
    ENTERED = "entered", _("Entered the tracker")
    FORWARDED = "forwarded", _("Forwarded to the tracker")
    ASSIGNED = "assigned", _("Assigned")
    AUTO_ASSIGNED = "auto_assigned", _("Assigned automatically")
    REASSIGNED = "reassigned", _("Reassigned")
    CLAIMED = "claimed", _("Claimed by the department")
    STATUS = "status", _("Status changed")
    PUBLISHED = "published", _("Response published")
    REVISED = "revised", _("Response revised")
    PROGRESS = "progress", _("Progress update")
    STALLED = "stalled", _("Implementation stalled")
    COMPLETED = "completed", _("Implementation completed")
    CONFIRMED = "confirmed", _("Completion confirmed")
    DISPUTED = "disputed", _("Completion disputed")
    DISPUTE_ANSWERED = "dispute_answered", _("Dispute answered")


class TrackerEvent(AppendOnly):
    """One dated, public step in a tracked proposal's history."""

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    created_at = models.DateTimeField(db_index=True)
    actor_name = models.CharField(max_length=100, blank=True)
    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tracker event")
        verbose_name_plural = _("tracker events")
        indexes = [
            models.Index(fields=["entry", "created_at"]),
            models.Index(fields=["department", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.created_at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(self.get_kind_display())

    @property
    def summary(self) -> str:
        """One translated sentence describing the step, in the reader's language."""
        data = self.data or {}
        dept = department_label(self.department)
        decisions = dict(Decision.choices)
        implementations = dict(Implementation.choices)
        if self.kind == EventKind.ENTERED:
            return str(_("Reached its support threshold and entered the tracker."))
        if self.kind == EventKind.FORWARDED:
            return str(_("Forwarded to the tracker by %(name)s.")) % {
                "name": self.actor_name
            }
        where = place_label(self.department, self.section)
        if self.kind in (EventKind.ASSIGNED, EventKind.CLAIMED):
            return str(_("Assigned to %(department)s.")) % {"department": where}
        if self.kind == EventKind.AUTO_ASSIGNED:
            english = (get_language() or "ja").startswith("en")
            category = (data.get("category_name_en") if english else None) or data.get(
                "category_name", ""
            )
            return str(
                _(
                    "Assigned automatically to %(department)s by the routing rule "
                    "for “%(category)s”."
                )
            ) % {"department": where, "category": category}
        if self.kind == EventKind.REASSIGNED:
            return str(_("Reassigned from %(old)s to %(new)s.")) % {
                "old": place_label(self.previous_department, self.previous_section),
                "new": where,
            }
        if self.kind == EventKind.STATUS:
            return str(_("%(department)s: %(status)s.")) % {
                "department": dept,
                "status": decisions.get(data.get("to", ""), ""),
            }
        if self.kind == EventKind.PUBLISHED:
            return str(_("%(department)s decided: %(decision)s.")) % {
                "department": dept,
                "decision": decisions.get(data.get("decision", ""), ""),
            }
        if self.kind == EventKind.REVISED:
            if data.get("decision") != data.get("previous_decision"):
                return str(
                    _("%(department)s revised its response: %(old)s → %(new)s.")
                ) % {
                    "department": dept,
                    "old": decisions.get(data.get("previous_decision", ""), ""),
                    "new": decisions.get(data.get("decision", ""), ""),
                }
            return str(_("%(department)s revised its response (revision %(n)s).")) % {
                "department": dept,
                "n": data.get("number", ""),
            }
        if self.kind in (EventKind.PROGRESS, EventKind.STALLED, EventKind.COMPLETED):
            return str(_("%(status)s, %(percent)s%%.")) % {
                "status": implementations.get(data.get("status", ""), ""),
                "percent": data.get("percent", 0),
            }
        if self.kind == EventKind.CONFIRMED:
            return str(_("%(name)s confirmed the work is done.")) % {
                "name": self.actor_name
            }
        if self.kind == EventKind.DISPUTED:
            return str(_("%(name)s disputed that the work is done.")) % {
                "name": self.actor_name
            }
        if self.kind == EventKind.DISPUTE_ANSWERED:
            if data.get("reopened"):
                return str(
                    _("%(department)s answered the dispute and reopened the work.")
                ) % {"department": dept}
            return str(_("%(department)s answered the dispute.")) % {"department": dept}
        return self.label


class AssignmentRule(models.Model):
    """A line of the routing table: a proposal of ``category`` (in ``process``, or
    in any process when empty) that enters the tracker is assigned to ``section``
    and its department. A rule naming the process wins over one that does not."""

    category = models.ForeignKey(
        "spaces.Category",
        on_delete=models.CASCADE,
        related_name="assignment_rules",
        verbose_name=_("category"),
    )
    process = models.ForeignKey(
        "spaces.Process",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignment_rules",
        verbose_name=_("process"),
        help_text=_("Leave empty for every process."),
    )
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.PROTECT,
        related_name="assignment_rules",
        verbose_name=_("section"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category__name", "process__slug", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "process"],
                condition=Q(process__isnull=False),
                name="assignmentrule_unique_process",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(process__isnull=True),
                name="assignmentrule_unique_any_process",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.section}"


class InternalNote(RendersText, AppendOnly):
    """An official's note on a tracked proposal, for its department and the
    administrators only: never on a public page, in the API, search, feeds, open
    data or e-mails (``responses.staff.rules.note_view_refusal`` says who reads)."""

    RENDERED_TEXT = {"body": "body_html"}

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="internal_notes"
    )
    body = models.TextField(_("note"), max_length=PROGRESS_MAX)
    body_html = models.TextField(blank=True, default="", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(_("official"), max_length=100)
    # The department handling the entry when the note was written.
    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["entry", "created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["entry", "created_at"])]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.author_name}"


# --- Drafts (決裁) and the department's answer templates -------------------------
# Internal records: no public page, API, feed, export, search document, e-mail to
# residents or websocket ever reads them (tests/responses/test_drafts_privacy.py).
DRAFT_TITLE_MAX = 120
RETURN_COMMENT_MIN, RETURN_COMMENT_MAX = 5, 2_000
COST_MAX = 10**13  # ten trillion yen: more than any prefecture's budget


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved and published")


OPEN_DRAFT = (DraftStatus.DRAFT, DraftStatus.SUBMITTED, DraftStatus.RETURNED)


class ResponseDraft(models.Model):
    """An official's draft answer (or revision) to a tracked proposal, written by
    the assigned department and published once an approver of its section approves
    it (or directly, where the department's approval is off). One open draft per
    entry, shared by the department's officials; ``version`` refuses stale saves."""

    entry = models.ForeignKey(
        TrackerEntry, on_delete=models.CASCADE, related_name="drafts"
    )
    department = models.ForeignKey(
        "spaces.Department", on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(
        "spaces.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DraftStatus.choices,
        default=DraftStatus.DRAFT,
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, blank=True
    )
    body = models.TextField(_("response and reasons"), max_length=BODY_MAX, blank=True)
    referred_to = models.CharField(
        _("referred to"), max_length=REFERRED_TO_MAX, blank=True
    )
    change_note = models.CharField(
        _("what changed and why"), max_length=500, blank=True
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    cost_estimate = models.PositiveBigIntegerField(
        _("cost estimate (yen)"), null=True, blank=True
    )
    period_start = models.DateField(_("execution from"), null=True, blank=True)
    period_end = models.DateField(_("execution until"), null=True, blank=True)
    # Other proposals the same answer covers (a grouped answer, first publication).
    also = models.ManyToManyField(TrackerEntry, blank=True, related_name="+")
    # The revision a draft of a revision was written against (None: first answer).
    base_revision = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(
        _("comment for the author"), max_length=RETURN_COMMENT_MAX, blank=True
    )
    revision = models.ForeignKey(
        ResponseRevision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("draft response")
        verbose_name_plural = _("draft responses")
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=~Q(status="approved"),
                name="responsedraft_one_open_per_entry",
            ),
            models.CheckConstraint(
                name="responsedraft_period_in_order",
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.status}) for {self.entry_id}"

    def get_absolute_url(self) -> str:
        return reverse("drafts:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != DraftStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (DraftStatus.DRAFT, DraftStatus.RETURNED)

    @property
    def is_revision(self) -> bool:
        return self.base_revision is not None


class AnswerTemplate(models.Model):
    """A department's reusable answer text ("Use a template" fills a draft)."""

    department = models.ForeignKey(
        "spaces.Department",
        on_delete=models.CASCADE,
        related_name="answer_templates",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=DRAFT_TITLE_MAX)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, blank=True
    )
    body = models.TextField(_("text"), max_length=BODY_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["department", "title", "id"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="answertemplate_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title
