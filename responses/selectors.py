"""Reads of the response tracker, shared by pages, feeds, exports and the API.

Query counts are fixed here: list pages select what rows show in one query,
scorecards aggregate in the database (one grouped query for every department,
percentiles by ``percentile_cont`` on PostgreSQL or from one ordered list of
durations on SQLite).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import NotSupportedError, connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.accounts.types import Viewer, signed_in
from participation.spaces.models import Area, Category, Department, Process
from proposals.models import Proposal
from responses.diff import render_diff
from responses.models import (
    DisputeAnswer,
    EventKind,
    OutcomeCheck,
    ProgressUpdate,
    Response,
    ResponseComment,
    ResponseRating,
    ResponseRevision,
    TrackerEntry,
    TrackerEvent,
    Verdict,
    department_label,
)
from responses.projection import entry_fields
from responses.transitions import ACCEPTING, REVIEWABLE, Decision, Implementation

SORTS = ("due", "age", "newest", "supports", "updated")
DAY_BUCKETS = ((0, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, None))


# --- Database expressions -------------------------------------------------------------
class DaysBetween(Func):
    """Fractional days from ``start`` to ``end`` (NULL when either is NULL)."""

    output_field = FloatField()

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, tuple]:
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return start_sql, end_sql, (*end_params, *start_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end, params = self._parts(compiler, connection)
        return f"(julianday({end}) - julianday({start}))", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end, params = self._parts(compiler, connection)
        return (
            f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision) "
            "/ 86400.0)",
            params,
        )

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError("DaysBetween supports SQLite and PostgreSQL.")


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def has_percentile() -> bool:
    return connection.vendor == "postgresql"


def percentile(ordered: list[float], fraction: float) -> float | None:
    """The same linear interpolation as ``percentile_cont`` over sorted values."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _days() -> DaysBetween:
    return DaysBetween(F("entered_at"), F("decided_at"))


# --- Home page -----------------------------------------------------------------------
def answered_proposal_count() -> int:
    """Proposals with a published decision."""
    return TrackerEntry.objects.filter(decided_at__isnull=False).count()


# --- The tracker list -----------------------------------------------------------------
@dataclass
class TrackerFilters:
    process: str = ""
    department: str = ""
    status: str = ""
    implementation: str = ""
    category: str = ""
    area: str = ""
    overdue: bool = False
    disputed: bool = False
    review_due: bool = False
    entered_from: date | None = None
    entered_to: date | None = None
    sort: str = "due"


@dataclass
class FilterChoices:
    processes: list[Process]
    departments: list[Department]
    categories: list[Category]
    areas: list[Area]


def filter_choices() -> FilterChoices:
    """Options for the tracker filters: four small queries."""
    return FilterChoices(
        processes=list(
            Process.objects.exclude(status="draft").only(
                "slug", "title", "title_en", "position", "created_at"
            )
        ),
        departments=list(Department.objects.only("code", "name", "name_en")),
        categories=list(Category.objects.only("slug", "name", "name_en")),
        areas=list(Area.objects.only("slug", "name", "name_en")),
    )


def _row_queryset() -> QuerySet[TrackerEntry]:
    return TrackerEntry.objects.select_related(
        "proposal",
        "proposal__category",
        "proposal__area",
        "process",
        "department",
        "section",
    )


def review_due(qs: QuerySet[TrackerEntry], *, now: datetime) -> QuerySet[TrackerEntry]:
    """Entries whose review date has come (a local date) with no update posted on
    or after it: what ``TrackerEntry.review_due`` says, in SQL."""
    tz = timezone.get_current_timezone()
    return (
        qs.filter(
            review_on__isnull=False,
            review_on__lte=timezone.localdate(now),
            decision__in=sorted(REVIEWABLE),
        )
        .annotate(_last_update_day=TruncDate("last_update_at", tzinfo=tz))
        .filter(_last_update_day__lt=F("review_on"))
    )


def tracker_entries(
    filters: TrackerFilters, *, now: datetime | None = None
) -> QuerySet[TrackerEntry]:
    """Every tracked proposal the public may see, filtered and sorted; one query
    per page (plus the paginator's count)."""
    now = now or timezone.now()
    qs = _row_queryset().filter(proposal__hidden_at__isnull=True)
    if filters.process:
        qs = qs.filter(process__slug=filters.process)
    if filters.department == "unassigned":
        qs = qs.filter(department__isnull=True)
    elif filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.status == "pending":
        qs = qs.filter(decided_at__isnull=True)
    elif filters.status == "decided":
        qs = qs.filter(decided_at__isnull=False)
    elif filters.status:
        qs = qs.filter(decision=filters.status)
    if filters.implementation:
        qs = qs.filter(implementation=filters.implementation)
    if filters.category:
        qs = qs.filter(proposal__category__slug=filters.category)
    if filters.area:
        qs = qs.filter(proposal__area__slug=filters.area)
    if filters.overdue:
        qs = qs.filter(decided_at__isnull=True, response_due_at__lt=now)
    if filters.disputed:
        qs = qs.filter(disputed_at__isnull=False)
    if filters.review_due:
        qs = review_due(qs, now=now)
    # The dates a person picks are local: ``__date`` converts ``entered_at`` to the
    # current zone (settings.TIME_ZONE) before taking its date, in SQL.
    if filters.entered_from:
        qs = qs.filter(entered_at__date__gte=filters.entered_from)
    if filters.entered_to:
        qs = qs.filter(entered_at__date__lte=filters.entered_to)
    if filters.sort == "age":
        return qs.order_by("entered_at", "pk")
    if filters.sort == "newest":
        return qs.order_by("-entered_at", "-pk")
    if filters.sort == "supports":
        return qs.order_by("-proposal__support_count", "response_due_at", "pk")
    if filters.sort == "updated":
        return qs.order_by("-last_update_at", "-pk")
    # Overdue first (most overdue on top), then pending by deadline, then decided.
    bucket = Case(
        When(decided_at__isnull=True, response_due_at__lt=now, then=Value(0)),
        When(decided_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(_bucket=bucket).order_by("_bucket", "response_due_at", "pk")


def tracker_row(proposal_id: int) -> TrackerEntry | None:
    """One tracker entry as a row of the tracker table reads it (``_row_queryset``)."""
    return (
        _row_queryset()
        .filter(proposal_id=proposal_id, proposal__hidden_at__isnull=True)
        .first()
    )


def tracker_counts(*, now: datetime | None = None) -> dict[str, int]:
    """Headline figures above the tracker table: one aggregate query."""
    now = now or timezone.now()
    visible = TrackerEntry.objects.filter(proposal__hidden_at__isnull=True)
    return visible.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(decided_at__isnull=True, response_due_at__lt=now)),
        pending=Count("pk", filter=Q(decided_at__isnull=True)),
        decided=Count("pk", filter=Q(decided_at__isnull=False)),
        in_progress=Count("pk", filter=Q(implementation=Implementation.IN_PROGRESS)),
        completed=Count("pk", filter=Q(implementation=Implementation.COMPLETED)),
        disputed=Count("pk", filter=Q(disputed_at__isnull=False)),
    )


def csv_rows(filters: TrackerFilters) -> Iterator[TrackerEntry]:
    """The filtered tracker, streamed in chunks (for the CSV download)."""
    return tracker_entries(filters).iterator(chunk_size=500)


# --- Summaries for other doors (API, proposal cards) ----------------------------------
# The API's tracker summary (participation.api.serializers.TrackerSummarySerializer):
# its fields of the one projection of an entry, under the projection's names.
SUMMARY_KEYS = (
    "decision",
    "decision_label",
    "implementation",
    "implementation_percent",
    "department",
    "department_name",
    "entered_at",
    "response_due_at",
    "decided_at",
    "overdue",
    "days_overdue",
    "disputed",
    "response_id",
    "review_on",
    "review_due",
    # added later, after the earlier fields
    "section",
    "section_name",
)


def entry_summary(entry: TrackerEntry) -> dict[str, Any]:
    return entry_fields(entry, SUMMARY_KEYS)


def summaries(proposal_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Tracker status of many proposals at once: one query."""
    entries = TrackerEntry.objects.select_related("department", "section").filter(
        proposal_id__in=proposal_ids
    )
    return {entry.proposal_id: entry_summary(entry) for entry in entries}


def entry_of(proposal: Proposal) -> TrackerEntry | None:
    """The proposal's entry when the proposals query selected it (no query)."""
    cached = getattr(proposal, "_state", None)
    if cached is None or "tracker" not in proposal._state.fields_cache:
        return None
    return proposal._state.fields_cache["tracker"]


# --- The proposal page panel ----------------------------------------------------------
@dataclass
class Step:
    kind: str
    label: str
    at: datetime
    text: str = ""
    state: str = "done"  # done, upcoming, overdue


@dataclass
class RevisionView:
    revision: ResponseRevision
    diff: Any = None
    decision_changed: bool = False
    previous_decision: str = ""


@dataclass
class RatingSummary:
    count: int = 0
    clear: int = 0
    satisfied: int = 0

    @property
    def unclear(self) -> int:
        return self.count - self.clear

    @property
    def unsatisfied(self) -> int:
        return self.count - self.satisfied

    @property
    def clear_share(self) -> int | None:
        return round(100 * self.clear / self.count) if self.count else None

    @property
    def satisfied_share(self) -> int | None:
        return round(100 * self.satisfied / self.count) if self.count else None


@dataclass
class Panel:
    proposal: Proposal
    entry: TrackerEntry | None = None
    response: Response | None = None
    revision: ResponseRevision | None = None
    history: list[RevisionView] = field(default_factory=list)
    siblings: list[Proposal] = field(default_factory=list)
    progress: list[ProgressUpdate] = field(default_factory=list)
    timeline: list[Step] = field(default_factory=list)
    ratings: RatingSummary = field(default_factory=RatingSummary)
    my_rating: ResponseRating | None = None
    checks: list[OutcomeCheck] = field(default_factory=list)
    my_check: OutcomeCheck | None = None
    answers: list[DisputeAnswer] = field(default_factory=list)
    comment_count: int = 0
    perms: dict[str, bool] = field(default_factory=dict)

    @property
    def supports_needed(self) -> int:
        threshold = self.proposal.process.support_threshold
        return max(0, threshold - self.proposal.support_count)

    @property
    def confirmed_count(self) -> int:
        return sum(1 for c in self.current_checks if c.verdict == Verdict.CONFIRMED)

    @property
    def disputed_count(self) -> int:
        return sum(1 for c in self.current_checks if c.verdict == Verdict.DISPUTED)

    @property
    def current_checks(self) -> list[OutcomeCheck]:
        if self.entry is None:
            return []
        return [c for c in self.checks if c.round == self.entry.completion_round]

    @property
    def open_disputes(self) -> list[OutcomeCheck]:
        return [
            c
            for c in self.checks
            if c.verdict == Verdict.DISPUTED and c.answer_id is None
        ]

    @property
    def answered_disputes(self) -> list[OutcomeCheck]:
        return [c for c in self.checks if c.verdict == Verdict.DISPUTED and c.answer_id]


def entry_for_page(proposal_id: int) -> TrackerEntry | None:
    return (
        TrackerEntry.objects.select_related(
            "department",
            "section",
            "process",
            "response",
            "response__current",
            "proposal",
        )
        .filter(proposal_id=proposal_id)
        .first()
    )


def revision_history(response: Response) -> list[RevisionView]:
    """Every revision, newest first, each with a readable diff from the one before."""
    revisions = list(
        ResponseRevision.objects.filter(response=response).order_by("number")
    )
    views: list[RevisionView] = []
    previous: ResponseRevision | None = None
    for revision in revisions:
        view = RevisionView(revision=revision)
        if previous is not None:
            view.diff = render_diff(previous.body, revision.body)
            view.decision_changed = previous.decision != revision.decision
            view.previous_decision = previous.get_decision_display()
        views.append(view)
        previous = revision
    views.reverse()
    return views


def timeline(proposal: Proposal, entry: TrackerEntry | None) -> list[Step]:
    """Submission → threshold → assignment → status → decision → progress →
    completion, each dated, from the public events (one query)."""
    steps = [
        Step(
            "submitted", _("Submitted"), proposal.created_at, proposal.author.real_name
        )
    ]
    events: list[TrackerEvent] = []
    if entry is not None:
        events = list(
            TrackerEvent.objects.filter(entry=entry)
            .select_related(
                "department", "previous_department", "section", "previous_section"
            )
            .order_by("created_at", "pk")
        )
    entered_by_threshold = any(e.kind == EventKind.ENTERED for e in events)
    if proposal.threshold_reached_at and not entered_by_threshold:
        steps.append(
            Step(
                "threshold",
                _("Support threshold reached"),
                proposal.threshold_reached_at,
            )
        )
    for event in events:
        text = event.summary
        note = (event.data or {}).get("note")
        if note:
            text = f"{text} {note}"
        steps.append(Step(event.kind, event.label, event.created_at, text))
    if entry is not None and entry.decided_at is None:
        steps.append(
            Step(
                "due",
                _("Response due"),
                entry.response_due_at,
                state="overdue" if entry.is_overdue else "upcoming",
            )
        )
    steps.sort(key=lambda step: step.at)
    return steps


def panel(proposal: Proposal, user: Viewer) -> Panel:
    """Everything the tracker panel of a proposal page shows, in a fixed number of
    queries (about ten when the proposal has a response)."""
    data = Panel(proposal=proposal)
    entry = entry_for_page(proposal.pk)
    data.entry = entry
    data.timeline = timeline(proposal, entry)
    if entry is None:
        return data
    entry.proposal = proposal
    data.progress = list(
        ProgressUpdate.objects.filter(entry=entry).order_by(
            "-happened_on", "-created_at", "-id"
        )
    )
    data.checks = list(
        OutcomeCheck.objects.filter(entry=entry)
        .select_related("user")
        .order_by("created_at", "id")
    )
    data.answers = list(
        DisputeAnswer.objects.filter(entry=entry)
        .select_related("department")
        .order_by("created_at", "id")
    )
    authenticated = getattr(user, "is_authenticated", False)
    if authenticated:
        data.my_check = next(
            (
                c
                for c in data.checks
                if c.user_id == user.pk and c.round == entry.completion_round
            ),
            None,
        )
    response = entry.response
    if response is None:
        return data
    data.response = response
    data.revision = response.current
    data.history = revision_history(response)
    data.siblings = list(
        Proposal.objects.filter(tracker__response=response, hidden_at__isnull=True)
        .exclude(pk=proposal.pk)
        .only("pk", "title")
        .order_by("pk")
    )
    data.ratings = rating_summary(response)
    person = signed_in(user)
    if person is not None:
        data.my_rating = ResponseRating.objects.filter(
            response=response, user=person
        ).first()
    data.comment_count = (
        ResponseComment.objects.shown().filter(response=response).count()
    )
    return data


def rating_summary(response: Response) -> RatingSummary:
    figures = ResponseRating.objects.filter(response=response).aggregate(
        count=Count("pk"),
        clear=Count("pk", filter=Q(clear=True)),
        satisfied=Count("pk", filter=Q(satisfied=True)),
    )
    return RatingSummary(**figures)


def response_for_page(pk: int) -> Response:
    return Response.objects.select_related("department", "current").get(pk=pk)


def response_proposals(response: Response) -> list[Proposal]:
    return list(
        Proposal.objects.filter(tracker__response=response, hidden_at__isnull=True)
        .select_related("author", "process", "tracker")
        .order_by("pk")
    )


def response_comments(response: Response) -> list[ResponseComment]:
    return list(
        ResponseComment.objects.filter(response=response)
        .select_related("author", "proposal", "hidden_by")
        .order_by("created_at", "id")
    )


def group_candidates(entry: TrackerEntry) -> list[TrackerEntry]:
    """Other proposals the same department could answer together with this one."""
    if entry.department_id is None:
        return []
    return list(
        TrackerEntry.objects.filter(
            department_id=entry.department_id,
            response__isnull=True,
            proposal__hidden_at__isnull=True,
        )
        .exclude(pk=entry.pk)
        .select_related("proposal", "process")
        .order_by("process_id", "-proposal__support_count", "pk")[:100]
    )


# --- Scorecards -----------------------------------------------------------------------
def _answers(verdict: str) -> Coalesce:
    """Per entry: how many residents answered the completion with ``verdict``."""
    counted = (
        OutcomeCheck.objects.filter(entry=OuterRef("pk"), verdict=verdict)
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _figure_expressions(now: datetime) -> dict[str, Any]:
    decided = Q(decided_at__isnull=False)
    expressions: dict[str, Any] = {
        "received": Count("pk"),
        "answered": Count("pk", filter=decided),
        "answered_on_time": Count(
            "pk", filter=decided & Q(decided_at__lte=F("response_due_at"))
        ),
        "due_or_answered": Count("pk", filter=decided | Q(response_due_at__lt=now)),
        "overdue": Count(
            "pk", filter=Q(decided_at__isnull=True, response_due_at__lt=now)
        ),
        "accepting": Count("pk", filter=Q(decision__in=sorted(ACCEPTING))),
        "completed": Count("pk", filter=Q(implementation=Implementation.COMPLETED)),
        "disputed_ever": Count("pk", filter=Q(first_disputed_at__isnull=False)),
        "disputed_open": Count("pk", filter=Q(disputed_at__isnull=False)),
        "mean_days": Avg("_days"),
        # Residents' answers to "is it done?" (the questionnaire or the form).
        "confirmations": Sum(_answers(Verdict.CONFIRMED)),
        "disputes": Sum(_answers(Verdict.DISPUTED)),
    }
    for value in Decision.values:
        expressions[f"d_{value}"] = Count("pk", filter=Q(decision=value))
    for low, high in DAY_BUCKETS:
        condition = Q(_days__gt=low - 1) if low else Q(_days__gte=0)
        if high is not None:
            condition &= Q(_days__lte=high)
        expressions[f"h_{low}"] = Count("pk", filter=condition & decided)
    if has_percentile():
        expressions["median_days"] = PercentileCont("_days", 0.5)
        expressions["p90_days"] = PercentileCont("_days", 0.9)
    return expressions


@dataclass
class Figures:
    department: Department | None
    received: int = 0
    answered: int = 0
    answered_on_time: int = 0
    due_or_answered: int = 0
    overdue: int = 0
    accepting: int = 0
    completed: int = 0
    disputed_ever: int = 0
    disputed_open: int = 0
    confirmations: int = 0
    disputes: int = 0
    mean_days: float | None = None
    median_days: float | None = None
    p90_days: float | None = None
    decisions: dict[str, int] = field(default_factory=dict)
    buckets: list[int] = field(default_factory=list)
    ratings: RatingSummary = field(default_factory=RatingSummary)

    @property
    def on_time_share(self) -> int | None:
        if not self.due_or_answered:
            return None
        return round(100 * self.answered_on_time / self.due_or_answered)

    @property
    def answered_share(self) -> int | None:
        return round(100 * self.answered / self.received) if self.received else None

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completed / self.accepting) if self.accepting else None

    @property
    def confirmed_share(self) -> int | None:
        """Of the residents who answered "is it done?", the share who said yes."""
        answers = self.confirmations + self.disputes
        return round(100 * self.confirmations / answers) if answers else None

    @property
    def decision_mix(self) -> list[tuple[str, str, int]]:
        return [
            (value, str(label), self.decisions.get(value, 0))
            for value, label in Decision.choices
        ]

    @property
    def label(self) -> str:
        return department_label(self.department) if self.department else _("All")


def _figures_from(row: dict[str, Any], department: Department | None) -> Figures:
    figures = Figures(department=department)
    for name in (
        "received",
        "answered",
        "answered_on_time",
        "due_or_answered",
        "overdue",
        "accepting",
        "completed",
        "disputed_ever",
        "disputed_open",
        "confirmations",
        "disputes",
    ):
        setattr(figures, name, row.get(name) or 0)
    figures.mean_days = row.get("mean_days")
    figures.median_days = row.get("median_days")
    figures.p90_days = row.get("p90_days")
    figures.decisions = {value: row.get(f"d_{value}") or 0 for value in Decision.values}
    figures.buckets = [row.get(f"h_{low}") or 0 for low, _high in DAY_BUCKETS]
    return figures


def _durations_by_department(
    qs: QuerySet[TrackerEntry],
) -> dict[int | None, list[float]]:
    """SQLite: every decided entry's days to decision, ordered, in one query."""
    grouped: dict[int | None, list[float]] = defaultdict(list)
    rows = (
        qs.filter(decided_at__isnull=False)
        .annotate(_days=_days())
        .order_by("department_id", "_days")
        .values_list("department_id", "_days")
    )
    for department_id, days in rows:
        grouped[department_id].append(max(0.0, float(days)))
    return grouped


def _apply_percentiles(figures: Figures, ordered: list[float]) -> None:
    figures.median_days = percentile(ordered, 0.5)
    figures.p90_days = percentile(ordered, 0.9)


def _live_ratings() -> QuerySet[ResponseRating]:
    """Ratings of responses that still answer a proposal (a deleted demo or a
    removed proposal leaves none behind in the figures)."""
    return ResponseRating.objects.filter(
        Exists(TrackerEntry.objects.filter(response=OuterRef("response")))
    )


def _ratings_by_department() -> dict[int, RatingSummary]:
    rows = (
        _live_ratings()
        .values("response__department_id")
        .annotate(
            count=Count("pk"),
            clear=Count("pk", filter=Q(clear=True)),
            satisfied=Count("pk", filter=Q(satisfied=True)),
        )
    )
    return {
        row["response__department_id"]: RatingSummary(
            count=row["count"], clear=row["clear"], satisfied=row["satisfied"]
        )
        for row in rows
    }


@dataclass
class Scoreboard:
    rows: list[Figures]
    total: Figures


def scorecards(*, now: datetime | None = None) -> Scoreboard:
    """Figures for every department and for all of them together, by database
    aggregation: a fixed number of queries whatever the number of departments."""
    now = now or timezone.now()
    departments = list(Department.objects.order_by("code"))
    entries = TrackerEntry.objects.annotate(_days=_days())
    expressions = _figure_expressions(now)
    grouped = {
        row["department_id"]: row
        for row in entries.filter(department__isnull=False)
        .values("department_id")
        .annotate(**expressions)
        .order_by()
    }
    total = _figures_from(entries.aggregate(**expressions), None)
    ratings = _ratings_by_department()
    rows = []
    for department in departments:
        figures = _figures_from(grouped.get(department.pk, {}), department)
        figures.ratings = ratings.get(department.pk, RatingSummary())
        rows.append(figures)
    total.ratings = rating_totals()
    if not has_percentile():
        durations = _durations_by_department(TrackerEntry.objects.all())
        for figures in rows:
            assert figures.department is not None
            _apply_percentiles(figures, durations.get(figures.department.pk, []))
        _apply_percentiles(
            total, sorted(d for values in durations.values() for d in values)
        )
    return Scoreboard(rows=rows, total=total)


def rating_totals() -> RatingSummary:
    return RatingSummary(
        **_live_ratings().aggregate(
            count=Count("pk"),
            clear=Count("pk", filter=Q(clear=True)),
            satisfied=Count("pk", filter=Q(satisfied=True)),
        )
    )


def department_figures(
    department: Department, *, now: datetime | None = None
) -> Figures:
    """One department's scorecard figures (two or three queries)."""
    now = now or timezone.now()
    entries = TrackerEntry.objects.filter(department=department).annotate(_days=_days())
    figures = _figures_from(entries.aggregate(**_figure_expressions(now)), department)
    figures.ratings = RatingSummary(
        **_live_ratings()
        .filter(response__department=department)
        .aggregate(
            count=Count("pk"),
            clear=Count("pk", filter=Q(clear=True)),
            satisfied=Count("pk", filter=Q(satisfied=True)),
        )
    )
    if not has_percentile():
        durations = _durations_by_department(
            TrackerEntry.objects.filter(department=department)
        )
        _apply_percentiles(figures, durations.get(department.pk, []))
    return figures


def _month_starts(now: datetime, months: int) -> list[date]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _i in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def monthly_series(
    department: Department | None = None,
    *,
    months: int = 12,
    now: datetime | None = None,
) -> tuple[list[date], list[int], list[int]]:
    """Proposals received and answered per month (two grouped queries)."""
    now = now or timezone.now()
    starts = _month_starts(now, months)
    tz = timezone.get_current_timezone()
    first = timezone.make_aware(datetime(starts[0].year, starts[0].month, 1), tz)
    qs = TrackerEntry.objects.all()
    if department is not None:
        qs = qs.filter(department=department)

    def counts(field_name: str) -> dict[tuple[int, int], int]:
        rows = (
            qs.filter(**{f"{field_name}__gte": first})
            .annotate(month=TruncMonth(field_name, tzinfo=tz))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {(row["month"].year, row["month"].month): row["n"] for row in rows}

    received = counts("entered_at")
    answered = counts("decided_at")
    return (
        starts,
        [received.get((s.year, s.month), 0) for s in starts],
        [answered.get((s.year, s.month), 0) for s in starts],
    )


def recent_entries(department: Department, limit: int = 20) -> list[TrackerEntry]:
    """The department's entries for its page: overdue first, then latest updates."""
    filters = TrackerFilters(department=department.code)
    return list(tracker_entries(filters)[:limit])


# --- Feeds and the JSON document ------------------------------------------------------
def feed_events(
    *,
    process: Process | None = None,
    department: Department | None = None,
    limit: int = 50,
) -> list[TrackerEvent]:
    qs = TrackerEvent.objects.filter(entry__proposal__hidden_at__isnull=True)
    if process is not None:
        qs = qs.filter(entry__process=process)
    if department is not None:
        qs = qs.filter(Q(department=department) | Q(entry__department=department))
    return list(
        qs.select_related(
            "entry",
            "entry__proposal",
            "department",
            "previous_department",
            "section",
            "previous_section",
        ).order_by("-created_at", "-pk")[:limit]
    )


def outcome_counts(entry: TrackerEntry) -> dict[str, int]:
    """How many confirmations and disputes residents gave (every round), one query."""
    return OutcomeCheck.objects.filter(entry=entry).aggregate(
        confirmed=Count("pk", filter=Q(verdict=Verdict.CONFIRMED)),
        disputed=Count("pk", filter=Q(verdict=Verdict.DISPUTED)),
    )


def document_data(proposal: Proposal) -> dict[str, Any]:
    """Everything the per-proposal JSON document needs (a fixed number of queries)."""
    entry = entry_for_page(proposal.pk)
    data: dict[str, Any] = {"entry": entry, "steps": timeline(proposal, entry)}
    if entry is None:
        return data
    data["progress"] = list(
        ProgressUpdate.objects.filter(entry=entry).order_by("happened_on", "created_at")
    )
    data["answers"] = list(
        DisputeAnswer.objects.filter(entry=entry).order_by("created_at")
    )
    data["checks"] = outcome_counts(entry)
    if entry.response is not None:
        data["revisions"] = list(
            ResponseRevision.objects.filter(response=entry.response).order_by("number")
        )
        data["covers"] = list(
            TrackerEntry.objects.filter(response=entry.response)
            .order_by("proposal_id")
            .values_list("proposal_id", flat=True)
        )
        data["ratings"] = rating_summary(entry.response)
    return data


def proposals_with_tracker(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Add the tracker entry (and department) to a proposals query, for cards."""
    return qs.select_related("tracker", "tracker__department", "tracker__section")


# --- The API ------------------------------------------------------------------------
def proposals_in_tracker(
    qs: QuerySet[Proposal], *, department: str = "", status: str = ""
) -> QuerySet[Proposal]:
    """Proposals filtered by their tracker status (a decision, "pending", "decided"
    or "overdue") and handling department (a code or "unassigned"), each with its
    entry selected (for ``tracker_summaries``, at no further query)."""
    if status or department:
        filters = TrackerFilters(
            department=department,
            status="" if status == "overdue" else status,
            overdue=status == "overdue",
        )
        entries = tracker_entries(filters).order_by()
        qs = qs.filter(pk__in=entries.values("proposal_id"))
    return proposals_with_tracker(qs)


def tracker_summaries(proposals: list[Proposal]) -> dict[int, dict[str, Any]]:
    """Tracker summaries of these proposals: no query for those whose entry
    was selected with them (``proposals_in_tracker``), one for the others."""
    out: dict[int, dict[str, Any]] = {}
    missing: list[int] = []
    for proposal in proposals:
        if "tracker" in proposal._state.fields_cache:
            entry = entry_of(proposal)
            if entry is not None:
                out[proposal.pk] = entry_summary(entry)
        else:
            missing.append(proposal.pk)
    if missing:
        out.update(summaries(missing))
    return out


def api_tracker_entries(filters: TrackerFilters) -> QuerySet[TrackerEntry]:
    """``tracker_entries`` with each proposal's support count as ``_supports``, a
    field the API's cursor orders and cuts pages on."""
    return tracker_entries(filters).annotate(_supports=F("proposal__support_count"))


def tracked_entry(proposal: Proposal) -> TrackerEntry | None:
    """The proposal's tracker entry, for an official's action on it (one query)."""
    return (
        TrackerEntry.objects.select_related(
            "proposal", "process", "department", "section"
        )
        .filter(proposal=proposal)
        .first()
    )


def entry_ids(proposal_ids: list[int]) -> list[int]:
    """The ids of the tracker entries of these proposals (those that have one)."""
    return list(
        TrackerEntry.objects.filter(proposal_id__in=proposal_ids).values_list(
            "pk", flat=True
        )
    )


def response_record(response_id: int) -> dict[str, Any]:
    """A published response with every revision, the visible proposals it answers
    and the residents' ratings (four queries)."""
    response = response_for_page(response_id)
    revisions = list(
        ResponseRevision.objects.filter(response=response).order_by("number")
    )
    covers = list(
        TrackerEntry.objects.filter(response=response, proposal__hidden_at__isnull=True)
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)
    )
    return {
        "id": response.pk,
        "department": response.department,
        "published_at": response.published_at,
        "revised_at": response.revised_at,
        "revision_count": response.revision_count,
        "current": response.current,
        "revisions": revisions,
        "covers": covers,
        "ratings": rating_summary(response),
    }


def progress_updates(proposal: Proposal) -> QuerySet[ProgressUpdate]:
    """Progress updates of a proposal's implementation, oldest first."""
    return ProgressUpdate.objects.filter(entry__proposal=proposal).order_by(
        "happened_on", "created_at", "id"
    )
