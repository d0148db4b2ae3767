"""Behaviours of the tracker's services: entering, assignment, decisions, revisions,
implementation, disputes, ratings, and what each leaves behind (audit, timeline,
notifications, live broadcasts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid
from participation.notifications.models import Notification
from proposals import services as proposal_services
from responses import clock, services
from responses.models import (
    AppendOnlyError,
    EventKind,
    ProgressUpdate,
    ResponseRating,
    ResponseRevision,
    TrackerEntry,
    TrackerEvent,
)
from tests import factories
from tests.responses.conftest import ANSWER, REASON, publish


# --- Entering the tracker ----------------------------------------------------------
def test_reaching_the_threshold_creates_the_entry_in_the_same_transaction(
    process, proposal
):
    for _ in range(process.support_threshold):
        proposal_services.support_add(user=factories.UserFactory(), proposal=proposal)
    entry = TrackerEntry.objects.get(proposal=proposal)
    assert entry.entered_via == "threshold"
    assert entry.entered_at == proposal.threshold_reached_at


def test_response_deadline_is_entry_plus_the_process_response_days(entry, process):
    assert entry.response_due_at - entry.entered_at == timedelta(
        days=process.response_days
    )


def test_threshold_notifies_the_author_and_the_process_facilitators(
    process, proposal, facilitator
):
    for _ in range(process.support_threshold):
        proposal_services.support_add(user=factories.UserFactory(), proposal=proposal)
    recipients = set(
        Notification.objects.filter(kind="proposal.threshold_reached").values_list(
            "recipient_id", flat=True
        )
    )
    assert {proposal.author_id, facilitator.pk} <= recipients


def test_forwarding_twice_is_refused_as_a_conflict(entry, proposal, admin_user):
    with pytest.raises(Conflict):
        services.tracker_forward(actor=admin_user, proposal=proposal)
    assert TrackerEntry.objects.count() == 1


def test_a_forwarded_proposal_reaching_its_threshold_keeps_its_entry(
    process, entry, proposal
):
    for _ in range(process.support_threshold):
        proposal_services.support_add(user=factories.UserFactory(), proposal=proposal)
    assert TrackerEntry.objects.get(proposal=proposal).entered_via == "forwarded"


# --- Assignment ---------------------------------------------------------------------
def test_assignment_is_audited_with_before_and_after(entry, admin_user, department):
    services.tracker_assign(actor=admin_user, entry=entry, department=department)
    event = AuditEvent.objects.get(action="tracker.assign")
    assert event.before["department"] is None
    assert event.after["department"] == department.code


def test_reassignment_records_the_previous_department(
    assigned, facilitator, department, other_department
):
    services.tracker_assign(
        actor=facilitator, entry=assigned, department=other_department, note="所管違い"
    )
    event = TrackerEvent.objects.get(entry=assigned, kind=EventKind.REASSIGNED)
    assert event.previous_department == department
    assert event.department == other_department
    assert AuditEvent.objects.get(action="tracker.reassign").before["department"] == (
        department.code
    )


def test_assignment_notifies_the_department_officials(
    entry, admin_user, department, official
):
    services.tracker_assign(actor=admin_user, entry=entry, department=department)
    assert Notification.objects.filter(
        recipient=official, kind="proposal.assigned"
    ).exists()


def test_assigning_the_same_department_again_is_a_conflict(
    assigned, admin_user, department
):
    with pytest.raises(Conflict):
        services.tracker_assign(actor=admin_user, entry=assigned, department=department)


def test_claiming_an_assigned_proposal_is_a_conflict(
    assigned, other_official, other_department
):
    with pytest.raises(Conflict):
        services.tracker_claim(
            actor=other_official, entry=assigned, department=other_department
        )
    assigned.refresh_from_db()
    assert assigned.department_id != other_department.pk


def test_claiming_assigns_the_officials_department(entry, official, department):
    services.tracker_claim(actor=official, entry=entry, department=department)
    entry.refresh_from_db()
    assert entry.department == department
    assert entry.events.filter(kind=EventKind.CLAIMED).exists()


# --- Status and decisions -------------------------------------------------------------
def test_acknowledging_sets_the_status_and_its_date(assigned, official):
    services.tracker_set_status(actor=official, entry=assigned, status="acknowledged")
    assigned.refresh_from_db()
    assert assigned.decision == "acknowledged"
    assert assigned.acknowledged_at is not None


def test_a_decision_cannot_be_set_without_a_response(assigned, official):
    with pytest.raises(Invalid) as info:
        services.tracker_set_status(actor=official, entry=assigned, status="accepted")
    assert info.value.code == "needs_response"


def test_setting_the_same_status_twice_is_a_conflict(assigned, official):
    services.tracker_set_status(actor=official, entry=assigned, status="acknowledged")
    with pytest.raises(Conflict):
        services.tracker_set_status(
            actor=official, entry=assigned, status="acknowledged"
        )


def test_publishing_records_decision_department_and_official(assigned, official):
    publish(assigned, official, decision="not_adopted", body=REASON)
    revision = assigned.response.current
    assert assigned.decision == "not_adopted"
    assert assigned.decided_at is not None
    assert revision.author_name == official.real_name
    assert revision.department_name == assigned.department.name


@pytest.mark.parametrize("decision", ["not_adopted", "partially_accepted", "referred"])
def test_decisions_that_need_a_reason_refuse_49_characters(
    assigned, official, decision
):
    with pytest.raises(Invalid) as info:
        services.response_publish(
            actor=official,
            entry=assigned,
            decision=decision,
            body="あ" * 49,
            referred_to="みなみ市",
        )
    assert info.value.code == "reason_too_short"
    assert "49" in str(info.value)
    assigned.refresh_from_db()
    assert assigned.response_id is None


@pytest.mark.parametrize("decision", ["not_adopted", "partially_accepted", "referred"])
def test_decisions_that_need_a_reason_accept_50_characters(
    assigned, official, decision
):
    publish(
        assigned, official, decision=decision, body="あ" * 50, referred_to="みなみ市"
    )
    assert assigned.decision == decision


def test_an_acceptance_still_needs_a_written_response(assigned, official):
    with pytest.raises(Invalid):
        services.response_publish(
            actor=official, entry=assigned, decision="accepted", body="はい。"
        )


def test_a_referral_must_name_the_body(assigned, official):
    with pytest.raises(Invalid) as info:
        services.response_publish(
            actor=official, entry=assigned, decision="referred", body=REASON
        )
    assert info.value.field_errors == {"referred_to": ["required"]}


def test_publishing_twice_is_a_conflict_and_keeps_the_first_response(
    accepted, official
):
    with pytest.raises(Conflict):
        services.response_publish(
            actor=official, entry=accepted, decision="not_adopted", body=REASON
        )
    accepted.refresh_from_db()
    assert accepted.decision == "accepted"
    assert ResponseRevision.objects.count() == 1


def test_acceptance_opens_the_implementation_axis(accepted):
    assert accepted.implementation == "not_started"
    assert accepted.implementation_percent == 0


def test_a_refusal_leaves_the_implementation_axis_closed(assigned, official):
    publish(assigned, official, decision="not_adopted", body=REASON)
    assert assigned.implementation == ""


def test_publishing_notifies_the_author_and_followers(
    assigned, official, proposal, supporter
):
    from participation.notifications import services as notifications

    notifications.follow(user=supporter, target=proposal)
    publish(assigned, official)
    recipients = set(
        Notification.objects.filter(kind="response.published").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {proposal.author_id, supporter.pk}


def test_publishing_broadcasts_to_the_proposal_and_the_tracker(
    assigned, official, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(assigned, official)
    sent = {(group, kind) for group, kind, _payload in live_events}
    assert (
        f"proposal.{assigned.proposal_id}",
        "proposal.tracker_changed",
    ) in sent
    assert ("tracker", "tracker.row_changed") in sent


# --- One answer for many --------------------------------------------------------------
@pytest.fixture
def sibling(db, process, department, admin_user):
    proposal = factories.ProposalFactory(process=process)
    entry = services.tracker_forward(actor=admin_user, proposal=proposal)
    return services.tracker_assign(actor=admin_user, entry=entry, department=department)


def test_one_response_can_answer_several_proposals(assigned, sibling, official):
    publish(assigned, official, also=[sibling.pk])
    sibling.refresh_from_db()
    assert sibling.response_id == assigned.response_id
    assert sibling.decision == "accepted"
    assert sibling.decided_at is not None


def test_a_grouped_answer_counts_each_proposal_once_on_the_scorecard(
    assigned, sibling, official, department
):
    from responses import selectors

    publish(assigned, official, also=[sibling.pk])
    figures = selectors.department_figures(department)
    assert (figures.received, figures.answered) == (2, 2)


def test_a_grouped_answer_cannot_cover_another_departments_proposal(
    assigned, official, process, admin_user, other_department
):
    other = services.tracker_forward(
        actor=admin_user, proposal=factories.ProposalFactory(process=process)
    )
    services.tracker_assign(actor=admin_user, entry=other, department=other_department)
    with pytest.raises(Invalid) as info:
        publish(assigned, official, also=[other.pk])
    assert info.value.code == "wrong_department"
    assigned.refresh_from_db()
    assert assigned.response_id is None


def test_revising_a_grouped_answer_updates_every_covered_proposal(
    assigned, sibling, official
):
    publish(assigned, official, also=[sibling.pk])
    services.response_revise(
        actor=official,
        entry=sibling,
        decision="partially_accepted",
        body=REASON,
        change_note="予算の都合で一部のみ実施します。",
    )
    assert set(
        TrackerEntry.objects.filter(pk__in=[assigned.pk, sibling.pk]).values_list(
            "decision", flat=True
        )
    ) == {"partially_accepted"}


# --- Revisions ------------------------------------------------------------------------
def test_a_revision_never_overwrites_the_published_text(accepted, official):
    services.response_revise(
        actor=official,
        entry=accepted,
        decision="accepted",
        body=ANSWER + "工事は来年4月に始めます。",
        change_note="工事の開始時期を追記しました。",
    )
    revisions = list(ResponseRevision.objects.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].body == ANSWER
    accepted.response.refresh_from_db()
    assert accepted.response.current == revisions[1]


def test_a_revision_row_cannot_be_changed_or_deleted(accepted):
    revision = accepted.response.current
    revision.body = "書き換え"
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        ResponseRevision.objects.filter(pk=revision.pk).update(body="書き換え")
    with pytest.raises(AppendOnlyError):
        revision.delete()


def test_a_revision_that_changes_nothing_is_refused(accepted, official):
    with pytest.raises(Invalid) as info:
        services.response_revise(
            actor=official,
            entry=accepted,
            decision="accepted",
            body=ANSWER,
            change_note="変更はありませんが保存します。",
        )
    assert info.value.code == "unchanged"


def test_a_revision_based_on_an_old_version_is_a_conflict(accepted, official):
    services.response_revise(
        actor=official,
        entry=accepted,
        decision="accepted",
        body=ANSWER + "追記。",
        change_note="追記しました（一回目）。",
        base_revision=1,
    )
    with pytest.raises(Conflict) as info:
        services.response_revise(
            actor=official,
            entry=accepted,
            decision="accepted",
            body=ANSWER + "別の追記。",
            change_note="追記しました（二回目）。",
            base_revision=1,
        )
    assert info.value.code == "stale_revision"


def test_a_revision_needs_a_note_saying_what_changed(accepted, official):
    with pytest.raises(Invalid) as info:
        services.response_revise(
            actor=official,
            entry=accepted,
            decision="accepted",
            body=ANSWER + "追記。",
            change_note="",
        )
    assert info.value.field_errors == {"change_note": ["too_short"]}


def test_a_revision_is_audited_with_both_texts(accepted, official):
    services.response_revise(
        actor=official,
        entry=accepted,
        decision="partially_accepted",
        body=REASON,
        change_note="予算の都合で一部のみ実施します。",
    )
    event = AuditEvent.objects.get(action="response.revise")
    assert event.before["body"] == ANSWER
    assert event.after["body"] == REASON
    assert (event.before["decision"], event.after["decision"]) == (
        "accepted",
        "partially_accepted",
    )


# --- Implementation -------------------------------------------------------------------
def test_progress_before_acceptance_is_refused(assigned, official):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=assigned,
            status="in_progress",
            percent=10,
            body="準備を始めました。予算を確認中です。",
        )
    assert info.value.code == "not_accepted"
    assert not ProgressUpdate.objects.exists()


def test_progress_after_a_refusal_is_refused(assigned, official):
    publish(assigned, official, decision="not_adopted", body=REASON)
    with pytest.raises(Invalid):
        services.progress_post(
            actor=official,
            entry=assigned,
            status="in_progress",
            percent=10,
            body="準備を始めました。予算を確認中です。",
        )


@pytest.mark.parametrize("percent", [-1, 101, "abc", None])
def test_percent_outside_0_to_100_is_refused(accepted, official, percent):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=accepted,
            status="in_progress",
            percent=percent,
            body="工事の準備を進めています。",
        )
    assert "percent" in info.value.field_errors
    accepted.refresh_from_db()
    assert accepted.implementation == "not_started"


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_bounds_are_accepted(accepted, official, percent):
    services.progress_post(
        actor=official,
        entry=accepted,
        status="in_progress",
        percent=percent,
        body="工事の準備を進めています。",
    )
    accepted.refresh_from_db()
    assert accepted.implementation_percent == percent


def test_completion_below_100_percent_is_refused(accepted, official):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=accepted,
            status="completed",
            percent=80,
            body="ほぼ完成しましたので完了とします。",
        )
    assert info.value.code == "percent_not_complete"


def test_stalled_needs_a_reason_of_50_characters(accepted, official):
    with pytest.raises(Invalid):
        services.progress_post(
            actor=official,
            entry=accepted,
            status="stalled",
            percent=20,
            body="業者が決まりません。",
        )


def test_progress_updates_form_a_dated_timeline(accepted, official):
    for percent in (30, 60):
        services.progress_post(
            actor=official,
            entry=accepted,
            status="in_progress",
            percent=percent,
            body=f"工事が{percent}%まで進みました。",
        )
    assert list(
        accepted.events.filter(kind=EventKind.PROGRESS).values_list(
            "data__percent", flat=True
        )
    ) == [30, 60]


def test_the_same_update_posted_twice_is_a_conflict(accepted, official):
    kwargs = {
        "actor": official,
        "entry": accepted,
        "status": "in_progress",
        "percent": 30,
        "body": "工事が30%まで進みました。",
    }
    services.progress_post(**kwargs)
    with pytest.raises(Conflict):
        services.progress_post(**kwargs)
    assert ProgressUpdate.objects.count() == 1


def test_a_progress_update_cannot_be_dated_in_the_future(accepted, official):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=accepted,
            status="in_progress",
            percent=30,
            body="工事が30%まで進みました。",
            happened_on=timezone.localdate() + timedelta(days=1),
        )
    assert "happened_on" in info.value.field_errors


def test_a_link_must_be_a_web_address(accepted, official):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=accepted,
            status="in_progress",
            percent=30,
            body="工事が30%まで進みました。",
            link="javascript:alert(1)",
        )
    assert "link" in info.value.field_errors


def test_no_progress_after_completion_until_reopened(completed, official):
    with pytest.raises(Invalid) as info:
        services.progress_post(
            actor=official,
            entry=completed,
            status="in_progress",
            percent=90,
            body="追加の工事を行っています。",
        )
    assert info.value.code == "completed"


def test_completion_notifies_supporters_to_check_the_result(
    accepted, official, supporter
):
    from participation.notifications import services as notifications

    notifications.follow(user=supporter, target=accepted.proposal)
    services.progress_post(
        actor=official,
        entry=accepted,
        status="completed",
        percent=100,
        body="日よけの設置が完了しました。",
    )
    assert Notification.objects.filter(
        recipient=supporter, kind="tracker.completed"
    ).exists()


# --- Residents check the outcome ------------------------------------------------------
def test_disputing_raises_a_visible_flag(disputed):
    assert disputed.disputed_at is not None
    assert disputed.first_disputed_at is not None


def test_dispute_before_completion_is_refused(accepted, resident):
    with pytest.raises(Invalid) as info:
        services.outcome_check(
            user=resident,
            entry=accepted,
            verdict="disputed",
            reason="まだ何も始まっていないように見えます。",
        )
    assert info.value.code == "not_completed"


def test_a_dispute_needs_a_reason(completed, resident):
    with pytest.raises(Invalid):
        services.outcome_check(user=resident, entry=completed, verdict="disputed")
    completed.refresh_from_db()
    assert completed.disputed_at is None


def test_a_dispute_notifies_the_department_officials(disputed, official):
    assert Notification.objects.filter(
        recipient=official, kind="tracker.disputed"
    ).exists()


def test_answering_a_dispute_clears_the_flag(disputed, official):
    services.dispute_answer(actor=official, entry=disputed, body=REASON)
    disputed.refresh_from_db()
    assert disputed.disputed_at is None
    assert disputed.first_disputed_at is not None
    assert disputed.implementation == "completed"


def test_answering_with_reopen_puts_the_work_back_in_progress(disputed, official):
    services.dispute_answer(actor=official, entry=disputed, body=REASON, reopen=True)
    disputed.refresh_from_db()
    assert disputed.implementation == "in_progress"
    assert disputed.completed_at is None


def test_answering_when_no_dispute_is_open_is_a_conflict(completed, official):
    with pytest.raises(Conflict):
        services.dispute_answer(actor=official, entry=completed, body=REASON)


def test_an_answered_dispute_cannot_be_changed(disputed, official, resident):
    services.dispute_answer(actor=official, entry=disputed, body=REASON)
    with pytest.raises(Conflict):
        services.outcome_check(user=resident, entry=disputed, verdict="confirmed")


def test_changing_ones_dispute_to_a_confirmation_clears_the_flag(disputed, resident):
    services.outcome_check(user=resident, entry=disputed, verdict="confirmed")
    disputed.refresh_from_db()
    assert disputed.disputed_at is None


# --- Ratings and comments -------------------------------------------------------------
def test_one_rating_per_resident_can_be_changed(accepted, resident2):
    response = accepted.response
    services.response_rate(
        user=resident2, response=response, clear=True, satisfied=False
    )
    services.response_rate(
        user=resident2, response=response, clear=True, satisfied=True
    )
    rating = ResponseRating.objects.get()
    assert (rating.clear, rating.satisfied) == (True, True)


def test_rating_the_same_way_twice_is_a_conflict(accepted, resident2):
    response = accepted.response
    services.response_rate(
        user=resident2, response=response, clear=True, satisfied=True
    )
    with pytest.raises(Conflict):
        services.response_rate(
            user=resident2, response=response, clear=True, satisfied=True
        )


def test_officials_cannot_rate_their_own_departments_response(accepted, official):
    from participation.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.response_rate(
            user=official, response=accepted.response, clear=True, satisfied=True
        )


def test_unverified_residents_cannot_rate(accepted, unverified):
    from participation.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.response_rate(
            user=unverified, response=accepted.response, clear=True, satisfied=True
        )


def test_commenting_on_a_response_notifies_its_department(
    accepted, resident2, official
):
    services.response_comment_create(
        author=resident2,
        response=accepted.response,
        proposal=accepted.proposal,
        body="分かりやすい回答をありがとうございます。",
    )
    assert Notification.objects.filter(
        recipient=official, kind="response.commented"
    ).exists()


def test_a_comment_must_name_a_proposal_the_response_answers(
    accepted, resident2, process
):
    other = factories.ProposalFactory(process=process)
    with pytest.raises(Invalid):
        services.response_comment_create(
            author=resident2,
            response=accepted.response,
            proposal=other,
            body="分かりやすい回答をありがとうございます。",
        )


# --- Overdue --------------------------------------------------------------------------
def test_overdue_notification_goes_to_department_officials_once(assigned, official):
    later = assigned.response_due_at + timedelta(days=1)
    with clock.frozen(later):
        assert services.notify_overdue() == 1
        assert services.notify_overdue() == 0
    assert (
        Notification.objects.filter(recipient=official, kind="tracker.overdue").count()
        == 1
    )


def test_overdue_notification_counts_days_on_the_tracker_clock(assigned, official):
    with clock.frozen(assigned.response_due_at + timedelta(days=3)):
        services.notify_overdue()
    notification = Notification.objects.get(recipient=official, kind="tracker.overdue")
    assert notification.data["days"] == 3


# The deadline is 5 Dec, 23:00 in Tokyo; 15:01 UTC on 6 Dec is 7 Dec there.
@pytest.mark.parametrize(
    ("now", "days"),
    [
        pytest.param(datetime(2026, 12, 6, 14, 59, tzinfo=UTC), 1, id="23:59JST"),
        pytest.param(datetime(2026, 12, 6, 15, 1, tzinfo=UTC), 2, id="00:01JST"),
    ],
)
def test_overdue_notification_counts_local_days_since_the_due_date(
    assigned, official, now, days
):
    TrackerEntry.objects.filter(pk=assigned.pk).update(
        response_due_at=datetime(2026, 12, 5, 14, 0, tzinfo=UTC)
    )
    with time_machine.travel(now, tick=False):
        services.notify_overdue()
    notification = Notification.objects.get(recipient=official, kind="tracker.overdue")
    assert notification.data["days"] == days


def test_an_unassigned_overdue_proposal_notifies_the_facilitators(entry, facilitator):
    with clock.frozen(entry.response_due_at + timedelta(hours=1)):
        services.notify_overdue()
    assert Notification.objects.filter(
        recipient=facilitator, kind="tracker.overdue"
    ).exists()


def test_a_decided_proposal_is_never_overdue(accepted):
    with clock.frozen(accepted.response_due_at + timedelta(days=10)):
        assert services.notify_overdue() == 0


def test_reassignment_lets_the_new_department_hear_it_is_overdue(
    assigned, admin_user, other_department, other_official
):
    later = assigned.response_due_at + timedelta(days=1)
    with clock.frozen(later):
        services.notify_overdue()
        services.tracker_assign(
            actor=admin_user, entry=assigned, department=other_department
        )
        services.notify_overdue()
    assert Notification.objects.filter(
        recipient=other_official, kind="tracker.overdue"
    ).exists()
