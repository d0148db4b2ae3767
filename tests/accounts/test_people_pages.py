"""/staff/people/: who holds which role, grants and revokes through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.accounts import services
from participation.accounts.models import Role, RoleGrant
from participation.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_process(db):
    return factories.ProcessFactory()


@pytest.fixture
def grant_row(official):
    return RoleGrant.objects.get(user=official)


PAGES = {
    "people": lambda g: reverse("accounts:staff_people"),
    "person": lambda g: reverse("accounts:staff_person", args=[g.user_id]),
    "grant": lambda g: reverse("accounts:staff_grant"),
    "revoke": lambda g: reverse("accounts:staff_grant_revoke", args=[g.pk]),
    "invitations": lambda g: reverse("accounts:invitation_list"),
    "invite": lambda g: reverse("accounts:invitation_create"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize(
    "who,status",
    [
        ("resident", 403),
        ("facilitator", 403),
        ("official", 403),
        ("admin_user", 200),
    ],
)
def test_people_pages_are_for_administrators_only(
    client, request, grant_row, page, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGES[page](grant_row)).status_code == status


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_visitor_is_sent_to_log_in(client, grant_row, page):
    response = client.get(PAGES[page](grant_row))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_admin_without_mfa_is_told_to_set_it_up(client, grant_row):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    client.force_login(admin)
    response = client.get(reverse("accounts:staff_people"))
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()


def test_list_shows_people_and_their_scopes(client, admin_user, official, facilitator):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:staff_people")).content.decode()
    assert official.real_name in html and facilitator.real_name in html
    grant = RoleGrant.objects.get(user=official)
    assert grant.department.name_en in html


def test_list_leaves_out_residents(client, admin_user, resident):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:staff_people")).content.decode()
    assert resident.real_name not in html


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ("role=official", "Kenji Official", "Fumi Facilitator"),
        ("role=facilitator", "Fumi Facilitator", "Kenji Official"),
        ("q=kenji", "Kenji Official", "Fumi Facilitator"),
    ],
)
def test_list_filters_by_role_and_name(
    client, admin_user, official, facilitator, query, shown, hidden
):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:staff_people") + "?" + query).content.decode()
    assert shown in html and hidden not in html


def test_list_filters_by_department_and_process(
    client, admin_user, official, facilitator, department, process
):
    client.force_login(admin_user)
    url = reverse("accounts:staff_people")
    by_department = client.get(f"{url}?department={department.pk}").content.decode()
    assert "Kenji Official" in by_department and "Fumi" not in by_department
    by_process = client.get(f"{url}?process={process.pk}").content.decode()
    assert "Fumi Facilitator" in by_process and "Kenji" not in by_process


def test_list_query_count_does_not_grow_with_people(
    client, admin_user, department, django_assert_num_queries
):
    client.force_login(admin_user)
    url = reverse("accounts:staff_people")
    client.get(url)  # warm the session and standing caches
    for _ in range(2):
        factories.grant(factories.UserFactory(), Role.OFFICIAL, department=department)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        factories.grant(factories.UserFactory(), Role.OFFICIAL, department=department)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_admin_grants_an_official_with_section_and_approver(
    client, admin_user, resident, department
):
    section = factories.SectionFactory(department=department)
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_grant"),
        {
            "email": resident.email,
            "role": "official",
            "department": department.pk,
            "section": section.pk,
            "approver": "on",
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=resident)
    assert (grant.department, grant.section, grant.approver) == (
        department,
        section,
        True,
    )
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor == admin_user
    assert event.after["section"] == section.code


def test_section_of_another_department_is_refused_on_the_form(
    client, admin_user, resident, department
):
    other = factories.SectionFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_grant"),
        {
            "email": resident.email,
            "role": "official",
            "department": department.pk,
            "section": other.pk,
        },
    )
    assert response.status_code == 400
    assert "does not belong to" in response.content.decode()
    assert not RoleGrant.objects.filter(user=resident).exists()


def test_granting_twice_is_a_conflict_on_the_form(
    client, admin_user, facilitator, process
):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_grant"),
        {"email": facilitator.email, "role": "facilitator", "process": process.pk},
    )
    assert response.status_code == 409
    assert "already has that role" in response.content.decode()
    assert RoleGrant.objects.filter(user=facilitator).count() == 1


def test_grant_to_an_unknown_address_offers_an_invitation(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_grant"),
        {"email": "new.person@example.org", "role": "facilitator"},
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert reverse("accounts:invitation_create") in html
    assert "email=new.person%40example.org" in html.replace("&amp;", "&")


def test_facilitator_of_the_whole_site_is_granted_without_a_process(
    client, admin_user, resident
):
    client.force_login(admin_user)
    client.post(
        reverse("accounts:staff_grant"),
        {"email": resident.email, "role": "facilitator"},
    )
    grant = RoleGrant.objects.get(user=resident)
    assert grant.role == Role.FACILITATOR and grant.process is None


def test_admin_revokes_a_role_after_confirming(client, admin_user, official):
    grant = RoleGrant.objects.get(user=official)
    client.force_login(admin_user)
    page = client.get(reverse("accounts:staff_grant_revoke", args=[grant.pk]))
    assert page.status_code == 200
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    response = client.post(reverse("accounts:staff_grant_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.get(action="role.revoke").actor == admin_user


def test_revoking_ones_own_admin_role_is_refused(client, admin_user):
    factories.grant(factories.UserFactory(), Role.ADMIN)
    grant = RoleGrant.objects.get(user=admin_user)
    client.force_login(admin_user)
    response = client.post(reverse("accounts:staff_grant_revoke", args=[grant.pk]))
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_the_last_administrator_cannot_be_revoked(admin_user):
    grant = RoleGrant.objects.get(user=admin_user)
    error = services.grant_revoke_refusal(actor=None, grant=grant)
    assert error is not None and error.code == "last_admin"
    assert error.status == 409


def test_another_admin_can_be_revoked_while_one_remains(admin_user):
    other = factories.grant(factories.UserFactory(), Role.ADMIN)
    services.grant_revoke(actor=admin_user, grant=RoleGrant.objects.get(user=other))
    other.refresh_from_db()
    assert not other.is_superuser


def test_revoking_a_grant_that_is_gone_is_a_404(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:staff_grant_revoke", args=[999999]))
    assert response.status_code == 404


def test_refused_grant_in_japanese_is_translated(
    client, admin_user, facilitator, process
):
    client.force_login(admin_user)
    client.cookies["django_language"] = "ja"
    response = client.post(
        reverse("accounts:staff_grant"),
        {"email": facilitator.email, "role": "facilitator", "process": process.pk},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert "already has that role" not in response.content.decode()


def test_dashboard_shows_the_people_panel_to_administrators_only(
    client, admin_user, official
):
    from participation.accounts import invitations

    invitations.invitation_create(
        actor=admin_user, email="someone@example.org", role=Role.FACILITATOR
    )
    client.force_login(admin_user)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert 'id="panel-people"' in html
    assert "pending invitations" in html
    assert reverse("audit:activity") in html
    client.force_login(official)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert 'id="panel-people"' not in html


def test_people_panel_counts_run_two_queries(admin_user, django_assert_num_queries):
    from participation.accounts import people_panel

    with django_assert_num_queries(2):
        people_panel._counts(admin_user)


def test_grant_form_marks_scope_fields_for_the_script(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:staff_grant")).content.decode()
    assert "data-role-select" in html
    for name in ("process", "department", "section", "approver"):
        assert f'data-scope-field="{name}"' in html
    assert 'data-scope-field="email"' not in html
    assert "js/people.js" in html


def test_revoking_the_last_approver_warns_that_approval_stops(client, admin_user):
    department = factories.DepartmentFactory(name_en="Roads", approval_required=True)
    approver = factories.grant(
        factories.UserFactory(), Role.OFFICIAL, department=department, approver=True
    )
    grant = RoleGrant.objects.get(user=approver)
    client.force_login(admin_user)
    url = reverse("accounts:staff_grant_revoke", args=[grant.pk])
    assert "will have no approver" in client.get(url).content.decode()
    followed = client.post(url, follow=True).content.decode()
    assert "will have no approver" in followed


def test_revoking_one_of_two_approvers_gives_no_warning(client, admin_user):
    department = factories.DepartmentFactory(approval_required=True)
    first, second = (
        factories.grant(
            factories.UserFactory(), Role.OFFICIAL, department=department, approver=True
        )
        for _ in range(2)
    )
    grant = RoleGrant.objects.get(user=first)
    client.force_login(admin_user)
    page = client.get(reverse("accounts:staff_grant_revoke", args=[grant.pk]))
    assert "will have no approver" not in page.content.decode()
