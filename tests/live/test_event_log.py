"""Reconnect catch-up from the live event log."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participation.live import selectors as event_log
from participation.live.models import LiveEvent


def _event(group="proposal.1", **fields):
    return LiveEvent.objects.create(
        group=group, type="proposal.counts_changed", **fields
    )


def test_catch_up_returns_the_events_after_the_last_seen_one(db):
    seen = _event(created_at=timezone.now() - timedelta(minutes=5))
    missed = [_event(), _event()]
    _event(group="proposal.2")
    result = event_log.events_since("proposal.1", seen.pk, limit=10)
    assert result.complete
    assert [e.pk for e in result.events] == [e.pk for e in missed]


def test_catch_up_replays_events_written_just_before_the_last_seen_one(db):
    slow = _event()  # id taken earlier, committed later
    seen = _event()
    result = event_log.events_since("proposal.1", seen.pk, limit=10)
    assert [e.pk for e in result.events] == [slow.pk]


def test_catch_up_is_incomplete_when_the_last_seen_event_was_pruned(db):
    seen = _event()
    _event()
    LiveEvent.objects.filter(pk=seen.pk).delete()
    result = event_log.events_since("proposal.1", seen.pk, limit=10)
    assert not result.complete and result.events == []


def test_catch_up_is_incomplete_when_too_much_was_missed(db):
    seen = _event(created_at=timezone.now() - timedelta(minutes=5))
    for _ in range(4):
        _event()
    result = event_log.events_since("proposal.1", seen.pk, limit=3)
    assert not result.complete
    assert len(result.events) == 3


def test_catch_up_from_zero_returns_everything_kept(db):
    first, second = _event(), _event()
    result = event_log.events_since("proposal.1", 0, limit=10)
    assert result.complete and [e.pk for e in result.events] == [first.pk, second.pk]


def test_latest_event_id_of_a_quiet_group_is_zero(db):
    assert event_log.latest_event_id("proposal.99") == 0
