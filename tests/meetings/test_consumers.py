"""The live session door: opinions for everyone at once, facilitator actions,
projector audience, guests, and permission on every message."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import Opinion, SessionTheme
from meetings.rules import GUEST_SESSION_KEY
from participation.accounts.models import RoleGrant
from participation.spaces.models import ProcessStatus
from tests import factories
from tests.live.sockets import (
    closed_with,
    cookie_for,
    no_message,
    open_socket,
    receive_type,
    run_sync,
)
from tests.meetings.conftest import make_opinion

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _path(session, view="public", since=None):
    path = f"/ws/live/{session.pk}/?view={view}"
    return path if since is None else f"{path}&since={since}"


async def test_opinions_from_three_participants_reach_the_projector(
    live_session, resident, resident2, resident3
):
    projector = await open_socket(_path(live_session, "projector"))
    for person, text in (
        (resident, "意見A"),
        (resident2, "意見B"),
        (resident3, "意見C"),
    ):
        await run_sync(
            services.opinion_post, session=live_session, author=person, body=text
        )
    received = [await receive_type(projector, "opinion") for _ in range(3)]
    assert ["意見A" in received[0]["html"], "意見B" in received[1]["html"]] == [
        True,
        True,
    ]
    assert "意見C" in received[2]["html"]
    assert all("<form" not in m["html"] for m in received)
    await projector.disconnect()


async def test_participant_posts_over_the_socket_and_everyone_sees_it(
    live_session, resident, resident2
):
    poster = await open_socket(_path(live_session), cookie=await cookie_for(resident))
    watcher = await open_socket(_path(live_session), cookie=await cookie_for(resident2))
    await poster.send_json_to(
        {"action": "post", "body": "ソケットから投稿", "ref": "r1"}
    )
    ack = await receive_type(poster, "ok")
    assert ack == {"type": "ok", "action": "post", "ref": "r1"}
    message = await receive_type(watcher, "opinion")
    assert "ソケットから投稿" in message["html"]
    opinion = await run_sync(Opinion.objects.get)
    assert opinion.author_id == resident.pk
    await poster.disconnect()
    await watcher.disconnect()


async def test_anonymous_post_is_refused_with_a_translated_message(live_session):
    socket = await open_socket(_path(live_session), language="ja")
    await socket.send_json_to({"action": "post", "body": "匿名", "ref": 7})
    error = await receive_type(socket, "error")
    assert (error["code"], error["ref"], error["status"]) == (
        "not_authenticated",
        7,
        403,
    )
    assert error["message"]
    assert not await run_sync(Opinion.objects.exists)
    await socket.disconnect()


async def test_guest_posts_under_the_name_kept_in_their_session(live_session):
    live_session.allow_guests = True
    await run_sync(live_session.save)
    cookie = await cookie_for(
        **{GUEST_SESSION_KEY: {"name": "ゲスト 三郎", "key": "z" * 32}}
    )
    socket = await open_socket(_path(live_session), cookie=cookie)
    await socket.send_json_to({"action": "post", "body": "ゲストからの意見"})
    await receive_type(socket, "ok")
    opinion = await run_sync(Opinion.objects.get)
    assert (opinion.author_id, opinion.guest_name) == (None, "ゲスト 三郎")
    await socket.disconnect()


async def test_a_client_cannot_claim_someone_elses_identity(
    live_session, resident, resident2
):
    socket = await open_socket(_path(live_session), cookie=await cookie_for(resident))
    await socket.send_json_to(
        {
            "action": "post",
            "body": "なりすまし",
            "author_id": resident2.pk,
            "user": resident2.pk,
        }
    )
    await receive_type(socket, "ok")
    opinion = await run_sync(Opinion.objects.get)
    assert opinion.author_id == resident.pk
    await socket.disconnect()


async def test_too_long_opinion_over_the_socket_is_refused(live_session, resident):
    socket = await open_socket(_path(live_session), cookie=await cookie_for(resident))
    await socket.send_json_to({"action": "post", "body": "あ" * 401})
    error = await receive_type(socket, "error")
    assert (error["code"], error["status"]) == ("too_long", 400)
    await socket.disconnect()


async def test_rate_limit_over_the_socket_says_when_to_retry(
    live_session, resident, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "opinion": "1/60"}
    socket = await open_socket(_path(live_session), cookie=await cookie_for(resident))
    await socket.send_json_to({"action": "post", "body": "一回目"})
    await receive_type(socket, "ok")
    await socket.send_json_to({"action": "post", "body": "二回目"})
    error = await receive_type(socket, "error")
    assert error["code"] == "rate_limited" and error["retry_after"] > 0
    await socket.disconnect()


async def test_logging_out_elsewhere_takes_effect_on_the_next_message(
    live_session, resident
):
    from django.contrib.sessions.models import Session

    cookie = await cookie_for(resident)
    socket = await open_socket(_path(live_session), cookie=cookie)
    await run_sync(Session.objects.filter(session_key=cookie).delete)
    await socket.send_json_to({"action": "post", "body": "ログアウト後"})
    assert (await receive_type(socket, "error"))["code"] == "not_authenticated"
    assert not await run_sync(Opinion.objects.exists)
    await socket.disconnect()


async def test_facilitator_hides_over_the_socket_and_the_public_gets_the_placeholder(
    live_session, facilitator, resident
):
    opinion = await run_sync(
        make_opinion, live_session, resident, body="問題のある意見"
    )
    tools = await open_socket(
        _path(live_session, "facilitate"), cookie=await cookie_for(facilitator)
    )
    public = await open_socket(_path(live_session))
    await tools.send_json_to(
        {"action": "hide", "opinion_id": opinion.pk, "reason_code": "offensive"}
    )
    await receive_type(tools, "ok")
    seen_by_public = await receive_type(public, "opinion")
    seen_by_facilitator = await receive_type(tools, "opinion")
    assert seen_by_public["hidden"] and "問題のある意見" not in seen_by_public["html"]
    assert "問題のある意見" in seen_by_facilitator["html"]
    assert "<form" in seen_by_facilitator["html"]
    await tools.disconnect()
    await public.disconnect()


async def test_the_projector_never_gets_hidden_text_even_for_a_facilitator(
    live_session, facilitator, resident
):
    opinion = await run_sync(make_opinion, live_session, resident, body="映さない意見")
    projector = await open_socket(
        _path(live_session, "projector"), cookie=await cookie_for(facilitator)
    )
    await run_sync(
        services.opinion_hide, actor=facilitator, opinion=opinion, reason_code="spam"
    )
    message = await receive_type(projector, "opinion")
    assert "映さない意見" not in message["html"]
    await projector.send_json_to(
        {"action": "pin", "opinion_id": opinion.pk, "on": True}
    )
    assert (await receive_type(projector, "error"))["code"] == "permission_denied"
    await projector.disconnect()


async def test_resident_asking_for_the_facilitator_view_gets_the_public_one(
    live_session, facilitator, resident
):
    opinion = await run_sync(make_opinion, live_session, resident, body="見せない")
    socket = await open_socket(
        _path(live_session, "facilitate"), cookie=await cookie_for(resident)
    )
    await run_sync(
        services.opinion_hide, actor=facilitator, opinion=opinion, reason_code="spam"
    )
    message = await receive_type(socket, "opinion")
    assert "見せない" not in message["html"]
    await socket.send_json_to({"action": "unhide", "opinion_id": opinion.pk})
    assert (await receive_type(socket, "error"))["code"] == "not_facilitator"
    await socket.disconnect()


async def test_facilitator_who_lost_the_role_stops_receiving_hidden_text(
    live_session, facilitator, resident
):
    opinion = await run_sync(make_opinion, live_session, resident, body="権限外")
    socket = await open_socket(
        _path(live_session, "facilitate"), cookie=await cookie_for(facilitator)
    )
    await run_sync(RoleGrant.objects.filter(user=facilitator).delete)
    other = await run_sync(
        lambda: factories.grant(
            factories.UserFactory(), "facilitator", process=live_session.process
        )
    )
    await run_sync(
        services.opinion_hide, actor=other, opinion=opinion, reason_code="spam"
    )
    message = await receive_type(socket, "opinion")
    assert "権限外" not in message["html"]
    await socket.disconnect()


async def test_pin_and_theme_over_the_socket(live_session, facilitator, resident):
    opinion = await run_sync(make_opinion, live_session, resident)
    theme = await run_sync(
        SessionTheme.objects.create, session=live_session, name="交通"
    )
    socket = await open_socket(
        _path(live_session, "facilitate"), cookie=await cookie_for(facilitator)
    )
    await socket.send_json_to({"action": "pin", "opinion_id": opinion.pk, "on": True})
    await receive_type(socket, "ok")
    pinned = await receive_type(socket, "opinion")
    assert pinned["pinned"] and pinned["pinned_html"]
    await socket.send_json_to(
        {"action": "theme", "opinion_id": opinion.pk, "theme_id": theme.pk}
    )
    await receive_type(socket, "ok")
    await run_sync(opinion.refresh_from_db)
    assert opinion.theme_id == theme.pk and opinion.is_pinned
    await socket.disconnect()


async def test_an_opinion_of_another_session_cannot_be_acted_on(
    live_session, facilitator, resident, process
):
    from tests.meetings.conftest import make_session

    other = await run_sync(make_session, process, facilitator, title="別の会")
    foreign = await run_sync(make_opinion, other, resident)
    socket = await open_socket(
        _path(live_session, "facilitate"), cookie=await cookie_for(facilitator)
    )
    await socket.send_json_to({"action": "pin", "opinion_id": foreign.pk, "on": True})
    assert (await receive_type(socket, "error"))["code"] == "not_found"
    await socket.disconnect()


async def test_opening_the_session_is_pushed_with_its_status(
    scheduled_session, facilitator
):
    socket = await open_socket(_path(scheduled_session))
    await run_sync(services.session_open, actor=facilitator, session=scheduled_session)
    message = await receive_type(socket, "session")
    assert message["status"] == "open"
    assert 'data-session-status="open"' in message["html"]
    await socket.disconnect()


async def test_reconnecting_projector_catches_up_on_missed_opinions(
    live_session, resident
):
    socket = await open_socket(_path(live_session, "projector"))
    await run_sync(
        services.opinion_post, session=live_session, author=resident, body="前の意見"
    )
    seen = (await receive_type(socket, "opinion"))["event_id"]
    await socket.disconnect()
    await run_sync(
        services.opinion_post, session=live_session, author=resident, body="後の意見"
    )
    again = await open_socket(_path(live_session, "projector", since=seen))
    message = await receive_type(again, "opinion")
    assert "後の意見" in message["html"]
    assert await no_message(again)
    await again.disconnect()


async def test_session_of_a_draft_process_is_refused(live_session, resident):
    live_session.process.status = ProcessStatus.DRAFT
    await run_sync(live_session.process.save)
    socket = await open_socket(
        _path(live_session), cookie=await cookie_for(resident), joined=False
    )
    assert await closed_with(socket) == 4403
