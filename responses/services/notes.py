"""Internal notes on a tracked proposal: what officials of its department tell
each other (a phone call with the author, a budget line to check). Never public:
no timeline event, no notification, no broadcast, no search row; read through
``responses.staff.selectors.internal_notes`` only, behind
``responses.staff.rules.note_view_refusal``. Written to the audit log."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.idempotency import services as idempotency
from responses import clock
from responses.models import PROGRESS_MAX, InternalNote, TrackerEntry
from responses.services._shared import _lock
from responses.staff import rules as staff_rules

NOTE_MIN = 2


@idempotency.idempotent("internal_note", author="actor")
@transaction.atomic
def internal_note_create(
    *, actor: Actor, entry: TrackerEntry, body: str, idempotency_key: str = ""
) -> InternalNote:
    """Add an internal note to ``entry`` for its department and the admins."""
    locked = _lock(entry)
    refuse(staff_rules.note_create_refusal(actor, locked))
    body = check_length(
        body,
        field="body",
        low=NOTE_MIN,
        high=PROGRESS_MAX,
        too_short=_("Write the note (at least %(min)d characters; you wrote %(n)d)."),
    )
    idempotency.refuse_duplicate(
        InternalNote.objects.filter(
            entry=locked, author=actor, body=body, created_at__gte=idempotency.recent()
        ),
        _("You just added this note."),
    )
    note = InternalNote.objects.create(
        entry=locked,
        body=body,
        author=actor,
        author_name=actor.real_name,
        department=locked.department,
        created_at=clock.now(),
    )
    # The audit keeps that a note was written, not its text (it is not public
    # either, but the audit log has readers beyond the department).
    audit.record(
        actor=actor,
        action="tracker.note",
        target=locked,
        before={},
        after={
            "note": note.pk,
            "department": locked.department.code if locked.department else None,
            "length": len(body),
        },
    )
    return note
