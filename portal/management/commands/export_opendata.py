"""Write every open dataset (CSV and JSON Lines) and datapackage.json into a
directory, with a progress display; each export is recorded in the audit log."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from participation.audit import services as audit
from portal.opendata import datasets, exports, package


class Progress:
    """A one-line progress bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, out: Any, label: str, total: int, *, tty: bool) -> None:
        self.out, self.label, self.total, self.tty = out, label, max(total, 0), tty
        self.done = 0
        self._last = 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self._last >= (0.2 if self.tty else 5.0):
            self._last = now
            self._draw()

    def _draw(self, end: str = "") -> None:
        total = max(self.total, self.done)
        share = self.done / total if total else 1.0
        filled = int(share * 30)
        bar = "#" * filled + "-" * (30 - filled)
        text = f"{self.label:<32} [{bar}] {self.done:>9,}/{total:,} {share:>6.1%}"
        if self.tty:
            self.out.write("\r" + text + end, ending="")
            self.out.flush()
        else:
            self.out.write(text)

    def finish(self) -> None:
        self._draw(end="\n")


class Command(BaseCommand):
    help = "Export the open datasets (CSV with BOM and JSON Lines) into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", help="Folder to write into (created if needed)."
        )
        parser.add_argument(
            "--dataset",
            action="append",
            dest="only",
            metavar="SLUG",
            help="Export only this dataset (repeatable).",
        )
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl", "both"],
            default="both",
            help="Which files to write (default: both).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create {directory}: {exc}") from exc
        if not os.access(directory, os.W_OK):
            raise CommandError(f"Cannot write into {directory}.")
        chosen = datasets.all_datasets()
        if options["only"]:
            known = {d.slug for d in chosen}
            unknown = sorted(set(options["only"]) - known)
            if unknown:
                raise CommandError(
                    f"Unknown dataset(s): {', '.join(unknown)}. "
                    f"Known: {', '.join(sorted(known))}."
                )
            chosen = [d for d in chosen if d.slug in options["only"]]
        formats = (
            ["csv", "jsonl"] if options["format"] == "both" else [options["format"]]
        )
        tty = self.stdout.isatty()
        generated_at = timezone.now()
        written: dict[str, int] = {}
        for dataset in chosen:
            total = dataset.count()
            for fmt in formats:
                name = f"{dataset.slug}.{fmt}"
                progress = Progress(self.stdout, name, total, tty=tty)
                target = directory / name
                partial = directory / f".{name}.partial"
                with partial.open("wb") as handle:
                    for chunk in exports.chunks(dataset, fmt, on_row=progress.step):
                        handle.write(chunk)
                partial.replace(target)
                progress.finish()
                written[name] = progress.done
        description = package.describe(generated_at=generated_at, base_url="")
        description["resources"] = [
            r for r in description["resources"] if r["path"] in written
        ]
        (directory / "datapackage.json").write_text(
            json.dumps(description, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        audit.record(
            actor=None,
            action="opendata.export",
            after={
                "directory": str(directory.resolve()),
                "generated_at": generated_at.isoformat(),
                "files": written,
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(written)} files and datapackage.json to {directory}."
            )
        )
