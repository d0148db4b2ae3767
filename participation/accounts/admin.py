"""Admin for people and their roles.

Role grants and revokes go through ``accounts.services`` so that each one is
checked and written to the audit log, exactly as from the command line.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from participation.accounts import services
from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.validators import clean_name_reading, clean_real_name
from participation.audit.services import record
from participation.errors import DomainError

AUDITED_USER_FIELDS = ("real_name", "name_reading", "bio", "is_active", "is_demo")


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["real_name", "name_reading", "bio", "is_active", "is_demo"]

    def clean_real_name(self) -> str:
        return clean_real_name(self.cleaned_data.get("real_name", ""))

    def clean_name_reading(self) -> str:
        return clean_name_reading(self.cleaned_data.get("name_reading", ""))


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """People. No password hash, no permission tables: roles live in role grants.

    Accounts are created by signing up (which verifies the e-mail address) and
    are deactivated rather than deleted; the e-mail address is changed by its
    owner through the verified flow.
    """

    form = UserAdminForm
    list_display = (
        "real_name",
        "email",
        "is_active",
        "is_staff",
        "is_demo",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_demo", "date_joined")
    search_fields = ("real_name", "name_reading", "email")
    ordering = ("-date_joined",)
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("real_name", "name_reading", "bio")}),
        (
            _("Account"),
            {"fields": ("email", "is_active", "is_demo", "date_joined", "last_login")},
        ),
        (_("Roles"), {"fields": ("roles", "is_staff", "is_superuser")}),
    )
    readonly_fields = (
        "email",
        "date_joined",
        "last_login",
        "roles",
        "is_staff",
        "is_superuser",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Roles"))
    def roles(self, obj: User) -> str:
        grants = (
            obj.grants.select_related("process", "department").order_by("role", "id")
            if obj.pk
            else []
        )
        add_url = reverse("admin:accounts_rolegrant_add") + f"?user={obj.pk}"
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (reverse("admin:accounts_rolegrant_change", args=[g.pk]), str(g))
                for g in grants
            ),
        )
        return format_html(
            '<ul class="role-list">{}</ul><a href="{}">{}</a>',
            items or format_html("<li>{}</li>", _("Resident (no staff role)")),
            add_url,
            _("Grant a role"),
        )

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        before = {}
        if change and form.changed_data:
            stored = User.objects.filter(pk=obj.pk).values(*AUDITED_USER_FIELDS)[0]
            before = {k: stored[k] for k in form.changed_data if k in stored}
        super().save_model(request, obj, form, change)
        if before:
            record(
                actor=request.user,
                action="user.admin_change",
                target=obj,
                before=before,
                after={k: getattr(obj, k) for k in before},
            )


class RoleGrantAdminForm(forms.ModelForm):
    """Validated by the same refusal the service raises, so the admin shows the
    reason on the form instead of failing on save."""

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "process", "department", "section", "approver"]

    def __init__(self, *args: Any, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._refused = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = cleaned.get("user")
        role = cleaned.get("role")
        if user is None or not role:
            return cleaned
        refusal = services.role_grant_refusal(
            actor=self.actor,
            user=user,
            role=role,
            process=cleaned.get("process"),
            department=cleaned.get("department"),
            section=cleaned.get("section"),
            approver=bool(cleaned.get("approver")),
        )
        if refusal is not None:
            self._refused = True
            field = refusal.code if refusal.code in self.fields else None
            self.add_error(field, str(refusal))
        return cleaned

    def _post_clean(self) -> None:
        # Our refusal already explains what is wrong; the model's generic
        # constraint messages would only repeat it less clearly.
        if not self._refused:
            super()._post_clean()


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are added or revoked, never edited: revoke and grant again."""

    form = RoleGrantAdminForm
    list_display = (
        "user",
        "role",
        "process",
        "department",
        "section",
        "approver",
        "granted_by",
        "granted_at",
    )
    list_filter = ("role", "department", "process")
    search_fields = ("user__real_name", "user__email")
    list_select_related = (
        "user",
        "process",
        "department",
        "section",
        "granted_by",
    )
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "granted_at")
    ordering = ("-granted_at",)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class BoundForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, actor=actor, **kw)

        return BoundForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["user", "role", "process", "department", "section", "approver"]
        return fields + ["granted_by", "granted_at"] if obj else fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if (
            obj is not None
            and obj.role == Role.ADMIN
            and obj.user_id == request.user.pk
        ):
            return False  # another administrator must do it
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: RoleGrant, form: forms.ModelForm, change: bool
    ) -> None:
        grant = services.role_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            process=obj.process,
            department=obj.department,
            section=obj.section,
            approver=obj.approver,
        )
        obj.pk = grant.pk
        obj.granted_by = grant.granted_by
        obj.granted_at = grant.granted_at
        obj._state.adding = False
        obj._state.db = grant._state.db

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        services.grant_revoke(actor=request.user, grant=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[RoleGrant]
    ) -> None:
        for grant in queryset.select_related("user", "process", "department"):
            try:
                self.delete_model(request, grant)
            except DomainError as refusal:
                self.message_user(request, f"{grant}: {refusal}", messages.ERROR)
