"""REST API v1: the second door to the same services as the web pages.

Views parse and type-check input with serializers, resolve ids to objects (404
when unknown), call ONE service and return its result. Permission, phase, rate
limit and content rules are the services'; their domain errors become JSON errors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
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
from rest_framework.views import APIView

from participation.accounts.selectors import standing_of
from participation.api import queries, tracker
from participation.api import serializers as s
from participation.api.base import ApiMixin
from participation.api.models import Scope
from participation.api.permissions import token_of
from participation.notifications import services as notifications
from participation.site_url import absolute_url
from participation.spaces.models import Area, Category, Department, Process
from proposals import rules as proposal_rules
from proposals import services as proposal_services
from proposals.models import Comment, Proposal

# -- helpers ---------------------------------------------------------------------


def _can_see_hidden(user: Any):  # noqa: ANN202 - small closure
    """Authors see their own hidden text; facilitators of the process and admins too."""

    def check(obj: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if getattr(obj, "author_id", None) == user.pk:
            return True
        return bool(user.has_perm("proposals.view_hidden", obj))

    return check


def _validated(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _by_slug(model: type, slug: str | None, field: str) -> Any:
    if not slug:
        return None
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        raise ValidationError({field: [_unknown(field)]})
    return obj


def _unknown(field: str) -> str:
    from django.utils.translation import gettext as _

    return _("There is no %(field)s with this identifier.") % {"field": field}


# -- root ------------------------------------------------------------------------


class ApiRoot(ApiMixin, APIView):
    """Links to every resource of the API."""

    @extend_schema(responses=s.ApiRootSerializer, operation_id="api_root")
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return absolute_url(reverse(name))

        resources = {
            plural: url(f"api:{name}-list")
            for name, plural in (
                ("process", "processes"),
                ("category", "categories"),
                ("area", "areas"),
                ("department", "departments"),
                ("proposal", "proposals"),
            )
        }
        resources.update(tracker.root_links(request))
        resources["me"] = url("api:me")
        return Response(
            {
                "version": "v1",
                "schema": url("api:schema"),
                "docs": url("api:docs"),
                "resources": resources,
            }
        )


# -- spaces ----------------------------------------------------------------------


class ProcessViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Participatory processes with their phases, categories and areas."""

    serializer_class = s.ProcessSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Process]:
        return queries.processes()

    def get_cursor_ordering(self) -> list[str]:
        return ["position", "-created_at", "-id"]


class CategoryViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CategorySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Category]:
        return queries.categories()

    def get_cursor_ordering(self) -> list[str]:
        return ["slug", "id"]


class AreaViewSet(CategoryViewSet):
    serializer_class = s.AreaSerializer

    def get_queryset(self) -> QuerySet[Area]:
        return queries.areas()


class DepartmentViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet:
        return queries.departments()

    def get_cursor_ordering(self) -> list[str]:
        return ["code", "id"]


# -- proposals -------------------------------------------------------------------

_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


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
            self._filter_values = _validated(
                s.ProposalFilterSerializer, self.request.query_params.dict()
            )
        return self._filter_values

    def get_cursor_ordering(self) -> list[str]:
        if self.action == "comments":
            return ["created_at", "id"]
        ordering = self._filters().get("ordering") or "newest"
        return queries.PROPOSAL_ORDERINGS[ordering]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["can_see_hidden"] = _can_see_hidden(self.request.user)
        return context

    def _get_proposal(self, pk: Any) -> Proposal:
        try:
            return queries.proposal(int(pk))
        except (Proposal.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def list(self, request: Request) -> Response:
        filters = self._filters()
        qs = queries.proposals(filters)
        qs = tracker.filter_proposals(qs, filters)
        page = self.paginate_queryset(qs)
        context = self.get_serializer_context()
        context["tracker"] = tracker.summaries(page)
        data = s.ProposalSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def _detail(self, proposal: Proposal, status_code: int = 200) -> Response:
        request = self.request
        context = self.get_serializer_context()
        context["tracker"] = tracker.summaries_by_id([proposal.pk])
        user = request.user
        if user.is_authenticated:
            context["viewer"] = {
                "supported": queries.has_supported(user, proposal),
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
    )
    def create(self, request: Request) -> Response:
        data = _validated(s.ProposalCreateSerializer, request.data)
        process = (
            Process.objects.filter(
                slug=data["process"], status__in=queries.PUBLIC_PROCESS_STATUSES
            )
            .prefetch_related("phases")
            .first()
        )
        if process is None:
            raise ValidationError({"process": [_unknown("process")]})
        proposal = proposal_services.proposal_create(
            author=request.user,
            process=process,
            title=data["title"],
            body=data["body"],
            category=_by_slug(Category, data.get("category"), "category"),
            area=_by_slug(Area, data.get("area"), "area"),
            location_text=data.get("location_text") or "",
        )
        return self._detail(queries.proposal(proposal.pk), status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ProposalEditSerializer,
        responses=s.ProposalDetailSerializer,
        summary="Edit your proposal (scope: participate)",
        parameters=[_ID],
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        data = _validated(s.ProposalEditSerializer, request.data)
        category = (
            _by_slug(Category, data["category"], "category")
            if "category" in data
            else proposal.category
        )
        area = _by_slug(Area, data["area"], "area") if "area" in data else proposal.area
        proposal_services.proposal_edit(
            actor=request.user,
            proposal=proposal,
            title=data.get("title", proposal.title),
            body=data.get("body", proposal.body),
            category=category,
            area=area,
            location_text=data.get("location_text", proposal.location_text),
        )
        return self._detail(queries.proposal(proposal.pk))

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
        return self._detail(queries.proposal(proposal.pk))

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
        from django.utils.translation import gettext as _

        from participation.errors import Conflict

        proposal = self._get_proposal(pk)
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
        proposal.refresh_from_db(fields=["support_count", "threshold_reached_at"])
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
        parameters=[_ID],
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request: Request, pk: Any = None) -> Response:
        proposal = self._get_proposal(pk)
        context = self.get_serializer_context()
        if request.method == "POST":
            data = _validated(s.CommentCreateSerializer, request.data)
            parent = None
            if data.get("parent"):
                parent = Comment.objects.filter(pk=data["parent"]).first()
                if parent is None:
                    raise ValidationError({"parent": [_unknown("comment")]})
            kwargs: dict[str, Any] = {}
            if data.get("alignment"):
                kwargs["alignment"] = data["alignment"]
            comment = proposal_services.comment_create(
                author=request.user,
                proposal=proposal,
                body=data["body"],
                parent=parent,
                **kwargs,
            )
            node = queries.comment_node(queries.comment(comment.pk), request.user)
            body = s.CommentSerializer(node, context=context).data
            return Response(
                body,
                status=status.HTTP_201_CREATED,
                headers={
                    "Location": absolute_url(
                        reverse("api:comment-detail", args=[comment.pk])
                    )
                },
            )
        page = self.paginate_queryset(queries.root_comments(proposal))
        nodes = queries.comment_nodes(page, request.user)
        return self.get_paginated_response(
            s.CommentSerializer(nodes, many=True, context=context).data
        )


_COMMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


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

    def _get_comment(self, pk: Any) -> Comment:
        try:
            return queries.comment(int(pk))
        except (Comment.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def _render(self, comment_id: int) -> Response:
        node = queries.comment_node(queries.comment(comment_id), self.request.user)
        return Response(
            s.CommentSerializer(node, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        return self._render(comment.pk)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        data = _validated(s.CommentEditSerializer, request.data)
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
        request=s.VoteSerializer,
        responses=s.VoteResultSerializer,
        summary="Vote +1/-1; the same vote again removes it (scope: participate)",
        parameters=[_COMMENT_ID],
    )
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: Any = None) -> Response:
        comment = self._get_comment(pk)
        data = _validated(s.VoteSerializer, request.data)
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


# -- the caller ------------------------------------------------------------------


class MeView(ApiMixin, APIView):
    """The authenticated caller: profile and roles (never the e-mail address)."""

    private_read = True

    @extend_schema(responses=s.MeSerializer, operation_id="me")
    def get(self, request: Request) -> Response:
        user = request.user
        standing = standing_of(user)
        token = token_of(request)
        roles = {
            "admin": standing.is_admin_role,
            "site_facilitator": standing.is_site_facilitator_role,
            "facilitator_of_processes": sorted(
                Process.objects.filter(
                    pk__in=standing.facilitator_process_ids
                ).values_list("slug", flat=True)
            ),
            "official_of_departments": sorted(
                Department.objects.filter(pk__in=standing.department_ids).values_list(
                    "code", flat=True
                )
            ),
            "mfa_satisfied": standing.mfa_satisfied,
        }
        return Response(
            {
                "id": user.pk,
                "real_name": user.real_name,
                "name_reading": user.name_reading,
                "bio": user.bio,
                "profile_url": absolute_url(user.get_absolute_url()),
                "is_verified": standing.is_verified,
                "roles": roles,
                "token_scopes": (
                    [v for v in Scope.values if token.has_scope(v)] if token else None
                ),
            }
        )
