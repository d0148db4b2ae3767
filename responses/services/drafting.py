"""Draft answers and their approval (決裁), and the department's answer templates.

An official of the assigned department starts the draft of a proposal's answer (or
of a revision of it); the department's officials edit it together (each save names
the version it was made from, a stale one is refused with both texts kept), then
submit it. An approver of the draft's section (or of the whole department) approves
it, which publishes it through the one publishing path (``answers._publish`` /
``answers._revise``), or returns it with a comment to its author. Where the
department's approval is off (``responses.approval``), the official publishes the
draft directly through the same path.

Drafts are internal: no broadcast, no search document, no resident hears of them.
Every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.notifications import services as notifications
from participation.spaces.models import Department
from participation.text import clean_text
from responses import approval, clock
from responses.drafts import rules
from responses.models import (
    BODY_MAX,
    CHANGE_NOTE_MIN,
    DRAFT_TITLE_MAX,
    REFERRED_TO_MAX,
    RETURN_COMMENT_MAX,
    RETURN_COMMENT_MIN,
    AnswerTemplate,
    DraftStatus,
    ResponseDraft,
    TrackerEntry,
)
from responses.services import answers
from responses.services._shared import _check_review_on, _lock
from responses.transitions import DECIDED, Decision, decision_allowed

MAX_ALSO = answers.MAX_GROUP


class StaleDraft(Conflict):
    """Someone saved the draft since the version this edit started from. Carries
    the saved draft, so the page can show both texts side by side."""

    code = "stale_draft"

    def __init__(self, current: ResponseDraft) -> None:
        editor = current.last_edited_by.real_name if current.last_edited_by_id else ""
        super().__init__(
            _(
                "%(name)s saved this draft while you were editing it (now version "
                "%(version)d). Your text was not saved: compare both texts below, "
                "then save again."
            )
            % {"name": editor, "version": current.version}
        )
        self.current = current


# --- Reading and locking -------------------------------------------------------------
def _lock_draft(draft: ResponseDraft | int) -> ResponseDraft:
    pk = draft if isinstance(draft, int) else draft.pk
    return (
        ResponseDraft.objects.select_for_update(of=("self",))
        .select_related(
            "entry__proposal",
            "entry__department",
            "entry__response",
            "department",
            "section",
            "last_edited_by",
        )
        .get(pk=pk)
    )


def _check_version(draft: ResponseDraft, version: Any) -> None:
    if version is None or int(version) != draft.version:
        raise StaleDraft(draft)


def _snapshot(draft: ResponseDraft) -> dict[str, Any]:
    return {
        "status": draft.status,
        "version": draft.version,
        "entry": draft.entry_id,
        "proposal": draft.entry.proposal_id,
        "section": draft.section_id,
        "decision": draft.decision,
    }


def _record(
    actor: Actor, action: str, draft: ResponseDraft, before: dict, **extra: Any
) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=draft,
        before=before,
        after=_snapshot(draft) | extra,
    )


def _notify(
    draft: ResponseDraft,
    recipients: Iterable[int],
    kind: str,
    actor: Actor,
    **data: Any,
) -> None:
    """Tell officials (never residents) about a draft: the draft's page."""
    section = draft.section
    notifications.notify(
        recipient_ids=list(recipients),
        kind=kind,
        actor=actor,
        url=draft.get_absolute_url(),
        reason="department",
        data={
            "title": draft.entry.proposal.title,
            "department": draft.department.name,
            "section": section.name if section else draft.department.name,
            "actor": actor.real_name,
            **data,
        },
    )


# --- Checks of the draft's fields -----------------------------------------------------
def _clean_fields(
    *,
    draft: ResponseDraft,
    decision: str,
    body: str,
    referred_to: str,
    change_note: str,
    review_on: date | None,
    cost_estimate: Any,
    period_start: date | None,
    period_end: date | None,
    also: Iterable[int],
) -> tuple[dict[str, Any], list[TrackerEntry]]:
    """What any save accepts: a draft may be incomplete, never malformed."""
    if decision and decision not in DECIDED:
        raise Invalid(
            _("Choose a decision."), field_errors={"decision": ["invalid_choice"]}
        )
    commitment = answers.check_commitment(cost_estimate, period_start, period_end)
    if review_on is not None and not isinstance(review_on, date):
        raise Invalid(
            _("Enter the review date as a date."),
            field_errors={"review_on": ["invalid"]},
        )
    fields = {
        "decision": decision or "",
        "body": check_length(body, field="body", high=BODY_MAX),
        "referred_to": check_length(
            referred_to, field="referred_to", high=REFERRED_TO_MAX
        ),
        "change_note": check_length(change_note, field="change_note", high=500),
        "review_on": review_on,
        **commitment.fields(),
    }
    return fields, _also_entries(draft, also)


def _also_entries(draft: ResponseDraft, also: Iterable[int]) -> list[TrackerEntry]:
    """Other proposals of the same department, not yet answered, for a grouped
    answer (first publication only). A tampered id is refused, not skipped."""
    try:
        wanted = sorted({int(i) for i in also} - {draft.entry_id})
    except (TypeError, ValueError):
        raise Invalid(
            _("Some of the proposals to cover are not in the tracker."),
            field_errors={"also": ["invalid_choice"]},
        ) from None
    if not wanted:
        return []
    if draft.is_revision:
        raise Invalid(
            _("A revision covers the proposals of the published response."),
            field_errors={"also": ["not_allowed"]},
        )
    if len(wanted) > MAX_ALSO:
        raise Invalid(
            _("One response can cover at most %(n)d proposals.") % {"n": MAX_ALSO + 1},
            field_errors={"also": ["too_many"]},
        )
    found = list(
        TrackerEntry.objects.filter(
            pk__in=wanted,
            department_id=draft.department_id,
            response__isnull=True,
            proposal__hidden_at__isnull=True,
        ).order_by("pk")
    )
    if len(found) != len(wanted):
        raise Invalid(
            _(
                "Some of the proposals to cover are not unanswered proposals of the "
                "same department."
            ),
            field_errors={"also": ["invalid_choice"]},
        )
    return found


def _check_complete(draft: ResponseDraft) -> answers.Commitment:
    """What publishing needs, checked before a draft is submitted, so that an
    approver never approves a text that cannot be published."""
    entry = draft.entry
    if draft.decision not in DECIDED:
        raise Invalid(_("Choose a decision."), field_errors={"decision": ["required"]})
    answers._check_body(draft.decision, draft.body)
    answers._check_referred_to(draft.decision, draft.referred_to)
    _check_review_on(draft.decision, draft.review_on)
    current = entry.response.current if entry.response_id and entry.response else None
    previous = current.decision if current is not None else entry.decision
    if draft.decision != previous and not decision_allowed(previous, draft.decision):
        raise Invalid(
            _("The decision cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": dict(Decision.choices).get(previous, previous),
                "new": dict(Decision.choices)[draft.decision],
            },
            code="invalid_transition",
            field_errors={"decision": ["invalid_transition"]},
        )
    if draft.is_revision:
        check_length(
            draft.change_note,
            field="change_note",
            low=CHANGE_NOTE_MIN,
            high=500,
            too_short=_(
                "Say what changed and why in at least %(min)d characters (you "
                "wrote %(n)d)."
            ),
        )
    return answers.Commitment(draft.cost_estimate, draft.period_start, draft.period_end)


# --- The draft's life -----------------------------------------------------------------
@idempotency.idempotent("response_draft", author="actor")
@transaction.atomic
def draft_start(
    *,
    actor: Actor,
    entry: TrackerEntry,
    template: AnswerTemplate | None = None,
    idempotency_key: str = "",
) -> ResponseDraft:
    """Open the proposal's draft answer: the one already open, or a new one (of a
    revision, filled from the published answer, where one is published)."""
    locked = _lock(entry)
    refuse(rules.start_refusal(actor, locked))
    existing = (
        ResponseDraft.objects.filter(entry=locked)
        .exclude(status=DraftStatus.APPROVED)
        .first()
    )
    if existing is not None:
        return existing
    if template is not None and template.department_id != locked.department_id:
        raise Invalid(
            _("This template belongs to another department."),
            field_errors={"template": ["invalid_choice"]},
        )
    now = clock.now()
    fields: dict[str, Any] = {}
    if locked.response_id is not None:
        current = locked.response.current if locked.response else None
        if current is not None:
            fields = {
                "decision": current.decision,
                "body": current.body,
                "referred_to": current.referred_to,
                "cost_estimate": current.cost_estimate,
                "period_start": current.period_start,
                "period_end": current.period_end,
                "base_revision": current.number,
                "review_on": locked.review_on,
            }
    if template is not None:
        fields["body"] = template.body
        if template.decision in DECIDED:
            fields["decision"] = template.decision
    assert locked.department is not None  # the refusal requires an assignment
    draft = ResponseDraft.objects.create(
        entry=locked,
        department=locked.department,
        section_id=approval.section_of(actor, locked),
        author=actor,
        last_edited_by=actor,
        created_at=now,
        updated_at=now,
        **fields,
    )
    _record(actor, "draft.start", draft, {}, template=template.pk if template else None)
    return draft


@transaction.atomic
def draft_save(
    *,
    actor: Actor,
    draft: ResponseDraft | int,
    version: Any,
    decision: str = "",
    body: str = "",
    referred_to: str = "",
    change_note: str = "",
    review_on: date | None = None,
    cost_estimate: Any = None,
    period_start: date | None = None,
    period_end: date | None = None,
    also: Iterable[int] = (),
    autosave: bool = False,
) -> ResponseDraft:
    """Save the draft's text (by the Save button or the autosave). ``version`` is
    the version the editor started from: a stale one raises :class:`StaleDraft`."""
    locked = _lock_draft(draft)
    refuse(rules.edit_refusal(actor, locked))
    _check_version(locked, version)
    fields, others = _clean_fields(
        draft=locked,
        decision=decision,
        body=body,
        referred_to=referred_to,
        change_note=change_note,
        review_on=review_on,
        cost_estimate=cost_estimate,
        period_start=period_start,
        period_end=period_end,
        also=also,
    )
    before = _snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.last_edited_by = actor
    locked.updated_at = clock.now()
    locked.save()
    locked.also.set(others)
    _record(
        actor,
        "draft.save",
        locked,
        before,
        autosave=autosave,
        length=len(locked.body),
        also=[o.pk for o in others],
    )
    return locked


@transaction.atomic
def draft_submit(
    *, actor: Actor, draft: ResponseDraft | int, version: Any
) -> ResponseDraft:
    """Submit the draft for approval; the approvers of its section hear of it."""
    locked = _lock_draft(draft)
    refuse(rules.submit_refusal(actor, locked))
    _check_version(locked, version)
    _check_complete(locked)
    before = _snapshot(locked)
    now = clock.now()
    locked.status = DraftStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = now
    locked.updated_at = now
    locked.version += 1
    locked.save()
    recipients = list(approval.approvers_of(locked).values_list("pk", flat=True))
    _record(
        actor, "draft.submit", locked, before, body=locked.body, approvers=recipients
    )
    _notify(locked, recipients, "draft.submitted", actor)
    return locked


def _decided(locked: ResponseDraft, actor: Actor, status: str) -> dict[str, Any]:
    before = _snapshot(locked)
    now = clock.now()
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = now
    locked.updated_at = now
    locked.version += 1
    return before


def _authors(draft: ResponseDraft, actor: Actor) -> list[int]:
    return sorted({draft.author_id, draft.submitted_by_id or 0} - {0, actor.pk})


@transaction.atomic
def draft_approve(
    *, actor: Actor, draft: ResponseDraft | int, version: Any
) -> ResponseDraft:
    """Approve a submitted draft: it is published (or revises the published
    answer), signed by its section and department."""
    pk = draft if isinstance(draft, int) else draft.pk
    entry_id = ResponseDraft.objects.values_list("entry_id", flat=True).get(pk=pk)
    entry = _lock(entry_id)  # the entry first, as every publishing write does
    locked = _lock_draft(pk)
    locked.entry = entry
    refuse(rules.approve_refusal(actor, locked))
    _check_version(locked, version)
    commitment = _check_complete(locked)
    signed = answers.Approval(
        draft_id=locked.pk, author_id=locked.author_id, section=locked.section
    )
    revision = _publish(actor, locked, entry, commitment, signed)
    before = _decided(locked, actor, DraftStatus.APPROVED)
    locked.revision = revision
    locked.save()
    _record(actor, "draft.approve", locked, before, revision=revision.pk)
    _notify(locked, _authors(locked, actor), "draft.approved", actor)
    return locked


def _publish(
    actor: Actor,
    draft: ResponseDraft,
    entry: TrackerEntry,
    commitment: answers.Commitment,
    signed: answers.Approval | None,
) -> Any:
    if draft.is_revision:
        return answers._revise(
            actor=actor,
            locked=entry,
            decision=draft.decision,
            body=draft.body,
            change_note=draft.change_note,
            referred_to=draft.referred_to,
            base_revision=draft.base_revision,
            review_on=draft.review_on,
            commitment=commitment,
            approval=signed,
        )
    response = answers._publish(
        actor=actor,
        locked=entry,
        decision=draft.decision,
        body=draft.body,
        referred_to=draft.referred_to,
        also=list(draft.also.values_list("pk", flat=True)),
        review_on=draft.review_on,
        commitment=commitment,
        approval=signed,
    )
    return response.current


@transaction.atomic
def draft_return(
    *, actor: Actor, draft: ResponseDraft | int, version: Any, comment: str
) -> ResponseDraft:
    """Return a submitted draft to its author with a comment (internal)."""
    locked = _lock_draft(draft)
    refuse(rules.return_refusal(actor, locked))
    _check_version(locked, version)
    comment = check_length(
        comment,
        field="comment",
        low=RETURN_COMMENT_MIN,
        high=RETURN_COMMENT_MAX,
        too_short=_(
            "Tell the author what to change in at least %(min)d characters (you "
            "wrote %(n)d)."
        ),
    )
    before = _decided(locked, actor, DraftStatus.RETURNED)
    locked.return_comment = comment
    locked.save()
    _record(actor, "draft.return", locked, before, comment=comment)
    _notify(locked, _authors(locked, actor), "draft.returned", actor, comment=comment)
    return locked


@transaction.atomic
def draft_publish(
    *, actor: Actor, draft: ResponseDraft | int, version: Any
) -> ResponseDraft:
    """Publish a draft directly, where the department's approval is off."""
    pk = draft if isinstance(draft, int) else draft.pk
    entry_id = ResponseDraft.objects.values_list("entry_id", flat=True).get(pk=pk)
    entry = _lock(entry_id)
    locked = _lock_draft(pk)
    locked.entry = entry
    refuse(rules.publish_refusal(actor, locked))
    _check_version(locked, version)
    commitment = _check_complete(locked)
    revision = _publish(actor, locked, entry, commitment, None)
    before = _decided(locked, actor, DraftStatus.APPROVED)
    locked.revision = revision
    locked.save()
    _record(actor, "draft.publish", locked, before, revision=revision.pk)
    return locked


@transaction.atomic
def draft_discard(*, actor: Actor, draft: ResponseDraft | int, version: Any) -> None:
    """Throw away an open draft (kept in the audit log with its text)."""
    locked = _lock_draft(draft)
    refuse(rules.edit_refusal(actor, locked))
    _check_version(locked, version)
    before = _snapshot(locked) | {"body": locked.body}
    audit.record(actor=actor, action="draft.discard", target=locked, before=before)
    locked.delete()


# --- Answer templates -----------------------------------------------------------------
def _template_fields(title: str, decision: str, body: str) -> dict[str, Any]:
    if decision and decision not in DECIDED:
        raise Invalid(
            _("Choose a decision."), field_errors={"decision": ["invalid_choice"]}
        )
    return {
        "title": check_length(title, field="title", low=2, high=DRAFT_TITLE_MAX),
        "decision": decision or "",
        "body": check_length(body, field="body", low=10, high=BODY_MAX),
    }


def _unique_title(department_id: int, title: str, exclude: int | None = None) -> None:
    clash = AnswerTemplate.objects.filter(department_id=department_id, title=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Invalid(
            _("The department already has a template with this title."),
            code="duplicate_title",
            field_errors={"title": ["unique"]},
        )


@idempotency.idempotent("answer_template", author="actor")
@transaction.atomic
def answer_template_create(
    *,
    actor: Actor,
    department: Department,
    title: str,
    body: str,
    decision: str = "",
    idempotency_key: str = "",
) -> AnswerTemplate:
    refuse(rules.templates_refusal(actor, department.pk))
    fields = _template_fields(title, decision, body)
    _unique_title(department.pk, fields["title"])
    template = AnswerTemplate.objects.create(
        department=department, updated_by=actor, updated_at=clock.now(), **fields
    )
    audit.record(
        actor=actor, action="answer_template.create", target=template, after=fields
    )
    return template


@transaction.atomic
def answer_template_update(
    *, actor: Actor, template: AnswerTemplate, title: str, body: str, decision: str = ""
) -> AnswerTemplate:
    locked = AnswerTemplate.objects.select_for_update().get(pk=template.pk)
    refuse(rules.templates_refusal(actor, locked.department_id))
    fields = _template_fields(title, decision, body)
    _unique_title(locked.department_id, fields["title"], exclude=locked.pk)
    before = {"title": locked.title, "decision": locked.decision, "body": locked.body}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    locked.updated_at = clock.now()
    locked.save()
    audit.record(
        actor=actor,
        action="answer_template.update",
        target=locked,
        before=before,
        after=fields,
    )
    return locked


@transaction.atomic
def answer_template_delete(*, actor: Actor, template: AnswerTemplate) -> None:
    locked = AnswerTemplate.objects.select_for_update().get(pk=template.pk)
    refuse(rules.templates_refusal(actor, locked.department_id))
    audit.record(
        actor=actor,
        action="answer_template.delete",
        target=locked,
        before={"title": locked.title, "body": locked.body},
    )
    locked.delete()


def template_text(template: AnswerTemplate, current: str) -> str:
    """The draft's text after "Use a template": the template, after what is
    already written (nothing typed is lost)."""
    current = clean_text(current or "")
    if not current:
        return template.body
    return f"{current}\n\n{template.body}"


__all__ = [
    "StaleDraft",
    "draft_start",
    "draft_save",
    "draft_submit",
    "draft_approve",
    "draft_return",
    "draft_publish",
    "draft_discard",
    "answer_template_create",
    "answer_template_update",
    "answer_template_delete",
    "template_text",
]
