"""Setting up departments (部) and sections (課) at /staff/departments/: who may,
what bad input gets, what the audit log keeps, and the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.spaces import department_services as services
from participation.spaces.models import Department, Section
from tests import factories

pytestmark = pytest.mark.django_db

DEPT = {
    "code": "doboku",
    "name": "土木部",
    "name_en": "Public Works",
    "phone": "099-000-1100",
    "email": "Doboku@pref.example.jp",
    "approval_required": True,
}
SECTION = {
    "code": "roads",
    "name": "道路課",
    "name_en": "Roads Section",
    "phone": "099-000-1101",
    "email": "doro@pref.example.jp",
    "position": 1,
}


def _person(role, department=None, process=None, mfa=True):
    if role == "anonymous":
        return AnonymousUser()
    user = factories.UserFactory()
    if role == "resident":
        return user
    if role == "facilitator":
        return factories.grant(user, Role.FACILITATOR, process=process, mfa=mfa)
    if role == "official":
        return factories.grant(user, Role.OFFICIAL, department=department, mfa=mfa)
    if role in ("admin", "admin_no_mfa"):
        return factories.grant(user, Role.ADMIN, mfa=role == "admin")
    raise AssertionError(role)


ROLES = ("anonymous", "resident", "facilitator", "official", "admin_no_mfa", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_with_mfa_create_departments(role, department, process):
    user = _person(role, department=department, process=process)
    before = (Department.objects.count(), AuditEvent.objects.count())
    if role == "admin":
        created = services.department_create(actor=user, data=DEPT)
        assert created.code == "doboku"
        return
    with pytest.raises(NotAllowed):
        services.department_create(actor=user, data=DEPT)
    assert (Department.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_with_mfa_add_sections(role, department, process):
    user = _person(role, department=department, process=process)
    if role == "admin":
        section = services.section_create(
            actor=user, department=department, data=SECTION
        )
        assert section.department == department
        return
    with pytest.raises(NotAllowed):
        services.section_create(actor=user, department=department, data=SECTION)
    assert not Section.objects.exists()


def test_a_department_is_created_with_its_office_contact_and_audited(admin_user):
    department = services.department_create(actor=admin_user, data=DEPT)
    assert department.email == "doboku@pref.example.jp"
    assert department.approval_required is True
    event = AuditEvent.objects.get(action="department.create")
    assert event.actor == admin_user
    assert event.after["phone"] == "099-000-1100"


def test_approval_is_required_by_default():
    assert Department(code="x", name="x").approval_required is True


def test_switching_approval_off_is_recorded(admin_user, department):
    data = {
        "code": department.code,
        "name": department.name,
        "name_en": department.name_en,
        "approval_required": False,
    }
    services.department_update(actor=admin_user, department=department, data=data)
    department.refresh_from_db()
    assert department.approval_required is False
    event = AuditEvent.objects.get(action="department.update")
    assert event.before["approval_required"] is True
    assert event.after["approval_required"] is False


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("code", "Doboku Bu", "invalid_code"),
        ("code", "new", "reserved_code"),
        ("name", "  ", "too_short"),
        ("phone", "call me", "invalid_phone"),
        ("email", "not-an-address", "invalid_email"),
    ],
)
def test_bad_department_input_is_refused_naming_the_field(
    admin_user, field, value, code
):
    with pytest.raises(Invalid) as caught:
        services.department_create(actor=admin_user, data=DEPT | {field: value})
    assert caught.value.code == code
    assert field in caught.value.field_errors
    assert not Department.objects.filter(name="土木部").exists()


def test_a_department_code_in_use_is_refused(admin_user, department):
    with pytest.raises(Invalid) as caught:
        services.department_create(
            actor=admin_user, data=DEPT | {"code": department.code}
        )
    assert caught.value.code == "code_taken"


def test_a_section_code_is_unique_within_its_department_only(admin_user):
    first = factories.DepartmentFactory()
    second = factories.DepartmentFactory()
    services.section_create(actor=admin_user, department=first, data=SECTION)
    services.section_create(actor=admin_user, department=second, data=SECTION)
    with pytest.raises(Invalid) as caught:
        services.section_create(actor=admin_user, department=first, data=SECTION)
    assert caught.value.code == "code_taken"
    assert Section.objects.filter(code="roads").count() == 2


def test_saving_a_section_unchanged_is_a_conflict(admin_user, department):
    section = services.section_create(
        actor=admin_user, department=department, data=SECTION
    )
    with pytest.raises(Conflict):
        services.section_update(actor=admin_user, section=section, data=SECTION)


def test_a_section_edit_is_audited_with_before_and_after(admin_user, department):
    section = services.section_create(
        actor=admin_user, department=department, data=SECTION
    )
    services.section_update(
        actor=admin_user, section=section, data=SECTION | {"phone": "099-000-2222"}
    )
    event = AuditEvent.objects.get(action="section.update")
    assert event.before["phone"] == "099-000-1101"
    assert event.after["phone"] == "099-000-2222"
    assert event.after["department"] == department.code


# --- Pages ----------------------------------------------------------------------------
def test_the_list_shows_departments_sections_and_contacts(login, admin_user):
    section = factories.SectionFactory(phone="099-000-3333")
    response = login(admin_user).get("/staff/departments/")
    assert response.status_code == 200
    page = response.content.decode()
    assert section.department.name_en in page or section.department.name in page
    assert "099-000-3333" in page


def test_the_list_runs_the_same_queries_for_more_departments(
    login, admin_user, django_assert_num_queries
):
    client = login(admin_user)
    factories.SectionFactory()
    client.get("/staff/departments/")
    with CaptureQueriesContext(connection) as baseline:
        client.get("/staff/departments/")
    for _ in range(5):
        factories.SectionFactory()
    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get("/staff/departments/")


@pytest.mark.parametrize("role", ("resident", "facilitator", "official"))
def test_the_setup_pages_are_403_for_others(role, login, department, process):
    client = login(_person(role, department=department, process=process))
    assert client.get("/staff/departments/").status_code == 403
    response = client.post("/staff/departments/new/", DEPT)
    assert response.status_code == 403
    assert not Department.objects.filter(code="doboku").exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/staff/departments/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_admin_creates_a_department_through_the_form(login, admin_user):
    response = login(admin_user).post(
        "/staff/departments/new/", DEPT | {"approval_required": "on"}
    )
    assert response.status_code == 302
    assert Department.objects.get(code="doboku").approval_required is True


def test_unticking_approval_in_the_form_switches_it_off(login, admin_user):
    data = {k: v for k, v in DEPT.items() if k != "approval_required"}
    login(admin_user).post("/staff/departments/new/", data)
    assert Department.objects.get(code="doboku").approval_required is False


def test_a_bad_phone_in_the_form_is_a_400_with_the_message(login, admin_user):
    response = login(admin_user).post(
        "/staff/departments/new/", DEPT | {"phone": "call me"}
    )
    assert response.status_code == 400
    assert "phone number" in response.content.decode()


def test_an_admin_adds_a_section_through_the_form(login, admin_user, department):
    response = login(admin_user).post(
        f"/staff/departments/{department.code}/sections/new/", SECTION
    )
    assert response.status_code == 302
    assert Section.objects.get(department=department, code="roads").name == "道路課"


def test_editing_a_section_of_an_unknown_department_is_404(login, admin_user):
    response = login(admin_user).get("/staff/departments/nope/sections/roads/edit/")
    assert response.status_code == 404


def test_the_dashboard_shows_the_setup_panel_to_admins_only(
    login, admin_user, official
):
    assert "/staff/departments/" in login(admin_user).get("/staff/").content.decode()
    assert "/staff/departments/" not in login(official).get("/staff/").content.decode()


def test_the_list_warns_of_a_department_asking_approval_without_approver(
    login, admin_user
):
    lonely = factories.DepartmentFactory(approval_required=True)
    staffed = factories.DepartmentFactory(approval_required=True)
    factories.grant(
        factories.UserFactory(), Role.OFFICIAL, department=staffed, approver=True
    )
    page = login(admin_user).get("/staff/departments/").content.decode()
    cards = {
        chunk.split('"', 1)[0]: chunk for chunk in page.split('id="department-')[1:]
    }
    warning = "No approver is named in this department"
    assert warning in cards[str(lonely.pk)]
    assert warning not in cards[str(staffed.pk)]
