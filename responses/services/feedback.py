"""What residents say back: confirming or disputing a completed implementation (and
the department's answer to a dispute), rating a response, commenting on it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid, NotAllowed
from participation.idempotency import services as idempotency
from participation.live import broadcast
from participation.moderation import limits
from participation.notifications import services as notifications
from participation.notifications.reasons import Audience
from proposals.live import PROPOSAL
from proposals.models import Proposal
from responses import clock, rules
from responses.models import (
    BODY_MAX,
    COMMENT_MAX,
    COMMENT_MIN,
    DISPUTE_MIN,
    PROGRESS_MAX,
    REASON_MIN,
    DisputeAnswer,
    EventKind,
    OutcomeCheck,
    Response,
    ResponseComment,
    ResponseRating,
    TrackerEntry,
    Verdict,
)
from responses.services._shared import (
    Notice,
    _audience,
    _department_officials,
    _lock,
    _record_change,
    _snapshot,
)
from responses.transitions import Implementation, implementation_allowed


# --- Residents check the outcome ------------------------------------------------------
@idempotency.idempotent("outcome_check", author="user")
@transaction.atomic
def outcome_check(
    *,
    user: Actor,
    entry: TrackerEntry,
    verdict: str,
    reason: str = "",
    idempotency_key: str = "",
) -> OutcomeCheck:
    """The author or a supporter confirms or disputes a completed implementation.
    A dispute raises a public flag that only an official's answer clears."""
    locked = _lock(entry)
    refuse(rules.outcome_refusal(user, locked))
    if verdict not in Verdict.values:
        raise Invalid(
            _("Confirm or dispute the completion."),
            field_errors={"verdict": ["invalid_choice"]},
        )
    if verdict == Verdict.DISPUTED:
        reason = check_length(
            reason,
            field="reason",
            low=DISPUTE_MIN,
            high=PROGRESS_MAX,
            too_short=_(
                "Say what is not done in at least %(min)d characters (you wrote %(n)d)."
            ),
        )
    else:
        reason = check_length(reason, field="reason", low=0, high=PROGRESS_MAX)
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


@idempotency.idempotent("dispute_answer", author="actor")
@transaction.atomic
def dispute_answer(
    *,
    actor: Actor,
    entry: TrackerEntry,
    body: str,
    reopen: bool = False,
    idempotency_key: str = "",
) -> DisputeAnswer:
    """An official answers the open disputes in public; the flag clears. With
    ``reopen`` the implementation goes back to in progress."""
    locked = _lock(entry)
    refuse(rules.dispute_answer_refusal(actor, locked))
    body = check_length(
        body,
        field="body",
        low=REASON_MIN,
        high=BODY_MAX,
        too_short=_(
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
        notice=Notice(
            "tracker.dispute_answered",
            _audience(locked) | Audience().add(disputer_ids, "supporter"),
        ),
        change="dispute_answered",
    )
    return answer


# --- Residents rate and discuss a response --------------------------------------------
@transaction.atomic
def response_rate(
    *, user: Actor, response: Response, clear: bool, satisfied: bool
) -> ResponseRating:
    """Rate a response (one rating per resident, changeable)."""
    refuse(rules.rate_refusal(user, response))
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
    if created:
        _notify_rating(response, user)
    for proposal_id in response.entries.values_list("proposal_id", flat=True):
        broadcast.send(
            PROPOSAL.name(proposal_id),
            "proposal.tracker_changed",
            {"proposal_id": proposal_id, "change": "rating"},
        )
    return rating


def _notify_rating(response: Response, user: Actor) -> None:
    """A first rating tells the department (a changed rating does not)."""
    entry = response.entries.select_related("proposal").order_by("pk").first()
    if entry is None:
        return
    notifications.notify(
        recipient_ids=_department_officials(response.department_id),
        kind="response.rated",
        actor=user,
        url=response.get_absolute_url(),
        data={"title": entry.proposal.title},
    )


@idempotency.idempotent("response_comment")
@transaction.atomic
def response_comment_create(
    *,
    author: Actor,
    response: Response,
    proposal: Proposal,
    body: str,
    idempotency_key: str = "",
) -> ResponseComment:
    refuse(rules.response_comment_refusal(author, response))
    entry = TrackerEntry.objects.filter(proposal=proposal, response=response).first()
    if entry is None:
        raise Invalid(_("This response does not answer that proposal."))
    if proposal.is_hidden:
        raise Invalid(_("This proposal is hidden."), code="hidden")
    body = check_length(body, field="body", low=COMMENT_MIN, high=COMMENT_MAX)
    idempotency.refuse_duplicate(
        ResponseComment.objects.filter(
            author=author,
            response=response,
            body=body,
            created_at__gte=idempotency.recent(),
        ),
        _("You have just posted the same text. Each comment must be different."),
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
def response_comment_delete(
    *, actor: Actor, comment: ResponseComment
) -> ResponseComment:
    locked = ResponseComment.objects.select_for_update().get(pk=comment.pk)
    if not getattr(actor, "is_authenticated", False) or locked.author_id != actor.pk:
        raise NotAllowed(_("Only the author can delete a comment."))
    if locked.deleted_at is not None:
        raise Conflict(_("This comment was already deleted."), code="deleted")
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    return locked
