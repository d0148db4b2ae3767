"""The tracker's periodic jobs: each reminder sent once per (entry, threshold),
however often the job runs, on Asia/Tokyo calendar dates."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from participation.moderation import reminders as moderation_reminders
from participation.moderation import services as moderation
from participation.moderation.models import Report
from participation.notifications.models import Notification
from responses import reminders
from responses.models import OutcomeCheck, ReminderSent, TrackerEntry
from tests import factories

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: int, hour: int = 10, month: int = 12) -> datetime:
    """A Tokyo wall time in 2026 (the tests never read the machine's clock)."""
    return datetime(2026, month, day, hour, 0, tzinfo=TOKYO)


def _due(entry: TrackerEntry, when: datetime) -> None:
    TrackerEntry.objects.filter(pk=entry.pk).update(response_due_at=when)


def _sent(kind: str) -> list[tuple[int, dict]]:
    return [
        (n.recipient_id, n.data)
        for n in Notification.objects.filter(kind=kind).order_by("pk")
    ]


# --- Deadlines ------------------------------------------------------------------------
def test_the_department_hears_7_days_then_1_day_before_the_deadline(assigned, official):
    _due(assigned, at(10, 23))
    assert reminders.send_deadline_reminders(at(2)) == 0  # 8 days left
    assert reminders.send_deadline_reminders(at(3)) == 1  # 7 days left
    assert reminders.send_deadline_reminders(at(3, 11)) == 0  # same threshold
    assert reminders.send_deadline_reminders(at(6)) == 0  # 4 days: still the 7
    # 00:30 on the 9th in Tokyo is still the 8th in UTC: local dates count.
    assert reminders.send_deadline_reminders(at(9, 0) + timedelta(minutes=30)) == 1
    assert reminders.send_deadline_reminders(at(10)) == 0
    notes = _sent("tracker.deadline_near")
    assert [(r, d["days"], d["due"]) for r, d in notes] == [
        (official.pk, 7, "2026-12-10"),
        (official.pk, 1, "2026-12-10"),
    ]
    assert Notification.objects.filter(kind="tracker.deadline_near")[0].reason == (
        "department"
    )


def test_a_deadline_first_seen_one_day_ahead_sends_only_the_last_reminder(
    assigned, official
):
    _due(assigned, at(10, 18))
    assert reminders.send_deadline_reminders(at(9)) == 1
    assert reminders.send_deadline_reminders(at(9, 12)) == 0
    assert [d["days"] for _r, d in _sent("tracker.deadline_near")] == [1]


def test_a_new_due_date_is_reminded_afresh(assigned, official):
    _due(assigned, at(10, 18))
    assert reminders.send_deadline_reminders(at(3)) == 1
    _due(assigned, at(20, 18))
    assert reminders.send_deadline_reminders(at(13)) == 1
    assert ReminderSent.objects.filter(entry=assigned, kind="deadline").count() == 2


def test_an_unassigned_deadline_reminds_the_facilitators(entry, facilitator):
    _due(entry, at(10, 18))
    assert reminders.send_deadline_reminders(at(3)) == 1
    note = Notification.objects.get(kind="tracker.deadline_near")
    assert (note.recipient_id, note.reason) == (facilitator.pk, "facilitator")


def test_a_decided_proposal_gets_no_deadline_reminder(accepted, official):
    _due(accepted, at(10, 18))
    assert reminders.send_deadline_reminders(at(3)) == 0


def test_overdue_job_runs_on_the_given_time(assigned, official):
    _due(assigned, at(10, 18))
    assert reminders.send_overdue_reminders(at(10, 17)) == 0
    assert reminders.send_overdue_reminders(at(11)) == 1
    assert reminders.send_overdue_reminders(at(12)) == 0
    assert _sent("tracker.overdue")[0][1]["days"] == 1


# --- Disputes waiting ---------------------------------------------------------------
def test_a_dispute_unanswered_for_a_week_reminds_the_department_once(
    disputed, official
):
    TrackerEntry.objects.filter(pk=disputed.pk).update(disputed_at=at(1))
    assert reminders.send_dispute_reminders(at(7)) == 0
    assert reminders.send_dispute_reminders(at(8)) == 1
    assert reminders.send_dispute_reminders(at(9)) == 0
    assert [r for r, _d in _sent("tracker.dispute_waiting")] == [official.pk]


# --- The questionnaire asked again --------------------------------------------------
def test_the_questionnaire_is_asked_again_after_4_weeks_to_who_has_not_answered(
    completed, resident, supporter, resident2
):
    factories.SupportFactory(proposal=completed.proposal, user=resident2)
    OutcomeCheck.objects.create(
        entry=completed,
        user=resident2,
        round=completed.completion_round,
        verdict="confirmed",
        created_at=at(2),
        updated_at=at(2),
    )
    TrackerEntry.objects.filter(pk=completed.pk).update(completed_at=at(1, 9, 11))
    assert reminders.send_questionnaire_reasks(at(28, 10, 11)) == 0
    assert reminders.send_questionnaire_reasks(at(29, 10, 11)) == 1
    assert reminders.send_questionnaire_reasks(at(30, 10, 11)) == 0
    notes = Notification.objects.filter(kind="tracker.questionnaire")
    assert {(n.recipient_id, n.reason) for n in notes} == {
        (resident.pk, "author"),
        (supporter.pk, "supporter"),
    }
    assert notes[0].data["entry"] == completed.pk
    assert notes[0].data["weeks"] == 4


def test_a_new_completion_round_is_asked_again(completed, resident):
    TrackerEntry.objects.filter(pk=completed.pk).update(completed_at=at(1, 9, 10))
    assert reminders.send_questionnaire_reasks(at(1)) == 1
    TrackerEntry.objects.filter(pk=completed.pk).update(
        completed_at=at(2), completion_round=completed.completion_round + 1
    )
    assert reminders.send_questionnaire_reasks(at(29)) == 0
    assert reminders.send_questionnaire_reasks(at(31)) == 1


# --- Moderation: reports waiting ---------------------------------------------------
def test_reports_waiting_over_48_hours_remind_the_facilitators_once(
    proposal, resident2, facilitator
):
    with time_machine.travel(at(1), tick=False):
        moderation.report_create(reporter=resident2, target=proposal, reason="spam")
    assert moderation_reminders.send_waiting_report_reminders(at(2, 20)) == 0
    assert moderation_reminders.send_waiting_report_reminders(at(3, 10)) == 1
    assert moderation_reminders.send_waiting_report_reminders(at(4)) == 0
    note = Notification.objects.get(kind="moderation.reports_waiting")
    assert (note.recipient_id, note.reason) == (facilitator.pk, "facilitator")
    assert note.data["count"] == 1
    assert Report.objects.get().reminded_at == at(3, 10)


def test_a_resolved_report_is_not_reminded(proposal, resident2, facilitator):
    with time_machine.travel(at(1), tick=False):
        moderation.report_create(reporter=resident2, target=proposal, reason="spam")
        moderation.reports_dismiss(actor=facilitator, target=proposal)
    assert moderation_reminders.send_waiting_report_reminders(at(5)) == 0


# --- The command ----------------------------------------------------------------------
def test_send_reminders_runs_every_job_once_and_is_idempotent(assigned, official):
    _due(assigned, at(10, 18))
    out = StringIO()
    with time_machine.travel(at(3), tick=False):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert "tracker.deadline_reminders: 1" in lines
    assert "tracker.deadline_reminders: 0" in lines
    assert "moderation.waiting_reports: 0" in lines
    assert Notification.objects.filter(kind="tracker.deadline_near").count() == 1
