"""Render every stored user text again through ``participation.text``.

User text is rendered to safe HTML once, when it is written, and stored beside the
source (see ``participation.text.RendersText``). Run this after the sanitizer's
rules change (``SANITIZER_*`` settings, the Markdown subset, the linker), so that
every page shows what the new rules give:

    python manage.py rerender_text            # every model that stores HTML
    python manage.py rerender_text --model proposals.Comment --batch 1000

It streams each table in primary-key order, ``--batch`` rows at a time (memory
stays flat), writes only the rows whose HTML changed, and prints the counts.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.text import rerender_rows


def rendered_models() -> list[Any]:
    """Every installed model that stores rendered user text."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "RENDERED_TEXT", None) and not model._meta.proxy
    ]


class Command(BaseCommand):
    help = "Render every stored user text again (after the sanitizer's rules change)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            help="app_label.Model to re-render (repeatable; default: all of them)",
        )
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        models = rendered_models()
        if options["model"]:
            wanted = {label.lower() for label in options["model"]}
            known = {m._meta.label_lower for m in models}
            unknown = wanted - known
            if unknown:
                raise CommandError(
                    "No stored user text in: "
                    + ", ".join(sorted(unknown))
                    + ". Known: "
                    + ", ".join(sorted(known))
                )
            models = [m for m in models if m._meta.label_lower in wanted]
        total_seen = total_changed = 0
        for model in models:
            seen, changed = rerender_rows(model, batch=batch)
            total_seen += seen
            total_changed += changed
            self.stdout.write(
                f"{model._meta.label}: {seen} rows read, {changed} re-rendered"
            )
        self.stdout.write(
            f"Total: {total_seen} rows read, {total_changed} re-rendered "
            f"({len(models)} models)"
        )
