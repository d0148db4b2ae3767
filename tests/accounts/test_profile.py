"""The public profile /people/<id>/ and editing one's own profile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.spaces.models import ProcessStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_profile_shows_real_name_reading_and_bio(client, resident):
    resident.name_reading = "さとう はなこ"
    resident.bio = "Cyclist, parent of two."
    resident.save()
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "Hanako Sato" in body
    assert "さとう はなこ" in body
    assert "Cyclist, parent of two." in body


def test_profile_never_shows_the_email_address(client, resident, resident2, login):
    for viewer in (None, resident2, resident):
        if viewer:
            login(viewer)
        body = client.get(f"/people/{resident.pk}/").content.decode()
        assert resident.email not in body


def test_profile_lists_the_persons_proposals(client, resident, process):
    factories.ProposalFactory(
        process=process, author=resident, title="自転車レーンを整備してほしい"
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "自転車レーンを整備してほしい" in body


def test_profile_leaves_out_hidden_proposals(client, resident, process):
    factories.ProposalFactory(
        process=process,
        author=resident,
        title="隠された提案のタイトルです",
        hidden_at=timezone.now(),
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "隠された提案のタイトルです" not in body


def test_profile_leaves_out_proposals_in_draft_processes(client, resident):
    draft = factories.ProcessFactory(status=ProcessStatus.DRAFT)
    factories.ProposalFactory(
        process=draft, author=resident, title="下書きプロセスへの提案です"
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "下書きプロセスへの提案です" not in body


def test_profile_lists_recent_comments_with_their_proposal(client, resident, proposal):
    factories.CommentFactory(
        proposal=proposal, author=resident, body="This is my comment text."
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "This is my comment text." in body
    assert proposal.title in body


def test_profile_leaves_out_deleted_comments(client, resident, proposal):
    factories.CommentFactory(
        proposal=proposal,
        author=resident,
        body="Deleted words here.",
        deleted_at=timezone.now(),
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "Deleted words here." not in body


def test_profile_shows_role_badges_with_department_names(client, department, process):
    person = factories.UserFactory(real_name="Kenji Official")
    factories.grant(person, Role.OFFICIAL, department=department)
    factories.grant(person, Role.FACILITATOR, process=process, mfa=False)
    body = client.get(f"/people/{person.pk}/").content.decode()
    assert f"Official · {department.name_en}" in body
    assert f"Facilitator · {process.title_en}" in body


def test_profile_paginates_proposals(client, resident, process):
    factories.ProposalFactory.create_batch(21, process=process, author=resident)
    first = client.get(f"/people/{resident.pk}/").content.decode()
    second = client.get(f"/people/{resident.pk}/?page=2").content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_profile_query_count_does_not_grow_with_content(
    client, resident, process, django_assert_num_queries
):
    def populate(n: int) -> None:
        for _ in range(n):
            proposal = factories.ProposalFactory(process=process, author=resident)
            factories.CommentFactory(proposal=proposal, author=resident)

    populate(2)
    other = factories.UserFactory()
    factories.grant(other, Role.OFFICIAL, department=factories.DepartmentFactory())
    with django_assert_num_queries(5):
        client.get(f"/people/{resident.pk}/")
    populate(8)
    with django_assert_num_queries(5):
        client.get(f"/people/{resident.pk}/")


def test_profile_of_unknown_person_is_404(client, db):
    assert client.get("/people/999999/").status_code == 404


def test_profile_of_deactivated_person_is_404(client, resident):
    resident.is_active = False
    resident.save()
    assert client.get(f"/people/{resident.pk}/").status_code == 404


def test_own_profile_links_to_edit_and_account_pages(client, resident, login):
    login(resident)
    body = client.get(f"/people/{resident.pk}/").content.decode()
    for url in ("/accounts/profile/", "/accounts/email/", "/accounts/2fa/"):
        assert f'href="{url}"' in body


def test_someone_elses_profile_has_no_edit_link(client, resident, resident2, login):
    login(resident2)
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert 'href="/accounts/profile/"' not in body


def test_profile_edit_saves_and_redirects_to_profile(client, resident, login):
    login(resident)
    response = client.post(
        "/accounts/profile/",
        {"real_name": "Hanako Suzuki", "name_reading": "はなこ", "bio": "Hi"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{resident.pk}/"
    resident.refresh_from_db()
    assert (resident.real_name, resident.name_reading, resident.bio) == (
        "Hanako Suzuki",
        "はなこ",
        "Hi",
    )
    assert AuditEvent.objects.filter(action="user.rename").count() == 1


def test_profile_edit_with_bad_name_shows_error_and_changes_nothing(
    client, resident, login
):
    login(resident)
    response = client.post(
        "/accounts/profile/", {"real_name": "http://spam.example", "bio": "x"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "web address" in body
    # The header still shows the stored name, not the refused one.
    assert "Hanako Sato" in body
    resident.refresh_from_db()
    assert resident.real_name == "Hanako Sato"
    assert resident.bio == ""


def test_profile_edit_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_edit_escapes_html_in_bio(client, resident, login):
    login(resident)
    client.post(
        "/accounts/profile/",
        {"real_name": "Hanako Sato", "bio": "<script>alert(1)</script>"},
    )
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_profile_does_not_name_a_draft_process_in_role_badges(client, resident):
    draft = factories.ProcessFactory(status=ProcessStatus.DRAFT, title_en="Secret plan")
    factories.grant(resident, Role.FACILITATOR, process=draft, mfa=False)
    body = client.get(f"/people/{resident.pk}/").content.decode()
    assert "Secret plan" not in body


# --- A block stops profile changes: the name and bio appear on every earlier post.


def _block(user, **fields):
    from participation.moderation.models import Block

    fields.setdefault("ends_at", timezone.now() + timedelta(days=7))
    return Block.objects.create(user=user, reason="Insults", **fields)


def _unchanged(user):
    user.refresh_from_db()
    return (user.real_name, user.name_reading, user.bio) == ("Hanako Sato", "", "")


def test_the_service_refuses_a_blocked_resident_and_changes_nothing(resident):
    from participation.accounts import services
    from participation.errors import NotAllowed

    _block(resident)
    with pytest.raises(NotAllowed) as refused:
        services.profile_update(
            user=resident, real_name="Someone Else", bio="<b>spam</b> everywhere"
        )
    assert refused.value.code == "blocked"
    assert _unchanged(resident)
    assert not AuditEvent.objects.filter(action="user.rename").exists()


def test_a_block_made_after_the_standing_was_read_still_refuses(resident):
    from participation.accounts import services
    from participation.accounts.rules import profile_edit_refusal
    from participation.errors import NotAllowed

    assert profile_edit_refusal(resident) is None  # standing cached on the user
    _block(resident, ends_at=None)
    with pytest.raises(NotAllowed):
        services.profile_update(user=resident, real_name="Someone Else")
    assert _unchanged(resident)


def test_a_blocked_resident_posting_the_form_gets_403_and_nothing_changes(
    client, resident, login
):
    _block(resident)
    login(resident)
    response = client.post(
        "/accounts/profile/",
        {"real_name": "Someone Else", "name_reading": "", "bio": "spam"},
    )
    assert response.status_code == 403
    assert "your name and profile cannot be changed" in response.content.decode()
    assert _unchanged(resident)


def test_a_blocked_resident_is_told_why_instead_of_getting_the_form(
    client, resident, login
):
    _block(resident)
    login(resident)
    response = client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 403
    body = response.content.decode()
    assert "利用停止" in body
    assert 'name="real_name"' not in body


def test_after_the_block_is_lifted_the_profile_can_be_changed_again(
    client, resident, login
):
    _block(resident, lifted_at=timezone.now())
    _block(resident, ends_at=timezone.now() - timedelta(days=1))
    login(resident)
    response = client.post(
        "/accounts/profile/", {"real_name": "Hanako Suzuki", "bio": "Hi"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.real_name == "Hanako Suzuki"
