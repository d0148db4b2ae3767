"""The Django admin, open only to administrators who use two-factor authentication.

``participation.accounts.admin_apps.StaffAdminConfig`` replaces
``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site`` is a
:class:`StaffAdminSite`. Signing in goes through allauth (and
so through its second factor); the admin's own password form is never used, and
an administrator without MFA (other than a demo account while DEBUG is on) is
sent to set it up instead of being let in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from participation.accounts.rules import is_admin, needs_mfa


class StaffAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Participation administration")
    site_title = gettext_lazy("Participation administration")
    index_title = gettext_lazy("Site administration")

    def has_permission(self, request: HttpRequest) -> bool:
        """Active administrators whose MFA is in place (rules.is_admin)."""

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(is_admin(user))

    def _safe_next(self, request: HttpRequest) -> str:
        target = request.GET.get("next") or request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    @method_decorator(never_cache)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Sign in through allauth (password, then the second factor)."""

        target = self._safe_next(request)
        if not request.user.is_authenticated:
            return redirect_to_login(target, login_url=reverse("account_login"))
        if self.has_permission(request):
            return redirect(target)
        if request.user.is_staff and needs_mfa(request.user):
            messages.warning(
                request,
                _(
                    "The administration site needs two-factor authentication. "
                    "Set it up, then open the administration site again."
                ),
            )
            return redirect("mfa_activate_totp")
        raise PermissionDenied(_("The administration site is for administrators."))

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Passwords change on the account pages (which notify and re-authenticate)."""
        return redirect("account_change_password")
