"""Representations of proposals and comments in the API. Output serializers read
objects prepared by proposals.selectors (no queries of their own); input
serializers only check shapes and types: every rule about content is enforced by
the services they feed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from participation.api.choices import (
    COMMENT_STATES,
    PROPOSAL_STATE_FILTERS,
    PROPOSAL_STATES,
    TRACKER_STATUS_FILTERS,
)
from participation.api.serializers import (
    AreaSerializer,
    CategorySerializer,
    DepartmentRefSerializer,
    PersonSerializer,
    TrackerSummarySerializer,
    absolute,
)
from participation.site_url import absolute_url
from participation.text import excerpt, stored_html
from proposals.models import Alignment

# -- proposals -------------------------------------------------------------------


class HiddenInfoSerializer(serializers.Serializer):
    hidden_at = serializers.DateTimeField()
    hidden_by = PersonSerializer(allow_null=True)
    reason = serializers.CharField()
    pending_review = serializers.BooleanField()


def hidden_info(obj: Any) -> dict[str, Any] | None:
    if obj.hidden_at is None:
        return None
    return {
        "hidden_at": obj.hidden_at,
        "hidden_by": obj.hidden_by,
        "reason": obj.hidden_reason,
        "pending_review": obj.hidden_pending_review,
    }


class PointSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class ProposalImageSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="pk", help_text="The photo's number (to remove it)."
    )
    url = serializers.SerializerMethodField()
    small_url = serializers.SerializerMethodField(
        help_text="Its small rendition (at most IMAGE_SMALL_SIDE pixels a side)."
    )
    alt_text = serializers.CharField(help_text="What the photo shows, in words.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    content_type = serializers.CharField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        return absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_small_url(self, obj: Any) -> str:
        return absolute(self.context, obj.get_small_url())


class ProposalImageUploadSerializer(serializers.Serializer):
    """One photo, sent as multipart/form-data. What makes a photo acceptable
    (format, size, pixels, a description) is checked by the photo pipeline and
    the service, with the same codes as the proposal form."""

    file = serializers.FileField(
        allow_empty_file=False,
        use_url=False,
        help_text=(
            "A JPEG, PNG, WebP or HEIC image. It is drawn again without its "
            "metadata (EXIF, GPS position) before it is stored."
        ),
    )
    alt_text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Required: what the photo shows, for people who cannot see it.",
    )


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    process = serializers.CharField(source="process.slug")
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(
        help_text="A plain-text excerpt of the proposal."
    )
    author = serializers.SerializerMethodField()
    category = CategorySerializer(allow_null=True)
    area = AreaSerializer(allow_null=True)
    location_text = serializers.SerializerMethodField()
    point = serializers.SerializerMethodField(
        help_text="The point the author chose on the map (WGS 84), if any."
    )
    images = serializers.SerializerMethodField(
        help_text="Photos, re-encoded without metadata; empty while hidden."
    )
    state = serializers.ChoiceField(choices=PROPOSAL_STATES)
    support_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    threshold_reached_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    comments_closed = serializers.BooleanField()
    hidden = serializers.SerializerMethodField()
    tracker = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    def _visible(self, obj: Any) -> bool:
        viewer_can_see = self.context.get("can_see_hidden")
        return obj.hidden_at is None or bool(viewer_can_see and viewer_can_see(obj))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_title(self, obj: Any) -> str | None:
        return obj.title if self._visible(obj) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_summary(self, obj: Any) -> str | None:
        return excerpt(obj.body, 200) if self._visible(obj) else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, obj: Any) -> dict[str, Any] | None:
        if not self._visible(obj):
            return None
        return PersonSerializer(obj.author, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_location_text(self, obj: Any) -> str | None:
        return obj.location_text if self._visible(obj) else None

    @extend_schema_field(PointSerializer(allow_null=True))
    def get_point(self, obj: Any) -> dict[str, Any] | None:
        if not self._visible(obj) or not obj.has_point:
            return None
        return {"latitude": float(obj.latitude), "longitude": float(obj.longitude)}

    @extend_schema_field(ProposalImageSerializer(many=True))
    def get_images(self, obj: Any) -> list[dict[str, Any]]:
        if not self._visible(obj):
            return []
        return ProposalImageSerializer(
            obj.images.all(), many=True, context=self.context
        ).data

    @extend_schema_field(HiddenInfoSerializer(allow_null=True))
    def get_hidden(self, obj: Any) -> dict[str, Any] | None:
        info = hidden_info(obj)
        if info is None:
            return None
        return HiddenInfoSerializer(info, context=self.context).data

    @extend_schema_field(TrackerSummarySerializer(allow_null=True))
    def get_tracker(self, obj: Any) -> dict[str, Any] | None:
        summaries = self.context.get("tracker") or {}
        summary = summaries.get(obj.pk)
        if summary is None:
            return None
        return TrackerSummarySerializer(summary, context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        return absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj: Any) -> str:
        return absolute(self.context, reverse("api:proposal-detail", args=[obj.pk]))


class ViewerSerializer(serializers.Serializer):
    """What the authenticated caller has done and may do (absent for anonymous)."""

    supported = serializers.BooleanField()
    following = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    can_withdraw = serializers.BooleanField()
    can_support = serializers.BooleanField()
    can_comment = serializers.BooleanField()


class ProposalDetailSerializer(ProposalSerializer):
    body = serializers.SerializerMethodField(help_text="As written (Markdown subset).")
    body_html = serializers.SerializerMethodField(help_text="Sanitized HTML.")
    comments_closed_reason = serializers.CharField()
    comments_url = serializers.SerializerMethodField()
    viewer = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, obj: Any) -> str | None:
        return obj.body if self._visible(obj) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body_html(self, obj: Any) -> str | None:
        return str(stored_html(obj, "body")) if self._visible(obj) else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_comments_url(self, obj: Any) -> str:
        return absolute(self.context, reverse("api:proposal-comments", args=[obj.pk]))

    @extend_schema_field(ViewerSerializer(allow_null=True))
    def get_viewer(self, obj: Any) -> dict[str, Any] | None:
        return self.context.get("viewer")


class ProposalCreateSerializer(serializers.Serializer):
    process = serializers.SlugField(help_text="The process's slug.")
    title = serializers.CharField(trim_whitespace=False)
    body = serializers.CharField(trim_whitespace=False)
    category = serializers.SlugField(
        required=False, allow_null=True, allow_blank=True, help_text="A category slug."
    )
    area = serializers.SlugField(
        required=False, allow_null=True, allow_blank=True, help_text="An area slug."
    )
    location_text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )


class ProposalEditSerializer(serializers.Serializer):
    """Fields left out keep their current value."""

    title = serializers.CharField(required=False, trim_whitespace=False)
    body = serializers.CharField(required=False, trim_whitespace=False)
    category = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    area = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    location_text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )


class ProposalFilterSerializer(serializers.Serializer):
    """Query parameters of the proposal list; an empty value means no filter."""

    process = serializers.SlugField(
        required=False, allow_blank=True, help_text="Process slug."
    )
    category = serializers.SlugField(
        required=False, allow_blank=True, help_text="Category slug."
    )
    area = serializers.SlugField(
        required=False, allow_blank=True, help_text="Area slug."
    )
    department = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Code of the department handling the proposal.",
    )
    author = serializers.IntegerField(
        required=False, min_value=1, help_text="Id of the author."
    )
    state = serializers.ChoiceField(
        choices=PROPOSAL_STATE_FILTERS,
        required=False,
        allow_blank=True,
        help_text="published (default), withdrawn, threshold (reached its support "
        "threshold), all.",
    )
    status = serializers.ChoiceField(
        choices=TRACKER_STATUS_FILTERS,
        required=False,
        allow_blank=True,
        help_text="Tracker status: a decision, “pending”, “decided” or “overdue”.",
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Text search."
    )
    ordering = serializers.ChoiceField(
        choices=["newest", "oldest", "most_supported", "most_commented"],
        required=False,
        allow_blank=True,
    )


# -- comments --------------------------------------------------------------------


class CommentBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="comment.pk")
    proposal = serializers.IntegerField(source="comment.proposal_id")
    parent = serializers.IntegerField(source="comment.parent_id", allow_null=True)
    depth = serializers.IntegerField(source="comment.depth")
    state = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    author_role = serializers.SerializerMethodField(
        help_text="“official”, “facilitator” or empty, as when the comment was written."
    )
    author_department = serializers.SerializerMethodField()
    alignment = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    upvotes = serializers.IntegerField(source="comment.upvotes")
    downvotes = serializers.IntegerField(source="comment.downvotes")
    my_vote = serializers.IntegerField(help_text="The caller's vote: 1, -1 or 0.")
    created_at = serializers.DateTimeField(source="comment.created_at")
    edited_at = serializers.DateTimeField(source="comment.edited_at", allow_null=True)
    deleted_at = serializers.DateTimeField(source="comment.deleted_at", allow_null=True)
    hidden = serializers.SerializerMethodField()

    def _shows_text(self, node: Any) -> bool:
        comment = node.comment
        if comment.deleted_at is not None:
            return False
        if comment.hidden_at is None:
            return True
        can_see = self.context.get("can_see_hidden")
        return bool(can_see and can_see(comment))

    def _shows_author(self, node: Any) -> bool:
        comment = node.comment
        return comment.deleted_at is None and (
            comment.hidden_at is None or self._shows_text(node)
        )

    @extend_schema_field(serializers.ChoiceField(choices=COMMENT_STATES))
    def get_state(self, node: Any) -> str:
        if node.comment.deleted_at is not None:
            return "deleted"
        return "hidden" if node.comment.hidden_at is not None else "visible"

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, node: Any) -> dict[str, Any] | None:
        if not self._shows_author(node):
            return None
        return PersonSerializer(node.comment.author, context=self.context).data

    @extend_schema_field(serializers.CharField())
    def get_author_role(self, node: Any) -> str:
        return node.comment.author_role if self._shows_author(node) else ""

    @extend_schema_field(DepartmentRefSerializer(allow_null=True))
    def get_author_department(self, node: Any) -> dict[str, Any] | None:
        department = node.comment.author_department
        if department is None or not self._shows_author(node):
            return None
        return DepartmentRefSerializer(department).data

    @extend_schema_field(
        serializers.ChoiceField(choices=Alignment.choices, allow_null=True)
    )
    def get_alignment(self, node: Any) -> str | None:
        return node.comment.alignment if self._shows_text(node) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, node: Any) -> str | None:
        return node.comment.body if self._shows_text(node) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body_html(self, node: Any) -> str | None:
        return (
            str(stored_html(node.comment, "body")) if self._shows_text(node) else None
        )

    @extend_schema_field(HiddenInfoSerializer(allow_null=True))
    def get_hidden(self, node: Any) -> dict[str, Any] | None:
        info = hidden_info(node.comment)
        if info is None:
            return None
        return HiddenInfoSerializer(info, context=self.context).data


class CommentLeafSerializer(CommentBaseSerializer):
    """A reply at the deepest level (no further replies)."""


class CommentReplySerializer(CommentBaseSerializer):
    """A reply in a flat list of replies (its ``parent`` says where it goes)."""


class CommentBranchSerializer(CommentBaseSerializer):
    replies = CommentLeafSerializer(many=True, source="children")


class CommentSerializer(CommentBaseSerializer):
    """A comment with its first replies nested (at most three levels in all):
    ``reply_count`` says how many replies are below it in all, and
    ``replies_next`` where the others are (the replies endpoint, after the last
    one given here), or null when they are all here."""

    replies = CommentBranchSerializer(many=True, source="children")
    reply_count = serializers.IntegerField(
        source="reply_total", help_text="Replies below this comment, at every depth."
    )
    replies_next = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_replies_next(self, node: Any) -> str | None:
        if node.more_after is None:
            return None
        path = reverse("api:comment-replies", args=[node.comment.pk])
        return absolute_url(f"{path}?after={node.more_after}")


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False)
    alignment = serializers.ChoiceField(choices=Alignment.choices, required=False)
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of the comment replied to.",
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False)
    alignment = serializers.ChoiceField(choices=Alignment.choices, required=False)


class VoteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[(1, "up"), (-1, "down")])


class VoteResultSerializer(serializers.Serializer):
    my_vote = serializers.IntegerField(help_text="Your vote now: 1, -1 or 0 (removed).")
    upvotes = serializers.IntegerField()
    downvotes = serializers.IntegerField()


class SupportResultSerializer(serializers.Serializer):
    supported = serializers.BooleanField()
    support_count = serializers.IntegerField()
    threshold_reached_at = serializers.DateTimeField(allow_null=True)


class FollowResultSerializer(serializers.Serializer):
    following = serializers.BooleanField()
