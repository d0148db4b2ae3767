"""/accounts/invitations/<token>/: the invited person's side of an invitation.

The landing page says who invited whom to what; a person signed in with the
invited address accepts with one button, anybody else is told how to go on
(log in, or create the account from ``…/signup/``). Every bad link gets a page
of its own saying why (``invitations.invitation_from_token``), and nothing is
granted.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.internal import flows
from allauth.account.views import SignupView
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participation.accounts import invitations
from participation.accounts.forms import InvitedSignupForm
from participation.accounts.models import Invitation
from participation.accounts.rules import needs_mfa
from participation.errors import DomainError


def _invalid(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"message": error.message, "code": error.code},
        status=error.status,
    )


def _after_accepting(request: HttpRequest, user: Any) -> HttpResponse:
    """Staff roles need two-factor authentication before they act: lead there."""
    if needs_mfa(user):
        messages.info(
            request,
            _(
                "Your role is ready. Set up two-factor authentication now: staff "
                "actions stay off until you do."
            ),
        )
        return redirect("mfa_activate_totp")
    messages.success(request, _("Your role is ready."))
    return redirect("staff:dashboard")


def _landing(
    request: HttpRequest,
    token: str,
    invitation: Invitation,
    error: DomainError | None = None,
) -> HttpResponse:
    here = reverse("accounts:invitation", args=[token])
    user = request.user if request.user.is_authenticated else None
    refusal = (
        error
        if error is not None
        else invitations.invitation_accept_refusal(user, invitation)
        if user is not None
        else None
    )
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "token": token,
            "refusal": refusal,
            "has_account": invitations.account_for(invitation.email) is not None,
            "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
            "signup_url": reverse("accounts:invitation_signup", args=[token]),
        },
        status=refusal.status if refusal is not None and user is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = invitations.invitation_from_token(token)
    except invitations.InvitationRefused as error:
        return _invalid(request, error)
    if request.method != "POST" or not request.user.is_authenticated:
        return _landing(request, token, found)
    try:
        invitations.invitation_accept(user=request.user, token=token)
    except invitations.InvitationRefused as error:
        return _invalid(request, error)
    except DomainError as error:
        return _landing(request, token, found, error)
    return _after_accepting(request, request.user)


class InvitedSignupView(SignupView):
    """allauth's sign-up (its rate limit, password rules, login afterwards) with
    the invited address fixed and verified, and the role attached in the same
    transaction as the account: both are made, or neither."""

    template_name = "accounts/invitation_signup.html"

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.token = kwargs["token"]
        try:
            self.invitation = invitations.invitation_from_token(self.token)
        except invitations.InvitationRefused as error:
            return _invalid(request, error)
        if request.user.is_authenticated or invitations.account_for(
            self.invitation.email
        ):
            # Existing accounts accept from the landing page, after logging in.
            return redirect("accounts:invitation", token=self.token)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self) -> Any:
        return InvitedSignupForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["invited_email"] = self.invitation.email
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.invitation
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            with transaction.atomic():
                # The address is the invited one (the field is disabled), and
                # following the link proved it: allauth stores it verified.
                get_adapter().stash_verified_email(self.request, self.invitation.email)
                self.user, response = form.try_save(self.request)
                if response is not None or self.user is None:
                    return response
                invitations.invitation_accept(user=self.user, token=self.token)
        except invitations.InvitationRefused as error:
            return _invalid(self.request, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
            return self.form_invalid(form)
        finally:
            get_adapter().unstash_verified_email(self.request)
        try:
            response = flows.signup.complete_signup(
                self.request, user=self.user, redirect_url=reverse("staff:dashboard")
            )
        except ImmediateHttpResponse as exc:
            return exc.response
        if not self.request.user.is_authenticated:
            return response  # a further login step allauth asks for
        return _after_accepting(self.request, self.user)


invitation_signup = InvitedSignupView.as_view()
