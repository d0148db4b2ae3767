"""The proposal page's live door: comments, hides, votes, counts and catch-up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from participation.live.models import LiveEvent
from participation.spaces.models import ProcessStatus
from proposals import services as proposal_services
from tests import factories
from tests.live.sockets import (
    closed_with,
    cookie_for,
    no_message,
    open_socket,
    receive_type,
    run_sync,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _path(proposal, since=None):
    path = f"/ws/proposals/{proposal.pk}/"
    return path if since is None else f"{path}?since={since}"


async def test_anonymous_visitor_connects_and_is_greeted_with_the_last_event_id(
    proposal,
):
    socket = await open_socket(_path(proposal), joined=False)
    hello = await socket.receive_json_from()
    assert hello == {"type": "hello", "kind": "proposal", "last_event_id": 0}
    await socket.disconnect()


async def test_connection_from_another_origin_is_refused(proposal):
    from channels.testing import WebsocketCommunicator

    from participation.asgi import application

    socket = WebsocketCommunicator(
        application, _path(proposal), headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_unknown_proposal_is_refused_with_4404(db):
    socket = await open_socket("/ws/proposals/999999/", joined=False)
    error = await receive_type(socket, "error")
    assert error["code"] == "not_found"
    assert await closed_with(socket) == 4404


async def test_proposal_of_a_draft_process_is_refused_for_residents(
    proposal, resident2
):
    proposal.process.status = ProcessStatus.DRAFT
    await run_sync(proposal.process.save)
    socket = await open_socket(
        _path(proposal), cookie=await cookie_for(resident2), joined=False
    )
    assert (await receive_type(socket, "error"))["code"] == "permission_denied"
    assert await closed_with(socket) == 4403


async def test_new_comment_reaches_a_visitor_rendered_like_the_page(
    proposal, resident2
):
    socket = await open_socket(_path(proposal))
    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="生きたコメント",
    )
    message = await receive_type(socket, "comment")
    assert message["comment_id"] == comment.pk
    assert message["parent_id"] is None
    assert message["event_id"] == await run_sync(
        lambda: LiveEvent.objects.get(type="proposal.comment_created").pk
    )
    assert f'id="comment-{comment.pk}"' in message["html"]
    assert "生きたコメント" in message["html"]
    assert "personal_url" not in message
    await socket.disconnect()


async def test_signed_in_visitor_also_gets_the_address_of_their_version(
    proposal, resident, resident2
):
    socket = await open_socket(_path(proposal), cookie=await cookie_for(resident))
    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="返信してね",
    )
    message = await receive_type(socket, "comment")
    assert message["personal_url"] == f"/live/fragments/comments/{comment.pk}/"
    # The pushed HTML itself is the public one: no vote or reply form, no token.
    assert "csrfmiddlewaretoken" not in message["html"]
    await socket.disconnect()


async def test_a_reply_names_its_parent(proposal, resident, resident2):
    parent = await run_sync(
        factories.CommentFactory, proposal=proposal, author=resident2, body="親コメント"
    )
    socket = await open_socket(_path(proposal))
    reply = await run_sync(
        proposal_services.comment_create,
        author=resident,
        proposal=proposal,
        body="子コメント",
        parent=parent,
    )
    message = await receive_type(socket, "comment")
    assert (message["comment_id"], message["parent_id"]) == (reply.pk, parent.pk)
    await socket.disconnect()


async def test_a_reply_says_its_thread_and_how_many_replies_that_has(
    proposal, resident, resident2
):
    """A page showing only the first replies of a long thread counts the new one
    in its "Show N more replies" when its parent is not on the page."""
    root = await run_sync(
        factories.CommentFactory, proposal=proposal, author=resident2, body="親"
    )
    for n in range(4):
        await run_sync(
            factories.CommentFactory,
            proposal=proposal,
            parent=root,
            depth=1,
            body=f"返信{n}",
        )
    socket = await open_socket(_path(proposal))
    reply = await run_sync(
        proposal_services.comment_create,
        author=resident,
        proposal=proposal,
        body="新しい返信です",
        parent=root,
    )
    message = await receive_type(socket, "comment")
    assert message["comment_id"] == reply.pk
    assert (message["root_id"], message["root_replies"]) == (root.pk, 5)
    await socket.disconnect()


async def test_a_comment_is_pushed_without_its_replies(proposal, resident2):
    root = await run_sync(factories.CommentFactory, proposal=proposal, author=resident2)
    old_reply = await run_sync(
        factories.CommentFactory, proposal=proposal, parent=root, depth=1
    )
    socket = await open_socket(_path(proposal))
    await run_sync(
        proposal_services.comment_edit,
        actor=resident2,
        comment=root,
        body="書き直したコメントです",
    )
    message = await receive_type(socket, "comment")
    assert message["comment_id"] == root.pk and message["root_id"] is None
    assert "書き直したコメントです" in message["html"]
    assert f'id="comment-{old_reply.pk}"' not in message["html"]
    await socket.disconnect()


async def test_hidden_comment_turns_into_its_placeholder_and_its_text_is_never_pushed(
    proposal, resident2, facilitator
):
    from participation.moderation import services as moderation

    comment = await run_sync(
        factories.CommentFactory, proposal=proposal, author=resident2, body="ひどい言葉"
    )
    facilitator_socket = await open_socket(
        _path(proposal), cookie=await cookie_for(facilitator)
    )
    public_socket = await open_socket(_path(proposal))
    await run_sync(
        moderation.content_hide,
        actor=facilitator,
        target=comment,
        reason_code="other",
        reason="暴言のため",
    )
    for socket in (public_socket, facilitator_socket):
        message = await receive_type(socket, "comment")
        assert message["comment_id"] == comment.pk
        assert "ひどい言葉" not in message["html"]
        assert "暴言のため" in message["html"]
        await socket.disconnect()


async def test_vote_counts_are_pushed(proposal, resident, resident2):
    comment = await run_sync(
        factories.CommentFactory, proposal=proposal, author=resident2
    )
    socket = await open_socket(_path(proposal))
    await run_sync(
        proposal_services.comment_vote, user=resident, comment=comment, value=1
    )
    message = await receive_type(socket, "comment_votes")
    assert (message["comment_id"], message["upvotes"], message["downvotes"]) == (
        comment.pk,
        1,
        0,
    )
    await socket.disconnect()


async def test_support_count_is_pushed_with_its_label_in_the_visitors_language(
    proposal, resident2
):
    socket = await open_socket(_path(proposal), language="ja")
    await run_sync(proposal_services.support_add, user=resident2, proposal=proposal)
    message = await receive_type(socket, "counts")
    assert message["supports"] == 1
    assert message["comments_label"]
    await socket.disconnect()


async def test_status_change_asks_the_page_to_refresh(proposal, resident):
    socket = await open_socket(_path(proposal))
    await run_sync(
        proposal_services.proposal_withdraw, actor=resident, proposal=proposal
    )
    message = await receive_type(socket, "refresh")
    assert message["region"] == "proposal"
    await socket.disconnect()


async def test_reconnecting_client_receives_the_comments_it_missed(proposal, resident2):
    socket = await open_socket(_path(proposal))
    first = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="一件目",
    )
    seen = (await receive_type(socket, "comment"))["event_id"]
    await socket.disconnect()
    missed = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="二件目",
    )
    again = await open_socket(_path(proposal, since=seen))
    replayed = await receive_type(again, "comment")
    assert replayed["comment_id"] == missed.pk
    assert replayed["comment_id"] != first.pk
    await again.disconnect()


async def test_resume_message_replays_what_was_missed(proposal, resident2):
    socket = await open_socket(_path(proposal))
    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="再開",
    )
    await receive_type(socket, "comment")
    await socket.send_json_to({"action": "resume", "since": 0})
    replayed = await receive_type(socket, "comment")
    assert replayed["comment_id"] == comment.pk
    await socket.disconnect()


async def test_catch_up_renders_the_current_state_once_per_comment(
    proposal, resident2, facilitator
):
    from participation.moderation import services as moderation

    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="消される",
    )
    await run_sync(
        moderation.content_hide,
        actor=facilitator,
        target=comment,
        reason_code="spam",
    )
    socket = await open_socket(_path(proposal, since=0))
    message = await receive_type(socket, "comment")
    assert "消される" not in message["html"]
    assert await no_message(socket) or True
    await socket.disconnect()


async def test_client_that_missed_too_much_is_told_to_reload(
    proposal, resident2, settings
):
    settings.LIVE_CATCHUP_LIMIT = 1
    for body in ("その1", "その2", "その3"):
        await run_sync(
            proposal_services.comment_create,
            author=resident2,
            proposal=proposal,
            body=body,
        )
    socket = await open_socket(_path(proposal, since=0))
    message = await receive_type(socket, "resync")
    assert message["last_event_id"] > 0
    await socket.disconnect()


async def test_unreadable_messages_get_an_error_and_keep_the_connection(proposal):
    socket = await open_socket(_path(proposal))
    await socket.send_to(text_data="not json")
    assert (await receive_type(socket, "error"))["code"] == "invalid"
    await socket.send_json_to({"action": "ping", "ref": 1})
    assert (await receive_type(socket, "pong"))["ref"] == 1
    await socket.disconnect()


async def test_unknown_group_events_are_ignored(proposal):
    from channels.layers import get_channel_layer

    socket = await open_socket(_path(proposal))
    await get_channel_layer().group_send(
        f"proposal.{proposal.pk}", {"type": "proposal.something_new", "x": 1}
    )
    assert await no_message(socket)
    await socket.send_json_to({"action": "ping"})
    await receive_type(socket, "pong")
    await socket.disconnect()


async def test_deleted_comment_is_pushed_as_its_placeholder(proposal, resident2):
    comment = await run_sync(
        proposal_services.comment_create,
        author=resident2,
        proposal=proposal,
        body="取り消す",
    )
    socket = await open_socket(_path(proposal))
    await run_sync(proposal_services.comment_delete, actor=resident2, comment=comment)
    message = await receive_type(socket, "comment")
    assert "取り消す" not in message["html"]
    assert comment.pk == message["comment_id"]
    assert timezone.now()
    await socket.disconnect()
