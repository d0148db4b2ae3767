"""Participation broken down by an attribute residents chose to give: age band or
municipality (``participation.attributes``), for /stats/, the API and the
``participation_by_group`` dataset.

For a window of months (as the rest of /stats/), site-wide or for one process, one
row per group and one "not given" row, so that each column adds up to the site's
total: participants, new participants, proposals, comments, supports, and the share
of residents' ratings of responses that were "satisfied". A person counts in the
group of the attribute they give *now* (the attributes have no history, by design).

Privacy: each cell knows how many people stand behind it (participants; the authors
of the proposals; the raters), and ``suppression.suppress`` withholds the cells
about fewer than ``MIN_GROUP`` people and, per column, as many others as it takes
for none to be recovered from the total. How many participants gave the attribute
is said only when the "not given" cell is shown (it is the total minus that cell).

Aggregated in the database: a fixed number of queries per grouping (six, plus one
for the list of municipalities), whatever the number of people; cached briefly.
"""

# The raw SQL below wraps subqueries compiled by Django (with their parameters);
# no input is ever formatted into it.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from participation.attributes.models import ResidentAttributes
from participation.attributes.selectors import GROUPINGS, Grouping
from participation.spaces.models import Process
from portal.opendata.kpis import (
    CACHE_SECONDS,
    MIN_GROUP,
    MONTH_CHOICES,
    _aware,
    _fetch,
    _union_sql,
    month_starts,
)
from portal.opendata.suppression import suppress
from proposals.models import Comment, Proposal, Support
from responses.models import ResponseRating

NOT_GIVEN = ""
# The columns, in display order; each is withheld or shown on its own.
COLUMNS = (
    "participants",
    "new_participants",
    "proposals",
    "comments",
    "supports",
    "satisfaction",
)


@dataclass
class GroupRow:
    key: str  # the attribute's value ("30s", an area's slug); NOT_GIVEN for the rest
    label: Any  # shown through the ``tr`` filter: ``label_en`` in English if set
    label_en: str = ""
    participants: int | None = 0
    new_participants: int | None = 0
    proposals: int | None = 0
    comments: int | None = 0
    supports: int | None = 0
    satisfaction: int | None = None  # % satisfied; None when withheld or no ratings
    withheld: list[str] = field(default_factory=list)

    @property
    def given(self) -> bool:
        return self.key != NOT_GIVEN


@dataclass
class GroupTable:
    grouping: Grouping
    rows: list[GroupRow]  # the groups in order, then "not given"
    total: GroupRow
    participants: int | None  # everyone who took part in the window (None: < k)
    given: int | None  # of them, who gave the attribute (None: withheld)

    def as_dict(self) -> dict[str, Any]:
        def row_dict(row: GroupRow) -> dict[str, Any]:
            data = {name: getattr(row, name) for name in COLUMNS}
            data["group"] = row.key if row.given else None
            data["label"] = str(row.label)
            data["label_en"] = row.label_en
            data["withheld"] = list(row.withheld)
            return data

        return {
            "grouping": self.grouping.key,
            "participants": self.participants,
            "given": self.given,
            "groups": [row_dict(row) for row in self.rows],
            "total": {k: v for k, v in row_dict(self.total).items() if k != "group"},
        }


# --- queries --------------------------------------------------------------------------


def _public() -> QuerySet:
    return Process.objects.public().values("id")


def _sources(process: Process | None) -> list[tuple[QuerySet, str, str]]:
    """(queryset, user field, process field) of the three kinds of action."""
    return [
        (Proposal.objects.filter(process_id__in=_public()), "author", "process_id"),
        (
            Comment.objects.filter(proposal__process_id__in=_public()),
            "author",
            "proposal__process_id",
        ),
        (
            Support.objects.filter(proposal__process_id__in=_public()),
            "user",
            "proposal__process_id",
        ),
    ]


def _actions(
    process: Process | None, grouping: Grouping, since: datetime | None
) -> list[QuerySet]:
    """(uid, grp, at) of every action, for a UNION ALL."""
    result = []
    for qs, user_field, process_field in _sources(process):
        if process is not None:
            qs = qs.filter(**{process_field: process.pk})
        if since is not None:
            qs = qs.filter(created_at__gte=since)
        result.append(
            qs.order_by()
            .annotate(
                uid=F(f"{user_field}_id"),
                grp=F(f"{user_field}__{grouping.path}"),
                at=F("created_at"),
            )
            .values_list("uid", "grp", "at")
        )
    return result


def _key(value: Any) -> str:
    return NOT_GIVEN if value is None else str(value)


def _participants(process: Process | None, grouping: Grouping, since: datetime) -> dict:
    union, params = _union_sql(_actions(process, grouping, since))
    rows = _fetch(
        f"SELECT a.grp, COUNT(DISTINCT a.uid) FROM ({union}) AS a GROUP BY a.grp",
        params,
    )
    return _merge(rows)


def _newcomers(process: Process | None, grouping: Grouping, since: datetime) -> dict:
    """People whose first action (ever, in scope) falls in the window."""
    union, params = _union_sql(_actions(process, grouping, None))
    rows = _fetch(
        f"SELECT f.grp, COUNT(*) FROM (SELECT a.uid, a.grp, MIN(a.at) AS first_at "
        f"FROM ({union}) AS a GROUP BY a.uid, a.grp) AS f WHERE f.first_at >= %s "
        f"GROUP BY f.grp",
        [*params, connection.ops.adapt_datetimefield_value(since)],
    )
    return _merge(rows)


def _merge(rows: list[tuple]) -> dict[str, int]:
    """{group key: count}; an empty age band and no row at all are both "not given"."""
    merged: dict[str, int] = {}
    for grp, n in rows:
        key = _key(grp or None)
        merged[key] = merged.get(key, 0) + int(n or 0)
    return merged


def _content(
    process: Process | None, grouping: Grouping, since: datetime
) -> dict[str, dict[str, tuple[int, int]]]:
    """{column: {group: (count, people)}} of the shown proposals, comments, supports."""
    proposals = Proposal.objects.filter(
        process_id__in=_public(), hidden_at__isnull=True
    )
    comments = Comment.objects.shown().filter(proposal__process_id__in=_public())
    supports = Support.objects.filter(proposal__process_id__in=_public())
    if process is not None:
        proposals = proposals.filter(process=process)
        comments = comments.filter(proposal__process=process)
        supports = supports.filter(proposal__process=process)
    result = {}
    for name, qs, user_field in (
        ("proposals", proposals, "author"),
        ("comments", comments, "author"),
        ("supports", supports, "user"),
    ):
        rows = (
            qs.filter(created_at__gte=since)
            .values(grp=F(f"{user_field}__{grouping.path}"))
            .annotate(n=Count("pk"), people=Count(f"{user_field}_id", distinct=True))
            .order_by()
        )
        merged: dict[str, tuple[int, int]] = {}
        for row in rows:
            key = _key(row["grp"] or None)
            n, people = merged.get(key, (0, 0))
            merged[key] = (n + row["n"], people + row["people"])
        result[name] = merged
    return result


def _ratings(
    process: Process | None, grouping: Grouping, since: datetime
) -> dict[str, tuple[int, int, int]]:
    """{group: (ratings, satisfied, raters)} of the ratings given in the window."""
    qs = ResponseRating.objects.filter(updated_at__gte=since)
    if process is not None:
        qs = qs.filter(response__entries__process=process)
    rows = (
        qs.values(grp=F(f"user__{grouping.path}"))
        .annotate(
            n=Count("pk", distinct=True),
            yes=Count("pk", distinct=True, filter=Q(satisfied=True)),
            people=Count("user_id", distinct=True),
        )
        .order_by()
    )
    merged: dict[str, tuple[int, int, int]] = {}
    for row in rows:
        key = _key(row["grp"] or None)
        n, yes, people = merged.get(key, (0, 0, 0))
        merged[key] = (n + row["n"], yes + row["yes"], people + row["people"])
    return merged


# --- the table ------------------------------------------------------------------------


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _floor(value: int) -> int | None:
    """A total about people: shown from MIN_GROUP (or when zero)."""
    return value if value == 0 or value >= MIN_GROUP else None


def group_table(
    grouping: Grouping, *, process: Process | None, since: datetime
) -> GroupTable:
    groups = grouping.groups()
    rows = [
        GroupRow(key=value, label=label, label_en=label_en)
        for value, label, label_en in groups
    ]
    rows.append(GroupRow(key=NOT_GIVEN, label=""))
    keys = [row.key for row in rows]
    not_given = len(rows) - 1

    participants = _participants(process, grouping, since)
    newcomers = _newcomers(process, grouping, since)
    content = _content(process, grouping, since)
    ratings = _ratings(process, grouping, since)

    # (value, people) of every cell, column by column.
    cells: dict[str, list[tuple[int | None, int]]] = {
        "participants": [(participants.get(k, 0),) * 2 for k in keys],
        "new_participants": [(newcomers.get(k, 0),) * 2 for k in keys],
    }
    for name in ("proposals", "comments", "supports"):
        cells[name] = [content[name].get(k, (0, 0)) for k in keys]
    cells["satisfaction"] = []
    for k in keys:
        rated, satisfied, raters = ratings.get(k, (0, 0, 0))
        cells["satisfaction"].append((_percent(satisfied, rated), raters))

    for name, column in cells.items():
        hidden = suppress([people for _v, people in column], last_resort={not_given})
        for row, (value, _people), withheld in zip(rows, column, hidden, strict=True):
            setattr(row, name, None if withheld else value)
            if withheld:
                row.withheld.append(name)

    def column_total(name: str) -> int:
        return sum(value or 0 for value, _p in cells[name])

    rated = sum(n for n, _y, _p in ratings.values())
    satisfied = sum(y for _n, y, _p in ratings.values())
    raters = sum(p for _n, _y, p in ratings.values())
    total = GroupRow(
        key=NOT_GIVEN,
        label="",
        participants=_floor(column_total("participants")),
        new_participants=_floor(column_total("new_participants")),
        proposals=column_total("proposals"),
        comments=column_total("comments"),
        supports=column_total("supports"),
        satisfaction=_percent(satisfied, rated) if raters >= MIN_GROUP else None,
    )
    for name in ("participants", "new_participants"):
        if getattr(total, name) is None:
            total.withheld.append(name)
    # The supports total is about people too, as on the rest of /stats/.
    if _floor(sum(p for _v, p in cells["supports"])) is None:
        total.supports = None
        total.withheld.append("supports")
    if 0 < raters < MIN_GROUP:
        total.withheld.append("satisfaction")

    everyone = column_total("participants")
    given: int | None = None
    if total.participants is not None and rows[not_given].participants is not None:
        given = everyone - (rows[not_given].participants or 0)
    return GroupTable(
        grouping=grouping,
        rows=rows,
        total=total,
        participants=total.participants,
        given=given,
    )


@dataclass
class GivenCounts:
    """Of the participants in the window, how many gave each attribute (None: too
    few gave it, or too few did not, to say)."""

    participants: int | None
    counts: dict[str, int | None]


def _given_flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0))


def given_counts(*, process: Process | None, since: datetime) -> GivenCounts:
    """One query: of the participants, how many gave an age band, a municipality,
    interests, words to hear about."""
    parts = []
    for qs, user_field, process_field in _sources(process):
        if process is not None:
            qs = qs.filter(**{process_field: process.pk})
        prefix = f"{user_field}__resident_attributes"
        interests = ResidentAttributes.interests.through.objects.filter(
            residentattributes_id=OuterRef(f"{user_field}_id")
        )
        parts.append(
            qs.filter(created_at__gte=since)
            .order_by()
            .annotate(
                uid=F(f"{user_field}_id"),
                g_age=_given_flag(Q(**{f"{prefix}__age_band__gt": ""})),
                g_area=_given_flag(Q(**{f"{prefix}__area__isnull": False})),
                g_interests=Case(
                    When(Exists(interests), then=Value(1)), default=Value(0)
                ),
                g_words=_given_flag(Q(**{f"{prefix}__hear_about__gt": ""})),
            )
            .values_list("uid", "g_age", "g_area", "g_interests", "g_words")
        )
    union, params = _union_sql(parts)
    (row,) = _fetch(
        "SELECT COUNT(DISTINCT a.uid), "
        + ", ".join(
            f"COUNT(DISTINCT CASE WHEN a.{c} = 1 THEN a.uid END)"
            for c in ("g_age", "g_area", "g_interests", "g_words")
        )
        + f" FROM ({union}) AS a",
        params,
    )
    everyone = int(row[0] or 0)
    counts: dict[str, int | None] = {}
    for name, value in zip(
        ("age_band", "area", "interests", "hear_about"), row[1:], strict=True
    ):
        given = int(value or 0)
        # "given" and "not given" are two cells adding up to the total.
        hidden = suppress([given, everyone - given])
        counts[name] = None if any(hidden) else given
    return GivenCounts(participants=_floor(everyone), counts=counts)


def attributes_given(
    *,
    process: Process | None = None,
    months: int = 12,
    now: datetime | None = None,
) -> GivenCounts:
    """How many of the window's participants gave each attribute (cached)."""
    if months not in MONTH_CHOICES:
        raise ValueError(f"months must be one of {MONTH_CHOICES}")
    now = now or timezone.now()
    local = timezone.localtime(now)
    key = (
        f"kpigiven:{process.pk if process else 'all'}:{months}:"
        f"{local:%Y-%m-%d}:{connection.vendor}"
    )
    found = cache.get(key)
    if found is None:
        since = _aware(month_starts(now, months)[0])
        found = given_counts(process=process, since=since)
        cache.set(key, found, CACHE_SECONDS)
    return found


def participation_by_group(
    *,
    process: Process | None = None,
    months: int = 12,
    now: datetime | None = None,
) -> list[GroupTable]:
    """One table per grouping (age band, then municipality) for the last ``months``
    months (the current one included), site-wide or for ``process``."""
    if months not in MONTH_CHOICES:
        raise ValueError(f"months must be one of {MONTH_CHOICES}")
    now = now or timezone.now()
    local = timezone.localtime(now)
    key = (
        f"kpigroups:{process.pk if process else 'all'}:{months}:"
        f"{local:%Y-%m-%d}:{connection.vendor}"
    )
    tables = cache.get(key)
    if tables is None:
        since = _aware(month_starts(now, months)[0])
        tables = [
            group_table(grouping, process=process, since=since)
            for grouping in GROUPINGS.values()
        ]
        cache.set(key, tables, CACHE_SECONDS)
    return tables
