"""Scorecard figures on a small known dataset (run on SQLite and on PostgreSQL), and
fixed query counts whatever the number of departments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from responses import clock, selectors, services
from tests import factories
from tests.responses.conftest import ANSWER, REASON

DAYS = (10, 20, 30, 40)  # days to decision of the four answered proposals


@pytest.fixture
def dataset(db, department, other_department, official, other_official, admin_user):
    """Five proposals for ``department`` (response_days = 30): answered after 10, 20,
    30 (on the deadline) and 40 days, and one never answered; one more for the other
    department, answered after 5 days."""
    start = timezone.now() - timedelta(days=60)
    process = factories.ProcessFactory(response_days=30)
    decisions = ("accepted", "not_adopted", "partially_accepted", "accepted")
    entries = []
    for index in range(5):
        proposal = factories.ProposalFactory(process=process)
        with clock.frozen(start):
            entry = services.tracker_forward(actor=admin_user, proposal=proposal)
            services.tracker_assign(
                actor=admin_user, entry=entry, department=department
            )
        entries.append(entry)
    for entry, days, decision in zip(entries, DAYS, decisions, strict=False):
        with clock.frozen(start + timedelta(days=days)):
            services.response_publish(
                actor=official,
                entry=entry,
                decision=decision,
                body=ANSWER if decision == "accepted" else REASON,
            )
    with clock.frozen(start + timedelta(days=50)):
        services.progress_post(
            actor=official,
            entry=entries[0],
            status="completed",
            percent=100,
            body="設置工事が完了しました。",
        )
    entries[0].refresh_from_db()
    for satisfied in (True, False):
        services.response_rate(
            user=factories.UserFactory(),
            response=entries[0].response,
            clear=True,
            satisfied=satisfied,
        )
    other = factories.ProposalFactory(process=process)
    with clock.frozen(start):
        other_entry = services.tracker_forward(actor=admin_user, proposal=other)
        services.tracker_assign(
            actor=admin_user, entry=other_entry, department=other_department
        )
    with clock.frozen(start + timedelta(days=5)):
        services.response_publish(
            actor=other_official, entry=other_entry, decision="accepted", body=ANSWER
        )
    return entries


def test_counts_received_answered_and_overdue(dataset, department):
    figures = selectors.department_figures(department)
    assert (figures.received, figures.answered, figures.overdue) == (5, 4, 1)
    assert figures.answered_share == 80


def test_median_and_90th_percentile_days_to_decision(dataset, department):
    figures = selectors.department_figures(department)
    assert figures.median_days == pytest.approx(25.0, abs=0.01)
    assert figures.p90_days == pytest.approx(37.0, abs=0.01)


def test_share_answered_on_time_counts_the_deadline_day_as_on_time(dataset, department):
    figures = selectors.department_figures(department)
    # 10, 20 and 30 days are on time; 40 days is late; the unanswered one is overdue.
    assert (figures.answered_on_time, figures.due_or_answered) == (3, 5)
    assert figures.on_time_share == 60


def test_decision_mix_and_completion_rate(dataset, department):
    figures = selectors.department_figures(department)
    assert figures.decisions["accepted"] == 2
    assert figures.decisions["not_adopted"] == 1
    assert figures.decisions["partially_accepted"] == 1
    assert figures.decisions["awaiting"] == 1
    assert (figures.completed, figures.accepting) == (1, 3)
    assert figures.completion_rate == 33


def test_days_to_decision_distribution(dataset, department):
    figures = selectors.department_figures(department)
    # buckets: 0–7, 8–14, 15–30, 31–60, 61–90, 91+
    assert figures.buckets == [0, 1, 2, 1, 0, 0]


def test_residents_satisfaction_per_department(dataset, department, other_department):
    board = selectors.scorecards()
    rows = {row.department: row for row in board.rows}
    assert rows[department].ratings.satisfied_share == 50
    assert rows[other_department].ratings.count == 0


def test_every_department_has_a_row_with_its_own_figures(
    dataset, department, other_department
):
    board = selectors.scorecards()
    rows = {row.department: row for row in board.rows}
    assert rows[department].median_days == pytest.approx(25.0, abs=0.01)
    assert rows[other_department].median_days == pytest.approx(5.0, abs=0.01)
    assert (board.total.received, board.total.answered) == (6, 5)
    assert board.total.median_days == pytest.approx(20.0, abs=0.01)


def test_scorecards_query_count_does_not_grow_with_departments(dataset):
    with CaptureQueriesContext(connection) as few:
        selectors.scorecards()
    factories.DepartmentFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        selectors.scorecards()
    assert len(many) == len(few)


def test_monthly_series_counts_received_and_answered(dataset):
    starts, received, answered = selectors.monthly_series()
    assert len(starts) == 12
    assert sum(received) == 6
    assert sum(answered) == 5


def test_percentile_interpolates_like_percentile_cont():
    assert selectors.percentile([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37.0)
    assert selectors.percentile([7.0], 0.5) == 7.0
    assert selectors.percentile([], 0.5) is None


def test_answered_count_for_the_home_page(dataset):
    assert selectors.answered_proposal_count() == 5


def test_disputes_count_on_the_scorecard(disputed, department):
    figures = selectors.department_figures(department)
    assert (figures.disputed_ever, figures.disputed_open) == (1, 1)


def test_questionnaire_answers_count_on_the_scorecards(
    completed, department, other_department, resident, supporter, client
):
    from responses.models import OutcomeCheck

    services.outcome_check(user=supporter, entry=completed, verdict="confirmed")
    services.outcome_check(
        user=resident,
        entry=completed,
        verdict="disputed",
        reason="日よけは一部の遊具にしか設置されていません。",
    )
    assert OutcomeCheck.objects.count() == 2
    figures = selectors.department_figures(department)
    assert (figures.confirmations, figures.disputes) == (1, 1)
    assert figures.confirmed_share == 50
    board = selectors.scorecards()
    rows = {row.department.pk: row for row in board.rows}
    assert (rows[department.pk].confirmations, rows[department.pk].disputes) == (1, 1)
    assert rows[other_department.pk].confirmed_share is None
    assert (board.total.confirmations, board.total.disputes) == (1, 1)
    page = client.get(department.get_absolute_url()).content.decode()
    assert "of residents confirmed completion (1 yes, 1 no)" in page
