"""Reads of processes, categories, areas and departments, shared by the API and
the apps' doors."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from participation.spaces.models import (
    Area,
    Category,
    Department,
    Phase,
    Process,
)


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
