"""The admin's doors to residents' non-public data, logged; and the privacy records.

The user and e-mail address admins (``accounts.admin.UserAdmin``, allauth's
``EmailAddressAdmin``) show e-mail addresses: they are registered again here as
subclasses that write the access log. The list pages log one entry per account
shown (purpose "administering accounts"), a change page one entry, and the bulk
export action one entry per account exported.
"""

from __future__ import annotations

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.admin import UserAdmin
from participation.accounts.models import User
from participation.csvwriter import csv_chunks
from participation.privacy.access import record_view
from participation.privacy.models import (
    AccessLogEntry,
    AccountDeletion,
    DataKind,
    PolicyDocument,
    Purpose,
)
from participation.spool import spooled_download


def _shown_on_changelist(response: HttpResponse, attr: str = "pk") -> list[int]:
    context = getattr(response, "context_data", None) or {}
    changelist = context.get("cl")
    if changelist is None:
        return []
    return [getattr(obj, attr) for obj in changelist.result_list]


def _log(request: HttpRequest, ids: list[int], what: str) -> None:
    if ids and request.user.is_authenticated:
        record_view(
            viewer=request.user,
            subjects=ids,
            what=what,
            purpose=Purpose.ADMINISTRATION,
            path=request.path,
        )


class LoggedUserAdmin(UserAdmin):
    actions = ("export_accounts",)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", 0) == 200:
            _log(request, _shown_on_changelist(response), DataKind.ADMIN_LIST)
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            request.method == "GET"
            and getattr(response, "status_code", 0) == 200
            and str(object_id).isdigit()
        ):
            _log(request, [int(object_id)], DataKind.RECORD)
        return response

    @admin.action(description=_("Export the selected accounts (CSV)"))
    def export_accounts(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse:
        people = list(
            queryset.order_by("pk").values_list(
                "pk", "real_name", "email", "is_active", "date_joined", "last_login"
            )
        )
        _log(request, [row[0] for row in people], DataKind.BULK_EXPORT)
        stamp = timezone.localtime().strftime("%Y%m%d")
        return spooled_download(
            request,
            csv_chunks(
                ["id", "real_name", "email", "is_active", "date_joined", "last_login"],
                people,
            ),
            content_type="text/csv; charset=utf-8",
            filename=f"accounts-{stamp}.csv",
        )


class LoggedEmailAddressAdmin(EmailAddressAdmin):
    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", 0) == 200:
            _log(request, _shown_on_changelist(response, "user_id"), DataKind.EMAIL)
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            owner = (
                EmailAddress.objects.filter(pk=object_id)
                .values_list("user_id", flat=True)
                .first()
                if str(object_id).isdigit()
                else None
            )
            _log(request, [owner] if owner else [], DataKind.EMAIL)
        return response


for model, model_admin in (
    (User, LoggedUserAdmin),
    (EmailAddress, LoggedEmailAddressAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnly):
    list_display = (
        "created_at",
        "viewer_name",
        "viewer_role",
        "department_name",
        "subject",
        "what",
        "purpose",
    )
    list_filter = ("what", "purpose", "viewer_role")
    list_select_related = ("subject",)
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(AccountDeletion)
class AccountDeletionAdmin(ReadOnly):
    list_display = ("user", "status", "contributions", "requested_at", "erase_after")
    list_filter = ("status", "contributions")
    list_select_related = ("user",)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnly):
    """New versions are published from /staff/policies/ (a new row each time)."""

    list_display = ("kind", "version", "title", "published_at", "requires_acceptance")
    list_filter = ("kind",)
