"""Forms for proposals and comments: they parse input; services decide.

Limits come from ``validation.py`` so that forms, services and the API agree. Every
message is Django's translated one or ours through gettext.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.spaces.models import Area, Category, Process
from participation.templatetags.participation import tr
from participation.text import clean_text
from proposals import validation
from proposals.models import Alignment
from proposals.selectors import COMMENT_ORDERS, SORTS, ProposalFilters

# Largest value a database integer key can hold: larger ids cannot exist, and passing
# them on would make SQLite raise OverflowError instead of "not found".
MAX_ID = 2**63 - 1
MAX_SEED = 2**31 - 1


def _readable(value: str) -> str:
    """Normalize user text and refuse bytes that were not valid UTF-8.

    Browsers always send UTF-8; the replacement character means the request was
    garbled on the way, and silently storing it would corrupt the text.
    """
    if "\ufffd" in (value or ""):
        raise ValidationError(
            _(
                "This text contains characters that could not be read. Please "
                "retype it or check your keyboard's encoding."
            ),
            code="encoding",
        )
    return clean_text(value)


class TranslatedChoiceField(forms.ModelChoiceField):
    """Choices of government-authored names (category, area) in the UI language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(tr(obj, "name"))


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        min_length=validation.TITLE_MIN,
        max_length=validation.TITLE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
    )
    body = forms.CharField(
        label=_("Your proposal"),
        min_length=validation.BODY_MIN,
        max_length=validation.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    category = TranslatedChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label="—"
    )
    area = TranslatedChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        empty_label="—",
        help_text=_("The municipality or district the proposal concerns."),
    )
    location_text = forms.CharField(
        label=_("Location (optional)"),
        required=False,
        max_length=validation.LOCATION_MAX,
        help_text=_("A street, a facility or a landmark, if it is about one place."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        categories = list(process.categories.all())
        areas = list(process.areas.all())
        category_field = self.fields["category"]
        area_field = self.fields["area"]
        assert isinstance(category_field, forms.ModelChoiceField)
        assert isinstance(area_field, forms.ModelChoiceField)
        category_field.queryset = Category.objects.filter(
            pk__in=[c.pk for c in categories]
        )
        area_field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
        # A process without categories (or areas) does not ask for one.
        category_field.required = bool(categories)
        area_field.required = bool(areas)
        if not categories:
            del self.fields["category"]
        if not areas:
            del self.fields["area"]
        # Interpolated here, in the request's language (a lazy string formatted at
        # import time would be frozen in the default language).
        self.fields["title"].help_text = gettext(
            "Between %(min)d and %(max)d characters. Say in one sentence what you "
            "ask for."
        ) % {"min": validation.TITLE_MIN, "max": validation.TITLE_MAX}
        self.fields["body"].help_text = gettext(
            "Between %(min)d and %(max)d characters: what is the problem, what should "
            "change, who would benefit. You can use **bold**, *italics*, lists "
            "starting with “-”, and links."
        ) % {"min": validation.BODY_MIN, "max": validation.BODY_MAX}

    def clean_title(self) -> str:
        return _readable(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])

    def clean_location_text(self) -> str:
        return _readable(self.cleaned_data["location_text"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "category": data.get("category"),
            "area": data.get("area"),
            "location_text": data.get("location_text", ""),
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        min_length=validation.COMMENT_MIN,
        max_length=validation.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown under your real name. Be specific and respectful; you can use "
            "**bold**, *italics*, lists and links."
        ),
    )
    alignment = forms.ChoiceField(
        label=_("Your position"),
        choices=Alignment.choices,
        initial=Alignment.NEUTRAL,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    alignment = CommentForm.base_fields["alignment"]

    def clean_body(self) -> str:
        return _readable(self.cleaned_data["body"])


class ProposalFilterForm(forms.Form):
    """The list page's filters. Anything not understood falls back to its default,
    and the page says what was ignored."""

    STATES = (
        ("", _("Open")),
        ("threshold", _("Reached the support threshold")),
        ("withdrawn", _("Withdrawn")),
        ("all", _("All")),
    )
    SORT_LABELS = {
        "newest": _("Newest"),
        "most_supported": _("Most supported"),
        "most_commented": _("Most commented"),
        "random": _("Random"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    seed = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SEED, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = ("", _("All"))
        category_field = self.fields["category"]
        area_field = self.fields["area"]
        sort_field = self.fields["sort"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(area_field, forms.ChoiceField)
        assert isinstance(sort_field, forms.ChoiceField)
        category_field.choices = [any_] + [
            (c.slug, tr(c, "name")) for c in process.categories.all()
        ]
        area_field.choices = [any_] + [
            (a.slug, tr(a, "name")) for a in process.areas.all()
        ]
        sort_field.choices = [(key, self.SORT_LABELS[key]) for key in SORTS]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "enterkeyhint": "search"}
        )

    def filters(self) -> tuple[ProposalFilters, list[str]]:
        """The filters to apply, and a message for each value that was ignored."""
        self.is_valid()
        data = self.cleaned_data
        ignored = []
        for name, errors in self.errors.items():
            label = self.fields[name].label or name
            ignored.append(
                _("%(field)s: %(error)s The default was used instead.")
                % {"field": label, "error": " ".join(str(e) for e in errors)}
            )
        filters = ProposalFilters(
            category=data.get("category") or "",
            area=data.get("area") or "",
            state=data.get("state") or "",
            q=_readable_query(data.get("q") or ""),
            sort=data.get("sort") or "newest",
            seed=data.get("seed") or 0,
        )
        return filters, ignored


def _readable_query(value: str) -> str:
    # A garbled search term can never match; drop the unreadable characters.
    return clean_text(value.replace("\ufffd", " "))


def comment_order(value: str | None) -> str:
    return value if value in COMMENT_ORDERS else "oldest"


def thread_page_number(value: str | None) -> int:
    """``?cpage=``: a page of the thread, 1 for anything that is not one."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def comment_anchor(value: str | None) -> int | None:
    """``?comment=``: the id of a comment to open the thread at, if it is one."""
    if not value or not value.isdigit() or int(value) > MAX_ID:
        return None
    return int(value)


def vote_value(value: str | None) -> int | None:
    return {"up": 1, "down": -1}.get(value or "")


def similar_limit() -> int:
    return int(getattr(settings, "SIMILAR_PROPOSALS_LIMIT", 5))
