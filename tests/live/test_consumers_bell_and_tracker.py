"""The notifications bell and the tracker rows over websockets."""

from __future__ import annotations

import pytest

from participation.notifications import services as notifications
from tests.live.sockets import (
    closed_with,
    cookie_for,
    no_message,
    open_socket,
    receive_type,
    run_sync,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_bell_refuses_anonymous_visitors(db):
    socket = await open_socket("/ws/notifications/", joined=False)
    assert (await receive_type(socket, "error"))["code"] == "not_authenticated"
    assert await closed_with(socket) == 4401


async def test_bell_sends_the_unread_count_on_connect(resident, resident2):
    await run_sync(
        notifications.notify,
        recipient_ids=[resident.pk],
        kind="comment.created",
        actor=resident2,
        data={"title": "提案", "actor": "Jiro"},
    )
    socket = await open_socket("/ws/notifications/", cookie=await cookie_for(resident))
    state = await receive_type(socket, "notifications")
    assert state["unread"] == 1
    await socket.disconnect()


async def test_new_notification_arrives_in_the_recipients_language(resident, resident2):
    socket = await open_socket(
        "/ws/notifications/", cookie=await cookie_for(resident), language="en"
    )
    await receive_type(socket, "notifications")
    await run_sync(
        notifications.notify,
        recipient_ids=[resident.pk],
        kind="comment.created",
        actor=resident2,
        url="/proposals/1/#comment-2",
        data={"title": "公園の提案", "actor": "Jiro Suzuki"},
    )
    message = await receive_type(socket, "notification")
    assert message["unread"] == 1
    assert message["latest"]["message"] == "Jiro Suzuki commented on “公園の提案”."
    assert message["latest"]["url"] == "/proposals/1/#comment-2"
    await socket.disconnect()


async def test_a_user_only_hears_their_own_notifications(resident, resident2):
    socket = await open_socket(
        f"/ws/notifications/?user={resident2.pk}", cookie=await cookie_for(resident)
    )
    await receive_type(socket, "notifications")
    await run_sync(
        notifications.notify,
        recipient_ids=[resident2.pk],
        kind="comment.created",
        data={"title": "t", "actor": "a"},
    )
    assert await no_message(socket)
    await socket.disconnect()


async def test_marking_as_read_updates_other_tabs(resident, resident2):
    await run_sync(
        notifications.notify,
        recipient_ids=[resident.pk],
        kind="comment.created",
        data={"title": "t", "actor": "a"},
    )
    socket = await open_socket("/ws/notifications/", cookie=await cookie_for(resident))
    assert (await receive_type(socket, "notifications"))["unread"] == 1
    await run_sync(notifications.mark_read, user=resident)
    assert (await receive_type(socket, "notifications"))["unread"] == 0
    await socket.disconnect()


async def test_bell_closes_when_the_session_was_logged_out(resident):
    from django.contrib.sessions.models import Session

    cookie = await cookie_for(resident)
    socket = await open_socket("/ws/notifications/", cookie=cookie)
    await receive_type(socket, "notifications")
    await run_sync(Session.objects.filter(session_key=cookie).delete)
    await run_sync(
        notifications.notify,
        recipient_ids=[resident.pk],
        kind="comment.created",
        data={"title": "t", "actor": "a"},
    )
    assert (await receive_type(socket, "error"))["code"] == "not_authenticated"
    assert await closed_with(socket) == 4401


async def test_tracker_row_change_reaches_tracker_pages(db):
    from participation.live import broadcast

    socket = await open_socket("/ws/tracker/")
    await run_sync(
        broadcast.send,
        "tracker",
        "tracker.row_changed",
        {"proposal_id": 12},
    )
    message = await receive_type(socket, "row")
    assert message["proposal_id"] == 12 and message["event_id"] > 0
    await socket.disconnect()


async def test_tracker_page_catches_up_after_a_drop(db):
    from participation.live import broadcast

    first = await run_sync(
        broadcast.send,
        "tracker",
        "tracker.row_changed",
        {"proposal_id": 1},
    )
    await run_sync(
        broadcast.send,
        "tracker",
        "tracker.row_changed",
        {"proposal_id": 2},
    )
    socket = await open_socket(f"/ws/tracker/?since={first}")
    message = await receive_type(socket, "row")
    assert message["proposal_id"] == 2
    await socket.disconnect()
