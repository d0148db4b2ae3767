"""The two axes of a tracked proposal and every transition allowed on each.

This is the one place that says which status may follow which. Services ask
:func:`decision_allowed` / :func:`implementation_allowed` and refuse anything else.
The two axes are never conflated: a decision says what the department decided, the
implementation says how carrying it out is going (only after an acceptance).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting response")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    ALREADY_ADDRESSED = "already_addressed", _("Already addressed")
    REFERRED = "referred", _("Referred to another body")


class Implementation(models.TextChoices):
    NONE = "", _("Not applicable")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    STALLED = "stalled", _("Stalled")


#: Statuses an official sets without a published response.
PENDING = frozenset({Decision.AWAITING, Decision.ACKNOWLEDGED, Decision.UNDER_REVIEW})
#: Statuses that are a decision: each needs a published response.
DECIDED = frozenset(
    {
        Decision.ACCEPTED,
        Decision.PARTIALLY_ACCEPTED,
        Decision.NOT_ADOPTED,
        Decision.ALREADY_ADDRESSED,
        Decision.REFERRED,
    }
)
#: Decisions that may carry a public review date (``TrackerEntry.review_on``).
REVIEWABLE = frozenset({Decision.UNDER_REVIEW, Decision.NOT_ADOPTED, Decision.REFERRED})
#: Decisions that open the implementation axis.
ACCEPTING = frozenset({Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED})
#: Decisions that must give a written reason of at least ``REASON_MIN`` characters.
NEEDS_REASON = frozenset(
    {Decision.NOT_ADOPTED, Decision.PARTIALLY_ACCEPTED, Decision.REFERRED}
)

_ALL_DECISIONS = frozenset(DECIDED)

DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    Decision.AWAITING: frozenset({Decision.ACKNOWLEDGED, Decision.UNDER_REVIEW})
    | _ALL_DECISIONS,
    Decision.ACKNOWLEDGED: frozenset({Decision.UNDER_REVIEW}) | _ALL_DECISIONS,
    Decision.UNDER_REVIEW: _ALL_DECISIONS,
    # A published decision changes only through a revision of the response:
    # scaling an acceptance up or down, or reconsidering a refusal or a referral.
    Decision.ACCEPTED: frozenset({Decision.PARTIALLY_ACCEPTED}),
    Decision.PARTIALLY_ACCEPTED: frozenset({Decision.ACCEPTED}),
    Decision.NOT_ADOPTED: frozenset({Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED}),
    Decision.ALREADY_ADDRESSED: frozenset(
        {Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED, Decision.NOT_ADOPTED}
    ),
    Decision.REFERRED: frozenset(
        {
            Decision.ACCEPTED,
            Decision.PARTIALLY_ACCEPTED,
            Decision.NOT_ADOPTED,
            Decision.ALREADY_ADDRESSED,
        }
    ),
}

IMPLEMENTATION_TRANSITIONS: dict[str, frozenset[str]] = {
    # Opened by an accepting decision.
    Implementation.NONE: frozenset({Implementation.NOT_STARTED}),
    Implementation.NOT_STARTED: frozenset(
        {Implementation.IN_PROGRESS, Implementation.STALLED, Implementation.COMPLETED}
    ),
    # Further updates may keep the same status (a new percentage, a new reason).
    Implementation.IN_PROGRESS: frozenset(
        {Implementation.IN_PROGRESS, Implementation.STALLED, Implementation.COMPLETED}
    ),
    Implementation.STALLED: frozenset(
        {Implementation.STALLED, Implementation.IN_PROGRESS, Implementation.COMPLETED}
    ),
    # Only an official's answer to a disputed completion reopens the work.
    Implementation.COMPLETED: frozenset({Implementation.IN_PROGRESS}),
}


def decision_allowed(current: str, new: str) -> bool:
    return new in DECISION_TRANSITIONS.get(current, frozenset())


def implementation_allowed(current: str, new: str) -> bool:
    return new in IMPLEMENTATION_TRANSITIONS.get(current, frozenset())


def is_decided(decision: str) -> bool:
    return decision in DECIDED
