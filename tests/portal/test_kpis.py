"""Participation KPIs and the /stats/ page: figures, privacy floor, query count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.opendata import kpis
from portal.opendata.kpis import participation_kpis
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 15, 12, 0))
LAST_MONTH = timezone.make_aware(datetime(2026, 2, 10, 12, 0))


def this_month(report):
    return report.months[-1]


def take_part(process, n, *, when=NOW):
    """``n`` residents each post a proposal, a comment and a support."""
    people = [factories.UserFactory() for _ in range(n)]
    for person in people:
        proposal = factories.ProposalFactory(
            process=process, author=person, created_at=when
        )
        factories.CommentFactory(proposal=proposal, author=person, created_at=when)
        factories.SupportFactory(proposal=proposal, user=person, created_at=when)
    return people


def test_a_resident_acting_three_ways_counts_as_one_participant(process):
    take_part(process, 5)
    month = this_month(participation_kpis(now=NOW))
    assert month.participants == 5
    assert month.proposals == 5
    assert month.comments == 5
    assert month.supports == 5


def test_fewer_than_five_participants_are_withheld(process):
    take_part(process, 3)
    month = this_month(participation_kpis(now=NOW))
    assert month.participants is None
    assert month.supports is None
    assert {"participants", "supports"} <= set(month.suppressed)
    assert month.proposals == 3  # content counts are public anyway


def test_zero_participants_is_shown_as_zero(process):
    month = this_month(participation_kpis(now=NOW))
    assert month.participants == 0
    assert month.suppressed == []


def test_new_participants_are_counted_in_their_first_month_only(process):
    people = take_part(process, 5, when=LAST_MONTH)
    for person in people:
        factories.ProposalFactory(process=process, author=person, created_at=NOW)
    take_part(process, 6)
    report = participation_kpis(now=NOW)
    assert report.months[-2].new_participants == 5
    assert report.months[-1].new_participants == 6
    assert report.months[-1].participants == 11


def test_months_run_to_the_current_month(process):
    report = participation_kpis(now=NOW, months=6)
    assert [m.month.strftime("%Y-%m") for m in report.months] == [
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]


# 30 Nov, 14:59 UTC is 23:59 in Tokyo; 15:01 UTC is already 1 December there.
@pytest.mark.parametrize(
    ("now", "month"),
    [
        pytest.param(
            datetime(2026, 11, 30, 14, 59, tzinfo=UTC), "2026-11", id="23:59JST"
        ),
        pytest.param(
            datetime(2026, 11, 30, 15, 1, tzinfo=UTC), "2026-12", id="00:01JST"
        ),
    ],
)
def test_stats_page_current_month_is_the_local_month(client, process, now, month):
    with time_machine.travel(now, tick=False):
        take_part(process, 5, when=timezone.now())
        report = client.get("/stats/").context["report"]
    assert this_month(report).month.strftime("%Y-%m") == month
    assert this_month(report).participants == 5


def test_monthly_figures_split_at_local_midnight(process):
    take_part(process, 5, when=datetime(2026, 11, 30, 14, 30, tzinfo=UTC))
    take_part(process, 6, when=datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    november, december = participation_kpis(
        now=datetime(2026, 12, 15, 3, 0, tzinfo=UTC)
    ).months[-2:]
    assert (november.proposals, december.proposals) == (5, 6)
    assert (november.participants, december.participants) == (5, 6)


def test_per_process_report_counts_only_that_process(process):
    other = factories.ProcessFactory()
    take_part(process, 5)
    take_part(other, 7)
    assert this_month(participation_kpis(process=other, now=NOW)).participants == 7
    assert this_month(participation_kpis(now=NOW)).participants == 12


def test_small_processes_are_merged_into_other(process):
    small_a = factories.ProcessFactory()
    small_b = factories.ProcessFactory()
    take_part(process, 6)
    take_part(small_a, 2)
    take_part(small_b, 1)
    rows = participation_kpis(now=NOW).by_process
    named = [row for row in rows if row.process is not None]
    assert [row.process for row in named] == [process]
    (other,) = [row for row in rows if row.process is None]
    assert other.merged == 2
    assert other.participants is None  # 3 people: still fewer than five
    assert other.proposals == 3


def test_merged_small_processes_show_their_total_when_it_reaches_five(process):
    for _ in range(3):
        take_part(factories.ProcessFactory(), 2)
    (other,) = [r for r in participation_kpis(now=NOW).by_process if r.process is None]
    assert other.participants == 6


def test_satisfaction_needs_five_ratings(process, department, official):
    from tests.portal.helpers import publish_response, rate

    entry, response = publish_response(process, department, official, when=NOW)
    for satisfied in (True, True, False, True):
        rate(response, satisfied=satisfied, when=NOW)
    month = this_month(participation_kpis(now=NOW))
    assert month.satisfaction is None
    assert "satisfaction" in month.suppressed
    rate(response, satisfied=True, when=NOW)
    kpis_cache_clear()
    assert this_month(participation_kpis(now=NOW)).satisfaction == 80


def test_share_answered_and_median_days(process, department, official):
    from tests.portal.helpers import enter, publish_response

    publish_response(process, department, official, when=NOW, entered_days_before=10)
    enter(factories.ProposalFactory(process=process), department, when=NOW)
    month = this_month(participation_kpis(now=NOW))
    assert month.answered_percent == 50
    assert month.median_days_to_decision == 10.0


def test_report_as_dict_is_json_ready(process):
    take_part(process, 3)
    data = participation_kpis(now=NOW).as_dict()
    json.dumps(data)
    assert data["min_group"] == 5
    assert data["months"][-1]["participants"] is None
    assert "participants" in data["months"][-1]["suppressed"]


def test_unsupported_month_count_is_refused():
    with pytest.raises(ValueError):
        participation_kpis(months=7)


def kpis_cache_clear():
    from django.core.cache import cache

    cache.clear()


# --- the page -------------------------------------------------------------------------


def test_stats_page_draws_svg_charts_with_table_fallbacks(client, process):
    take_part(process, 5)
    html = client.get("/stats/").content.decode()
    assert html.count('<svg class="chart"') == 8
    assert 'role="img"' in html
    assert html.count("<table") >= 8


def test_stats_page_says_fewer_than_five(client, process):
    take_part(process, 2)
    html = client.get("/stats/").content.decode()
    assert "fewer than 5" in html


def test_stats_page_for_one_process(client, process):
    take_part(process, 5)
    response = client.get("/stats/", {"process": process.slug, "months": "24"})
    assert response.status_code == 200
    assert response.context["report"].process == process
    assert len(response.context["report"].months) == 24


def test_stats_page_refuses_unknown_process_with_400(client):
    response = client.get("/stats/", {"process": "nope"})
    assert response.status_code == 400
    assert "There is no such process." in response.content.decode()


def test_stats_page_refuses_unknown_period_with_400(client):
    assert client.get("/stats/", {"months": "7"}).status_code == 400
    assert client.get("/stats/", {"months": "x"}).status_code == 400


def test_stats_page_query_count_does_not_grow_with_data(client, process):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    take_part(process, 5)
    for _ in range(2):
        take_part(factories.ProcessFactory(), 1)
    with CaptureQueriesContext(connection) as small:
        client.get("/stats/")
    kpis_cache_clear()
    take_part(process, 8)
    for _ in range(3):
        take_part(factories.ProcessFactory(), 6)
    with CaptureQueriesContext(connection) as large:
        client.get("/stats/")
    # 31 on SQLite, 32 on PostgreSQL (its median is one more aggregate): 17 for
    # the monthly figures, 13 for the tables by age band and by municipality, one
    # for how many gave each attribute.
    assert len(small.captured_queries) == len(large.captured_queries) <= 32


def test_stats_are_cached_briefly(client, process, django_assert_num_queries):
    client.get("/stats/")
    with django_assert_num_queries(1):  # the process list of the filter form
        client.get("/stats/")


def test_window_ignores_activity_before_it(process):
    take_part(process, 5, when=NOW - timedelta(days=400))
    report = participation_kpis(now=NOW, months=12)
    assert report.totals.proposals == 0
    assert kpis.MIN_GROUP == 5
