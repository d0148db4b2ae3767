"""Daily and weekly digests: at the configured local hour, once per period,
grouped by proposal with counts, answers at the top, nothing when empty; and the
periodic jobs' registry."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from participation.notifications import digests, periodic, services
from participation.notifications.models import Digest, PeriodicRun, SendStatus
from tests import factories

TOKYO = ZoneInfo("Asia/Tokyo")


def _at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def digest_settings(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    settings.NOTIFY_DIGEST_HOUR = 7
    settings.NOTIFY_DIGEST_WEEKDAY = 0  # Monday


def _comment(user, proposal_no, n=1):
    for i in range(n):
        services.notify(
            recipient_ids={user.pk: "follower"},
            kind="comment.created",
            url=f"/proposals/{proposal_no}/#c{i}",
            data={"title": f"提案{proposal_no}", "actor": f"Person {i}"},
        )


def test_daily_period_ends_at_the_local_hour(digest_settings):
    assert digests.period_bounds("daily", _at(11, 6, 59)) == (_at(9, 7), _at(10, 7))
    assert digests.period_bounds("daily", _at(11, 7)) == (_at(10, 7), _at(11, 7))


def test_weekly_period_ends_on_the_weekday(digest_settings):
    # 2026-03-16 is a Monday.
    assert digests.period_bounds("weekly", _at(16, 7)) == (_at(9, 7), _at(16, 7))
    assert digests.period_bounds("weekly", _at(16, 6)) == (_at(2, 7), _at(9, 7))
    assert digests.period_bounds("weekly", _at(18, 12)) == (_at(9, 7), _at(16, 7))


@pytest.mark.django_db(transaction=True)
def test_daily_digest_is_sent_once_at_its_hour_grouped_with_counts(
    digest_settings, smtp, run_worker
):
    user = factories.UserFactory(language="en")
    quiet = factories.UserFactory()
    with time_machine.travel(_at(10, 12), tick=False):
        _comment(user, 1, n=2)
        _comment(user, 2)
        services.notify(
            recipient_ids={user.pk: "supporter"},
            kind="response.published",
            url="/proposals/3/",
            data={"title": "提案3", "department": "土木部"},
        )
        run_worker()
    assert len(smtp.received) == 1  # the answer, at once
    with time_machine.travel(_at(11, 6, 59), tick=False):
        periodic.run_due()
        run_worker()
    assert len(smtp.received) == 1  # not yet
    with time_machine.travel(_at(11, 7, 1), tick=False):
        periodic.run_due()
        run_worker()
    assert len(smtp.received) == 2
    digest = smtp.received[1]
    assert digest.recipients == [user.email]
    text = digest.message.get_body(("plain",)).get_content()
    assert "Your daily digest" in text
    assert text.index("Answers about your proposals") < text.index("What is new")
    assert "土木部 published a response to “提案3”." in text
    assert "提案1 (2 notifications)" in text
    assert "提案2 (1 notification)" in text
    assert "https://participation.example.jp/proposals/1/\r\n" in text
    assert digest.message.get_body(("html",)) is not None
    assert "/notifications/unsubscribe/" in digest.message["List-Unsubscribe"]
    # The job runs again in the same period (next slot, another worker): nothing.
    with time_machine.travel(_at(11, 7, 12), tick=False):
        PeriodicRun.objects.filter(name="notifications.digest.daily").delete()
        periodic.run_due()
        run_worker()
    assert len(smtp.received) == 2
    assert Digest.objects.filter(user=quiet).count() == 0  # nothing new: none
    assert Digest.objects.get(period="daily").status == SendStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_weekly_digest_only_on_its_day(digest_settings, smtp, run_worker):
    user = factories.UserFactory(language="en")
    services.email_preferences_set(user=user, modes={"discussion": "weekly"})
    with time_machine.travel(_at(12, 9), tick=False):
        _comment(user, 5)
    with time_machine.travel(_at(13, 7, 5), tick=False):  # Friday
        periodic.run_due()
        run_worker()
    assert smtp.received == []
    with time_machine.travel(_at(16, 7, 5), tick=False):  # Monday
        periodic.run_due()
        run_worker()
    [got] = smtp.received
    assert "Your weekly digest" in got.message.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_nothing_in_the_period_creates_no_digest(digest_settings):
    factories.UserFactory()
    with time_machine.travel(_at(11, 7, 1), tick=False):
        assert digests.create_digests("daily", _at(10, 7), _at(11, 7)) == []
    assert not Digest.objects.exists()


@pytest.mark.django_db
def test_a_periodic_job_runs_once_per_slot():
    calls = []
    periodic.register("test.job", calls.append, every=timedelta(hours=1))
    try:
        with time_machine.travel(_at(10, 9, 5), tick=False):
            periodic.run_due()
            periodic.run_due()
        with time_machine.travel(_at(10, 9, 55), tick=False):
            periodic.run_due()
        with time_machine.travel(_at(10, 10, 0), tick=False):
            periodic.run_due()
    finally:
        periodic.REGISTRY.pop("test.job")
    assert [c.astimezone(TOKYO).hour for c in calls] == [9, 10]


@pytest.mark.django_db
def test_a_failing_periodic_job_does_not_stop_the_others():
    ran = []

    def broken(now):
        raise RuntimeError("boom")

    periodic.register("test.broken", broken, every=timedelta(minutes=5))
    periodic.register(
        "test.fine", lambda now: ran.append(now) or 1, every=timedelta(minutes=5)
    )
    try:
        results = periodic.run_due()
    finally:
        periodic.REGISTRY.pop("test.broken")
        periodic.REGISTRY.pop("test.fine")
    assert results["test.fine"] == 1 and "test.broken" not in results
