"""Forms of the department set-up pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

_CONTACT_HELP = _("The office's, never a person's: it is shown to residents.")


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Lowercase letters, digits and hyphens; used in the scorecard's address."
        ),
    )
    name = forms.CharField(label=_("Public name"), max_length=120)
    name_en = forms.CharField(
        label=_("Public name (English)"), max_length=120, required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phone = forms.CharField(
        label=_("Office phone"),
        max_length=40,
        required=False,
        help_text=_CONTACT_HELP,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Office e-mail"),
        max_length=254,
        required=False,
        help_text=_CONTACT_HELP,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    approval_required = forms.BooleanField(
        label=_("Answers need approval (決裁)"),
        required=False,
        initial=True,
        help_text=_(
            "When on, a draft answer is published only after an approver of the "
            "section or department approves it. Small municipalities may switch "
            "it off."
        ),
    )


class SectionForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lowercase letters, digits and hyphens, unique in the department."),
    )
    name = forms.CharField(label=_("Public name"), max_length=120)
    name_en = forms.CharField(
        label=_("Public name (English)"), max_length=120, required=False
    )
    phone = forms.CharField(
        label=_("Office phone"),
        max_length=40,
        required=False,
        help_text=_CONTACT_HELP,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Office e-mail"),
        max_length=254,
        required=False,
        help_text=_CONTACT_HELP,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=10_000, initial=0
    )
