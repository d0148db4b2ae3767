"""Search and participation KPIs through the API, via the search and opendata
selectors (the same functions as /search/ and /stats/)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.api.base import ApiMixin
from participation.api.serializers import absolute
from participation.search import sources as search_sources
from participation.search.models import SearchDocument
from participation.spaces.models import Process
from portal.opendata.groups import attributes_given, participation_by_group
from portal.opendata.kpis import MONTH_CHOICES, participation_kpis
from portal.search import selectors

SEARCH_SORTS = {
    "relevance": ["kind", "-created_at", "-id"],
    "newest": ["-created_at", "-id"],
    "oldest": ["created_at", "id"],
}


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Words or characters to find.")
    type = serializers.ChoiceField(
        choices=["proposal", "comment", "response"], required=False, allow_blank=True
    )
    process = serializers.SlugField(required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=["open", "withdrawn", "answered"], required=False, allow_blank=True
    )
    sort = serializers.ChoiceField(
        choices=list(SEARCH_SORTS), required=False, allow_blank=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every kind the registry of search sources knows (apps add theirs).
        self.fields["type"].choices = [k.slug for k in search_sources.public_kinds()]


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind")
    type_label = serializers.CharField(source="kind_label")
    id = serializers.IntegerField(source="object_id")
    url = serializers.SerializerMethodField()
    title_html = serializers.CharField(
        source="title", help_text="The proposal's title, escaped, matches in <mark>."
    )
    snippet_html = serializers.CharField(
        source="snippet", help_text="An escaped extract with matches in <mark>."
    )
    author_name = serializers.CharField(
        help_text="A resident's real name, or the answering department's name."
    )
    process = serializers.SerializerMethodField()
    proposal_id = serializers.IntegerField()
    proposal_title = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_url(self, hit: Any) -> str:
        return absolute(self.context, hit.url)

    def get_process(self, hit: Any) -> str | None:
        return hit.process.slug if hit.process is not None else None


class SearchViewSet(ApiMixin, viewsets.GenericViewSet):
    """Search proposals, comments and responses; Japanese works with one- or
    two-character queries as well as long ones."""

    serializer_class = SearchHitSerializer

    def get_queryset(self) -> QuerySet:
        return SearchDocument.objects.none()

    def _params(self) -> dict[str, Any]:
        if not hasattr(self, "_values"):
            serializer = SearchQuerySerializer(data=self.request.query_params.dict())
            serializer.is_valid(raise_exception=True)
            self._values = dict(serializer.validated_data)
        return self._values

    def get_cursor_ordering(self) -> list[str]:
        return SEARCH_SORTS[self._params().get("sort") or "relevance"]

    def get_paginated_response_for_empty(self) -> Response:
        self.paginate_queryset(SearchDocument.objects.none())
        return self.get_paginated_response([])

    @extend_schema(parameters=[SearchQuerySerializer], operation_id="search")
    def list(self, request: Request) -> Response:
        params = self._params()
        process = None
        if params.get("process"):
            process = Process.objects.public().filter(slug=params["process"]).first()
            if process is None:  # no such process: nothing matches
                return self.get_paginated_response_for_empty()
        # The cursor orders the page (get_cursor_ordering): the matches, unordered.
        documents = selectors.matches(
            params["q"],
            kind=params.get("type") or "",
            process=process,
            status=params.get("status") or "",
        )
        page = self.paginate_queryset(documents)
        results = selectors.hits(page, params["q"])
        return self.get_paginated_response(
            SearchHitSerializer(
                results, many=True, context=self.get_serializer_context()
            ).data
        )


class StatsQuerySerializer(serializers.Serializer):
    process = serializers.SlugField(required=False, allow_blank=True)
    months = serializers.ChoiceField(choices=[], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = list(MONTH_CHOICES)


class StatsSerializer(serializers.Serializer):
    process = serializers.CharField(allow_null=True)
    min_group = serializers.IntegerField(
        help_text="Figures about fewer people than this are null (not shown)."
    )
    generated_at = serializers.DateTimeField()
    months = serializers.ListField(child=serializers.DictField())
    totals = serializers.DictField()
    by_process = serializers.ListField(child=serializers.DictField())
    attributes_given = serializers.DictField(
        help_text=(
            "Of the participants, how many gave each attribute (null: withheld to "
            "protect a small group)."
        )
    )
    by_group = serializers.ListField(
        child=serializers.DictField(),
        help_text=(
            "Participation by the age band and the municipality residents chose to "
            "give; withheld figures are null and named in `withheld`."
        ),
    )


class StatsView(ApiMixin, APIView):
    """Participation KPIs per month, site-wide or for one process (as on /stats/)."""

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses=StatsSerializer,
        operation_id="stats",
    )
    def get(self, request: Request) -> Response:
        serializer = StatsQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        process = None
        if params.get("process"):
            process = Process.objects.public().filter(slug=params["process"]).first()
            if process is None:
                raise NotFound(_("There is no such process."))
        kwargs: dict[str, Any] = {"process": process}
        if params.get("months"):
            kwargs["months"] = int(params["months"])
        data = participation_kpis(**kwargs).as_dict()
        data["by_group"] = [
            table.as_dict() for table in participation_by_group(**kwargs)
        ]
        given = attributes_given(**kwargs)
        data["attributes_given"] = {"participants": given.participants, **given.counts}
        return Response(data)
