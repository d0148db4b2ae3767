"""The tracker's periodic jobs: plain functions ``f(now) -> int`` that a scheduler
(the notifications app's periodic registry, ``manage.py send_reminders``, cron)
runs every few minutes. Each returns how many reminders it sent, one per (entry,
threshold), and records each in :class:`~responses.models.ReminderSent` (unique
per entry, kind and key) before notifying, so running twice — or on two machines
at once — sends once.

Days are local calendar dates (``settings.TIME_ZONE``, Asia/Tokyo), as people read
deadlines; ``now`` is passed in, and the tracker's clock is frozen at it while a
job runs, so the entries' day counts agree with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from participation.notifications.reasons import Audience
from proposals.audience import proposal_audiences
from responses import clock
from responses.models import OutcomeCheck, ReminderSent, TrackerEntry
from responses.services._shared import (
    _coordinators,
    _department_officials,
    _notify,
)
from responses.services.tracking import notify_overdue
from responses.transitions import REVIEWABLE, Implementation

CHUNK = 200


def _claim(entry: TrackerEntry, kind: str, key: str, now: datetime) -> bool:
    """Record that (entry, kind, key) is being sent; False when it already was."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(entry=entry, kind=kind, key=key, sent_at=now)
    except IntegrityError:
        return False
    return True


def _handlers(entry: TrackerEntry) -> Audience:
    """The department's officials, or the process's facilitators while unassigned."""
    return _department_officials(entry.department_id) or _coordinators(entry)


def _send_each(
    entries: list[TrackerEntry],
    kind: str,
    key_of: Callable[[TrackerEntry], str | None],
    send: Callable[[TrackerEntry], int],
    now: datetime,
) -> int:
    sent = 0
    for entry in entries:
        key = key_of(entry)
        if key is None:
            continue
        with transaction.atomic():
            if not _claim(entry, kind, key, now):
                continue
            count = send(entry)
            ReminderSent.objects.filter(entry=entry, kind=kind, key=key).update(
                recipients=count
            )
        sent += 1
    return sent


# --- Deadlines ------------------------------------------------------------------------
def send_deadline_reminders(now: datetime) -> int:
    """Remind the department ``TRACKER_REMINDER_DAYS`` (7 and 1 by default) local
    days before a response is due: the nearest threshold reached, once each (a new
    due date reminds afresh)."""
    days = sorted({int(d) for d in settings.TRACKER_REMINDER_DAYS if int(d) >= 0})
    if not days:
        return 0
    with clock.frozen(now):
        horizon = now + timedelta(days=days[-1] + 1)
        entries = list(
            TrackerEntry.objects.filter(
                decided_at__isnull=True,
                response_due_at__gte=now,
                response_due_at__lte=horizon,
            )
            .select_related("proposal", "department")
            .order_by("response_due_at", "pk")
        )

        def key_of(entry: TrackerEntry) -> str | None:
            left = entry.days_left
            reached = [d for d in days if left <= d]
            if not reached:
                return None
            due = timezone.localdate(entry.response_due_at).isoformat()
            return f"{min(reached)}d:{due}"

        def send(entry: TrackerEntry) -> int:
            return _notify(
                entry,
                _handlers(entry),
                "tracker.deadline_near",
                days=entry.days_left,
                due=timezone.localdate(entry.response_due_at).isoformat(),
            )

        return _send_each(entries, "deadline", key_of, send, now)


def send_overdue_reminders(now: datetime) -> int:
    """Tell each overdue entry's department once (see ``notify_overdue``)."""
    with clock.frozen(now):
        return notify_overdue()


# --- Disputes waiting -----------------------------------------------------------------
def send_dispute_reminders(now: datetime) -> int:
    """Remind the department of a dispute still unanswered after
    ``TRACKER_DISPUTE_REMINDER_DAYS`` days, once per dispute."""
    since = now - timedelta(days=settings.TRACKER_DISPUTE_REMINDER_DAYS)
    with clock.frozen(now):
        entries = list(
            TrackerEntry.objects.filter(
                disputed_at__isnull=False, disputed_at__lte=since
            )
            .select_related("proposal", "department")
            .order_by("disputed_at", "pk")
        )
        return _send_each(
            entries,
            "dispute",
            lambda e: e.disputed_at.isoformat() if e.disputed_at else None,
            lambda e: _notify(e, _handlers(e), "tracker.dispute_waiting"),
            now,
        )


# --- The completion questionnaire, asked again -------------------------------------
def questionnaire_recipients(entries: list[TrackerEntry]) -> dict[int, Audience]:
    """Entry id → the author and supporters who have not yet answered this
    completion's questionnaire (one query per role for all the entries)."""
    audiences = proposal_audiences([e.proposal for e in entries])
    answered: dict[int, set[int]] = {}
    rounds = {e.pk: e.completion_round for e in entries}
    for entry_id, user_id, rnd in OutcomeCheck.objects.filter(
        entry_id__in=list(rounds)
    ).values_list("entry_id", "user_id", "round"):
        if rounds.get(entry_id) == rnd:
            answered.setdefault(entry_id, set()).add(user_id)
    result: dict[int, Audience] = {}
    for entry in entries:
        audience = audiences[entry.proposal_id]
        result[entry.pk] = Audience(
            {
                uid: reason
                for uid, reason in audience.items()
                if reason in ("author", "supporter")
                and uid not in answered.get(entry.pk, set())
            }
        )
    return result


def send_questionnaire_reasks(now: datetime) -> int:
    """``TRACKER_QUESTIONNAIRE_WEEKS`` after a completion, ask again the author and
    supporters who have not answered (once per completion round)."""
    weeks = settings.TRACKER_QUESTIONNAIRE_WEEKS
    before = now - timedelta(weeks=weeks)
    with clock.frozen(now):
        completed = list(
            TrackerEntry.objects.filter(
                implementation=Implementation.COMPLETED,
                completed_at__isnull=False,
                completed_at__lte=before,
            )
            .select_related("proposal", "department")
            .order_by("completed_at", "pk")
        )
        asked = set(
            ReminderSent.objects.filter(
                kind="questionnaire", entry_id__in=[e.pk for e in completed]
            ).values_list("entry_id", "key")
        )
        entries = [e for e in completed if (e.pk, _round(e)) not in asked]
        waiting = questionnaire_recipients(entries)
        return _send_each(
            entries,
            "questionnaire",
            _round,
            lambda e: _notify(
                e,
                waiting[e.pk],
                "tracker.questionnaire",
                weeks=weeks,
                entry=e.pk,
                round=e.completion_round,
            ),
            now,
        )


def _round(entry: TrackerEntry) -> str:
    return f"round{entry.completion_round}"


# --- Review dates ---------------------------------------------------------------------
def send_review_reminders(now: datetime) -> int:
    """On a decision's review date, remind the department once (per date)."""
    today = timezone.localdate(now)
    with clock.frozen(now):
        entries = [
            entry
            for entry in TrackerEntry.objects.filter(
                review_on__isnull=False,
                review_on__lte=today,
                decision__in=sorted(REVIEWABLE),
            )
            .select_related("proposal", "department")
            .order_by("review_on", "pk")
            if entry.review_due
        ]
        return _send_each(
            entries,
            "review",
            lambda e: e.review_on.isoformat() if e.review_on else None,
            lambda e: _notify(
                e,
                _handlers(e),
                "tracker.review_due",
                review_on=e.review_on.isoformat() if e.review_on else "",
            ),
            now,
        )


#: Every periodic job of the tracker, by name, for a scheduler to run.
JOBS: dict[str, Callable[[datetime], int]] = {
    "tracker.deadline_reminders": send_deadline_reminders,
    "tracker.overdue": send_overdue_reminders,
    "tracker.dispute_reminders": send_dispute_reminders,
    "tracker.questionnaire_reasks": send_questionnaire_reasks,
    "tracker.review_reminders": send_review_reminders,
}
