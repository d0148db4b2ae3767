"""Double submits: the same create arriving several times at once stores one record
and tells each follower once (participation.idempotency)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from participation.accounts.models import User
from participation.errors import Conflict, Invalid
from participation.idempotency.models import Submission
from participation.idempotency.services import replayed
from participation.notifications.models import Notification
from proposals import services
from proposals.models import Comment, Proposal
from tests import factories
from tests.concurrency import together

N = 8
KEY_FIELD = r'name="idempotency_key" value="([^"]+)"'
PROPOSAL_BODY = "雨の日に自転車が濡れます。駅前の駐輪場に屋根をつけてください。"
BODY = "木陰のベンチを増やしてほしいです。子どもと一緒に休めます。"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.usefixtures("threads_db")
def test_identical_comments_sent_at_once_store_one_and_notify_once():
    proposal = factories.ProposalFactory()
    followers = factories.UserFactory.create_batch(2)
    for follower in followers:
        services.proposal_follow(user=follower, proposal=proposal)
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.comment_create(
            author=fresh(author), proposal=proposal, body=BODY
        ),
    )

    assert Comment.objects.filter(author=author).count() == 1
    assert sum(isinstance(r, Comment) for r in results) == 1
    assert all(isinstance(r, Comment | Conflict) for r in results), results
    for follower in followers:
        assert Notification.objects.filter(recipient=follower).count() == 1
    proposal.refresh_from_db()
    assert proposal.comment_count == 1


@pytest.mark.usefixtures("threads_db")
def test_identical_proposals_sent_at_once_store_one():
    process = factories.ProcessFactory()
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.proposal_create(
            author=fresh(author),
            process=process,
            title="駅前に屋根付きの駐輪場を",
            body=PROPOSAL_BODY,
        ),
    )

    assert all(isinstance(r, Proposal | Conflict) for r in results), results
    assert Proposal.objects.filter(author=author).count() == 1


@pytest.mark.usefixtures("threads_db")
def test_comments_sent_at_once_with_one_key_all_answer_the_first():
    proposal = factories.ProposalFactory()
    author = factories.UserFactory()

    results = together(
        N,
        lambda i: services.comment_create(
            author=fresh(author), proposal=proposal, body=BODY, idempotency_key="k-1"
        ),
    )

    assert Comment.objects.filter(author=author).count() == 1
    assert {r.pk for r in results} == {Comment.objects.get(author=author).pk}
    assert sum(not replayed(r) for r in results) == 1


# --- the key, sent again -----------------------------------------------------------
def test_a_comment_sent_again_with_its_key_returns_the_first_and_notifies_no_one(
    db, proposal, resident2
):
    follower = factories.UserFactory()
    services.proposal_follow(user=follower, proposal=proposal)
    first = services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="abc"
    )
    again = services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="abc"
    )
    assert again.pk == first.pk
    assert replayed(again) and not replayed(first)
    assert Comment.objects.count() == 1
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_the_same_key_with_other_content_is_refused(db, proposal, resident2):
    services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="abc"
    )
    with pytest.raises(Conflict) as refused:
        services.comment_create(
            author=resident2,
            proposal=proposal,
            body="別の意見です。ベンチよりも水飲み場を増やしてください。",
            idempotency_key="abc",
        )
    assert refused.value.code == "idempotency_key_reused"
    assert Comment.objects.count() == 1


def test_one_key_used_by_two_people_creates_two_records(
    db, proposal, resident, resident2
):
    services.comment_create(
        author=resident, proposal=proposal, body=BODY, idempotency_key="same"
    )
    services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="same"
    )
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("key", ["has space", "x" * 101, "日本語"])
def test_a_malformed_key_is_refused_with_a_message(db, proposal, resident2, key):
    with pytest.raises(Invalid, match="idempotency key"):
        services.comment_create(
            author=resident2, proposal=proposal, body=BODY, idempotency_key=key
        )
    assert Comment.objects.count() == 0


def test_a_key_older_than_a_day_is_forgotten(db, proposal, resident2, settings):
    settings.DUPLICATE_TEXT_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        first = services.comment_create(
            author=resident2, proposal=proposal, body=BODY, idempotency_key="old"
        )
    again = services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="old"
    )
    assert again.pk != first.pk and not replayed(again)


def test_without_a_key_the_duplicate_check_still_refuses(db, proposal, resident2):
    services.comment_create(author=resident2, proposal=proposal, body=BODY)
    with pytest.raises(Conflict, match="same text"):
        services.comment_create(author=resident2, proposal=proposal, body=BODY)


def test_a_refused_create_keeps_no_key(db, proposal, resident2):
    with pytest.raises(Invalid):
        services.comment_create(
            author=resident2, proposal=proposal, body="", idempotency_key="k"
        )
    comment = services.comment_create(
        author=resident2, proposal=proposal, body=BODY, idempotency_key="k"
    )
    assert not replayed(comment)
    assert Submission.objects.get().object_id == str(comment.pk)


# --- the doors ---------------------------------------------------------------------
def test_every_create_form_carries_a_fresh_key(login, proposal, resident2):
    client = login(resident2)
    pages = [
        reverse("proposals:create", args=[proposal.process.slug]),
        proposal.get_absolute_url(),
    ]
    for url in pages:
        first = re.findall(KEY_FIELD, client.get(url).content.decode())
        second = re.findall(KEY_FIELD, client.get(url).content.decode())
        assert first and second and first != second, url


def test_a_comment_form_sent_twice_redirects_both_times_to_the_one_comment(
    login, proposal, resident2
):
    client = login(resident2)
    url = reverse("proposals:comment_create", args=[proposal.pk])
    data = {"body": BODY, "alignment": "neutral", "idempotency_key": "form-1"}
    first = client.post(url, data)
    again = client.post(url, data)
    comment = Comment.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == comment.get_absolute_url()


def test_a_comment_form_without_a_key_sent_twice_gets_a_clear_409(
    login, proposal, resident2
):
    client = login(resident2)
    url = reverse("proposals:comment_create", args=[proposal.pk])
    client.post(url, {"body": BODY, "alignment": "neutral"})
    again = client.post(url, {"body": BODY, "alignment": "neutral"})
    assert again.status_code == 409
    assert "You have just posted the same text" in again.content.decode()
    assert Comment.objects.count() == 1


def test_a_proposal_form_sent_twice_redirects_both_times_to_the_one_proposal(
    login, process, resident2
):
    client = login(resident2)
    url = reverse("proposals:create", args=[process.slug])
    data = {
        "title": "駅前に屋根付きの駐輪場を",
        "body": PROPOSAL_BODY,
        "idempotency_key": "form-2",
    }
    first = client.post(url, data)
    again = client.post(url, data)
    proposal = Proposal.objects.get(author=resident2)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == proposal.get_absolute_url()


def test_the_api_answers_a_replayed_comment_with_the_first_one(
    token_client, proposal, resident2
):
    client = token_client(resident2)
    url = f"/api/v1/proposals/{proposal.pk}/comments/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "api-1"}
    first = client.post(url, {"body": BODY}, format="json", **headers)
    again = client.post(url, {"body": BODY}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1


def test_the_api_answers_a_replayed_proposal_with_the_first_one(
    token_client, process, resident2
):
    client = token_client(resident2)
    data = {
        "process": process.slug,
        "title": "駅前に屋根付きの駐輪場を",
        "body": PROPOSAL_BODY,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "api-2"}
    first = client.post("/api/v1/proposals/", data, format="json", **headers)
    again = client.post("/api/v1/proposals/", data, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"


def test_the_api_refuses_a_reused_key_with_409(token_client, proposal, resident2):
    client = token_client(resident2)
    url = f"/api/v1/proposals/{proposal.pk}/comments/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "api-3"}
    client.post(url, {"body": BODY}, format="json", **headers)
    other = client.post(url, {"body": BODY + "追記します。"}, format="json", **headers)
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
