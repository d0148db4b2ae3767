"""Forms of the moderation pages. Services validate again: these give field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.moderation.models import ReportReason
from participation.moderation.services import (
    BLOCK_DAYS_MAX,
    NOTE_MAX,
    NOTE_MIN,
    REASON_MAX,
    REPORT_DETAILS_MAX,
)

OTHER_NEEDS_DETAILS = _("Please describe the problem when you choose “Other”.")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=REPORT_DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required for “Other”. Only facilitators read this; it is never "
            "published, and neither is your name."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not data.get("details"):
            self.add_error("details", OTHER_NEEDS_DETAILS)
        return data


class HideForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason…")), *ReportReason.choices],
    )
    reason = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=REASON_MAX,
        help_text=_(
            "Shown publicly in place of the content and in the moderation log."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason_code") == ReportReason.OTHER and not data.get("reason"):
            self.add_error("reason", OTHER_NEEDS_DETAILS)
        return data


class ReasonForm(forms.Form):
    """An optional, public explanation (restore, dismiss, reopen, lift a block)."""

    reason = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Shown publicly in the moderation log."),
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("Shown publicly in the moderation log."),
    )


class BlockForm(forms.Form):
    days = forms.IntegerField(
        label=_("Length (days)"),
        required=False,
        min_value=1,
        max_value=BLOCK_DAYS_MAX,
        initial=7,
    )
    permanent = forms.BooleanField(label=_("Permanent block"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("The person sees this reason; it is also shown in the public log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("permanent"):
            data["days"] = None  # the number of days does not apply
            self.errors.pop("days", None)
        elif "days" not in self.errors and not data.get("days"):
            self.add_error(
                "days", _("Give a number of days or choose a permanent block.")
            )
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Facilitator note"),
        min_length=NOTE_MIN,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A short summary of the discussion or a reminder of the rules. It is "
            "shown at the top of the comments, signed with your name."
        ),
    )
