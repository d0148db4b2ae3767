"""E-mail deliveries in the admin: dead ones (filter by status) can be retried."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participation.notifications import services
from participation.notifications.models import BouncedAddress, Delivery, Digest


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = (
        "id",
        "kind",
        "recipient",
        "channel",
        "status",
        "skip_reason",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "channel", "skip_reason", "notification__kind")
    list_select_related = ("notification__recipient",)
    date_hierarchy = "created_at"
    actions = ("retry",)

    @admin.display(description=_("kind"))
    def kind(self, obj: Delivery) -> str:
        return obj.notification.kind

    @admin.display(description=_("recipient"))
    def recipient(self, obj: Delivery) -> str:
        return str(obj.notification.recipient)

    @admin.display(description=_("last error"))
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.deliveries_retry(
            delivery_ids=queryset.values_list("pk", flat=True)
        )
        messages.success(
            request,
            ngettext(
                "%(count)d delivery will be tried again.",
                "%(count)d deliveries will be tried again.",
                count,
            )
            % {"count": count},
        )


@admin.register(Digest)
class DigestAdmin(ReadOnly):
    list_display = ("id", "user", "period", "key", "status", "item_count", "sent_at")
    list_filter = ("status", "period", "key")
    list_select_related = ("user",)


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "code", "created_at")
    search_fields = ("email",)
    readonly_fields = ("email", "code", "message", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
