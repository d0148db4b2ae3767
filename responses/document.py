"""The tracker document: a proposal's fate as one JSON-ready dict, every milestone
timestamped. ``/proposals/<id>/tracker.json`` serves it; the view adds only HTTP
(the 404s, the CORS header). Links are on SITE_URL (``participation.site_url``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from participation.site_url import absolute_url
from proposals.models import Proposal
from responses import selectors
from responses.models import TrackerEntry
from responses.projection import entry_fields

# The document's fields of the one projection of an entry (its names are the
# projection's; the document writes instants in ISO 8601 and empty text as null).
DOCUMENT_KEYS = (
    "entered_at",
    "entered_via",
    "department",
    "section",
    "assigned_at",
    "response_due_at",
    "overdue",
    "days_overdue",
    "acknowledged_at",
    "decision",
    "decision_label",
    "decided_at",
    "days_to_decision",
    "answered_on_time",
    "referred_to",
    "implementation",
    "implementation_percent",
    "completed_at",
    "disputed",
    "disputed_at",
    "response_id",
    "review_on",
    "review_due",
)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def tracker_document(proposal: Proposal) -> dict[str, Any]:
    """The document of ``proposal`` (version 1), generated now."""
    data = selectors.document_data(proposal)
    entry: TrackerEntry | None = data["entry"]
    document: dict[str, Any] = {
        "version": 1,
        "generated_at": _iso(timezone.now()),
        "proposal": {
            "id": proposal.pk,
            "title": proposal.title,
            "url": absolute_url(proposal.get_absolute_url()),
            "process": {
                "slug": proposal.process.slug,
                "title": proposal.process.title,
                "title_en": proposal.process.title_en,
            },
            "author": proposal.author.real_name,
            "state": proposal.state,
            "submitted_at": _iso(proposal.created_at),
            "support_count": proposal.support_count,
            "support_threshold": proposal.process.support_threshold,
            "threshold_reached_at": _iso(proposal.threshold_reached_at),
        },
        "milestones": [
            {
                "kind": step.kind,
                "label": str(step.label),
                "at": _iso(step.at),
                "summary": step.text,
                "state": step.state,
            }
            for step in data["steps"]
        ],
        "tracker": None,
    }
    if entry is not None:
        dept = entry.department
        f = entry_fields(entry, DOCUMENT_KEYS)
        tracker: dict[str, Any] = {
            "entered_at": _iso(f["entered_at"]),
            "entered_via": f["entered_via"],
            "department": None
            if dept is None
            else {
                "code": f["department"],
                "name": dept.name,
                "name_en": dept.name_en,
                "url": absolute_url(dept.get_absolute_url()),
            },
            "section": None
            if entry.section is None
            else {
                "code": f["section"],
                "name": entry.section.name,
                "name_en": entry.section.name_en,
            },
            "assigned_at": _iso(f["assigned_at"]),
            "response_due_at": _iso(f["response_due_at"]),
            "overdue": f["overdue"],
            "days_overdue": f["days_overdue"],
            "acknowledged_at": _iso(f["acknowledged_at"]),
            "decision": f["decision"],
            "decision_label": f["decision_label"],
            "decided_at": _iso(f["decided_at"]),
            "days_to_decision": f["days_to_decision"],
            "answered_on_time": f["answered_on_time"],
            "referred_to": f["referred_to"] or None,
            "implementation": f["implementation"] or None,
            "implementation_percent": f["implementation_percent"],
            "completed_at": _iso(f["completed_at"]),
            "disputed": f["disputed"],
            "disputed_at": _iso(f["disputed_at"]),
            "review_on": _iso(f["review_on"]),
            "review_due": f["review_due"],
            "outcome_checks": data["checks"],
            "progress_updates": [
                {
                    "date": update.happened_on.isoformat(),
                    "status": update.status,
                    "percent": update.percent,
                    "text": update.body,
                    "link": update.link or None,
                    "official": update.author_name,
                    "posted_at": _iso(update.created_at),
                }
                for update in data["progress"]
            ],
            "dispute_answers": [
                {
                    "text": answer.body,
                    "reopened": answer.reopened,
                    "official": answer.author_name,
                    "answered_at": _iso(answer.created_at),
                }
                for answer in data["answers"]
            ],
            "response": None,
        }
        if entry.response is not None:
            ratings = data["ratings"]
            tracker["response"] = {
                "id": f["response_id"],
                "url": absolute_url(entry.response.get_absolute_url()),
                "published_at": _iso(entry.response.published_at),
                "revised_at": _iso(entry.response.revised_at),
                "covers_proposals": data["covers"],
                "ratings": {
                    "count": ratings.count,
                    "clear": ratings.clear,
                    "satisfied": ratings.satisfied,
                },
                "revisions": [
                    {
                        "number": revision.number,
                        "decision": revision.decision,
                        "text": revision.body,
                        "referred_to": revision.referred_to or None,
                        "change_note": revision.change_note or None,
                        "official": revision.public_official_name or None,
                        "department": revision.department_name,
                        "section": revision.section_name or None,
                        "cost_estimate": revision.cost_estimate,
                        "period_start": revision.period_start.isoformat()
                        if revision.period_start
                        else None,
                        "period_end": revision.period_end.isoformat()
                        if revision.period_end
                        else None,
                        "published_at": _iso(revision.created_at),
                    }
                    for revision in data["revisions"]
                ],
            }
        document["tracker"] = tracker
    return document
