"""Run every periodic reminder once: the tracker's (deadlines near, overdue,
disputes waiting, the completion questionnaire asked again, review dates due) and
moderation's (reports waiting). Idempotent: each reminder is sent once however
often this runs; run it from a timer every 15 minutes, or let the scheduler of the
notifications app run the same functions.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from participation.moderation import reminders as moderation_reminders
from responses import reminders as tracker_reminders


class Command(BaseCommand):
    help = (
        "Send the deadline, overdue, dispute, questionnaire, review and report "
        "reminders (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        jobs = {**tracker_reminders.JOBS, **moderation_reminders.JOBS}
        for name, job in jobs.items():
            count = job(now)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {count}")
