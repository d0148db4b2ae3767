"""The one module that names groups and broadcasts: event log, commit, faults."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from participation.live import broadcast
from participation.live.models import LiveEvent


def _receive(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def _join(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def test_event_to_a_proposal_is_logged_and_delivered_with_its_id(
    db, django_capture_on_commit_callbacks
):
    channel = _join("proposal.7")
    with django_capture_on_commit_callbacks(execute=True):
        event_id = broadcast.send(
            "proposal.7", "proposal.counts_changed", {"proposal_id": 7}
        )
    message = _receive(channel)
    assert message == {
        "type": "proposal.counts_changed",
        "proposal_id": 7,
        "event_id": event_id,
    }
    logged = LiveEvent.objects.get(pk=event_id)
    assert (logged.group, logged.type, logged.payload) == (
        "proposal.7",
        "proposal.counts_changed",
        {"proposal_id": 7},
    )


def test_events_to_a_user_group_are_not_logged(db, django_capture_on_commit_callbacks):
    channel = _join("user.3")
    with django_capture_on_commit_callbacks(execute=True):
        assert broadcast.send("user.3", "user.notification", {"kind": "x"}) is None
    assert _receive(channel) == {"type": "user.notification", "kind": "x"}
    assert not LiveEvent.objects.exists()


def test_nothing_is_sent_or_logged_when_the_write_rolls_back(
    db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        broadcast.send("proposal.1", "proposal.counts_changed", {"proposal_id": 1})
        raise RuntimeError
    assert callbacks == []
    assert not LiveEvent.objects.exists()


def test_a_payload_cannot_override_the_event_type(
    db, django_capture_on_commit_callbacks
):
    channel = _join("tracker")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast.send(
            "tracker", "tracker.row_changed", {"type": "evil", "proposal_id": 1}
        )
    assert _receive(channel)["type"] == "tracker.row_changed"


@pytest.fixture
def unreachable_redis(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    broadcast._failure_logged.clear()
    yield
    broadcast._failure_logged.clear()


def test_posting_succeeds_and_the_failure_is_logged_once_when_redis_is_down(
    db,
    unreachable_redis,
    caplog,
    django_capture_on_commit_callbacks,
    proposal,
    resident2,
):
    from proposals import services as proposal_services

    caplog.set_level(logging.INFO, logger="participation.live.broadcast")
    with django_capture_on_commit_callbacks(execute=True):
        first = proposal_services.comment_create(
            author=resident2, proposal=proposal, body="一つ目のコメントです。"
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = proposal_services.comment_create(
            author=resident2, proposal=proposal, body="二つ目のコメントです。"
        )
    assert first.pk and second.pk
    failures = [
        r for r in caplog.records if r.message.startswith("Live delivery failed")
    ]
    assert len(failures) == 1


def test_recovery_after_a_failure_is_logged_once(
    db, caplog, django_capture_on_commit_callbacks
):
    broadcast._failure_logged.set()
    caplog.set_level(logging.INFO, logger="participation.live.broadcast")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast.send("proposal.2", "proposal.counts_changed", {"proposal_id": 2})
        broadcast.send("proposal.2", "proposal.counts_changed", {"proposal_id": 2})
    assert [r.message for r in caplog.records] == ["Live delivery recovered."]


def test_prune_deletes_only_events_older_than_the_retention(db, settings):
    settings.LIVE_EVENT_RETENTION_SECONDS = 3600
    old = LiveEvent.objects.create(
        group="proposal.1", type="x", created_at=timezone.now() - timedelta(hours=2)
    )
    recent = LiveEvent.objects.create(group="proposal.1", type="x")
    assert broadcast.prune_events() == 1
    assert list(LiveEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LiveEvent.objects.filter(pk=old.pk).exists()


def test_prune_command_reports_how_many_events_it_deleted(db, capsys):
    LiveEvent.objects.create(
        group="tracker", type="x", created_at=timezone.now() - timedelta(days=3)
    )
    call_command("prune_live_events")
    assert "Deleted 1 live events." in capsys.readouterr().out


@pytest.fixture
def redis_down(settings, unreachable_redis):
    """Cache and channel layer both on a Redis that does not answer."""
    import participation.cache

    settings.CACHES = {
        "default": {
            "BACKEND": "participation.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    participation.cache._down.clear()
    yield
    participation.cache._down.clear()


def test_pages_render_and_comments_post_while_redis_is_down(
    db,
    redis_down,
    login,
    proposal,
    resident2,
    caplog,
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    from proposals.models import Comment

    caplog.set_level(logging.INFO)
    client = login(resident2)
    assert (
        client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proposals:comment_create", args=[proposal.pk]),
            {"body": "Redisが止まっていても投稿できる", "alignment": "neutral"},
        )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Redisが止まっていても投稿できる").exists()
    cache_failures = [
        r for r in caplog.records if r.message.startswith("Redis cache unreachable")
    ]
    assert len(cache_failures) == 1


# --- one message to many groups (each recipient's bell) ---------------------------


@pytest.fixture
def hops(monkeypatch):
    """The hops to the channel layer's event loop (``async_to_sync`` calls)."""
    made = []
    real = broadcast.async_to_sync
    monkeypatch.setattr(
        broadcast, "async_to_sync", lambda fn: made.append(fn) or real(fn)
    )
    return made


def test_send_each_delivers_to_every_group_in_one_hop(
    db, django_capture_on_commit_callbacks, hops
):
    channels = {n: _join(f"user.{n}") for n in (11, 12, 13)}
    with django_capture_on_commit_callbacks(execute=True):
        sent = broadcast.send_each(
            [f"user.{n}" for n in (11, 12, 13, 12)], "user.notification", {"kind": "x"}
        )
    assert sent == 3
    assert len(hops) == 1
    for channel in channels.values():
        assert _receive(channel) == {"type": "user.notification", "kind": "x"}
    assert not LiveEvent.objects.exists()


def test_send_each_sends_nothing_when_the_write_rolls_back(
    db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        broadcast.send_each(["user.1", "user.2"], "user.notification", {"kind": "x"})
        raise RuntimeError
    assert callbacks == []


def test_send_each_refuses_groups_that_are_logged_or_cached(db):
    with pytest.raises(ValueError, match="use send"):
        broadcast.send_each(["user.1", "proposal.2"], "x.y", {})


def test_a_notification_to_many_people_is_one_delivery_after_commit(
    db, django_capture_on_commit_callbacks, hops
):
    from participation.notifications import services as notifications
    from tests import factories

    people = [factories.UserFactory() for _ in range(5)]
    channels = [_join(f"user.{p.pk}") for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipient_ids=[p.pk for p in people], kind="comment.created", reason=""
        )
    assert len(hops) == 1
    for channel in channels:
        assert _receive(channel) == {
            "type": "user.notification",
            "kind": "comment.created",
        }
