"""Account pages for personal access tokens: /accounts/tokens/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from participation.accounts.selectors import standing_of
from participation.api import services
from participation.api.forms import TokenForm
from participation.api.models import PersonalAccessToken, Scope
from participation.errors import DomainError

RECENTLY_REVOKED = 10


def _can_official(request: HttpRequest) -> bool:
    standing = standing_of(request.user)
    return bool(standing.department_ids or standing.is_admin_role)


def _page(
    request: HttpRequest,
    form: TokenForm,
    *,
    new_token: services.NewToken | None = None,
    status: int = 200,
) -> HttpResponse:
    tokens = PersonalAccessToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "active_tokens": list(tokens.active()),
            "inactive_tokens": list(
                tokens.exclude(pk__in=tokens.active().values("pk"))[:RECENTLY_REVOKED]
            ),
            "new_token": new_token,
            "scope_choices": Scope.choices,
        },
        status=status,
    )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    can_official = _can_official(request)
    if request.method == "GET":
        return _page(request, TokenForm(can_official=can_official))
    form = TokenForm(request.POST, can_official=can_official)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        new_token = services.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except DomainError as error:
        for field in error.field_errors:
            if field in form.fields:
                form.add_error(field, str(error.message))
        if not any(field in form.fields for field in error.field_errors):
            form.add_error(None, str(error.message))
        return _page(request, form, status=error.status)
    # Shown once, on this response only: never cached, never stored.
    return _page(
        request, TokenForm(can_official=can_official), new_token=new_token, status=201
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = PersonalAccessToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=request.user, token=token)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The token “%(name)s” was revoked.") % {"name": token.name}
        )
    return redirect("api_tokens:list")
