"""The API's request-rate limit: per address for anonymous clients, per account for
users and tokens, a 429 in the API's error shape with Retry-After."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/processes/"


@pytest.fixture
def limits(settings):
    settings.API_RATE_ANON = "3/60"
    settings.API_RATE_USER = "5/60"
    return settings


def _get(client: APIClient, address: str = "203.0.113.7", **extra):
    return client.get(URL, REMOTE_ADDR=address, **extra)


def test_anonymous_client_over_the_limit_gets_429_with_retry_after(db, limits):
    client = APIClient()
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
    refused = _get(client)
    assert refused.status_code == 429
    error = json.loads(refused.content)
    assert error["code"] == "rate_limited"
    assert "Try again in" in error["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_the_refusal_is_translated(db, limits):
    client = APIClient()
    for _ in range(3):
        _get(client)
    refused = _get(client, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 429
    assert "秒" in json.loads(refused.content)["message"]


def test_each_address_has_its_own_count(db, limits):
    client = APIClient()
    for _ in range(3):
        _get(client, "203.0.113.7")
    assert _get(client, "203.0.113.7").status_code == 429
    assert _get(client, "198.51.100.2").status_code == 200


def test_a_forwarded_for_header_does_not_give_a_fresh_count(db, limits):
    client = APIClient()
    for _ in range(3):
        _get(client)
    spoofed = _get(client, HTTP_X_FORWARDED_FOR="192.0.2.55")
    assert spoofed.status_code == 429


def test_a_token_is_counted_by_account_not_by_the_shared_address(
    limits, token_client, resident
):
    anonymous = APIClient()
    for _ in range(3):
        _get(anonymous)
    assert _get(anonymous).status_code == 429
    client = token_client(resident, ["read"])
    assert [_get(client).status_code for _ in range(5)] == [200] * 5
    assert _get(client).status_code == 429


def test_an_empty_rate_means_no_limit(db, settings):
    settings.API_RATE_ANON = ""
    client = APIClient()
    assert {_get(client).status_code for _ in range(20)} == {200}


def test_the_schema_documents_429_on_reads(db):
    schema = json.loads(APIClient().get("/api/v1/schema/?format=json").content)
    assert "429" in schema["paths"]["/api/v1/processes/"]["get"]["responses"]
