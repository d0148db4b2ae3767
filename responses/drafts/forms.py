"""Forms of the draft pages: they parse input; the drafting services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from responses.forms import (
    DECISION_CHOICES,
    PROGRESS_CHOICES,
    TextField,
    review_date_field,
)
from responses.models import (
    BODY_MAX,
    COST_MAX,
    DRAFT_TITLE_MAX,
    PROGRESS_MAX,
    REFERRED_TO_MAX,
    RETURN_COMMENT_MAX,
)

MAX_VERSION = 2**31 - 1


def _version() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION
    )


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DraftForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECISION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    body = TextField(
        label=_("Response and reasons"),
        required=False,
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Internal until approved. The published answer is signed by your section "
            "and department."
        ),
    )
    referred_to = TextField(
        label=_("Referred to (for a referral)"),
        required=False,
        max_length=REFERRED_TO_MAX,
        widget=forms.TextInput(),
    )
    change_note = TextField(
        label=_("What changed and why"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
        help_text=_("Shown publicly above the revision."),
    )
    review_on = review_date_field()
    cost_estimate = forms.IntegerField(
        label=_("Cost estimate in yen (optional)"),
        required=False,
        min_value=0,
        max_value=COST_MAX,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
    )
    period_start = _date(_("Execution from (optional)"))
    period_end = _date(_("Execution until (optional)"))
    also = forms.TypedMultipleChoiceField(
        label=_("Also answer these similar proposals with the same response"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    version = _version()

    def __init__(
        self,
        *args: Any,
        candidates: list[Any] = (),  # type: ignore[assignment]
        revision: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if revision:
            del self.fields["also"]
        else:
            del self.fields["change_note"]
            self.fields["also"].choices = [
                (c.pk, f"#{c.proposal_id} {c.proposal.title}") for c in candidates
            ]
            if not candidates:
                self.fields["also"].widget = forms.MultipleHiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", _("The execution period ends before it starts.")
            )
        return data


class VersionForm(forms.Form):
    """A button on a draft: submit, approve, publish, discard."""

    version = _version()


class ReturnForm(forms.Form):
    comment = TextField(
        label=_("What should the author change?"),
        max_length=RETURN_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Internal: only the department sees it."),
    )
    version = _version()


class UseTemplateForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Answer template"), coerce=int)

    def __init__(self, *args: Any, templates: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, t.title) for t in templates]


class TemplateForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, empty_label=None
    )
    title = TextField(label=_("Title"), max_length=DRAFT_TITLE_MAX)
    decision = forms.ChoiceField(
        label=_("Decision it fits (optional)"),
        choices=[("", _("Any decision")), *DECISION_CHOICES],
        required=False,
    )
    body = TextField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Officials can fill a draft with it, then adapt it."),
    )

    def __init__(
        self, *args: Any, departments: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = departments  # type: ignore[attr-defined]
        if editing:
            del self.fields["department"]


class BatchProgressForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(
        label=_("Proposals this update is about"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PROGRESS_CHOICES, widget=forms.RadioSelect
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    happened_on = _date(_("Date"))
    body = TextField(
        label=_("What happened"),
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    link = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(),
    )

    def __init__(self, *args: Any, candidates: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [
            (c.pk, f"#{c.proposal_id} {c.proposal.title}") for c in candidates
        ]
