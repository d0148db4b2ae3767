from __future__ import annotations

from datetime import timedelta

import pytest
from channels.layers import channel_layers
from django.utils import timezone

from meetings.models import LiveSession, Opinion, SessionStatus
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    """Each test gets a new in-memory channel layer (its own groups and queues)."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "participation.live.layers.InMemoryChannelLayer"}
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def make_session(process, facilitator, **fields) -> LiveSession:
    now = timezone.now()
    values = {
        "title": "駅前再開発について話し合う会",
        "starts_at": now - timedelta(minutes=30),
        "ends_at": now + timedelta(hours=2),
        "venue": "県民ホール 第2会議室",
        "status": SessionStatus.OPEN,
        "opened_at": now - timedelta(minutes=30),
        "created_by": facilitator,
    }
    values.update(fields)
    return LiveSession.objects.create(process=process, **values)


def make_opinion(session, author=None, **fields) -> Opinion:
    values = {"body": "駐輪場をもっと増やしてほしいです。", "author": author}
    if author is None:
        values.update(guest_name="ゲスト 花子", guest_key="k" * 32)
    values.update(fields)
    return Opinion.objects.create(session=session, **values)


@pytest.fixture
def live_session(db, process, facilitator):
    return make_session(process, facilitator)


@pytest.fixture
def scheduled_session(db, process, facilitator):
    return make_session(
        process,
        facilitator,
        status=SessionStatus.SCHEDULED,
        opened_at=None,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )


@pytest.fixture
def resident3(db):
    return factories.UserFactory(real_name="Saburo Tanaka")
