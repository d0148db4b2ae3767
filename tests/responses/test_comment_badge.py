"""An official's comment is badged with the department handling the proposal."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role
from proposals import services as proposal_services
from responses import services as tracker
from responses.models import TrackerEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _official_of(*departments):
    user = factories.UserFactory(real_name="Two Departments")
    for department in departments:
        factories.grant(user, Role.OFFICIAL, department=department, mfa=False)
    return factories.with_mfa(user)


def test_official_comment_badges_the_handling_department(proposal):
    first = factories.DepartmentFactory()
    second = factories.DepartmentFactory()
    official = _official_of(first, second)
    admin = factories.grant(factories.UserFactory(), Role.ADMIN)
    entry = tracker.tracker_forward(actor=admin, proposal=proposal)
    tracker.tracker_assign(actor=admin, entry=entry, department=second)
    assert TrackerEntry.objects.get(proposal=proposal).department_id == second.pk
    comment = proposal_services.comment_create(
        author=official, proposal=proposal, body="We are looking into this."
    )
    assert comment.author_role == "official"
    assert comment.author_department_id == second.pk


def test_official_comment_without_tracker_entry_badges_their_first_department(
    proposal,
):
    first = factories.DepartmentFactory()
    second = factories.DepartmentFactory()
    official = _official_of(first, second)
    comment = proposal_services.comment_create(
        author=official, proposal=proposal, body="Thank you for the proposal."
    )
    assert comment.author_department_id == min(first.pk, second.pk)
