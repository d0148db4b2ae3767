"""/staff/people/: who holds which role, grants and revokes, invitations.

Administrators only (with two-factor authentication). Each view parses a form,
calls one service of ``accounts.services`` or ``accounts.invitations`` and
redirects, or shows the refusal with its status code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation.accounts import invitations, selectors, services
from participation.accounts.forms import GrantForm, InviteForm
from participation.accounts.models import Invitation, Role, RoleGrant
from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.errors import DomainError, NotAllowed
from participation.idempotency import services as idempotency
from participation.spaces.models import Department, Process
from participation.templatetags.participation import tr

PEOPLE_PAGE_SIZE = 50
INVITATIONS_PAGE_SIZE = 50
INVITATION_STATES = ("pending", "expired", "accepted", "revoked")


def admin_refusal(user: Any) -> NotAllowed | None:
    if is_admin(user):
        return None
    standing = standing_of(user)
    if standing.is_admin_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before managing people."),
            code="mfa_required",
        )
    return NotAllowed(
        _("Only administrators can see and change who holds which role."),
        code="not_admin",
    )


def refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request, "errors/403.html", {"message": error.message}, status=error.status
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _form_errors(form: forms.Form, error: DomainError) -> None:
    field = error.code if error.code in form.fields else None
    form.add_error(field, str(error.message))


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    department_id = _int(request.GET.get("department"))
    process_id = _int(request.GET.get("process"))
    query = request.GET.get("q", "")[:100]
    page_obj = Paginator(
        selectors.staff_people(
            role=role,
            department_id=department_id,
            process_id=process_id,
            query=query,
        ),
        PEOPLE_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    filters = {
        key: value
        for key, value in (
            ("role", role),
            ("department", department_id or ""),
            ("process", process_id or ""),
            ("q", query),
        )
        if value
    }
    return render(
        request,
        "accounts/staff/people.html",
        {
            "page_obj": page_obj,
            "roles": Role.choices,
            "departments": Department.objects.order_by("code"),
            "processes": Process.objects.order_by("-created_at"),
            "role": role,
            "department_id": department_id,
            "process_id": process_id,
            "query": query,
            "filter_query": urlencode(filters),
            "pending_invitations": selectors.pending_invitations_count(),
        },
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    someone = selectors.person_for_staff(pk)
    if someone is None:
        raise Http404
    form = GrantForm(initial={"email": someone.email})
    return render(
        request,
        "accounts/staff/person.html",
        {"person": someone, "form": form, "is_self": someone.pk == request.user.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant(request: HttpRequest) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    context: dict[str, Any] = {}
    if request.method != "POST":
        form = GrantForm(initial={k: v for k, v in request.GET.items() if v})
        return render(request, "accounts/staff/grant.html", {"form": form})
    form = GrantForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        user = invitations.account_for(data["email"])
        if user is None:
            context["invite_url"] = (
                reverse("accounts:invitation_create")
                + "?"
                + urlencode(
                    {
                        key: getattr(value, "pk", value)
                        for key, value in data.items()
                        if value not in (None, "", False)
                    }
                )
            )
            form.add_error(
                "email",
                _("Nobody has an account with this address yet. Invite them."),
            )
            status = 404
        else:
            try:
                services.role_grant(
                    actor=request.user,
                    user=user,
                    role=data["role"],
                    process=data["process"],
                    department=data["department"],
                    section=data["section"],
                    approver=data["approver"],
                )
            except DomainError as error:
                _form_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("%(name)s is now %(role)s.")
                    % {"name": user.real_name, "role": Role(data["role"]).label},
                )
                return redirect("accounts:staff_person", pk=user.pk)
    return render(
        request, "accounts/staff/grant.html", {"form": form, **context}, status=status
    )


def _no_approver_left(grant: RoleGrant) -> str:
    return _(
        "%(department)s will have no approver: its answers will be published "
        "without approval (決裁) until someone is named approver."
    ) % {"department": tr(grant.department, "name")}


@login_required
@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    the_grant = (
        RoleGrant.objects.select_related("user", "process", "department", "section")
        .filter(pk=pk)
        .first()
    )
    if the_grant is None:
        raise Http404
    error = services.grant_revoke_refusal(actor=request.user, grant=the_grant)
    last_approver = selectors.last_approver(the_grant)
    if request.method == "POST" and error is None:
        try:
            services.grant_revoke(actor=request.user, grant=the_grant)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("The role was removed from %(name)s.")
                % {"name": the_grant.user.real_name},
            )
            if last_approver:
                messages.warning(request, _no_approver_left(the_grant))
            return redirect("accounts:staff_person", pk=the_grant.user_id)
    return render(
        request,
        "accounts/staff/revoke.html",
        {
            "grant": the_grant,
            "error": error,
            "no_approver_left": _no_approver_left(the_grant) if last_approver else "",
        },
        status=error.status if error is not None else 200,
    )


# --- invitations ---------------------------------------------------------------------


@login_required
@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    state = request.GET.get("state", "pending")
    state = state if state in INVITATION_STATES else "pending"
    page_obj = Paginator(
        selectors.invitations(state=state), INVITATIONS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff/invitations.html",
        {
            "page_obj": page_obj,
            "state": state,
            "states": [
                ("pending", _("Pending")),
                ("expired", _("Expired")),
                ("accepted", _("Accepted")),
                ("revoked", _("Withdrawn")),
            ],
            "filter_query": urlencode({"state": state}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    if request.method != "POST":
        initial = {k: v for k, v in request.GET.items() if v}
        initial.setdefault("language", request.LANGUAGE_CODE)
        return render(
            request, "accounts/staff/invite.html", {"form": InviteForm(initial=initial)}
        )
    form = InviteForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitations.invitation_create(
                idempotency_key=idempotency.key_from(request),
                actor=request.user,
                email=data["email"],
                role=data["role"],
                process=data["process"],
                department=data["department"],
                section=data["section"],
                approver=data["approver"],
                language=data["language"],
            )
        except DomainError as error:
            _form_errors(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is on its way.")
                % {"email": invitation.email},
            )
            return redirect("accounts:invitation_list")
    return render(request, "accounts/staff/invite.html", {"form": form}, status=status)


def _invitation(pk: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("process", "department", "section")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@login_required
@require_http_methods(["POST"])
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    invitation = _invitation(pk)
    try:
        invitations.invitation_resend(actor=request.user, invitation=invitation)
    except DomainError as error:
        return refused(request, error)
    messages.success(
        request,
        _("The invitation to %(email)s was sent again; earlier links no longer work.")
        % {"email": invitation.email},
    )
    return redirect(reverse("accounts:invitation_list") + "?state=pending")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = admin_refusal(request.user)
    if refusal is not None:
        return refused(request, refusal)
    invitation = _invitation(pk)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            invitations.invitation_revoke(actor=request.user, invitation=invitation)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was withdrawn.")
                % {"email": invitation.email},
            )
            return redirect("accounts:invitation_list")
    return render(
        request,
        "accounts/staff/invitation_revoke.html",
        {"invitation": invitation, "error": error},
        status=error.status if error is not None else 200,
    )
