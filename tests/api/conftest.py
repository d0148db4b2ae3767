from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from participation.api import services


@pytest.fixture
def api():
    """An anonymous API client (CSRF enforced, as in a browser)."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def token_client(db):
    """token_client(user, scopes) → a client sending ``Authorization: Bearer``."""

    def make(user: Any, scopes: list[str] | tuple[str, ...] = ("participate",)):
        new = services.token_create(user=user, name="test token", scopes=list(scopes))
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.raw}")
        client.token = new.token
        client.raw_token = new.raw
        return client

    return make


@pytest.fixture
def session_client(db):
    """session_client(user) → a logged-in client that must send CSRF tokens."""

    def make(user: Any):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


def csrf_headers(client: APIClient) -> dict[str, str]:
    """Obtain a CSRF cookie from a page and return the header to send it back."""
    client.get("/accounts/tokens/")
    token = client.cookies["csrftoken"].value
    return {"HTTP_X_CSRFTOKEN": token}


def body(response: Any) -> Any:
    return json.loads(response.content.decode("utf-8"))


@pytest.fixture
def entry(proposal, admin_user, department):
    """The proposal in the tracker, assigned to the department."""
    from responses import services as responses

    tracked = responses.tracker_forward(actor=admin_user, proposal=proposal)
    return responses.tracker_assign(
        actor=admin_user, entry=tracked, department=department
    )
