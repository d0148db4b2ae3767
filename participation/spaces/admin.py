"""Admin for departments, categories, areas and processes with their phases.

Every create, change and delete made here is written to the audit log. Phases
of one process may not overlap: a process has at most one current phase.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, RoleGrant
from participation.audit.services import record
from participation.spaces import phases as phase_rules
from participation.spaces.models import Area, Category, Department, Phase, Process
from participation.spaces.slugs import unique_slug


class AuditedAdmin(admin.ModelAdmin):
    """Records ``<model>.create``, ``<model>.change`` (with the changed fields)
    and ``<model>.delete`` for every write made through the admin."""

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.{verb}"

    def save_model(
        self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data if name in form.cleaned_data]
        if change and not fields:
            return
        record(
            actor=request.user,
            action=self._action("change" if change else "create"),
            target=obj,
            after={"fields": fields},
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(
            actor=request.user,
            action=self._action("delete"),
            target=obj,
            before={"repr": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")
    ordering = ("code",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Departments carry officials and a history of answers: rename instead.
        return False


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class PhaseInlineFormSet(BaseInlineFormSet):
    """The same rules as the staff form (``spaces.phases``): a phase's flags fit
    its kind, it ends after it starts, and phases do not overlap."""

    def clean(self) -> None:
        super().clean()
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("kind"):
                refusal = phase_rules.flags_refusal(
                    data["kind"], {f: data.get(f, False) for f in phase_rules.FLAGS}
                )
                if refusal is not None:
                    form.add_error(next(iter(refusal.field_errors)), str(refusal))
            starts, ends = data.get("starts_at"), data.get("ends_at")
            if starts is None or ends is None:
                continue
            refusal = phase_rules.span_refusal(starts, ends)
            if refusal is not None:
                form.add_error("ends_at", str(refusal))
                continue
            spans.append(phase_rules.Span(starts, ends, data.get("title") or ""))
        refusal = phase_rules.overlap_refusal(spans)
        if refusal is not None:
            raise forms.ValidationError(str(refusal))


class PhaseInline(admin.StackedInline):
    model = Phase
    formset = PhaseInlineFormSet
    extra = 0
    ordering = ("starts_at",)
    fieldsets = (
        (None, {"fields": (("kind", "starts_at", "ends_at"), ("title", "title_en"))}),
        (
            _("What residents may do"),
            {
                "fields": (
                    ("allows_proposing", "allows_supporting", "allows_commenting"),
                )
            },
        ),
        (
            _("Description"),
            {"fields": ("description", "description_en"), "classes": ("collapse",)},
        ),
    )


@admin.register(Process)
class ProcessAdmin(AuditedAdmin):
    list_display = (
        "title",
        "slug",
        "status",
        "current_phase_title",
        "support_threshold",
        "response_days",
        "position",
    )
    list_filter = ("status",)
    search_fields = ("title", "title_en", "slug")
    filter_horizontal = ("categories", "areas")
    inlines = [PhaseInline]
    readonly_fields = ("created_at", "facilitators")
    fieldsets = (
        (None, {"fields": ("title", "title_en", "slug", "status", "position")}),
        (
            _("Texts"),
            {"fields": ("summary", "summary_en", "description", "description_en")},
        ),
        (_("Scope"), {"fields": ("categories", "areas")}),
        (_("Rules"), {"fields": ("support_threshold", "response_days")}),
        (_("People"), {"fields": ("facilitators", "created_at")}),
    )

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        slug = form.base_fields.get("slug")
        if slug is not None:
            slug.required = False
            slug.help_text = _(
                "Leave it empty to make one from the English title, or from the "
                "Japanese title romanised."
            )
        return form

    def save_model(
        self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool
    ) -> None:
        assert isinstance(obj, Process)
        if not obj.slug:
            obj.slug = unique_slug(
                Process.objects.all(),
                title=obj.title,
                title_en=obj.title_en,
                exclude_pk=obj.pk,
            )
        super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Process]:
        return super().get_queryset(request).prefetch_related("phases")

    @admin.display(description=_("current phase"))
    def current_phase_title(self, obj: Process) -> str:
        phase = obj.current_phase
        return phase.title if phase else "—"

    @admin.display(description=_("facilitators"))
    def facilitators(self, obj: Process) -> str:
        if not obj.pk:
            return "—"
        grants = RoleGrant.objects.filter(
            role=Role.FACILITATOR, process=obj
        ).select_related("user")
        add_url = (
            reverse("admin:accounts_rolegrant_add")
            + f"?role={Role.FACILITATOR}&process={obj.pk}"
        )
        items = format_html_join(
            "", "<li>{}</li>", ((grant.user.real_name,) for grant in grants)
        )
        return format_html(
            '<ul>{}</ul><a href="{}">{}</a>',
            items or format_html("<li>{}</li>", _("none yet")),
            add_url,
            _("Add a facilitator"),
        )
