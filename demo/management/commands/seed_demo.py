"""``python manage.py seed_demo``: load the demo prefecture (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import content
from demo.seed import DemoError, reset, seed

ROLE_LABELS = {
    content.RESIDENT.key: "resident",
    content.RESIDENT2.key: "resident",
    content.FACILITATOR.key: "facilitator of the three demo processes",
    content.OFFICIAL.key: "official: 県土整備部 + 子ども・福祉部",
    content.OFFICIAL_ENVIRONMENT.key: "official: 環境部",
    content.OFFICIAL_REGIONAL.key: "official: 地域振興部",
    content.ADMIN.key: "administrator",
}


class Command(BaseCommand):
    help = (
        "Create the demo prefecture (みなみ県 / Minami Prefecture): departments, "
        "areas, three processes in different phases, proposals, comments, supports "
        "and one account per role. Does nothing if the demo is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo processes and their content first, then seed again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0

        def log(line: str) -> None:
            if not quiet:
                self.stdout.write(line)

        try:
            if options["reset"]:
                removed = reset(log=log)
                summary = ", ".join(f"{n} {label}" for label, n in removed.items())
                log(f"Demo data removed ({summary or 'nothing to remove'}).")
            result = seed(log=log)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc

        if not result.created:
            log(
                self.style.WARNING(
                    "The demo data is already present: nothing changed "
                    "(use --reset to rebuild it)."
                )
            )
        else:
            figures = ", ".join(f"{n} {label}" for label, n in result.counts.items())
            log(self.style.SUCCESS(f"Demo data created: {figures}."))
        if quiet:
            return
        log("")
        log(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for person in (content.RESIDENT, content.RESIDENT2, *content.STAFF):
            log(f"  {person.email:<36} {person.real_name}  ({ROLE_LABELS[person.key]})")
        log(f"  … and {len(content.RESIDENTS) - 2} more residents (*@example.org).")
        if not settings.DEBUG:
            log(
                self.style.WARNING(
                    "DEBUG is off: the demo staff accounts must set up two-factor "
                    "authentication before they can use staff actions."
                )
            )
