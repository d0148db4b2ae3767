"""Reads of verification: requirements of a process, a person's verifications,
the staff lists and the dashboard's counts (fixed numbers of queries)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from participation.accounts.types import Actor
from participation.verification.models import (
    Action,
    Code,
    CodeAttempt,
    CodeBatch,
    Outcome,
    Requirement,
    Verification,
)

_CACHE_ATTR = "_verification_requirements"
# Levels read with another query, for some actions only: {action: level (0: none)}.
_KNOWN_ATTR = "_verification_levels_known"


def requirements_of(process: Any) -> dict[str, int]:
    """``{action: level}`` of a process: one query, then cached on the object."""
    cached = getattr(process, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(
            Requirement.objects.filter(process_id=process.pk).values_list(
                "action", "level"
            )
        )
        setattr(process, _CACHE_ATTR, cached)
    return cached


def forget_requirements(process: Any) -> None:
    for attr in (_CACHE_ATTR, _KNOWN_ATTR):
        if hasattr(process, attr):
            delattr(process, attr)


def required_level(process: Any, action: str) -> int:
    """The level a process asks for ``action`` (its own requirement or the one for
    every action, whichever is higher; 0: none): from what ``level_columns`` read
    with the process when it did, else from ``requirements_of``."""
    known = getattr(process, _KNOWN_ATTR, None)
    if known is not None and action in known and Action.ALL in known:
        return max(known[Action.ALL], known[action])
    needed = requirements_of(process)
    return max(needed.get(Action.ALL, 0), needed.get(action, 0))


def _level_alias(action: str) -> str:
    return f"_verification_level_{action}"


def level_columns(process_path: str, action: str) -> dict[str, Any]:
    """Annotations that read, in the query of another model, the requirements of
    the process at ``process_path`` for ``action`` and for every action (two LEFT
    JOINs, each at most one row: one requirement per process and action). Then
    ``attach_levels``."""
    requirements = f"{process_path}__verification_requirements"
    columns: dict[str, Any] = {}
    for each in dict.fromkeys((action, Action.ALL)):
        alias = _level_alias(each)
        columns[f"{alias}_rel"] = FilteredRelation(
            requirements, condition=Q(**{f"{requirements}__action": each})
        )
        columns[alias] = F(f"{alias}_rel__level")
    return columns


def attach_levels(process: Any, row: Any, action: str) -> None:
    """Keep on ``process`` the levels ``level_columns(..., action)`` read into
    ``row`` (``required_level`` answers from them for that action only)."""
    known = dict(getattr(process, _KNOWN_ATTR, None) or {})
    for each in (action, Action.ALL):
        known[each] = int(getattr(row, _level_alias(each)) or 0)
    setattr(process, _KNOWN_ATTR, known)


def requirements() -> QuerySet[Requirement]:
    return Requirement.objects.select_related("process", "updated_by").order_by(
        "process__position", "process__id", "action"
    )


def verifications_of(user: Actor) -> list[Verification]:
    """The person's own verifications, active first: one query."""
    return list(
        Verification.objects.filter(user_id=user.pk)
        .select_related("area")
        .order_by("revoked_at", "-verified_at")
    )


def records(*, query: str = "") -> QuerySet[Verification]:
    """What staff see of verifications: the resident, method, level, when, who
    issued the code. Never the identity hash (not even selected)."""
    qs = Verification.objects.select_related(
        "user", "area", "revoked_by", "code__batch__issued_by"
    ).defer("identity_hash")
    if query:
        qs = qs.filter(Q(user__real_name__icontains=query))
    return qs.order_by("-verified_at", "-id")


def record(pk: int) -> Verification | None:
    return records().filter(pk=pk).first()


def batches() -> QuerySet[CodeBatch]:
    return (
        CodeBatch.objects.select_related("issued_by", "area")
        .annotate(used=Count("codes", filter=Q(codes__used_at__isnull=False)))
        .order_by("-issued_at", "-id")
    )


def failures_since(user: Actor, since: Any) -> list[Any]:
    """Times of the person's failed code entries since ``since``, newest first."""
    return list(
        CodeAttempt.objects.filter(user_id=user.pk, at__gte=since)
        .exclude(outcome=Outcome.OK)
        .order_by("-at")
        .values_list("at", flat=True)
    )


def panel_counts(now: Any = None) -> dict[str, int]:
    """Codes issued, unused and still valid, residents verified in the last
    seven days: two queries."""
    now = now or timezone.now()
    codes = Code.objects.aggregate(
        issued=Count("pk"),
        unused=Count("pk", filter=Q(used_at__isnull=True, batch__expires_at__gt=now)),
    )
    week = Verification.objects.filter(
        verified_at__gte=now - timedelta(days=7), revoked_at__isnull=True
    ).count()
    return {"issued": codes["issued"], "unused": codes["unused"], "week": week}
