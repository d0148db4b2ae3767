from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.api.models import SCOPE_HELP, Scope

LIFETIMES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("One year")),
    ("", _("No expiry")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “LINE bot” or “research script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[
            (value, f"{label}: {SCOPE_HELP[value]}")
            for value, label in Scope.choices
            if value != Scope.READ
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every token can read. Give it no more than it needs."),
    )
    expires_in_days = forms.ChoiceField(
        label=_("Expires after"), choices=LIFETIMES, required=False, initial="90"
    )

    def __init__(self, *args: object, can_official: bool = False, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not can_official:
            field = self.fields["scopes"]
            field.choices = [  # type: ignore[attr-defined]
                c
                for c in field.choices  # type: ignore[attr-defined]
                if c[0] != Scope.OFFICIAL
            ]

    def clean_expires_in_days(self) -> int | None:
        value = self.cleaned_data.get("expires_in_days")
        return int(value) if value else None
