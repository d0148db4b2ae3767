"""Reads: reconnect catch-up from the event log, the stream and the minutes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meetings import selectors, services
from meetings.models import SessionTheme
from participation.live import selectors as event_log
from participation.live.models import LiveEvent
from tests.live.conftest import make_opinion


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


def test_stream_lists_pinned_visible_opinions_on_top(
    live_session, facilitator, resident
):
    first = make_opinion(live_session, resident, body="一番目")
    second = make_opinion(live_session, resident, body="二番目")
    services.opinion_pin(actor=facilitator, opinion=second, pinned=True)
    hidden = make_opinion(live_session, resident, body="隠す")
    services.opinion_pin(actor=facilitator, opinion=hidden, pinned=True)
    services.opinion_hide(
        actor=facilitator, opinion=hidden, reason_code="other", reason="理由です"
    )
    stream = selectors.stream(live_session)
    assert [o.pk for o in stream.items] == [first.pk, second.pk, hidden.pk]
    assert [o.pk for o in stream.pinned] == [second.pk]
    assert stream.total == 2


def test_minutes_group_opinions_by_theme_in_the_facilitators_order(
    live_session, resident, resident2
):
    traffic = SessionTheme.objects.create(session=live_session, name="交通", position=1)
    parks = SessionTheme.objects.create(session=live_session, name="公園", position=2)
    a = make_opinion(live_session, resident, body="a", theme=parks)
    b = make_opinion(live_session, resident2, body="b", theme=traffic)
    c = make_opinion(live_session, resident, body="c")
    guest = make_opinion(live_session, body="d")
    minutes = selectors.minutes(live_session)
    assert [(g.theme, [o.pk for o in g.opinions]) for g in minutes.groups] == [
        (traffic, [b.pk]),
        (parks, [a.pk]),
        (None, [c.pk, guest.pk]),
    ]
    assert (minutes.opinion_count, minutes.participant_count, minutes.guest_count) == (
        4,
        2,
        1,
    )
