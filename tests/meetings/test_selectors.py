"""Reads of a meeting session: the stream and the minutes."""

from __future__ import annotations

from meetings import selectors, services
from meetings.models import SessionTheme
from tests.meetings.conftest import make_opinion


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
