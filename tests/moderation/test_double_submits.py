"""Double submits in moderation: reports (page and API), facilitator notes and
blocks (participation.idempotency)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from participation.api import services as tokens
from participation.idempotency.services import replayed
from participation.moderation import services
from participation.moderation.models import Block, FacilitatorNote, Report

NOTE = "Summary so far: most agree on more shade; please keep it civil."


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def test_a_report_form_sent_twice_stores_one_and_redirects_both_times(
    login, comment, resident2
):
    client = login(resident2)
    url = reverse("moderation:report", args=["comment", comment.pk])
    data = {"reason": "spam", "details": "", "idempotency_key": "m1"}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert Report.objects.count() == 1


def test_the_api_answers_a_replayed_report_with_the_first(comment, resident2):
    token = tokens.token_create(user=resident2, name="t", scopes=["participate"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    data = {"target_type": "comment", "target_id": comment.pk, "reason": "spam"}
    first = client.post(
        "/api/v1/reports/", data, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    again = client.post(
        "/api/v1/reports/", data, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"


def test_a_note_sent_again_with_its_key_keeps_one_note(facilitator, proposal):
    first = services.note_pin(
        actor=facilitator, target=proposal, body=NOTE, idempotency_key="n1"
    )
    again = services.note_pin(
        actor=facilitator, target=proposal, body=NOTE, idempotency_key="n1"
    )
    assert again.pk == first.pk and replayed(again)
    assert FacilitatorNote.objects.count() == 1


def test_a_block_sent_again_with_its_key_returns_the_first(
    facilitator, comment, author
):
    kwargs = {
        "actor": facilitator,
        "user": author,
        "reason": "Repeated insults.",
        "days": 7,
        "target": comment,
        "idempotency_key": "b1",
    }
    first = services.user_block(**kwargs)
    again = services.user_block(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert Block.objects.count() == 1
