"""Blocking authors: duration or permanent, a reason, never an admin; the blocked
person sees why and until when, and their content stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.accounts.models import Role
from participation.accounts.selectors import standing_of
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.moderation import services
from participation.moderation.models import ActionKind, Block, ModerationAction
from participation.notifications.models import Notification
from tests import factories


def _block(actor, comment, **kwargs):
    kwargs.setdefault("reason", "Repeated insults")
    kwargs.setdefault("days", 7)
    return services.user_block(
        actor=actor, user=comment.author, target=comment, **kwargs
    )


def test_block_for_seven_days(facilitator, comment, author, process):
    before = timezone.now()
    block = _block(facilitator, comment)
    assert block.user == author
    assert block.process == process
    assert block.created_by == facilitator
    assert before + timedelta(days=7) <= block.ends_at
    assert block.ends_at <= timezone.now() + timedelta(days=7)


def test_permanent_block_has_no_end(facilitator, comment):
    block = _block(facilitator, comment, days=None)
    assert block.is_permanent


def test_blocked_author_can_no_longer_take_part(facilitator, comment, author):
    _block(facilitator, comment)
    fresh = type(author).objects.get(pk=author.pk)
    standing = standing_of(fresh)
    assert standing.is_blocked
    assert standing.block_reason == "Repeated insults"


def test_blocked_authors_content_stays(facilitator, comment):
    _block(facilitator, comment)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_block_without_reason_is_refused(facilitator, comment):
    with pytest.raises(Invalid, match="give a reason"):
        _block(facilitator, comment, reason="  ")
    assert not Block.objects.exists()


@pytest.mark.parametrize("days", [0, -3, 3651])
def test_block_length_out_of_range_is_refused(facilitator, comment, days):
    with pytest.raises(Invalid, match="between 1 and 3650 days"):
        _block(facilitator, comment, days=days)
    assert not Block.objects.exists()


def test_blocking_an_admin_is_refused(facilitator, proposal, admin_user):
    admin_comment = factories.CommentFactory(proposal=proposal, author=admin_user)
    with pytest.raises(NotAllowed, match="Administrators cannot be blocked"):
        _block(facilitator, admin_comment)
    assert not Block.objects.exists()


def test_admin_cannot_block_another_admin(admin_user, proposal):
    other = factories.grant(factories.UserFactory(), Role.ADMIN)
    admin_comment = factories.CommentFactory(proposal=proposal, author=other)
    with pytest.raises(NotAllowed, match="Administrators cannot be blocked"):
        _block(admin_user, admin_comment)


def test_facilitator_cannot_block_an_official(facilitator, proposal, official):
    official_comment = factories.CommentFactory(proposal=proposal, author=official)
    with pytest.raises(NotAllowed, match="Only administrators"):
        _block(facilitator, official_comment)


def test_admin_can_block_an_official(admin_user, proposal, official):
    official_comment = factories.CommentFactory(proposal=proposal, author=official)
    assert _block(admin_user, official_comment).user == official


def test_blocking_someone_already_blocked_is_refused(facilitator, comment):
    _block(facilitator, comment)
    with pytest.raises(Conflict, match="already blocked"):
        _block(facilitator, comment, days=30)
    assert Block.objects.count() == 1


def test_only_the_author_of_the_content_can_be_blocked_from_it(
    facilitator, comment, resident2
):
    with pytest.raises(Invalid, match="author of this content"):
        services.user_block(
            actor=facilitator, user=resident2, reason="x", days=1, target=comment
        )


def test_blocking_without_content_needs_a_site_role(facilitator, author):
    with pytest.raises(NotAllowed, match="site facilitators and administrators"):
        services.user_block(actor=facilitator, user=author, reason="Spam", days=1)


def test_admin_blocks_without_content(admin_user, author):
    block = services.user_block(actor=admin_user, user=author, reason="Spam", days=1)
    assert block.process is None


def test_block_is_logged_publicly_with_end(facilitator, comment, author):
    block = _block(facilitator, comment)
    action = ModerationAction.objects.get()
    assert action.kind == ActionKind.BLOCK
    assert action.subject_name == "Taro Author"
    assert action.until == block.ends_at
    assert action.target_url == ""  # never the blocked person's profile
    assert action.public_url == ""
    assert action.target_kind == "user"


def test_block_is_audited(facilitator, comment, author):
    _block(facilitator, comment)
    event = AuditEvent.objects.get(action="moderation.block")
    assert event.actor == facilitator
    assert event.target_id == str(author.pk)
    assert event.after["permanent"] is False


def test_blocked_person_is_notified_with_the_reason(facilitator, comment, author):
    _block(facilitator, comment)
    note = Notification.objects.get(recipient=author)
    assert note.kind == "moderation.blocked"
    assert note.data == {"reason": "Repeated insults"}


def test_lifting_a_block_lets_the_person_take_part_again(facilitator, comment, author):
    block = _block(facilitator, comment)
    services.block_lift(actor=facilitator, block=block, reason="Apologised.")
    fresh = type(author).objects.get(pk=author.pk)
    assert not standing_of(fresh).is_blocked
    assert ModerationAction.objects.filter(kind=ActionKind.UNBLOCK).exists()
    assert AuditEvent.objects.filter(action="moderation.unblock").exists()


def test_lifting_twice_is_refused(facilitator, comment):
    block = _block(facilitator, comment)
    services.block_lift(actor=facilitator, block=block)
    with pytest.raises(Conflict, match="no longer in force"):
        services.block_lift(actor=facilitator, block=block)


def test_facilitator_of_other_process_cannot_lift(
    facilitator, other_facilitator, comment
):
    block = _block(facilitator, comment)
    with pytest.raises(NotAllowed):
        services.block_lift(actor=other_facilitator, block=block)


def test_expired_block_no_longer_applies(facilitator, comment, author):
    block = _block(facilitator, comment, days=1)
    Block.objects.filter(pk=block.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    fresh = type(author).objects.get(pk=author.pk)
    assert not standing_of(fresh).is_blocked
