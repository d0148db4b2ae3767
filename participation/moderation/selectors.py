"""Reads for the moderation queue, the public log, notes and blocks, with query
counts that do not grow with the number of rows shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from participation.accounts.types import Viewer
from participation.moderation import registry, rules, services
from participation.moderation.models import (
    ActionKind,
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    reason_label,
)
from participation.spaces.models import Process

DETAILS_PER_ITEM = 5
HISTORY_PER_ITEM = 10

Key = tuple[int, int]


def content_type_for(word: str) -> ContentType | None:
    """The content type of ``"proposal"``, ``"comment"`` … (cached by Django)."""
    kind = registry.by_word(word)
    if kind is None:
        return None
    return ContentType.objects.get_for_model(apps.get_model(kind.label))


def target_for(word: str, pk: int) -> Any:
    """Load a proposal, a comment … with what its pages and checks need; raises
    ``LookupError`` when there is no such content."""
    kind = registry.by_word(word)
    if kind is None:
        raise LookupError(word)
    model = apps.get_model(kind.label)
    obj = model._default_manager.select_related(*kind.related).filter(pk=pk).first()
    if obj is None:
        raise LookupError(word)
    return obj


def process_by_slug(slug: str) -> Process:
    return Process.objects.public().get(slug=slug)


# --- the queue ------------------------------------------------------------------


@dataclass
class QueueItem:
    content_type_id: int
    object_id: int
    process_id: int
    open_count: int
    latest: datetime
    target: Any = None
    kind: str = ""
    kind_label: str = ""
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    history: list[ModerationAction] = field(default_factory=list)
    author_hides: int = 0
    author_blocked: bool = False
    author_blocked_until: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.object_id}"


def queue_groups(
    *, process: Process | None = None, kind: str = "", reason: str = ""
) -> QuerySet[Report, dict[str, Any]]:
    """Reported content with open reports, one row per target, most reported first
    (one aggregate query; paginate it)."""
    qs = Report.objects.filter(status=ReportStatus.OPEN)
    if process is not None:
        qs = qs.filter(process=process)
    if kind:
        ct = content_type_for(kind)
        qs = qs.filter(content_type=ct) if ct is not None else qs.none()
    groups = qs.values("content_type_id", "object_id", "process_id").annotate(
        open_count=Count("id"), latest=Max("created_at")
    )
    if reason in ReportReason.values:
        groups = groups.annotate(
            reason_hits=Count("id", filter=Q(reason=reason))
        ).filter(reason_hits__gt=0)
    return groups.order_by("-open_count", "-latest", "object_id")


def _pairs_q(keys: list[Key], prefix: str = "") -> Q:
    by_ct: dict[int, list[int]] = defaultdict(list)
    for ct_id, obj_id in keys:
        by_ct[ct_id].append(obj_id)
    condition = Q(pk__in=[])
    for ct_id, ids in by_ct.items():
        condition |= Q(
            **{f"{prefix}content_type_id": ct_id, f"{prefix}object_id__in": ids}
        )
    return condition


def queue_items(groups: list[dict[str, Any]]) -> list[QueueItem]:
    """Everything a page of the queue shows, in a fixed number of queries: targets
    (one per kind of content), reason counts, report details, the targets' history,
    and their authors' earlier hides and blocks."""
    items = [
        QueueItem(
            content_type_id=row["content_type_id"],
            object_id=row["object_id"],
            process_id=row["process_id"],
            open_count=row["open_count"],
            latest=row["latest"],
        )
        for row in groups
    ]
    if not items:
        return items
    keys = [(i.content_type_id, i.object_id) for i in items]
    index = {(i.content_type_id, i.object_id): i for i in items}
    where = _pairs_q(keys)

    by_ct: dict[int, list[int]] = defaultdict(list)
    for ct_id, obj_id in keys:
        by_ct[ct_id].append(obj_id)
    for ct_id, ids in sorted(by_ct.items()):
        ct = ContentType.objects.get_for_id(ct_id)
        model = ct.model_class()
        kind = registry.by_label(f"{ct.app_label}.{ct.model}")
        if model is None or kind is None:
            continue
        for obj in model._default_manager.select_related(*kind.related).filter(
            pk__in=ids
        ):
            item = index[(ct_id, obj.pk)]
            item.target = obj
            item.kind = kind.word
            item.kind_label = str(model._meta.verbose_name)

    open_reports = Report.objects.filter(where, status=ReportStatus.OPEN)
    for row in (
        open_reports.values("content_type_id", "object_id", "reason")
        .annotate(n=Count("id"))
        .order_by("content_type_id", "object_id", "-n", "reason")
    ):
        index[(row["content_type_id"], row["object_id"])].reasons.append(
            (row["reason"], reason_label(row["reason"]), row["n"])
        )
    # The latest few written explanations per target; never the reporters' names.
    details = (
        open_reports.exclude(details="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("content_type_id"), F("object_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=DETAILS_PER_ITEM)
        .values("content_type_id", "object_id", "reason", "details", "created_at")
        .order_by("content_type_id", "object_id", "-created_at")
    )
    for row in details:
        index[(row["content_type_id"], row["object_id"])].details.append(
            {**row, "reason_label": reason_label(row["reason"])}
        )
    history = (
        ModerationAction.objects.filter(where)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("content_type_id"), F("object_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=HISTORY_PER_ITEM)
        .order_by("-created_at", "-id")
    )
    for action in history:
        key = (action.content_type_id or 0, action.object_id or 0)
        if key in index:
            index[key].history.append(action)

    author_ids = {i.target.author_id for i in items if i.target is not None}
    if author_ids:
        hides = dict(
            ModerationAction.objects.filter(
                subject_user_id__in=author_ids, kind=ActionKind.HIDE
            )
            .values("subject_user_id")
            .annotate(n=Count("id"))
            .values_list("subject_user_id", "n")
        )
        blocks: dict[int, tuple[bool, datetime | None]] = {}
        for user_id, ends_at in (
            active_blocks_query()
            .filter(user_id__in=author_ids)
            .order_by("user_id", F("ends_at").desc(nulls_first=True))
            .values_list("user_id", "ends_at")
        ):
            blocks.setdefault(user_id, (True, ends_at))
        for item in items:
            if item.target is None:
                continue
            author_id = item.target.author_id
            item.author_hides = hides.get(author_id, 0)
            item.author_blocked, item.author_blocked_until = blocks.get(
                author_id, (False, None)
            )
    return items


# --- blocks ---------------------------------------------------------------------


def active_blocks_query(now: datetime | None = None) -> QuerySet[Block]:
    now = now or timezone.now()
    return Block.objects.filter(lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def active_blocks(*, process: Process | None = None) -> QuerySet[Block]:
    """Blocks in force: those made in ``process``, or all of them."""
    qs = active_blocks_query().select_related("user", "created_by", "process")
    if process is not None:
        qs = qs.filter(process=process)
    return qs.order_by("-starts_at", "-id")


# --- the public log ---------------------------------------------------------------


def public_log(process: Process, *, kind: str = "") -> QuerySet[ModerationAction]:
    """The public moderation log of a process, newest first. Its rows carry names,
    reasons and links only: no hidden text, no reporters."""
    qs = ModerationAction.objects.filter(process=process)
    if kind in ActionKind.values:
        qs = qs.filter(kind=kind)
    return qs.select_related("content_type").order_by("-created_at", "-id")


# --- what the proposal page needs -----------------------------------------------------


def pinned_notes(proposal: Any) -> dict[Key, FacilitatorNote]:
    """Pinned notes on a proposal and on its comment threads, keyed by (content
    type id, object id): one query per page, cached on the proposal object."""
    cached = getattr(proposal, "_moderation_notes", None)
    if cached is None:
        cached = {
            (note.content_type_id, note.object_id): note
            for note in FacilitatorNote.objects.filter(
                proposal_pk=proposal.pk, removed_at__isnull=True
            ).select_related("author")
        }
        proposal._moderation_notes = cached
    return cached


def reported_keys(user: Viewer, proposal: Any) -> set[Key]:
    """What ``user`` has reported on a proposal page (the proposal and its
    comments): one query per page, cached on the proposal object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    attr = f"_moderation_reported_{user.pk}"
    cached = getattr(proposal, attr, None)
    if cached is None:
        cached = set(
            Report.objects.filter(
                reporter_id=user.pk, proposal_pk=proposal.pk
            ).values_list("content_type_id", "object_id")
        )
        setattr(proposal, attr, cached)
    return cached


@dataclass(frozen=True)
class Tools:
    """What the viewer may do with one piece of content on a proposal page."""

    kind: str
    pk: int
    can_moderate: bool
    can_report: bool
    already_reported: bool
    note: FacilitatorNote | None


class PageTools:
    """The moderation tools of the content on one proposal page for one viewer:
    ``PageTools(user, proposal, capabilities)(target)`` for the proposal and each
    of its comments. Permission is judged on ``proposal`` for comments (same
    process), so a page of comments costs no query per comment; the viewer's
    reports and the pinned notes are loaded once per page (and cached on the
    proposal object). ``capabilities`` (a page's ``can_moderate``, ``can_report``
    and ``viewer_id``, judged once per page) spares the rules for every comment of
    a long thread: what is left are comparisons on the comment itself (the same as
    ``rules.report_refusal``'s)."""

    def __init__(self, user: Viewer, proposal: Any, capabilities: Any = None) -> None:
        self.user = user
        self.proposal = proposal
        self.capabilities = capabilities
        self.reported = reported_keys(user, proposal)
        self.notes = pinned_notes(proposal)
        self._kinds: dict[type, tuple[str, int]] = {}

    def _kind(self, target: Any) -> tuple[str, int]:
        model = type(target)
        known = self._kinds.get(model)
        if known is None:
            known = (
                services.kind_of(target),
                ContentType.objects.get_for_model(target).pk,
            )
            self._kinds[model] = known
        return known

    def __call__(self, target: Any) -> Tools:
        kind, type_id = self._kind(target)
        key = (type_id, target.pk)
        reported = key in self.reported
        caps = self.capabilities
        if caps:
            can_moderate = bool(caps.can_moderate)
            may_report = bool(
                caps.can_report
                and getattr(target, "author_id", None) != caps.viewer_id
                and getattr(target, "deleted_at", None) is None
                and not getattr(target, "is_hidden", False)
            )
        else:
            can_moderate = rules.moderate_refusal(self.user, self.proposal) is None
            may_report = rules.report_refusal(self.user, target) is None
        return Tools(
            kind=kind,
            pk=target.pk,
            can_moderate=can_moderate,
            can_report=not reported and may_report,
            already_reported=reported,
            note=self.notes.get(key),
        )


def tools_for(
    user: Viewer, target: Any, proposal: Any, capabilities: Any = None
) -> Tools:
    """The moderation tools of one piece of content (see :class:`PageTools`)."""
    return PageTools(user, proposal, capabilities)(target)
