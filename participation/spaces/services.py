"""Every write to processes and their phases, header image and attachments.

Each service checks the rule (``rules.py`` refusals), validates what it is given
(the staff form validates first, for its messages; the service is the last word,
so the API or a tampered POST cannot get past it), writes in one transaction and
records an audit event. Files go through ``default_storage``; a file written for a
write that is then refused or rolled back is deleted again.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation import images
from participation.accounts.types import Actor
from participation.audit.services import record
from participation.checks import check_length, refuse
from participation.errors import Invalid
from participation.idempotency import services as idempotency
from participation.spaces import phases as phase_rules
from participation.spaces import rules
from participation.spaces.models import (
    Area,
    Category,
    Phase,
    Process,
    ProcessAttachment,
    ProcessStatus,
)
from participation.spaces.slugs import MAX_LENGTH as SLUG_MAX
from participation.spaces.slugs import unique_slug

TITLE_MAX, SUMMARY_MAX, DESCRIPTION_MAX = 200, 400, 20_000
PHASE_TITLE_MAX, PHASE_DESCRIPTION_MAX = 120, 5_000
THRESHOLD_MAX = 1_000_000
RESPONSE_DAYS_MAX = 3650
PHASES_MAX = 12
ATTACHMENT_TITLE_MAX = 200
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PhaseInput:
    """One row of the timeline: ``id`` of an existing phase of the process (None
    for a new one); ``delete`` removes an existing one."""

    kind: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    allows_proposing: bool = False
    allows_supporting: bool = False
    allows_commenting: bool = False
    id: int | None = None
    delete: bool = False

    @property
    def flags(self) -> dict[str, bool]:
        return {flag: bool(getattr(self, flag)) for flag in phase_rules.FLAGS}


@dataclass(frozen=True)
class ProcessInput:
    title: str
    summary: str
    title_en: str = ""
    summary_en: str = ""
    description: str = ""
    description_en: str = ""
    slug: str = ""
    support_threshold: int = 50
    response_days: int = 60
    categories: Sequence[Category] = field(default_factory=tuple)
    areas: Sequence[Area] = field(default_factory=tuple)
    header_image_alt: str = ""
    header_image_alt_en: str = ""


_TEXT_FIELDS = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "description",
    "description_en",
    "support_threshold",
    "response_days",
    "header_image_alt",
    "header_image_alt_en",
)


def _whole(value: Any, *, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise Invalid(
            _("Please give a whole number from %(low)d to %(high)d.")
            % {"low": low, "high": high},
            code="out_of_range",
            field_errors={field: ["out_of_range"]},
        )
    return number


def _clean_process(data: ProcessInput) -> dict[str, Any]:
    return {
        "title": check_length(data.title, field="title", low=1, high=TITLE_MAX),
        "title_en": check_length(data.title_en, field="title_en", high=TITLE_MAX),
        "summary": check_length(data.summary, field="summary", low=1, high=SUMMARY_MAX),
        "summary_en": check_length(
            data.summary_en, field="summary_en", high=SUMMARY_MAX
        ),
        "description": check_length(
            data.description, field="description", high=DESCRIPTION_MAX
        ),
        "description_en": check_length(
            data.description_en, field="description_en", high=DESCRIPTION_MAX
        ),
        "support_threshold": _whole(
            data.support_threshold, field="support_threshold", low=1, high=THRESHOLD_MAX
        ),
        "response_days": _whole(
            data.response_days, field="response_days", low=1, high=RESPONSE_DAYS_MAX
        ),
        "header_image_alt": check_length(
            data.header_image_alt, field="header_image_alt", high=200
        ),
        "header_image_alt_en": check_length(
            data.header_image_alt_en, field="header_image_alt_en", high=200
        ),
    }


def _slug_for(
    data: ProcessInput, cleaned: dict[str, Any], process: Process | None
) -> str:
    wanted = (data.slug or "").strip().lower()
    current = process.slug if process is not None else ""
    if process is not None and process.is_public and wanted and wanted != current:
        raise Invalid(
            _(
                "The address of a process that has been public cannot change: it "
                "is printed on flyers and linked from elsewhere."
            ),
            code="slug_locked",
            field_errors={"slug": ["slug_locked"]},
        )
    if not wanted:
        if current:
            return current
        return unique_slug(
            Process.objects.all(), title=cleaned["title"], title_en=cleaned["title_en"]
        )
    if len(wanted) > SLUG_MAX or not _SLUG.match(wanted):
        raise Invalid(
            _(
                "The address may use lower-case letters a–z, digits and single "
                "hyphens only (at most %(max)d characters)."
            )
            % {"max": SLUG_MAX},
            code="invalid_slug",
            field_errors={"slug": ["invalid_slug"]},
        )
    taken = Process.objects.filter(slug=wanted)
    if process is not None:
        taken = taken.exclude(pk=process.pk)
    if taken.exists():
        raise Invalid(
            _("Another process already uses the address “%(slug)s”.")
            % {"slug": wanted},
            code="slug_taken",
            field_errors={"slug": ["slug_taken"]},
        )
    return wanted


def clean_phases(rows: Sequence[PhaseInput]) -> list[PhaseInput]:
    """The rows kept (not deleted), each checked: kind and flags (``phases.OPENS``),
    title, dates; then the timeline as a whole (no overlaps). Raises ``Invalid``."""
    kept = [row for row in rows if not row.delete]
    if len(kept) > PHASES_MAX:
        raise Invalid(
            _("A process can have at most %(max)d phases.") % {"max": PHASES_MAX},
            code="too_many_phases",
        )
    cleaned = []
    for row in kept:
        refuse(phase_rules.flags_refusal(row.kind, row.flags))
        title = check_length(row.title, field="title", low=1, high=PHASE_TITLE_MAX)
        refuse(phase_rules.span_refusal(row.starts_at, row.ends_at))
        cleaned.append(
            PhaseInput(
                id=row.id,
                kind=row.kind,
                title=title,
                title_en=check_length(
                    row.title_en, field="title_en", high=PHASE_TITLE_MAX
                ),
                description=check_length(
                    row.description, field="description", high=PHASE_DESCRIPTION_MAX
                ),
                description_en=check_length(
                    row.description_en,
                    field="description_en",
                    high=PHASE_DESCRIPTION_MAX,
                ),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                **row.flags,
            )
        )
    refuse(
        phase_rules.overlap_refusal(
            phase_rules.Span(row.starts_at, row.ends_at, row.title)  # type: ignore[arg-type]
            for row in cleaned
        )
    )
    return cleaned


def _phase_values(row: PhaseInput) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "title": row.title,
        "title_en": row.title_en,
        "description": row.description,
        "description_en": row.description_en,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        **row.flags,
    }


def _write_phases(process: Process, rows: Sequence[PhaseInput]) -> dict[str, int]:
    """Create, change and delete the process's phases as the rows say."""
    existing = {phase.pk: phase for phase in process.phases.all()}
    unknown = [row.id for row in rows if row.id is not None and row.id not in existing]
    if unknown:
        raise Invalid(
            _(
                "The timeline changed while you were editing it. "
                "Please reload the page."
            ),
            code="unknown_phase",
        )
    deleted = [row.id for row in rows if row.delete and row.id is not None]
    kept = clean_phases(rows)
    # Every phase of the process that is not in the form stays as it is, and is
    # part of the timeline that must not overlap.
    mentioned = {row.id for row in rows if row.id is not None}
    untouched = [p for pk, p in existing.items() if pk not in mentioned]
    refuse(
        phase_rules.overlap_refusal(
            [phase_rules.Span(p.starts_at, p.ends_at, p.title) for p in untouched]
            + [
                phase_rules.Span(row.starts_at, row.ends_at, row.title)  # type: ignore[arg-type]
                for row in kept
            ]
        )
    )
    Phase.objects.filter(process=process, pk__in=deleted).delete()
    created = changed = 0
    for row in kept:
        values = _phase_values(row)
        if row.id is None:
            Phase.objects.create(process=process, **values)
            created += 1
            continue
        phase = existing[row.id]
        if any(getattr(phase, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(phase, name, value)
            phase.save()
            changed += 1
    return {"created": created, "changed": changed, "deleted": len(deleted)}


def _delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)


def _set_header_image(process: Process, upload: IO[bytes] | Any) -> str:
    """Store the re-encoded picture; return the name it replaces."""
    picture = images.process_image(upload, field="header_image")
    old = process.header_image.name or ""
    process.header_image.name = images.store_image(
        picture, directory="processes/headers"
    )
    return old


@idempotency.idempotent("process.create", author="actor")
@transaction.atomic
def process_create(
    *,
    actor: Actor,
    data: ProcessInput,
    phases: Sequence[PhaseInput] = (),
    header_image: IO[bytes] | Any = None,
    idempotency_key: str = "",
) -> Process:
    """A new draft process with its phases, categories and areas."""
    refuse(rules.process_manage_refusal(actor))
    cleaned = _clean_process(data)
    rows = clean_phases(phases)
    idempotency.refuse_duplicate(
        Process.objects.filter(
            title=cleaned["title"], created_at__gte=idempotency.recent()
        ),
        _("A process with this title was just created."),
    )
    process = Process(
        **cleaned,
        slug=_slug_for(data, cleaned, None),
        status=ProcessStatus.DRAFT,
    )
    written = ""
    try:
        if header_image:
            _set_header_image(process, header_image)
            written = process.header_image.name
        process.save()
        process.categories.set(data.categories)
        process.areas.set(data.areas)
        for row in rows:
            Phase.objects.create(process=process, **_phase_values(row))
    except BaseException:
        _delete_file(written)
        raise
    record(
        actor=actor,
        action="process.create",
        target=process,
        after={
            "slug": process.slug,
            "phases": len(rows),
            "categories": [c.pk for c in data.categories],
            "areas": [a.pk for a in data.areas],
        },
    )
    return process


@transaction.atomic
def process_update(
    *,
    actor: Actor,
    process: Process,
    data: ProcessInput,
    phases: Sequence[PhaseInput] = (),
    header_image: IO[bytes] | Any = None,
    remove_header_image: bool = False,
) -> Process:
    """Change a process's fields and its timeline in one go."""
    process = Process.objects.select_for_update().get(pk=process.pk)
    refuse(rules.process_manage_refusal(actor, process))
    cleaned = _clean_process(data)
    slug = _slug_for(data, cleaned, process)
    before = {name: getattr(process, name) for name in _TEXT_FIELDS}
    before["slug"] = process.slug
    counts = _write_phases(process, phases)
    for name, value in cleaned.items():
        setattr(process, name, value)
    process.slug = slug
    replaced = ""
    written = ""
    try:
        if header_image:
            replaced = _set_header_image(process, header_image)
            written = process.header_image.name
        elif remove_header_image and process.header_image:
            replaced = process.header_image.name
            process.header_image.name = ""
        process.save()
    except BaseException:
        _delete_file(written)
        raise
    old_categories = set(process.categories.values_list("pk", flat=True))
    old_areas = set(process.areas.values_list("pk", flat=True))
    process.categories.set(data.categories)
    process.areas.set(data.areas)
    changed = [
        name
        for name in (*_TEXT_FIELDS, "slug")
        if before[name] != getattr(process, name)
    ]
    if old_categories != {c.pk for c in data.categories}:
        changed.append("categories")
    if old_areas != {a.pk for a in data.areas}:
        changed.append("areas")
    if written or replaced:
        changed.append("header_image")
    if replaced:
        transaction.on_commit(lambda: _delete_file(replaced))
    record(
        actor=actor,
        action="process.update",
        target=process,
        before={name: before[name] for name in changed if name in before},
        after={"fields": changed, "phases": counts},
    )
    return process


def _transition(*, actor: Actor, process: Process, status: str, action: str) -> Process:
    process = Process.objects.select_for_update().get(pk=process.pk)
    refuse(rules.process_transition_refusal(actor, process, status))
    before = process.status
    process.status = status
    process.save(update_fields=["status"])
    record(
        actor=actor,
        action=action,
        target=process,
        before={"status": before},
        after={"status": status},
    )
    return process


@transaction.atomic
def process_publish(*, actor: Actor, process: Process) -> Process:
    """Open a draft (or an archived process again) to the public."""
    return _transition(
        actor=actor,
        process=process,
        status=ProcessStatus.PUBLISHED,
        action="process.publish",
    )


@transaction.atomic
def process_archive(*, actor: Actor, process: Process) -> Process:
    """Close a published process: it stays public, read-only."""
    return _transition(
        actor=actor,
        process=process,
        status=ProcessStatus.ARCHIVED,
        action="process.archive",
    )


def next_year(moment: datetime) -> datetime:
    """The same local date and time one year later (29 February → 28 February)."""
    local = timezone.localtime(moment)
    try:
        shifted = local.replace(year=local.year + 1)
    except ValueError:
        shifted = local.replace(year=local.year + 1, day=28)
    # Re-attach the zone for the new date (its offset may differ).
    naive = shifted.replace(tzinfo=None)
    return timezone.make_aware(naive, timezone.get_current_timezone())


@idempotency.idempotent("process.copy", author="actor")
@transaction.atomic
def process_copy_for_next_year(
    *, actor: Actor, process: Process, idempotency_key: str = ""
) -> Process:
    """A new draft made from ``process`` as the start of next year's: its texts,
    rules, categories, areas and phases, each phase one year later; a new
    address. Files (header image, attachments) are not copied."""
    refuse(rules.process_copy_refusal(actor, process))
    idempotency.refuse_duplicate(
        Process.objects.filter(
            title=process.title,
            status=ProcessStatus.DRAFT,
            created_at__gte=idempotency.recent(),
        ).exclude(pk=process.pk),
        _("This process was just copied."),
    )
    copy = Process.objects.create(
        slug=unique_slug(
            Process.objects.all(), title=process.title, title_en=process.title_en
        ),
        status=ProcessStatus.DRAFT,
        position=process.position,
        **{
            name: getattr(process, name)
            for name in _TEXT_FIELDS
            if not name.startswith("header_image")
        },
    )
    copy.categories.set(process.categories.all())
    copy.areas.set(process.areas.all())
    phases = list(process.phases.order_by("starts_at"))
    Phase.objects.bulk_create(
        Phase(
            process=copy,
            kind=phase.kind,
            title=phase.title,
            title_en=phase.title_en,
            description=phase.description,
            description_en=phase.description_en,
            starts_at=next_year(phase.starts_at),
            ends_at=next_year(phase.ends_at),
            allows_proposing=phase.allows_proposing,
            allows_supporting=phase.allows_supporting,
            allows_commenting=phase.allows_commenting,
        )
        for phase in phases
    )
    record(
        actor=actor,
        action="process.copy",
        target=copy,
        before={"from": process.pk, "from_slug": process.slug},
        after={"slug": copy.slug, "phases": len(phases)},
    )
    return copy


# --- attachments ----------------------------------------------------------------

PDF_MAGIC = b"%PDF-"


def safe_filename(name: str, *, extension: str = "pdf") -> str:
    """A download name from what was uploaded: no path, no control characters,
    readable (Japanese kept: the download header encodes it), ending in .pdf."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/")
    name = name.rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[\s\"'<>:|?*;,]+", "_", stem).strip("._")[:100]
    return f"{stem or 'document'}.{extension}"


def _pdf_refusal(data: bytes | None) -> Invalid | None:
    if data is None:
        return Invalid(
            _("The file is too large: at most %(mb)d MB, please.")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field_errors={"file": ["file_too_large"]},
        )
    if not data.startswith(PDF_MAGIC) or b"%%EOF" not in data[-2048:]:
        return Invalid(
            _("This file is not a PDF document. Please upload a PDF."),
            code="not_a_pdf",
            field_errors={"file": ["not_a_pdf"]},
        )
    return None


@idempotency.idempotent("process.attachment_add", author="actor")
@transaction.atomic
def process_attachment_add(
    *,
    actor: Actor,
    process: Process,
    upload: IO[bytes] | Any,
    title: str,
    title_en: str = "",
    idempotency_key: str = "",
) -> ProcessAttachment:
    """Add a PDF to the process page (checked by its content, not its name)."""
    process = Process.objects.select_for_update().get(pk=process.pk)
    refuse(rules.process_manage_refusal(actor, process))
    title = check_length(title, field="title", low=1, high=ATTACHMENT_TITLE_MAX)
    title_en = check_length(title_en, field="title_en", high=ATTACHMENT_TITLE_MAX)
    if process.attachments.count() >= settings.ATTACHMENTS_PER_PROCESS:
        raise Invalid(
            _("A process can have at most %(max)d documents.")
            % {"max": settings.ATTACHMENTS_PER_PROCESS},
            code="too_many_attachments",
        )
    data = images.read_limited(upload, settings.ATTACHMENT_MAX_BYTES)
    refuse(_pdf_refusal(data))
    assert data is not None
    idempotency.refuse_duplicate(
        process.attachments.filter(title=title, uploaded_at__gte=idempotency.recent()),
        _("This document was just added."),
    )
    stored = default_storage.save(
        f"processes/attachments/{uuid.uuid4().hex}.pdf", ContentFile(data)
    )
    try:
        position = process.attachments.count()
        attachment = ProcessAttachment.objects.create(
            process=process,
            title=title,
            title_en=title_en,
            file=stored,
            filename=safe_filename(getattr(upload, "name", "")),
            content_type="application/pdf",
            size=len(data),
            position=position,
        )
        record(
            actor=actor,
            action="process.attachment_add",
            target=process,
            after={"attachment": attachment.pk, "title": title, "size": len(data)},
        )
    except BaseException:
        _delete_file(stored)
        raise
    return attachment


@transaction.atomic
def process_attachment_remove(*, actor: Actor, attachment: ProcessAttachment) -> None:
    refuse(rules.process_manage_refusal(actor, attachment.process))
    name = attachment.file.name
    record(
        actor=actor,
        action="process.attachment_remove",
        target=attachment.process,
        before={"attachment": attachment.pk, "title": attachment.title},
    )
    attachment.delete()
    transaction.on_commit(lambda: _delete_file(name))
