"""The completion questionnaire's signed one-click links: asked, never answered by
opening a link, recorded once, and every bad link refused with a clear page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from participation.notifications import services as notifications
from participation.notifications.models import Notification
from responses.models import OutcomeCheck, TrackerEntry
from responses.questionnaire import (
    questionnaire_email_context,
    questionnaire_urls,
)
from tests import factories

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def _links(user, entry) -> tuple[str, str]:
    with time_machine.travel(SENT, tick=False):
        return questionnaire_urls(
            user_id=user.pk, entry_id=entry.pk, round=entry.completion_round
        )


def _path(url: str) -> str:
    return url.removeprefix("https://pref.example.jp")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://pref.example.jp"


def test_completion_asks_the_author_and_supporters_with_the_entry_and_round(
    completed, resident, supporter
):
    note = Notification.objects.get(kind="tracker.completed", recipient=resident)
    assert note.data["entry"] == completed.pk
    assert note.data["round"] == completed.completion_round
    context = questionnaire_email_context(note)
    assert context["confirm_url"].startswith("https://pref.example.jp/tracker/")
    assert context["confirm_url"].endswith("/done/")
    assert context["dispute_url"].endswith("/not-done/")


def test_a_follower_is_told_but_not_asked(accepted, official):
    follower = factories.UserFactory()
    notifications.follow(user=follower, target=accepted.proposal)
    from responses import services

    services.progress_post(
        actor=official,
        entry=accepted,
        status="completed",
        percent=100,
        body="日よけの設置工事が完了しました。",
    )
    note = Notification.objects.get(kind="tracker.completed", recipient=follower)
    assert note.reason == "follower"
    assert questionnaire_email_context(note) == {}


def test_the_email_templates_carry_both_links(completed, resident):
    note = Notification.objects.get(kind="tracker.completed", recipient=resident)
    context = {
        "message": note.message,
        "link": "https://pref.example.jp/p/",
        **questionnaire_email_context(note),
    }
    for ext in ("txt", "html"):
        for kind in ("tracker_completed", "tracker_questionnaire"):
            text = render_to_string(f"notifications/email/kinds/{kind}.{ext}", context)
            assert context["confirm_url"] in text
            assert context["dispute_url"] in text
            assert "is marked as completed" in text


def test_opening_the_yes_link_asks_and_records_nothing(client, completed, resident):
    done, _no = _links(resident, completed)
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        page = client.get(_path(done))
    assert page.status_code == 200
    assert b"Yes, it is done</button>" in page.content
    assert not OutcomeCheck.objects.exists()


def test_the_yes_button_confirms_without_signing_in_once(client, completed, resident):
    done, _no = _links(resident, completed)
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        first = client.post(_path(done))
        again = client.post(_path(done))
        reopened = client.get(_path(done))
    assert first.status_code == 200
    check = OutcomeCheck.objects.get()
    assert (check.user, check.verdict) == (resident, "confirmed")
    assert again.status_code == 409
    assert b"already recorded" in again.content
    assert reopened.status_code == 200
    assert b"Yes, it is done</button>" not in reopened.content
    assert OutcomeCheck.objects.count() == 1


def test_the_no_link_leads_to_the_dispute_form_and_records_nothing(
    client, completed, resident
):
    _done, no = _links(resident, completed)
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        page = client.get(_path(no))
        assert page.status_code == 302
        assert page["Location"] == (
            f"/proposals/{completed.proposal_id}/tracker/outcome/?verdict=disputed"
        )
        client.force_login(resident)
        form = client.get(page["Location"])
    assert not OutcomeCheck.objects.exists()
    assert form.status_code == 200
    assert b'value="disputed" required id="id_verdict_1" checked' in form.content


def test_the_no_link_never_answers_a_post(client, completed, resident):
    _done, no = _links(resident, completed)
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        assert client.post(_path(no)).status_code == 405


def test_a_tampered_link_is_refused(client, completed, resident):
    done, _no = _links(resident, completed)
    token = done.split("/")[-3]
    forged = done.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    page = client.post(_path(forged))
    assert page.status_code == 400
    assert b"not valid" in page.content
    assert not OutcomeCheck.objects.exists()


def test_an_expired_link_is_gone(client, completed, resident):
    done, no = _links(resident, completed)
    with time_machine.travel(SENT + timedelta(days=91), tick=False):
        assert client.post(_path(done)).status_code == 410
        page = client.get(_path(no))
    assert page.status_code == 410
    assert b"expired" in page.content
    assert not OutcomeCheck.objects.exists()


def test_a_link_of_a_deleted_account_is_gone(client, completed, supporter):
    done, _no = _links(supporter, completed)
    supporter.delete()
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        page = client.post(_path(done))
    assert page.status_code == 410
    assert b"no longer exists" in page.content


def test_a_link_of_an_earlier_completion_is_closed(client, completed, resident):
    done, _no = _links(resident, completed)
    TrackerEntry.objects.filter(pk=completed.pk).update(
        completion_round=completed.completion_round + 1
    )
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        page = client.post(_path(done))
    assert page.status_code == 410
    assert b"closed" in page.content
    assert not OutcomeCheck.objects.exists()


def test_a_link_for_someone_no_longer_supporting_is_refused(client, completed):
    stranger = factories.UserFactory()
    done, _no = _links(stranger, completed)
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        page = client.post(_path(done))
    assert page.status_code == 403
    assert not OutcomeCheck.objects.exists()
