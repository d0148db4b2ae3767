"""The OpenAPI description generates without warnings, validates, and is served
with its documentation page using local assets only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.api.conftest import body

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/proposals/{id}/comments/" in text
    assert "personalAccessToken" in text


def test_schema_is_served_as_json(api):
    response = api.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = body(response)
    assert schema["openapi"].startswith("3.")
    assert "Error" in schema["components"]["schemas"]


def test_every_write_documents_its_error_statuses(api):
    schema = body(api.get("/api/v1/schema/?format=json"))
    operation = schema["paths"]["/api/v1/proposals/{id}/support/"]["post"]
    assert {"401", "403", "409", "429"} <= set(operation["responses"])


def test_docs_page_uses_local_assets_only(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


SNAPSHOT = Path(__file__).with_name("schema_snapshot.json")


def _operations_and_components(schema: dict) -> dict[str, list[str]]:
    methods = ("get", "post", "put", "patch", "delete", "head")
    operations = sorted(
        f"{method.upper()} {path} {operation['operationId']}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in methods
    )
    return {
        "operations": operations,
        "components": sorted(schema["components"]["schemas"]),
    }


def test_schema_keeps_every_path_operation_id_and_component_name(api):
    """The API's paths, operationIds and component names are a contract with its
    clients: moving code between apps must not change them. (A deliberate new
    endpoint updates tests/api/schema_snapshot.json in the same commit.)"""
    schema = body(api.get("/api/v1/schema/?format=json"))
    expected = json.loads(SNAPSHOT.read_text())
    assert _operations_and_components(schema) == expected
