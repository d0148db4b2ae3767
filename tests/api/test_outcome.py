"""Residents on the outcome through the API: rating a published response, and
confirming or disputing a completed implementation (scope: participate)."""

from __future__ import annotations

import pytest

from responses import services
from responses.models import OutcomeCheck, ResponseRating, TrackerEntry
from responses.transitions import Decision
from tests.api.conftest import body

pytestmark = pytest.mark.django_db

ANSWER = "ご提案ありがとうございます。来年度の予算で日よけを設置します。"
DISPUTE = "南側の広場にはまだ日よけがありません。設置されたのは北側だけです。"


@pytest.fixture
def answered(entry, official):
    services.response_publish(
        actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
    )
    return TrackerEntry.objects.get(pk=entry.pk)


@pytest.fixture
def completed(answered, official):
    services.progress_post(
        actor=official,
        entry=answered,
        status="completed",
        percent=100,
        body="日よけの設置工事が終わりました。",
    )
    return TrackerEntry.objects.get(pk=answered.pk)


def _rate_url(entry):
    return f"/api/v1/proposals/{entry.proposal_id}/response/rating/"


def _outcome_url(entry):
    return f"/api/v1/proposals/{entry.proposal_id}/tracker/outcome/"


def test_resident_rates_a_response_then_changes_the_rating(
    token_client, answered, resident2
):
    client = token_client(resident2, ["participate"])
    first = client.post(
        _rate_url(answered), {"clear": True, "satisfied": False}, format="json"
    )
    assert first.status_code == 201
    assert body(first)["ratings"]["count"] == 1
    assert body(first)["ratings"]["satisfied"] == 0
    changed = client.post(
        _rate_url(answered), {"clear": True, "satisfied": True}, format="json"
    )
    assert changed.status_code == 200
    assert body(changed)["satisfied"] is True
    assert body(changed)["ratings"]["satisfied"] == 1
    assert ResponseRating.objects.count() == 1


def test_the_same_rating_twice_is_409(token_client, answered, resident2):
    client = token_client(resident2, ["participate"])
    payload = {"clear": False, "satisfied": False}
    client.post(_rate_url(answered), payload, format="json")
    again = client.post(_rate_url(answered), payload, format="json")
    assert again.status_code == 409
    assert body(again)["code"] == "duplicate"


def test_rating_needs_both_answers(token_client, answered, resident2):
    client = token_client(resident2, ["participate"])
    response = client.post(_rate_url(answered), {"clear": True}, format="json")
    assert response.status_code == 400
    assert "satisfied" in body(response)["field_errors"]
    assert ResponseRating.objects.count() == 0


def test_rating_before_a_response_is_409(token_client, entry, resident2):
    client = token_client(resident2, ["participate"])
    response = client.post(
        _rate_url(entry), {"clear": True, "satisfied": True}, format="json"
    )
    assert response.status_code == 409
    assert body(response)["code"] == "no_response"


def test_officials_cannot_rate_their_own_department(token_client, answered, official):
    client = token_client(official, ["participate"])
    response = client.post(
        _rate_url(answered), {"clear": True, "satisfied": True}, format="json"
    )
    assert response.status_code == 403
    assert ResponseRating.objects.count() == 0


def test_rating_needs_the_participate_scope_and_a_login(
    api, token_client, answered, resident2
):
    read_only = token_client(resident2, ["read"])
    payload = {"clear": True, "satisfied": True}
    assert read_only.post(_rate_url(answered), payload, format="json").status_code == (
        403
    )
    assert api.post(_rate_url(answered), payload, format="json").status_code == 401
    assert ResponseRating.objects.count() == 0


def test_author_disputes_a_completion_with_a_reason(token_client, completed, resident):
    client = token_client(resident, ["participate"])
    response = client.post(
        _outcome_url(completed),
        {"verdict": "disputed", "reason": DISPUTE},
        format="json",
    )
    assert response.status_code == 200
    data = body(response)
    assert data["verdict"] == "disputed"
    assert data["entry"]["disputed"] is True
    assert data["checks"] == {"confirmed": 0, "disputed": 1}


def test_a_dispute_without_a_reason_is_400_and_changes_nothing(
    token_client, completed, resident
):
    client = token_client(resident, ["participate"])
    response = client.post(
        _outcome_url(completed), {"verdict": "disputed"}, format="json"
    )
    assert response.status_code == 400
    assert OutcomeCheck.objects.count() == 0
    assert TrackerEntry.objects.get(pk=completed.pk).disputed_at is None


def test_a_stranger_cannot_confirm_a_completion(token_client, completed, resident2):
    client = token_client(resident2, ["participate"])
    response = client.post(
        _outcome_url(completed), {"verdict": "confirmed"}, format="json"
    )
    assert response.status_code == 403
    assert body(response)["code"] == "not_supporter"


def test_confirming_before_completion_is_refused(token_client, answered, resident):
    client = token_client(resident, ["participate"])
    response = client.post(
        _outcome_url(answered), {"verdict": "confirmed"}, format="json"
    )
    assert response.status_code == 400
    assert body(response)["code"] == "not_completed"


def test_an_unknown_verdict_is_400(token_client, completed, resident):
    client = token_client(resident, ["participate"])
    response = client.post(_outcome_url(completed), {"verdict": "maybe"}, format="json")
    assert response.status_code == 400
    assert "verdict" in body(response)["field_errors"]
