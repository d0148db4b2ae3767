"""Doors: the terms, the privacy policy and the accessibility policy, accepting the
first two, leaving, and the administrators' residents' records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation.accounts import personal_data
from participation.accounts.models import User
from participation.doors import form_error, refused
from participation.errors import DomainError
from participation.idempotency.services import key_from
from participation.privacy import a11y_report, record, services
from participation.privacy.access import record_view
from participation.privacy.forms import (
    AcceptForm,
    LeaveForm,
    PolicyForm,
    PurposeForm,
    ResidentSearchForm,
)
from participation.privacy.models import (
    ACCEPTED_KINDS,
    PUBLIC_PAGES,
    DataKind,
    PolicyDocument,
    PolicyKind,
)
from participation.privacy.rules import (
    deletion_request_refusal,
    policy_edit_refusal,
    resident_record_refusal,
)
from participation.spool import spooled_download

RESIDENTS_PER_PAGE = 30


# --- public pages ---------------------------------------------------------------------


def _policy_context(request: HttpRequest, kind: str) -> dict[str, object]:
    """The version asked for (``?version=N``, else the current one) and the list of
    versions; 404 for a version that does not exist."""
    versions = list(
        PolicyDocument.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-version")
        .only("pk", "kind", "version", "published_at", "summary")
    )
    wanted = request.GET.get("version", "")
    chosen = versions[0] if versions else None
    if wanted:
        if not wanted.isdigit():
            raise Http404
        chosen = next((v for v in versions if v.version == int(wanted)), None)
        if chosen is None:
            raise Http404
    document = PolicyDocument.objects.get(pk=chosen.pk) if chosen else None
    return {
        "document": document,
        "versions": versions,
        "is_current": document is not None and document.pk == versions[0].pk,
    }


def _policy_page(request: HttpRequest, kind: str) -> HttpResponse:
    context = _policy_context(request, kind)
    if context["document"] is None:
        raise Http404
    return render(request, "privacy/policy.html", context)


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return _policy_page(request, PolicyKind.TERMS)


@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    return _policy_page(request, PolicyKind.PRIVACY)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility policy (ウェブアクセシビリティ方針) and, under it, the
    latest test results (``a11y_report``). Linked from every page's footer, so it
    answers even before the organisation has published a version."""
    context = _policy_context(request, PolicyKind.ACCESSIBILITY)
    loaded = a11y_report.load()
    context.update(report=loaded.report, report_problem=loaded.problem)
    return render(request, "privacy/accessibility.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    """The new versions of the terms and the privacy policy, to accept. Reading
    the site never waits for this; taking part goes on as before."""
    documents = services.policies_to_accept(request.user)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not documents:
            return redirect(_safe_next(request))
        if form.is_valid():
            services.policies_accept(user=request.user, documents=documents)
            messages.success(request, _("Thank you. Your acceptance is recorded."))
            return redirect(_safe_next(request))
    return render(
        request,
        "privacy/accept.html",
        {"documents": documents, "form": form, "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )


# --- leaving ------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    back = reverse("accounts:personal_data")
    refusal = deletion_request_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal, back=back)
    pending = services.pending_deletion(request.user)
    form = LeaveForm(request.POST if request.method == "POST" and not pending else None)
    status = 200
    if request.method == "POST" and pending is None:
        if form.is_valid():
            try:
                deletion = services.deletion_request(
                    user=request.user,
                    contributions=form.cleaned_data["contributions"],
                    idempotency_key=key_from(request),
                )
            except DomainError as error:
                status = form_error(form, error)
            else:
                logout(request)
                return render(
                    request, "privacy/leave_scheduled.html", {"deletion": deletion}
                )
        else:
            status = 400
    return render(
        request,
        "privacy/leave.html",
        {
            "form": form,
            "pending": pending,
            "days": services.cooling_off().days,
        },
        status=status,
    )


@login_required
@require_POST
def leave_cancel(request: HttpRequest) -> HttpResponse:
    if services.deletion_cancel(user=request.user, via="button"):
        messages.success(request, _("Your account deletion was cancelled."))
    else:
        messages.info(request, _("Your account was not scheduled for deletion."))
    return redirect("accounts:personal_data")


# --- staff: residents' records -----------------------------------------------------


def _staff_refusal(request: HttpRequest) -> HttpResponse | None:
    refusal = resident_record_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal, back=reverse("staff:dashboard"))
    return None


@never_cache
@login_required
@require_GET
def staff_residents(request: HttpRequest) -> HttpResponse:
    """Find a resident (names and account numbers only: nothing to log)."""
    answer = _staff_refusal(request)
    if answer is not None:
        return answer
    form = ResidentSearchForm(request.GET or None)
    people: list[User] = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        condition = Q(real_name__icontains=q) | Q(name_reading__icontains=q)
        if "@" in q:
            condition = Q(email__iexact=q)
        elif q.isdigit():
            condition |= Q(pk=int(q))
        people = list(
            User.objects.filter(condition)
            .only("pk", "real_name", "name_reading", "date_joined", "is_active")
            .order_by("real_name", "pk")[:RESIDENTS_PER_PAGE]
        )
    return render(
        request, "privacy/staff_residents.html", {"form": form, "people": people}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_resident(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's record: the purpose first (GET), then the record (POST),
    logged for the resident to see."""
    answer = _staff_refusal(request)
    if answer is not None:
        return answer
    person = get_object_or_404(User, pk=pk)
    form = PurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        shown = [(section, list(section.rows(person))) for section in record.sections()]
        kinds = {DataKind.RECORD, *(s.what for s, _rows in shown if s.what)}
        for what in sorted(kinds):
            record_view(
                viewer=request.user,
                subjects=[person],
                what=what,
                purpose=purpose,
                path=request.path,
            )
        return render(
            request,
            "privacy/staff_resident.html",
            {
                "person": person,
                "sections": shown,
                "purpose": purpose,
                "purpose_label": dict(form.fields["purpose"].choices)[purpose],
                "export_form": PurposeForm(initial={"purpose": purpose}),
            },
        )
    return render(
        request,
        "privacy/staff_resident_purpose.html",
        {"person": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_POST
def staff_resident_export(
    request: HttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse:
    """The resident's personal data as JSON, for a disclosure request made at the
    counter (開示請求): logged as an export, with its purpose."""
    answer = _staff_refusal(request)
    if answer is not None:
        return answer
    person = get_object_or_404(User, pk=pk)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "privacy/staff_resident_purpose.html",
            {"person": person, "form": form},
            status=400,
        )
    record_view(
        viewer=request.user,
        subjects=[person],
        what=DataKind.EXPORT,
        purpose=form.cleaned_data["purpose"],
        path=request.path,
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return spooled_download(
        request,
        personal_data.export_chunks(person),
        content_type="application/json; charset=utf-8",
        filename=f"personal-data-{person.pk}-{stamp}.json",
        headers={"X-Content-Type-Options": "nosniff"},
    )


# --- staff: the policies ------------------------------------------------------------


@never_cache
@login_required
@require_GET
def staff_policies(request: HttpRequest) -> HttpResponse:
    refusal = policy_edit_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal, back=reverse("staff:dashboard"))
    documents = list(
        PolicyDocument.objects.order_by("kind", "-version").only(
            "pk",
            "kind",
            "version",
            "title",
            "published_at",
            "summary",
            "requires_acceptance",
        )
    )
    return render(
        request,
        "privacy/staff_policies.html",
        {
            "kinds": [
                (
                    kind,
                    label,
                    reverse(PUBLIC_PAGES[PolicyKind(kind)]),
                    [d for d in documents if d.kind == kind],
                )
                for kind, label in PolicyKind.choices
            ]
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_policy_new(request: HttpRequest, kind: str) -> HttpResponse:
    refusal = policy_edit_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal, back=reverse("staff:dashboard"))
    if kind not in PolicyKind.values:
        raise Http404
    current = PolicyDocument.objects.filter(kind=kind).order_by("-version").first()
    accepted = kind in ACCEPTED_KINDS
    initial = {"kind": kind, "requires_acceptance": accepted}
    if current is not None:
        initial.update(
            title=current.title,
            title_en=current.title_en,
            body=current.body,
            body_en=current.body_en,
        )
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["kind"] = kind
    form = PolicyForm(data, initial=initial, accepted=accepted)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                document = services.policy_publish(
                    actor=request.user,
                    idempotency_key=key_from(request),
                    **form.cleaned_data,
                )
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(version)s is published.")
                    % {"version": document.version},
                )
                return redirect("privacy:staff_policies")
    return render(
        request,
        "privacy/staff_policy_form.html",
        {
            "form": form,
            "kind_label": PolicyKind(kind).label,
            "current": current,
            "accepted": accepted,
        },
        status=status,
    )
