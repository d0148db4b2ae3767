"""Reads of processes, categories, areas and departments, shared by the API and
the apps' doors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.utils import timezone

from participation.accounts.types import Viewer
from participation.spaces.models import (
    Area,
    Category,
    Department,
    Phase,
    Process,
    ProcessAttachment,
    ProcessStatus,
)

_RUNNING = "_running_phase"
# What a running phase is read with (the rest of its fields load if asked for).
RUNNING_PHASE_FIELDS = (
    "id",
    "process_id",
    "kind",
    "starts_at",
    "ends_at",
    "allows_proposing",
    "allows_supporting",
    "allows_commenting",
)


def running_phase_columns(process_path: str, when: datetime) -> dict[str, Any]:
    """Annotations that read, in the query of another model, the phase running at
    ``when`` of the process at ``process_path`` (a LEFT JOIN: phases of a process
    never overlap, so it adds at most one row). Then ``attach_running_phase``."""
    phases = f"{process_path}__phases"
    running = FilteredRelation(
        phases,
        condition=Q(
            **{f"{phases}__starts_at__lte": when, f"{phases}__ends_at__gt": when}
        ),
    )
    columns: dict[str, Any] = {_RUNNING: running}
    for name in RUNNING_PHASE_FIELDS:
        columns[f"{_RUNNING}_{name}"] = F(f"{_RUNNING}__{name}")
    return columns


def attach_running_phase(process: Process, row: Any) -> None:
    """Make the phase that ``running_phase_columns`` read into ``row`` the
    process's current phase (``Process.current_phase``: no query asks again)."""
    values = [getattr(row, f"{_RUNNING}_{name}") for name in RUNNING_PHASE_FIELDS]
    phase = None
    if values[0] is not None:
        phase = Phase.from_db(row._state.db, list(RUNNING_PHASE_FIELDS), values)
    process.remember_current_phase(phase)


def public_processes() -> QuerySet[Process]:
    """Public processes with their phases, categories and areas (four queries)."""
    return Process.objects.public().prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        Prefetch("areas", queryset=Area.objects.order_by("name")),
    )


def public_process(slug: str, *, with_phases: bool = False) -> Process | None:
    """The public process with this slug, or None (one query; two with phases)."""
    qs = Process.objects.public().filter(slug=slug)
    if with_phases:
        qs = qs.prefetch_related("phases")
    return qs.first()


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def areas() -> QuerySet[Area]:
    return Area.objects.all()


def departments() -> QuerySet[Department]:
    return Department.objects.all()


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def area_by_slug(slug: str) -> Area | None:
    return Area.objects.filter(slug=slug).first()


def department_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def process_slugs(process_ids: Iterable[int]) -> list[str]:
    """The slugs of these processes, sorted (one query)."""
    return sorted(
        Process.objects.filter(pk__in=process_ids).values_list("slug", flat=True)
    )


def department_codes(department_ids: Iterable[int]) -> list[str]:
    """The codes of these departments, sorted (one query)."""
    return sorted(
        Department.objects.filter(pk__in=department_ids).values_list("code", flat=True)
    )


# --- setup (staff) and the preview ----------------------------------------------


def staff_processes() -> QuerySet[Process]:
    """Every process, newest first, with its phases (two queries whatever the
    number of processes)."""
    return Process.objects.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at"))
    )


def process_for_setup(pk: int) -> Process | None:
    """One process with what its setup form shows (phases, categories, areas,
    attachments)."""
    return (
        Process.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            "categories",
            "areas",
            "attachments",
        )
        .first()
    )


def visible_process(slug: str, viewer: Viewer) -> Process | None:
    """The process with this slug if ``viewer`` may open its page (one query)."""
    return Process.objects.visible_to(viewer).filter(slug=slug).first()


def process_attachments(process: Process) -> list[ProcessAttachment]:
    return list(process.attachments.all())


def setup_counts(now: datetime | None = None) -> dict[str, int]:
    """The setup panel's figures: drafts, open (published) processes, and phases of
    published processes ending within seven days (two queries)."""
    now = now or timezone.now()
    statuses = Process.objects.aggregate(
        drafts=Count("pk", filter=Q(status=ProcessStatus.DRAFT)),
        open=Count("pk", filter=Q(status=ProcessStatus.PUBLISHED)),
    )
    ending = Phase.objects.filter(
        process__status=ProcessStatus.PUBLISHED,
        ends_at__gte=now,
        ends_at__lt=now + timedelta(days=7),
    ).count()
    return {
        "drafts": statuses["drafts"],
        "open": statuses["open"],
        "phases_ending": ending,
    }
