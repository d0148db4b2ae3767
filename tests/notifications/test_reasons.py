"""Why a person receives a notification: the audience keeps each person's strongest
reason, and every notification stores the reason it was sent for."""

from __future__ import annotations

import pytest
from django.utils import translation

from participation.notifications import services
from participation.notifications.models import Notification
from participation.notifications.reasons import Audience, reason_text
from tests import factories


def test_audience_keeps_the_strongest_reason_whatever_the_order():
    audience = Audience().add([1, 2], "follower").add([1], "author")
    assert audience == {1: "author", 2: "follower"}
    audience.add([1], "supporter")
    assert audience[1] == "author"


def test_audience_union_and_without_keep_reasons():
    merged = Audience({1: "follower"}) | Audience({1: "supporter", 3: "department"})
    assert merged == {1: "supporter", 3: "department"}
    assert merged.without([3]) == {1: "supporter"}


def test_audience_refuses_an_unknown_reason():
    with pytest.raises(ValueError):
        Audience().add([1], "curious")


def test_audience_ignores_missing_ids():
    assert Audience().add([None, 0, 5], "follower") == {5: "follower"}


def test_each_notification_stores_its_recipients_reason(db):
    author, supporter, actor = factories.UserFactory.create_batch(3)
    audience = (
        Audience().add([author.pk], "author").add([supporter.pk, actor.pk], "supporter")
    )
    sent = services.notify(
        recipient_ids=audience, kind="tracker.progress", actor=actor, data={}
    )
    assert sent == 2  # never the actor themself
    stored = dict(Notification.objects.values_list("recipient_id", "reason"))
    assert stored == {author.pk: "author", supporter.pk: "supporter"}


def test_plain_ids_share_one_reason(db):
    user = factories.UserFactory()
    services.notify(
        recipient_ids=[user.pk], kind="moderation.blocked", reason="account"
    )
    assert Notification.objects.get().reason == "account"


def test_an_unknown_reason_is_refused_before_anything_is_written(db):
    user = factories.UserFactory()
    with pytest.raises(ValueError):
        services.notify(recipient_ids=[user.pk], kind="tracker.progress", reason="x")
    assert not Notification.objects.exists()


def test_the_reason_is_said_in_the_readers_language(db):
    with translation.override("ja"):
        assert reason_text("supporter") != reason_text("follower")
        assert reason_text("supporter") != "You support this proposal."
    assert reason_text("") == ""


def test_a_due_date_reads_as_the_readers_language_writes_dates(db):
    user = factories.UserFactory()
    services.notify(
        recipient_ids=[user.pk],
        kind="tracker.deadline_near",
        reason="department",
        data={"title": "駅前の駐輪場", "days": 7, "due": "2026-12-08"},
    )
    notification = Notification.objects.get()
    with translation.override("ja"):
        assert "2026年12月8日" in notification.message
    with translation.override("en"):
        assert "Dec. 8, 2026" in notification.message
        assert "2026-12-08" not in notification.message


def test_a_value_that_is_not_a_date_is_shown_as_captured(db):
    user = factories.UserFactory()
    services.notify(
        recipient_ids=[user.pk],
        kind="tracker.deadline_near",
        reason="department",
        data={"title": "t", "days": 7, "due": "soon"},
    )
    assert "soon" in Notification.objects.get().message
