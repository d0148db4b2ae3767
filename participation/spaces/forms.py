"""The staff forms of process setup: the process with its timeline in one form.

The timeline is a formset of phases with a few empty rows, so that a process with
three phases is set up in one page without JavaScript (``static/js/phases.js``
adds rows and mirrors the kind → flags table while typing). What a kind opens and
how phases may sit on the timeline are checked by ``spaces.phases``, the same
functions the services and the Django admin call.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.spaces import phases as phase_rules
from participation.spaces.models import Area, Category, PhaseKind
from participation.spaces.services import (
    PHASES_MAX,
    PhaseInput,
    ProcessInput,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=200, required=False
    )
    slug = forms.CharField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_(
            "The end of /processes/…/. Leave it empty to make one from the title "
            "(romanised when there is no English title). It cannot change once "
            "the process has been public."
        ),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown on the home page and in lists."),
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Leave an empty line between paragraphs; start a line with “- ” for a "
            "list; web addresses become links."
        ),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_threshold = forms.IntegerField(
        label=_("Support threshold"),
        min_value=1,
        max_value=1_000_000,
        initial=50,
        help_text=_("Supports a proposal needs to enter the response tracker."),
    )
    response_days = forms.IntegerField(
        label=_("Days to respond"),
        min_value=1,
        max_value=3650,
        initial=60,
        help_text=_("Days a department has to decide once a proposal is tracked."),
    )
    header_image = forms.FileField(
        label=_("Header image"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
        help_text=_(
            "Optional. JPEG, PNG or WebP; it is re-encoded and its location data "
            "and other metadata are removed."
        ),
    )
    remove_header_image = forms.BooleanField(
        label=_("Remove the header image"), required=False
    )
    header_image_alt = forms.CharField(
        label=_("Header image description"),
        max_length=200,
        required=False,
        help_text=_(
            "Describe the picture for people who cannot see it; leave it empty "
            "if it is only decoration."
        ),
    )
    header_image_alt_en = forms.CharField(
        label=_("Header image description (English)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, has_image: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_image:
            del self.fields["remove_header_image"]

    def to_input(self) -> ProcessInput:
        data = self.cleaned_data
        return ProcessInput(
            title=data["title"],
            title_en=data["title_en"],
            slug=data["slug"],
            summary=data["summary"],
            summary_en=data["summary_en"],
            description=data["description"],
            description_en=data["description_en"],
            support_threshold=data["support_threshold"],
            response_days=data["response_days"],
            categories=list(data["categories"]),
            areas=list(data["areas"]),
            header_image_alt=data["header_image_alt"],
            header_image_alt_en=data["header_image_alt_en"],
        )


KIND_CHOICES = [("", _("— choose a kind —")), *PhaseKind.choices]


class PhaseForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    title = forms.CharField(label=_("Phase title"), max_length=120)
    title_en = forms.CharField(
        label=_("Phase title (English)"), max_length=120, required=False
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput)
    allows_proposing = forms.BooleanField(
        label=_("Residents may propose"), required=False
    )
    allows_supporting = forms.BooleanField(
        label=_("Residents may support"), required=False
    )
    allows_commenting = forms.BooleanField(
        label=_("Residents may comment"), required=False
    )
    description = forms.CharField(
        label=_("Phase description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Phase description (English)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["data-phase-kind"] = ""
        for flag in phase_rules.FLAGS:
            self.fields[flag].widget.attrs["data-phase-flag"] = flag

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind:
            refusal = phase_rules.flags_refusal(
                kind, {flag: data.get(flag, False) for flag in phase_rules.FLAGS}
            )
            if refusal is not None:
                flag = next(iter(refusal.field_errors), None)
                self.add_error(flag if flag in self.fields else None, str(refusal))
        refusal = phase_rules.span_refusal(data.get("starts_at"), data.get("ends_at"))
        if refusal is not None and data.get("starts_at") and data.get("ends_at"):
            self.add_error("ends_at", str(refusal))
        return data

    def to_input(self) -> PhaseInput:
        data = self.cleaned_data
        return PhaseInput(
            id=data.get("id"),
            kind=data["kind"],
            title=data["title"],
            title_en=data.get("title_en", ""),
            description=data.get("description", ""),
            description_en=data.get("description_en", ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            allows_proposing=data.get("allows_proposing", False),
            allows_supporting=data.get("allows_supporting", False),
            allows_commenting=data.get("allows_commenting", False),
        )


class BasePhaseFormSet(forms.BaseFormSet):
    """The timeline: rows left empty are ignored; the rest must not overlap."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        spans = [
            phase_rules.Span(
                form.cleaned_data["starts_at"],
                form.cleaned_data["ends_at"],
                form.cleaned_data["title"],
            )
            for form in self.kept_forms()
        ]
        refusal = phase_rules.overlap_refusal(spans)
        if refusal is not None:
            raise forms.ValidationError(str(refusal), code=refusal.code)

    def kept_forms(self) -> list[PhaseForm]:
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and (form.has_changed() or form.cleaned_data.get("id"))
        ]

    def to_inputs(self) -> list[PhaseInput]:
        """Every row the person filled in, including deletions of existing ones."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            if data.get("DELETE"):
                if data.get("id"):
                    rows.append(
                        PhaseInput(
                            id=data["id"],
                            kind="",
                            title="",
                            starts_at=None,
                            ends_at=None,
                            delete=True,
                        )
                    )
                continue
            if form.has_changed() or data.get("id"):
                rows.append(form.to_input())
        return rows


PhaseFormSet = forms.formset_factory(
    PhaseForm,
    formset=BasePhaseFormSet,
    extra=3,
    can_delete=True,
    max_num=PHASES_MAX,
    validate_max=True,
    absolute_max=PHASES_MAX,
)


def phase_initial(phase: Any) -> dict[str, Any]:
    return {
        "id": phase.pk,
        "kind": phase.kind,
        "title": phase.title,
        "title_en": phase.title_en,
        "description": phase.description,
        "description_en": phase.description_en,
        "starts_at": phase.starts_at,
        "ends_at": phase.ends_at,
        **{flag: getattr(phase, flag) for flag in phase_rules.FLAGS},
    }


def process_initial(process: Any) -> dict[str, Any]:
    return {
        "title": process.title,
        "title_en": process.title_en,
        "slug": process.slug,
        "summary": process.summary,
        "summary_en": process.summary_en,
        "description": process.description,
        "description_en": process.description_en,
        "categories": list(process.categories.all()),
        "areas": list(process.areas.all()),
        "support_threshold": process.support_threshold,
        "response_days": process.response_days,
        "header_image_alt": process.header_image_alt,
        "header_image_alt_en": process.header_image_alt_en,
    }


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    title_en = forms.CharField(
        label=_("Document title (English)"), max_length=200, required=False
    )
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
