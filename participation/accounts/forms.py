from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, User
from participation.accounts.validators import (
    BIO_MAX,
    REAL_NAME_MAX,
    clean_bio,
    clean_name_reading,
    clean_real_name,
)
from participation.spaces.models import Department, Process, Section

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


def _scope_fields(form: forms.Form) -> None:
    """The scope choices of a role form, read when the form is built."""
    form.fields["process"].queryset = Process.objects.order_by("-created_at")
    form.fields["department"].queryset = Department.objects.order_by("code")
    form.fields["section"].queryset = Section.objects.select_related(
        "department"
    ).order_by("department__code", "position", "code")


class _ScopeForm(forms.Form):
    """Role and scope; which combinations fit is the service's rule, said back
    on the form."""

    process = forms.ModelChoiceField(
        label=_("Process"),
        queryset=None,
        required=False,
        empty_label=_("Whole site"),
        help_text=_("Facilitators only: leave on “Whole site” for every process."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("Officials only: the department they answer for."),
    )
    section = forms.ModelChoiceField(
        label=_("Section (optional)"),
        queryset=None,
        required=False,
        help_text=_("Officials only: a section (課) of that department."),
    )
    approver = forms.BooleanField(
        label=_("Approves the section's draft answers (決裁)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_fields(self)


class GrantForm(_ScopeForm):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_(
            "The address they log in with. Someone without an account yet is "
            "invited instead."
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=(),
        widget=forms.Select(attrs={"data-role-select": ""}),
    )
    field_order = ["email", "role", "process", "department", "section", "approver"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices


class InviteForm(_ScopeForm):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=(),
        widget=forms.Select(attrs={"data-role-select": ""}),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=settings.LANGUAGES
    )
    field_order = [
        "email",
        "role",
        "process",
        "department",
        "section",
        "approver",
        "language",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (Role.FACILITATOR.value, Role.FACILITATOR.label),
            (Role.OFFICIAL.value, Role.OFFICIAL.label),
        ]


class InvitedSignupForm(SignupForm):
    """The sign-up form reached from an invitation: the address is the invited
    one and cannot be changed (a disabled field keeps its initial value whatever
    is posted)."""

    def __init__(self, *args: Any, invited_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = invited_email
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _("The address the invitation was sent to.")
