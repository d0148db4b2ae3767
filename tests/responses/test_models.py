"""A tracker entry's day counts are local calendar days (settings.TIME_ZONE,
Asia/Tokyo in tests): "due 5 Dec" is read as a date, so the counts turn at local
midnight (15:00 UTC), not 24 hours after the deadline or the entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from responses import clock
from responses.models import TrackerEntry

# 14:00 UTC is 23:00 in Tokyo: the local date is the same as the UTC date.
ENTERED = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 1 Dec, 23:00 JST
DUE = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # 5 Dec, 23:00 JST


def _entry(**overrides) -> TrackerEntry:
    values = {"entered_at": ENTERED, "response_due_at": DUE, "last_update_at": ENTERED}
    values.update(overrides)
    return TrackerEntry(**values)


def _at(*args: int):
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        pytest.param((2026, 12, 4, 14, 59), 1, id="4Dec-23:59JST-due-tomorrow"),
        pytest.param((2026, 12, 4, 15, 1), 0, id="5Dec-00:01JST-the-last-day"),
        pytest.param((2026, 12, 5, 13, 59), 0, id="5Dec-22:59JST-still-the-last-day"),
        pytest.param((2026, 12, 2, 15, 1), 2, id="3Dec-00:01JST"),
    ],
)
def test_days_left_counts_local_dates_until_the_due_date(now, days):
    with _at(*now):
        assert _entry().days_left == days


@pytest.mark.parametrize(
    ("now", "days"),
    [
        pytest.param(
            (2026, 12, 5, 14, 30), 1, id="5Dec-23:30JST-past-the-deadline-that-day"
        ),
        pytest.param((2026, 12, 6, 14, 59), 1, id="6Dec-23:59JST"),
        pytest.param((2026, 12, 6, 15, 1), 2, id="7Dec-00:01JST"),
    ],
)
def test_days_overdue_counts_local_dates_since_the_due_date(now, days):
    with _at(*now):
        entry = _entry()
        assert entry.is_overdue
        assert entry.days_overdue == days
        assert entry.days_left == 0


@pytest.mark.parametrize(
    ("now", "days"),
    [
        pytest.param((2026, 12, 1, 14, 59), 0, id="1Dec-23:59JST-the-day-it-entered"),
        pytest.param((2026, 12, 1, 15, 1), 1, id="2Dec-00:01JST"),
        pytest.param((2026, 12, 3, 15, 1), 3, id="4Dec-00:01JST"),
    ],
)
def test_days_waiting_counts_local_dates_since_the_entry(now, days):
    with _at(*now):
        assert _entry().days_waiting == days


def test_day_counts_follow_the_frozen_tracker_clock():
    with _at(2026, 12, 2, 1, 0), clock.frozen(datetime(2026, 12, 8, 15, 1, tzinfo=UTC)):
        entry = _entry()
        assert entry.is_overdue
        assert entry.days_overdue == 4  # 9 Dec JST − 5 Dec
        assert entry.days_waiting == 8  # 9 Dec JST − 1 Dec
