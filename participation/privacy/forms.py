from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.privacy.models import ContributionChoice, PolicyKind, Purpose


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need to open this record?"),
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The resident sees on their “Your data” page that you opened it, when, "
            "and for this purpose."
        ),
    )


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, account number or exact e-mail address"),
        max_length=254,
        required=False,
    )


class LeaveForm(forms.Form):
    contributions = forms.ChoiceField(
        label=_("What becomes of what you posted?"),
        choices=ContributionChoice.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be erased after the waiting period."
        ),
    )


class AcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept these versions."),
    )


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(choices=PolicyKind.choices, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title (Japanese)"), max_length=150)
    body = forms.CharField(
        label=_("Text (Japanese)"),
        max_length=60000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("Paragraphs, **bold**, lists and links, as in proposals."),
    )
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=150, required=False
    )
    body_en = forms.CharField(
        label=_("Text (English)"),
        max_length=60000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    summary = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Shown to residents asked to accept the new version."),
    )
    requires_acceptance = forms.BooleanField(
        label=_("Ask every resident to accept this version"),
        required=False,
        initial=True,
        help_text=_(
            "Leave unticked for a correction that changes nothing of substance."
        ),
    )

    def __init__(self, *args: Any, accepted: bool = True, **kwargs: Any) -> None:
        """``accepted`` False: a document nobody accepts (the accessibility
        policy), without the acceptance box."""
        super().__init__(*args, **kwargs)
        if not accepted:
            del self.fields["requires_acceptance"]
            self.fields["summary"].help_text = _(
                "Shown with the list of versions on the public page."
            )
