from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import User
from participation.accounts.validators import clean_real_name


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the real name (and its reading) added."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=100,
        help_text=_(
            "Shown with everything you post, as in a town meeting. Your e-mail "
            "address is never shown."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    name_reading = forms.CharField(
        label=_("Reading of your name (furigana, optional)"),
        max_length=100,
        required=False,
    )
    field_order = ["real_name", "name_reading", "email", "password1", "password2"]

    def clean_real_name(self) -> str:
        return clean_real_name(self.cleaned_data.get("real_name", ""))

    def clean_name_reading(self) -> str:
        value = self.cleaned_data.get("name_reading", "")
        return clean_real_name(value) if value.strip() else ""

    def save(self, request: Any) -> User:
        user = super().save(request)
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["real_name", "name_reading", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def clean_real_name(self) -> str:
        return clean_real_name(self.cleaned_data.get("real_name", ""))

    def clean_name_reading(self) -> str:
        value = self.cleaned_data.get("name_reading", "")
        return clean_real_name(value) if value.strip() else ""
