from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Stores the real name from the sign-up form on the user."""

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.real_name = form.cleaned_data["real_name"]
        user.name_reading = form.cleaned_data.get("name_reading", "")
        if commit:
            user.save()
        return user
