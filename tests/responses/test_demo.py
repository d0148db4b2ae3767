"""The demo tracker looks alive on first run: every status, overdue items, revised
responses, progress, completions and a dispute, all made through the services (so
the audit log has them). The demo is seeded once for the module."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from participation.audit.models import AuditEvent
from responses.models import (
    DisputeAnswer,
    OutcomeCheck,
    ProgressUpdate,
    Response,
    ResponseRating,
    TrackerEntry,
)
from responses.transitions import Decision, Implementation


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_every_decision_status_appears():
    assert set(TrackerEntry.objects.values_list("decision", flat=True)) == set(
        Decision.values
    )


def test_every_implementation_status_appears():
    assert set(TrackerEntry.objects.values_list("implementation", flat=True)) == set(
        Implementation.values
    )


def test_some_proposals_are_overdue():
    overdue = [e for e in TrackerEntry.objects.all() if e.is_overdue]
    assert len(overdue) >= 2


def test_some_responses_were_revised_and_one_answers_several_proposals():
    assert Response.objects.filter(revision_count__gt=1).count() >= 2
    assert any(r.entries.count() > 1 for r in Response.objects.all())


def test_progress_completion_and_disputes_exist():
    assert ProgressUpdate.objects.count() >= 8
    assert OutcomeCheck.objects.filter(verdict="disputed").count() >= 2
    assert DisputeAnswer.objects.exists()
    assert TrackerEntry.objects.filter(disputed_at__isnull=False).exists()


def test_residents_rated_the_responses():
    assert ResponseRating.objects.count() >= 20


def test_the_story_is_dated_in_the_past_in_order():
    for entry in TrackerEntry.objects.exclude(decided_at=None):
        assert entry.entered_at <= entry.decided_at
        times = list(entry.events.values_list("created_at", flat=True))
        assert times == sorted(times)


def test_every_step_is_in_the_audit_log():
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "tracker.assign",
        "tracker.reassign",
        "tracker.status",
        "response.publish",
        "response.revise",
        "tracker.progress",
        "tracker.complete",
        "tracker.dispute_answer",
    } <= actions


def test_tracker_pages_render_the_demo(client):
    for path in ("/tracker/", "/tracker/departments/", "/tracker/export.csv"):
        assert client.get(path).status_code == 200


def test_the_demo_departments_have_sections_and_routing_rules():
    from participation.spaces.models import Section
    from responses.models import AssignmentRule

    assert Section.objects.filter(department__code="public-works").count() >= 2
    assert AssignmentRule.objects.count() >= 3
    assert Section.objects.exclude(phone="").exclude(email="").exists()


def test_the_demo_official_belongs_to_a_section():
    from participation.accounts.models import RoleGrant

    grant = RoleGrant.objects.get(
        user__email="official@example.org", department__code="public-works"
    )
    assert grant.section is not None and grant.section.code == "roads"


def test_a_demo_proposal_was_assigned_automatically_on_entering():
    from responses.models import EventKind

    entry = TrackerEntry.objects.get(events__kind=EventKind.AUTO_ASSIGNED)
    assert entry.section is not None
    assert entry.department_id == entry.section.department_id
    assert AuditEvent.objects.filter(
        action="tracker.auto_assign", target_id=str(entry.pk)
    ).exists()


def test_the_demo_official_sees_a_queue(client, settings):
    from participation.accounts.models import User

    settings.STAFF_MFA_REQUIRED = False  # as make run's demo accounts (DEBUG)
    client.force_login(User.objects.get(email="official@example.org"))
    response = client.get("/staff/queue/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 0
