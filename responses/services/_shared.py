"""What every tracker write shares: input checks, the locked entry, its snapshot for
the audit, the timeline event, who hears of a change, the live broadcast, and
:func:`_record_change`, the tail that records a change in that order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import (
    facilitators_of_process,
    officials_of_department,
)
from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.errors import Invalid
from participation.live import broadcast
from participation.notifications import services as notifications
from participation.notifications.reasons import Audience
from participation.spaces.models import Department, Section
from proposals.audience import proposal_audience, proposal_audiences
from proposals.live import PROPOSAL
from responses import clock
from responses.live import TRACKER
from responses.models import TrackerEntry, TrackerEvent
from responses.transitions import REVIEWABLE


# --- Checks, the locked entry and its timeline ----------------------------------------
def _lock(entry: TrackerEntry | int) -> TrackerEntry:
    pk = entry if isinstance(entry, int) else entry.pk
    return (
        TrackerEntry.objects.select_for_update(of=("self",))
        .select_related(
            "proposal", "department", "section", "assignee", "process", "response"
        )
        .get(pk=pk)
    )


def _label(choices: Any, value: str) -> str:
    """A status label in the site's language, captured into notification data."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(dict(choices).get(value, value))


def _dept_name(department: Department | None) -> str:
    return department.name if department is not None else ""


def _check_review_on(decision: str, review_on: date | None) -> date | None:
    """A public review date: only for "under review", "not adopted" or
    "referred", and only in the future (local dates)."""
    if review_on is None:
        return None
    if not isinstance(review_on, date):
        raise Invalid(
            _("Enter the review date as a date."),
            field_errors={"review_on": ["invalid"]},
        )
    if decision not in REVIEWABLE:
        raise Invalid(
            _(
                "A review date can only be set for a decision of under review, not "
                "adopted or referred."
            ),
            code="review_not_allowed",
            field_errors={"review_on": ["not_allowed"]},
        )
    today = timezone.localdate(clock.now())
    if review_on <= today:
        raise Invalid(
            _("The review date must be in the future (after %(today)s).")
            % {"today": today.isoformat()},
            code="review_in_past",
            field_errors={"review_on": ["past"]},
        )
    return review_on


def _snapshot(entry: TrackerEntry) -> dict[str, Any]:
    return {
        "department": entry.department.code if entry.department else None,
        "section": entry.section.code if entry.section else None,
        "decision": entry.decision,
        "implementation": entry.implementation,
        "percent": entry.implementation_percent,
        "response": entry.response_id,
        "referred_to": entry.referred_to,
        "disputed": entry.disputed_at is not None,
        "review_on": entry.review_on.isoformat() if entry.review_on else None,
    }


def _event(
    entry: TrackerEntry,
    kind: str,
    *,
    actor: Actor | None = None,
    at: Any = None,
    department: Department | None = None,
    previous_department: Department | None = None,
    previous_section: Section | None = None,
    data: dict[str, Any] | None = None,
    public_name: str | None = None,
) -> TrackerEvent:
    at = at or clock.now()
    if public_name is None:
        public_name = str(getattr(actor, "real_name", "") or "")
    event = TrackerEvent.objects.create(
        entry=entry,
        kind=kind,
        created_at=at,
        actor_name=public_name,
        department=department if department is not None else entry.department,
        previous_department=previous_department,
        # Where it is handled: the entry's section at the time of the event.
        section=entry.section,
        previous_section=previous_section,
        data=data or {},
    )
    entry.last_update_at = at
    entry.last_update_kind = kind
    return event


def _audience(entry: TrackerEntry) -> Audience:
    """The proposal's author, supporters, commenters and followers, with reasons."""
    return proposal_audience(entry.proposal)


def _audiences(entries: Iterable[TrackerEntry]) -> dict[int, Audience]:
    """Entry id → its proposal's audience, for a group in one query per role."""
    entries = list(entries)
    by_proposal = proposal_audiences([e.proposal for e in entries])
    return {e.pk: by_proposal[e.proposal_id] for e in entries}


def _department_officials(department_id: int | None) -> Audience:
    if department_id is None:
        return Audience()
    return Audience().add(
        officials_of_department(department_id).values_list("pk", flat=True),
        "department",
    )


def _coordinators(entry: TrackerEntry) -> Audience:
    return Audience().add(
        facilitators_of_process(entry.process_id).values_list("pk", flat=True),
        "facilitator",
    )


def _notify(
    entry: TrackerEntry,
    recipients: Mapping[int, str],
    kind: str,
    /,
    *,
    actor: Actor | None = None,
    public_name: str | None = None,
    **data: Any,
) -> int:
    if public_name is None and actor is not None:
        public_name = actor.real_name
    return notifications.notify(
        recipient_ids=recipients,
        kind=kind,
        actor=actor,
        url=entry.get_absolute_url(),
        target=entry.proposal,
        data={
            "title": entry.proposal.title,
            "department": _dept_name(entry.department),
            **({"actor": public_name} if public_name else {}),
            **data,
        },
    )


def _broadcast(entry: TrackerEntry, change: str) -> None:
    broadcast.send(
        PROPOSAL.name(entry.proposal_id),
        "proposal.tracker_changed",
        {
            "proposal_id": entry.proposal_id,
            "change": change,
            "decision": entry.decision,
            "implementation": entry.implementation,
        },
    )
    broadcast.send(
        TRACKER.name(),
        "tracker.row_changed",
        {"proposal_id": entry.proposal_id},
    )


# --- The tail of every write ----------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """A notification to send with a change: its kind, who gets it, and data beyond
    what :func:`_notify` always adds (title, department, actor)."""

    kind: str
    recipients: Audience
    data: dict[str, Any] = field(default_factory=dict)


def _record_change(
    *,
    entry: TrackerEntry,
    kind: str,
    actor: Actor,
    at: datetime,
    action: str,
    before: dict[str, Any],
    change: str,
    notice: Notice | None,
    event_data: dict[str, Any] | None = None,
    previous_department: Department | None = None,
    previous_section: Section | None = None,
    audit_extra: dict[str, Any] | None = None,
    public_name: str | None = None,
) -> None:
    """The tail of every write to a locked entry, in this order: the public timeline
    event (``kind``), the save, the audit event (``before`` → the snapshot after,
    plus ``audit_extra``), the notification (none when ``notice`` is None) and the
    live broadcast (``change``). ``public_name`` replaces the actor's name where
    residents read it (timeline, notifications) for an approved answer."""
    _event(
        entry,
        kind,
        actor=actor,
        at=at,
        previous_department=previous_department,
        previous_section=previous_section,
        data=event_data,
        public_name=public_name,
    )
    entry.save()
    audit.record(
        actor=actor,
        action=action,
        target=entry,
        before=before,
        after=_snapshot(entry) | (audit_extra or {}),
    )
    if notice is not None:
        _notify(
            entry,
            notice.recipients,
            notice.kind,
            actor=actor,
            public_name=public_name,
            **notice.data,
        )
    _broadcast(entry, change)
