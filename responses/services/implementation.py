"""Implementation of an accepted proposal: dated progress updates up to completion."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.text import clean_text
from responses import clock, rules
from responses.models import (
    PROGRESS_MAX,
    PROGRESS_MIN,
    REASON_MIN,
    EventKind,
    ProgressUpdate,
    TrackerEntry,
)
from responses.services._shared import (
    Notice,
    _audience,
    _label,
    _lock,
    _record_change,
    _snapshot,
)
from responses.transitions import Implementation, implementation_allowed

PROGRESS_STATUSES = (
    Implementation.IN_PROGRESS,
    Implementation.STALLED,
    Implementation.COMPLETED,
)


def _check_percent(status: str, percent: Any) -> int:
    if status == Implementation.COMPLETED and percent in (None, ""):
        return 100
    try:
        value = int(percent)
    except (TypeError, ValueError) as exc:
        raise Invalid(
            _("Give the progress as a whole number from 0 to 100."),
            field_errors={"percent": ["invalid"]},
        ) from exc
    if not 0 <= value <= 100:
        raise Invalid(
            _("Progress is a percentage from 0 to 100 (you gave %(n)d).")
            % {"n": value},
            code="percent_out_of_range",
            field_errors={"percent": ["out_of_range"]},
        )
    if status == Implementation.COMPLETED and value != 100:
        raise Invalid(
            _("A completed implementation is at 100%."),
            code="percent_not_complete",
            field_errors={"percent": ["not_complete"]},
        )
    return value


def _check_link(link: str) -> str:
    link = clean_text(link)
    if not link:
        return ""
    if len(link) > 500:
        raise Invalid(_("The link is too long."), field_errors={"link": ["too_long"]})
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError as exc:
        raise Invalid(
            _("Enter a full web address starting with https:// or http://."),
            field_errors={"link": ["invalid"]},
        ) from exc
    return link


def _check_date(entry: TrackerEntry, happened_on: date | None) -> date:
    today = timezone.localdate(clock.now())
    if happened_on is None:
        return today
    if happened_on > today:
        raise Invalid(
            _("A progress update cannot be dated in the future."),
            field_errors={"happened_on": ["future"]},
        )
    if entry.decided_at is not None:
        decided = timezone.localdate(entry.decided_at)
        if happened_on < decided:
            raise Invalid(
                _("A progress update cannot be dated before the decision (%(date)s).")
                % {"date": decided.isoformat()},
                field_errors={"happened_on": ["before_decision"]},
            )
    return happened_on


@idempotency.idempotent("progress_update", author="actor")
@transaction.atomic
def progress_post(
    *,
    actor: Actor,
    entry: TrackerEntry,
    status: str,
    percent: Any,
    body: str,
    link: str = "",
    happened_on: date | None = None,
    idempotency_key: str = "",
) -> ProgressUpdate:
    """Post a dated implementation step; ``completed`` marks the work done."""
    locked = _lock(entry)
    refuse(rules.progress_refusal(actor, locked))
    if status not in PROGRESS_STATUSES:
        raise Invalid(
            _("Choose in progress, stalled or completed."),
            field_errors={"status": ["invalid_choice"]},
        )
    if not implementation_allowed(locked.implementation, status):
        raise Invalid(
            _("The implementation cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": locked.get_implementation_display(),
                "new": dict(Implementation.choices)[status],
            },
            code="invalid_transition",
            field_errors={"status": ["invalid_transition"]},
        )
    value = _check_percent(status, percent)
    if status == Implementation.STALLED:
        body = check_length(
            body,
            field="body",
            low=REASON_MIN,
            high=PROGRESS_MAX,
            too_short=_(
                "Explain why the work is stalled in at least %(min)d characters (you "
                "wrote %(n)d)."
            ),
        )
    else:
        body = check_length(body, field="body", low=PROGRESS_MIN, high=PROGRESS_MAX)
    link = _check_link(link)
    day = _check_date(locked, happened_on)
    latest = locked.progress_updates.order_by("-created_at", "-id").first()
    if latest is not None and latest.body == body and latest.status == status:
        raise Conflict(_("This update was already posted."), code="duplicate")
    now = clock.now()
    before = _snapshot(locked)
    update = ProgressUpdate.objects.create(
        entry=locked,
        status=status,
        percent=value,
        body=body,
        link=link,
        happened_on=day,
        author=actor,
        author_name=actor.real_name,
        created_at=now,
    )
    locked.implementation = status
    locked.implementation_percent = value
    kinds: dict[str, str] = {
        Implementation.COMPLETED: EventKind.COMPLETED,
        Implementation.STALLED: EventKind.STALLED,
    }
    kind = kinds.get(status, EventKind.PROGRESS)
    completed = status == Implementation.COMPLETED
    if completed:
        locked.completed_at = now
        locked.completion_round += 1
    _record_change(
        entry=locked,
        kind=kind,
        actor=actor,
        at=now,
        event_data={"status": status, "percent": value, "update": update.pk},
        action="tracker.complete" if completed else "tracker.progress",
        before=before,
        audit_extra={"update": update.pk, "body": body},
        notice=Notice(
            "tracker.completed" if completed else "tracker.progress",
            _audience(locked),
            {
                "status": _label(Implementation.choices, status),
                "percent": value,
                **(
                    {"entry": locked.pk, "round": locked.completion_round}
                    if completed
                    else {}
                ),
            },
        ),
        change=kind,
    )
    return update
