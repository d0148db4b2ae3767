from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.spaces.models import Process
from portal.opendata.kpis import MONTH_CHOICES
from portal.search.forms import ProcessChoiceField


def _period_choices() -> list[tuple[int, str]]:
    # A callable, so that the labels follow the language of each request.
    return [(n, gettext("Last %(n)d months") % {"n": n}) for n in MONTH_CHOICES]


class StatsForm(forms.Form):
    process = ProcessChoiceField(
        label=_("Process"),
        required=False,
        to_field_name="slug",
        empty_label=_("All processes"),
        queryset=Process.objects.public().order_by("position", "-created_at"),
        error_messages={"invalid_choice": _("There is no such process.")},
    )
    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=12,  # type: ignore[arg-type]
        initial=12,
        choices=_period_choices,
        error_messages={"invalid_choice": _("Choose one of the periods offered.")},
    )
