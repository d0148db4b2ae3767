"""Process setup in the staff workspace (/staff/processes/…) and the process's
files (its header image and attachments, served with safe headers).

Each view parses the form, calls one service, then redirects with a message or
renders the form again with the refusal and its status (400 invalid input, 403
not allowed, 409 double submit); nothing is written on refusal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import doors, images
from participation.errors import DomainError
from participation.idempotency import services as idempotency
from participation.spaces import forms, rules, selectors, services
from participation.spaces import phases as phase_rules
from participation.spaces.models import Process, ProcessAttachment, ProcessStatus
from participation.spool import stored_file_response

MAX_ID = 2**63 - 1


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return doors.refused(
        request,
        error,
        back=reverse("staff:dashboard"),
        back_label=_("Back to the staff workspace"),
    )


def _process_or_404(pk: int) -> Process:
    process = selectors.process_for_setup(pk) if pk <= MAX_ID else None
    if process is None:
        raise Http404
    return process


def _phase_table() -> list[dict[str, Any]]:
    """The kind → flags table, for the form's legend and its script."""
    rows = []
    for kind, label in forms.PhaseKind.choices:
        rule = phase_rules.rule_for(kind)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "flags": [rule[flag].value for flag in phase_rules.FLAGS],
            }
        )
    return rows


def _phase_rules_attr() -> str:
    return ";".join(f"{row['kind']}:{','.join(row['flags'])}" for row in _phase_table())


def _form_page(
    request: HttpRequest,
    *,
    process: Process | None,
    form: forms.ProcessForm | None = None,
    formset: Any = None,
    attachment_form: forms.AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The setup form: the process, its timeline, and (once it exists) its files.
    Forms not given are drawn from the process as stored."""
    if form is None:
        form = forms.ProcessForm(
            initial=forms.process_initial(process) if process else None,
            has_image=bool(process and process.header_image),
        )
    if formset is None:
        formset = forms.PhaseFormSet(
            prefix="phases",
            initial=[forms.phase_initial(p) for p in process.phases.all()]
            if process
            else None,
        )
    return render(
        request,
        "spaces/staff/process_form.html",
        {
            "form": form,
            "formset": formset,
            "process": process,
            "phase_table": _phase_table(),
            "phase_rules": _phase_rules_attr(),
            "flag_labels": [phase_rules.FLAG_LABELS[f] for f in phase_rules.FLAGS],
            "attachment_form": attachment_form or forms.AttachmentForm(),
            "attachments": list(process.attachments.all()) if process else [],
            "max_attachment": settings.ATTACHMENT_MAX_BYTES,
        },
        status=status,
    )


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    refusal = rules.process_manage_refusal(request.user)
    if refusal:
        return _refused(request, refusal)
    processes = selectors.staff_processes()
    status = request.GET.get("status", "")
    if status in ProcessStatus.values:
        processes = processes.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "spaces/staff/process_list.html",
        {
            "processes": list(processes),
            "status": status,
            "statuses": ProcessStatus.choices,
        },
    )


def _save_failed(form: forms.ProcessForm, error: DomainError) -> int:
    return doors.form_error(form, error)


@login_required
@require_http_methods(["GET", "POST"])
def process_create(request: HttpRequest) -> HttpResponse:
    refusal = rules.process_manage_refusal(request.user)
    if refusal:
        return _refused(request, refusal)
    if request.method == "GET":
        return _form_page(request, process=None)
    form = forms.ProcessForm(request.POST, request.FILES)
    formset = forms.PhaseFormSet(request.POST, prefix="phases")
    status = 400
    if form.is_valid() and formset.is_valid():
        try:
            process = services.process_create(
                idempotency_key=idempotency.key_from(request),
                actor=request.user,
                data=form.to_input(),
                phases=formset.to_inputs(),
                header_image=form.cleaned_data.get("header_image"),
            )
        except DomainError as error:
            status = _save_failed(form, error)
        else:
            messages.success(
                request,
                _("The process was created as a draft. Preview it, then publish it."),
            )
            return redirect("spaces:staff_edit", process.pk)
    return _form_page(request, form=form, formset=formset, process=None, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(pk)
    refusal = rules.process_manage_refusal(request.user, process)
    if refusal:
        return _refused(request, refusal)
    has_image = bool(process.header_image)
    if request.method == "GET":
        return _form_page(request, process=process)
    form = forms.ProcessForm(
        request.POST,
        request.FILES,
        initial=forms.process_initial(process),
        has_image=has_image,
    )
    formset = forms.PhaseFormSet(
        request.POST,
        prefix="phases",
        initial=[forms.phase_initial(p) for p in process.phases.all()],
    )
    status = 400
    if form.is_valid() and formset.is_valid():
        try:
            services.process_update(
                actor=request.user,
                process=process,
                data=form.to_input(),
                phases=formset.to_inputs(),
                header_image=form.cleaned_data.get("header_image"),
                remove_header_image=form.cleaned_data.get("remove_header_image", False),
            )
        except DomainError as error:
            status = _save_failed(form, error)
        else:
            messages.success(request, _("The process was saved."))
            return redirect("spaces:staff_edit", process.pk)
    return _form_page(
        request, form=form, formset=formset, process=process, status=status
    )


def _button(
    request: HttpRequest, pk: int, service: Any, done: str, **extra: Any
) -> HttpResponse:
    process = _process_or_404(pk)
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("spaces:staff_edit", args=[process.pk])
    try:
        result = service(actor=request.user, process=process, **extra)
    except DomainError as error:
        return doors.button_error(request, error, back=back)
    messages.success(request, done)
    if isinstance(result, Process) and result.pk != process.pk:
        return redirect("spaces:staff_edit", result.pk)
    return redirect(back)


@login_required
@require_POST
def process_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _button(
        request, pk, services.process_publish, _("The process is now public.")
    )


@login_required
@require_POST
def process_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _button(
        request,
        pk,
        services.process_archive,
        _("The process was archived: it stays public and closed."),
    )


@login_required
@require_POST
def process_copy(request: HttpRequest, pk: int) -> HttpResponse:
    return _button(
        request,
        pk,
        services.process_copy_for_next_year,
        _(
            "A draft for next year was made from the process, its phases one "
            "year later. Check the titles and dates, then publish it."
        ),
        idempotency_key=idempotency.key_from(request),
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(pk)
    refusal = rules.process_manage_refusal(request.user, process)
    if refusal:
        return _refused(request, refusal)
    attachment_form = forms.AttachmentForm(request.POST, request.FILES)
    status = 400
    if attachment_form.is_valid():
        try:
            services.process_attachment_add(
                idempotency_key=idempotency.key_from(request),
                actor=request.user,
                process=process,
                upload=attachment_form.cleaned_data["file"],
                title=attachment_form.cleaned_data["title"],
                title_en=attachment_form.cleaned_data["title_en"],
            )
        except DomainError as error:
            status = doors.form_error(attachment_form, error)
        else:
            messages.success(request, _("The document was added."))
            return redirect(
                reverse("spaces:staff_edit", args=[process.pk]) + "#attachments"
            )
    return _form_page(
        request, process=process, attachment_form=attachment_form, status=status
    )


@login_required
@require_POST
def attachment_remove(
    request: HttpRequest, pk: int, attachment_id: int
) -> HttpResponse:
    process = _process_or_404(pk)
    attachment = (
        process.attachments.filter(pk=attachment_id).first()
        if attachment_id <= MAX_ID
        else None
    )
    if attachment is None:
        raise Http404
    back = reverse("spaces:staff_edit", args=[process.pk]) + "#attachments"
    try:
        services.process_attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as error:
        return doors.button_error(request, error, back=back)
    messages.success(request, _("The document was removed."))
    return redirect(back)


# --- the process's files, as everyone sees them ----------------------------------


def _cache_headers(process: Process) -> dict[str, str]:
    # A draft's files are for its preview only: never kept by a shared cache.
    if not process.is_public:
        return {"Cache-Control": "private, no-store"}
    return {"Cache-Control": "public, max-age=3600"}


@require_GET
def attachment_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.visible_process(slug, request.user)
    if process is None or pk > MAX_ID:
        raise Http404
    attachment: ProcessAttachment | None = process.attachments.filter(pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return stored_file_response(
        request,
        attachment.file.name,
        content_type="application/pdf",
        filename=attachment.filename,
        as_attachment=True,
        headers={
            **_cache_headers(process),
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@require_GET
def header_image(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.visible_process(slug, request.user)
    if process is None or not process.header_image:
        raise Http404
    name = process.header_image.name
    return stored_file_response(
        request,
        name,
        content_type=images.content_type_of(name),
        as_attachment=False,
        headers={
            **_cache_headers(process),
            "Content-Security-Policy": "default-src 'none'",
        },
    )
