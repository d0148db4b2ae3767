"""Forms of live sessions. Services validate again; forms give early, field-level
feedback and keep what the person typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from meetings import services
from meetings.models import GUEST_NAME_MAX, OPINION_MAX, SessionTheme
from participation.spaces.models import Process

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"invalid": _("Enter a date and time, e.g. 2026-05-01 18:30.")},
    )


class SessionForm(forms.Form):
    process = forms.ModelChoiceField(
        label=_("Process"),
        queryset=Process.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a process you facilitate.")},
    )
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What will be discussed, and how the opinions will be used."),
    )
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=services.VENUE_MAX,
        help_text=_("The hall or room, for an in-person meeting."),
    )
    online_url = forms.CharField(
        label=_("Online link"),
        required=False,
        max_length=300,
        widget=forms.URLInput(),
        help_text=_("A video call or stream address, for people joining online."),
    )
    allow_guests = forms.BooleanField(
        label=_("Guests may take part without an account"),
        required=False,
        help_text=_(
            "They give a name, and their opinions are marked as from guests. "
            "Only opinions from people with an account can become proposals."
        ),
    )

    def __init__(
        self, *args: Any, processes: Any, editing: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes
        if editing:
            del self.fields["process"]


def _opinion_help() -> str:
    return _("At most %(n)d characters. Everyone sees it at once, under your name.") % {
        "n": OPINION_MAX
    }


class OpinionForm(forms.Form):
    body = forms.CharField(
        label=_("Your opinion"),
        max_length=OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": OPINION_MAX}),
        # Formatted when shown, in the reader's language (a lazy string formatted
        # here would be fixed in the language active when the module was imported).
        help_text=lazy(_opinion_help, str)(),
        error_messages={"required": _("Please write your opinion.")},
    )


class GuestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=GUEST_NAME_MAX,
        help_text=_("Shown with your opinions in this session."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Please give the name to show with your opinions.")
        },
    )


class HideForm(forms.Form):
    """Reasons as in moderation: a listed reason plus an explanation."""

    reason_code = forms.CharField(required=False)
    reason = forms.CharField(required=False, max_length=services.REASON_TEXT_MAX)


class ThemeForm(forms.Form):
    name = forms.CharField(
        label=_("New theme"),
        max_length=services.THEME_MAX,
        error_messages={"required": _("Please give the theme a name.")},
    )


class ThemeAssignForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=SessionTheme.objects.none(),
        required=False,
        empty_label=_("No theme"),
        error_messages={"invalid_choice": _("That theme does not exist.")},
    )

    def __init__(self, *args: Any, session: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = SessionTheme.objects.filter(session=session)


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the minutes (optional)"),
        required=False,
        max_length=services.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Published on top of the minutes: what was discussed and what happens next."
        ),
    )


class DraftForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the proposal"), max_length=services.DRAFT_TITLE_MAX
    )
    body = forms.CharField(
        label=_("Proposal"),
        max_length=services.DRAFT_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class DraftReviewForm(forms.Form):
    """The author's last look before publishing: same fields as a new proposal."""

    title = forms.CharField(label=_("Title"), max_length=services.DRAFT_TITLE_MAX)
    body = forms.CharField(
        label=_("Proposal"),
        max_length=services.DRAFT_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("No category")
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("No area")
    )

    def __init__(self, *args: Any, process: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = process.categories.all()
        self.fields["area"].queryset = process.areas.all()
