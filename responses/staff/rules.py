"""Who may use the officials' pages of the tracker: the queue, the routing table
and internal notes. Each ``<action>_refusal`` returns the domain error to raise
(with a translated message saying why) or None; the predicates wrap them."""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin, is_official_of
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, NotAllowed
from responses.models import TrackerEntry

Refusal = DomainError | None


def _signed_in_staff_refusal(user: Viewer) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in first."), code="not_authenticated")
    if standing.is_staff_role and not standing.mfa_satisfied:
        return NotAllowed(
            _(
                "Officials and facilitators must set up two-factor authentication "
                "before acting on the tracker."
            ),
            code="mfa_required",
        )
    return None


def routing_setup_refusal(user: Viewer) -> Refusal:
    """Edit the routing table (category → section): administrators."""
    refusal = _signed_in_staff_refusal(user)
    if refusal:
        return refusal
    if not is_admin(user):
        return NotAllowed(
            _("Only administrators can change the routing table."), code="not_admin"
        )
    return None


def queue_refusal(user: Viewer) -> Refusal:
    """See the official's queue: officials (their sections and departments) and
    administrators (every tracked proposal)."""
    refusal = _signed_in_staff_refusal(user)
    if refusal:
        return refusal
    standing = standing_of(user)
    if not (standing.department_ids or is_admin(user)):
        return NotAllowed(
            _("The queue is for officials of a department and administrators."),
            code="not_official",
        )
    return None


def note_view_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    """Read (and write) the internal notes of a tracked proposal: officials of
    the department handling it, and administrators. Nobody else, whatever their
    role: facilitators, other departments, residents."""
    refusal = _signed_in_staff_refusal(user)
    if refusal:
        return refusal
    if is_admin(user):
        return None
    if entry.department_id is not None and is_official_of(user, entry.department_id):
        return None
    return NotAllowed(
        _(
            "Internal notes are for the officials of the department handling this "
            "proposal and administrators."
        ),
        code="not_department",
    )


def note_create_refusal(user: Viewer, entry: TrackerEntry) -> Refusal:
    refusal = note_view_refusal(user, entry)
    if refusal:
        return refusal
    if entry.department_id is None:
        return NotAllowed(
            _("Assign the proposal to a department before writing internal notes."),
            code="unassigned",
        )
    return None


def _predicate(refusal_fn: Any, name: str) -> Any:
    return rules.predicate(lambda user, obj: refusal_fn(user, obj) is None, name=name)


can_read_notes = _predicate(note_view_refusal, "can_read_notes")
can_write_note = _predicate(note_create_refusal, "can_write_note")
can_use_queue = rules.predicate(
    lambda user: queue_refusal(user) is None, name="can_use_queue"
)
can_set_up_routing = rules.predicate(
    lambda user: routing_setup_refusal(user) is None, name="can_set_up_routing"
)

rules.add_perm("responses.read_notes", can_read_notes)
rules.add_perm("responses.write_note", can_write_note)
rules.add_perm("responses.use_queue", can_use_queue)
rules.add_perm("responses.set_up_routing", can_set_up_routing)
