"""Pages of live sessions, and the personal fragments the live layer fetches.

Each view reads like a sentence: parse the form, call one service, then redirect
with a message or render again with the refusal and its status (400 invalid,
403 not allowed, 409 conflict, 429 too fast). Everything works without
JavaScript; ``static/js/live.js`` sends the same actions over the websocket.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import forms, rules, selectors, services
from meetings.live import SESSION
from meetings.models import LiveSession, Opinion, ProposalDraft, SessionStatus
from meetings.rules import GUEST_SESSION_KEY
from participation import doors
from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.errors import DomainError, NotAllowed, RateLimited
from participation.idempotency import services as idempotency
from participation.live import selectors as event_log
from participation.site_url import absolute_url
from participation.spaces.models import Process

MAX_ID = 2**63 - 1
PAST_PER_PAGE = 20


# --- helpers --------------------------------------------------------------------------


def _session_or_404(request: HttpRequest, pk: int) -> LiveSession:
    if pk > MAX_ID:
        raise Http404
    try:
        session = selectors.session_for_page(pk)
    except LiveSession.DoesNotExist as exc:
        raise Http404 from exc
    if rules.session_view_refusal(request.user, session) is not None:
        raise Http404
    return session


def _opinion_or_404(session: LiveSession, opinion_id: int) -> Opinion:
    if opinion_id > MAX_ID:
        raise Http404
    opinion = (
        Opinion.objects.select_related("session", "session__process", "author")
        .filter(pk=opinion_id, session=session)
        .first()
    )
    if opinion is None:
        raise Http404
    return opinion


def _refused(
    request: HttpRequest, error: DomainError, *, back: str, back_label: str = ""
) -> HttpResponse:
    return doors.refused(
        request, error, back=back, back_label=back_label or _("Back to the session")
    )


def _guest(request: HttpRequest) -> rules.Guest | None:
    data = request.session.get(GUEST_SESSION_KEY)
    if isinstance(data, dict) and data.get("name") and data.get("key"):
        return rules.Guest(name=str(data["name"]), key=str(data["key"]))
    return None


def _facilitated_processes(user: Any) -> Any:
    standing = standing_of(user)
    qs = Process.objects.published()
    if is_admin(user) or (standing.is_site_facilitator_role and standing.mfa_satisfied):
        return qs
    if not standing.mfa_satisfied:
        return qs.none()
    return qs.filter(pk__in=standing.facilitator_process_ids)


def _live_context(session: LiveSession, view: str) -> dict[str, Any]:
    group = SESSION.name(session.pk)
    return {
        "live_socket": f"/ws/live/{session.pk}/?view={view}",
        "live_since": event_log.latest_event_id(group),
    }


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#1b1f24", light="#ffffff"
    )


# --- lists and pages ------------------------------------------------------------------


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    process = None
    slug = request.GET.get("process", "")
    if slug:
        process = Process.objects.public().filter(slug=slug).first()
        if process is None:
            raise Http404
    active = list(selectors.upcoming_and_open(process=process)[:50])
    past = Paginator(selectors.past_sessions(process=process), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    can_create = bool(
        request.user.is_authenticated and _facilitated_processes(request.user).exists()
    )
    return render(
        request,
        "meetings/session_list.html",
        {
            "process": process,
            "active": active,
            "page_obj": past,
            "can_create": can_create,
        },
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    can_facilitate = rules.facilitate_refusal(request.user, session) is None
    guest = _guest(request)
    context: dict[str, Any] = {
        "session": session,
        "can_facilitate": can_facilitate,
        "can_see_hidden": can_facilitate,
        "viewer": request.user,
        "guest": guest,
    }
    if session.status == SessionStatus.CLOSED:
        context["minutes"] = selectors.minutes(session)
    else:
        context["stream"] = selectors.stream(session)
        refusal = rules.opinion_post_refusal(request.user, session, guest)
        context["post_refusal"] = refusal
        if refusal is None:
            context["opinion_form"] = forms.OpinionForm()
        elif (
            not request.user.is_authenticated
            and session.allow_guests
            and guest is None
            and session.status in (SessionStatus.OPEN, SessionStatus.SCHEDULED)
        ):
            context["guest_form"] = forms.GuestForm()
        context.update(_live_context(session, "public"))
    return render(request, "meetings/session_detail.html", context)


@require_GET
def session_projector(request: HttpRequest, pk: int) -> HttpResponse:
    """The room display: large type, newest at the bottom, no controls."""
    session = _session_or_404(request, pk)
    join_url = absolute_url(session.get_absolute_url())
    return render(
        request,
        "meetings/projector.html",
        {
            "session": session,
            "stream": selectors.stream(session),
            "join_url": join_url,
            "qr_svg": _qr_svg(join_url),
            "can_facilitate": False,
            "can_see_hidden": False,
            "projector": True,
            **_live_context(session, "projector"),
        },
    )


@never_cache
@login_required
@require_GET
def session_facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    refusal = rules.facilitate_refusal(request.user, session)
    if refusal is not None:
        return _refused(request, refusal, back=session.get_absolute_url())
    grouped = request.GET.get("group") == "theme"
    context: dict[str, Any] = {
        "session": session,
        "can_facilitate": True,
        "can_see_hidden": True,
        "viewer": request.user,
        "grouped": grouped,
        "stream": selectors.stream(session),
        "theme_form": forms.ThemeForm(),
        "close_form": forms.CloseForm(),
        **_live_context(session, "facilitate"),
    }
    if grouped:
        context["minutes"] = selectors.minutes(session)
    return render(request, "meetings/facilitate.html", context)


# --- creating and running sessions ----------------------------------------------------


def _session_form_values(form: forms.SessionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "venue": data["venue"],
        "online_url": data["online_url"],
        "allow_guests": data["allow_guests"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    processes = _facilitated_processes(request.user)
    if not processes.exists():
        refusal = NotAllowed(
            _("Only a facilitator of a published process can hold live sessions.")
        )
        return _refused(
            request,
            refusal,
            back=reverse("meetings:list"),
            back_label=_("Back to live sessions"),
        )
    status = 200
    if request.method == "POST":
        form = forms.SessionForm(request.POST, processes=processes)
        if form.is_valid():
            try:
                session = services.session_create(
                    idempotency_key=idempotency.key_from(request),
                    actor=request.user,
                    process=form.cleaned_data["process"],
                    **_session_form_values(form),
                )
            except DomainError as error:
                status = doors.form_error(form, error)
            else:
                messages.success(request, _("The live session was created."))
                return redirect("meetings:facilitate", session.pk)
        else:
            status = 400
    else:
        start = timezone.localtime().replace(
            minute=0, second=0, microsecond=0
        ) + timezone.timedelta(hours=1)
        initial: dict[str, Any] = {
            "starts_at": start,
            "ends_at": start + timezone.timedelta(hours=2),
        }
        slug = request.GET.get("process", "")
        chosen = processes.filter(slug=slug).first() if slug else None
        if chosen is not None:
            initial["process"] = chosen
        form = forms.SessionForm(initial=initial, processes=processes)
    return render(
        request,
        "meetings/session_form.html",
        {"form": form, "session": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    refusal = rules.facilitate_refusal(request.user, session)
    if refusal is not None:
        return _refused(request, refusal, back=session.get_absolute_url())
    if session.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
        return _refused(
            request,
            NotAllowed(_("A session that has ended can no longer be edited.")),
            back=session.get_absolute_url(),
        )
    status = 200
    if request.method == "POST":
        form = forms.SessionForm(
            request.POST, processes=Process.objects.none(), editing=True
        )
        if form.is_valid():
            try:
                services.session_edit(
                    actor=request.user, session=session, **_session_form_values(form)
                )
            except DomainError as error:
                status = doors.form_error(form, error)
            else:
                messages.success(request, _("The session was saved."))
                return redirect("meetings:facilitate", session.pk)
        else:
            status = 400
    else:
        form = forms.SessionForm(
            initial={
                "title": session.title,
                "description": session.description,
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "venue": session.venue,
                "online_url": session.online_url,
                "allow_guests": session.allow_guests,
            },
            processes=Process.objects.none(),
            editing=True,
        )
    return render(
        request,
        "meetings/session_form.html",
        {"form": form, "session": session},
        status=status,
    )


SESSION_TRANSITIONS = {"open", "close", "cancel"}


@login_required
@require_POST
def session_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    session = _session_or_404(request, pk)
    back = reverse("meetings:facilitate", args=[session.pk])
    if action not in SESSION_TRANSITIONS:
        raise Http404
    try:
        if action == "open":
            services.session_open(actor=request.user, session=session)
            messages.success(
                request, _("The session is open: participants can post opinions.")
            )
        elif action == "close":
            form = forms.CloseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The summary is too long."))
                return redirect(back)
            services.session_close(
                actor=request.user,
                session=session,
                summary=form.cleaned_data["summary"],
            )
            messages.success(
                request, _("The session is closed. Its minutes are public.")
            )
            return redirect("meetings:session", session.pk)
        else:
            services.session_cancel(actor=request.user, session=session)
            messages.success(request, _("The session was cancelled."))
    except DomainError as error:
        if isinstance(error, NotAllowed | RateLimited):
            return _refused(request, error, back=session.get_absolute_url())
        messages.error(request, str(error.message))
    return redirect(back)


# --- taking part ----------------------------------------------------------------------


@require_POST
def opinion_create(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    back = f"{session.get_absolute_url()}#opinion-form"
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["body"][0])
        return redirect(back)
    try:
        services.opinion_post(
            idempotency_key=idempotency.key_from(request),
            session=session,
            body=form.cleaned_data["body"],
            author=request.user if request.user.is_authenticated else None,
            guest=None if request.user.is_authenticated else _guest(request),
        )
    except DomainError as error:
        if error.code == "not_authenticated":
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(back)
        if error.code == "guest_name":  # the name form is on the page
            messages.error(request, str(error.message))
            return redirect(back)
        return _refused(request, error, back=back)
    messages.success(request, _("Your opinion was posted."))
    return redirect(f"{session.get_absolute_url()}#opinion-form")


@require_POST
def guest_join(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = forms.GuestForm(request.POST)
    back = f"{session.get_absolute_url()}#opinion-form"
    if not form.is_valid():
        messages.error(request, form.errors["name"][0])
        return redirect(back)
    existing = _guest(request)
    key = existing.key if existing else secrets.token_hex(16)
    try:
        guest = services.guest_join(
            user=request.user, session=session, name=form.cleaned_data["name"], key=key
        )
    except DomainError as error:
        return _refused(request, error, back=back)
    if request.session.session_key is None:
        request.session.save()
    request.session[GUEST_SESSION_KEY] = {"name": guest.name, "key": guest.key}
    messages.success(
        request,
        _("Welcome, %(name)s. You can post your opinions now.") % {"name": guest.name},
    )
    return redirect(back)


@require_POST
def guest_leave(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    request.session.pop(GUEST_SESSION_KEY, None)
    return redirect(session.get_absolute_url())


OPINION_ACTIONS = {
    "highlight",
    "unhighlight",
    "pin",
    "unpin",
    "hide",
    "unhide",
    "theme",
}


@login_required
@require_POST
def opinion_action(
    request: HttpRequest, pk: int, opinion_id: int, action: str
) -> HttpResponse:
    if action not in OPINION_ACTIONS:
        raise Http404
    session = _session_or_404(request, pk)
    opinion = _opinion_or_404(session, opinion_id)
    back = request.POST.get("next") or ""
    if back not in ("facilitate", "session"):
        back = "facilitate"
    back_url = reverse(f"meetings:{back}", args=[session.pk]) + f"#opinion-{opinion.pk}"
    user = request.user
    try:
        if action in ("highlight", "unhighlight"):
            services.opinion_highlight(
                actor=user, opinion=opinion, highlighted=action == "highlight"
            )
        elif action in ("pin", "unpin"):
            services.opinion_pin(actor=user, opinion=opinion, pinned=action == "pin")
        elif action == "hide":
            form = forms.HideForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The explanation is too long."))
                return redirect(back_url)
            services.opinion_hide(
                actor=user,
                opinion=opinion,
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
            )
        elif action == "unhide":
            services.opinion_unhide(actor=user, opinion=opinion)
        else:
            form = forms.ThemeAssignForm(request.POST, session=session)
            if not form.is_valid():
                messages.error(
                    request,
                    form.errors.get("theme", [_("That theme does not exist.")])[0],
                )
                return redirect(back_url)
            services.opinion_set_theme(
                actor=user, opinion=opinion, theme=form.cleaned_data["theme"]
            )
    except DomainError as error:
        if isinstance(error, NotAllowed | RateLimited):
            return _refused(request, error, back=back_url)
        messages.error(request, str(error.message))
        return redirect(back_url)
    return redirect(back_url)


@login_required
@require_POST
def theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    back = reverse("meetings:facilitate", args=[session.pk]) + "#themes"
    form = forms.ThemeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["name"][0])
        return redirect(back)
    try:
        services.theme_create(
            idempotency_key=idempotency.key_from(request),
            actor=request.user,
            session=session,
            name=form.cleaned_data["name"],
        )
    except DomainError as error:
        if isinstance(error, NotAllowed | RateLimited):
            return _refused(request, error, back=back)
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(request, _("The theme was added."))
    return redirect(back)


@login_required
@require_POST
def theme_delete(request: HttpRequest, pk: int, theme_id: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    back = reverse("meetings:facilitate", args=[session.pk]) + "#themes"
    theme = session.themes.filter(pk=theme_id).first() if theme_id <= MAX_ID else None
    if theme is None:
        raise Http404
    try:
        services.theme_delete(actor=request.user, theme=theme)
    except DomainError as error:
        return _refused(request, error, back=back)
    messages.success(
        request, _("The theme was removed; its opinions are kept without a theme.")
    )
    return redirect(back)


# --- proposals from opinions ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def opinion_draft(request: HttpRequest, pk: int, opinion_id: int) -> HttpResponse:
    """A facilitator drafts a proposal from an opinion, for its author to publish."""
    session = _session_or_404(request, pk)
    opinion = _opinion_or_404(session, opinion_id)
    back = reverse("meetings:facilitate", args=[session.pk]) + f"#opinion-{opinion.pk}"
    refusal = rules.draft_refusal(request.user, opinion)
    if refusal is not None:
        return _refused(request, refusal, back=back)
    status = 200
    if request.method == "POST":
        form = forms.DraftForm(request.POST)
        if form.is_valid():
            try:
                services.opinion_draft_proposal(
                    actor=request.user,
                    opinion=opinion,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                status = doors.form_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The draft was sent to %(name)s, who can publish it as "
                        "their proposal."
                    )
                    % {"name": opinion.display_name},
                )
                return redirect(back)
        else:
            status = 400
    else:
        when = timezone.localtime(session.opened_at or session.starts_at)
        provenance = _("Raised in the live session “%(title)s” on %(date)s.") % {
            "title": session.title,
            "date": when.strftime("%Y-%m-%d"),
        }
        form = forms.DraftForm(
            initial={
                "title": opinion.body[:60].split("\n")[0],
                "body": f"{opinion.body}\n\n{provenance}",
            }
        )
    return render(
        request,
        "meetings/draft_form.html",
        {"form": form, "session": session, "opinion": opinion, "back": back},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The author reviews a draft, then publishes it as their proposal or declines."""
    if draft_id > MAX_ID:
        raise Http404
    draft = (
        ProposalDraft.objects.select_related(
            "opinion", "opinion__session", "opinion__session__process", "created_by"
        )
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or draft.opinion.author_id != request.user.pk:
        raise Http404
    session = draft.opinion.session
    process = session.process
    status = 200
    form = forms.DraftReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"title": draft.title, "body": draft.body},
        process=process,
    )
    if request.method == "POST":
        if request.POST.get("decision") == "decline":
            try:
                services.draft_decline(actor=request.user, draft=draft)
            except DomainError as error:
                return _refused(request, error, back=session.get_absolute_url())
            messages.success(
                request, _("You declined the draft. Nothing was published.")
            )
            return redirect(session.get_absolute_url())
        if form.is_valid():
            try:
                proposal = services.draft_publish(
                    author=request.user,
                    draft=draft,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    category=form.cleaned_data["category"],
                    area=form.cleaned_data["area"],
                )
            except DomainError as error:
                status = doors.form_error(form, error)
            else:
                messages.success(request, _("Your proposal was published."))
                return redirect(proposal.get_absolute_url())
        else:
            status = 400
    return render(
        request,
        "meetings/draft_review.html",
        {
            "form": form,
            "draft": draft,
            "session": session,
            "process": process,
            "refusal": rules.draft_decide_refusal(request.user, draft),
        },
        status=status,
    )


# --- personal fragments ---------------------------------------------------------------
