"""Admin views of the tracker. Public records (revisions, progress updates, events,
answers to disputes) are read-only: changes go through the services, which keep the
history and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from responses.models import (
    DisputeAnswer,
    OutcomeCheck,
    ProgressUpdate,
    Response,
    ResponseComment,
    ResponseRating,
    ResponseRevision,
    TrackerEntry,
    TrackerEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = TrackerEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor_name", "department", "data")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TrackerEntry)
class TrackerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "proposal",
        "department",
        "decision",
        "implementation",
        "response_due_at",
        "decided_at",
    )
    list_filter = ("decision", "implementation", "department", "process")
    search_fields = ("proposal__title",)
    list_select_related = ("proposal", "department")
    inlines = [EventInline]


class RevisionInline(admin.StackedInline):
    model = ResponseRevision
    extra = 0
    can_delete = False
    readonly_fields = (
        "number",
        "decision",
        "body",
        "referred_to",
        "change_note",
        "author_name",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "department", "published_at", "revision_count")
    list_filter = ("department",)
    inlines = [RevisionInline]


admin.site.register(ProgressUpdate, ReadOnlyAdmin)
admin.site.register(DisputeAnswer, ReadOnlyAdmin)
admin.site.register(OutcomeCheck, ReadOnlyAdmin)
admin.site.register(ResponseRating, ReadOnlyAdmin)
admin.site.register(ResponseComment, ReadOnlyAdmin)
