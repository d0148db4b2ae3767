"""Moderation in the REST API: a process's public moderation log, and reports of
content (whatever the apps registered with moderation.registry)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.api.base import ApiMixin
from participation.api.models import Scope
from participation.api.schema import IDEMPOTENCY_KEY
from participation.api.serializers import (
    PersonRefSerializer,
    absolute,
    person_ref,
    validated,
)
from participation.idempotency import services as idempotency
from participation.moderation import selectors, services
from participation.moderation.models import ModerationAction
from participation.spaces import selectors as spaces


class ModerationLogSerializer(serializers.Serializer):
    """One public moderation action: who, what, why, when; never hidden text or
    who reported."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    facilitator = serializers.SerializerMethodField(
        help_text="Null for automatic hiding after reports."
    )
    reason_code = serializers.CharField()
    reason = serializers.CharField(source="reason_display")
    target_type = serializers.CharField(source="target_kind")
    target_id = serializers.IntegerField(source="object_id", allow_null=True)
    target_url = serializers.SerializerMethodField()
    subject_name = serializers.SerializerMethodField(
        help_text=(
            "Always null: the public log says what was done and why, never whom "
            "a block concerns (kept so that existing clients keep parsing)."
        )
    )
    until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_facilitator(self, obj: Any) -> Any:
        return person_ref(self.context, obj.actor_id, obj.actor_name)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_target_url(self, obj: Any) -> str | None:
        return absolute(self.context, obj.public_url) if obj.public_url else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_subject_name(self, obj: Any) -> str | None:
        return None


class ReportSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=["proposal", "comment"])
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=30)
    details = serializers.CharField(required=False, allow_blank=True)


class ReportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ModerationLogView(ApiMixin, viewsets.GenericViewSet):
    """The public moderation log of a process, newest first."""

    serializer_class = ModerationLogSerializer

    def get_queryset(self) -> QuerySet:
        return ModerationAction.objects.none()

    def get_cursor_ordering(self) -> list[str]:
        return ["-created_at", "-id"]

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH),
            OpenApiParameter(
                "kind", str, description="Only actions of this kind (hide, block …)."
            ),
        ],
        operation_id="process_moderation_log",
    )
    def list(self, request: Request, slug: str) -> Response:
        process = spaces.public_process(slug)
        if process is None:
            raise NotFound()
        kind = request.query_params.get("kind", "")
        page = self.paginate_queryset(selectors.public_log(process, kind=kind))
        return self.get_paginated_response(
            ModerationLogSerializer(
                page, many=True, context=self.get_serializer_context()
            ).data
        )


class ReportView(ApiMixin, APIView):
    """Report a proposal or a comment to the facilitators (scope: participate)."""

    required_scope = Scope.PARTICIPATE

    @extend_schema(
        request=ReportSerializer,
        responses={201: ReportResultSerializer},
        operation_id="report_create",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        data = validated(ReportSerializer, request.data)
        try:
            target = selectors.target_for(data["target_type"], data["target_id"])
        except LookupError:
            raise ValidationError(
                {"target_id": [_("There is no such content.")]}
            ) from None
        report = services.report_create(
            idempotency_key=idempotency.key_from(request),
            reporter=request.user,
            target=target,
            reason=data["reason"],
            details=data.get("details", ""),
        )
        return Response(
            {
                "id": report.pk,
                "target_type": data["target_type"],
                "target_id": target.pk,
                "reason": report.reason,
                "created_at": report.created_at,
            },
            status=http.HTTP_201_CREATED,
            headers=idempotency.replay_headers(report),
        )
