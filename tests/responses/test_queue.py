"""The official's queue at /staff/queue/ and the "Official work" panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.errors import Conflict, NotAllowed
from responses import services
from responses.models import TrackerEntry
from responses.staff import rules as staff_rules
from responses.staff import selectors
from responses.staff.selectors import QueueFilters
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads(db, department):
    return factories.SectionFactory(department=department, name_en="Roads")


@pytest.fixture
def rivers(db, department):
    return factories.SectionFactory(department=department, name_en="Rivers")


@pytest.fixture
def road_official(db, roads):
    user = factories.UserFactory(real_name="Michi Road")
    return factories.grant(user, Role.OFFICIAL, section=roads)


def _tracked(admin, *, department=None, section=None, due_in_days=20, **proposal):
    item = factories.ProposalFactory(**proposal)
    entry = services.tracker_forward(actor=admin, proposal=item)
    if department is not None or section is not None:
        entry = services.tracker_assign(
            actor=admin, entry=entry, department=department, section=section
        )
    TrackerEntry.objects.filter(pk=entry.pk).update(
        response_due_at=timezone.now() + timedelta(days=due_in_days)
    )
    entry.refresh_from_db()
    return entry


def _ids(user, **filters):
    return [e.pk for e in selectors.queue_entries(user, QueueFilters(**filters))]


# --- Who sees the queue ---------------------------------------------------------------
@pytest.mark.parametrize(
    "role,allowed",
    [
        ("anonymous", False),
        ("resident", False),
        ("facilitator", False),
        ("official_no_mfa", False),
        ("official", True),
        ("admin", True),
    ],
)
def test_the_queue_is_for_officials_and_admins(role, allowed, request):
    user = {
        "anonymous": AnonymousUser,
        "resident": factories.UserFactory,
    }.get(role)
    user = (
        user()
        if user
        else request.getfixturevalue(
            {
                "facilitator": "facilitator",
                "official_no_mfa": "official_no_mfa",
                "official": "official",
                "admin": "admin_user",
            }[role]
        )
    )
    assert (staff_rules.queue_refusal(user) is None) == allowed


def test_the_queue_page_is_403_for_a_facilitator(login, facilitator):
    assert login(facilitator).get("/staff/queue/").status_code == 403


def test_the_queue_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/staff/queue/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Whose items ----------------------------------------------------------------------
def test_a_section_official_sees_their_section_and_the_departments_unsectioned_items(
    admin_user, department, roads, rivers, road_official, other_department
):
    mine = _tracked(admin_user, department=department, section=roads)
    waiting = _tracked(admin_user, department=department)
    _tracked(admin_user, department=department, section=rivers)
    _tracked(admin_user, department=other_department)
    assert set(_ids(road_official)) == {mine.pk, waiting.pk}


def test_an_official_without_a_section_sees_the_whole_department(
    admin_user, department, roads, rivers, official, other_department
):
    a = _tracked(admin_user, department=department, section=roads)
    b = _tracked(admin_user, department=department, section=rivers)
    _tracked(admin_user, department=other_department)
    assert set(_ids(official)) == {a.pk, b.pk}


def test_unassigned_to_any_department_is_a_filter_of_its_own(
    admin_user, department, official
):
    loose = _tracked(admin_user)
    _tracked(admin_user, department=department)
    assert _ids(official, assignment="unrouted") == [loose.pk]
    assert loose.pk not in _ids(official)


def test_overdue_first_then_by_due_date(admin_user, department, official):
    later = _tracked(admin_user, department=department, due_in_days=30)
    sooner = _tracked(admin_user, department=department, due_in_days=3)
    overdue = _tracked(admin_user, department=department, due_in_days=-2)
    assert _ids(official) == [overdue.pk, sooner.pk, later.pk]


def test_filters_by_process_and_category(admin_user, department, official):
    category = factories.CategoryFactory()
    process = factories.ProcessFactory()
    match = _tracked(
        admin_user, department=department, process=process, category=category
    )
    _tracked(admin_user, department=department, process=process)
    _tracked(admin_user, department=department, category=category)
    assert _ids(official, process=process.slug, category=category.slug) == [match.pk]


def test_assigned_to_me_and_nobody_in_charge(admin_user, department, official):
    taken = _tracked(admin_user, department=department)
    free = _tracked(admin_user, department=department)
    services.tracker_claim(actor=official, entry=taken, department=department)
    assert _ids(official, assignment="me") == [taken.pk]
    assert _ids(official, assignment="unassigned") == [free.pk]


def test_status_filter_overdue(admin_user, department, official):
    overdue = _tracked(admin_user, department=department, due_in_days=-1)
    _tracked(admin_user, department=department)
    assert _ids(official, status="overdue") == [overdue.pk]


def test_an_unknown_filter_value_is_a_400(login, official):
    response = login(official).get("/staff/queue/?status=nonsense")
    assert response.status_code == 400


# --- Counts --------------------------------------------------------------------------
def test_counts_overdue_due_this_week_and_nobody_in_charge(
    admin_user, department, official
):
    _tracked(admin_user, department=department, due_in_days=-1)
    _tracked(admin_user, department=department, due_in_days=3)
    mine = _tracked(admin_user, department=department, due_in_days=20)
    services.tracker_claim(actor=official, entry=mine, department=department)
    counts = {c.key: c.value for c in selectors.official_counts(official)}
    assert counts == {"overdue": 1, "due_soon": 1, "unassigned": 2, "mine": 1}


def test_urgent_counts_come_first():
    counts = selectors.official_counts(AnonymousUser())
    urgent = [c.urgent for c in counts]
    assert urgent == sorted(urgent, reverse=True)


def test_another_app_can_add_a_count(official, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_PROVIDERS", list(selectors.COUNT_PROVIDERS))
    selectors.register_count(
        lambda user, now: [
            selectors.QueueCount("drafts", "Drafts awaiting my approval", 4, "", True)
        ]
    )
    keys = [c.key for c in selectors.official_counts(official)]
    assert "drafts" in keys and keys.index("drafts") < keys.index("mine")


def test_the_dashboard_shows_official_work_first(
    login, admin_user, department, official
):
    _tracked(admin_user, department=department, due_in_days=-1)
    page = login(official).get("/staff/").content.decode()
    assert "Official work" in page
    assert "/staff/queue/?status=overdue" in page


def test_the_dashboard_counts_run_fixed_queries(
    login, admin_user, department, official, django_assert_num_queries
):
    client = login(official)
    _tracked(admin_user, department=department)
    with CaptureQueriesContext(connection) as baseline:
        client.get("/staff/")
    for _ in range(10):
        _tracked(admin_user, department=department, due_in_days=-1)
    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get("/staff/")


# --- The page ------------------------------------------------------------------------
def test_the_queue_page_runs_the_same_queries_for_5_and_50_items(
    login, admin_user, department, roads, road_official, django_assert_num_queries
):
    client = login(road_official)
    for _ in range(5):
        _tracked(admin_user, department=department, section=roads)
    with CaptureQueriesContext(connection) as five:
        response = client.get("/staff/queue/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5
    for _ in range(45):
        _tracked(admin_user, department=department, section=roads)
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get("/staff/queue/")
    assert len(response.context["rows"]) == 25
    assert response.context["page_obj"].paginator.count == 50


def test_the_queue_page_shows_section_and_counts(
    login, admin_user, department, roads, road_official
):
    entry = _tracked(admin_user, department=department, section=roads, due_in_days=-3)
    page = login(road_official).get("/staff/queue/").content.decode()
    assert entry.proposal.title in page
    assert "Roads" in page
    assert "Overdue" in page


# --- Taking an item -------------------------------------------------------------------
def test_taking_an_item_of_my_section_makes_me_in_charge_and_is_audited(
    admin_user, department, roads, road_official
):
    entry = _tracked(admin_user, department=department, section=roads)
    services.tracker_claim(actor=road_official, entry=entry, department=department)
    entry.refresh_from_db()
    assert entry.assignee == road_official
    event = AuditEvent.objects.get(action="tracker.take")
    assert event.before["assignee"] is None
    assert event.after["assignee"] == road_official.pk


def test_taking_an_unsectioned_item_puts_it_in_my_section(
    admin_user, department, roads, road_official
):
    entry = _tracked(admin_user, department=department)
    services.tracker_claim(actor=road_official, entry=entry, department=department)
    entry.refresh_from_db()
    assert entry.section == roads


def test_an_official_of_another_section_cannot_take_it(
    admin_user, department, rivers, road_official
):
    entry = _tracked(admin_user, department=department, section=rivers)
    with pytest.raises(NotAllowed) as caught:
        services.tracker_claim(actor=road_official, entry=entry, department=department)
    assert caught.value.code == "wrong_section"
    entry.refresh_from_db()
    assert entry.assignee is None


def test_an_official_of_another_department_cannot_take_it(
    admin_user, department, other_official
):
    entry = _tracked(admin_user, department=department)
    with pytest.raises(NotAllowed):
        services.tracker_claim(actor=other_official, entry=entry, department=department)


def test_taking_an_item_someone_handles_is_a_conflict_naming_them(
    admin_user, department, official, road_official, roads
):
    entry = _tracked(admin_user, department=department, section=roads)
    services.tracker_claim(actor=official, entry=entry, department=department)
    with pytest.raises(Conflict) as caught:
        services.tracker_claim(actor=road_official, entry=entry, department=department)
    assert caught.value.code == "already_taken"
    assert official.real_name in str(caught.value.message)


def test_claiming_an_unassigned_item_puts_it_in_my_section(
    admin_user, department, roads, road_official
):
    entry = _tracked(admin_user)
    services.tracker_claim(actor=road_official, entry=entry, department=department)
    entry.refresh_from_db()
    assert (entry.department, entry.section, entry.assignee) == (
        department,
        roads,
        road_official,
    )


def test_the_take_button_works_without_javascript(
    login, admin_user, department, official
):
    entry = _tracked(admin_user, department=department)
    response = login(official).post(
        f"/staff/queue/{entry.proposal_id}/take/", {"next": "/staff/queue/?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/queue/?page=1"
    entry.refresh_from_db()
    assert entry.assignee == official


def test_the_take_button_refuses_an_outside_next(
    login, admin_user, department, official
):
    entry = _tracked(admin_user, department=department)
    response = login(official).post(
        f"/staff/queue/{entry.proposal_id}/take/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/queue/"


def test_the_take_button_of_another_section_is_a_403(
    login, admin_user, department, rivers, road_official
):
    entry = _tracked(admin_user, department=department, section=rivers)
    response = login(road_official).post(f"/staff/queue/{entry.proposal_id}/take/")
    assert response.status_code == 403
