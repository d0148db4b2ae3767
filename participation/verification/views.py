"""The resident's verification pages (/accounts/verification/…) and the staff
pages (/staff/verification/…). Each parses its form, calls one service, and
redirects or renders; refusals keep the form with the reason and the status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participation.accounts.selectors import standing_of
from participation.doors import refused, with_retry_after
from participation.errors import DomainError, Invalid, NotAllowed
from participation.idempotency.services import key_from, replayed
from participation.privacy.access import record_view
from participation.privacy.forms import PurposeForm
from participation.privacy.models import DataKind, Purpose
from participation.verification import forms, methods, rules, selectors, services
from participation.verification.methods import code as code_method
from participation.verification.methods import provider as provider_method
from participation.verification.models import Level

_STATE = "verification_provider_state"


def _next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=False
    ):
        return candidate
    return ""


def _form_error(
    request: HttpRequest, template: str, form: Any, error: DomainError, **context: Any
) -> HttpResponse:
    for field, errors in error.field_errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, str(message))
    response = render(
        request,
        template,
        {"form": form, "error": error, "next": _next(request), **context},
        status=error.status,
    )
    return with_retry_after(response, error)


# --- The resident's pages -----------------------------------------------------


@login_required
def status(request: HttpRequest) -> HttpResponse:
    standing = standing_of(request.user)
    return render(
        request,
        "verification/status.html",
        {
            "level": standing.verification_level,
            "level_label": Level(standing.verification_level).label,
            "verifications": selectors.verifications_of(request.user),
            "methods": methods.methods(),
            "counter_help": code_method.counter_help(),
            "refusal": rules.verify_refusal(request.user),
            "next": _next(request),
        },
    )


def _done(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_next(request) or reverse("verification:status"))


@login_required
def code(request: HttpRequest) -> HttpResponse:
    template = "verification/code.html"
    context = {"counter_help": code_method.counter_help()}
    refusal = rules.verify_refusal(request.user)
    if request.method != "POST":
        locked = services.code_locked_until(request.user)
        return render(
            request,
            template,
            {
                "form": forms.CodeForm(),
                "next": _next(request),
                "locked_until": locked,
                "refusal": refusal,
                **context,
            },
            status=refusal.status if refusal else 200,
        )
    form = forms.CodeForm(request.POST)
    if not form.is_valid():
        error = Invalid(_("Please correct the errors below."))
        return _form_error(request, template, form, error, **context)
    try:
        services.code_redeem(
            user=request.user,
            code=form.cleaned_data["code"],
            address=request.META.get("REMOTE_ADDR", ""),
        )
    except DomainError as error:
        return _form_error(request, template, form, error, **context)
    return _done(request, _("Thank you: your residence is confirmed."))


@login_required
def declare(request: HttpRequest) -> HttpResponse:
    template = "verification/declare.html"
    refusal = rules.verify_refusal(request.user)
    if request.method != "POST":
        return render(
            request,
            template,
            {"form": forms.DeclareForm(), "next": _next(request), "refusal": refusal},
            status=refusal.status if refusal else 200,
        )
    form = forms.DeclareForm(request.POST)
    if not form.is_valid():
        error = Invalid(_("Please correct the errors below."))
        return _form_error(request, template, form, error)
    try:
        services.declared_verify(
            user=request.user,
            area=form.cleaned_data["area"],
            postal_code=form.cleaned_data["postal_code"],
        )
    except DomainError as error:
        return _form_error(request, template, form, error)
    return _done(request, _("Thank you: your declaration is recorded."))


@login_required
def provider_start(request: HttpRequest, key: str) -> HttpResponse:
    idp = provider_method.provider(key)
    if idp is None:
        raise Http404
    refusal = rules.verify_refusal(request.user)
    if request.method != "POST" or refusal:
        return render(
            request,
            "verification/provider.html",
            {"provider": idp, "refusal": refusal, "next": _next(request)},
            status=refusal.status if refusal else 200,
        )
    state = services.provider_state()
    request.session[_STATE] = {"state": state, "key": key, "next": _next(request)}
    return_url = request.build_absolute_uri(
        reverse("verification:provider_return", args=[key])
    )
    return redirect(idp.start(request, state=state, return_url=return_url))


@login_required
def provider_return(request: HttpRequest, key: str) -> HttpResponse:
    idp = provider_method.provider(key)
    if idp is None:
        raise Http404
    expected = request.session.pop(_STATE, None) or {}
    given = request.GET.get("state", "")
    back = reverse("verification:status")
    if not given or expected.get("key") != key or expected.get("state") != given:
        return refused(
            request,
            Invalid(
                _(
                    "This answer from the identity provider does not belong to your "
                    "visit (it may have been used already). Please start again."
                ),
                code="provider_state",
            ),
            back=back,
        )
    try:
        assertion = idp.finish(request, state=given)
        services.provider_verify(
            user=request.user, provider_key=key, assertion=assertion
        )
    except DomainError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Thank you: your identity is confirmed."))
    return redirect(expected.get("next") or back)


# --- Staff pages ---------------------------------------------------------------


def _staff_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return refused(request, error, back=reverse("staff:dashboard"))


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    refusal = rules.codes_issue_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    page = Paginator(selectors.batches(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/staff/home.html",
        {"form": forms.IssueForm(), "page": page, "counts": selectors.panel_counts()},
    )


@login_required
@require_POST
def staff_issue(request: HttpRequest) -> HttpResponse:
    refusal = rules.codes_issue_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    form = forms.IssueForm(request.POST)
    page = Paginator(selectors.batches(), 20).get_page(1)
    context = {"page": page, "counts": selectors.panel_counts()}
    if not form.is_valid():
        error = Invalid(_("Please correct the errors below."))
        return _form_error(
            request, "verification/staff/home.html", form, error, **context
        )
    try:
        batch = services.codes_issue(
            actor=request.user,
            count=form.cleaned_data["count"],
            channel=form.cleaned_data["channel"],
            days=form.cleaned_data["days"],
            area=form.cleaned_data["area"],
            note=form.cleaned_data["note"],
            idempotency_key=key_from(request),
        )
    except DomainError as error:
        return _form_error(
            request, "verification/staff/home.html", form, error, **context
        )
    codes = [code_method.display(c) for c in getattr(batch, "clear_codes", [])]
    response = render(
        request,
        "verification/staff/printed.html",
        {
            "batch": batch,
            "codes": codes,
            "replayed": replayed(batch),
            "entry_url": request.build_absolute_uri(reverse("verification:code")),
            "counter_help": code_method.counter_help(),
        },
    )
    # Shown once: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def staff_records(request: HttpRequest) -> HttpResponse:
    refusal = rules.records_view_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.records(query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "verification/staff/records.html",
        {"page": page, "q": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's verification record: the purpose first (GET), then the record
    (POST), written to the resident's data-access log (they see who, when, why)."""
    refusal = rules.records_view_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    verification = selectors.record(pk)
    if verification is None:
        raise Http404
    if request.method == "POST":
        purpose_form = PurposeForm(request.POST)
    else:
        purpose_form = PurposeForm(initial={"purpose": Purpose.VERIFICATION})
    if request.method != "POST" or not purpose_form.is_valid():
        return render(
            request,
            "verification/staff/record_purpose.html",
            {"verification": verification, "form": purpose_form},
            status=400 if request.method == "POST" else 200,
        )
    purpose = purpose_form.cleaned_data["purpose"]
    record_view(
        viewer=request.user,
        subjects=[verification.user],
        what=DataKind.VERIFICATION,
        purpose=purpose,
        path=request.path,
    )
    return render(
        request,
        "verification/staff/record.html",
        {
            "verification": verification,
            "method_label": methods.label_of(verification.method),
            "form": forms.RevokeForm(),
            "can_revoke": rules.revoke_refusal(request.user) is None,
            "purpose_label": Purpose(purpose).label,
        },
    )


@login_required
@require_POST
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = rules.revoke_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    verification = selectors.record(pk)
    if verification is None:
        raise Http404
    form = forms.RevokeForm(request.POST)
    context = {
        "verification": verification,
        "method_label": methods.label_of(verification.method),
        "can_revoke": True,
    }
    if not form.is_valid():
        error = Invalid(_("Please give the reason for revoking."))
        return _form_error(
            request, "verification/staff/record.html", form, error, **context
        )
    try:
        services.verification_revoke(
            actor=request.user,
            verification=verification,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return _form_error(
            request, "verification/staff/record.html", form, error, **context
        )
    messages.success(request, _("The verification was revoked."))
    return redirect("verification:staff_record", pk=pk)


@login_required
def staff_requirements(request: HttpRequest) -> HttpResponse:
    refusal = rules.requirements_refusal(request.user)
    if refusal:
        return _staff_refused(request, refusal)
    template = "verification/staff/requirements.html"
    form = forms.RequirementForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            error: DomainError = Invalid(_("Please correct the errors below."))
            return _form_error(
                request, template, form, error, requirements=selectors.requirements()
            )
        try:
            services.requirement_set(
                actor=request.user,
                process=form.cleaned_data["process"],
                action=form.cleaned_data["action"],
                level=form.cleaned_data["level"],
            )
        except NotAllowed as error:
            return _staff_refused(request, error)
        except DomainError as error:
            return _form_error(
                request, template, form, error, requirements=selectors.requirements()
            )
        messages.success(request, _("The requirement was saved."))
        return redirect("verification:staff_requirements")
    return render(
        request, template, {"form": form, "requirements": selectors.requirements()}
    )
