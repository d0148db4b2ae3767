"""The routing table (category → section) and the automatic assignment of a
proposal entering the tracker; reassignment to a section or an official."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.notifications.models import Notification
from proposals import services as proposal_services
from responses import services
from responses.models import AssignmentRule, EventKind, TrackerEntry, TrackerEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db, process):
    category = factories.CategoryFactory(name="道路・交通", name_en="Roads")
    process.categories.add(category)
    return category


@pytest.fixture
def section(db, department):
    return factories.SectionFactory(
        department=department, name="道路課", name_en="Roads Section"
    )


@pytest.fixture
def rule(db, admin_user, category, section):
    return services.assignment_rule_create(
        actor=admin_user, category=category, section=section
    )


@pytest.fixture
def routed_proposal(db, process, resident, category):
    return factories.ProposalFactory(
        process=process, author=resident, category=category
    )


def _reach_threshold(proposal):
    for _ in range(proposal.process.support_threshold):
        proposal_services.support_add(user=factories.UserFactory(), proposal=proposal)
    return TrackerEntry.objects.get(proposal=proposal)


# --- Who may edit the routing table ---------------------------------------------------
ROLES = ("anonymous", "resident", "facilitator", "official", "admin")


def _person(role, request):
    if role == "anonymous":
        return AnonymousUser()
    if role == "resident":
        return factories.UserFactory()
    return request.getfixturevalue(
        {"facilitator": "facilitator", "official": "official", "admin": "admin_user"}[
            role
        ]
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_edit_the_routing_table(role, request, category, section):
    user = _person(role, request)
    if role == "admin":
        services.assignment_rule_create(actor=user, category=category, section=section)
        assert AssignmentRule.objects.count() == 1
        return
    with pytest.raises(NotAllowed):
        services.assignment_rule_create(actor=user, category=category, section=section)
    assert not AssignmentRule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="routing.").exists()


@pytest.mark.parametrize("role", ("resident", "facilitator", "official"))
def test_the_routing_page_is_403_for_others(role, request, login, category, section):
    client = login(_person(role, request))
    assert client.get("/staff/departments/routing/").status_code == 403
    response = client.post(
        "/staff/departments/routing/",
        {"category": category.pk, "section": section.pk},
    )
    assert response.status_code == 403
    assert not AssignmentRule.objects.exists()


# --- Bad input ------------------------------------------------------------------------
def test_a_rule_duplicating_another_is_a_conflict(admin_user, rule, category):
    other = factories.SectionFactory()
    with pytest.raises(Conflict) as caught:
        services.assignment_rule_create(
            actor=admin_user, category=category, section=other
        )
    assert caught.value.code == "duplicate_rule"
    assert AssignmentRule.objects.count() == 1


def test_a_rule_for_one_process_may_sit_beside_the_rule_for_all(
    admin_user, rule, category, process
):
    services.assignment_rule_create(
        actor=admin_user,
        category=category,
        process=process,
        section=factories.SectionFactory(),
    )
    with pytest.raises(Conflict):
        services.assignment_rule_create(
            actor=admin_user,
            category=category,
            process=process,
            section=factories.SectionFactory(),
        )
    assert AssignmentRule.objects.count() == 2


def test_a_rule_for_a_category_the_process_does_not_use_is_refused(admin_user, section):
    stranger = factories.CategoryFactory()
    process = factories.ProcessFactory()
    with pytest.raises(Invalid) as caught:
        services.assignment_rule_create(
            actor=admin_user, category=stranger, process=process, section=section
        )
    assert caught.value.code == "category_not_in_process"


def test_an_unknown_section_in_the_form_is_a_400(login, admin_user, category):
    response = login(admin_user).post(
        "/staff/departments/routing/", {"category": category.pk, "section": 999999}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AssignmentRule.objects.exists()


def test_a_duplicate_rule_in_the_form_is_a_409_with_the_message(
    login, admin_user, rule, category
):
    response = login(admin_user).post(
        "/staff/departments/routing/",
        {"category": category.pk, "section": factories.SectionFactory().pk},
    )
    assert response.status_code == 409
    assert "already routes" in response.content.decode()


def test_the_routing_page_lists_rules_in_fixed_queries(
    login, admin_user, rule, django_assert_max_num_queries
):
    client = login(admin_user)
    client.get("/staff/departments/routing/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        client.get("/staff/departments/routing/")
    for _ in range(5):
        category = factories.CategoryFactory()
        services.assignment_rule_create(
            actor=admin_user, category=category, section=factories.SectionFactory()
        )
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get("/staff/departments/routing/")


def test_editing_and_removing_rules_is_audited(admin_user, rule):
    other = factories.SectionFactory()
    services.assignment_rule_update(
        actor=admin_user, rule=rule, category=rule.category, section=other
    )
    services.assignment_rule_delete(actor=admin_user, rule=rule)
    actions = list(
        AuditEvent.objects.filter(action__startswith="routing.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["routing.create", "routing.update", "routing.delete"]
    assert not AssignmentRule.objects.exists()


# --- Automatic assignment -------------------------------------------------------------
def test_reaching_the_threshold_assigns_by_the_rule(rule, routed_proposal, section):
    entry = _reach_threshold(routed_proposal)
    assert entry.department_id == section.department_id
    assert entry.section_id == section.pk
    assert entry.assigned_at == entry.entered_at


def test_forwarding_assigns_by_the_rule(rule, routed_proposal, admin_user, section):
    entry = services.tracker_forward(actor=admin_user, proposal=routed_proposal)
    entry.refresh_from_db()
    assert (entry.department_id, entry.section_id) == (
        section.department_id,
        section.pk,
    )


def test_the_automatic_assignment_is_in_the_public_timeline(
    rule, routed_proposal, client, settings
):
    entry = _reach_threshold(routed_proposal)
    kinds = list(
        TrackerEvent.objects.filter(entry=entry)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [EventKind.ENTERED, EventKind.AUTO_ASSIGNED]
    page = client.get(routed_proposal.get_absolute_url()).content.decode()
    assert "Assigned automatically to Roads Section" in page
    assert "Roads" in page


def test_the_automatic_assignment_is_in_the_audit_log(rule, routed_proposal):
    entry = _reach_threshold(routed_proposal)
    event = AuditEvent.objects.get(action="tracker.auto_assign")
    assert event.actor is None
    assert event.target_id == str(entry.pk)
    assert event.after["rule"] == rule.pk
    assert event.after["section"] == rule.section.code


def test_the_department_hears_of_the_automatic_assignment(
    rule, routed_proposal, official
):
    _reach_threshold(routed_proposal)
    assert Notification.objects.filter(
        recipient=official, kind="proposal.assigned"
    ).exists()


def test_a_rule_for_the_process_wins_over_the_rule_for_every_process(
    admin_user, rule, category, process, routed_proposal
):
    special = factories.SectionFactory()
    services.assignment_rule_create(
        actor=admin_user, category=category, process=process, section=special
    )
    entry = _reach_threshold(routed_proposal)
    assert entry.section_id == special.pk


def test_a_rule_of_another_process_does_not_match(admin_user, category, proposal):
    other_process = factories.ProcessFactory()
    other_process.categories.add(category)
    services.assignment_rule_create(
        actor=admin_user,
        category=category,
        process=other_process,
        section=factories.SectionFactory(),
    )
    proposal.category = category
    proposal.save(update_fields=["category"])
    entry = _reach_threshold(proposal)
    assert entry.department_id is None


def test_without_a_matching_rule_the_proposal_waits_unassigned(rule, proposal):
    entry = _reach_threshold(proposal)
    assert entry.department_id is None and entry.section_id is None
    assert not TrackerEvent.objects.filter(kind=EventKind.AUTO_ASSIGNED).exists()


def test_the_section_is_in_the_projection_csv_and_open_data(
    rule, routed_proposal, client
):
    entry = _reach_threshold(routed_proposal)
    csv = b"".join(client.get("/tracker/export.csv").streaming_content).decode()
    header, row = csv.splitlines()[:2]
    assert header.endswith(",section")
    assert row.endswith(f",{rule.section.code}")
    document = client.get(f"/proposals/{entry.proposal_id}/tracker.json").json()
    assert document["tracker"]["section"]["code"] == rule.section.code
    api = client.get(f"/api/v1/proposals/{entry.proposal_id}/").json()
    assert api["tracker"]["section"] == rule.section.code


# --- Reassignment ---------------------------------------------------------------------
def test_an_automatically_assigned_proposal_can_be_reassigned_with_a_note(
    rule, routed_proposal, official
):
    entry = _reach_threshold(routed_proposal)
    rivers = factories.SectionFactory(department=entry.department, name_en="Rivers")
    services.tracker_assign(
        actor=official,
        entry=entry,
        department=entry.department,
        section=rivers,
        note="河川に関する提案です。",
    )
    entry.refresh_from_db()
    assert entry.section == rivers
    event = TrackerEvent.objects.get(entry=entry, kind=EventKind.REASSIGNED)
    assert event.previous_section == rule.section and event.section == rivers
    assert event.data["note"] == "河川に関する提案です。"
    audit = AuditEvent.objects.get(action="tracker.reassign")
    assert audit.before["section"] == rule.section.code
    assert audit.after["section"] == rivers.code
    assert audit.after["note"] == "河川に関する提案です。"


def test_a_section_of_another_department_is_refused(assigned, admin_user, department):
    foreign = factories.SectionFactory()
    with pytest.raises(Invalid) as caught:
        services.tracker_assign(
            actor=admin_user, entry=assigned, department=department, section=foreign
        )
    assert caught.value.code == "section_of_other_department"
    assigned.refresh_from_db()
    assert assigned.section_id is None


def test_an_official_of_another_department_cannot_be_put_in_charge(
    assigned, admin_user, department, other_official
):
    with pytest.raises(Invalid) as caught:
        services.tracker_assign(
            actor=admin_user,
            entry=assigned,
            department=department,
            assignee=other_official,
        )
    assert caught.value.code == "not_official_of_department"


def test_putting_an_official_in_charge_is_audited_not_public(
    assigned, admin_user, department, official
):
    events_before = TrackerEvent.objects.filter(entry=assigned).count()
    services.tracker_assign(
        actor=admin_user, entry=assigned, department=department, assignee=official
    )
    assigned.refresh_from_db()
    assert assigned.assignee == official
    assert TrackerEvent.objects.filter(entry=assigned).count() == events_before
    assert AuditEvent.objects.filter(action="tracker.assign_official").exists()
    assert Notification.objects.filter(
        recipient=official, kind="proposal.assigned"
    ).exists()


def test_reassigning_to_the_same_place_is_a_conflict(assigned, admin_user, department):
    with pytest.raises(Conflict):
        services.tracker_assign(actor=admin_user, entry=assigned, department=department)


def test_an_official_of_another_section_cannot_hand_it_on(
    rule, routed_proposal, department, other_department
):
    entry = _reach_threshold(routed_proposal)
    elsewhere = factories.SectionFactory(department=department)
    colleague = factories.grant(
        factories.UserFactory(), Role.OFFICIAL, section=elsewhere
    )
    with pytest.raises(NotAllowed) as caught:
        services.tracker_assign(
            actor=colleague, entry=entry, department=other_department
        )
    assert caught.value.code == "wrong_section"
    entry.refresh_from_db()
    assert entry.department == department


def test_an_official_of_the_section_hands_it_to_another_department(
    rule, routed_proposal, other_department
):
    entry = _reach_threshold(routed_proposal)
    member = factories.grant(
        factories.UserFactory(), Role.OFFICIAL, section=rule.section
    )
    services.tracker_assign(
        actor=member, entry=entry, department=other_department, note="所管外です。"
    )
    entry.refresh_from_db()
    assert entry.department == other_department and entry.section is None


def test_the_console_form_reassigns_to_a_section(
    login, admin_user, assigned, department
):
    section = factories.SectionFactory(department=department)
    response = login(admin_user).post(
        f"/proposals/{assigned.proposal_id}/tracker/assign/",
        {"department": department.pk, "section": section.pk, "note": ""},
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.section == section


def test_the_console_form_refuses_a_section_of_another_department(
    login, admin_user, assigned, department
):
    response = login(admin_user).post(
        f"/proposals/{assigned.proposal_id}/tracker/assign/",
        {"department": department.pk, "section": factories.SectionFactory().pk},
    )
    assert response.status_code == 400
    assert "is not part of" in response.content.decode()
