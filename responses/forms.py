"""Forms for the tracker: they parse input; services decide (limits, transitions,
permissions). Every message is translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from participation.templatetags.participation import tr
from participation.text import clean_text
from responses import selectors
from responses.models import (
    BODY_MAX,
    COMMENT_MAX,
    PROGRESS_MAX,
    REASON_MIN,
    REFERRED_TO_MAX,
    Verdict,
)
from responses.transitions import DECIDED, Decision, Implementation

MAX_ID = 2**63 - 1


def _format_lazy(text: Any, **values: Any) -> str:
    """A translated text with values, translated when shown (not at import)."""
    return lazy(lambda: str(text) % values, str)()


def review_date_field() -> forms.DateField:
    """The optional public review date of a decision (status, publish, revise);
    the services check it fits the decision and lies ahead."""
    return forms.DateField(
        label=_("Review date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "For under review, not adopted or referred: the public date by which "
            "the department will look at it again."
        ),
    )


def _readable(value: str) -> str:
    if "\ufffd" in (value or ""):
        raise ValidationError(
            _(
                "This text contains characters that could not be read. Please "
                "retype it or check your keyboard's encoding."
            ),
            code="encoding",
        )
    return clean_text(value)


class TextField(forms.CharField):
    """A CharField that normalizes text and refuses garbled input."""

    def to_python(self, value: Any) -> str:
        return _readable(super().to_python(value))


DECISION_CHOICES = [(v, label) for v, label in Decision.choices if v in DECIDED]
STATUS_CHOICES = [
    (Decision.ACKNOWLEDGED.value, Decision.ACKNOWLEDGED.label),
    (Decision.UNDER_REVIEW.value, Decision.UNDER_REVIEW.label),
]
PROGRESS_CHOICES = [
    (Implementation.IN_PROGRESS.value, Implementation.IN_PROGRESS.label),
    (Implementation.STALLED.value, Implementation.STALLED.label),
    (Implementation.COMPLETED.value, Implementation.COMPLETED.label),
]
SORT_CHOICES = [
    ("due", _("Overdue first, then by due date")),
    ("age", _("Waiting longest")),
    ("newest", _("Newest in the tracker")),
    ("supports", _("Most supported")),
    ("updated", _("Latest update")),
]


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(tr(obj, "name"))


class ForwardForm(forms.Form):
    note = TextField(
        label=_("Why forward it now? (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )


class ClaimForm(forms.Form):
    department = DepartmentChoiceField(
        label=_("For department"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": _("You can only claim for a department you belong to.")
        },
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, widget=forms.RadioSelect
    )
    note = TextField(
        label=_("Note for residents (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )
    review_on = review_date_field()


class PublishForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    body = TextField(
        label=_("Response and reasons"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_format_lazy(
            _(
                "Shown publicly with your department and your name. Not adopted, "
                "partially accepted and referred need a reason of at least %(n)d "
                "characters."
            ),
            n=REASON_MIN,
        ),
    )
    referred_to = TextField(
        label=_("Referred to (for a referral)"),
        required=False,
        max_length=REFERRED_TO_MAX,
        help_text=_("The body that will handle it, e.g. a city or a ministry."),
        widget=forms.TextInput(),
    )
    review_on = review_date_field()
    also = forms.TypedMultipleChoiceField(
        label=_("Also answer these similar proposals with the same response"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["also"].choices = [
            (c.pk, f"#{c.proposal_id} {c.proposal.title}") for c in candidates
        ]
        if not candidates:
            self.fields["also"].widget = forms.MultipleHiddenInput()


class ReviseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    body = TextField(
        label=_("Response and reasons"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    referred_to = TextField(
        label=_("Referred to (for a referral)"),
        required=False,
        max_length=REFERRED_TO_MAX,
        widget=forms.TextInput(),
    )
    review_on = review_date_field()
    change_note = TextField(
        label=_("What changed and why"),
        max_length=500,
        widget=forms.TextInput(),
        help_text=_("Shown publicly above the revision."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=PROGRESS_CHOICES, widget=forms.RadioSelect
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        help_text=_("From 0 to 100. A completed implementation is at 100."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    happened_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When it happened (today if empty)."),
    )
    body = TextField(
        label=_("What happened"),
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_format_lazy(
            _("For a stalled implementation, say why (at least %(n)d characters)."),
            n=REASON_MIN,
        ),
    )
    link = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(),
    )


class OutcomeForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Is it done?"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    reason = TextField(
        label=_("What is not done? (needed to dispute)"),
        required=False,
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisputeAnswerForm(forms.Form):
    body = TextField(
        label=_("Public answer"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reopen = forms.BooleanField(
        label=_("Reopen the implementation (back to in progress)"), required=False
    )


class RatingForm(forms.Form):
    clear = forms.TypedChoiceField(
        label=_("Is the response clear?"),
        choices=[("yes", _("Clear")), ("no", _("Unclear"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with it?"),
        choices=[("yes", _("Satisfied")), ("no", _("Unsatisfied"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class ResponseCommentForm(forms.Form):
    body = TextField(
        label=_("Your comment on this response"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposal = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )


class TrackerFilterForm(forms.Form):
    """The tracker's filters. Choices come from one set of queries (no per-value
    lookups), so the page's query count does not depend on the filters."""

    process = forms.ChoiceField(label=_("Process"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(label=_("Decision"), required=False)
    implementation = forms.ChoiceField(label=_("Implementation"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    disputed = forms.BooleanField(label=_("Disputed only"), required=False)
    review_due = forms.BooleanField(label=_("Review due only"), required=False)
    entered_from = forms.DateField(
        label=_("Entered from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    entered_to = forms.DateField(
        label=_("Entered until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(
        self, *args: Any, choices: selectors.FilterChoices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["process"].choices = every + [
            (p.slug, tr(p, "title")) for p in choices.processes
        ]
        self.fields["department"].choices = (
            every
            + [(d.code, tr(d, "name")) for d in choices.departments]
            + [("unassigned", _("Not assigned yet"))]
        )
        self.fields["status"].choices = (
            every
            + [("pending", _("Awaiting a decision")), ("decided", _("Decided"))]
            + list(Decision.choices)
        )
        self.fields["implementation"].choices = every + [
            (v, label) for v, label in Implementation.choices if v
        ]
        self.fields["category"].choices = every + [
            (c.slug, tr(c, "name")) for c in choices.categories
        ]
        self.fields["area"].choices = every + [
            (a.slug, tr(a, "name")) for a in choices.areas
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("entered_from"), data.get("entered_to")
        if start and end and start > end:
            raise ValidationError(
                _("The start date must be on or before the end date."),
                code="date_range",
            )
        return data

    def filters(self) -> selectors.TrackerFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.TrackerFilters(
            process=data.get("process") or "",
            department=data.get("department") or "",
            status=data.get("status") or "",
            implementation=data.get("implementation") or "",
            category=data.get("category") or "",
            area=data.get("area") or "",
            overdue=bool(data.get("overdue")),
            disputed=bool(data.get("disputed")),
            review_due=bool(data.get("review_due")),
            entered_from=data.get("entered_from"),
            entered_to=data.get("entered_to"),
            sort=data.get("sort") or "due",
        )
