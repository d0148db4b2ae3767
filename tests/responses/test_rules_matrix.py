"""The tracker's role × action matrix: who may do what, and a refusal changes nothing.

Every action is tried by every role through the service (the same refusal functions
serve views, templates and the API)."""

from __future__ import annotations

import pytest
import rules as rules_pkg

from participation.accounts.selectors import standing_of
from participation.audit.models import AuditEvent
from participation.errors import NotAllowed
from participation.spaces.models import Department
from responses import rules, services
from responses.models import (
    ProgressUpdate,
    ResponseRevision,
    TrackerEntry,
    TrackerEvent,
)
from tests.responses.conftest import REASON, ROLES


def _department_for(user, fallback):
    ids = standing_of(user).department_ids
    return Department.objects.get(pk=min(ids)) if ids else fallback


def _forward(user, state, ctx):
    services.tracker_forward(actor=user, proposal=state)


def _assign(user, state, ctx):
    services.tracker_assign(actor=user, entry=state, department=ctx["department"])


def _claim(user, state, ctx):
    services.tracker_claim(
        actor=user, entry=state, department=_department_for(user, ctx["department"])
    )


def _status(user, state, ctx):
    services.tracker_set_status(actor=user, entry=state, status="acknowledged")


def _publish(user, state, ctx):
    services.response_publish(
        actor=user, entry=state, decision="not_adopted", body=REASON
    )


def _revise(user, state, ctx):
    services.response_revise(
        actor=user,
        entry=state,
        decision="partially_accepted",
        body=REASON,
        change_note="理由を詳しく書き直しました。",
    )


def _progress(user, state, ctx):
    services.progress_post(
        actor=user,
        entry=state,
        status="in_progress",
        percent=40,
        body="歩道の工事を始めました。",
    )


def _complete(user, state, ctx):
    services.progress_post(
        actor=user,
        entry=state,
        status="completed",
        percent=100,
        body="歩道の工事が完成しました。",
    )


def _dispute(user, state, ctx):
    services.outcome_check(
        user=user,
        entry=state,
        verdict="disputed",
        reason="まだ一部の区間が工事されていません。確認してください。",
    )


def _answer(user, state, ctx):
    services.dispute_answer(actor=user, entry=state, body=REASON)


# action: (function, state fixture, roles allowed)
MATRIX = {
    "forward": (_forward, "proposal", {"facilitator", "admin"}),
    "assign": (_assign, "entry", {"facilitator", "admin"}),
    "claim": (_claim, "entry", {"official", "other_official"}),
    "status": (_status, "assigned", {"official", "admin"}),
    "publish": (_publish, "assigned", {"official", "admin"}),
    "revise": (_revise, "accepted", {"official", "admin"}),
    "progress": (_progress, "accepted", {"official", "admin"}),
    "complete": (_complete, "accepted", {"official", "admin"}),
    "dispute": (_dispute, "completed", {"author"}),
    "answer_dispute": (_answer, "disputed", {"official", "admin"}),
}


def _snapshot(proposal):
    entry = TrackerEntry.objects.filter(proposal=proposal).values().first()
    return (
        entry,
        TrackerEvent.objects.filter(entry__proposal=proposal).count(),
        ResponseRevision.objects.count(),
        ProgressUpdate.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_only_the_right_roles_can_act_on_the_tracker(
    action, role, request, actor, proposal, department
):
    function, state_name, allowed = MATRIX[action]
    state = request.getfixturevalue(state_name)
    user = actor(role)
    ctx = {"department": department}
    if role in allowed:
        function(user, state, ctx)
        return
    before = _snapshot(proposal)
    with pytest.raises(NotAllowed):
        function(user, state, ctx)
    assert _snapshot(proposal) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "perm,state_name,allowed",
    [
        ("responses.publish", "assigned", {"official", "admin"}),
        ("responses.post_progress", "accepted", {"official", "admin"}),
        ("responses.assign", "entry", {"facilitator", "admin"}),
        ("responses.check_outcome", "completed", {"author"}),
    ],
)
def test_permissions_for_templates_agree_with_the_services(
    perm, state_name, allowed, role, request, actor
):
    state = request.getfixturevalue(state_name)
    user = actor(role)
    assert rules_pkg.has_perm(perm, user, state) == (role in allowed)


def test_supporter_may_dispute_a_completion(completed, supporter):
    services.outcome_check(
        user=supporter,
        entry=completed,
        verdict="disputed",
        reason="歩道の一部がまだ未整備のままで、通学路として使えません。",
    )
    completed.refresh_from_db()
    assert completed.is_disputed


def test_official_of_other_department_is_told_which_department_handles_it(
    assigned, other_official
):
    refusal = rules.publish_refusal(other_official, assigned)
    assert refusal.code == "wrong_department"
    assert "Department" in str(refusal)


def test_official_without_mfa_is_asked_to_set_it_up(assigned, official_no_mfa):
    refusal = rules.publish_refusal(official_no_mfa, assigned)
    assert refusal.code == "mfa_required"


def test_official_cannot_publish_before_assignment(entry, official):
    refusal = rules.publish_refusal(official, entry)
    assert refusal.code == "unassigned"
