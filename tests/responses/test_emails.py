"""The loop closes in the inbox: what the tracker's services notify reaches people by
e-mail through the real worker, with their reason, in their language, and never
about content hidden since."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from participation.notifications import periodic
from participation.notifications.models import Delivery, SendStatus
from responses import reminders
from tests.responses.conftest import publish

pytestmark = pytest.mark.django_db(transaction=True)


def _to(smtp, user):
    return [r.message for r in smtp.received if r.recipients == [user.email]]


def _text(message):
    return message.get_body(("plain",)).get_content()


def test_a_supporter_is_emailed_the_answer_with_their_reason(
    smtp, run_worker, assigned, official, supporter
):
    supporter.language = "en"
    supporter.save(update_fields=["language"])
    publish(assigned, official)
    assert _to(smtp, supporter) == []  # nothing leaves inside the request
    run_worker()
    [message] = [m for m in _to(smtp, supporter) if "published a" in _text(m)]
    text = _text(message)
    assert "published a response to" in text
    assert "You support this proposal." in text
    assert (
        "https://participation.example.jp" + assigned.proposal.get_absolute_url()
        in text
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert official.email not in message.as_string()


def test_the_author_reads_the_answer_in_japanese(
    smtp, run_worker, assigned, official, resident
):
    publish(assigned, official)
    run_worker()
    [message] = [m for m in _to(smtp, resident) if "への回答を公開しました" in _text(m)]
    assert "あなたが投稿したものです。" in _text(message)


def test_no_email_leaves_about_a_proposal_hidden_before_it_was_sent(
    smtp, run_worker, assigned, official, supporter
):
    publish(assigned, official)
    proposal = assigned.proposal
    proposal.hidden_at = timezone.now()
    proposal.save(update_fields=["hidden_at"])
    run_worker()
    assert _to(smtp, supporter) == []
    assert (
        Delivery.objects.filter(notification__recipient=supporter).get().status
        == SendStatus.SKIPPED
    )


def test_completion_asks_the_author_with_two_signed_links(
    smtp, run_worker, completed, resident
):
    resident.language = "en"
    resident.save(update_fields=["language"])
    run_worker()
    [completion] = [
        m for m in _to(smtp, resident) if "is marked as completed" in _text(m)
    ]
    text = _text(completion)
    assert "https://participation.example.jp/tracker/questionnaire/" in text
    assert "/done/" in text and "/not-done/" in text


def test_the_worker_runs_every_reminder_job(db):
    for name in reminders.JOBS:
        assert name in periodic.REGISTRY
    assert "moderation.waiting_reports" in periodic.REGISTRY


def test_a_deadline_seven_days_ahead_reaches_the_official_by_email(
    smtp, run_worker, assigned, official
):
    official.language = "en"
    official.save(update_fields=["language"])
    assigned.response_due_at = timezone.now() + timedelta(days=7)
    assigned.save(update_fields=["response_due_at"])
    call_command("run_periodic", verbosity=0)
    run_worker()
    reminders_sent = [m for m in _to(smtp, official) if "is due in 7 day" in _text(m)]
    assert len(reminders_sent) == 1
    # A reminder the official cannot turn off carries no unsubscribe link.
    assert reminders_sent[0]["List-Unsubscribe"] is None
