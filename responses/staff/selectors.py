"""Reads of the officials' pages: the queue, its counts (also the dashboard's),
the routing table and internal notes. Each runs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, User
from participation.accounts.types import Viewer, signed_in
from participation.spaces.models import Category, Department, Process, Section
from responses.models import AssignmentRule, InternalNote, TrackerEntry
from responses.staff.scope import Scope, scope_of
from responses.transitions import Implementation

#: Days ahead that count as "due this week".
DUE_SOON_DAYS = 7

#: The queue's status filter: "open" (default) is everything still needing work.
OPEN, PENDING, OVERDUE, DECIDED, DISPUTED, ALL = (
    "open",
    "pending",
    "overdue",
    "decided",
    "disputed",
    "all",
)
STATUSES = (OPEN, PENDING, OVERDUE, DECIDED, DISPUTED, ALL)
#: Who handles it: anyone, me, nobody in the section yet, or no department at all.
MINE, UNASSIGNED, UNROUTED = "me", "unassigned", "unrouted"
ASSIGNMENTS = ("", MINE, UNASSIGNED, UNROUTED)


@dataclass(frozen=True)
class QueueFilters:
    status: str = OPEN
    process: str = ""
    category: str = ""
    assignment: str = ""


def _open_q() -> Q:
    working = [
        Implementation.NOT_STARTED,
        Implementation.IN_PROGRESS,
        Implementation.STALLED,
    ]
    return (
        Q(decided_at__isnull=True)
        | Q(implementation__in=working)
        | Q(disputed_at__isnull=False)
    )


def _scoped(scope: Scope, assignment: str) -> QuerySet[TrackerEntry]:
    visible = TrackerEntry.objects.filter(proposal__hidden_at__isnull=True)
    if assignment == UNROUTED:
        # Not assigned to any department: any official may claim it.
        return visible.filter(department__isnull=True)
    return visible.filter(scope.q())


def queue_entries(
    user: Viewer, filters: QueueFilters, *, now: datetime | None = None
) -> QuerySet[TrackerEntry]:
    """The official's queue: overdue first, then by due date, then the rest by
    due date. One query per page (plus the paginator's count)."""
    now = now or timezone.now()
    scope = scope_of(user)
    qs = _scoped(scope, filters.assignment).select_related(
        "proposal",
        "proposal__category",
        "process",
        "department",
        "section",
        "assignee",
    )
    person = signed_in(user)
    if filters.assignment == MINE:
        qs = qs.filter(assignee_id=person.pk if person else None)
    elif filters.assignment == UNASSIGNED:
        qs = qs.filter(assignee__isnull=True)
    if filters.status == OPEN:
        qs = qs.filter(_open_q())
    elif filters.status == PENDING:
        qs = qs.filter(decided_at__isnull=True)
    elif filters.status == OVERDUE:
        qs = qs.filter(decided_at__isnull=True, response_due_at__lt=now)
    elif filters.status == DECIDED:
        qs = qs.filter(decided_at__isnull=False)
    elif filters.status == DISPUTED:
        qs = qs.filter(disputed_at__isnull=False)
    if filters.process:
        qs = qs.filter(process__slug=filters.process)
    if filters.category:
        qs = qs.filter(proposal__category__slug=filters.category)
    bucket = Case(
        When(decided_at__isnull=True, response_due_at__lt=now, then=Value(0)),
        When(decided_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(_bucket=bucket).order_by("_bucket", "response_due_at", "pk")


# --- Counts: the queue's header and the dashboard panel -----------------------------
@dataclass(frozen=True)
class QueueCount:
    key: str
    label: Any
    value: int
    query: str  # the queue's filters showing these items
    urgent: bool = False


def _base_counts(user: Viewer, now: datetime) -> list[QueueCount]:
    """Overdue, due this week, nobody in charge yet, mine: one aggregate query."""
    scope = scope_of(user)
    person = signed_in(user)
    pending = Q(decided_at__isnull=True)
    soon = now + timedelta(days=DUE_SOON_DAYS)
    row = (
        TrackerEntry.objects.filter(proposal__hidden_at__isnull=True)
        .filter(scope.q())
        .aggregate(
            overdue=Count("pk", filter=pending & Q(response_due_at__lt=now)),
            due_soon=Count(
                "pk",
                filter=pending & Q(response_due_at__gte=now, response_due_at__lt=soon),
            ),
            unassigned=Count("pk", filter=pending & Q(assignee__isnull=True)),
            mine=Count(
                "pk",
                filter=_open_q() & Q(assignee_id=person.pk if person else None),
            ),
        )
    )
    return [
        QueueCount("overdue", _("Overdue"), row["overdue"], "status=overdue", True),
        QueueCount(
            "due_soon", _("Due this week"), row["due_soon"], "status=pending", True
        ),
        QueueCount(
            "unassigned",
            _("Nobody in charge yet"),
            row["unassigned"],
            "status=pending&assignment=unassigned",
        ),
        QueueCount("mine", _("Assigned to me"), row["mine"], "assignment=me"),
    ]


#: Functions ``f(user, now) -> list[QueueCount]`` adding counts to the queue's
#: header and the "Official work" panel (drafts awaiting my approval, …). Each
#: must run a fixed number of queries.
COUNT_PROVIDERS: list[Callable[[Viewer, datetime], list[QueueCount]]] = [_base_counts]


def register_count(provider: Callable[[Viewer, datetime], list[QueueCount]]) -> None:
    """Add counts to the official's work (call from an ``AppConfig.ready()``)."""
    if provider not in COUNT_PROVIDERS:
        COUNT_PROVIDERS.append(provider)


def official_counts(user: Viewer, *, now: datetime | None = None) -> list[QueueCount]:
    """Every registered count, urgent ones first (stable order otherwise)."""
    now = now or timezone.now()
    counts = [count for provider in COUNT_PROVIDERS for count in provider(user, now)]
    return sorted(counts, key=lambda count: not count.urgent)


# --- Filter and form choices --------------------------------------------------------
@dataclass
class QueueChoices:
    processes: list[Process]
    categories: list[Category]


def queue_choices() -> QueueChoices:
    """Options of the queue's filters: two small queries."""
    return QueueChoices(
        processes=list(
            Process.objects.exclude(status="draft").only(
                "slug", "title", "title_en", "position", "created_at"
            )
        ),
        categories=list(Category.objects.only("slug", "name", "name_en")),
    )


def sections_by_department() -> list[Section]:
    """Every section with its department, for the reassignment form (one query)."""
    return list(
        Section.objects.select_related("department").order_by(
            "department__code", "position", "code"
        )
    )


def officials_queryset(department_id: int | None) -> QuerySet[User]:
    """Active officials of a department, by name (for the reassignment form)."""
    if department_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            grants__role=Role.OFFICIAL,
            grants__department_id=department_id,
            is_active=True,
        )
        .distinct()
        .order_by("real_name", "pk")
    )


def routing_rules() -> list[AssignmentRule]:
    """The routing table, by category then process (one query)."""
    return list(
        AssignmentRule.objects.select_related(
            "category", "process", "section", "section__department"
        ).order_by("category__name", "category__slug", "process__slug", "pk")
    )


def departments() -> list[Department]:
    return list(Department.objects.order_by("code"))


def internal_notes(entry: TrackerEntry) -> list[InternalNote]:
    """An entry's internal notes, oldest first (one query). Callers check
    ``note_view_refusal`` first: nothing else reads this table."""
    return list(InternalNote.objects.filter(entry=entry).order_by("created_at", "id"))
