"""Entering the tracker and following a proposal until it is answered: entry (by the
threshold or a facilitator's forward, routed by ``assignment.route``), the statuses
before a decision, and the overdue reminder. Assignment and claim are in
``assignment``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from proposals.models import Proposal
from responses import clock, rules
from responses.models import EntryVia, EventKind, TrackerEntry
from responses.services import assignment
from responses.services._shared import (
    Notice,
    _audience,
    _broadcast,
    _check_review_on,
    _coordinators,
    _department_officials,
    _event,
    _label,
    _lock,
    _notify,
    _record_change,
    _snapshot,
)
from responses.transitions import DECIDED, Decision, decision_allowed


# --- Entering the tracker ---------------------------------------------------------
def _enter(
    proposal: Proposal, *, via: str, actor: Actor | None = None, note: str = ""
) -> TrackerEntry:
    at = clock.now()
    if via == EntryVia.THRESHOLD and proposal.threshold_reached_at is not None:
        at = min(at, proposal.threshold_reached_at)
    process = proposal.process
    try:
        with transaction.atomic():
            entry = TrackerEntry.objects.create(
                proposal=proposal,
                process_id=proposal.process_id,
                entered_at=at,
                entered_via=via,
                forwarded_by=actor if via == EntryVia.FORWARDED else None,
                response_due_at=at + timedelta(days=process.response_days),
                last_update_at=at,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This proposal is already in the tracker."), code="already_tracked"
        ) from exc
    entry.proposal = proposal
    kind = EventKind.FORWARDED if via == EntryVia.FORWARDED else EventKind.ENTERED
    _event(entry, kind, actor=actor, at=at, data={"note": note} if note else {})
    entry.save(update_fields=["last_update_at", "last_update_kind"])
    audit.record(
        actor=actor,
        action="tracker.enter",
        target=entry,
        before={},
        after={
            "proposal": proposal.pk,
            "via": via,
            "due": entry.response_due_at,
            "note": note,
        },
    )
    # A routing rule for its category assigns it at once (still reassignable).
    assignment.route(entry)
    _broadcast(entry, "entered")
    return entry


def handling_department_id(proposal: Proposal) -> int | None:
    """Hook (``proposals.events``): the department answering for ``proposal``."""
    return (
        TrackerEntry.objects.filter(proposal_id=proposal.pk)
        .values_list("department_id", flat=True)
        .first()
    )


def on_threshold_reached(proposal: Proposal) -> None:
    """Hook (``proposals.events``): a proposal reached its support threshold.

    Runs inside the support's transaction, so the entry exists as soon as the
    support does. A proposal forwarded earlier is already tracked: nothing to do."""
    if TrackerEntry.objects.filter(proposal_id=proposal.pk).exists():
        return
    try:
        entry = _enter(proposal, via=EntryVia.THRESHOLD)
    except Conflict:  # entered concurrently by a forward
        return
    _notify(
        entry, _audience(entry) | _coordinators(entry), "proposal.threshold_reached"
    )


@transaction.atomic
def tracker_forward(
    *, actor: Actor, proposal: Proposal, note: str = ""
) -> TrackerEntry:
    """A facilitator or admin puts a proposal in the tracker before its threshold."""
    refuse(rules.forward_refusal(actor, proposal))
    note = check_length(note, field="note", low=0, high=500)
    entry = _enter(proposal, via=EntryVia.FORWARDED, actor=actor, note=note)
    _notify(entry, _audience(entry), "tracker.forwarded", actor=actor)
    return entry


# --- Status without a decision --------------------------------------------------------
@transaction.atomic
def tracker_set_status(
    *,
    actor: Actor,
    entry: TrackerEntry,
    status: str,
    note: str = "",
    review_on: date | None = None,
) -> TrackerEntry:
    """Acknowledge a proposal or put it under review. Decisions need a response."""
    locked = _lock(entry)
    refuse(rules.status_refusal(actor, locked))
    if status in DECIDED:
        raise Invalid(
            _("A decision is made by publishing a response with its reasons."),
            code="needs_response",
            field_errors={"status": ["needs_response"]},
        )
    if status not in (Decision.ACKNOWLEDGED, Decision.UNDER_REVIEW):
        raise Invalid(
            _("Choose acknowledged or under review."),
            field_errors={"status": ["invalid_choice"]},
        )
    # Under review again with a new review date is an update, not a repeat.
    new_review = (
        status == locked.decision
        and review_on is not None
        and review_on != locked.review_on
    )
    if status == locked.decision and not new_review:
        raise Conflict(
            _("The status is already “%(status)s”.")
            % {"status": locked.get_decision_display()},
            code="unchanged",
        )
    if not new_review and not decision_allowed(locked.decision, status):
        raise Invalid(
            _("The status cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": locked.get_decision_display(),
                "new": dict(Decision.choices)[status],
            },
            code="invalid_transition",
            field_errors={"status": ["invalid_transition"]},
        )
    note = check_length(note, field="note", low=0, high=500)
    review_on = _check_review_on(status, review_on)
    before = _snapshot(locked)
    now = clock.now()
    previous = locked.decision
    locked.decision = status
    locked.review_on = review_on
    locked.decision_changed_at = now
    locked.acknowledged_at = locked.acknowledged_at or now
    _record_change(
        entry=locked,
        kind=EventKind.STATUS,
        actor=actor,
        at=now,
        event_data={"from": previous, "to": status, **({"note": note} if note else {})},
        action="tracker.status",
        before=before,
        audit_extra={"note": note},
        notice=Notice(
            "tracker.status_changed",
            _audience(locked),
            {"status": _label(Decision.choices, status)},
        ),
        change="status",
    )
    return locked


# --- Overdue --------------------------------------------------------------------------
def notify_overdue() -> int:
    """Tell each overdue entry's department (or, while unassigned, the process's
    facilitators) once. Idempotent: safe to run from a timer every few minutes."""
    now = clock.now()
    candidates = (
        TrackerEntry.objects.filter(
            decided_at__isnull=True,
            response_due_at__lt=now,
            overdue_notified_at__isnull=True,
        )
        .select_related("proposal", "department")
        .order_by("response_due_at", "pk")
    )
    notified = 0
    for entry in candidates.iterator(chunk_size=200):
        with transaction.atomic():
            claimed = TrackerEntry.objects.filter(
                pk=entry.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            recipients = _department_officials(entry.department_id) or _coordinators(
                entry
            )
            _notify(entry, recipients, "tracker.overdue", days=entry.days_overdue)
            _broadcast(entry, "overdue")
            notified += 1
    return notified
