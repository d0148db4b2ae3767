"""'Your data': what the platform holds about a person, and its JSON download."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def download(client) -> dict:
    response = client.get("/accounts/data/download/")
    assert response.status_code == 200
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def active_resident(resident, proposal, resident2):
    other = factories.ProposalFactory(process=proposal.process, author=resident2)
    factories.CommentFactory(proposal=other, author=resident, body="My own comment.")
    factories.CommentFactory(proposal=other, author=resident2, body="Not mine at all.")
    factories.SupportFactory(proposal=other, user=resident)
    return resident


def test_page_lists_profile_email_and_counts(client, active_resident, login):
    login(active_resident)
    body = client.get("/accounts/data/").content.decode()
    assert active_resident.email in body
    assert "Hanako Sato" in body
    assert '<th scope="row">Proposals</th><td>1</td>' in body
    assert '<th scope="row">Comments</th><td>1</td>' in body
    assert '<th scope="row">Supports</th><td>1</td>' in body


def test_page_shows_roles(client, official, login):
    login(official)
    assert "Official · " in client.get("/accounts/data/").content.decode()


def test_page_needs_login(client, db):
    response = client.get("/accounts/data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_download_needs_login(client, db):
    assert client.get("/accounts/data/download/").status_code == 302


def test_download_is_a_json_attachment(client, resident, login):
    login(resident)
    response = client.get("/accounts/data/download/")
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "no-cache" in response["Cache-Control"]
        or "no-store" in response["Cache-Control"]
    )


def test_download_holds_account_and_own_content(client, active_resident, login):
    login(active_resident)
    data = download(client)
    assert data["account"]["email"] == active_resident.email
    assert data["account"]["real_name"] == "Hanako Sato"
    sections = data["sections"]
    assert len(sections["proposals"]) == 1
    assert [c["body"] for c in sections["comments"]] == ["My own comment."]
    assert len(sections["supports"]) == 1
    assert sections["email_addresses"][0]["verified"] is True


def test_download_holds_no_one_elses_content(client, active_resident, login):
    login(active_resident)
    text = json.dumps(download(client), ensure_ascii=False)
    assert "Not mine at all." not in text
    assert "Jiro Suzuki" not in text


def test_download_includes_hidden_and_deleted_own_content(
    client, resident, process, login
):
    factories.ProposalFactory(
        process=process, author=resident, hidden_at=timezone.now()
    )
    login(resident)
    assert len(download(client)["sections"]["proposals"]) == 1


def test_download_never_contains_secrets(client, resident, login):
    factories.with_mfa(resident)
    login(resident)
    text = json.dumps(download(client))
    assert "JBSWY3DPEHPK3PXP" not in text
    assert resident.password not in text
    assert "totp" in text


def test_download_lists_roles(client, resident, department, login):
    factories.grant(resident, Role.OFFICIAL, department=department)
    login(resident)
    roles = download(client)["sections"]["roles"]
    assert roles == [
        {
            "role": "official",
            "role_label": "Official",
            "process": None,
            "department": department.code,
            "granted_at": roles[0]["granted_at"],
        }
    ]


def test_page_query_count_does_not_grow_with_content(client, active_resident, login):
    login(active_resident)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/accounts/data/")
        return len(queries)

    before = count_queries()
    factories.ProposalFactory.create_batch(5, author=active_resident)
    factories.SupportFactory.create_batch(5, user=active_resident)
    assert count_queries() == before
