"""The transition table of each axis, and that services refuse what it refuses."""

from __future__ import annotations

import pytest

from participation.errors import Invalid
from responses import services
from responses.transitions import (
    ACCEPTING,
    DECIDED,
    DECISION_TRANSITIONS,
    IMPLEMENTATION_TRANSITIONS,
    PENDING,
    Decision,
    Implementation,
    decision_allowed,
    implementation_allowed,
)
from tests.responses.conftest import REASON, publish


def test_every_status_of_each_axis_has_a_row_in_the_table():
    assert set(DECISION_TRANSITIONS) == set(Decision.values)
    assert set(IMPLEMENTATION_TRANSITIONS) == set(Implementation.values)


@pytest.mark.parametrize("decided", sorted(DECIDED))
@pytest.mark.parametrize("pending", sorted(PENDING))
def test_a_decision_never_goes_back_to_a_pending_status(decided, pending):
    assert not decision_allowed(decided, pending)


def test_an_acceptance_cannot_be_turned_into_a_refusal():
    assert not decision_allowed(Decision.ACCEPTED, Decision.NOT_ADOPTED)
    assert not decision_allowed(Decision.PARTIALLY_ACCEPTED, Decision.NOT_ADOPTED)


def test_a_refusal_can_be_reconsidered_into_an_acceptance():
    assert decision_allowed(Decision.NOT_ADOPTED, Decision.PARTIALLY_ACCEPTED)


def test_nothing_goes_back_to_awaiting():
    assert not any(
        Decision.AWAITING in targets for targets in DECISION_TRANSITIONS.values()
    )


def test_completed_work_reopens_only_to_in_progress():
    assert IMPLEMENTATION_TRANSITIONS[Implementation.COMPLETED] == {
        Implementation.IN_PROGRESS
    }


def test_implementation_starts_only_as_not_started():
    assert IMPLEMENTATION_TRANSITIONS[Implementation.NONE] == {
        Implementation.NOT_STARTED
    }
    assert not implementation_allowed(Implementation.NONE, Implementation.IN_PROGRESS)


def test_accepting_decisions_are_decisions():
    assert ACCEPTING <= DECIDED


def test_under_review_cannot_go_back_to_acknowledged(assigned, official):
    services.tracker_set_status(actor=official, entry=assigned, status="under_review")
    with pytest.raises(Invalid) as info:
        services.tracker_set_status(
            actor=official, entry=assigned, status="acknowledged"
        )
    assert info.value.code == "invalid_transition"
    assigned.refresh_from_db()
    assert assigned.decision == "under_review"


def test_revision_refuses_a_transition_outside_the_table(accepted, official):
    with pytest.raises(Invalid) as info:
        services.response_revise(
            actor=official,
            entry=accepted,
            decision="not_adopted",
            body=REASON,
            change_note="方針を変更しました。",
        )
    assert info.value.code == "invalid_transition"
    accepted.refresh_from_db()
    assert accepted.decision == "accepted"


def test_revising_a_refusal_into_an_acceptance_opens_implementation(assigned, official):
    publish(assigned, official, decision="not_adopted", body=REASON)
    services.response_revise(
        actor=official,
        entry=assigned,
        decision="accepted",
        body=REASON + "再検討の結果、実施することにしました。",
        change_note="再検討の結果、採用に変更しました。",
    )
    assigned.refresh_from_db()
    assert assigned.implementation == "not_started"


def test_progress_status_outside_the_table_is_refused(accepted, official):
    with pytest.raises(Invalid):
        services.progress_post(
            actor=official,
            entry=accepted,
            status="not_started",
            percent=0,
            body="まだ始まっていません。準備中です。",
        )


def test_the_database_refuses_implementation_without_acceptance(assigned):
    from django.db import IntegrityError

    from responses.models import TrackerEntry

    with pytest.raises(IntegrityError):
        TrackerEntry.objects.filter(pk=assigned.pk).update(implementation="in_progress")


def test_the_database_refuses_a_percent_over_100(accepted):
    from django.db import IntegrityError

    from responses.models import TrackerEntry

    with pytest.raises(IntegrityError):
        TrackerEntry.objects.filter(pk=accepted.pk).update(implementation_percent=101)
