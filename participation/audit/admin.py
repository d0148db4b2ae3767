"""Administrators browse and filter the audit log here; nobody can change it."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from participation.audit.models import AuditEvent


class ActionPrefixFilter(admin.SimpleListFilter):
    """Filter by area (``moderation``, ``role``, ``response`` …), the part of the
    action before the dot."""

    title = _("area")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = (
            AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        )
        prefixes = sorted({action.split(".", 1)[0] for action in actions})
        return [(prefix, prefix) for prefix in prefixes]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value():
            return queryset.filter(action__startswith=f"{self.value()}.")
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "request_id",
    )
    list_filter = (ActionPrefixFilter, "action", "target_type", "created_at")
    search_fields = ("actor_name", "action", "target_repr", "target_id", "request_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    list_per_page = 100
    show_full_result_count = False
    list_select_related = False
    fields = (
        "created_at",
        "actor",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "before_pretty",
        "after_pretty",
        "request_id",
    )
    readonly_fields = fields

    @admin.display(description=_("before"))
    def before_pretty(self, obj: AuditEvent) -> str:
        return self._pretty(obj.before)

    @admin.display(description=_("after"))
    def after_pretty(self, obj: AuditEvent) -> str:
        return self._pretty(obj.after)

    @staticmethod
    def _pretty(value: Any) -> str:
        if value is None:
            return "—"
        return format_html(
            "<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
