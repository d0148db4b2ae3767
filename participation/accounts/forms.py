from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import User
from participation.accounts.validators import (
    BIO_MAX,
    REAL_NAME_MAX,
    clean_bio,
    clean_name_reading,
    clean_real_name,
)

# Furigana is public, as the name is (docs/ARCHITECTURE.md, "Residents' data").
FURIGANA_HELP = _(
    "Shown publicly under your name, to help others read it. Leave it empty if "
    "you prefer."
)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the real name (and its reading) added."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=REAL_NAME_MAX,
        help_text=_(
            "Shown with everything you post, as in a town meeting. Your e-mail "
            "address is never shown."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    name_reading = forms.CharField(
        label=_("Reading of your name (furigana, optional)"),
        max_length=REAL_NAME_MAX,
        required=False,
        help_text=FURIGANA_HELP,
    )
    # Accepting the current terms of use and privacy policy is recorded by
    # participation.privacy (allauth's user_signed_up).
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use and the privacy policy."),
        required=True,
        error_messages={
            "required": _(
                "Please read and accept the terms of use and the privacy policy."
            )
        },
    )
    field_order = [
        "real_name",
        "name_reading",
        "email",
        "password1",
        "password2",
        "accept_terms",
    ]

    def clean_real_name(self) -> str:
        return clean_real_name(self.cleaned_data.get("real_name", ""))

    def clean_name_reading(self) -> str:
        return clean_name_reading(self.cleaned_data.get("name_reading", ""))


class ProfileForm(forms.Form):
    """Edit one's public profile. A plain form (not a ModelForm) so that invalid
    input never touches the signed-in user object shown in the page header."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=REAL_NAME_MAX,
        help_text=_(
            "Shown with everything you post. Changes of name are recorded in the "
            "audit log."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    name_reading = forms.CharField(
        label=_("Reading of your name (furigana, optional)"),
        max_length=REAL_NAME_MAX,
        required=False,
        help_text=FURIGANA_HELP,
    )
    bio = forms.CharField(
        label=_("About you (optional)"),
        max_length=BIO_MAX,
        required=False,
        help_text=_("Up to 300 characters, shown on your public profile."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> ProfileForm:
        return cls(
            data,
            initial={
                "real_name": user.real_name,
                "name_reading": user.name_reading,
                "bio": user.bio,
            },
        )

    def clean_real_name(self) -> str:
        return clean_real_name(self.cleaned_data.get("real_name", ""))

    def clean_name_reading(self) -> str:
        return clean_name_reading(self.cleaned_data.get("name_reading", ""))

    def clean_bio(self) -> str:
        return clean_bio(self.cleaned_data.get("bio", ""))
