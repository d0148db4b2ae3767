"""Every write to the response tracker.

Each function checks permission and state (``rules.py`` refusals, ``transitions.py``),
writes inside a transaction with the entry row locked, appends the public timeline
event and the audit event (before/after), and schedules notifications and live
broadcasts for after commit. Bad input raises a domain error and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import (
    facilitators_of_process,
    officials_of_department,
)
from participation.audit import services as audit
from participation.errors import Conflict, DomainError, Invalid, NotAllowed
from participation.live import broadcast
from participation.moderation import limits
from participation.notifications import services as notifications
from participation.spaces.models import Department
from participation.text import clean_text
from proposals.live import PROPOSAL
from proposals.models import Proposal
from responses import clock, rules
from responses.live import TRACKER
from responses.models import (
    BODY_MAX,
    CHANGE_NOTE_MIN,
    COMMENT_MAX,
    COMMENT_MIN,
    DISPUTE_MIN,
    PROGRESS_MAX,
    PROGRESS_MIN,
    REASON_MIN,
    REFERRED_TO_MAX,
    RESPONSE_MIN,
    DisputeAnswer,
    EntryVia,
    EventKind,
    OutcomeCheck,
    ProgressUpdate,
    Response,
    ResponseComment,
    ResponseRating,
    ResponseRevision,
    TrackerEntry,
    TrackerEvent,
    Verdict,
)
from responses.transitions import (
    ACCEPTING,
    DECIDED,
    NEEDS_REASON,
    Decision,
    Implementation,
    decision_allowed,
    implementation_allowed,
)

MAX_GROUP = 50
PROGRESS_STATUSES = (
    Implementation.IN_PROGRESS,
    Implementation.STALLED,
    Implementation.COMPLETED,
)


# --- Helpers ------------------------------------------------------------------------
def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _text(value: str, *, field: str, low: int, high: int, message: Any = None) -> str:
    value = clean_text(value)
    if len(value) < low:
        raise Invalid(
            (
                message
                or _("Please write at least %(min)d characters (you wrote %(n)d).")
            )
            % {"min": low, "n": len(value)},
            code="too_short",
            field_errors={field: ["too_short"]},
        )
    if len(value) > high:
        raise Invalid(
            _("Please write at most %(max)d characters (you wrote %(n)d).")
            % {"max": high, "n": len(value)},
            code="too_long",
            field_errors={field: ["too_long"]},
        )
    return value


def _lock(entry: TrackerEntry | int) -> TrackerEntry:
    pk = entry if isinstance(entry, int) else entry.pk
    return (
        TrackerEntry.objects.select_for_update(of=("self",))
        .select_related("proposal", "department", "process", "response")
        .get(pk=pk)
    )


def _label(choices: Any, value: str) -> str:
    """A status label in the site's language, captured into notification data."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(dict(choices).get(value, value))


def _dept_name(department: Department | None) -> str:
    return department.name if department is not None else ""


def _snapshot(entry: TrackerEntry) -> dict[str, Any]:
    return {
        "department": entry.department.code if entry.department else None,
        "decision": entry.decision,
        "implementation": entry.implementation,
        "percent": entry.implementation_percent,
        "response": entry.response_id,
        "referred_to": entry.referred_to,
        "disputed": entry.disputed_at is not None,
    }


def _event(
    entry: TrackerEntry,
    kind: str,
    *,
    actor: Any = None,
    at: Any = None,
    department: Department | None = None,
    previous_department: Department | None = None,
    data: dict[str, Any] | None = None,
) -> TrackerEvent:
    at = at or clock.now()
    event = TrackerEvent.objects.create(
        entry=entry,
        kind=kind,
        created_at=at,
        actor_name=str(getattr(actor, "real_name", "") or ""),
        department=department if department is not None else entry.department,
        previous_department=previous_department,
        data=data or {},
    )
    entry.last_update_at = at
    entry.last_update_kind = kind
    return event


def _audience(entry: TrackerEntry) -> set[int]:
    """The proposal's author and followers (supporters follow when they support)."""
    return {entry.proposal.author_id, *notifications.follower_ids(entry.proposal)}


def _department_officials(department_id: int | None) -> set[int]:
    if department_id is None:
        return set()
    return set(officials_of_department(department_id).values_list("pk", flat=True))


def _coordinators(entry: TrackerEntry) -> set[int]:
    return set(facilitators_of_process(entry.process_id).values_list("pk", flat=True))


def _notify(
    entry: TrackerEntry,
    recipients: Iterable[int],
    kind: str,
    *,
    actor: Any = None,
    **data: Any,
) -> None:
    notifications.notify(
        recipient_ids=recipients,
        kind=kind,
        actor=actor,
        url=entry.get_absolute_url(),
        data={
            "title": entry.proposal.title,
            "department": _dept_name(entry.department),
            **({"actor": actor.real_name} if getattr(actor, "real_name", "") else {}),
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


@dataclass(frozen=True)
class Notice:
    """A notification to send with a change: its kind, who gets it, and data beyond
    what :func:`_notify` always adds (title, department, actor)."""

    kind: str
    recipients: set[int]
    data: dict[str, Any] = field(default_factory=dict)


def _record_change(
    *,
    entry: TrackerEntry,
    kind: str,
    actor: Any,
    at: datetime,
    action: str,
    before: dict[str, Any],
    change: str,
    notice: Notice | None,
    event_data: dict[str, Any] | None = None,
    previous_department: Department | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> None:
    """The tail of every write to a locked entry, in this order: the public timeline
    event (``kind``), the save, the audit event (``before`` → the snapshot after,
    plus ``audit_extra``), the notification (none when ``notice`` is None) and the
    live broadcast (``change``)."""
    _event(
        entry,
        kind,
        actor=actor,
        at=at,
        previous_department=previous_department,
        data=event_data,
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
        _notify(entry, notice.recipients, notice.kind, actor=actor, **notice.data)
    _broadcast(entry, change)


# --- Entering the tracker ---------------------------------------------------------
def _enter(
    proposal: Proposal, *, via: str, actor: Any = None, note: str = ""
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
def tracker_forward(*, actor: Any, proposal: Proposal, note: str = "") -> TrackerEntry:
    """A facilitator or admin puts a proposal in the tracker before its threshold."""
    _raise(rules.forward_refusal(actor, proposal))
    note = _text(note, field="note", low=0, high=500)
    entry = _enter(proposal, via=EntryVia.FORWARDED, actor=actor, note=note)
    _notify(entry, _audience(entry), "tracker.forwarded", actor=actor)
    return entry


# --- Assignment ----------------------------------------------------------------------
@transaction.atomic
def tracker_assign(
    *, actor: Any, entry: TrackerEntry, department: Department | None, note: str = ""
) -> TrackerEntry:
    """Assign (or reassign) a tracked proposal to a department."""
    locked = _lock(entry)
    _raise(rules.assign_refusal(actor, locked))
    if department is None:
        raise Invalid(
            _("Choose the department that will answer."),
            field_errors={"department": ["required"]},
        )
    if locked.department_id == department.pk:
        raise Conflict(
            _("This proposal is already assigned to %(department)s.")
            % {"department": locked.department_label},
            code="already_assigned",
        )
    note = _text(note, field="note", low=0, high=500)
    before = _snapshot(locked)
    previous = locked.department
    now = clock.now()
    locked.department = department
    locked.assigned_at = now
    # A new department hears about an overdue proposal afresh.
    locked.overdue_notified_at = None
    _record_change(
        entry=locked,
        kind=EventKind.REASSIGNED if previous is not None else EventKind.ASSIGNED,
        actor=actor,
        at=now,
        previous_department=previous,
        event_data={"note": note} if note else {},
        action="tracker.reassign" if previous is not None else "tracker.assign",
        before=before,
        audit_extra={"note": note},
        notice=Notice(
            "proposal.assigned",
            _audience(locked) | _department_officials(department.pk),
        ),
        change="assigned",
    )
    return locked


@transaction.atomic
def tracker_claim(
    *, actor: Any, entry: TrackerEntry, department: Department | None
) -> TrackerEntry:
    """An official takes an unassigned proposal for their department."""
    locked = _lock(entry)
    _raise(rules.claim_refusal(actor, locked, department.pk if department else None))
    assert department is not None  # the refusal covers a missing department
    before = _snapshot(locked)
    now = clock.now()
    locked.department = department
    locked.assigned_at = now
    locked.overdue_notified_at = None
    _record_change(
        entry=locked,
        kind=EventKind.CLAIMED,
        actor=actor,
        at=now,
        action="tracker.claim",
        before=before,
        notice=Notice(
            "proposal.assigned",
            _audience(locked)
            | _department_officials(department.pk)
            | _coordinators(locked),
        ),
        change="assigned",
    )
    return locked


# --- Status without a decision --------------------------------------------------------
@transaction.atomic
def tracker_set_status(
    *, actor: Any, entry: TrackerEntry, status: str, note: str = ""
) -> TrackerEntry:
    """Acknowledge a proposal or put it under review. Decisions need a response."""
    locked = _lock(entry)
    _raise(rules.status_refusal(actor, locked))
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
    if status == locked.decision:
        raise Conflict(
            _("The status is already “%(status)s”.")
            % {"status": locked.get_decision_display()},
            code="unchanged",
        )
    if not decision_allowed(locked.decision, status):
        raise Invalid(
            _("The status cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": locked.get_decision_display(),
                "new": dict(Decision.choices)[status],
            },
            code="invalid_transition",
            field_errors={"status": ["invalid_transition"]},
        )
    note = _text(note, field="note", low=0, high=500)
    before = _snapshot(locked)
    now = clock.now()
    previous = locked.decision
    locked.decision = status
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


# --- Responses ------------------------------------------------------------------------
def _check_decision(decision: str) -> None:
    if decision not in DECIDED:
        raise Invalid(
            _("Choose a decision."), field_errors={"decision": ["invalid_choice"]}
        )


def _check_body(decision: str, body: str) -> str:
    if decision in NEEDS_REASON:
        return _reason_text(decision, body)
    return _text(body, field="body", low=RESPONSE_MIN, high=BODY_MAX)


def _reason_text(decision: str, body: str) -> str:
    value = clean_text(body)
    if len(value) < REASON_MIN:
        raise Invalid(
            _(
                "A decision of “%(decision)s” needs a written reason of at least "
                "%(min)d characters (you wrote %(n)d)."
            )
            % {
                "decision": dict(Decision.choices)[decision],
                "min": REASON_MIN,
                "n": len(value),
            },
            code="reason_too_short",
            field_errors={"body": ["reason_too_short"]},
        )
    return _text(value, field="body", low=REASON_MIN, high=BODY_MAX)


def _check_referred_to(decision: str, referred_to: str) -> str:
    if decision != Decision.REFERRED:
        return ""
    value = clean_text(referred_to)
    if len(value) < 2:
        raise Invalid(
            _(
                "Name the body the proposal is referred to (for example a city or a "
                "national ministry)."
            ),
            code="referred_to_missing",
            field_errors={"referred_to": ["required"]},
        )
    return _text(value, field="referred_to", low=2, high=REFERRED_TO_MAX)


def _open_implementation(entry: TrackerEntry) -> None:
    if entry.decision in ACCEPTING and entry.implementation == Implementation.NONE:
        entry.implementation = Implementation.NOT_STARTED
        entry.implementation_percent = 0


def _lock_group(main: TrackerEntry, ids: Iterable[int]) -> list[TrackerEntry]:
    wanted = sorted({int(i) for i in ids} - {main.pk})
    if len(wanted) > MAX_GROUP:
        raise Invalid(
            _("One response can cover at most %(n)d proposals.") % {"n": MAX_GROUP + 1},
            field_errors={"also": ["too_many"]},
        )
    if not wanted:
        return []
    others = list(
        TrackerEntry.objects.select_for_update(of=("self",))
        .select_related("proposal", "department", "process")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    if len(others) != len(wanted):
        raise Invalid(
            _("Some of the proposals to cover are not in the tracker."),
            field_errors={"also": ["invalid_choice"]},
        )
    for other in others:
        if other.department_id != main.department_id:
            raise Invalid(
                _("“%(title)s” is not assigned to the same department.")
                % {"title": other.proposal.title},
                code="wrong_department",
                field_errors={"also": ["wrong_department"]},
            )
        if other.response_id is not None:
            raise Conflict(
                _("“%(title)s” already has a published response.")
                % {"title": other.proposal.title},
                code="already_published",
            )
        if other.proposal.is_hidden:
            raise Invalid(
                _("“%(title)s” is hidden.") % {"title": other.proposal.title},
                field_errors={"also": ["hidden"]},
            )
    return others


@transaction.atomic
def response_publish(
    *,
    actor: Any,
    entry: TrackerEntry,
    decision: str,
    body: str,
    referred_to: str = "",
    also: Iterable[int] = (),
) -> Response:
    """Publish a department's decision and its reasons, optionally as one answer
    covering several similar proposals (each still counts on its own)."""
    locked = _lock(entry)
    _raise(rules.publish_refusal(actor, locked))
    _check_decision(decision)
    body = _check_body(decision, body)
    referred_to = _check_referred_to(decision, referred_to)
    group = [locked, *_lock_group(locked, also)]
    for member in group:
        if not decision_allowed(member.decision, decision):
            raise Invalid(
                _("“%(title)s” cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "title": member.proposal.title,
                    "old": member.get_decision_display(),
                    "new": dict(Decision.choices)[decision],
                },
                code="invalid_transition",
            )
    now = clock.now()
    department = locked.department
    assert department is not None  # the refusal requires an assignment
    response = Response.objects.create(
        department=department, published_at=now, revision_count=1
    )
    revision = ResponseRevision.objects.create(
        response=response,
        number=1,
        decision=decision,
        body=body,
        referred_to=referred_to,
        author=actor,
        author_name=actor.real_name,
        department_name=department.name,
        department_name_en=department.name_en,
        created_at=now,
    )
    response.current = revision
    response.save(update_fields=["current"])
    covered = [member.proposal_id for member in group]
    for member in group:
        before = _snapshot(member)
        member.decision = decision
        member.decision_changed_at = now
        member.decided_at = member.decided_at or now
        member.acknowledged_at = member.acknowledged_at or now
        member.referred_to = referred_to
        member.response = response
        _open_implementation(member)
        _record_change(
            entry=member,
            kind=EventKind.PUBLISHED,
            actor=actor,
            at=now,
            event_data={
                "decision": decision,
                "response": response.pk,
                "revision": 1,
                "covers": len(group),
            },
            action="response.publish",
            before=before,
            audit_extra={"revision": 1, "body": body, "covers": covered},
            notice=Notice("response.published", _audience(member)),
            change="published",
        )
    return response


@transaction.atomic
def response_revise(
    *,
    actor: Any,
    entry: TrackerEntry,
    decision: str,
    body: str,
    change_note: str,
    referred_to: str = "",
    base_revision: int | None = None,
) -> ResponseRevision:
    """Write a new revision of the published response; earlier ones stay public."""
    locked = _lock(entry)
    _raise(rules.revise_refusal(actor, locked))
    assert locked.response_id is not None  # the refusal requires a response
    response = Response.objects.select_for_update().get(pk=locked.response_id)
    current = ResponseRevision.objects.get(pk=response.current_id or 0)
    if base_revision is not None and base_revision != response.revision_count:
        raise Conflict(
            _(
                "The response was revised meanwhile (now revision %(n)d). Review the "
                "latest version and try again."
            )
            % {"n": response.revision_count},
            code="stale_revision",
        )
    _check_decision(decision)
    if decision != current.decision and not decision_allowed(
        current.decision, decision
    ):
        raise Invalid(
            _("The decision cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": current.get_decision_display(),
                "new": dict(Decision.choices)[decision],
            },
            code="invalid_transition",
            field_errors={"decision": ["invalid_transition"]},
        )
    body = _check_body(decision, body)
    referred_to = _check_referred_to(decision, referred_to)
    change_note = _text(
        change_note,
        field="change_note",
        low=CHANGE_NOTE_MIN,
        high=500,
        message=_(
            "Say what changed and why in at least %(min)d characters (you wrote %(n)d)."
        ),
    )
    if (
        body == current.body
        and decision == current.decision
        and referred_to == current.referred_to
    ):
        raise Invalid(
            _("This revision changes nothing. Edit the decision or the text."),
            code="unchanged",
        )
    now = clock.now()
    department = locked.department
    assert department is not None
    number = response.revision_count + 1
    revision = ResponseRevision.objects.create(
        response=response,
        number=number,
        decision=decision,
        body=body,
        referred_to=referred_to,
        change_note=change_note,
        author=actor,
        author_name=actor.real_name,
        department_name=department.name,
        department_name_en=department.name_en,
        created_at=now,
    )
    response.current = revision
    response.revision_count = number
    response.revised_at = now
    response.save(update_fields=["current", "revision_count", "revised_at"])
    members = list(
        TrackerEntry.objects.select_for_update(of=("self",))
        .select_related("proposal", "department", "process")
        .filter(response=response)
        .order_by("pk")
    )
    for member in members:
        before = _snapshot(member)
        member.decision = decision
        member.decision_changed_at = now
        member.referred_to = referred_to
        _open_implementation(member)
        _record_change(
            entry=member,
            kind=EventKind.REVISED,
            actor=actor,
            at=now,
            event_data={
                "number": number,
                "decision": decision,
                "previous_decision": current.decision,
                "note": change_note,
            },
            action="response.revise",
            before=before | {"revision": current.number, "body": current.body},
            audit_extra={"revision": number, "body": body, "change_note": change_note},
            notice=Notice("response.revised", _audience(member)),
            change="revised",
        )
    return revision


# --- Implementation -------------------------------------------------------------------
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


@transaction.atomic
def progress_post(
    *,
    actor: Any,
    entry: TrackerEntry,
    status: str,
    percent: Any,
    body: str,
    link: str = "",
    happened_on: date | None = None,
) -> ProgressUpdate:
    """Post a dated implementation step; ``completed`` marks the work done."""
    locked = _lock(entry)
    _raise(rules.progress_refusal(actor, locked))
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
        body = _text(
            body,
            field="body",
            low=REASON_MIN,
            high=PROGRESS_MAX,
            message=_(
                "Explain why the work is stalled in at least %(min)d characters (you "
                "wrote %(n)d)."
            ),
        )
    else:
        body = _text(body, field="body", low=PROGRESS_MIN, high=PROGRESS_MAX)
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
            {"status": _label(Implementation.choices, status), "percent": value},
        ),
        change=kind,
    )
    return update


# --- Residents check the outcome ------------------------------------------------------
@transaction.atomic
def outcome_check(
    *, user: Any, entry: TrackerEntry, verdict: str, reason: str = ""
) -> OutcomeCheck:
    """The author or a supporter confirms or disputes a completed implementation.
    A dispute raises a public flag that only an official's answer clears."""
    locked = _lock(entry)
    _raise(rules.outcome_refusal(user, locked))
    if verdict not in Verdict.values:
        raise Invalid(
            _("Confirm or dispute the completion."),
            field_errors={"verdict": ["invalid_choice"]},
        )
    if verdict == Verdict.DISPUTED:
        reason = _text(
            reason,
            field="reason",
            low=DISPUTE_MIN,
            high=PROGRESS_MAX,
            message=_(
                "Say what is not done in at least %(min)d characters (you wrote %(n)d)."
            ),
        )
    else:
        reason = _text(reason, field="reason", low=0, high=PROGRESS_MAX)
    now = clock.now()
    check = OutcomeCheck.objects.filter(
        entry=locked, user=user, round=locked.completion_round
    ).first()
    if check is not None:
        if check.answer_id is not None:
            raise Conflict(
                _("Your dispute was already answered by the department."),
                code="answered",
            )
        if check.verdict == verdict and check.reason == reason:
            raise Conflict(_("You already said so."), code="duplicate")
        check.verdict = verdict
        check.reason = reason
        check.updated_at = now
        check.save(update_fields=["verdict", "reason", "updated_at"])
    else:
        check = OutcomeCheck.objects.create(
            entry=locked,
            user=user,
            round=locked.completion_round,
            verdict=verdict,
            reason=reason,
            created_at=now,
            updated_at=now,
        )
    before = _snapshot(locked)
    open_disputes = OutcomeCheck.objects.filter(
        entry=locked,
        round=locked.completion_round,
        verdict=Verdict.DISPUTED,
        answer__isnull=True,
    ).exists()
    if open_disputes:
        locked.disputed_at = locked.disputed_at or now
        locked.first_disputed_at = locked.first_disputed_at or now
    else:
        locked.disputed_at = None
    is_dispute = verdict == Verdict.DISPUTED
    kind = EventKind.DISPUTED if is_dispute else EventKind.CONFIRMED
    _record_change(
        entry=locked,
        kind=kind,
        actor=user,
        at=now,
        event_data={"check": check.pk},
        action="tracker.dispute" if is_dispute else "tracker.confirm",
        before=before,
        audit_extra={"reason": reason},
        # A confirmation tells no one; a dispute tells the department.
        notice=Notice(
            "tracker.disputed",
            _department_officials(locked.department_id) | _audience(locked),
        )
        if is_dispute
        else None,
        change=kind,
    )
    return check


@transaction.atomic
def dispute_answer(
    *, actor: Any, entry: TrackerEntry, body: str, reopen: bool = False
) -> DisputeAnswer:
    """An official answers the open disputes in public; the flag clears. With
    ``reopen`` the implementation goes back to in progress."""
    locked = _lock(entry)
    _raise(rules.dispute_answer_refusal(actor, locked))
    body = _text(
        body,
        field="body",
        low=REASON_MIN,
        high=BODY_MAX,
        message=_(
            "Answer the dispute in at least %(min)d characters (you wrote %(n)d)."
        ),
    )
    if reopen and not implementation_allowed(
        locked.implementation, Implementation.IN_PROGRESS
    ):
        raise Invalid(
            _("Only a completed implementation can be reopened."), code="not_completed"
        )
    now = clock.now()
    department = locked.department
    assert department is not None
    before = _snapshot(locked)
    answer = DisputeAnswer.objects.create(
        entry=locked,
        body=body,
        reopened=reopen,
        author=actor,
        author_name=actor.real_name,
        department=department,
        created_at=now,
    )
    disputes = OutcomeCheck.objects.filter(
        entry=locked, verdict=Verdict.DISPUTED, answer__isnull=True
    )
    disputer_ids = set(disputes.values_list("user_id", flat=True))
    disputes.update(answer=answer, updated_at=now)
    locked.disputed_at = None
    if reopen:
        locked.implementation = Implementation.IN_PROGRESS
        locked.completed_at = None
    _record_change(
        entry=locked,
        kind=EventKind.DISPUTE_ANSWERED,
        actor=actor,
        at=now,
        event_data={"answer": answer.pk, "reopened": reopen},
        action="tracker.dispute_answer",
        before=before,
        audit_extra={"answer": answer.pk, "body": body},
        notice=Notice("tracker.dispute_answered", disputer_ids | _audience(locked)),
        change="dispute_answered",
    )
    return answer


# --- Residents rate and discuss a response --------------------------------------------
@transaction.atomic
def response_rate(
    *, user: Any, response: Response, clear: bool, satisfied: bool
) -> ResponseRating:
    """Rate a response (one rating per resident, changeable)."""
    _raise(rules.rate_refusal(user, response))
    if not isinstance(clear, bool) or not isinstance(satisfied, bool):
        raise Invalid(
            _("Say whether the response is clear and whether it satisfies you.")
        )
    now = timezone.now()
    rating, created = ResponseRating.objects.select_for_update().get_or_create(
        response=response,
        user=user,
        defaults={
            "clear": clear,
            "satisfied": satisfied,
            "created_at": now,
            "updated_at": now,
        },
    )
    if not created:
        if rating.clear == clear and rating.satisfied == satisfied:
            raise Conflict(_("Your rating is already recorded."), code="duplicate")
        rating.clear = clear
        rating.satisfied = satisfied
        rating.updated_at = now
        rating.save(update_fields=["clear", "satisfied", "updated_at"])
    for proposal_id in response.entries.values_list("proposal_id", flat=True):
        broadcast.send(
            PROPOSAL.name(proposal_id),
            "proposal.tracker_changed",
            {"proposal_id": proposal_id, "change": "rating"},
        )
    return rating


@transaction.atomic
def response_comment_create(
    *, author: Any, response: Response, proposal: Proposal, body: str
) -> ResponseComment:
    _raise(rules.response_comment_refusal(author, response))
    entry = TrackerEntry.objects.filter(proposal=proposal, response=response).first()
    if entry is None:
        raise Invalid(_("This response does not answer that proposal."))
    if proposal.is_hidden:
        raise Invalid(_("This proposal is hidden."), code="hidden")
    body = _text(body, field="body", low=COMMENT_MIN, high=COMMENT_MAX)
    since = timezone.now() - timedelta(seconds=settings.DUPLICATE_TEXT_WINDOW_SECONDS)
    if ResponseComment.objects.filter(
        author=author, response=response, body=body, created_at__gte=since
    ).exists():
        raise Conflict(
            _("You have just posted the same text. Each comment must be different."),
            code="duplicate",
        )
    limits.hit(user=author, action="comment")
    comment = ResponseComment.objects.create(
        response=response, proposal=proposal, author=author, body=body
    )
    entry.proposal = proposal
    notifications.notify(
        recipient_ids=_department_officials(response.department_id),
        kind="response.commented",
        actor=author,
        url=comment.get_absolute_url(),
        data={"title": proposal.title, "actor": author.real_name},
    )
    broadcast.send(
        PROPOSAL.name(proposal.pk),
        "proposal.tracker_changed",
        {"proposal_id": proposal.pk, "change": "comment"},
    )
    return comment


@transaction.atomic
def response_comment_delete(*, actor: Any, comment: ResponseComment) -> ResponseComment:
    locked = ResponseComment.objects.select_for_update().get(pk=comment.pk)
    if not getattr(actor, "is_authenticated", False) or locked.author_id != actor.pk:
        raise NotAllowed(_("Only the author can delete a comment."))
    if locked.deleted_at is not None:
        raise Conflict(_("This comment was already deleted."), code="deleted")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
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
