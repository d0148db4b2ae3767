from __future__ import annotations

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from participation.site_url import absolute_url, site_url

# Links allauth builds from the request's Host header, rebuilt on SITE_URL.
_SITE_LINKS = {"signup_url": "account_signup"}
_RESET_REQUEST_MAILS = {"account/email/account_already_exists"}

# Failed sign-ins are limited so that a stranger cannot lock the owner out
# (ACCOUNT_RATE_LIMITS in settings; deploy/README.md, "Sign-in limits"):
# - "login_failed", allauth's own: per address, and per account *from one address*
#   (its key is the e-mail address plus the client address, below), so wrong
#   passwords typed elsewhere never count against the owner's own address;
# - LOGIN_FAILED_ACCOUNT, ours: per account from all addresses together, much
#   higher, against guessing spread over many addresses. One address adds at most
#   the per-account-and-address allowance to it, so no single stranger reaches it.
LOGIN_FAILED_ACCOUNT = "login_failed_account"


class AccountAdapter(DefaultAccountAdapter):
    """Stores the real name from the sign-up form on the user."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account e-mail names the site as configured, not the Sites row,
        and links to SITE_URL, whatever Host the request came with."""
        context = {
            "site_name": settings.SITE_NAME or _("Participation"),
            "site_url": site_url(),
            **context,
        }
        for key, name in _SITE_LINKS.items():
            if key in context:
                context[key] = absolute_url(reverse(name))
        if template_prefix in _RESET_REQUEST_MAILS and "password_reset_url" in context:
            context["password_reset_url"] = absolute_url(
                reverse("account_reset_password")
            )
        if "user_display" not in context and context.get("user") is not None:
            context["user_display"] = getattr(context["user"], "real_name", "")
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(
        self, request: HttpRequest | None, emailconfirmation: Any
    ) -> str:
        return absolute_url(
            reverse("account_confirm_email", args=[emailconfirmation.key])
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        # As allauth builds it (one opaque "uid-key" segment), on SITE_URL.
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}
        )
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def _get_login_attempts_cache_key(
        self, request: HttpRequest, **credentials: Any
    ) -> str:
        """allauth's per-account key for failed logins, per client address too
        (IPv6 by allauth's prefix, /64)."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{ratelimit.get_ip(request)}"

    def _account_attempts_key(self, request: HttpRequest, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the address limits (allauth's), then against
        the account's limit from all addresses; a success rolls both back
        (allauth's ``authenticate``)."""
        super().pre_authenticate(request, **credentials)
        account = ratelimit.consume(
            request,
            app="allauth.account",
            action=LOGIN_FAILED_ACCOUNT,
            key=self._account_attempts_key(request, **credentials),
        )
        if not account:
            # No password is checked: this attempt does not count per address.
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(
            usage=[*self._login_failed_rl_usage.usage, *account.usage]
        )

    def _delete_login_attempts_cached_email(
        self, request: HttpRequest, **credentials: Any
    ) -> None:
        """After a password reset (allauth's call): the account's counter from all
        addresses and the one of the address the reset came from start again."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=LOGIN_FAILED_ACCOUNT,
            key=self._account_attempts_key(request, **credentials),
        )

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.real_name = form.cleaned_data["real_name"]
        user.name_reading = form.cleaned_data.get("name_reading", "")
        # E-mails speak the language the person signed up in.
        language = get_language() or settings.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.language = language
        if commit:
            user.save()
        return user
