from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.search import sources
from participation.spaces.models import Process
from participation.templatetags.participation import tr
from portal.search import selectors


class ProcessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Process) -> str:
        return str(tr(obj, "title"))


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=selectors.MAX_QUERY_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters."),
        },
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=lambda: [
            ("", _("Everything")),
            *((kind.slug, kind.label) for kind in sources.public_kinds()),
        ],
    )
    process = ProcessChoiceField(
        label=_("Process"),
        required=False,
        to_field_name="slug",
        empty_label=_("All processes"),
        queryset=Process.objects.public().order_by("position", "-created_at"),
        error_messages={"invalid_choice": _("There is no such process.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *selectors.STATUS_FILTERS.items()],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("relevance", _("Proposals first")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
        ],
    )

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "relevance"
