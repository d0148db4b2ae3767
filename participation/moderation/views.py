"""Moderation pages: the queues, the public log, and the forms that call one
service each. Domain errors are answered with their message and status code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation.accounts.rules import is_admin, is_any_facilitator
from participation.accounts.selectors import standing_of
from participation.errors import DomainError, NotAllowed, RateLimited
from participation.idempotency import services as idempotency
from participation.moderation import desk as facilitation
from participation.moderation import registry, rules, selectors, services
from participation.moderation.forms import (
    BlockForm,
    HideForm,
    NoteForm,
    ReasonForm,
    ReportForm,
    RequiredReasonForm,
)
from participation.moderation.models import (
    ActionKind,
    Block,
    FacilitatorNote,
    ReportReason,
)
from participation.spaces.models import Process

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


def _target(kind: str, pk: int) -> Any:
    try:
        return selectors.target_for(kind, pk)
    except LookupError as exc:
        raise Http404 from exc


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = render(
        request, "errors/403.html", {"message": error.message}, status=error.status
    )
    return response


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form | None,
    title: str,
    target: Any = None,
    target_kind: str = "",
    submit: str = "",
    danger: bool = False,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "moderation/action_form.html",
        {
            "form": form,
            "title": title,
            "target": target,
            "target_kind": target_kind,
            "submit": submit or title,
            "danger": danger,
            "error": error,
            "next": _next_url(request, ""),
        },
        status=status,
    )
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _handle(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    refusal: DomainError | None,
    perform: Callable[[dict[str, Any]], Any],
    title: str,
    success: str,
    default_next: str,
    target: Any = None,
    target_kind: str = "",
    submit: str = "",
    danger: bool = False,
) -> HttpResponse:
    """GET: the form (or why it is refused). POST: validate, call the service,
    redirect with a message; on refusal, the form again with the reason and the
    error's status code."""
    page = {
        "title": title,
        "target": target,
        "target_kind": target_kind,
        "submit": submit,
        "danger": danger,
    }
    if refusal is not None:
        return _form_page(
            request, form=None, error=refusal, status=refusal.status, **page
        )
    if request.method != "POST":
        return _form_page(request, form=form_class(), **page)
    form = form_class(request.POST)
    if not form.is_valid():
        return _form_page(request, form=form, status=400, **page)
    try:
        perform(form.cleaned_data)
    except DomainError as error:
        if error.field_errors:
            for name in error.field_errors:
                if name in form.fields:
                    form.add_error(name, str(error.message))
        return _form_page(request, form=form, error=error, status=error.status, **page)
    messages.success(request, success)
    return redirect(_next_url(request, default_next))


# --- actions on content -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=ReportForm,
        refusal=rules.report_refusal(request.user, target),
        perform=lambda data: services.report_create(
            idempotency_key=idempotency.key_from(request),
            reporter=request.user,
            target=target,
            reason=data["reason"],
            details=data["details"],
        ),
        title=_("Report this proposal")
        if kind == "proposal"
        else _("Report this comment"),
        submit=_("Send report"),
        success=_("Thank you. The facilitators will review your report."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=HideForm,
        refusal=rules.moderate_refusal(request.user, target),
        perform=lambda data: services.content_hide(
            actor=request.user,
            target=target,
            reason_code=data["reason_code"],
            reason=data["reason"],
        ),
        title=_("Hide this content"),
        submit=_("Hide"),
        danger=True,
        success=_("The content is hidden. The moderation log shows why."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unhide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=ReasonForm,
        refusal=rules.moderate_refusal(request.user, target),
        perform=lambda data: services.content_unhide(
            actor=request.user, target=target, reason=data["reason"]
        ),
        title=_("Restore this content"),
        submit=_("Restore"),
        success=_("The content is visible again."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=ReasonForm,
        refusal=rules.moderate_refusal(request.user, target),
        perform=lambda data: services.reports_dismiss(
            actor=request.user, target=target, reason=data["reason"]
        ),
        title=_("Dismiss the reports"),
        submit=_("Dismiss reports"),
        success=_("The reports were dismissed."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_author(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=BlockForm,
        refusal=rules.moderate_refusal(request.user, target),
        perform=lambda data: services.user_block(
            idempotency_key=idempotency.key_from(request),
            actor=request.user,
            user=target.author,
            reason=data["reason"],
            days=None if data["permanent"] else data["days"],
            target=target,
        ),
        title=_("Block the author"),
        submit=_("Block"),
        danger=True,
        success=_("The author is blocked. The moderation log shows why."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_pin(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    return _handle(
        request,
        form_class=NoteForm,
        refusal=rules.moderate_refusal(request.user, target),
        perform=lambda data: services.note_pin(
            idempotency_key=idempotency.key_from(request),
            actor=request.user,
            target=target,
            body=data["body"],
        ),
        title=_("Pin a facilitator note"),
        submit=_("Pin note"),
        success=_("Your note is pinned."),
        default_next=target.get_absolute_url(),
        target=target,
        target_kind=kind,
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_remove(request: HttpRequest, pk: int) -> HttpResponse:
    note = FacilitatorNote.objects.filter(pk=pk).first()
    if note is None:
        raise Http404
    target = note.target
    return _handle(
        request,
        form_class=ReasonForm,
        refusal=rules.moderate_refusal(request.user, note),
        perform=lambda data: services.note_remove(actor=request.user, note=note),
        title=_("Remove the facilitator note"),
        submit=_("Remove note"),
        success=_("The note was removed."),
        default_next=target.get_absolute_url() if target is not None else "/",
        target=target,
        target_kind=services.kind_of(target) if target is not None else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_comments(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _target("proposal", pk)
    return _handle(
        request,
        form_class=RequiredReasonForm,
        refusal=rules.moderate_refusal(request.user, proposal),
        perform=lambda data: services.comments_close(
            actor=request.user, proposal=proposal, reason=data["reason"]
        ),
        title=_("Close comments"),
        submit=_("Close comments"),
        success=_("Comments on this proposal are closed."),
        default_next=proposal.get_absolute_url(),
        target=proposal,
        target_kind="proposal",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen_comments(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _target("proposal", pk)
    return _handle(
        request,
        form_class=ReasonForm,
        refusal=rules.moderate_refusal(request.user, proposal),
        perform=lambda data: services.comments_reopen(
            actor=request.user, proposal=proposal, reason=data["reason"]
        ),
        title=_("Reopen comments"),
        submit=_("Reopen comments"),
        success=_("Comments on this proposal are open again."),
        default_next=proposal.get_absolute_url(),
        target=proposal,
        target_kind="proposal",
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_lift(request: HttpRequest, pk: int) -> HttpResponse:
    block = Block.objects.select_related("user", "process").filter(pk=pk).first()
    if block is None:
        raise Http404
    default = (
        services.queue_url(block.process)
        if block.process_id
        else reverse("moderation:site_queue")
    )
    return _handle(
        request,
        form_class=ReasonForm,
        refusal=rules.lift_block_refusal(request.user, block),
        perform=lambda data: services.block_lift(
            actor=request.user, block=block, reason=data["reason"]
        ),
        title=_("Lift the block on %(name)s") % {"name": block.user.real_name},
        submit=_("Lift block"),
        success=_("The block was lifted."),
        default_next=default,
    )


# --- pages ---------------------------------------------------------------------------


def _queue_page(
    request: HttpRequest, *, process: Process | None, template_context: dict[str, Any]
) -> HttpResponse:
    kind = request.GET.get("type", "")
    kind = kind if kind in registry.words() else ""
    reason = request.GET.get("reason", "")
    reason = reason if reason in ReportReason.values else ""
    groups = selectors.queue_groups(process=process, kind=kind, reason=reason)
    page_obj = Paginator(groups, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.queue_items(list(page_obj.object_list))
    blocks = list(selectors.active_blocks(process=process)[:100])
    return render(
        request,
        "moderation/queue.html",
        {
            **template_context,
            "page_obj": page_obj,
            "items": items,
            "blocks": blocks,
            "kind": kind,
            "reason": reason,
            "reasons": ReportReason.choices,
            "hide_form": HideForm(),
            "block_form": BlockForm(),
        },
    )


@login_required
@require_GET
def process_queue(request: HttpRequest, slug: str) -> HttpResponse:
    process = Process.objects.filter(slug=slug).first()
    if process is None:
        raise Http404
    refusal = rules.moderate_refusal(request.user, process)
    if refusal is not None:
        return _refused(request, refusal)
    return _queue_page(request, process=process, template_context={"process": process})


@login_required
@require_GET
def site_queue(request: HttpRequest) -> HttpResponse:
    if not rules.can_view_site_queue(request.user):
        return _refused(
            request,
            NotAllowed(
                _("The site-wide queue is for site facilitators and administrators.")
            ),
        )
    return _queue_page(request, process=None, template_context={"process": None})


@require_GET
def public_log(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = selectors.process_by_slug(slug)
    except Process.DoesNotExist as exc:
        raise Http404 from exc
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActionKind.values else ""
    page_obj = Paginator(
        selectors.public_log(process, kind=kind), LOG_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {
            "process": process,
            "page_obj": page_obj,
            "kind": kind,
            "kinds": ActionKind.choices,
        },
    )


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """/staff/facilitation/: each of my processes with its queue, its public log
    and what the other apps add (live sessions)."""
    if not (is_any_facilitator(request.user) or is_admin(request.user)):
        standing = standing_of(request.user)
        message = (
            _("Set up two-factor authentication before using the facilitator tools.")
            if standing.is_staff_role and not standing.mfa_satisfied
            else _("This page is for facilitators.")
        )
        return _refused(request, NotAllowed(message))
    processes = facilitation.desk_processes(request.user)
    extra: dict[int, list[facilitation.DeskLink]] = {}
    for part in facilitation.parts():
        if part.links is None:
            continue
        for pid, links in part.links(request.user, processes).items():
            extra.setdefault(pid, []).extend(links)
    rows = [{"process": p, "links": extra.get(p.pk, [])} for p in processes]
    return render(
        request,
        "moderation/desk.html",
        {
            "rows": rows,
            "site_wide": facilitation.scope_of(request.user) is None,
            "counts": facilitation.panel_counts(request.user),
        },
    )
