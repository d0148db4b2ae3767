from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.spaces.models import Area, Process
from participation.verification.models import Action, Channel, Level


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("12 letters and digits, as printed (hyphens and spaces optional)."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class DeclareForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Municipality you live in"),
        queryset=Area.objects.exclude(postal_prefixes="").order_by("name"),
        empty_label=_("Choose…"),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=12,
        help_text=_("Seven digits, like 675-0012. It is checked, not kept."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
        ),
    )


class IssueForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of codes"), min_value=1, max_value=500, initial=1
    )
    channel = forms.ChoiceField(
        label=_("Handed over"),
        choices=Channel.choices,
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=180,
        initial=settings.VERIFICATION_CODE_DAYS,
    )
    area = forms.ModelChoiceField(
        label=_("Area (optional)"),
        queryset=Area.objects.order_by("name"),
        required=False,
        help_text=_("The municipality the codes are for, if the counter serves one."),
    )
    note = forms.CharField(
        label=_("Note for staff (optional)"),
        max_length=200,
        required=False,
        help_text=_("E.g. the counter or the mailing. Never a resident's name."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log and shown to the resident."),
    )


class RequirementForm(forms.Form):
    process = forms.ModelChoiceField(
        label=_("Process"), queryset=Process.objects.order_by("position", "id")
    )
    action = forms.ChoiceField(label=_("Action"), choices=Action.choices)
    level = forms.TypedChoiceField(
        label=_("Verification needed"), choices=Level.choices, coerce=int
    )
