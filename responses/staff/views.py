"""Officials' pages of the tracker in the staff workspace.

/staff/queue/ is the official's queue (their sections' or departments' tracked
proposals, overdue first); /staff/departments/routing/ the routing table
(category → section) administrators keep. Internal notes are posted here and
shown on the proposal's staff console (/proposals/<id>/tracker/). Each view
parses its form, calls one service, then redirects or renders with the
refusal's message and status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import doors
from participation.errors import DomainError
from participation.idempotency import services as idempotency
from participation.spaces.models import Category, Department, Process, Section
from proposals.models import Proposal
from responses import rules, services
from responses.models import AssignmentRule, TrackerEntry
from responses.staff import forms, selectors
from responses.staff import rules as staff_rules
from responses.staff.scope import scope_of

PER_PAGE = 25
MAX_ID = 2**63 - 1


def _queue_url() -> str:
    return reverse("responses:queue")


def _routing_url() -> str:
    return reverse("responses:routing")


# --- The queue ----------------------------------------------------------------------
@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    refusal = staff_rules.queue_refusal(request.user)
    if refusal is not None:
        return doors.refused(request, refusal, back=reverse("staff:dashboard"))
    form = forms.QueueFilterForm(request.GET or None, choices=selectors.queue_choices())
    status = 400 if request.GET and not form.is_valid() else 200
    filters = form.filters()
    page = Paginator(selectors.queue_entries(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    scope = scope_of(request.user)
    rows = [
        {
            "entry": entry,
            "can_take": entry.assignee_id is None
            and scope.covers(entry.department_id, entry.section_id),
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "responses/staff/queue.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "rows": rows,
            "counts": selectors.official_counts(request.user),
        },
        status=status,
    )


def _entry_by_proposal(pk: int) -> TrackerEntry:
    if pk > MAX_ID:
        raise Http404
    entry = (
        TrackerEntry.objects.select_related(
            "proposal", "department", "section", "assignee", "process"
        )
        .filter(proposal_id=pk, proposal__in=Proposal.objects.public())
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@require_POST
@login_required
def queue_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a proposal of my section for myself (the queue's button)."""
    entry = _entry_by_proposal(pk)
    back = request.POST.get("next") or _queue_url()
    if not back.startswith(_queue_url()):
        back = _queue_url()
    try:
        services.tracker_claim(
            actor=request.user, entry=entry, department=entry.department
        )
    except DomainError as exc:
        return doors.button_error(request, exc, back=back)
    messages.success(
        request,
        _("You now handle “%(title)s”.") % {"title": entry.proposal.title},
    )
    return redirect(back)


# --- Internal notes -------------------------------------------------------------------
@require_POST
@login_required
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_by_proposal(pk)
    back = reverse("responses:manage", args=[entry.proposal_id])
    refusal = staff_rules.note_create_refusal(request.user, entry)
    if refusal is not None:
        return doors.refused(request, refusal, back=back)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect(f"{back}#notes")
    try:
        services.internal_note_create(
            actor=request.user,
            entry=entry,
            body=form.cleaned_data["body"],
            idempotency_key=idempotency.key_from(request),
        )
    except DomainError as exc:
        return doors.button_error(request, exc, back=f"{back}#notes")
    messages.success(request, _("Internal note added."))
    return redirect(f"{back}#notes")


# --- The routing table ----------------------------------------------------------------
def _rule_form(data: Any = None, **kwargs: Any) -> forms.RoutingRuleForm:
    return forms.RoutingRuleForm(
        data,
        categories=Category.objects.all(),
        processes=Process.objects.order_by("position", "-created_at"),
        sections=Section.objects.select_related("department").order_by(
            "department__code", "position", "code"
        ),
        **kwargs,
    )


def _routing_refused(request: HttpRequest) -> HttpResponse | None:
    refusal = staff_rules.routing_setup_refusal(request.user)
    if refusal is not None:
        return doors.refused(request, refusal, back=reverse("staff:dashboard"))
    return None


def _render_routing(
    request: HttpRequest, form: forms.RoutingRuleForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "responses/staff/routing.html",
        {"form": form, "rules": selectors.routing_rules()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def routing(request: HttpRequest) -> HttpResponse:
    refused = _routing_refused(request)
    if refused:
        return refused
    if request.method == "GET":
        return _render_routing(request, _rule_form())
    form = _rule_form(request.POST)
    if not form.is_valid():
        return _render_routing(request, form, status=400)
    try:
        services.assignment_rule_create(
            actor=request.user,
            category=form.cleaned_data["category"],
            process=form.cleaned_data["process"],
            section=form.cleaned_data["section"],
            idempotency_key=idempotency.key_from(request),
        )
    except DomainError as exc:
        if exc.status == 403:
            return doors.refused(request, exc, back=_routing_url())
        return _render_routing(request, form, status=doors.form_error(form, exc))
    messages.success(request, _("Routing rule added."))
    return redirect(_routing_url())


def _rule_or_404(pk: int) -> AssignmentRule:
    if pk > MAX_ID:
        raise Http404
    rule = (
        AssignmentRule.objects.select_related(
            "category", "process", "section", "section__department"
        )
        .filter(pk=pk)
        .first()
    )
    if rule is None:
        raise Http404
    return rule


@require_http_methods(["GET", "POST"])
@login_required
def routing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _routing_refused(request)
    if refused:
        return refused
    rule = _rule_or_404(pk)
    initial = {
        "category": rule.category_id,
        "process": rule.process_id,
        "section": rule.section_id,
    }
    form = _rule_form(
        request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assignment_rule_update(
                    actor=request.user,
                    rule=rule,
                    category=form.cleaned_data["category"],
                    process=form.cleaned_data["process"],
                    section=form.cleaned_data["section"],
                )
            except DomainError as exc:
                if exc.status == 403:
                    return doors.refused(request, exc, back=_routing_url())
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("Routing rule saved."))
                return redirect(_routing_url())
        else:
            status = 400
    return render(
        request,
        "responses/staff/routing_edit.html",
        {"form": form, "rule": rule},
        status=status,
    )


@require_POST
@login_required
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _routing_refused(request)
    if refused:
        return refused
    rule = _rule_or_404(pk)
    try:
        services.assignment_rule_delete(actor=request.user, rule=rule)
    except DomainError as exc:
        return doors.button_error(request, exc, back=_routing_url())
    messages.success(request, _("Routing rule removed."))
    return redirect(_routing_url())


# --- Used by the staff console (responses.views.manage / assign) -------------------
def reassign_form(entry: TrackerEntry, data: Any = None) -> forms.ReassignForm:
    """The console's assignment form: every department and section, and the
    officials of the department handling it now."""
    officials_qs = selectors.officials_queryset(entry.department_id)
    return forms.ReassignForm(
        data,
        departments=Department.objects.order_by("code"),
        sections=Section.objects.select_related("department").order_by(
            "department__code", "position", "code"
        ),
        officials=officials_qs,
        initial={
            "department": entry.department_id,
            "section": entry.section_id,
            "assignee": entry.assignee_id,
        },
    )


def console_context(request: HttpRequest, entry: TrackerEntry) -> dict[str, Any]:
    """What the staff console adds for officials: internal notes (only for
    those who may read them) and the note form."""
    refusal = staff_rules.note_view_refusal(request.user, entry)
    if refusal is not None:
        return {"can_read_notes": False}
    return {
        "can_read_notes": True,
        "can_write_note": staff_rules.note_create_refusal(request.user, entry) is None,
        "notes": selectors.internal_notes(entry),
        "note_form": forms.NoteForm(),
        "can_reassign": rules.assign_refusal(request.user, entry) is None,
    }
