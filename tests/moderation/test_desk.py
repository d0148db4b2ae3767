"""The facilitator's desk: the Facilitation panel of /staff/ and its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import LiveSession, SessionStatus
from participation.accounts.models import Role
from participation.accounts.selectors import standing_of
from participation.moderation import desk, services
from tests import factories

pytestmark = pytest.mark.django_db

DESK = "/staff/facilitation/"


@pytest.fixture
def other_process(db):
    return factories.ProcessFactory(title_en="Other process")


def _session(process, by, **fields):
    now = timezone.now()
    values = {
        "title": "Station square workshop",
        "starts_at": now - timedelta(minutes=30),
        "ends_at": now + timedelta(hours=2),
        "status": SessionStatus.OPEN,
        "created_by": by,
    }
    values.update(fields)
    return LiveSession.objects.create(process=process, **values)


def _report(comment, n=1):
    for _ in range(n):
        services.report_create(
            reporter=factories.UserFactory(), target=comment, reason="offensive"
        )


@pytest.mark.parametrize(
    "who,status",
    [("resident", 403), ("official", 403), ("facilitator", 200), ("admin_user", 200)],
)
def test_desk_is_for_facilitators(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DESK).status_code == status


def test_anonymous_visitor_is_sent_to_log_in(client):
    assert reverse("account_login") in client.get(DESK)["Location"]


def test_facilitator_without_mfa_is_told_to_set_it_up(client, process):
    user = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=process, mfa=False
    )
    client.force_login(user)
    response = client.get(DESK)
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()


def test_desk_lists_only_my_processes(client, facilitator, process, other_process):
    client.force_login(facilitator)
    html = client.get(DESK).content.decode()
    assert reverse("moderation:process_queue", args=[process.slug]) in html
    assert reverse("moderation:log", args=[process.slug]) in html
    assert other_process.slug not in html
    assert f'href="{reverse("moderation:site_queue")}"' not in html


def test_facilitator_of_one_process_cannot_open_anothers_queue(
    client, facilitator, other_process
):
    client.force_login(facilitator)
    url = reverse("moderation:process_queue", args=[other_process.slug])
    assert client.get(url).status_code == 403


def test_site_facilitator_gets_every_process_and_the_site_queue(
    client, process, other_process
):
    site = factories.grant(factories.UserFactory(), Role.FACILITATOR)
    client.force_login(site)
    html = client.get(DESK).content.decode()
    assert process.slug in html and other_process.slug in html
    assert reverse("moderation:site_queue") in html


def test_panel_counts_reports_waiting_in_my_processes_only(
    facilitator, comment, other_process
):
    _report(comment, 2)
    other = factories.CommentFactory(
        proposal=factories.ProposalFactory(process=other_process)
    )
    _report(other, 3)
    counts = {str(c.label): c for c in desk.panel_counts(facilitator)}
    waiting = counts["reports waiting in my processes"]
    assert waiting.value == 2 and waiting.urgent


def test_panel_counts_live_sessions_of_my_processes_today(
    facilitator, process, other_process
):
    _session(process, facilitator)
    _session(other_process, facilitator)
    _session(
        process,
        facilitator,
        status=SessionStatus.SCHEDULED,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    counts = {str(c.label): c.value for c in desk.panel_counts(facilitator)}
    assert counts["live sessions today"] == 1


def test_desk_links_the_live_session_to_facilitate(client, facilitator, process):
    session = _session(process, facilitator)
    client.force_login(facilitator)
    html = client.get(DESK).content.decode()
    assert reverse("meetings:facilitate", args=[session.pk]) in html


def test_dashboard_shows_the_facilitation_panel_to_facilitators_only(
    client, facilitator, official
):
    client.force_login(facilitator)
    assert "Facilitation" in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(official)
    assert "Facilitation" not in client.get(reverse("staff:dashboard")).content.decode()


def test_panel_counts_run_a_fixed_number_of_queries(facilitator, process, comment):
    desk.panel_counts(facilitator)
    with CaptureQueriesContext(connection) as few:
        desk.panel_counts(facilitator)
    for n in range(4):
        extra = factories.ProcessFactory()
        factories.grant(facilitator, Role.FACILITATOR, process=extra, mfa=False)
        _session(extra, facilitator)
    _report(comment, 3)
    standing_of(facilitator)  # the grants above dropped the cached standing
    with CaptureQueriesContext(connection) as more:
        desk.panel_counts(facilitator)
    assert len(more.captured_queries) == len(few.captured_queries)


def test_desk_page_query_count_does_not_grow_with_processes(
    client, facilitator, process
):
    client.force_login(facilitator)
    client.get(DESK)
    with CaptureQueriesContext(connection) as few:
        client.get(DESK)
    for n in range(4):
        extra = factories.ProcessFactory()
        factories.grant(facilitator, Role.FACILITATOR, process=extra, mfa=False)
        _session(extra, facilitator)
    with CaptureQueriesContext(connection) as more:
        client.get(DESK)
    assert len(more.captured_queries) == len(few.captured_queries)
