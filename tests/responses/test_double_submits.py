"""Double submits on the tracker: residents' comments and outcome checks, officials'
responses, progress updates and dispute answers (participation.idempotency)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from participation.accounts.models import User
from participation.api import services as tokens
from participation.errors import Conflict
from participation.idempotency.services import replayed
from participation.notifications.models import Notification
from responses import services
from responses.models import (
    DisputeAnswer,
    OutcomeCheck,
    ProgressUpdate,
    Response,
    ResponseComment,
)
from tests import factories
from tests.concurrency import together
from tests.responses.conftest import ANSWER

COMMENT = "丁寧な回答をありがとうございます。時期も教えてください。"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


@pytest.mark.usefixtures("threads_db")
def test_identical_response_comments_sent_at_once_store_one(accepted, official):
    author = factories.UserFactory()
    response = Response.objects.get(pk=accepted.response_id)

    results = together(
        8,
        lambda i: services.response_comment_create(
            author=User.objects.get(pk=author.pk),
            response=response,
            proposal=accepted.proposal,
            body=COMMENT,
        ),
    )

    assert all(isinstance(r, ResponseComment | Conflict) for r in results), results
    assert ResponseComment.objects.filter(author=author).count() == 1
    assert Notification.objects.filter(recipient=official).count() == 1


def test_a_response_comment_form_sent_twice_stores_one(login, accepted, resident2):
    client = login(resident2)
    url = reverse("responses:comment", args=[accepted.response_id])
    data = {"body": COMMENT, "proposal": accepted.proposal_id, "idempotency_key": "r1"}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ResponseComment.objects.count() == 1


def test_the_response_page_form_carries_a_key(login, accepted, resident2):
    page = login(resident2).get(
        reverse("responses:response", args=[accepted.response_id])
    )
    assert 'name="idempotency_key"' in page.content.decode()


def test_a_dispute_sent_again_with_its_key_returns_the_first(completed, resident):
    kwargs = {
        "user": resident,
        "entry": completed,
        "verdict": "disputed",
        "reason": "日よけは一部の遊具にしか設置されていません。",
        "idempotency_key": "d1",
    }
    first = services.outcome_check(**kwargs)
    again = services.outcome_check(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert OutcomeCheck.objects.count() == 1


def test_a_dispute_answer_sent_again_with_its_key_returns_the_first(disputed, official):
    kwargs = {
        "actor": official,
        "entry": disputed,
        "body": "ご指摘ありがとうございます。確認したところ、東側の遊具には日よけが"
        "ありませんでした。来月までに東側の遊具にも日よけを設置し、完了したら改めて"
        "お知らせします。",
        "idempotency_key": "a1",
    }
    first = services.dispute_answer(**kwargs)
    again = services.dispute_answer(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert DisputeAnswer.objects.count() == 1


def test_a_response_sent_again_with_its_key_returns_the_first(assigned, official):
    kwargs = {
        "actor": official,
        "entry": assigned,
        "decision": "accepted",
        "body": ANSWER,
        "idempotency_key": "p1",
    }
    first = services.response_publish(**kwargs)
    again = services.response_publish(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert Response.objects.count() == 1


def test_the_api_answers_a_replayed_progress_update_with_the_first(accepted, official):
    token = tokens.token_create(user=official, name="t", scopes=["official"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    url = f"/api/v1/proposals/{accepted.proposal_id}/progress/"
    data = {
        "status": "in_progress",
        "percent": 10,
        "body": "日よけの設計を始めました。",
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "u1"}
    first = client.post(url, data, format="json", **headers)
    again = client.post(url, data, format="json", **headers)
    assert first.status_code == again.status_code == 201, again.content
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.count() == 1
