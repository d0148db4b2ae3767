"""The demo's moderation story, seeded through the moderation services on a small
stand-in for the demo prefecture (the full seed is tested in tests/demo)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from demo import content, moderation
from demo.seed import seeding_settings
from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.moderation.models import (
    ActionKind,
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
    ReportStatus,
)
from proposals.models import Comment, Proposal
from tests import factories

NEEDED = {
    content.FACILITATOR.key,
    moderation.RUDE_AUTHOR,
    moderation.SPAM_AUTHOR,
    "okada",
    *moderation.REPORTERS,
}


@pytest.fixture(autouse=True)
def demo(db):
    people = {p.key: p for p in content.PEOPLE}
    users = {
        key: factories.UserFactory(
            email=people[key].email, real_name=people[key].real_name
        )
        for key in NEEDED
    }
    process = factories.ProcessFactory(slug=content.GREEN)
    factories.grant(users[content.FACILITATOR.key], Role.FACILITATOR, process=process)
    for i in range(4):
        proposal = factories.ProposalFactory(process=process)
        factories.CommentFactory.create_batch(4 - i, proposal=proposal)
    with seeding_settings():
        moderation.seed_moderation(timezone.now())


def test_a_comment_is_hidden_after_three_reports_pending_review():
    rude = Comment.objects.get(body=moderation.RUDE_TEXT)
    assert rude.hidden_pending_review
    assert (
        Report.objects.filter(object_id=rude.pk, status=ReportStatus.OPEN).count() == 3
    )


def test_a_facilitator_confirmed_one_hide():
    spam = Comment.objects.get(body=moderation.SPAM_TEXT)
    assert spam.is_hidden
    assert not spam.hidden_pending_review
    assert spam.hidden_by.email == "facilitator@example.org"


def test_the_spam_author_is_blocked_for_seven_days():
    block = Block.objects.get(user__email__contains="ishii")
    assert block.ends_at - block.starts_at == timedelta(days=7)


def test_an_open_report_waits_in_the_queue():
    off_topic = Comment.objects.get(body=moderation.OFF_TOPIC_TEXT)
    assert not off_topic.is_hidden
    assert Report.objects.filter(object_id=off_topic.pk, status="open").exists()


def test_a_facilitator_note_is_pinned():
    assert FacilitatorNote.objects.filter(removed_at__isnull=True).count() == 1


def test_one_comment_thread_is_closed():
    closed = Proposal.objects.filter(comments_closed_at__isnull=False)
    assert closed.count() == 1
    assert closed.get().comments_closed_reason == moderation.CLOSE_REASON


def test_the_main_demo_accounts_are_not_blocked():
    assert not Block.objects.filter(user__email__in=content.ACCOUNTS.values()).exists()


def test_every_step_is_in_the_public_log_and_the_audit_log():
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {
        ActionKind.AUTO_HIDE,
        ActionKind.HIDE,
        ActionKind.BLOCK,
        ActionKind.NOTE_PIN,
        ActionKind.CLOSE_COMMENTS,
    } <= kinds
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "moderation.report",
        "moderation.auto_hide",
        "moderation.hide",
        "moderation.block",
        "moderation.note_pin",
        "moderation.close_comments",
    } <= actions
