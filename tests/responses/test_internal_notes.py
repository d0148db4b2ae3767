"""Internal notes on a tracked proposal: visible only to officials of its
department and admins; never in pages for others, the API, search, feeds, open
data or e-mails (tested through each door)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from participation.audit.models import AuditEvent
from participation.errors import NotAllowed
from participation.notifications.models import Notification
from portal.opendata import datasets
from responses import services
from responses.models import InternalNote
from responses.staff import rules as staff_rules
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "内部限定メモ、課長と電話で確認済みの予算枠ZQX"
MARKER = "ZQX"


@pytest.fixture
def note(assigned, official):
    return services.internal_note_create(actor=official, entry=assigned, body=SECRET)


# --- Who may read and write -----------------------------------------------------------
READERS = {"official", "admin"}


@pytest.mark.parametrize(
    "role",
    (
        "anonymous",
        "resident",
        "author",
        "facilitator",
        "other_official",
        "official",
        "official_no_mfa",
        "admin",
    ),
)
def test_only_the_department_and_admins_write_notes(role, actor, assigned):
    user = actor(role)
    if role in READERS:
        services.internal_note_create(actor=user, entry=assigned, body=SECRET)
        assert InternalNote.objects.count() == 1
        return
    with pytest.raises(NotAllowed):
        services.internal_note_create(actor=user, entry=assigned, body=SECRET)
    assert not InternalNote.objects.exists()
    assert not AuditEvent.objects.filter(action="tracker.note").exists()


@pytest.mark.parametrize(
    "role",
    (
        "anonymous",
        "resident",
        "author",
        "facilitator",
        "other_official",
        "official",
        "official_no_mfa",
        "admin",
    ),
)
def test_only_the_department_and_admins_read_notes(role, actor, assigned):
    allowed = staff_rules.note_view_refusal(actor(role), assigned) is None
    assert allowed == (role in READERS)


def test_a_note_is_refused_before_a_department_handles_it(entry, admin_user):
    refusal = staff_rules.note_create_refusal(admin_user, entry)
    assert refusal is not None and refusal.code == "unassigned"


def test_a_note_is_audited_without_its_text(note):
    event = AuditEvent.objects.get(action="tracker.note")
    assert event.after["note"] == note.pk
    assert MARKER not in str(event.after)


def test_an_empty_note_is_refused(assigned, official):
    from participation.errors import Invalid

    with pytest.raises(Invalid):
        services.internal_note_create(actor=official, entry=assigned, body=" ")


def test_the_same_note_twice_is_a_conflict(note, assigned, official):
    from participation.errors import Conflict

    with pytest.raises(Conflict):
        services.internal_note_create(actor=official, entry=assigned, body=SECRET)


def test_the_new_department_reads_the_notes_after_a_reassignment(
    note, assigned, admin_user, other_department, other_official, official
):
    services.tracker_assign(
        actor=admin_user, entry=assigned, department=other_department
    )
    assigned.refresh_from_db()
    assert staff_rules.note_view_refusal(other_official, assigned) is None
    assert staff_rules.note_view_refusal(official, assigned) is not None


# --- Pages ---------------------------------------------------------------------------
def test_the_official_reads_notes_on_the_console(note, login, official):
    page = login(official).get(f"/proposals/{note.entry.proposal_id}/tracker/")
    assert page.status_code == 200
    assert MARKER in page.content.decode()


def test_the_facilitator_console_shows_no_notes(note, login, facilitator):
    page = login(facilitator).get(f"/proposals/{note.entry.proposal_id}/tracker/")
    assert page.status_code == 200
    assert MARKER not in page.content.decode()


@pytest.mark.parametrize(
    "role", ("anonymous", "resident", "facilitator", "other_official", "official")
)
def test_the_proposal_page_never_shows_notes(role, note, actor, client):
    user = actor(role)
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    page = client.get(note.entry.proposal.get_absolute_url()).content.decode()
    assert MARKER not in page


def test_the_public_tracker_pages_never_show_notes(note, client):
    for url in (
        "/tracker/",
        f"/tracker/departments/{note.entry.department.code}/",
        f"/proposals/{note.entry.proposal_id}/tracker.json",
    ):
        assert MARKER not in client.get(url).content.decode(), url
    csv = b"".join(client.get("/tracker/export.csv").streaming_content).decode()
    assert MARKER not in csv


def test_posting_a_note_through_the_form(login, official, assigned):
    response = login(official).post(
        f"/proposals/{assigned.proposal_id}/tracker/notes/", {"body": SECRET}
    )
    assert response.status_code == 302
    assert InternalNote.objects.get().author == official


def test_posting_a_note_as_another_department_is_a_403(login, other_official, assigned):
    response = login(other_official).post(
        f"/proposals/{assigned.proposal_id}/tracker/notes/", {"body": SECRET}
    )
    assert response.status_code == 403
    assert not InternalNote.objects.exists()


# --- The other doors ------------------------------------------------------------------
def test_the_api_never_shows_notes_even_to_the_department(note, login, official):
    client = login(official)
    pk = note.entry.proposal_id
    for url in (
        f"/api/v1/proposals/{pk}/",
        f"/api/v1/proposals/{pk}/tracker/",
        "/api/v1/tracker/",
        "/api/v1/proposals/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url


def test_search_never_finds_notes(note, login, official, process):
    # A public proposal with the same word is found: the search works.
    public = factories.ProposalFactory(process=process, body=f"公開の提案 {MARKER}")
    client = login(official)
    page = client.get(f"/search/?q={MARKER}").content.decode()
    assert public.title in page
    assert "課長と電話" not in page
    results = client.get(f"/api/v1/search/?q={MARKER}").json()["results"]
    assert "課長と電話" not in str(results)
    assert str(public.pk) in str(results)


def test_feeds_never_show_notes(note, client):
    for url in (
        "/tracker/feed/",
        f"/tracker/feed/departments/{note.entry.department.code}/",
        f"/tracker/feed/processes/{note.entry.process.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url


def test_open_data_never_contains_notes(note):
    for dataset in datasets.all_datasets():
        for row in dataset.rows():
            assert MARKER not in repr(row), dataset.slug


def test_notes_send_no_notification_or_email(
    assigned, official, django_capture_on_commit_callbacks
):
    factories.SupportFactory(proposal=assigned.proposal)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.internal_note_create(actor=official, entry=assigned, body=SECRET)
    assert Notification.objects.count() == before
    assert not any(MARKER in (m.body + m.subject) for m in mail.outbox)


def test_later_emails_about_the_proposal_do_not_carry_notes(
    note, assigned, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tracker_set_status(
            actor=official, entry=assigned, status="acknowledged"
        )
    for notification in Notification.objects.all():
        assert MARKER not in str(notification.data)
    assert not any(MARKER in m.body for m in mail.outbox)


def test_an_official_of_another_section_of_the_department_reads_notes(
    note, assigned, department
):
    from participation.accounts.models import Role

    colleague = factories.grant(
        factories.UserFactory(),
        Role.OFFICIAL,
        section=factories.SectionFactory(department=department),
    )
    assert staff_rules.note_view_refusal(colleague, assigned) is None


def test_the_console_offers_section_and_official_to_the_department(
    assigned, login, official
):
    page = login(official).get(f"/proposals/{assigned.proposal_id}/tracker/")
    html = page.content.decode()
    assert 'name="section"' in html and 'name="assignee"' in html
    assert 'id="notes"' in html
