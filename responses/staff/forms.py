"""Forms of the officials' pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.templatetags.participation import tr
from responses.forms import TextField
from responses.models import PROGRESS_MAX
from responses.staff import selectors

STATUS_CHOICES = [
    (selectors.OPEN, _("Still to do (default)")),
    (selectors.PENDING, _("Awaiting a decision")),
    (selectors.OVERDUE, _("Overdue")),
    (selectors.DECIDED, _("Decided")),
    (selectors.DISPUTED, _("Completion disputed")),
    (selectors.ALL, _("All")),
]
ASSIGNMENT_CHOICES = [
    ("", _("Anyone")),
    (selectors.MINE, _("Assigned to me")),
    (selectors.UNASSIGNED, _("Nobody in charge yet")),
    (selectors.UNROUTED, _("Not assigned to any department")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False
    )
    process = forms.ChoiceField(label=_("Process"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    assignment = forms.ChoiceField(
        label=_("Handled by"), choices=ASSIGNMENT_CHOICES, required=False
    )

    def __init__(
        self, *args: Any, choices: selectors.QueueChoices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", _("All processes"))] + [
            (p.slug, tr(p, "title")) for p in choices.processes
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, tr(c, "name")) for c in choices.categories
        ]

    def filters(self) -> selectors.QueueFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return selectors.QueueFilters(
            status=data.get("status") or selectors.OPEN,
            process=data.get("process") or "",
            category=data.get("category") or "",
            assignment=data.get("assignment") or "",
        )


class _LabelledChoice(forms.ModelChoiceField):
    def __init__(self, *args: Any, label_fn: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._label_fn = label_fn

    def label_from_instance(self, obj: Any) -> str:
        return str(self._label_fn(obj))


def _section_label(section: Any) -> str:
    return f"{tr(section.department, 'name')} — {tr(section, 'name')}"


class ReassignForm(forms.Form):
    """Department, section (optional) and official in charge (optional), with
    a note. The section must be one of the department's; the service says so."""

    department = _LabelledChoice(
        label=_("Department"),
        queryset=None,
        empty_label=_("Choose a department"),
        label_fn=lambda d: tr(d, "name"),
        error_messages={"required": _("Choose the department that will answer.")},
    )
    section = _LabelledChoice(
        label=_("Section (optional)"),
        queryset=None,
        required=False,
        empty_label=_("No particular section"),
        label_fn=_section_label,
        error_messages={"invalid_choice": _("Choose one of the sections listed.")},
    )
    assignee = _LabelledChoice(
        label=_("Official in charge (optional, not public)"),
        queryset=None,
        required=False,
        empty_label=_("Nobody in particular"),
        label_fn=lambda u: u.real_name,
        error_messages={"invalid_choice": _("Choose one of the officials listed.")},
    )
    note = TextField(
        label=_("Note (public with a change of department or section)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )

    def __init__(
        self,
        *args: Any,
        departments: Any,
        sections: Any,
        officials: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["section"].queryset = sections
        self.fields["assignee"].queryset = officials


class NoteForm(forms.Form):
    body = TextField(
        label=_("Internal note"),
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen only by the officials of the department handling this proposal "
            "and administrators. Never published."
        ),
    )


class RoutingRuleForm(forms.Form):
    category = _LabelledChoice(
        label=_("Category"),
        queryset=None,
        empty_label=_("Choose a category"),
        label_fn=lambda c: tr(c, "name"),
        error_messages={"required": _("Choose the category the rule routes.")},
    )
    process = _LabelledChoice(
        label=_("Process (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Every process"),
        label_fn=lambda p: tr(p, "title"),
    )
    section = _LabelledChoice(
        label=_("Section that answers"),
        queryset=None,
        empty_label=_("Choose a section"),
        label_fn=_section_label,
        error_messages={"required": _("Choose the section that will answer.")},
    )

    def __init__(
        self, *args: Any, categories: Any, processes: Any, sections: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["process"].queryset = processes
        self.fields["section"].queryset = sections
