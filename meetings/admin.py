"""Read-only admin for live sessions, opinions and proposal drafts.

Every change goes through the services (permission, audit, live broadcast), from
the facilitator pages; the admin is for looking things up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from meetings.models import LiveSession, Opinion, ProposalDraft


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "process", "status", "starts_at", "allow_guests")
    list_filter = ("status", "allow_guests")
    search_fields = ("title", "venue")
    date_hierarchy = "starts_at"
    list_select_related = ("process",)


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ("id", "session", "author", "guest_name", "created_at", "hidden_at")
    list_filter = ("highlighted",)
    search_fields = ("body", "guest_name")
    list_select_related = ("session", "author")
    exclude = ("guest_key",)


@admin.register(ProposalDraft)
class ProposalDraftAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "created_at", "proposal_id")
    list_filter = ("status",)
