"""Every write to live sessions, opinions, themes and proposal drafts.

Each function checks permission (``rules.py`` refusals) and state, writes inside a
transaction, records privileged actions in the audit log, and schedules
notifications and live broadcasts for after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings import rules
from meetings.live import SESSION
from meetings.models import (
    GUEST_NAME_MAX,
    OPINION_MAX,
    DraftStatus,
    LiveSession,
    Opinion,
    ProposalDraft,
    SessionStatus,
    SessionTheme,
)
from meetings.rules import Guest
from participation.accounts.rules import is_any_official, is_moderator_of
from participation.accounts.types import Actor, Viewer, signed_in
from participation.audit import services as audit
from participation.checks import check_length, refuse, too_long
from participation.errors import Conflict, DomainError, Invalid, NotAllowed
from participation.idempotency import services as idempotency
from participation.live import broadcast
from participation.moderation import limits
from participation.moderation.models import (
    ReportReason,
    compose_reason,
    display_reason,
)
from participation.moderation.services import appeal_url
from participation.notifications import services as notifications
from participation.spaces.models import Area, Category
from participation.text import contains_url
from proposals.models import Proposal
from proposals.services import proposal_create

TITLE_MIN, TITLE_MAX = 3, 150
DESCRIPTION_MAX = 2000
VENUE_MAX = 200
SUMMARY_MAX = 5000
THEME_MAX = 60
THEMES_PER_SESSION = 30
REASON_TEXT_MAX = 480
DRAFT_TITLE_MAX, DRAFT_BODY_MAX = 150, 10_000
MAX_DURATION = timedelta(hours=24)


def _broadcast_session(session: LiveSession, event: str, **ids: int) -> None:
    broadcast.send(SESSION.name(session.pk), event, {"session_id": session.pk, **ids})


# --- sessions -------------------------------------------------------------------------


def _clean_session_fields(
    *,
    title: str,
    description: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    venue: str,
    online_url: str,
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "title": check_length(
            title,
            field="title",
            low=TITLE_MIN,
            high=TITLE_MAX,
            too_short=_("Please give the session a title of at least %(n)d characters.")
            % {"n": TITLE_MIN},
        ),
        "description": check_length(
            description,
            field="description",
            low=0,
            high=DESCRIPTION_MAX,
        ),
        "venue": check_length(venue, field="venue", low=0, high=VENUE_MAX),
    }
    if starts_at is None or ends_at is None:
        raise Invalid(
            _("Please give the start and the end of the session."),
            field_errors={
                "starts_at" if starts_at is None else "ends_at": ["required"]
            },
        )
    if ends_at <= starts_at:
        raise Invalid(
            _("The session must end after it starts."),
            code="ends_before_start",
            field_errors={"ends_at": ["ends_before_start"]},
        )
    if ends_at - starts_at > MAX_DURATION:
        raise Invalid(
            _("A live session can last at most 24 hours."),
            code="too_long_session",
            field_errors={"ends_at": ["too_long_session"]},
        )
    online_url = (online_url or "").strip()
    if online_url and not online_url.lower().startswith(("https://", "http://")):
        raise Invalid(
            _("The online link must start with https:// or http://."),
            code="invalid_url",
            field_errors={"online_url": ["invalid_url"]},
        )
    if len(online_url) > 300:
        raise too_long("online_url", 300, len(online_url))
    cleaned.update(starts_at=starts_at, ends_at=ends_at, online_url=online_url)
    return cleaned


def _snapshot(session: LiveSession) -> dict[str, Any]:
    return {
        "title": session.title,
        "status": session.status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue,
        "online_url": session.online_url,
        "allow_guests": session.allow_guests,
    }


@idempotency.idempotent("live_session", author="actor")
@transaction.atomic
def session_create(
    *,
    actor: Actor,
    process: Any,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    description: str = "",
    venue: str = "",
    online_url: str = "",
    allow_guests: bool = False,
    idempotency_key: str = "",
) -> LiveSession:
    refuse(rules.session_create_refusal(actor, process))
    fields = _clean_session_fields(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
    )
    session = LiveSession.objects.create(
        process=process, created_by=actor, allow_guests=bool(allow_guests), **fields
    )
    audit.record(
        actor=actor,
        action="live_session.create",
        target=session,
        after=_snapshot(session),
    )
    return session


def _locked_session(session: LiveSession) -> LiveSession:
    return (
        LiveSession.objects.select_for_update()
        .select_related("process")
        .get(pk=session.pk)
    )


@transaction.atomic
def session_edit(
    *,
    actor: Actor,
    session: LiveSession,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    description: str = "",
    venue: str = "",
    online_url: str = "",
    allow_guests: bool = False,
) -> LiveSession:
    locked = _locked_session(session)
    refuse(rules.facilitate_refusal(actor, locked))
    if locked.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
        raise NotAllowed(
            _("A session that has ended can no longer be edited."),
            code="session_closed",
        )
    fields = _clean_session_fields(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
    )
    before = _snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.allow_guests = bool(allow_guests)
    locked.save()
    audit.record(
        actor=actor,
        action="live_session.edit",
        target=locked,
        before=before,
        after=_snapshot(locked),
    )
    _broadcast_session(locked, "session.updated")
    return locked


def _transition(actor: Actor, session: LiveSession, to: str) -> LiveSession:
    locked = _locked_session(session)
    refuse(rules.facilitate_refusal(actor, locked))
    if not locked.can_become(to):
        messages: dict[str, Any] = {
            SessionStatus.OPEN: _("Only a scheduled session can be opened."),
            SessionStatus.CLOSED: _("Only an open session can be closed."),
            SessionStatus.CANCELLED: _("Only a scheduled session can be cancelled."),
        }
        raise Conflict(messages[to], code="invalid_transition")
    before = locked.status
    locked.status = to
    return _after_transition(actor, locked, before)


def _after_transition(actor: Actor, locked: LiveSession, before: str) -> LiveSession:
    locked.save()
    audit.record(
        actor=actor,
        action=f"live_session.{locked.status}",
        target=locked,
        before={"status": before},
        after={"status": locked.status},
    )
    _broadcast_session(locked, "session.updated")
    return locked


@transaction.atomic
def session_open(*, actor: Actor, session: LiveSession) -> LiveSession:
    locked = _locked_session(session)
    refuse(rules.facilitate_refusal(actor, locked))
    if not locked.can_become(SessionStatus.OPEN):
        raise Conflict(
            _("Only a scheduled session can be opened."), code="invalid_transition"
        )
    before = locked.status
    locked.status = SessionStatus.OPEN
    locked.opened_at = timezone.now()
    return _after_transition(actor, locked, before)


@transaction.atomic
def session_close(
    *, actor: Actor, session: LiveSession, summary: str = ""
) -> LiveSession:
    """Close the session: its opinions become the public, dated minutes."""
    locked = _locked_session(session)
    refuse(rules.facilitate_refusal(actor, locked))
    if not locked.can_become(SessionStatus.CLOSED):
        raise Conflict(
            _("Only an open session can be closed."), code="invalid_transition"
        )
    before = locked.status
    locked.summary = check_length(summary, field="summary", low=0, high=SUMMARY_MAX)
    locked.status = SessionStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    _after_transition(actor, locked, before)
    participant_ids = set(
        Opinion.objects.filter(session=locked, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    notifications.notify(
        recipient_ids=participant_ids,
        kind="live.minutes_published",
        actor=actor,
        url=locked.get_absolute_url(),
        data={"title": locked.title},
        reason="participant",
    )
    return locked


@transaction.atomic
def session_cancel(*, actor: Actor, session: LiveSession) -> LiveSession:
    return _transition(actor, session, SessionStatus.CANCELLED)


# --- guests and opinions --------------------------------------------------------------


def guest_identity(*, name: str, key: str) -> Guest:
    """Validate a guest's name (shown on their opinions) and pair it with the
    opaque key of their browser session."""
    name = check_length(
        name,
        field="name",
        low=1,
        high=GUEST_NAME_MAX,
        too_short=_("Please give the name to show with your opinions."),
    )
    if contains_url(name):
        raise Invalid(
            _("A name cannot contain a web address."),
            code="links_not_allowed",
            field_errors={"name": ["links_not_allowed"]},
        )
    if not key:
        raise Invalid(_("Your browser session has expired. Please reload the page."))
    return Guest(name=name, key=key)


def guest_join(*, user: Actor, session: LiveSession, name: str, key: str) -> Guest:
    refuse(rules.guest_join_refusal(user, session))
    return guest_identity(name=name, key=key)


def _role_badge(user: Viewer, session: LiveSession) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    if is_moderator_of(user, session):
        return "facilitator"
    if is_any_official(user):
        return "official"
    return ""


def _check_opinion_body(body: str) -> str:
    return check_length(
        body,
        field="body",
        low=2,
        high=OPINION_MAX,
        too_short=_("Please write your opinion (at least 2 characters)."),
    )


@idempotency.idempotent("opinion", guest="guest")
@transaction.atomic
def opinion_post(
    *,
    session: LiveSession,
    body: str,
    author: Actor | None = None,
    guest: Guest | None = None,
    idempotency_key: str = "",
) -> Opinion:
    """Post an opinion as a signed-in user (``author``) or as a ``guest``."""
    person = signed_in(author)
    user: Viewer = person or AnonymousUser()
    locked = _locked_session(session)
    refuse(rules.opinion_post_refusal(user, locked, guest))
    body = _check_opinion_body(body)
    is_user = person is not None
    mine = Opinion.objects.filter(session=locked, body=body)
    mine = (
        mine.filter(author=person)
        if is_user
        else mine.filter(author__isnull=True, guest_key=guest.key if guest else "")
    )
    if mine.exists():
        raise Conflict(
            _("You have already posted this opinion in this session."), code="duplicate"
        )
    limits.hit(user=user if is_user else guest, action="opinion")
    opinion = Opinion.objects.create(
        session=locked,
        author=person,
        guest_name="" if is_user else guest.name,  # type: ignore[union-attr]
        guest_key="" if is_user else guest.key,  # type: ignore[union-attr]
        body=body,
        author_role=_role_badge(user, locked),
    )
    _broadcast_session(locked, "session.opinion_posted", opinion_id=opinion.pk)
    return opinion


def _locked_opinion(opinion: Opinion) -> Opinion:
    return (
        Opinion.objects.select_for_update()
        .select_related("session", "session__process")
        .get(pk=opinion.pk)
    )


def _facilitation_refusal(actor: Actor, session: LiveSession) -> DomainError | None:
    refusal = rules.facilitate_refusal(actor, session)
    if refusal:
        return refusal
    if session.status == SessionStatus.CANCELLED:
        return NotAllowed(_("This session was cancelled."), code="session_cancelled")
    return None


def _opinion_changed(
    actor: Actor, opinion: Opinion, action: str, before: dict, after: dict
) -> None:
    audit.record(
        actor=actor,
        action=f"opinion.{action}",
        target=opinion,
        before=before,
        after=after,
    )
    _broadcast_session(
        opinion.session, "session.opinion_changed", opinion_id=opinion.pk
    )


@transaction.atomic
def opinion_highlight(*, actor: Actor, opinion: Opinion, highlighted: bool) -> Opinion:
    locked = _locked_opinion(opinion)
    refuse(_facilitation_refusal(actor, locked.session))
    if locked.is_hidden and highlighted:
        raise Conflict(_("A hidden opinion cannot be highlighted."), code="hidden")
    before = {"highlighted": locked.highlighted}
    locked.highlighted = bool(highlighted)
    locked.save(update_fields=["highlighted"])
    _opinion_changed(
        actor, locked, "highlight", before, {"highlighted": locked.highlighted}
    )
    return locked


@transaction.atomic
def opinion_pin(*, actor: Actor, opinion: Opinion, pinned: bool) -> Opinion:
    locked = _locked_opinion(opinion)
    refuse(_facilitation_refusal(actor, locked.session))
    if locked.is_hidden and pinned:
        raise Conflict(_("A hidden opinion cannot be pinned."), code="hidden")
    before = {"pinned": locked.is_pinned}
    locked.pinned_at = timezone.now() if pinned else None
    locked.save(update_fields=["pinned_at"])
    _opinion_changed(actor, locked, "pin", before, {"pinned": locked.is_pinned})
    return locked


def _hide_reason(reason_code: str, reason: str) -> str:
    """The reason for hiding, as moderation stores it: a listed reason code plus
    optional free text (required for "other")."""
    code = str(reason_code or "")
    if not code:
        raise Invalid(
            _("Choose a reason."),
            code="reason_required",
            field_errors={"reason_code": ["required"]},
        )
    if code not in ReportReason.values:
        raise Invalid(
            _("Choose one of the listed reasons."),
            code="invalid_reason",
            field_errors={"reason_code": ["invalid_choice"]},
        )
    text = check_length(reason, field="reason", low=0, high=REASON_TEXT_MAX)
    if code == ReportReason.OTHER and not text:
        raise Invalid(
            _("Please describe the problem when you choose “Other”."),
            code="details_required",
            field_errors={"reason": ["required"]},
        )
    return compose_reason(code, text)


@transaction.atomic
def opinion_hide(
    *, actor: Actor, opinion: Opinion, reason_code: str, reason: str = ""
) -> Opinion:
    """Hide an opinion with a public reason; its place shows who hid it and why."""
    locked = _locked_opinion(opinion)
    refuse(_facilitation_refusal(actor, locked.session))
    stored = _hide_reason(reason_code, reason)
    if locked.is_hidden:
        raise Conflict(_("This opinion is already hidden."), code="hidden")
    locked.hidden_at = timezone.now()
    locked.hidden_by = actor
    locked.hidden_reason = stored
    locked.hidden_pending_review = False
    locked.save(
        update_fields=[
            "hidden_at",
            "hidden_by",
            "hidden_reason",
            "hidden_pending_review",
        ]
    )
    _opinion_changed(
        actor, locked, "hide", {"hidden": False}, {"hidden": True, "reason": stored}
    )
    if locked.author_id:
        notifications.notify(
            recipient_ids=[locked.author_id],
            kind="moderation.content_hidden",
            actor=actor,
            url=locked.get_absolute_url(),
            data={
                "title": locked.session.title,
                "reason": display_reason(stored),
                "appeal_url": appeal_url(locked.session.process),
            },
            reason="author",
        )
    return locked


@transaction.atomic
def opinion_unhide(*, actor: Actor, opinion: Opinion) -> Opinion:
    locked = _locked_opinion(opinion)
    refuse(_facilitation_refusal(actor, locked.session))
    if not locked.is_hidden:
        raise Conflict(_("This opinion is not hidden."), code="not_hidden")
    before = {"hidden": True, "reason": locked.hidden_reason}
    locked.hidden_at = None
    locked.hidden_by = None
    locked.hidden_reason = ""
    locked.hidden_pending_review = False
    locked.save(
        update_fields=[
            "hidden_at",
            "hidden_by",
            "hidden_reason",
            "hidden_pending_review",
        ]
    )
    _opinion_changed(actor, locked, "unhide", before, {"hidden": False})
    return locked


@transaction.atomic
def opinion_set_theme(
    *, actor: Actor, opinion: Opinion, theme: SessionTheme | None
) -> Opinion:
    locked = _locked_opinion(opinion)
    refuse(_facilitation_refusal(actor, locked.session))
    if theme is not None and theme.session_id != locked.session_id:
        raise Invalid(
            _("That theme belongs to another session."),
            field_errors={"theme": ["invalid_choice"]},
        )
    before = {"theme": locked.theme.name if locked.theme_id and locked.theme else None}
    locked.theme = theme
    locked.save(update_fields=["theme"])
    _opinion_changed(
        actor, locked, "theme", before, {"theme": theme.name if theme else None}
    )
    return locked


@idempotency.idempotent("live_theme", author="actor")
@transaction.atomic
def theme_create(
    *, actor: Actor, session: LiveSession, name: str, idempotency_key: str = ""
) -> SessionTheme:
    locked = _locked_session(session)
    refuse(_facilitation_refusal(actor, locked))
    name = check_length(
        name,
        field="name",
        low=1,
        high=THEME_MAX,
        too_short=_("Please give the theme a name."),
    )
    count = locked.themes.count()
    if count >= THEMES_PER_SESSION:
        raise Invalid(
            _("A session can have at most %(n)d themes.") % {"n": THEMES_PER_SESSION},
            code="too_many",
        )
    if locked.themes.filter(name__iexact=name).exists():
        raise Conflict(
            _("This session already has a theme with that name."),
            code="duplicate",
            field_errors={"name": ["duplicate"]},
        )
    position = (locked.themes.aggregate(m=Max("position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            theme = SessionTheme.objects.create(
                session=locked, name=name, position=position
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This session already has a theme with that name."), code="duplicate"
        ) from exc
    audit.record(
        actor=actor, action="live_theme.create", target=locked, after={"theme": name}
    )
    _broadcast_session(locked, "session.themes_changed")
    return theme


@transaction.atomic
def theme_delete(*, actor: Actor, theme: SessionTheme) -> None:
    """Remove a theme; its opinions become unthemed (they are never deleted)."""
    session = _locked_session(theme.session)
    refuse(_facilitation_refusal(actor, session))
    name = theme.name
    SessionTheme.objects.filter(pk=theme.pk).delete()
    audit.record(
        actor=actor, action="live_theme.delete", target=session, before={"theme": name}
    )
    _broadcast_session(session, "session.themes_changed")


# --- proposal drafts ------------------------------------------------------------------


@transaction.atomic
def opinion_draft_proposal(
    *, actor: Actor, opinion: Opinion, title: str, body: str
) -> ProposalDraft:
    """A facilitator drafts a proposal from an opinion; its author is asked to
    review and publish it under their own name."""
    locked = _locked_opinion(opinion)
    refuse(rules.draft_refusal(actor, locked))
    if locked.session.status == SessionStatus.CANCELLED:
        raise NotAllowed(_("This session was cancelled."), code="session_cancelled")
    title = check_length(
        title,
        field="title",
        low=1,
        high=DRAFT_TITLE_MAX,
        too_short=_("Please give the proposal a title."),
    )
    body = check_length(
        body,
        field="body",
        low=1,
        high=DRAFT_BODY_MAX,
        too_short=_("Please write the proposal."),
    )
    draft = rules.draft_of(locked)
    if draft is None:
        draft = ProposalDraft(opinion=locked, created_by=actor)
    draft.title = title
    draft.body = body
    draft.created_by = actor
    draft.created_at = timezone.now()
    draft.status = DraftStatus.PENDING
    draft.decided_at = None
    draft.save()
    audit.record(
        actor=actor,
        action="opinion.draft_proposal",
        target=locked,
        after={"title": title},
    )
    notifications.notify(
        recipient_ids=[locked.author_id] if locked.author_id else [],
        kind="live.proposal_drafted",
        actor=actor,
        url=draft.get_absolute_url(),
        data={"title": locked.session.title, "actor": actor.real_name},
        reason="author",
    )
    _broadcast_session(locked.session, "session.opinion_changed", opinion_id=locked.pk)
    return draft


def _locked_draft(draft: ProposalDraft) -> ProposalDraft:
    return (
        ProposalDraft.objects.select_for_update()
        .select_related("opinion", "opinion__session", "opinion__session__process")
        .get(pk=draft.pk)
    )


def draft_check_decidable(*, actor: Actor, draft: ProposalDraft) -> ProposalDraft:
    """Lock the draft and check ``actor`` may decide it (call inside a transaction)."""
    locked = _locked_draft(draft)
    refuse(rules.draft_decide_refusal(actor, locked))
    return locked


@transaction.atomic
def draft_decline(*, actor: Actor, draft: ProposalDraft) -> ProposalDraft:
    locked = draft_check_decidable(actor=actor, draft=draft)
    locked.status = DraftStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    _broadcast_session(
        locked.opinion.session, "session.opinion_changed", opinion_id=locked.opinion_id
    )
    return locked


@transaction.atomic
def draft_publish(
    *,
    author: Actor,
    draft: ProposalDraft,
    title: str,
    body: str,
    category: Category | None = None,
    area: Area | None = None,
) -> Proposal:
    """Publish, as a proposal of its author, a draft a facilitator made from an
    opinion.

    Only the opinion's author may do it (the draft is locked and checked); the
    proposal then follows every rule of ``proposal_create`` (phase, length,
    duplicates, rate limit), and the draft records which proposal it became, in the
    same transaction.
    """
    locked = draft_check_decidable(actor=author, draft=draft)
    proposal = proposal_create(
        author=author,
        process=locked.opinion.session.process,
        title=title,
        body=body,
        category=category,
        area=area,
    )
    locked.status = DraftStatus.PUBLISHED
    locked.decided_at = timezone.now()
    locked.proposal_id = proposal.pk
    locked.proposal_url = proposal.get_absolute_url()[:300]
    locked.save(update_fields=["status", "decided_at", "proposal_id", "proposal_url"])
    _broadcast_session(
        locked.opinion.session, "session.opinion_changed", opinion_id=locked.opinion_id
    )
    return proposal
