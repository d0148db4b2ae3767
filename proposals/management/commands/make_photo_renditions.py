"""Draw the small rendition (the lists' cards) of photos stored before it existed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from proposals import services


class Command(BaseCommand):
    help = (
        "Draw the small rendition of every proposal photo that has none (photos "
        "stored before renditions existed). Safe to run again: photos that have "
        "one are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=100, help="Photos read per query."
        )

    def handle(self, *args: Any, batch: int = 100, **options: Any) -> None:
        drawn, failed = services.photo_renditions_make(batch=max(1, batch))
        self.stdout.write(f"Small renditions drawn: {drawn}")
        if failed:
            self.stdout.write(
                self.style.WARNING(
                    f"Photos without a readable file: {failed} (see the log); "
                    "their cards show the photo itself."
                )
            )
