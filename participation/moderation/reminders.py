"""Moderation's periodic job: remind the facilitators of reports still open after
``MODERATION_REPORT_REMINDER_HOURS``. A plain function ``f(now) -> int`` for the
scheduler (``manage.py send_reminders`` runs it too).

Each report is reminded of once (``Report.reminded_at``, claimed with a conditional
update before notifying), so running twice, or on two machines, sends once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from participation.accounts.selectors import facilitators_of_process
from participation.moderation.models import Report, ReportStatus
from participation.moderation.services import queue_url
from participation.notifications import services as notifications
from participation.spaces.models import Process


def send_waiting_report_reminders(now: datetime) -> int:
    """One notification per process to its facilitators, counting the reports open
    for longer than the configured hours and not yet reminded of. Returns how many
    processes were reminded."""
    hours = settings.MODERATION_REPORT_REMINDER_HOURS
    since = now - timedelta(hours=hours)
    waiting: dict[int, list[int]] = {}
    for pk, process_id in Report.objects.filter(
        status=ReportStatus.OPEN, reminded_at__isnull=True, created_at__lte=since
    ).values_list("pk", "process_id"):
        waiting.setdefault(process_id, []).append(pk)
    processes = Process.objects.in_bulk(list(waiting))
    sent = 0
    for process_id, report_ids in sorted(waiting.items()):
        process = processes.get(process_id)
        if process is None:
            continue
        with transaction.atomic():
            claimed = Report.objects.filter(
                pk__in=report_ids, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            notifications.notify(
                recipient_ids=facilitators_of_process(process_id).values_list(
                    "pk", flat=True
                ),
                kind="moderation.reports_waiting",
                url=queue_url(process),
                data={"count": claimed, "process": process.title, "hours": hours},
                reason="facilitator",
            )
        sent += 1
    return sent


#: Moderation's periodic jobs, by name, for a scheduler to run.
JOBS: dict[str, Callable[[datetime], int]] = {
    "moderation.waiting_reports": send_waiting_report_reminders,
}
