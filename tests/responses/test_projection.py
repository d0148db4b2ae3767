"""One projection of a tracker entry (``responses/projection.py``) feeds four doors:
tracker.json, the tracker CSV, the open-data tracker rows and the API summary.

The doors' output must not change. The functions below ending in ``_before`` are
verbatim copies of each door's hand projection as it was before the projection
existed (captured before the change); every test compares a door's output today
with theirs on the demo data (every decision, implementation status, overdue,
disputed, referred and unassigned entries), byte for byte or value for value with
types."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation import csvwriter
from participation.site_url import absolute_url
from portal.opendata import datasets
from responses import selectors, views
from responses.models import TrackerEntry

NOW = datetime(2026, 12, 2, 14, 59, 30, 123456, tzinfo=UTC)

CSV_COLUMNS_BEFORE = [
    "proposal_id",
    "title",
    "url",
    "process",
    "category",
    "area",
    "department",
    "decision",
    "implementation",
    "implementation_percent",
    "entered_at",
    "entered_via",
    "response_due_at",
    "decided_at",
    "days_to_decision",
    "answered_on_time",
    "overdue",
    "days_overdue",
    "referred_to",
    "disputed",
    "supports",
    "last_update_at",
    "last_update",
]


def csv_rows_before(rows: Iterator[TrackerEntry]) -> Iterator[list[Any]]:
    for entry in rows:
        proposal = entry.proposal
        yield [
            proposal.pk,
            proposal.title,
            absolute_url(proposal.get_absolute_url()),
            entry.process.slug,
            proposal.category.slug if proposal.category else "",
            proposal.area.slug if proposal.area else "",
            entry.department.code if entry.department else "",
            entry.decision,
            entry.implementation,
            ""
            if entry.implementation_percent is None
            else entry.implementation_percent,
            entry.entered_at.isoformat(),
            entry.entered_via,
            entry.response_due_at.isoformat(),
            entry.decided_at.isoformat() if entry.decided_at else "",
            "" if entry.days_to_decision is None else entry.days_to_decision,
            {True: "yes", False: "no", None: ""}[entry.answered_on_time],
            "yes" if entry.is_overdue else "no",
            entry.days_overdue,
            entry.referred_to,
            "yes" if entry.is_disputed else "no",
            proposal.support_count,
            entry.last_update_at.isoformat(),
            entry.last_update_kind,
        ]


def opendata_rows_before() -> Iterator[list[Any]]:
    now = timezone.now()
    rows = (
        TrackerEntry.objects.filter(
            process_id__in=datasets._public_processes(),
            proposal__hidden_at__isnull=True,
        )
        .order_by("id")
        .values_list(
            "proposal_id",
            "process__slug",
            "department__code",
            "entered_at",
            "entered_via",
            "response_due_at",
            "decision",
            "decided_at",
            "referred_to",
            "response_id",
            "implementation",
            "implementation_percent",
            "completed_at",
            "disputed_at",
        )
    )
    for (
        proposal_id,
        process,
        department,
        entered_at,
        entered_via,
        due,
        decision,
        decided_at,
        referred_to,
        response_id,
        implementation,
        percent,
        completed_at,
        disputed_at,
    ) in rows:
        yield [
            proposal_id,
            process,
            department or "",
            entered_at,
            entered_via,
            due,
            decision,
            decided_at,
            decided_at is None and due < now,
            referred_to,
            response_id,
            implementation,
            percent,
            completed_at,
            disputed_at is not None,
        ]


def entry_summary_before(entry: TrackerEntry) -> dict[str, Any]:
    return {
        "decision": entry.decision,
        "decision_label": entry.get_decision_display(),
        "implementation": entry.implementation,
        "implementation_percent": entry.implementation_percent,
        "department": entry.department.code if entry.department else None,
        "department_name": entry.department_label,
        "entered_at": entry.entered_at,
        "response_due_at": entry.response_due_at,
        "decided_at": entry.decided_at,
        "overdue": entry.is_overdue,
        "days_overdue": entry.days_overdue,
        "disputed": entry.is_disputed,
        "response_id": entry.response_id,
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Seeded at a fixed instant, so that the data (and so the output) is the same
    # on every run.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(NOW, tick=False),
    ):
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo", "frozen_now")]


def typed(rows: Any) -> list[str]:
    """Rows as text that tells the types apart (True from 1, "" from None)."""
    return [repr(row) for row in rows]


def test_the_demo_covers_the_cases():
    entries = list(TrackerEntry.objects.all())
    assert len(entries) > 10
    assert any(e.is_overdue for e in entries)
    assert any(e.is_disputed for e in entries)
    assert any(e.department_id is None for e in entries)
    assert any(e.referred_to for e in entries)
    assert any(e.implementation_percent is not None for e in entries)


def _with_review(rows: Iterator[TrackerEntry]) -> Iterator[list[Any]]:
    """The columns added since (the review date, the section), after the old
    ones."""
    entries = list(rows)
    for entry, row in zip(entries, csv_rows_before(iter(entries)), strict=True):
        review_on = entry.review_on.isoformat() if entry.review_on else None
        section = entry.section.code if entry.section else None
        yield [*row, review_on, "yes" if entry.review_due else "no", section]


def test_the_csv_is_byte_for_byte_what_it_was(client):
    served = b"".join(client.get("/tracker/export.csv").streaming_content)
    before = b"".join(
        csvwriter.csv_chunks(
            [*CSV_COLUMNS_BEFORE, "review_on", "review_due", "section"],
            _with_review(selectors.csv_rows(selectors.TrackerFilters())),
        )
    )
    assert served.count(b"\r\n") > 10
    assert served == before


def test_the_open_data_tracker_rows_are_what_they_were(client):
    assert typed(datasets.TRACKER.rows()) == typed(
        [*row, entry.section.code if entry.section else ""]
        for row, entry in zip(
            opendata_rows_before(),
            TrackerEntry.objects.filter(
                process_id__in=datasets._public_processes(),
                proposal__hidden_at__isnull=True,
            )
            .select_related("section")
            .order_by("id"),
            strict=True,
        )
    )
    served = client.get("/opendata/tracker.csv")
    assert served.status_code == 200


def test_the_api_summary_is_what_it_was():
    entries = list(TrackerEntry.objects.select_related("department"))
    assert [repr(selectors.entry_summary(e)) for e in entries] == [
        repr(
            entry_summary_before(e)
            | {"review_on": e.review_on, "review_due": e.review_due}
            | {
                "section": e.section.code if e.section else None,
                "section_name": e.section_label,
            }
        )
        for e in entries
    ]


def queries_of(rows: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        list(rows)
    return len(queries)


def test_the_doors_make_the_queries_they_made():
    filters = selectors.TrackerFilters()
    assert queries_of(views._csv_rows(selectors.csv_rows(filters))) == queries_of(
        csv_rows_before(selectors.csv_rows(filters))
    )
    assert queries_of(datasets.TRACKER.rows()) == queries_of(opendata_rows_before())
    assert queries_of(datasets.TRACKER.rows()) == 1
