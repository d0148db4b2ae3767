"""Leaving: the request, its cooling-off period, cancelling, and the erasure, door
by door."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from participation.errors import Conflict, Invalid, NotAllowed
from participation.live.models import LiveEvent
from participation.notifications import periodic
from participation.notifications.models import Delivery, Notification
from participation.privacy import services
from participation.privacy.erasure import FORMER_PARTICIPANT, REMOVED_TEXT
from participation.privacy.models import (
    AccountDeletion,
    ContributionChoice,
    DeletionStatus,
    Purpose,
)
from proposals import services as proposal_services
from proposals.models import Comment, Proposal
from responses import services as response_services
from responses.transitions import Decision
from tests import factories

NAME = "Erika Leaving"
EMAIL = "erika.leaving@example.org"
TITLE = "Shade over the bus stop by the river park"
ANSWER = "We will install a shade over the bus stop next spring."


@pytest.fixture
def leaver(db):
    return factories.UserFactory(
        real_name=NAME, email=EMAIL, name_reading="えりか", language="en"
    )


@pytest.fixture
def history(
    db,
    process,
    leaver,
    resident2,
    admin_user,
    official,
    department,
    django_capture_on_commit_callbacks,
):
    """The leaver's proposal in the tracker with its answer, a comment of theirs
    replied to by another resident, their comment and support on another's
    proposal, and a proposal of theirs that never entered the tracker."""
    with django_capture_on_commit_callbacks(execute=True):
        kept = proposal_services.proposal_create(
            author=leaver,
            process=process,
            title=TITLE,
            body="The bus stop has no shade; children wait in the sun in summer.",
        )
        own_comment = proposal_services.comment_create(
            author=leaver, proposal=kept, body="Adding a photo of the stop at noon."
        )
        proposal_services.comment_create(
            author=resident2,
            proposal=kept,
            body="Agreed, my children wait there too.",
            parent=own_comment,
        )
        loose = proposal_services.proposal_create(
            author=leaver,
            process=process,
            title="A bench near the library entrance",
            body="Older visitors have nowhere to sit while they wait for the bus.",
        )
        other = proposal_services.proposal_create(
            author=resident2,
            process=process,
            title="More bicycle parking at the station",
            body="The bicycle parking is full every morning before eight o'clock.",
        )
        on_other = proposal_services.comment_create(
            author=leaver, proposal=other, body="Yes, and it should have a roof."
        )
        proposal_services.support_add(user=leaver, proposal=other)
        entry = response_services.tracker_forward(actor=admin_user, proposal=kept)
        entry = response_services.tracker_assign(
            actor=admin_user, entry=entry, department=department
        )
        response_services.response_publish(
            actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
        )
    LiveEvent.objects.create(
        group=f"proposal.{kept.pk}",
        type="proposal.comment_created",
        payload={"html": f'<article aria-label="Comment by {NAME}">…</article>'},
    )
    return {
        "kept": kept,
        "loose": loose,
        "other": other,
        "on_other": on_other,
        "own_comment": own_comment,
    }


def schedule(user, contributions=ContributionChoice.ANONYMISE, now=None):
    return services.deletion_request(user=user, contributions=contributions, now=now)


# --- requesting and cancelling -----------------------------------------------------


def test_leave_page_offers_the_choice(login, leaver):
    page = login(leaver).get(reverse("privacy:leave")).content.decode()
    assert "Former participant" in page
    assert "Remove them" in page
    assert "14 days" in page


def test_request_schedules_erasure_after_cooling_off_and_signs_out(
    client, leaver, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:leave"),
            {"contributions": ContributionChoice.ANONYMISE, "confirm": "on"},
        )
    assert response.status_code == 200
    deletion = AccountDeletion.objects.get(user=leaver)
    assert deletion.status == DeletionStatus.PENDING
    assert deletion.erase_after - deletion.requested_at == timedelta(days=14)
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert "will be deleted" in mailoutbox[0].subject


def test_the_email_speaks_the_residents_language(
    leaver, mailoutbox, django_capture_on_commit_callbacks
):
    leaver.language = "ja"
    leaver.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        schedule(leaver)
    assert mailoutbox[0].subject.endswith("退会の手続きを受け付けました")


def test_cooling_off_period_is_a_setting(settings, leaver):
    settings.PRIVACY_DELETION_COOLING_OFF_DAYS = 30
    deletion = schedule(leaver)
    assert deletion.erase_after - deletion.requested_at == timedelta(days=30)


def test_request_without_choice_or_confirmation_is_bad_input(login, leaver):
    client = login(leaver)
    assert client.post(reverse("privacy:leave"), {"confirm": "on"}).status_code == 400
    assert (
        client.post(
            reverse("privacy:leave"), {"contributions": ContributionChoice.REMOVE}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("privacy:leave"), {"contributions": "burn", "confirm": "on"}
        ).status_code
        == 400
    )
    assert not AccountDeletion.objects.exists()


def test_service_refuses_an_unknown_choice(leaver):
    with pytest.raises(Invalid):
        schedule(leaver, contributions="burn")


def test_a_second_request_while_pending_is_a_conflict(leaver):
    schedule(leaver)
    with pytest.raises(Conflict):
        schedule(leaver)


def test_staff_cannot_leave_before_their_roles_are_removed(login, official):
    with pytest.raises(NotAllowed):
        schedule(official)
    response = login(official).get(reverse("privacy:leave"))
    assert response.status_code == 403


def test_cancel_button_cancels(login, leaver):
    schedule(leaver)
    response = login(leaver).post(reverse("privacy:leave_cancel"))
    assert response.status_code == 302
    deletion = AccountDeletion.objects.get()
    assert (deletion.status, deletion.cancelled_by) == (
        DeletionStatus.CANCELLED,
        "button",
    )
    assert services.erase_due_accounts(timezone.now() + timedelta(days=30)) == 0


def test_signing_in_again_cancels(client, leaver):
    schedule(leaver)
    response = client.post(
        reverse("account_login"),
        {"login": EMAIL, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    deletion = AccountDeletion.objects.get()
    assert (deletion.status, deletion.cancelled_by) == (
        DeletionStatus.CANCELLED,
        "login",
    )


def test_nothing_is_erased_before_the_period_ends(leaver):
    deletion = schedule(leaver)
    assert services.erase_due_accounts(deletion.erase_after - timedelta(minutes=1)) == 0
    leaver.refresh_from_db()
    assert leaver.real_name == NAME
    with pytest.raises(Conflict):
        services.account_erase(
            deletion=deletion, now=deletion.erase_after - timedelta(seconds=1)
        )


def test_the_periodic_job_is_registered():
    assert "privacy.erase_due_accounts" in periodic.REGISTRY


def test_management_command_erases_due_accounts(leaver, later, capsys):
    schedule(leaver)
    call_command("erase_accounts", "--now", later.isoformat())
    assert "1 account(s) erased." in capsys.readouterr().out
    leaver.refresh_from_db()
    assert leaver.real_name == FORMER_PARTICIPANT


def test_command_refuses_a_bad_date(leaver):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("erase_accounts", "--now", "tomorrow")


def test_erasing_twice_erases_once(leaver, later):
    schedule(leaver)
    assert services.erase_due_accounts(later) == 1
    assert services.erase_due_accounts(later) == 0


# --- the erasure, door by door ------------------------------------------------------


@pytest.fixture
def erased(history, leaver, later, mailoutbox, client):
    # Pages visited before: whatever they cache is cached now.
    for url in ("/", history["kept"].get_absolute_url(), "/tracker/"):
        client.get(url)
    schedule(leaver)
    mailoutbox.clear()
    assert services.erase_due_accounts(later) == 1
    leaver.refresh_from_db()
    return history


def test_account_is_anonymised(erased, leaver):
    assert leaver.real_name == FORMER_PARTICIPANT
    assert leaver.name_reading == "" and leaver.bio == ""
    assert leaver.email != EMAIL and leaver.email.endswith("@erased.invalid")
    assert not leaver.is_active
    assert not leaver.has_usable_password()
    assert AccountDeletion.objects.get().status == DeletionStatus.DONE


def test_a_last_email_tells_the_resident(
    history, leaver, later, mailoutbox, django_capture_on_commit_callbacks
):
    schedule(leaver)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_due_accounts(later)
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert "was deleted" in mailoutbox[0].subject


def test_the_email_address_is_free_again(erased, leaver):
    assert not EmailAddress.objects.filter(email__iexact=EMAIL).exists()
    again = factories.UserFactory(email=EMAIL, real_name="Erika Again")
    assert EmailAddress.objects.get(email=EMAIL).user == again


def test_proposal_and_answer_remain_under_former_participant(erased, client):
    page = client.get(erased["kept"].get_absolute_url()).content.decode()
    assert TITLE in page
    assert ANSWER in page
    assert FORMER_PARTICIPANT in page
    assert NAME not in page


def test_supports_are_kept_as_counts(erased):
    other = Proposal.objects.get(pk=erased["other"].pk)
    assert other.support_count == 1


def test_profile_is_gone(erased, client, leaver):
    assert client.get(reverse("accounts:profile", args=[leaver.pk])).status_code == 404


def test_search_shows_no_name(erased, client):
    page = client.get("/search/", {"q": "shade"}).content.decode()
    assert "over the bus stop by the river park" in page
    assert FORMER_PARTICIPANT in page
    assert NAME not in page


RESPONSE_COMMENT = "Thank you, the shade will help the children waiting in summer."


def _comment_on_the_answer(history, leaver):
    from responses.models import ResponseComment, TrackerEntry

    entry = TrackerEntry.objects.get(proposal=history["kept"])
    return ResponseComment.objects.create(
        response_id=entry.response_id,
        proposal=history["kept"],
        author=leaver,
        body=RESPONSE_COMMENT,
    )


def test_search_shows_no_name_on_a_comment_on_the_answer(
    history, leaver, later, client
):
    _comment_on_the_answer(history, leaver)
    schedule(leaver)
    services.erase_due_accounts(later)
    page = client.get(
        "/search/", {"q": "summer", "type": "response_comment"}
    ).content.decode()
    assert "waiting in <mark>summer</mark>" in page
    assert FORMER_PARTICIPANT in page
    assert NAME not in page


def test_search_never_finds_an_erased_name(history, leaver, later, client):
    _comment_on_the_answer(history, leaver)
    schedule(leaver)
    services.erase_due_accounts(later)
    page = client.get("/search/", {"q": NAME.split()[0]}).content.decode()
    assert 'class="card search-hit' not in page


def test_removing_takes_a_comment_on_the_answer_out_of_search(
    history, leaver, later, client
):
    _comment_on_the_answer(history, leaver)
    schedule(leaver, contributions=ContributionChoice.REMOVE)
    services.erase_due_accounts(later)
    page = client.get(
        "/search/", {"q": "summer", "type": "response_comment"}
    ).content.decode()
    assert "waiting in" not in page
    assert 'class="card search-hit' not in page


def test_api_shows_no_name(erased, client):
    body = client.get(f"/api/v1/proposals/{erased['kept'].pk}/").content.decode()
    assert FORMER_PARTICIPANT in json.dumps(json.loads(body), ensure_ascii=False)
    assert NAME not in body
    listing = client.get("/api/v1/comments/", {"proposal": erased["kept"].pk})
    assert NAME not in listing.content.decode()


def test_feeds_show_no_name(erased, client):
    for url in ("/tracker/feed/", f"/proposals/{erased['kept'].pk}/tracker.json"):
        response = client.get(url)
        assert response.status_code == 200
        assert NAME not in response.content.decode()


def test_open_data_shows_no_name(erased, client):
    for url in (
        "/tracker/export.csv",
        "/opendata/proposals.csv",
        "/opendata/comments.json",
    ):
        response = client.get(url)
        content = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert NAME.encode() not in content
        assert EMAIL.encode() not in content


def test_live_catch_up_keeps_no_name(erased):
    for payload in LiveEvent.objects.values_list("payload", flat=True):
        assert NAME not in json.dumps(payload, ensure_ascii=False)


def _cached_values() -> list:
    """Every value the cache holds, whatever the backend (local memory or Redis)."""
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # local memory
        return list(store.values())
    client = store.get_client(write=False)  # Redis
    return [client.get(key) for key in client.scan_iter(match="*")]


def test_caches_keep_no_name(erased):
    stored = b"".join(
        value if isinstance(value, bytes) else repr(value).encode()
        for value in _cached_values()
        if value is not None
    )
    assert NAME.encode() not in stored
    assert EMAIL.encode() not in stored


def test_task_queue_keeps_nothing_of_the_person(erased, leaver):
    for args, result in DBTaskResult.objects.values_list("args_kwargs", "return_value"):
        text = json.dumps([args, result], ensure_ascii=False)
        assert NAME not in text and EMAIL not in text
    assert not Delivery.objects.filter(notification__recipient=leaver).exists()


def test_notifications_of_others_no_longer_name_the_person(erased, leaver):
    assert not Notification.objects.filter(recipient=leaver).exists()
    for data in Notification.objects.values_list("data", flat=True):
        assert NAME not in json.dumps(data, ensure_ascii=False)


def test_export_of_a_deleted_account_holds_nothing_personal(
    erased, leaver, login, admin_user
):
    response = login(admin_user).post(
        reverse("privacy:staff_resident_export", args=[leaver.pk]),
        {"purpose": Purpose.DATA_REQUEST},
    )
    body = b"".join(response.streaming_content).decode()
    data = json.loads(body)
    assert NAME not in body and EMAIL not in body
    assert data["account"]["real_name"] == FORMER_PARTICIPANT
    assert data["sections"]["email_addresses"] == []
    assert data["sections"]["notifications"] == []


def test_erased_person_cannot_sign_in(erased, client):
    response = client.post(
        reverse("account_login"), {"login": EMAIL, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- removing contributions --------------------------------------------------------


def test_removing_takes_out_what_the_organisation_need_not_keep(
    history, leaver, later, client
):
    schedule(leaver, contributions=ContributionChoice.REMOVE)
    services.erase_due_accounts(later)
    loose = Proposal.objects.get(pk=history["loose"].pk)
    assert (
        loose.is_hidden
        and loose.body == ""
        and loose.title.startswith(REMOVED_TEXT[:10])
    )
    comment = Comment.objects.get(pk=history["on_other"].pk)
    assert comment.deleted_at is not None and comment.body == ""
    assert Proposal.objects.get(pk=history["other"].pk).comment_count == 0
    assert (
        "nowhere to sit"
        not in client.get("/search/", {"q": "library"}).content.decode()
    )


def test_removing_keeps_the_tracked_proposal_and_its_answer(
    history, leaver, later, client
):
    schedule(leaver, contributions=ContributionChoice.REMOVE)
    services.erase_due_accounts(later)
    kept = Proposal.objects.get(pk=history["kept"].pk)
    assert not kept.is_hidden and kept.title == TITLE
    page = client.get(kept.get_absolute_url()).content.decode()
    assert ANSWER in page and FORMER_PARTICIPANT in page and NAME not in page


def test_the_tracker_history_keeps_the_dispute_without_the_name(
    history, leaver, official, later, client
):
    from responses.models import TrackerEntry, TrackerEvent

    entry = TrackerEntry.objects.get(proposal=history["kept"])
    response_services.progress_post(
        actor=official,
        entry=entry,
        status="completed",
        percent=100,
        body="The shade was installed in March.",
    )
    entry.refresh_from_db()
    response_services.outcome_check(
        user=leaver,
        entry=entry,
        verdict="disputed",
        reason="The shade covers only half of the waiting area.",
    )
    assert TrackerEvent.objects.filter(actor_name=NAME).exists()
    schedule(leaver)
    services.erase_due_accounts(later)
    assert not TrackerEvent.objects.filter(actor_name=NAME).exists()
    assert TrackerEvent.objects.filter(
        entry=entry, kind="disputed", actor_name=FORMER_PARTICIPANT
    ).exists()
    page = client.get(history["kept"].get_absolute_url()).content.decode()
    assert "The shade covers only half" in page
    assert NAME not in page


def test_a_removed_proposal_says_why_it_is_gone(history, leaver, later, client):
    schedule(leaver, contributions=ContributionChoice.REMOVE)
    services.erase_due_accounts(later)
    page = client.get(history["loose"].get_absolute_url()).content.decode()
    assert "Removed by a former participant" in page
    assert "after several reports" not in page
    assert "nowhere to sit" not in page
