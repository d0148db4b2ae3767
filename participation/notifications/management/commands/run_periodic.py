"""``manage.py run_periodic``: run the periodic jobs that are due, once (the
worker does this every 30 seconds; this is for cron or a check by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from participation.notifications import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs that are due, once."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, result in periodic.run_due().items():
            self.stdout.write(f"{name}: {result}")
