"""Serializers and helpers shared by every app's API module. Output serializers
read objects prepared by selectors (no queries of their own); input serializers
only check shapes and types: every rule about content is enforced by the services
they feed. Nothing here knows a domain app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from participation.api.models import Scope
from participation.site_url import absolute_url

# -- helpers ---------------------------------------------------------------------


def absolute(context: dict[str, Any], path: str) -> str:
    """Links in API answers are on SITE_URL, whatever Host the client sent (a
    stored link that is already absolute is given as it is)."""
    return absolute_url(path) if path.startswith("/") else path


def validated(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    """The validated data of an input serializer (a 400 with field errors if not)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# -- people ----------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A person as the public sees them: real name and public profile, never more."""

    id = serializers.IntegerField(source="pk")
    real_name = serializers.CharField()
    profile_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_profile_url(self, obj: Any) -> str:
        return absolute(self.context, reverse("accounts:profile", args=[obj.pk]))


def person_ref(context: dict[str, Any], user_id: int | None, name: str) -> Any:
    """A person known by id and the name recorded with a row (no query)."""
    if not user_id:
        return None
    return {
        "id": user_id,
        "real_name": name,
        "profile_url": absolute(context, reverse("accounts:profile", args=[user_id])),
    }


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    profile_url = serializers.URLField()


# -- spaces, as other records refer to them -----------------------------------------


class NamedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CategorySerializer(NamedSerializer):
    pass


class AreaSerializer(NamedSerializer):
    pass


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


# -- the tracker, as proposals and the tracker itself show it -------------------------


class TrackerSummarySerializer(serializers.Serializer):
    """Where a proposal stands in the response tracker (responses.selectors)."""

    decision = serializers.CharField()
    decision_label = serializers.CharField()
    implementation = serializers.CharField(help_text="Empty until an acceptance.")
    implementation_percent = serializers.IntegerField(allow_null=True)
    department = serializers.CharField(allow_null=True, help_text="Department code.")
    department_name = serializers.CharField()
    section = serializers.CharField(
        allow_null=True,
        help_text="Code of the department's section (課) handling it, if any.",
    )
    section_name = serializers.CharField()
    entered_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    days_overdue = serializers.IntegerField()
    disputed = serializers.BooleanField()
    response_id = serializers.IntegerField(allow_null=True)
    review_on = serializers.DateField(
        allow_null=True,
        help_text="Public review date of an under review, not adopted or referred "
        "decision.",
    )
    review_due = serializers.BooleanField(
        help_text="The review date has come and no update was posted since."
    )


# -- the root and the caller ---------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    name_reading = serializers.CharField()
    bio = serializers.CharField()
    profile_url = serializers.URLField()
    is_verified = serializers.BooleanField()
    roles = serializers.DictField(help_text="Roles held (staff roles need MFA to act).")
    token_scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices),
        allow_null=True,
        help_text="Scopes of the token used, or null for a browser session.",
    )


class ApiRootSerializer(serializers.Serializer):
    version = serializers.CharField()
    schema = serializers.URLField()
    docs = serializers.URLField()
    resources = serializers.DictField(child=serializers.URLField())
