"""The one projection of a tracker entry: every field a door shows of an entry,
named once, as a plain value (ids, codes, text, numbers, booleans, ``None``, and
datetimes as :class:`datetime` objects).

Four doors take their values from here: the tracker document (``tracker.json``,
``responses.document``), the tracker CSV (``responses.views``), the open-data
tracker rows (``portal.opendata.datasets``) and the API (the summary in
``responses.selectors.entry_summary`` and the tracker rows in
``responses.api.serializers``). Each door keeps its own selection, order and names
of fields (a small tuple of keys or of ``(output name, key)`` pairs in the door) and
its own formatting: absolute URLs, CSV cells, JSON types.

A door asks only for the keys it shows (``entry_fields(entry, keys)``), so a field
that reads a related record (the proposal, the process, the department) costs a
query only where the door would have read it anyway: the doors select what they
need, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from responses.models import TrackerEntry

Getter = Callable[[TrackerEntry], Any]


def _current(entry: TrackerEntry, name: str) -> Any:
    response = entry.response if entry.response_id else None
    current = response.current if response is not None else None
    return getattr(current, name, None) if current is not None else None


FIELDS: dict[str, Getter] = {
    # the proposal it tracks
    "proposal_id": lambda e: e.proposal_id,
    "title": lambda e: e.proposal.title,
    "category": lambda e: e.proposal.category.slug if e.proposal.category else None,
    "area": lambda e: e.proposal.area.slug if e.proposal.area else None,
    "support_count": lambda e: e.proposal.support_count,
    "process": lambda e: e.process.slug,
    # how it entered, who handles it, by when
    "entered_at": lambda e: e.entered_at,
    "entered_via": lambda e: e.entered_via,
    "department": lambda e: e.department.code if e.department else None,
    "department_name": lambda e: e.department_label,
    # the section (課) of the department, when one handles it (codes are unique
    # within a department)
    "section": lambda e: e.section.code if e.section else None,
    "section_name": lambda e: e.section_label,
    "assigned_at": lambda e: e.assigned_at,
    "response_due_at": lambda e: e.response_due_at,
    "overdue": lambda e: e.is_overdue,
    "days_overdue": lambda e: e.days_overdue,
    "acknowledged_at": lambda e: e.acknowledged_at,
    # the decision
    "decision": lambda e: e.decision,
    "decision_label": lambda e: e.get_decision_display(),
    "decided_at": lambda e: e.decided_at,
    "days_to_decision": lambda e: e.days_to_decision,
    "answered_on_time": lambda e: e.answered_on_time,
    "referred_to": lambda e: e.referred_to,
    "response_id": lambda e: e.response_id,
    # what the current answer commits to (reads the response's current revision)
    "cost_estimate": lambda e: _current(e, "cost_estimate"),
    "period_start": lambda e: _current(e, "period_start"),
    "period_end": lambda e: _current(e, "period_end"),
    # implementation and its checks
    "implementation": lambda e: e.implementation,
    "implementation_percent": lambda e: e.implementation_percent,
    "completed_at": lambda e: e.completed_at,
    "disputed": lambda e: e.is_disputed,
    "disputed_at": lambda e: e.disputed_at,
    # a review date (under review, not adopted, referred) and whether it has come
    "review_on": lambda e: e.review_on,
    "review_due": lambda e: e.review_due,
    # the last thing that happened
    "last_update_at": lambda e: e.last_update_at,
    "last_update_kind": lambda e: e.last_update_kind,
}


def entry_fields(
    entry: TrackerEntry, keys: Iterable[str] | None = None
) -> dict[str, Any]:
    """The fields ``keys`` of ``entry`` (every field when ``keys`` is None), in the
    order of ``keys``. An unknown key is a KeyError: a door cannot show a field that
    is not named here."""
    return {key: FIELDS[key](entry) for key in (FIELDS if keys is None else keys)}
