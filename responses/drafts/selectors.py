"""Reads of drafts and templates for the staff pages and the dashboard panel: a
fixed number of queries each, whatever the number of drafts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.spaces.models import Department, Section
from responses.models import (
    OPEN_DRAFT,
    AnswerTemplate,
    DraftStatus,
    ResponseDraft,
    TrackerEntry,
)
from responses.transitions import ACCEPTING, Implementation


def _related(qs: QuerySet[ResponseDraft]) -> QuerySet[ResponseDraft]:
    return qs.select_related(
        "entry__proposal",
        "entry__process",
        "department",
        "section",
        "author",
        "last_edited_by",
        "submitted_by",
    )


def approvable(user: Viewer) -> Q:
    """The drafts ``user`` approves for (their own excluded), as a filter."""
    standing = standing_of(user)
    person = getattr(user, "pk", None)
    if not standing.is_authenticated or person is None:
        return Q(pk__in=[])
    through_sections = Section.objects.filter(
        pk__in=standing.approver_section_ids
    ).values("department_id")
    scope = Q(department_id__in=standing.approver_department_ids) | Q(
        section_id__in=standing.approver_section_ids
    )
    if standing.approver_section_ids:
        scope |= Q(section__isnull=True, department_id__in=through_sections)
    return scope & ~Q(author_id=person) & ~Q(submitted_by_id=person)


def _department_scope(user: Viewer) -> Q:
    standing = standing_of(user)
    if standing.is_admin_role:
        return Q()
    return Q(department_id__in=standing.department_ids)


def open_drafts(user: Viewer) -> list[ResponseDraft]:
    """The open drafts of the person's departments (every one for admins)."""
    if not standing_of(user).is_authenticated:
        return []
    return list(
        _related(
            ResponseDraft.objects.filter(_department_scope(user), status__in=OPEN_DRAFT)
        ).order_by("-updated_at", "-pk")[:300]
    )


def awaiting_approval(user: Viewer) -> list[ResponseDraft]:
    return list(
        _related(
            ResponseDraft.objects.filter(approvable(user), status=DraftStatus.SUBMITTED)
        ).order_by("submitted_at", "pk")[:300]
    )


def draft_counts(user: Viewer) -> dict[str, int]:
    """My drafts, returned to me, awaiting my approval: one query."""
    person = getattr(user, "pk", None)
    if person is None:
        return {"mine": 0, "returned": 0, "waiting": 0}
    waiting = approvable(user) & Q(status=DraftStatus.SUBMITTED)
    row = ResponseDraft.objects.filter(
        Q(author_id=person, status__in=OPEN_DRAFT) | waiting
    ).aggregate(
        mine=Count("pk", filter=Q(author_id=person, status=DraftStatus.DRAFT)),
        returned=Count("pk", filter=Q(author_id=person, status=DraftStatus.RETURNED)),
        waiting=Count("pk", filter=waiting),
    )
    return {key: int(value or 0) for key, value in row.items()}


def draft_of(pk: int) -> ResponseDraft | None:
    return (
        _related(ResponseDraft.objects.filter(pk=pk))
        .select_related("entry__department", "entry__response__current", "revision")
        .prefetch_related("also__proposal")
        .first()
    )


def templates_for(user: Viewer) -> list[AnswerTemplate]:
    """The answer templates of the person's departments (all for admins)."""
    return list(
        AnswerTemplate.objects.filter(_department_scope(user))
        .select_related("department", "updated_by")
        .order_by("department__code", "title", "pk")
    )


def templates_of(department_id: int | None) -> list[AnswerTemplate]:
    if department_id is None:
        return []
    return list(
        AnswerTemplate.objects.filter(department_id=department_id).order_by(
            "title", "pk"
        )
    )


def departments_for(user: Viewer) -> QuerySet[Department]:
    standing = standing_of(user)
    if standing.is_admin_role:
        return Department.objects.order_by("code")
    return Department.objects.filter(pk__in=standing.department_ids).order_by("code")


def open_implementations(user: Viewer) -> list[TrackerEntry]:
    """Accepted proposals of the person's departments still being implemented,
    grouped by the response that answered them (one project per answer)."""
    if not standing_of(user).is_authenticated:
        return []
    return list(
        TrackerEntry.objects.filter(
            _department_scope(user),
            decision__in=sorted(ACCEPTING),
            proposal__hidden_at__isnull=True,
        )
        .exclude(implementation=Implementation.COMPLETED)
        .select_related("proposal", "department", "response__current")
        .order_by("department__code", "response_id", "pk")[:300]
    )


def candidates_for(draft: ResponseDraft) -> list[TrackerEntry]:
    """Other unanswered proposals of the draft's department it could cover."""
    if draft.is_revision:
        return []
    return list(
        TrackerEntry.objects.filter(
            department_id=draft.department_id,
            response__isnull=True,
            proposal__hidden_at__isnull=True,
        )
        .exclude(pk=draft.entry_id)
        .select_related("proposal")
        .order_by("process_id", "-proposal__support_count", "pk")[:100]
    )


def as_dict(draft: ResponseDraft) -> dict[str, Any]:
    return {"pk": draft.pk, "version": draft.version, "status": draft.status}
