"""A department's published answer: the first publication (one response may cover
several proposals) and its revisions, earlier ones staying public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.text import clean_text
from responses import approval as approval_rules
from responses import clock, rules
from responses.models import (
    BODY_MAX,
    CHANGE_NOTE_MIN,
    COST_MAX,
    REASON_MIN,
    REFERRED_TO_MAX,
    RESPONSE_MIN,
    EventKind,
    Response,
    ResponseRevision,
    TrackerEntry,
)
from responses.services._shared import (
    Notice,
    _audiences,
    _check_review_on,
    _lock,
    _record_change,
    _snapshot,
)
from responses.transitions import (
    ACCEPTING,
    DECIDED,
    NEEDS_REASON,
    Decision,
    Implementation,
    decision_allowed,
)

MAX_GROUP = 50


@dataclass(frozen=True)
class Commitment:
    """What an answer commits to, where relevant: a cost estimate in yen and the
    period of execution. Checked by :func:`check_commitment`."""

    cost_estimate: int | None = None
    period_start: date | None = None
    period_end: date | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "cost_estimate": self.cost_estimate,
            "period_start": self.period_start,
            "period_end": self.period_end,
        }

    def audit(self) -> dict[str, Any]:
        return {
            "cost_estimate": self.cost_estimate,
            "period_start": self.period_start.isoformat()
            if self.period_start
            else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
        }


NO_COMMITMENT = Commitment()


@dataclass(frozen=True)
class Approval:
    """An answer published through an approved draft (決裁): the approver is the
    publishing actor; the public signature is the section and department."""

    draft_id: int
    author_id: int
    section: Any = None  # participation.spaces.models.Section | None


def _approval_audit(approval: Approval | None) -> dict[str, Any]:
    """The audit log always names who drafted and who approved."""
    if approval is None:
        return {}
    return {
        "draft": approval.draft_id,
        "drafted_by": approval.author_id,
        "section": approval.section.pk if approval.section else None,
    }


def check_commitment(
    cost_estimate: Any = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Commitment:
    """A cost estimate is a whole number of yen, 0 or more; an execution period
    ends on or after it starts."""
    if cost_estimate is not None:
        if isinstance(cost_estimate, bool) or not isinstance(cost_estimate, int):
            raise Invalid(
                _("Enter the cost estimate as a whole number of yen."),
                field_errors={"cost_estimate": ["invalid"]},
            )
        if cost_estimate < 0:
            raise Invalid(
                _("The cost estimate cannot be negative."),
                code="negative_cost",
                field_errors={"cost_estimate": ["min_value"]},
            )
        if cost_estimate > COST_MAX:
            raise Invalid(
                _("The cost estimate is too large."),
                field_errors={"cost_estimate": ["max_value"]},
            )
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if value is not None and not isinstance(value, date):
            raise Invalid(
                _("Enter the execution period as dates."),
                field_errors={name: ["invalid"]},
            )
    if period_start and period_end and period_end < period_start:
        raise Invalid(
            _("The execution period ends before it starts."),
            code="period_reversed",
            field_errors={"period_end": ["before_start"]},
        )
    return Commitment(cost_estimate, period_start, period_end)


def _signature(actor: Actor, approval: Approval | None) -> dict[str, Any]:
    """The revision's signature fields: the section and its office contact, and
    the approver (internal), for an approved answer."""
    if approval is None:
        return {}
    section = approval.section
    return {
        "approved_by": actor,
        "section": section,
        "section_name": section.name if section else "",
        "section_name_en": section.name_en if section else "",
        "section_phone": section.phone if section else "",
        "section_email": section.email if section else "",
    }


def _public_name(
    actor: Actor, department: Any, approval: Approval | None
) -> str | None:
    """The name the public timeline and residents' notifications show for the
    actor: for an approved answer, the section and department unless the
    organisation shows officials' names (None: the actor's own name)."""
    if approval is None or approval_rules.show_official_name():
        return None
    section = approval.section
    return " ".join(
        part for part in (department.name, section.name if section else "") if part
    )


def _check_decision(decision: str) -> None:
    if decision not in DECIDED:
        raise Invalid(
            _("Choose a decision."), field_errors={"decision": ["invalid_choice"]}
        )


def _check_body(decision: str, body: str) -> str:
    if decision in NEEDS_REASON:
        return _reason_text(decision, body)
    return check_length(body, field="body", low=RESPONSE_MIN, high=BODY_MAX)


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
    return check_length(value, field="body", low=REASON_MIN, high=BODY_MAX)


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
    return check_length(value, field="referred_to", low=2, high=REFERRED_TO_MAX)


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


@idempotency.idempotent("response", author="actor")
@transaction.atomic
def response_publish(
    *,
    actor: Actor,
    entry: TrackerEntry,
    decision: str,
    body: str,
    referred_to: str = "",
    also: Iterable[int] = (),
    review_on: date | None = None,
    idempotency_key: str = "",
    commitment: Commitment = NO_COMMITMENT,
) -> Response:
    """Publish a department's decision and its reasons, optionally as one answer
    covering several similar proposals (each still counts on its own)."""
    locked = _lock(entry)
    refuse(rules.publish_refusal(actor, locked))
    return _publish(
        actor=actor,
        locked=locked,
        decision=decision,
        body=body,
        referred_to=referred_to,
        also=also,
        review_on=review_on,
        commitment=commitment,
    )


def _publish(
    *,
    actor: Actor,
    locked: TrackerEntry,
    decision: str,
    body: str,
    referred_to: str,
    also: Iterable[int],
    review_on: date | None,
    commitment: Commitment,
    approval: Approval | None = None,
) -> Response:
    """The one publishing path, once the caller has locked the entry and checked
    who may publish (directly: ``rules.publish_refusal``; through an approved
    draft: ``drafts.rules.approve_refusal``)."""
    if locked.response_id is not None:
        raise Conflict(
            _("A response to this proposal is already published."),
            code="already_published",
        )
    _check_decision(decision)
    body = _check_body(decision, body)
    referred_to = _check_referred_to(decision, referred_to)
    review_on = _check_review_on(decision, review_on)
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
        **commitment.fields(),
        **_signature(actor, approval),
    )
    response.current = revision
    response.save(update_fields=["current"])
    covered = [member.proposal_id for member in group]
    public_name = _public_name(actor, department, approval)
    audiences = _audiences(group)
    for member in group:
        before = _snapshot(member)
        member.decision = decision
        member.decision_changed_at = now
        member.decided_at = member.decided_at or now
        member.acknowledged_at = member.acknowledged_at or now
        member.referred_to = referred_to
        member.review_on = review_on
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
            audit_extra={
                "revision": 1,
                "body": body,
                "covers": covered,
                **commitment.audit(),
                **_approval_audit(approval),
            },
            notice=Notice("response.published", audiences[member.pk]),
            change="published",
            public_name=public_name,
        )
    return response


@transaction.atomic
def response_revise(
    *,
    actor: Actor,
    entry: TrackerEntry,
    decision: str,
    body: str,
    change_note: str,
    referred_to: str = "",
    base_revision: int | None = None,
    review_on: date | None = None,
    commitment: Commitment = NO_COMMITMENT,
) -> ResponseRevision:
    """Write a new revision of the published response; earlier ones stay public."""
    locked = _lock(entry)
    refuse(rules.revise_refusal(actor, locked))
    return _revise(
        actor=actor,
        locked=locked,
        decision=decision,
        body=body,
        change_note=change_note,
        referred_to=referred_to,
        base_revision=base_revision,
        review_on=review_on,
        commitment=commitment,
    )


def _revise(
    *,
    actor: Actor,
    locked: TrackerEntry,
    decision: str,
    body: str,
    change_note: str,
    referred_to: str,
    base_revision: int | None,
    review_on: date | None,
    commitment: Commitment,
    approval: Approval | None = None,
) -> ResponseRevision:
    """The one revising path (see :func:`_publish`)."""
    if locked.response_id is None:
        raise Invalid(
            _("There is no published response to revise yet."), code="no_response"
        )
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
    review_on = _check_review_on(decision, review_on)
    change_note = check_length(
        change_note,
        field="change_note",
        low=CHANGE_NOTE_MIN,
        high=500,
        too_short=_(
            "Say what changed and why in at least %(min)d characters (you wrote %(n)d)."
        ),
    )
    if (
        body == current.body
        and decision == current.decision
        and referred_to == current.referred_to
        and commitment.fields()
        == {
            "cost_estimate": current.cost_estimate,
            "period_start": current.period_start,
            "period_end": current.period_end,
        }
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
        **commitment.fields(),
        **_signature(actor, approval),
    )
    public_name = _public_name(actor, department, approval)
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
    audiences = _audiences(members)
    for member in members:
        before = _snapshot(member)
        member.decision = decision
        member.decision_changed_at = now
        member.referred_to = referred_to
        member.review_on = review_on
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
            audit_extra={
                "revision": number,
                "body": body,
                "change_note": change_note,
                **commitment.audit(),
                **_approval_audit(approval),
            },
            notice=Notice("response.revised", audiences[member.pk]),
            change="revised",
            public_name=public_name,
        )
    return revision
