"""Proposals and comments in the REST API: the second door to the same services
as the web pages.

Views parse and type-check input with serializers, resolve ids to objects (404
when unknown), call ONE service and return its result. Permission, phase, rate
limit and content rules are the services'; their domain errors become JSON errors.
Reads go through proposals.selectors; where a proposal stands in the tracker comes
from the apps registered in proposals.events (the tracker, from responses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from participation import images
from participation.api.base import ApiMixin
from participation.api.parsers import MultiPartParser
from participation.api.schema import IDEMPOTENCY_KEY
from participation.api.serializers import validated
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.notifications import services as notifications
from participation.site_url import absolute_url
from participation.spaces import selectors as spaces
from proposals import events, selectors
from proposals import forms as proposal_forms
from proposals import rules as proposal_rules
from proposals import services as proposal_services
from proposals.api import serializers as s
from proposals.models import Comment, Proposal

PROPOSAL_ORDERINGS = {
    "newest": ["-created_at", "-id"],
    "oldest": ["created_at", "id"],
    "most_supported": ["-support_count", "-created_at", "-id"],
    "most_commented": ["-comment_count", "-created_at", "-id"],
}


def _can_see_hidden(user: Any):  # noqa: ANN202 - small closure
    """Authors see their own hidden text; facilitators of the process and admins too."""

    def check(obj: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if getattr(obj, "author_id", None) == user.pk:
            return True
        return bool(user.has_perm("proposals.view_hidden", obj))

    return check


def _by_slug(find: Callable[[str], Any], slug: str | None, field: str) -> Any:
    if not slug:
        return None
    obj = find(slug)
    if obj is None:
        raise ValidationError({field: [_unknown(field)]})
    return obj


def _unknown(field: str) -> str:
    return _("There is no %(field)s with this identifier.") % {"field": field}


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
MAX_ID = 2**63 - 1  # the largest id a database column holds

#: The photo pipeline's refusals are 400s on the proposal form; the API says more
#: precisely what was wrong with the request body.
IMAGE_REFUSAL_STATUS = {
    "image_too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "image_unreadable": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


@extend_schema_view(
    list=extend_schema(
        parameters=[s.ProposalFilterSerializer],
        summary="Proposals (visible ones), filtered and ordered",
    ),
    retrieve=extend_schema(
        responses=s.ProposalDetailSerializer,
        summary="One proposal (a hidden one shows as a placeholder)",
        parameters=[_ID],
    ),
)
class ProposalViewSet(ApiMixin, viewsets.GenericViewSet):
    serializer_class = s.ProposalSerializer
    queryset = Proposal.objects.none()
    lookup_value_regex = "[0-9]+"

    # -- reading --
    def _filters(self) -> dict[str, Any]:
        if not hasattr(self, "_filter_values"):
            # A plain dict, so that an empty value is validated, not dropped.
            self._filter_values = validated(
                s.ProposalFilterSerializer, self.request.query_params.dict()
            )
        return self._filter_values

    def get_cursor_ordering(self) -> list[str]:
        if self.action == "comments":
            return ["created_at", "id"]
        ordering = self._filters().get("ordering") or "newest"
        return PROPOSAL_ORDERINGS[ordering]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["can_see_hidden"] = _can_see_hidden(self.request.user)
        return context

    def _get_proposal(self, pk: Any) -> Proposal:
        try:
            return selectors.public_proposal(int(pk))
        except (Proposal.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def list(self, request: Request) -> Response:
        filters = self._filters()
        qs = selectors.public_proposals(
            process=filters.get("process") or "",
            category=filters.get("category") or "",
            area=filters.get("area") or "",
            author=filters.get("author"),
            state=filters.get("state") or "",
            q=filters.get("q") or "",
        )
        qs = events.filter_list(qs, filters)
        page = self.paginate_queryset(qs)
        context = self.get_serializer_context()
        context["tracker"] = events.tracker_summaries(page)
        data = s.ProposalSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def _detail(self, proposal: Proposal, status_code: int = 200) -> Response:
        request = self.request
        context = self.get_serializer_context()
        context["tracker"] = events.tracker_summaries([proposal])
        user = request.user
        if user.is_authenticated:
            context["viewer"] = {
                "supported": selectors.has_supported(user, proposal),
                "following": notifications.is_following(user=user, target=proposal),
                "can_edit": proposal_rules.proposal_edit_refusal(user, proposal)
                is None,
                "can_withdraw": proposal_rules.proposal_withdraw_refusal(user, proposal)
                is None,
                "can_support": proposal_rules.support_refusal(user, proposal) is None,
                "can_comment": proposal_rules.comment_refusal(user, proposal) is None,
            }
        data = s.ProposalDetailSerializer(proposal, context=context).data
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = data["api_url"]
        return Response(data, status=status_code, headers=headers)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return self._detail(self._get_proposal(pk))

    # -- writing --
    @extend_schema(
        request=s.ProposalCreateSerializer,
        responses={201: s.ProposalDetailSerializer},
        summary="Submit a proposal (scope: participate)",
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request) -> Response:
        data = validated(s.ProposalCreateSerializer, request.data)
        process = spaces.public_process(data["process"], with_phases=True)
        if process is None:
            raise ValidationError({"process": [_unknown("process")]})
        proposal = proposal_services.proposal_create(
            idempotency_key=idempotency.key_from(request),
            author=request.user,
            process=process,
            title=data["title"],
            body=data["body"],
            category=_by_slug(
                spaces.category_by_slug, data.get("category"), "category"
            ),
            area=_by_slug(spaces.area_by_slug, data.get("area"), "area"),
            location_text=data.get("location_text") or "",
        )
        answer = self._detail(
            selectors.public_proposal(proposal.pk), status.HTTP_201_CREATED
        )
        for name, value in idempotency.replay_headers(proposal).items():
            answer[name] = value
        return answer

    @extend_schema(
        request=s.ProposalEditSerializer,
        responses=s.ProposalDetailSerializer,
        summary="Edit your proposal (scope: participate)",
        parameters=[_ID],
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        data = validated(s.ProposalEditSerializer, request.data)
        category = (
            _by_slug(spaces.category_by_slug, data["category"], "category")
            if "category" in data
            else proposal.category
        )
        area = (
            _by_slug(spaces.area_by_slug, data["area"], "area")
            if "area" in data
            else proposal.area
        )
        proposal_services.proposal_edit(
            actor=request.user,
            proposal=proposal,
            title=data.get("title", proposal.title),
            body=data.get("body", proposal.body),
            category=category,
            area=area,
            location_text=data.get("location_text", proposal.location_text),
        )
        return self._detail(selectors.public_proposal(proposal.pk))

    @extend_schema(
        request={"multipart/form-data": s.ProposalImageUploadSerializer},
        responses={201: s.ProposalImageSerializer},
        summary=(
            "Add a photo to your proposal while it can be edited (scope: "
            "participate); multipart/form-data"
        ),
        description=(
            "One photo per request, with its description (`alt_text`, required). "
            "The photo goes through the same pipeline as the proposal form: JPEG, "
            "PNG, WebP or HEIC only (else 415, `image_unreadable`), at most "
            "IMAGE_MAX_BYTES (else 413, `image_too_large`), IMAGE_MAX_PIXELS and "
            "no decompression bomb (400, `image_too_many_pixels`, `image_bomb`), "
            "at most PROPOSAL_IMAGES_MAX photos per proposal (400, "
            "`too_many_images`), a description (400, `alt_text_required`). It is "
            "stored drawn again, without EXIF or GPS, with a small rendition. "
            "Only the author, until the first support or comment (403, `locked`)."
        ),
        parameters=[_ID, IDEMPOTENCY_KEY],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="photos",
        url_name="photos",
        parser_classes=[MultiPartParser],
    )
    def photos(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        data = validated(s.ProposalImageUploadSerializer, request.data)
        try:
            content, width, height, content_type = images.reencode(
                data["file"], field="file"
            )
        except Invalid as exc:
            exc.status = IMAGE_REFUSAL_STATUS.get(exc.code, exc.status)
            raise
        image = proposal_services.proposal_image_add(
            idempotency_key=idempotency.key_from(request),
            actor=request.user,
            proposal=proposal,
            image=proposal_services.NewImage(
                content=content,
                width=width,
                height=height,
                content_type=content_type,
                alt_text=data.get("alt_text") or "",
            ),
        )
        body = s.ProposalImageSerializer(
            image, context=self.get_serializer_context()
        ).data
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": body["url"], **idempotency.replay_headers(image)},
        )

    @extend_schema(
        request=None,
        responses=s.ProposalDetailSerializer,
        summary=(
            "Remove a photo from your proposal while it can be edited (scope: "
            "participate)"
        ),
        parameters=[
            _ID,
            OpenApiParameter("photo_id", int, OpenApiParameter.PATH),
        ],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo",
    )
    def photo(self, request: Request, pk: Any = None, photo_id: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        number = int(photo_id)
        if number > MAX_ID or not selectors.has_image(proposal, number):
            raise NotFound()
        proposal_services.proposal_image_remove(
            actor=request.user, proposal=proposal, image_id=number
        )
        return self._detail(selectors.public_proposal(proposal.pk))

    @extend_schema(
        request=None,
        responses=s.ProposalDetailSerializer,
        summary="Withdraw your proposal (scope: participate)",
        parameters=[_ID],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        proposal_services.proposal_withdraw(actor=request.user, proposal=proposal)
        return self._detail(selectors.public_proposal(proposal.pk))

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={201: s.SupportResultSerializer},
        summary="Support a proposal (scope: participate); 409 if already supported",
        parameters=[_ID],
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses=s.SupportResultSerializer,
        summary="Withdraw your support (scope: participate); 409 if not supported",
        parameters=[_ID],
    )
    @action(detail=True, methods=["post", "delete"])
    def support(self, request: Request, pk: Any = None) -> Response:
        try:  # one query: the proposal with what the service's rules read
            proposal = selectors.proposal_to_support(int(pk))
        except (Proposal.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        if request.method == "POST":
            if not proposal_services.support_add(user=request.user, proposal=proposal):
                raise Conflict(
                    _("You already support this proposal."), code="already_supported"
                )
            code = status.HTTP_201_CREATED
        else:
            if not proposal_services.support_remove(
                user=request.user, proposal=proposal
            ):
                raise Conflict(
                    _("You do not support this proposal."), code="not_supported"
                )
            code = status.HTTP_200_OK
        # The service set the counter from its UPDATE (and the threshold's stamp).
        return Response(
            {
                "supported": request.method == "POST",
                "support_count": proposal.support_count,
                "threshold_reached_at": proposal.threshold_reached_at,
            },
            status=code,
        )

    @extend_schema(
        methods=["POST", "DELETE"],
        request=None,
        responses=s.FollowResultSerializer,
        summary="Follow or unfollow a proposal's notifications (scope: participate)",
        parameters=[_ID],
    )
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        if request.method == "POST":
            proposal_services.proposal_follow(user=request.user, proposal=proposal)
            return Response({"following": True})
        proposal_services.proposal_unfollow(user=request.user, proposal=proposal)
        return Response({"following": False})

    @extend_schema(
        methods=["GET"],
        responses=s.CommentSerializer(many=True),
        summary="Comments, threaded: top-level comments paginated, replies nested",
        parameters=[_ID],
    )
    @extend_schema(
        methods=["POST"],
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
        summary="Comment, or reply with “parent” (scope: participate)",
        parameters=[_ID, IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        context = self.get_serializer_context()
        if request.method == "POST":
            data = validated(s.CommentCreateSerializer, request.data)
            parent = None
            if data.get("parent"):
                parent = selectors.comment_by_id(data["parent"])
                if parent is None:
                    raise ValidationError({"parent": [_unknown("comment")]})
            kwargs: dict[str, Any] = {}
            if data.get("alignment"):
                kwargs["alignment"] = data["alignment"]
            comment = proposal_services.comment_create(
                idempotency_key=idempotency.key_from(request),
                author=request.user,
                proposal=proposal,
                body=data["body"],
                parent=parent,
                **kwargs,
            )
            node = selectors.comment_subtree(
                selectors.comment_in_public_process(comment.pk), request.user
            )
            body = s.CommentSerializer(node, context=context).data
            return Response(
                body,
                status=status.HTTP_201_CREATED,
                headers={
                    "Location": absolute_url(
                        reverse("api:comment-detail", args=[comment.pk])
                    ),
                    **idempotency.replay_headers(comment),
                },
            )
        page = self.paginate_queryset(selectors.root_comments(proposal))
        nodes = selectors.comment_subtrees(page, request.user)
        return self.get_paginated_response(
            s.CommentSerializer(nodes, many=True, context=context).data
        )


_COMMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)

#: The photo pipeline's refusals are 400s on the proposal form; the API says more
#: precisely what was wrong with the request body.
IMAGE_REFUSAL_STATUS = {
    "image_too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "image_unreadable": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


@extend_schema_view(
    retrieve=extend_schema(
        responses=s.CommentSerializer,
        summary="One comment with its replies",
        parameters=[_COMMENT_ID],
    ),
    partial_update=extend_schema(
        request=s.CommentEditSerializer,
        responses=s.CommentSerializer,
        summary="Edit your comment (scope: participate)",
        parameters=[_COMMENT_ID],
    ),
    destroy=extend_schema(
        request=None,
        responses=s.CommentSerializer,
        summary="Delete your comment; it stays as a placeholder (scope: participate)",
        parameters=[_COMMENT_ID],
    ),
)
class CommentViewSet(ApiMixin, viewsets.GenericViewSet):
    serializer_class = s.CommentSerializer
    queryset = Comment.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["can_see_hidden"] = _can_see_hidden(self.request.user)
        return context

    def get_cursor_ordering(self) -> list[str]:
        return ["created_at", "id"]

    def _get_comment(self, pk: Any) -> Comment:
        try:
            return selectors.comment_in_public_process(int(pk))
        except (Comment.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def _render(self, comment_id: int) -> Response:
        node = selectors.comment_subtree(
            selectors.comment_in_public_process(comment_id), self.request.user
        )
        return Response(
            s.CommentSerializer(node, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        return self._render(comment.pk)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        data = validated(s.CommentEditSerializer, request.data)
        proposal_services.comment_edit(
            actor=request.user,
            comment=comment,
            body=data["body"],
            alignment=data.get("alignment"),
        )
        return self._render(comment.pk)

    def destroy(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        proposal_services.comment_delete(actor=request.user, comment=comment)
        return self._render(comment.pk)

    @extend_schema(
        responses=s.CommentReplySerializer(many=True),
        summary="The replies below a comment, in the order they were written",
        description=(
            "Every reply below a top-level comment (or below a reply), flat: each "
            "names its parent. A thread gives each comment's first replies and "
            "`replies_next`, this endpoint after the last of them (`after`)."
        ),
        parameters=[
            _COMMENT_ID,
            OpenApiParameter(
                "after",
                int,
                OpenApiParameter.QUERY,
                description="Only the replies written after this reply.",
            ),
        ],
    )
    @action(detail=True, methods=["get"])
    def replies(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        if comment.depth + 1 >= settings.COMMENT_MAX_DEPTH:
            raise NotFound()
        try:
            after = proposal_forms.reply_cursor(request.query_params.get("after"))
            replies = selectors.replies_below(comment, after=after)
        except (ValueError, selectors.InvalidCursor):
            raise ValidationError(
                {"after": [_("This is not a reply below that comment.")]}
            ) from None
        page = self.paginate_queryset(replies)
        nodes = selectors.comment_nodes(page, request.user)
        return self.get_paginated_response(
            s.CommentReplySerializer(
                nodes, many=True, context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        request=s.VoteSerializer,
        responses=s.VoteResultSerializer,
        summary="Vote +1/-1; the same vote again removes it (scope: participate)",
        parameters=[_COMMENT_ID],
    )
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        data = validated(s.VoteSerializer, request.data)
        result = proposal_services.comment_vote(
            user=request.user, comment=comment, value=int(data["value"])
        )
        comment.refresh_from_db(fields=["upvotes", "downvotes"])
        return Response(
            {
                "my_vote": result,
                "upvotes": comment.upvotes,
                "downvotes": comment.downvotes,
            }
        )
