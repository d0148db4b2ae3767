"""Notification e-mails sent by the real database worker to a real SMTP server
(aiosmtpd in the test process): content, headers, language, idempotency,
retries with backoff, dead deliveries and refused addresses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.signals import email_confirmed
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from participation.notifications import email as emails
from participation.notifications import services, tasks
from participation.notifications.models import (
    BouncedAddress,
    Delivery,
    EmailPreference,
    SendStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _answer(user, *, kind="response.published", reason="author", actor=None, **kw):
    return services.notify(
        recipient_ids={user.pk: reason},
        kind=kind,
        actor=actor,
        url="/proposals/7/",
        data={"title": "駅前に駐輪場を", "department": "土木部", **kw},
    )


def _body(message, subtype):
    return message.get_body((subtype,)).get_content()


def test_answer_is_emailed_by_the_worker_with_both_parts(smtp, run_worker):
    user = factories.UserFactory(real_name="Hanako Sato", language="en")
    _answer(user)
    assert smtp.received == []  # nothing is sent in the request
    run_worker()
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.recipients == [user.email]
    msg = got.message
    assert msg["To"] == user.email
    assert msg["From"] == "noreply@participation.example.jp"
    assert msg["Subject"].strip().startswith("[Example Prefecture] ")
    text, html = _body(msg, "plain"), _body(msg, "html")
    for part in (text, html):
        assert "土木部 published a response to “駅前に駐輪場を”." in part
        assert "You wrote this." in part  # the reason line
        assert "Example Prefecture" in part
    assert "https://participation.example.jp/proposals/7/" in text
    assert 'href="https://participation.example.jp/proposals/7/"' in html
    assert Delivery.objects.get().status == SendStatus.SENT


def test_email_is_written_in_the_recipients_language(smtp, run_worker):
    ja = factories.UserFactory(language="ja")
    en = factories.UserFactory(language="en")
    _answer(ja)
    _answer(en)
    run_worker()
    by_to = {r.recipients[0]: r.message for r in smtp.received}
    assert "土木部が「駅前に駐輪場を」への回答を公開しました。" in _body(
        by_to[ja.email], "plain"
    )
    assert "あなたが投稿したものです。" in _body(by_to[ja.email], "html")
    assert "published a response" in _body(by_to[en.email], "plain")


def test_headers_offer_one_click_unsubscribe_and_no_other_address(smtp, run_worker):
    other = factories.UserFactory(real_name="Jiro Suzuki", email="jiro@example.org")
    user = factories.UserFactory(language="en")
    services.notify(
        recipient_ids=[user.pk],
        kind="comment.reply",
        actor=other,
        url="/proposals/7/#c1",
        data={"title": "駅前に駐輪場を", "actor": other.real_name},
    )
    EmailPreference.objects.create(user=user, group="discussion", mode="immediate")
    # The preference above came after notify(): the reply waits for the digest.
    assert not Delivery.objects.exists()
    services.notify(
        recipient_ids=[user.pk],
        kind="comment.reply",
        actor=other,
        url="/proposals/7/#c2",
        data={"title": "駅前に駐輪場を", "actor": other.real_name},
    )
    run_worker()
    [got] = smtp.received
    msg = got.message
    unsubscribe = msg["List-Unsubscribe"].strip()
    assert re.fullmatch(
        r"<https://participation\.example\.jp/notifications/unsubscribe/[^>]+/>",
        unsubscribe,
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Cc"] is None and msg["Bcc"] is None and msg["Reply-To"] is None
    raw = msg.as_string()
    message_id = msg["Message-ID"].strip().strip("<>")
    found = {a.lower() for a in ADDRESS.findall(raw)} - {message_id}
    assert found <= {user.email, "noreply@participation.example.jp"}
    assert "jiro@example.org" not in raw
    assert "Jiro Suzuki replied to your comment" in _body(msg, "plain")


def test_a_task_run_twice_sends_one_message(smtp, run_worker):
    user = factories.UserFactory()
    _answer(user)
    delivery = Delivery.objects.get()
    # The same batch enqueued again, and the task called once more by hand.
    tasks.deliver_emails.enqueue([delivery.pk])
    run_worker()
    tasks.deliver_emails.call([delivery.pk])
    assert len(smtp.received) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


class _WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


def test_a_worker_dying_mid_batch_leaves_what_it_sent_recorded(smtp, monkeypatch):
    from participation.notifications import delivery as sending

    users = [factories.UserFactory() for _ in range(3)]
    for user in users:
        _answer(user)
    real_send, sent = sending.send_one, []

    def send_then_die(connection, message):
        if sent:
            raise _WorkerDied
        sent.append(message)
        return real_send(connection, message)

    monkeypatch.setattr(sending, "send_one", send_then_die)
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    with pytest.raises(_WorkerDied):
        sending.deliver(ids)
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    # The first was accepted and is recorded at once; the rest await the sweep.
    assert [statuses[pk] for pk in ids] == [
        SendStatus.SENT,
        SendStatus.SENDING,
        SendStatus.SENDING,
    ]
    monkeypatch.setattr(sending, "send_one", real_send)
    later = timezone.now() + timedelta(minutes=sending.STALE_MINUTES + 1)
    assert sorted(sending.requeue_stale(later)) == ids[1:]
    with time_machine.travel(later):
        sending.deliver(ids)
    assert sorted(r.recipients[0] for r in smtp.received) == sorted(
        u.email for u in users
    )


def test_temporary_failure_is_retried_with_backoff_then_sent(
    smtp, run_worker, settings
):
    settings.NOTIFY_EMAIL_BACKOFF = 60
    user = factories.UserFactory()
    smtp.refuse[user.email] = "451 4.3.0 Try again later"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _answer(user)
        run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == SendStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == start + timedelta(seconds=60)
    assert "451" in delivery.last_error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == start + timedelta(seconds=60)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        run_worker()  # not due yet
    assert smtp.received == []
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        smtp.refuse.clear()
        run_worker()
    delivery.refresh_from_db()
    assert delivery.status == SendStatus.SENT
    assert delivery.attempts == 2
    assert len(smtp.received) == 1


def test_backoff_doubles_and_the_delivery_dies_after_max_attempts(
    smtp, run_worker, settings
):
    settings.NOTIFY_EMAIL_BACKOFF = 10
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 3
    user = factories.UserFactory()
    smtp.refuse[user.email] = "421 4.7.0 Too busy"
    now = timezone.now()
    waits = []
    with time_machine.travel(now, tick=False) as clock:
        _answer(user)
        for _ in range(3):
            run_worker()
            delivery = Delivery.objects.get()
            if delivery.next_attempt_at and delivery.status == SendStatus.PENDING:
                waits.append(delivery.next_attempt_at - timezone.now())
                clock.move_to(delivery.next_attempt_at)
    assert waits == [timedelta(seconds=10), timedelta(seconds=20)]
    delivery = Delivery.objects.get()
    assert delivery.status == SendStatus.DEAD
    assert delivery.attempts == 3
    assert smtp.received == []
    assert not BouncedAddress.objects.exists()  # temporary: the address is fine


def test_mail_server_down_is_retried(smtp, run_worker, settings):
    user = factories.UserFactory()
    _answer(user)
    settings.EMAIL_PORT = 1  # nothing listens there
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == SendStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error


def test_permanent_refusal_kills_at_once_and_flags_the_address(smtp, run_worker):
    user = factories.UserFactory(email="gone@example.org")
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    _answer(user)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == SendStatus.DEAD
    assert delivery.attempts == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no retry
    flag = BouncedAddress.objects.get()
    assert (flag.email, flag.code) == ("gone@example.org", 550)
    # Nothing more is tried to that address…
    smtp.refuse.clear()
    _answer(user, kind="response.revised")
    run_worker()
    later = Delivery.objects.latest("pk")
    assert (later.status, later.skip_reason) == (SendStatus.SKIPPED, "bounced")
    assert smtp.received == []
    # …until its owner confirms it again.
    email_confirmed.send(
        sender=None, request=None, email_address=user.emailaddress_set.get()
    )
    assert not BouncedAddress.objects.exists()
    _answer(user, kind="tracker.completed")
    run_worker()
    assert len(smtp.received) == 1


def test_unsubscribed_before_sending_is_not_sent(smtp, run_worker):
    user = factories.UserFactory()
    _answer(user)
    services.email_unsubscribe(user_id=user.pk, group="own_proposals")
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.skip_reason) == (
        SendStatus.SKIPPED,
        "unsubscribed",
    )
    assert smtp.received == []


def test_deleted_account_before_sending_sends_nothing(smtp, run_worker):
    user = factories.UserFactory()
    _answer(user)
    user.delete()
    run_worker()
    assert smtp.received == []
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_unverified_address_is_not_written_to(smtp, run_worker):
    user = factories.UserFactory(verified=False)
    _answer(user)
    run_worker()
    assert smtp.received == []
    assert Delivery.objects.get().skip_reason == "no_address"


def test_target_hidden_before_sending_is_withheld(
    smtp, run_worker, proposal, monkeypatch
):
    user = factories.UserFactory()
    hidden: set[int] = {proposal.pk}
    # The registries are the apps' own: put them back as they were.
    monkeypatch.setattr(emails, "_VETOES", dict(emails._VETOES))
    emails.register_veto("proposals.proposal", lambda ids: ids & hidden)
    services.notify(
        recipient_ids={user.pk: "author"},
        kind="response.published",
        url="/proposals/1/",
        data={"title": "秘密", "department": "土木部"},
        target=proposal,
    )
    run_worker()
    assert smtp.received == []
    assert Delivery.objects.get().skip_reason == "withheld"


def test_locked_reminder_is_sent_even_when_the_group_is_off(smtp, run_worker):
    official = factories.UserFactory(language="en")
    services.email_unsubscribe(user_id=official.pk, group="official")
    services.notify(
        recipient_ids={official.pk: "department"},
        kind="tracker.overdue",
        url="/proposals/7/",
        data={"title": "駅前に駐輪場を"},
    )
    run_worker()
    [got] = smtp.received
    assert got.message["List-Unsubscribe"] is None
    assert "administrator" in _body(got.message, "plain")


def test_registered_context_reaches_the_kinds_template(
    smtp, run_worker, settings, monkeypatch
):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "notifications/email/kinds/tracker_completed.txt": (
                                '{% extends "notifications/email/base.txt" %}'
                                "{% block body %}Done? {{ yes_url }}{% endblock %}"
                            ),
                        },
                    ),
                    "django.template.loaders.filesystem.Loader",
                ],
            },
        }
    ]
    monkeypatch.setattr(emails, "_CONTEXT", {})
    emails.register_context(
        "tracker.completed",
        lambda n: {"yes_url": f"https://x.example/yes/{n.recipient_id}"},
    )
    user = factories.UserFactory(language="en")
    _answer(user, kind="tracker.completed")
    run_worker()
    [got] = smtp.received
    text = _body(got.message, "plain")
    assert f"Done? https://x.example/yes/{user.pk}" in text
    assert "&amp;" not in text and "You wrote this." in text
