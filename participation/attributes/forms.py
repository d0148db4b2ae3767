from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.attributes.models import (
    HEAR_ABOUT_MAX,
    PURPOSES,
    AgeBand,
    ResidentAttributes,
)
from participation.spaces.models import Area, Category
from participation.templatetags.participation import tr


class AttributesForm(forms.Form):
    """Every field optional; each says what it is used for (its help text)."""

    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[("", _("Prefer not to say")), *AgeBand.choices],
        help_text=PURPOSES["age_band"],
    )
    area = forms.ModelChoiceField(
        label=_("Municipality you live in"),
        required=False,
        queryset=Area.objects.order_by("name"),
        empty_label=_("Prefer not to say"),
        help_text=PURPOSES["area"],
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        required=False,
        queryset=Category.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=PURPOSES["interests"],
    )
    hear_about = forms.CharField(
        label=_("What would you like to hear about?"),
        required=False,
        max_length=HEAR_ABOUT_MAX,
        help_text=PURPOSES["hear_about"],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    @classmethod
    def for_attributes(
        cls, found: ResidentAttributes | None, data: Any = None
    ) -> AttributesForm:
        initial: dict[str, Any] = {}
        if found is not None:
            initial = {
                "age_band": found.age_band,
                "area": found.area,
                "interests": list(found.interests.all()),
                "hear_about": found.hear_about,
            }
        return cls(data, initial=initial)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].label_from_instance = _localised
        self.fields["interests"].label_from_instance = _localised


def _localised(obj: Any) -> str:
    return str(tr(obj, "name"))
