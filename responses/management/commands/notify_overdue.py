"""Notify departments of tracked proposals that passed their response deadline.

Idempotent: each overdue proposal is announced once (again only after it is
reassigned). Run it from cron or a systemd timer, e.g. every 15 minutes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from responses import services


class Command(BaseCommand):
    help = "Notify officials about tracked proposals that became overdue (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.notify_overdue()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Overdue proposals notified: {count}")
