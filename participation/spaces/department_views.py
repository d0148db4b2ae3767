"""/staff/departments/: administrators set up departments (部) and their sections
(課). Each view parses its form, calls one service, then redirects or renders the
form again with the service's message and status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation import doors
from participation.errors import DomainError
from participation.idempotency import services as idempotency
from participation.spaces import department_services as services
from participation.spaces.department_forms import DepartmentForm, SectionForm
from participation.spaces.department_rules import department_setup_refusal
from participation.spaces.models import Department, Section


def _list_url() -> str:
    return reverse("spaces:staff_departments")


def _department_or_404(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Http404
    return department


def _refused(request: HttpRequest) -> HttpResponse | None:
    refusal = department_setup_refusal(request.user)
    if refusal is not None:
        return doors.refused(request, refusal, back=reverse("staff:dashboard"))
    return None


@require_GET
@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    """Every department with its sections and contacts: two queries."""
    refused = _refused(request)
    if refused:
        return refused
    departments = Department.objects.annotate(
        approvers=Count(
            "official_grants",
            filter=Q(
                official_grants__approver=True,
                official_grants__user__is_active=True,
            ),
        )
    ).prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "code"))
    )
    return render(
        request, "spaces/staff/departments.html", {"departments": departments}
    )


def _form_page(
    request: HttpRequest,
    *,
    form: Any,
    template: str,
    context: dict[str, Any],
    act: Any,
    success: Any,
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = act(form.cleaned_data)
            except DomainError as exc:
                if exc.status == 403:
                    return doors.refused(request, exc, back=_list_url())
                status = doors.form_error(form, exc)
            else:
                messages.success(request, success(obj))
                return redirect(_list_url())
        else:
            status = 400
    return render(request, template, {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    form = DepartmentForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        form=form,
        template="spaces/staff/department_form.html",
        context={"department": None},
        act=lambda data: services.department_create(
            actor=request.user,
            data=data,
            idempotency_key=idempotency.key_from(request),
        ),
        success=lambda d: _("Department “%(name)s” created.") % {"name": d.name},
    )


@require_http_methods(["GET", "POST"])
@login_required
def department_edit(request: HttpRequest, code: str) -> HttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    department = _department_or_404(code)
    initial = {name: getattr(department, name) for name in services.DEPARTMENT_FIELDS}
    form = DepartmentForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return _form_page(
        request,
        form=form,
        template="spaces/staff/department_form.html",
        context={"department": department},
        act=lambda data: services.department_update(
            actor=request.user, department=department, data=data
        ),
        success=lambda d: _("Department “%(name)s” saved.") % {"name": d.name},
    )


@require_http_methods(["GET", "POST"])
@login_required
def section_create(request: HttpRequest, code: str) -> HttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    department = _department_or_404(code)
    form = SectionForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        form=form,
        template="spaces/staff/section_form.html",
        context={"department": department, "section": None},
        act=lambda data: services.section_create(
            actor=request.user,
            department=department,
            data=data,
            idempotency_key=idempotency.key_from(request),
        ),
        success=lambda s: _("Section “%(name)s” created.") % {"name": s.name},
    )


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request: HttpRequest, code: str, section_code: str) -> HttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    department = _department_or_404(code)
    section = Section.objects.filter(department=department, code=section_code).first()
    if section is None:
        raise Http404
    initial = {name: getattr(section, name) for name in services.SECTION_FIELDS}
    form = SectionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return _form_page(
        request,
        form=form,
        template="spaces/staff/section_form.html",
        context={"department": department, "section": section},
        act=lambda data: services.section_update(
            actor=request.user, section=section, data=data
        ),
        success=lambda s: _("Section “%(name)s” saved.") % {"name": s.name},
    )
