"""Every moderation write: reports, hiding and restoring content, dismissing
reports, blocks, facilitator notes, closing comments.

Each function checks permission (``rules.py`` refusals), validates, writes inside a
transaction, records an audit event and a public ``ModerationAction`` row, and
schedules notifications and live broadcasts for after commit. Content (proposals,
comments) is handled by duck typing and generic relations: this core app never
imports the apps it moderates.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import User
from participation.accounts.selectors import facilitators_of_process, forget_standing
from participation.accounts.types import Actor
from participation.audit.services import record
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.live import broadcast
from participation.moderation import limits, registry, rules
from participation.moderation.models import (
    ActionKind,
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    compose_reason,
    display_reason,
)
from participation.notifications import services as notifications
from participation.site_url import absolute_url
from participation.text import clean_text

REPORT_DETAILS_MAX = 1000
REASON_MAX = 480
NOTE_MIN, NOTE_MAX = 10, 1000
BLOCK_DAYS_MAX = 3650


# --- helpers ------------------------------------------------------------------


def kind_of(target: Any) -> str:
    """``"proposal"``, ``"comment"`` or another word registered in ``registry``;
    anything else cannot be moderated."""
    kind = registry.of(target)
    if kind is None:
        raise Invalid(
            _("This cannot be reported or moderated."), code="not_moderatable"
        )
    return kind.word


def proposal_of(target: Any) -> Any:
    """The proposal a piece of content belongs to (itself for a proposal)."""
    return target if kind_of(target) == "proposal" else target.proposal


def _lock(target: models.Model) -> Any:
    """Re-read ``target`` with a row lock, so that concurrent moderation of the same
    content is serialised."""
    manager = type(target)._default_manager
    return manager.select_for_update().get(pk=target.pk)


def _lock_to_moderate(actor: Actor, target: models.Model) -> Any:
    """``target`` (reportable content) locked, once ``actor`` may moderate it."""
    kind_of(target)
    locked = _lock(target)
    refuse(rules.moderate_refusal(actor, locked))
    return locked


def _text(
    value: Any, *, field: str, high: int, required: bool = False, low: int = 0
) -> str:
    """A reason or note: required or not; when given, at least ``low`` long."""
    value = clean_text(str(value or ""))
    if required and not value:
        raise Invalid(
            _("Please give a reason."),
            code="reason_required",
            field_errors={field: ["required"]},
        )
    return check_length(value, field=field, high=high, low=low if value else 0)


def _reason(code: Any, text: Any, *, field: str = "reason_code") -> tuple[str, str]:
    """A reason chosen from the report reasons, plus free text (needed for Other)."""
    code = str(code or "")
    if not code:
        raise Invalid(
            _("Choose a reason."),
            code="reason_required",
            field_errors={field: ["required"]},
        )
    if code not in ReportReason.values:
        raise Invalid(
            _("Choose one of the listed reasons."),
            code="invalid_reason",
            field_errors={field: ["invalid_choice"]},
        )
    text = _text(text, field="reason", high=REASON_MAX)
    if code == ReportReason.OTHER and not text:
        raise Invalid(
            _("Please describe the problem when you choose “Other”."),
            code="details_required",
            field_errors={"reason": ["required"]},
        )
    return code, text


def _hidden_state(target: Any) -> dict[str, Any]:
    return {
        "hidden_at": target.hidden_at,
        "hidden_by": target.hidden_by_id,
        "hidden_reason": target.hidden_reason,
        "hidden_pending_review": target.hidden_pending_review,
    }


_HIDDEN_FIELDS = ["hidden_at", "hidden_by", "hidden_reason", "hidden_pending_review"]


def _clear_hidden(target: Any) -> None:
    target.hidden_at = None
    target.hidden_by = None
    target.hidden_reason = ""
    target.hidden_pending_review = False
    target.save(update_fields=_HIDDEN_FIELDS)


def _target_filter(target: models.Model) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
    }


def _resolve_reports(target: models.Model, status: str, actor: Actor) -> int:
    return Report.objects.filter(
        status=ReportStatus.OPEN, **_target_filter(target)
    ).update(status=status, resolved_at=timezone.now(), resolved_by=actor)


def _log(
    *,
    kind: str,
    actor: Actor | None,
    process_id: int | None,
    target: Any = None,
    subject: Any = None,
    reason_code: str = "",
    reason: str = "",
    until: Any = None,
    url: str = "",
) -> ModerationAction:
    """Append one row to the public moderation log."""
    return ModerationAction.objects.create(
        process_id=process_id,
        kind=kind,
        actor=actor,
        actor_name=(actor.real_name if actor is not None else "")[:100],
        reason_code=reason_code,
        reason=reason[:500],
        content_type=(
            ContentType.objects.get_for_model(target) if target is not None else None
        ),
        object_id=target.pk if target is not None else None,
        target_url=(url or (target.get_absolute_url() if target is not None else ""))[
            :300
        ],
        subject_user=subject,
        subject_name=(subject.real_name if subject is not None else "")[:100],
        until=until,
    )


def _log_on(
    kind: str, actor: Actor, content: Any, *, reason: str = "", reason_code: str = ""
) -> ModerationAction:
    """A log row about a piece of content: its process, its author as subject."""
    return _log(
        kind=kind,
        actor=actor,
        process_id=proposal_of(content).process_id,
        target=content,
        subject=content.author,
        reason_code=reason_code,
        reason=reason,
    )


def _broadcast(target: Any, *, hidden: bool) -> None:
    """Tell the page showing ``target`` that it changed: hidden, restored, its
    pinned note changed, or its comments were closed or reopened."""
    kind = registry.of(target)
    if kind is None or kind.live is None:
        return
    group, payload = kind.live(target)
    broadcast.send(group, kind.hidden_event if hidden else kind.changed_event, payload)


def queue_url(process: Any) -> str:
    return reverse("moderation:process_queue", args=[process.slug])


# --- reports ------------------------------------------------------------------


@idempotency.idempotent("report", author="reporter")
@transaction.atomic
def report_create(
    *,
    reporter: Actor,
    target: models.Model,
    reason: str,
    details: str = "",
    idempotency_key: str = "",
) -> Report:
    """Report a proposal or a comment, once. At ``MODERATION_AUTO_HIDE_REPORTS`` open
    reports the content is hidden at once, pending review, and the facilitators of
    its process are told."""
    kind_of(target)
    locked = _lock(target)
    refuse(rules.report_refusal(reporter, locked))
    if reason not in ReportReason.values:
        raise Invalid(
            _("Choose why you are reporting this."),
            code="invalid_reason",
            field_errors={"reason": ["invalid_choice"]},
        )
    details = _text(details, field="details", high=REPORT_DETAILS_MAX)
    if reason == ReportReason.OTHER and not details:
        raise Invalid(
            _("Please describe the problem when you choose “Other”."),
            code="details_required",
            field_errors={"details": ["required"]},
        )
    where = _target_filter(locked)
    if Report.objects.filter(reporter=reporter, **where).exists():
        raise Conflict(_("You have already reported this."), code="duplicate")
    limits.hit(user=reporter, action="report")
    proposal = proposal_of(locked)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                process_id=proposal.process_id,
                proposal_pk=proposal.pk,
                reason=reason,
                details=details,
                **where,
            )
    except IntegrityError as exc:  # a double submit racing the check above
        raise Conflict(_("You have already reported this."), code="duplicate") from exc
    record(
        actor=reporter,
        action="moderation.report",
        target=locked,
        after={"reason": reason, "details": details},
    )
    threshold = settings.MODERATION_AUTO_HIDE_REPORTS
    if threshold > 0 and not locked.is_hidden:
        open_reports = Report.objects.filter(status=ReportStatus.OPEN, **where).count()
        if open_reports >= threshold:
            _auto_hide(locked, proposal, open_reports)
    return report


def _auto_hide(target: Any, proposal: Any, open_reports: int) -> None:
    before = _hidden_state(target)
    target.hidden_at = timezone.now()
    target.hidden_by = None
    target.hidden_reason = ""
    target.hidden_pending_review = True
    target.save(update_fields=_HIDDEN_FIELDS)
    top = (
        Report.objects.filter(status=ReportStatus.OPEN, **_target_filter(target))
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("-n", "reason")
        .first()
    )
    _log(
        kind=ActionKind.AUTO_HIDE,
        actor=None,
        process_id=proposal.process_id,
        target=target,
        subject=target.author,
        reason_code=top["reason"] if top else "",
    )
    record(
        actor=None,
        action="moderation.auto_hide",
        target=target,
        before=before,
        after={**_hidden_state(target), "open_reports": open_reports},
    )
    facilitator_ids = list(
        facilitators_of_process(proposal.process_id).values_list("pk", flat=True)
    )
    notifications.notify(
        recipient_ids=facilitator_ids,
        kind="moderation.auto_hidden",
        url=queue_url(proposal.process),
        data={"title": proposal.title},
        reason="facilitator",
    )
    _notify_hidden(target, proposal, None, target.hidden_reason_display)
    _broadcast(target, hidden=True)


def appeal_url(process: Any) -> str:
    """Where a person whose content was hidden reads the decision and its reason:
    the process's public moderation log (the product has no appeal form; the
    message tells them to ask the facilitators for a review)."""
    return absolute_url(reverse("moderation:log", args=[process.slug]))


def _notify_hidden(
    target: Any,
    proposal: Any,
    actor: Actor | None,
    why: str,
    *,
    tell_audience: bool = True,
) -> None:
    """Tell the author why their content was hidden and how to ask for a review;
    a hidden proposal is also told to its supporters and followers."""
    notifications.notify(
        recipient_ids=[target.author_id] if target.author_id else [],
        kind="moderation.content_hidden",
        actor=actor,
        url=target.get_absolute_url(),
        data={
            "title": proposal.title,
            "reason": why,
            "appeal_url": appeal_url(proposal.process),
        },
        reason="author",
    )
    kind = registry.of(target)
    if tell_audience and kind is not None and kind.audience is not None:
        notifications.notify(
            recipient_ids={
                uid: r
                for uid, r in kind.audience(target).items()
                if uid != target.author_id
            },
            kind="proposal.hidden",
            actor=actor,
            url=target.get_absolute_url(),
            data={"title": proposal.title},
        )


# --- hiding, restoring, dismissing ----------------------------------------------


@transaction.atomic
def content_hide(
    *, actor: Actor, target: models.Model, reason_code: str, reason: str = ""
) -> Any:
    """Hide content with a reason, or confirm an automatic hide. Open reports on it
    are upheld."""
    locked = _lock_to_moderate(actor, target)
    reason_code, reason = _reason(reason_code, reason)
    if locked.is_hidden and not locked.hidden_pending_review:
        raise Conflict(_("This content is already hidden."), code="already_hidden")
    before = _hidden_state(locked)
    audience_told = locked.is_hidden  # an automatic hide already told them
    locked.hidden_at = locked.hidden_at or timezone.now()
    locked.hidden_by = actor
    locked.hidden_reason = compose_reason(reason_code, reason)
    locked.hidden_pending_review = False
    locked.save(update_fields=_HIDDEN_FIELDS)
    upheld = _resolve_reports(locked, ReportStatus.UPHELD, actor)
    proposal = proposal_of(locked)
    _log_on(ActionKind.HIDE, actor, locked, reason_code=reason_code, reason=reason)
    record(
        actor=actor,
        action="moderation.hide",
        target=locked,
        before=before,
        after={**_hidden_state(locked), "reports_upheld": upheld},
    )
    _notify_hidden(
        locked,
        proposal,
        actor,
        display_reason(locked.hidden_reason),
        tell_audience=not audience_told,
    )
    _broadcast(locked, hidden=True)
    return locked


@transaction.atomic
def content_unhide(*, actor: Actor, target: models.Model, reason: str = "") -> Any:
    """Restore hidden content. Open reports on it are dismissed."""
    locked = _lock_to_moderate(actor, target)
    reason = _text(reason, field="reason", high=REASON_MAX)
    if not locked.is_hidden:
        raise Conflict(_("This content is not hidden."), code="not_hidden")
    before = _hidden_state(locked)
    _clear_hidden(locked)
    dismissed = _resolve_reports(locked, ReportStatus.DISMISSED, actor)
    _log_on(ActionKind.UNHIDE, actor, locked, reason=reason)
    record(
        actor=actor,
        action="moderation.unhide",
        target=locked,
        before=before,
        after={
            **_hidden_state(locked),
            "reports_dismissed": dismissed,
            "reason": reason,
        },
    )
    _broadcast(locked, hidden=False)
    return locked


@transaction.atomic
def reports_dismiss(*, actor: Actor, target: models.Model, reason: str = "") -> int:
    """Dismiss the open reports on content; content hidden automatically because of
    them is restored. Returns how many reports were dismissed."""
    locked = _lock_to_moderate(actor, target)
    reason = _text(reason, field="reason", high=REASON_MAX)
    where = _target_filter(locked)
    if not Report.objects.filter(status=ReportStatus.OPEN, **where).exists():
        raise Conflict(
            _("There are no open reports on this content."), code="no_reports"
        )
    before = _hidden_state(locked)
    restored = locked.is_hidden and locked.hidden_pending_review
    if restored:
        _clear_hidden(locked)
    dismissed = _resolve_reports(locked, ReportStatus.DISMISSED, actor)
    _log_on(ActionKind.DISMISS, actor, locked, reason=reason)
    if restored:
        _log_on(ActionKind.UNHIDE, actor, locked, reason=reason)
    record(
        actor=actor,
        action="moderation.dismiss",
        target=locked,
        before=before,
        after={
            **_hidden_state(locked),
            "reports_dismissed": dismissed,
            "restored": restored,
            "reason": reason,
        },
    )
    if restored:
        _broadcast(locked, hidden=False)
    return dismissed


# --- blocks -------------------------------------------------------------------


@idempotency.idempotent("block", author="actor")
@transaction.atomic
def user_block(
    *,
    actor: Actor,
    user: User,
    reason: str,
    days: int | None = None,
    target: models.Model | None = None,
    idempotency_key: str = "",
) -> Block:
    """Block ``user`` for ``days`` days, or permanently when ``days`` is None.

    From a piece of their content (``target``) the facilitators of its process may
    block them, and the block shows in that process's log; without content only site
    facilitators and administrators may. Their existing content stays unless it is
    hidden separately.
    """
    process_id = None
    if target is not None:
        kind_of(target)
        if getattr(target, "author_id", None) != user.pk:
            raise Invalid(
                _("You can only block the author of this content."), code="not_author"
            )
        process_id = proposal_of(target).process_id
    locked_user = User.objects.select_for_update().get(pk=user.pk)
    refuse(rules.block_refusal(actor, locked_user, target))
    reason = _text(reason, field="reason", high=500, required=True)
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            raise Invalid(
                _("Give the length of the block in whole days."),
                code="invalid_days",
                field_errors={"days": ["invalid"]},
            )
        if not 1 <= days <= BLOCK_DAYS_MAX:
            raise Invalid(
                _("A block lasts between 1 and %(max)d days, or is permanent.")
                % {"max": BLOCK_DAYS_MAX},
                code="invalid_days",
                field_errors={"days": ["out_of_range"]},
            )
    now = timezone.now()
    block = Block.objects.create(
        user=locked_user,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days) if days is not None else None,
        created_by=actor,
        process_id=process_id,
    )
    forget_standing(user)
    forget_standing(locked_user)
    _log(
        kind=ActionKind.BLOCK,
        actor=actor,
        process_id=process_id,
        subject=locked_user,
        reason=reason,
        until=block.ends_at,
    )
    record(
        actor=actor,
        action="moderation.block",
        target=locked_user,
        after={
            "block": block.pk,
            "reason": reason,
            "ends_at": block.ends_at,
            "permanent": block.ends_at is None,
            "process": process_id,
            "content": (
                f"{target._meta.label_lower}:{target.pk}" if target is not None else ""
            ),
        },
    )
    notifications.notify(
        recipient_ids=[locked_user.pk],
        kind="moderation.blocked",
        actor=actor,
        data={"reason": reason},
        reason="account",
    )
    return block


@transaction.atomic
def block_lift(*, actor: Actor, block: Block, reason: str = "") -> Block:
    locked = Block.objects.select_for_update().select_related("user").get(pk=block.pk)
    refuse(rules.lift_block_refusal(actor, locked))
    reason = _text(reason, field="reason", high=REASON_MAX)
    locked.lifted_at = timezone.now()
    locked.lifted_by = actor
    locked.save(update_fields=["lifted_at", "lifted_by"])
    forget_standing(locked.user)
    forget_standing(block.user)
    _log(
        kind=ActionKind.UNBLOCK,
        actor=actor,
        process_id=locked.process_id,
        subject=locked.user,
        reason=reason,
    )
    record(
        actor=actor,
        action="moderation.unblock",
        target=locked.user,
        before={"block": locked.pk, "ends_at": locked.ends_at, "reason": locked.reason},
        after={"lifted_at": locked.lifted_at, "reason": reason},
    )
    return locked


# --- facilitator notes ------------------------------------------------------------


@idempotency.idempotent("note", author="actor")
@transaction.atomic
def note_pin(
    *, actor: Actor, target: models.Model, body: str, idempotency_key: str = ""
) -> FacilitatorNote:
    """Pin a signed facilitator note on a proposal or a comment thread; a note
    already pinned there is replaced (and kept in the history)."""
    kind_of(target)
    refuse(rules.moderate_refusal(actor, target))
    body = _text(body, field="body", low=NOTE_MIN, high=NOTE_MAX, required=True)
    if getattr(target, "deleted_at", None) is not None:
        raise Invalid(_("This comment was deleted."), code="deleted")
    proposal = proposal_of(target)
    where = _target_filter(target)
    previous = (
        FacilitatorNote.objects.select_for_update()
        .filter(removed_at__isnull=True, **where)
        .first()
    )
    if previous is not None:
        previous.removed_at = timezone.now()
        previous.removed_by = actor
        previous.save(update_fields=["removed_at", "removed_by"])
    try:
        with transaction.atomic():
            note = FacilitatorNote.objects.create(
                process_id=proposal.process_id,
                proposal_pk=proposal.pk,
                author=actor,
                body=body,
                **where,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Another note was pinned here a moment ago. Reload and try again."),
            code="conflict",
        ) from exc
    _log(
        kind=ActionKind.NOTE_PIN,
        actor=actor,
        process_id=proposal.process_id,
        target=target,
    )
    record(
        actor=actor,
        action="moderation.note_pin",
        target=target,
        before={"note": previous.pk, "body": previous.body} if previous else None,
        after={"note": note.pk, "body": body},
    )
    _broadcast(target, hidden=False)
    return note


@transaction.atomic
def note_remove(*, actor: Actor, note: FacilitatorNote) -> FacilitatorNote:
    locked = FacilitatorNote.objects.select_for_update().get(pk=note.pk)
    refuse(rules.moderate_refusal(actor, locked))
    if locked.removed_at is not None:
        raise Conflict(_("This note was already removed."), code="already_removed")
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.save(update_fields=["removed_at", "removed_by"])
    target = locked.target
    _log(
        kind=ActionKind.NOTE_REMOVE,
        actor=actor,
        process_id=locked.process_id,
        target=target,
    )
    record(
        actor=actor,
        action="moderation.note_remove",
        target=locked,
        before={"body": locked.body, "author": locked.author_id},
    )
    if target is not None:
        _broadcast(target, hidden=False)
    return locked


# --- closing comments ---------------------------------------------------------------


def _proposal_only(proposal: Any) -> None:
    if kind_of(proposal) != "proposal":
        raise Invalid(_("Comments are closed on a proposal."), code="not_proposal")


def _set_comments_state(
    locked: Any,
    *,
    actor: Actor,
    closed_at: Any,
    reason: str,
    kind: str,
    before: dict[str, Any] | None,
) -> None:
    """Close (``closed_at`` set) or reopen comments on a locked proposal, then log it
    publicly, audit it and tell open pages."""
    closing = closed_at is not None
    locked.comments_closed_at = closed_at
    locked.comments_closed_by = actor if closing else None
    locked.comments_closed_reason = reason if closing else ""
    locked.save(
        update_fields=[
            "comments_closed_at",
            "comments_closed_by",
            "comments_closed_reason",
        ]
    )
    _log_on(kind, actor, locked, reason=reason)
    after: dict[str, Any] = {"reason": reason}
    if closing:
        after["comments_closed_at"] = closed_at
    record(
        actor=actor,
        action=(
            "moderation.close_comments" if closing else "moderation.reopen_comments"
        ),
        target=locked,
        before=before,
        after=after,
    )
    _broadcast(locked, hidden=False)


@transaction.atomic
def comments_close(*, actor: Actor, proposal: models.Model, reason: str) -> Any:
    _proposal_only(proposal)
    locked = _lock(proposal)
    refuse(rules.moderate_refusal(actor, locked))
    reason = _text(reason, field="reason", high=REASON_MAX, required=True)
    if locked.comments_closed_at is not None:
        raise Conflict(
            _("Comments on this proposal are already closed."), code="closed"
        )
    _set_comments_state(
        locked,
        actor=actor,
        closed_at=timezone.now(),
        reason=reason,
        kind=ActionKind.CLOSE_COMMENTS,
        before=None,
    )
    return locked


@transaction.atomic
def comments_reopen(*, actor: Actor, proposal: models.Model, reason: str = "") -> Any:
    _proposal_only(proposal)
    locked = _lock(proposal)
    refuse(rules.moderate_refusal(actor, locked))
    reason = _text(reason, field="reason", high=REASON_MAX)
    if locked.comments_closed_at is None:
        raise Conflict(_("Comments on this proposal are open."), code="open")
    before = {
        "comments_closed_at": locked.comments_closed_at,
        "comments_closed_by": locked.comments_closed_by_id,
        "reason": locked.comments_closed_reason,
    }
    _set_comments_state(
        locked,
        actor=actor,
        closed_at=None,
        reason=reason,
        kind=ActionKind.REOPEN_COMMENTS,
        before=before,
    )
    return locked
