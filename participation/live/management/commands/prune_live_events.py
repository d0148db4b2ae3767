"""Delete live events older than LIVE_EVENT_RETENTION_SECONDS (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from participation.live.broadcast import prune_events


class Command(BaseCommand):
    help = "Delete live events kept for reconnect catch-up once they are too old."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_events()
        self.stdout.write(f"Deleted {deleted} live events.")
