"""Erase the accounts whose cooling-off period has ended (also a periodic job of
``manage.py worker``: privacy.erase_due_accounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from participation.privacy.services import erase_due_accounts


class Command(BaseCommand):
    help = "Erase the accounts whose deletion's cooling-off period has ended."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now",
            help="Act as if it were this time (ISO 8601), e.g. to end the period "
            "of a demo account: --now 2030-01-01T00:00:00+09:00",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now: datetime = timezone.now()
        if options.get("now"):
            parsed = parse_datetime(options["now"])
            if parsed is None:
                raise CommandError("--now is not an ISO 8601 date and time.")
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        done = erase_due_accounts(now)
        self.stdout.write(f"{done} account(s) erased.")
