"""Representations of the response tracker, responses, progress and scorecards in
the API. They read what responses.selectors returns (no queries of their own)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from participation.api.choices import IMPLEMENTATIONS, TRACKER_STATUS_FILTERS
from participation.api.serializers import (
    DepartmentRefSerializer,
    PersonRefSerializer,
    TrackerSummarySerializer,
    absolute,
    person_ref,
)
from participation.text import stored_html
from responses.projection import entry_fields


class TrackerProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    process = serializers.CharField()
    support_count = serializers.IntegerField()
    api_url = serializers.URLField()
    url = serializers.URLField()


class TrackerRowSerializer(TrackerSummarySerializer):
    proposal = TrackerProposalSerializer()
    last_update_at = serializers.DateTimeField()
    last_update_kind = serializers.CharField()


# A tracker row's own fields of the one projection of an entry, as
# (field of TrackerRowSerializer or its ``proposal``, projection key).
ROW_PROPOSAL_FIELDS = (
    ("id", "proposal_id"),
    ("title", "title"),
    ("process", "process"),
    ("support_count", "support_count"),
)
ROW_FIELDS = (
    ("last_update_at", "last_update_at"),
    ("last_update_kind", "last_update_kind"),
)


def tracker_row(entry: Any, context: dict[str, Any], summary: dict[str, Any]) -> dict:
    proposal = entry.proposal
    values = entry_fields(
        entry, [key for _name, key in (*ROW_PROPOSAL_FIELDS, *ROW_FIELDS)]
    )
    return {
        **summary,
        "proposal": {
            **{name: values[key] for name, key in ROW_PROPOSAL_FIELDS},
            "api_url": absolute(
                context, reverse("api:proposal-detail", args=[proposal.pk])
            ),
            "url": absolute(context, proposal.get_absolute_url()),
        },
        **{name: values[key] for name, key in ROW_FIELDS},
    }


class StepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    text = serializers.CharField()
    state = serializers.ChoiceField(choices=["done", "upcoming", "overdue"])


class ProgressUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    body = serializers.CharField()
    body_html = serializers.SerializerMethodField()
    link = serializers.CharField()
    happened_on = serializers.DateField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, obj: Any) -> str:
        return str(stored_html(obj, "body"))

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_author(self, obj: Any) -> Any:
        return person_ref(self.context, obj.author_id, obj.author_name)


class ChecksSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    disputed = serializers.IntegerField()


class ProposalTrackerSerializer(serializers.Serializer):
    """A proposal's whole public record in the tracker."""

    proposal = serializers.IntegerField()
    entry = TrackerSummarySerializer(allow_null=True)
    timeline = StepSerializer(many=True)
    progress = ProgressUpdateSerializer(many=True)
    checks = ChecksSerializer(allow_null=True)


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    decision = serializers.CharField()
    decision_label = serializers.CharField(source="get_decision_display")
    body = serializers.CharField()
    body_html = serializers.SerializerMethodField()
    referred_to = serializers.CharField()
    change_note = serializers.CharField()
    author = serializers.SerializerMethodField(
        help_text="The official who wrote it; null for an answer approved through a "
        "draft unless the organisation shows officials' names."
    )
    department_name = serializers.CharField()
    department_name_en = serializers.CharField()
    section_name = serializers.CharField(help_text="The section that signs it, if any.")
    section_name_en = serializers.CharField()
    cost_estimate = serializers.IntegerField(
        allow_null=True, help_text="Cost estimate in yen."
    )
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, obj: Any) -> str:
        return str(stored_html(obj, "body"))

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_author(self, obj: Any) -> Any:
        if not obj.public_official_name:
            return None
        return person_ref(self.context, obj.author_id, obj.author_name)


class RatingsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    clear = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    clear_share = serializers.IntegerField(allow_null=True)
    satisfied_share = serializers.IntegerField(allow_null=True)


class ResponseSerializer(serializers.Serializer):
    """A department's published answer with every revision, oldest first."""

    id = serializers.IntegerField()
    department = DepartmentRefSerializer()
    published_at = serializers.DateTimeField()
    revised_at = serializers.DateTimeField(allow_null=True)
    revision_count = serializers.IntegerField()
    current = RevisionSerializer()
    revisions = RevisionSerializer(many=True)
    covers = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of every proposal this response answers (one answer for many).",
    )
    ratings = RatingsSerializer()


# -- scorecards ------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    department = DepartmentRefSerializer(allow_null=True)
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_share = serializers.IntegerField(allow_null=True)
    answered_on_time = serializers.IntegerField()
    on_time_share = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)
    mean_days = serializers.FloatField(allow_null=True)
    accepting = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.IntegerField(allow_null=True)
    disputed_ever = serializers.IntegerField()
    disputed_open = serializers.IntegerField()
    decisions = serializers.DictField(child=serializers.IntegerField())
    ratings = RatingsSerializer()


class ScoreboardSerializer(serializers.Serializer):
    departments = FiguresSerializer(many=True, source="rows")
    total = FiguresSerializer()


# -- writes ----------------------------------------------------------------------


class AssignSerializer(serializers.Serializer):
    department = serializers.SlugField(
        allow_null=True, help_text="Department code; null to unassign."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ClaimSerializer(serializers.Serializer):
    department = serializers.SlugField(help_text="Your department's code.")


class ForwardSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=30)
    review_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Public review date (under review, not adopted, referred).",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class PublishSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=30)
    review_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Public review date (under review, not adopted, referred).",
    )
    body = serializers.CharField(trim_whitespace=False)
    referred_to = serializers.CharField(required=False, allow_blank=True)
    also = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=100,
        help_text="Ids of other proposals of the same department answered together.",
    )


class ReviseSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=30)
    review_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Public review date (under review, not adopted, referred).",
    )
    body = serializers.CharField(trim_whitespace=False)
    change_note = serializers.CharField(trim_whitespace=False)
    referred_to = serializers.CharField(required=False, allow_blank=True)
    base_revision = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The revision number you edited; 409 if someone revised since.",
    )


class ProgressInputSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=30)
    percent = serializers.IntegerField()
    body = serializers.CharField(trim_whitespace=False)
    link = serializers.CharField(required=False, allow_blank=True)
    happened_on = serializers.DateField(required=False)


class RatingInputSerializer(serializers.Serializer):
    clear = serializers.BooleanField(help_text="Is the response clear?")
    satisfied = serializers.BooleanField(help_text="Are you satisfied with it?")


class RatingResultSerializer(serializers.Serializer):
    clear = serializers.BooleanField(help_text="Your rating: clear or not.")
    satisfied = serializers.BooleanField(help_text="Your rating: satisfied or not.")
    ratings = RatingsSerializer(help_text="Every resident's ratings, counted.")


class OutcomeInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=["confirmed", "disputed"],
        help_text="Confirm that the completed work is done, or dispute it.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Required for a dispute: what is not done.",
    )


class OutcomeResultSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    reason = serializers.CharField()
    round = serializers.IntegerField(
        help_text="Completion round (a reopened implementation starts a new one)."
    )
    entry = TrackerSummarySerializer()
    checks = ChecksSerializer()


class TrackerFilterSerializer(serializers.Serializer):
    process = serializers.SlugField(required=False, allow_blank=True)
    department = serializers.SlugField(
        required=False, allow_blank=True, help_text="Department code or “unassigned”."
    )
    status = serializers.ChoiceField(
        choices=TRACKER_STATUS_FILTERS,
        required=False,
        allow_blank=True,
        help_text="A decision, “pending”, “decided” or “overdue”.",
    )
    implementation = serializers.ChoiceField(
        choices=IMPLEMENTATIONS, required=False, allow_blank=True
    )
    category = serializers.SlugField(required=False, allow_blank=True)
    area = serializers.SlugField(required=False, allow_blank=True)
    overdue = serializers.BooleanField(required=False)
    disputed = serializers.BooleanField(required=False)
    entered_from = serializers.DateField(required=False)
    entered_to = serializers.DateField(required=False)
    sort = serializers.ChoiceField(
        choices=["due", "age", "newest", "supports", "updated"],
        required=False,
        allow_blank=True,
    )
