from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    """Stores the real name from the sign-up form on the user."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account e-mail names the site as configured, not the Sites row."""
        context = {
            "site_name": settings.SITE_NAME or _("Participation"),
            "site_url": settings.SITE_URL,
            **context,
        }
        if "user_display" not in context and context.get("user") is not None:
            context["user_display"] = getattr(context["user"], "real_name", "")
        super().send_mail(template_prefix, email, context)

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.real_name = form.cleaned_data["real_name"]
        user.name_reading = form.cleaned_data.get("name_reading", "")
        if commit:
            user.save()
        return user
