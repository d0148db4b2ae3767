"""Bad input never becomes a server error, and every error has the same shape."""

from __future__ import annotations

import pytest
from django.test import override_settings

from proposals.models import Comment
from tests.api.conftest import body

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "field_errors"}


def _post_raw(client, url, data: bytes, content_type="application/json"):
    return client.generic("POST", url, data, content_type=content_type)


def test_malformed_json_is_400(token_client, resident2, proposal):
    response = _post_raw(
        token_client(resident2), f"/api/v1/proposals/{proposal.pk}/comments/", b"{body:"
    )
    assert response.status_code == 400
    assert set(body(response)) == SHAPE
    assert body(response)["code"] == "malformed"


def test_invalid_utf8_body_is_400(token_client, resident2, proposal):
    response = _post_raw(
        token_client(resident2),
        f"/api/v1/proposals/{proposal.pk}/comments/",
        b'{"body": "\xff\xfe broken"}',
    )
    assert response.status_code == 400
    assert body(response)["code"] == "malformed"


def test_lone_surrogate_is_400(token_client, resident2, proposal):
    response = _post_raw(
        token_client(resident2),
        f"/api/v1/proposals/{proposal.pk}/comments/",
        b'{"body": "abc \\ud800 def"}',
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_deeply_nested_json_is_400(token_client, resident2, proposal):
    response = _post_raw(
        token_client(resident2),
        f"/api/v1/proposals/{proposal.pk}/comments/",
        b"[" * 100_000 + b"]" * 100_000,
    )
    assert response.status_code in (400, 413)


def test_nan_is_not_json(token_client, resident2, proposal):
    response = _post_raw(
        token_client(resident2),
        f"/api/v1/comments/{proposal.pk}/vote/",
        b'{"value": NaN}',
    )
    assert response.status_code in (400, 404)


def test_wrong_types_are_400_with_field_errors(token_client, resident2, proposal):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": ["not", "a", "string"], "parent": "first"},
        format="json",
    )
    assert response.status_code == 400
    assert set(body(response)["field_errors"]) == {"body", "parent"}


def test_json_array_instead_of_object_is_400(token_client, resident2, proposal):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/", [1, 2], format="json"
    )
    assert response.status_code == 400
    assert body(response)["code"] == "invalid"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(token_client, resident2, proposal):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "あ" * 2000},
        format="json",
    )
    assert response.status_code == 413
    assert body(response)["code"] == "too_large"
    assert not Comment.objects.exists()


def test_form_encoded_body_is_415(token_client, resident2, proposal):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/", {"body": "賛成です。"}
    )
    assert response.status_code == 415
    assert body(response)["code"] == "unsupported_media_type"


def test_unknown_api_url_is_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_non_numeric_id_is_404(api):
    assert api.get("/api/v1/proposals/abc/").status_code == 404


def test_invalid_utf8_in_query_string_is_not_a_500(api):
    response = api.get("/api/v1/proposals/?q=%ff%fe")
    assert response.status_code in (200, 400)


def test_error_message_is_translated(token_client, resident2, proposal):
    client = token_client(resident2)
    client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    response = client.post(
        f"/api/v1/proposals/{proposal.pk}/support/", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 409
    assert response["Content-Language"] == "ja"
