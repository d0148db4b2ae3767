"""The tracker document (``responses/document.py``) and the view that serves it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.http import JsonResponse
from django.utils import timezone

from responses.document import tracker_document

NOW = datetime(2026, 12, 2, 14, 59, 30, 123456, tzinfo=UTC)


def test_tracker_json_serves_the_document_byte_for_byte(client, disputed, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    served = client.get(f"/proposals/{disputed.proposal_id}/tracker.json")
    document = tracker_document(disputed.proposal)
    expected = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    assert served.content == expected.content
    assert served["Access-Control-Allow-Origin"] == "*"


def test_the_documents_addresses_are_on_site_url(completed, settings):
    settings.SITE_URL = "https://pref.example"
    document = tracker_document(completed.proposal)
    assert document["proposal"]["url"] == (
        f"https://pref.example/proposals/{completed.proposal_id}/"
    )
    assert document["tracker"]["department"]["url"].startswith("https://pref.example/")
    assert document["tracker"]["response"]["url"].startswith("https://pref.example/")


def test_the_document_is_plain_json(completed):
    document = tracker_document(completed.proposal)
    assert json.loads(json.dumps(document)) == document
