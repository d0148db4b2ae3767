"""Participation KPIs, site-wide or for one process, month by month.

``participation_kpis()`` is the one selector for the /stats/ page and the API.
Everything is aggregated in the database with a fixed number of queries (about a
dozen, whatever the number of people, months or processes), and cached briefly.

No figure about fewer than ``MIN_GROUP`` people is ever returned: participant
counts, supports and residents' satisfaction below that size come back as ``None``
and are named in ``suppressed``; in the per-process table, small processes are
merged into one "other processes" row.
"""

# The raw SQL below wraps subqueries compiled by Django (with their parameters);
# no input is ever formatted into it.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from participation.spaces.models import Process
from proposals.models import Comment, Proposal, Support
from responses.models import ResponseRating, TrackerEntry
from responses.selectors import (
    DaysBetween,
    PercentileCont,
    has_percentile,
    percentile,
)

MIN_GROUP = 5
MONTH_CHOICES = (6, 12, 24, 36)
CACHE_SECONDS = 300

PEOPLE_FIELDS = ("participants", "new_participants", "supports", "satisfaction")


@dataclass
class MonthFigures:
    month: date
    participants: int | None = 0
    new_participants: int | None = 0
    proposals: int = 0
    comments: int = 0
    supports: int | None = 0
    # Of the proposals in the tracker at the end of the month, % with a decision.
    answered_percent: int | None = None
    # Median days from entering the tracker to a decision, for decisions this month.
    median_days_to_decision: float | None = None
    # % of residents' ratings of responses saying "satisfied" (ratings this month).
    satisfaction: int | None = None
    ratings: int | None = 0
    suppressed: list[str] = field(default_factory=list)


@dataclass
class ProcessRow:
    process: Process | None  # None: the merged small processes
    participants: int | None
    proposals: int
    comments: int
    supports: int | None
    answered_percent: int | None
    merged: int = 0  # how many processes this row merges
    suppressed: list[str] = field(default_factory=list)


@dataclass
class KpiReport:
    process: Process | None
    months: list[MonthFigures]
    totals: MonthFigures  # over the whole window; ``month`` is its first month
    by_process: list[ProcessRow]
    generated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the API (dates as ISO strings, processes as slugs)."""

        def month_dict(figures: MonthFigures) -> dict[str, Any]:
            data = asdict(figures)
            data["month"] = figures.month.strftime("%Y-%m")
            return data

        return {
            "process": self.process.slug if self.process else None,
            "min_group": MIN_GROUP,
            "generated_at": self.generated_at.isoformat(),
            "months": [month_dict(m) for m in self.months],
            "totals": {
                k: v for k, v in month_dict(self.totals).items() if k != "month"
            },
            "by_process": [
                {
                    "process": row.process.slug if row.process else None,
                    "merged_processes": row.merged,
                    "participants": row.participants,
                    "proposals": row.proposals,
                    "comments": row.comments,
                    "supports": row.supports,
                    "answered_percent": row.answered_percent,
                    "suppressed": row.suppressed,
                }
                for row in self.by_process
            ],
        }


# --- helpers --------------------------------------------------------------------------


def month_starts(now: datetime, months: int) -> list[date]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _aware(day: date) -> datetime:
    return timezone.make_aware(
        datetime(day.year, day.month, day.day), timezone.get_current_timezone()
    )


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _key(value: Any) -> tuple[int, int]:
    """(year, month) of a truncated month as the database returns it."""
    if isinstance(value, datetime | date):
        return value.year, value.month
    text = str(value)
    return int(text[:4]), int(text[5:7])


def _people(value: int) -> int | None:
    """A count of people, or None when it is about fewer than MIN_GROUP of them."""
    return value if value == 0 or value >= MIN_GROUP else None


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _public_process_ids() -> QuerySet:
    return Process.objects.public().values("id")


# --- participation (three tables of actions) ------------------------------------------


def _action_querysets(
    process: Process | None, since: datetime | None
) -> list[QuerySet]:
    """(uid, month, pid, at) of every proposal, comment and support, as querysets
    whose SQL is combined with UNION ALL."""
    tz = timezone.get_current_timezone()
    public = _public_process_ids()
    sets = [
        (Proposal.objects.filter(process_id__in=public), "author_id", "process_id"),
        (
            Comment.objects.filter(proposal__process_id__in=public),
            "author_id",
            "proposal__process_id",
        ),
        (
            Support.objects.filter(proposal__process_id__in=public),
            "user_id",
            "proposal__process_id",
        ),
    ]
    result = []
    for qs, user_field, process_field in sets:
        if process is not None:
            qs = qs.filter(**{process_field: process.pk})
        if since is not None:
            qs = qs.filter(created_at__gte=since)
        result.append(
            qs.order_by()
            .annotate(
                uid=F(user_field),
                month=TruncMonth("created_at", tzinfo=tz),
                pid=F(process_field),
            )
            .values_list("uid", "month", "pid")
        )
    return result


def _union_sql(querysets: list[QuerySet]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for qs in querysets:
        sql, p = qs.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part")
        params.extend(p)
    return " UNION ALL ".join(parts), params


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _participants_by_month(process: Process | None, since: datetime) -> dict:
    union, params = _union_sql(_action_querysets(process, since))
    rows = _fetch(
        f"SELECT a.month, COUNT(DISTINCT a.uid) FROM ({union}) AS a GROUP BY a.month",
        params,
    )
    return {_key(month): n for month, n in rows}


def _new_participants_by_month(process: Process | None) -> dict:
    union, params = _union_sql(_action_querysets(process, None))
    rows = _fetch(
        f"SELECT f.first_month, COUNT(*) FROM (SELECT a.uid, MIN(a.month) AS "
        f"first_month FROM ({union}) AS a GROUP BY a.uid) AS f GROUP BY f.first_month",
        params,
    )
    return {_key(month): n for month, n in rows}


def _participants_total(process: Process | None, since: datetime) -> int:
    union, params = _union_sql(_action_querysets(process, since))
    rows = _fetch(f"SELECT COUNT(DISTINCT a.uid) FROM ({union}) AS a", params)
    return int(rows[0][0] or 0)


def _participants_by_process(since: datetime) -> dict[int, int]:
    union, params = _union_sql(_action_querysets(None, since))
    rows = _fetch(
        f"SELECT a.pid, COUNT(DISTINCT a.uid) FROM ({union}) AS a GROUP BY a.pid",
        params,
    )
    return dict(rows)


def _participants_in(process_ids: list[int], since: datetime) -> int:
    union, params = _union_sql(_action_querysets(None, since))
    marks = ", ".join(["%s"] * len(process_ids))
    rows = _fetch(
        f"SELECT COUNT(DISTINCT a.uid) FROM ({union}) AS a WHERE a.pid IN ({marks})",
        [*params, *process_ids],
    )
    return int(rows[0][0] or 0)


# --- content counts -------------------------------------------------------------------


def _content_querysets(process: Process | None) -> dict[str, tuple[QuerySet, str]]:
    public = _public_process_ids()
    proposals = Proposal.objects.filter(process_id__in=public, hidden_at__isnull=True)
    comments = Comment.objects.shown().filter(proposal__process_id__in=public)
    supports = Support.objects.filter(proposal__process_id__in=public)
    if process is not None:
        proposals = proposals.filter(process=process)
        comments = comments.filter(proposal__process=process)
        supports = supports.filter(proposal__process=process)
    return {
        "proposals": (proposals, "process_id"),
        "comments": (comments, "proposal__process_id"),
        "supports": (supports, "proposal__process_id"),
    }


def _by_month(qs: QuerySet, since: datetime) -> dict:
    tz = timezone.get_current_timezone()
    rows = (
        qs.filter(created_at__gte=since)
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {_key(row["m"]): row["n"] for row in rows}


def _by_process(qs: QuerySet, process_field: str, since: datetime) -> dict[int, int]:
    rows = (
        qs.filter(created_at__gte=since)
        .values(process_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[process_field]: row["n"] for row in rows}


# --- tracker and ratings --------------------------------------------------------------


def _tracker_entries(process: Process | None) -> QuerySet:
    qs = TrackerEntry.objects.filter(
        process_id__in=_public_process_ids(), proposal__hidden_at__isnull=True
    )
    if process is not None:
        qs = qs.filter(process=process)
    return qs


def _answered_by_month_end(entries: QuerySet, starts: list[date]) -> list[int | None]:
    expressions: dict[str, Any] = {}
    for i, start in enumerate(starts):
        end = _aware(_next_month(start))
        expressions[f"in_{i}"] = Count("pk", filter=Q(entered_at__lt=end))
        expressions[f"done_{i}"] = Count("pk", filter=Q(decided_at__lt=end))
    row = entries.aggregate(**expressions)
    return [
        _percent(row[f"done_{i}"] or 0, row[f"in_{i}"] or 0) for i in range(len(starts))
    ]


def _answered_by_process(entries: QuerySet) -> dict[int, int | None]:
    rows = (
        entries.values("process_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(decided_at__isnull=False)))
        .order_by()
    )
    return {row["process_id"]: _percent(row["done"], row["n"]) for row in rows}


def _median_days(entries: QuerySet, since: datetime) -> tuple[dict, float | None]:
    """Median days to decision per month of decision, and over the whole window."""
    tz = timezone.get_current_timezone()
    decided = entries.filter(decided_at__gte=since).annotate(
        days=DaysBetween(F("entered_at"), F("decided_at")),
        m=TruncMonth("decided_at", tzinfo=tz),
    )
    if has_percentile():
        rows = decided.values("m").annotate(med=PercentileCont("days", 0.5)).order_by()
        overall = decided.aggregate(med=PercentileCont("days", 0.5))["med"]
        return {_key(r["m"]): r["med"] for r in rows}, overall
    grouped: dict[tuple[int, int], list[float]] = defaultdict(list)
    for month, days in decided.order_by("days").values_list("m", "days"):
        grouped[_key(month)].append(max(0.0, float(days)))
    everything = sorted(d for values in grouped.values() for d in values)
    return {k: median(v) for k, v in grouped.items()}, percentile(everything, 0.5)


def _ratings(process: Process | None, since: datetime) -> dict:
    tz = timezone.get_current_timezone()
    qs = ResponseRating.objects.filter(updated_at__gte=since)
    if process is not None:
        qs = qs.filter(response__entries__process=process)
    rows = (
        qs.annotate(m=TruncMonth("updated_at", tzinfo=tz))
        .values("m")
        .annotate(
            n=Count("pk", distinct=True),
            yes=Count("pk", distinct=True, filter=Q(satisfied=True)),
        )
        .order_by()
    )
    return {_key(r["m"]): (r["n"], r["yes"]) for r in rows}


# --- the report -----------------------------------------------------------------------


def _apply_people_rules(figures: MonthFigures) -> MonthFigures:
    for name in ("participants", "new_participants", "supports"):
        value = getattr(figures, name)
        if value is not None and _people(value) is None:
            setattr(figures, name, None)
            figures.suppressed.append(name)
    ratings = figures.ratings or 0
    if ratings and ratings < MIN_GROUP:
        figures.satisfaction = None
        figures.ratings = None
        figures.suppressed.append("satisfaction")
    return figures


def _compute(process: Process | None, months: int, now: datetime) -> KpiReport:
    starts = month_starts(now, months)
    since = _aware(starts[0])
    participants = _participants_by_month(process, since)
    newcomers = _new_participants_by_month(process)
    content = _content_querysets(process)
    counts = {name: _by_month(qs, since) for name, (qs, _f) in content.items()}
    entries = _tracker_entries(process)
    answered = _answered_by_month_end(entries, starts)
    medians, overall_median = _median_days(entries, since)
    ratings = _ratings(process, since)

    month_rows = []
    for i, start in enumerate(starts):
        key = (start.year, start.month)
        rated, satisfied = ratings.get(key, (0, 0))
        month_rows.append(
            _apply_people_rules(
                MonthFigures(
                    month=start,
                    participants=participants.get(key, 0),
                    new_participants=newcomers.get(key, 0),
                    proposals=counts["proposals"].get(key, 0),
                    comments=counts["comments"].get(key, 0),
                    supports=counts["supports"].get(key, 0),
                    answered_percent=answered[i],
                    median_days_to_decision=_round(medians.get(key)),
                    satisfaction=_percent(satisfied, rated),
                    ratings=rated,
                )
            )
        )
    window = {(s.year, s.month) for s in starts}
    rated_total = sum(ratings.get(k, (0, 0))[0] for k in window)
    satisfied_total = sum(ratings.get(k, (0, 0))[1] for k in window)
    totals = _apply_people_rules(
        MonthFigures(
            month=starts[0],
            participants=_participants_total(process, since),
            new_participants=sum(newcomers.get(k, 0) for k in window),
            proposals=sum(counts["proposals"].values()),
            comments=sum(counts["comments"].values()),
            supports=sum(counts["supports"].values()),
            answered_percent=answered[-1],
            median_days_to_decision=_round(overall_median),
            satisfaction=_percent(satisfied_total, rated_total),
            ratings=rated_total,
        )
    )
    by_process = _process_table(content, entries, since) if process is None else []
    return KpiReport(
        process=process,
        months=month_rows,
        totals=totals,
        by_process=by_process,
        generated_at=now,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _process_table(
    content: dict[str, tuple[QuerySet, str]], entries: QuerySet, since: datetime
) -> list[ProcessRow]:
    processes = list(Process.objects.public().order_by("position", "-created_at"))
    people = _participants_by_process(since)
    per = {name: _by_process(qs, f, since) for name, (qs, f) in content.items()}
    answered = _answered_by_process(entries)
    rows: list[ProcessRow] = []
    small: list[Process] = []
    for process in processes:
        n = people.get(process.pk, 0)
        if 0 < n < MIN_GROUP:
            small.append(process)
            continue
        rows.append(
            ProcessRow(
                process=process,
                participants=n,
                proposals=per["proposals"].get(process.pk, 0),
                comments=per["comments"].get(process.pk, 0),
                supports=per["supports"].get(process.pk, 0),
                answered_percent=answered.get(process.pk),
            )
        )
    if small:
        ids = [p.pk for p in small]
        merged = ProcessRow(
            process=None,
            participants=_participants_in(ids, since),
            proposals=sum(per["proposals"].get(i, 0) for i in ids),
            comments=sum(per["comments"].get(i, 0) for i in ids),
            supports=sum(per["supports"].get(i, 0) for i in ids),
            answered_percent=None,
            merged=len(small),
        )
        for name in ("participants", "supports"):
            value = getattr(merged, name)
            if value is not None and _people(value) is None:
                setattr(merged, name, None)
                merged.suppressed.append(name)
        rows.append(merged)
    return rows


def participation_kpis(
    *,
    process: Process | None = None,
    months: int = 12,
    now: datetime | None = None,
) -> KpiReport:
    """Monthly KPIs for the last ``months`` months (the current one included),
    site-wide or for ``process``. Raises ValueError for an unsupported ``months``."""
    if months not in MONTH_CHOICES:
        raise ValueError(f"months must be one of {MONTH_CHOICES}")
    now = now or timezone.now()
    local = timezone.localtime(now)
    key = (
        f"kpis:{process.pk if process else 'all'}:{months}:"
        f"{local:%Y-%m-%d}:{connection.vendor}"
    )
    report = cache.get(key)
    if report is None:
        report = _compute(process, months, now)
        cache.set(key, report, CACHE_SECONDS)
    return report
