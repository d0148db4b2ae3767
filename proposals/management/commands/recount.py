"""Check the denormalized counters against the rows they count, and fix them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from proposals import services


class Command(BaseCommand):
    help = (
        "Recount supports and comments of proposals, and up/down votes of comments; "
        "report how many rows were corrected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--proposal",
            type=int,
            action="append",
            dest="proposal_ids",
            metavar="ID",
            help="Only this proposal (repeat for several). Default: all.",
        )

    def handle(
        self, *args: Any, proposal_ids: list[int] | None = None, **options: Any
    ) -> None:
        proposals_fixed = services.recount(proposal_ids=proposal_ids)
        comments_fixed = services.recount_comment_votes(proposal_ids=proposal_ids)
        self.stdout.write(f"Proposals corrected: {proposals_fixed}")
        self.stdout.write(f"Comments corrected: {comments_fixed}")
        if proposals_fixed or comments_fixed:
            self.stdout.write(
                self.style.WARNING(
                    "Counters had drifted and were corrected. If this repeats, look "
                    "for writes that bypass proposals.services."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("All counters are exact."))
