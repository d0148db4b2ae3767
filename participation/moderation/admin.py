"""Read-only views of moderation data for administrators. Changes go through the
services (the queue pages), so that each one is audited and logged publicly."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from participation.errors import DomainError
from participation.moderation import services
from participation.moderation.models import (
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "content_type",
        "object_id",
        "reason",
        "status",
        "process",
    )
    list_filter = ("status", "reason", "content_type", "process")
    search_fields = ("details",)
    date_hierarchy = "created_at"
    list_select_related = ("content_type", "process")
    raw_id_fields = ("reporter", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "actor_name",
        "subject_name",
        "reason_code",
        "reason",
        "process",
    )
    list_filter = ("kind", "process")
    search_fields = ("actor_name", "subject_name", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("process",)


@admin.register(FacilitatorNote)
class FacilitatorNoteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "author", "content_type", "object_id", "removed_at")
    list_filter = ("process",)
    list_select_related = ("author", "content_type")


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "reason",
        "starts_at",
        "ends_at",
        "lifted_at",
        "created_by",
        "process",
    )
    list_filter = ("process",)
    search_fields = ("user__real_name", "reason")
    list_select_related = ("user", "created_by", "process")
    actions = ["lift_blocks"]

    @admin.action(description=_("Lift the selected blocks"))
    def lift_blocks(self, request: HttpRequest, queryset: Any) -> None:
        lifted = 0
        for block in queryset:
            try:
                services.block_lift(actor=request.user, block=block)
            except DomainError as error:
                self.message_user(request, f"{block}: {error}", messages.WARNING)
            else:
                lifted += 1
        if lifted:
            self.message_user(request, _("Blocks lifted: %(n)d") % {"n": lifted})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields]
