"""Processes (with their phases), categories, areas and departments in the REST
API: read-only, through spaces.selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from participation.api.base import ApiMixin
from participation.api.serializers import AreaSerializer, CategorySerializer, absolute
from participation.spaces import selectors
from participation.spaces.models import Area, Category, Department, Process

# -- representations ---------------------------------------------------------------


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    description_en = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text="The department's scorecard page."
    )
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        return absolute(self.context, f"/tracker/departments/{obj.code}/")

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj: Any) -> str:
        return absolute(self.context, reverse("api:department-detail", args=[obj.code]))


class PhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    description = serializers.CharField()
    description_en = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    allows_proposing = serializers.BooleanField()
    allows_supporting = serializers.BooleanField()
    allows_commenting = serializers.BooleanField()
    is_current = serializers.BooleanField()


class ProcessSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    summary = serializers.CharField()
    summary_en = serializers.CharField()
    description = serializers.CharField()
    description_en = serializers.CharField()
    status = serializers.CharField()
    support_threshold = serializers.IntegerField()
    response_days = serializers.IntegerField()
    categories = CategorySerializer(many=True, source="categories.all")
    areas = AreaSerializer(many=True, source="areas.all")
    phases = PhaseSerializer(many=True, source="phases.all")
    current_phase = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    proposals_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_phase(self, obj: Any) -> int | None:
        phase = obj.current_phase
        return phase.pk if phase is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        return absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj: Any) -> str:
        return absolute(self.context, reverse("api:process-detail", args=[obj.slug]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_proposals_url(self, obj: Any) -> str:
        return absolute(
            self.context, reverse("api:proposal-list") + f"?process={obj.slug}"
        )


# -- doors -------------------------------------------------------------------------


class ProcessViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Participatory processes with their phases, categories and areas."""

    serializer_class = ProcessSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Process]:
        return selectors.public_processes()

    def get_cursor_ordering(self) -> list[str]:
        return ["position", "-created_at", "-id"]


class CategoryViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.categories()

    def get_cursor_ordering(self) -> list[str]:
        return ["slug", "id"]


class AreaViewSet(CategoryViewSet):
    serializer_class = AreaSerializer

    def get_queryset(self) -> QuerySet[Area]:
        return selectors.areas()


class DepartmentViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.departments()

    def get_cursor_ordering(self) -> list[str]:
        return ["code", "id"]
