"""The API's window on the response tracker and on moderation: reads through
responses.selectors and moderation.selectors, writes through their services."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.api import queries
from participation.api import tracker_serializers as ts
from participation.api.base import ApiMixin
from participation.api.models import Scope
from participation.errors import Conflict, Invalid
from participation.site_url import absolute_url
from participation.spaces.models import Department, Process
from proposals.models import Comment, Proposal

STATUS_WORDS = ("pending", "decided", "overdue")


def _decisions() -> list[str]:
    from responses.transitions import Decision

    return list(Decision.values)


def _implementations() -> list[str]:
    from responses.transitions import Implementation

    return [value for value in Implementation.values if value]


def root_links(request: Request) -> dict[str, str]:
    def url(name: str) -> str:
        return absolute_url(reverse(name))

    return {
        "tracker": url("api:tracker-list"),
        "scorecards": url("api:scorecards"),
        "search": url("api:search-list"),
        "stats": url("api:stats"),
    }


def _check_status(value: str, field: str = "status") -> None:
    if value and value not in (*_decisions(), *STATUS_WORDS):
        raise ValidationError(
            {
                field: [
                    _("Unknown status: choose a decision, pending, decided or overdue.")
                ]
            }
        )


def filter_proposals(qs: QuerySet[Proposal], filters: dict[str, Any]) -> QuerySet:
    """Apply the tracker filters (status incl. overdue, department) using the
    tracker's own selector, and select each proposal's tracker entry."""
    from responses import selectors

    status = filters.get("status") or ""
    department = filters.get("department") or ""
    _check_status(status)
    if status or department:
        tracker_filters = selectors.TrackerFilters(
            department=department,
            status="" if status == "overdue" else status,
            overdue=status == "overdue",
        )
        entries = selectors.tracker_entries(tracker_filters).order_by()
        qs = qs.filter(pk__in=entries.values("proposal_id"))
    return selectors.proposals_with_tracker(qs)


def summaries(proposals: list[Proposal]) -> dict[int, dict[str, Any]]:
    """Tracker summaries of proposals whose entries were selected with them."""
    from responses import selectors

    out = {}
    for proposal in proposals:
        entry = selectors.entry_of(proposal)
        if entry is not None:
            out[proposal.pk] = selectors.entry_summary(entry)
    return out


def summaries_by_id(proposal_ids: list[int]) -> dict[int, dict[str, Any]]:
    from responses import selectors

    return selectors.summaries(proposal_ids)


def _entry(proposal: Proposal) -> Any:
    from responses.models import TrackerEntry

    entry = (
        TrackerEntry.objects.select_related("proposal", "process", "department")
        .filter(proposal=proposal)
        .first()
    )
    if entry is None:
        raise Conflict(
            _("This proposal has not entered the response tracker."),
            code="not_tracked",
        )
    return entry


def _proposal(pk: Any) -> Proposal:
    try:
        return queries.proposal(int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _validated(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _department(code: str | None, field: str = "department") -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ValidationError({field: [_("There is no department with this code.")]})
    return department


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


# -- the tracker -----------------------------------------------------------------


class TrackerViewSet(ApiMixin, viewsets.GenericViewSet):
    """The public response tracker: every proposal that entered it."""

    serializer_class = ts.TrackerRowSerializer

    def get_queryset(self) -> QuerySet:
        from responses.models import TrackerEntry

        return TrackerEntry.objects.none()

    def _filters(self) -> dict[str, Any]:
        if not hasattr(self, "_values"):
            self._values = _validated(
                ts.TrackerFilterSerializer, self.request.query_params.dict()
            )
            _check_status(self._values.get("status") or "")
            implementation = self._values.get("implementation") or ""
            if implementation and implementation not in _implementations():
                raise ValidationError(
                    {"implementation": [_("Unknown implementation status.")]}
                )
        return self._values

    def get_cursor_ordering(self) -> list[str]:
        sort = self._filters().get("sort") or "due"
        return {
            "due": ["_bucket", "response_due_at", "id"],
            "age": ["entered_at", "id"],
            "newest": ["-entered_at", "-id"],
            "supports": ["-_supports", "response_due_at", "id"],
            "updated": ["-last_update_at", "-id"],
        }[sort]

    @extend_schema(parameters=[ts.TrackerFilterSerializer])
    def list(self, request: Request) -> Response:
        from responses import selectors

        values = self._filters()
        status = values.get("status") or ""
        filters = selectors.TrackerFilters(
            process=values.get("process") or "",
            department=values.get("department") or "",
            status="" if status == "overdue" else status,
            implementation=values.get("implementation") or "",
            category=values.get("category") or "",
            area=values.get("area") or "",
            overdue=bool(values.get("overdue")) or status == "overdue",
            disputed=bool(values.get("disputed")),
            entered_from=values.get("entered_from"),
            entered_to=values.get("entered_to"),
            sort="due",
        )
        qs = selectors.tracker_entries(filters).annotate(
            _supports=F("proposal__support_count")
        )
        page = self.paginate_queryset(qs)
        context = self.get_serializer_context()
        rows = [
            ts.tracker_row(entry, context, selectors.entry_summary(entry))
            for entry in page
        ]
        return self.get_paginated_response(
            ts.TrackerRowSerializer(rows, many=True, context=context).data
        )


class ScorecardsView(ApiMixin, APIView):
    """Every department's scorecard and the total, by database aggregation."""

    @extend_schema(responses=ts.ScoreboardSerializer, operation_id="scorecards")
    def get(self, request: Request) -> Response:
        from responses import selectors

        board = selectors.scorecards()
        return Response(ts.ScoreboardSerializer(board).data)


class DepartmentScorecardView(ApiMixin, APIView):
    @extend_schema(responses=ts.FiguresSerializer, operation_id="department_scorecard")
    def get(self, request: Request, code: str) -> Response:
        from responses import selectors

        department = Department.objects.filter(code=code).first()
        if department is None:
            raise NotFound()
        return Response(
            ts.FiguresSerializer(selectors.department_figures(department)).data
        )


# -- one proposal's record ------------------------------------------------------------


class ProposalTrackerView(ApiMixin, APIView):
    """A proposal's tracker record: status, dated timeline, progress."""

    @extend_schema(
        responses=ts.ProposalTrackerSerializer,
        parameters=[_ID],
        operation_id="proposal_tracker",
    )
    def get(self, request: Request, pk: int) -> Response:
        from responses import selectors

        proposal = _proposal(pk)
        if proposal.is_hidden:
            raise NotFound()
        data = selectors.document_data(proposal)
        entry = data["entry"]
        payload = {
            "proposal": proposal.pk,
            "entry": selectors.entry_summary(entry) if entry else None,
            "timeline": [
                {
                    "kind": step.kind,
                    "label": str(step.label),
                    "at": step.at,
                    "text": str(step.text),
                    "state": step.state,
                }
                for step in data["steps"]
            ],
            "progress": data.get("progress", []),
            "checks": data.get("checks"),
        }
        context = {"request": request}
        return Response(ts.ProposalTrackerSerializer(payload, context=context).data)


class TrackerActionView(ApiMixin, APIView):
    """Base for official actions on a proposal's tracker entry (scope: official)."""

    required_scope = Scope.OFFICIAL

    def _render(self, proposal: Proposal, code: int = http.HTTP_200_OK) -> Response:
        from responses import selectors

        return Response(
            selectors.summaries([proposal.pk]).get(proposal.pk), status=code
        )


class ForwardView(TrackerActionView):
    @extend_schema(
        request=ts.ForwardSerializer,
        responses={201: ts.TrackerSummarySerializer},
        parameters=[_ID],
        operation_id="proposal_tracker_forward",
        summary="Forward a proposal into the tracker early (facilitators, admins)",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal = _proposal(pk)
        data = _validated(ts.ForwardSerializer, request.data)
        services.tracker_forward(
            actor=request.user, proposal=proposal, note=data.get("note", "")
        )
        return self._render(proposal, http.HTTP_201_CREATED)


class AssignView(TrackerActionView):
    @extend_schema(
        request=ts.AssignSerializer,
        responses=ts.TrackerSummarySerializer,
        parameters=[_ID],
        operation_id="proposal_tracker_assign",
        summary="Assign (or reassign) a tracked proposal to a department",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal = _proposal(pk)
        data = _validated(ts.AssignSerializer, request.data)
        services.tracker_assign(
            actor=request.user,
            entry=_entry(proposal),
            department=_department(data.get("department")),
            note=data.get("note", ""),
        )
        return self._render(proposal)


class ClaimView(TrackerActionView):
    @extend_schema(
        request=ts.ClaimSerializer,
        responses=ts.TrackerSummarySerializer,
        parameters=[_ID],
        operation_id="proposal_tracker_claim",
        summary="Claim an unassigned tracked proposal for your department",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal = _proposal(pk)
        data = _validated(ts.ClaimSerializer, request.data)
        services.tracker_claim(
            actor=request.user,
            entry=_entry(proposal),
            department=_department(data["department"]),
        )
        return self._render(proposal)


class StatusView(TrackerActionView):
    @extend_schema(
        request=ts.StatusSerializer,
        responses=ts.TrackerSummarySerializer,
        parameters=[_ID],
        operation_id="proposal_tracker_status",
        summary="Change the decision status (acknowledged, under review …)",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal = _proposal(pk)
        data = _validated(ts.StatusSerializer, request.data)
        services.tracker_set_status(
            actor=request.user,
            entry=_entry(proposal),
            status=data["status"],
            note=data.get("note", ""),
        )
        return self._render(proposal)


def _response_payload(response_id: int) -> dict[str, Any]:
    from responses import selectors
    from responses.models import ResponseRevision, TrackerEntry

    response = selectors.response_for_page(response_id)
    revisions = list(
        ResponseRevision.objects.filter(response=response).order_by("number")
    )
    covers = list(
        TrackerEntry.objects.filter(response=response, proposal__hidden_at__isnull=True)
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)
    )
    ratings = selectors.rating_summary(response)
    return {
        "id": response.pk,
        "department": response.department,
        "published_at": response.published_at,
        "revised_at": response.revised_at,
        "revision_count": response.revision_count,
        "current": response.current,
        "revisions": revisions,
        "covers": covers,
        "ratings": ratings,
    }


class ProposalResponseView(ApiMixin, APIView):
    """The department's response to a proposal, with every revision."""

    required_scope = Scope.OFFICIAL

    def _entry_or_404(self, pk: int) -> tuple[Proposal, Any]:
        from responses.models import TrackerEntry

        proposal = _proposal(pk)
        entry = (
            TrackerEntry.objects.select_related("proposal", "process", "department")
            .filter(proposal=proposal)
            .first()
        )
        return proposal, entry

    def _render(self, response_id: int, code: int = http.HTTP_200_OK) -> Response:
        context = {"request": self.request}
        return Response(
            ts.ResponseSerializer(_response_payload(response_id), context=context).data,
            status=code,
        )

    @extend_schema(
        responses=ts.ResponseSerializer,
        parameters=[_ID],
        operation_id="proposal_response",
        summary="The published response with every revision (404 if none yet)",
    )
    def get(self, request: Request, pk: int) -> Response:
        proposal, entry = self._entry_or_404(pk)
        if proposal.is_hidden or entry is None or entry.response_id is None:
            raise NotFound(_("This proposal has no published response yet."))
        return self._render(entry.response_id)

    @extend_schema(
        request=ts.PublishSerializer,
        responses={201: ts.ResponseSerializer},
        parameters=[_ID],
        operation_id="proposal_response_publish",
        summary="Publish the department's response (scope: official)",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services
        from responses.models import TrackerEntry

        proposal, entry = self._entry_or_404(pk)
        data = _validated(ts.PublishSerializer, request.data)
        if entry is None:
            entry = _entry(proposal)
        also_proposals = sorted(set(data.get("also") or []) - {proposal.pk})
        also = list(
            TrackerEntry.objects.filter(proposal_id__in=also_proposals).values_list(
                "pk", flat=True
            )
        )
        if len(also) != len(also_proposals):
            raise Invalid(
                _("Some of the proposals to cover are not in the tracker."),
                field_errors={"also": ["invalid_choice"]},
            )
        response = services.response_publish(
            actor=request.user,
            entry=entry,
            decision=data["decision"],
            body=data["body"],
            referred_to=data.get("referred_to", ""),
            also=also,
        )
        return self._render(response.pk, http.HTTP_201_CREATED)

    @extend_schema(
        request=ts.ReviseSerializer,
        responses=ts.ResponseSerializer,
        parameters=[_ID],
        operation_id="proposal_response_revise",
        summary="Revise the response: a new public revision (scope: official)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal, entry = self._entry_or_404(pk)
        data = _validated(ts.ReviseSerializer, request.data)
        if entry is None:
            entry = _entry(proposal)
        revision = services.response_revise(
            actor=request.user,
            entry=entry,
            decision=data["decision"],
            body=data["body"],
            change_note=data["change_note"],
            referred_to=data.get("referred_to", ""),
            base_revision=data.get("base_revision"),
        )
        return self._render(revision.response_id)


class ProgressView(ApiMixin, APIView):
    """Progress updates of an accepted proposal's implementation."""

    required_scope = Scope.OFFICIAL

    @extend_schema(
        responses=ts.ProgressUpdateSerializer(many=True),
        parameters=[_ID],
        operation_id="proposal_progress",
        summary="Progress updates, oldest first",
    )
    def get(self, request: Request, pk: int) -> Response:
        from responses.models import ProgressUpdate

        proposal = _proposal(pk)
        if proposal.is_hidden:
            raise NotFound()
        updates = ProgressUpdate.objects.filter(entry__proposal=proposal).order_by(
            "happened_on", "created_at", "id"
        )
        return Response(
            ts.ProgressUpdateSerializer(
                updates, many=True, context={"request": request}
            ).data
        )

    @extend_schema(
        request=ts.ProgressInputSerializer,
        responses={201: ts.ProgressUpdateSerializer},
        parameters=[_ID],
        operation_id="proposal_progress_post",
        summary="Post a progress update (scope: official)",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import services

        proposal = _proposal(pk)
        data = _validated(ts.ProgressInputSerializer, request.data)
        update = services.progress_post(
            actor=request.user,
            entry=_entry(proposal),
            status=data["status"],
            percent=data["percent"],
            body=data["body"],
            link=data.get("link", ""),
            happened_on=data.get("happened_on"),
        )
        return Response(
            ts.ProgressUpdateSerializer(update, context={"request": request}).data,
            status=http.HTTP_201_CREATED,
        )


# -- residents on the outcome -----------------------------------------------------


class ResponseRatingView(ApiMixin, APIView):
    """A resident rates the published response: clear? satisfied? (one rating each,
    changeable; scope: participate)."""

    required_scope = Scope.PARTICIPATE

    @extend_schema(
        request=ts.RatingInputSerializer,
        responses={200: ts.RatingResultSerializer, 201: ts.RatingResultSerializer},
        parameters=[_ID],
        operation_id="proposal_response_rate",
        summary="Rate the response to a proposal (201 first time, 200 when changed)",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import selectors, services

        proposal = _proposal(pk)
        data = _validated(ts.RatingInputSerializer, request.data)
        entry = _entry(proposal)
        if entry.response_id is None:
            raise Conflict(
                _("This proposal has no published response yet."),
                code="no_response",
            )
        response = selectors.response_for_page(entry.response_id)
        rating = services.response_rate(
            user=request.user,
            response=response,
            clear=data["clear"],
            satisfied=data["satisfied"],
        )
        created = rating.created_at == rating.updated_at
        payload = {
            "clear": rating.clear,
            "satisfied": rating.satisfied,
            "ratings": selectors.rating_summary(response),
        }
        return Response(
            ts.RatingResultSerializer(payload).data,
            status=http.HTTP_201_CREATED if created else http.HTTP_200_OK,
        )


class OutcomeView(ApiMixin, APIView):
    """The author or a supporter confirms or disputes a completed implementation; a
    dispute raises a public flag until the department answers (scope: participate)."""

    required_scope = Scope.PARTICIPATE

    @extend_schema(
        request=ts.OutcomeInputSerializer,
        responses=ts.OutcomeResultSerializer,
        parameters=[_ID],
        operation_id="proposal_tracker_outcome",
        summary="Confirm or dispute that the completed work is done",
    )
    def post(self, request: Request, pk: int) -> Response:
        from responses import selectors, services

        proposal = _proposal(pk)
        data = _validated(ts.OutcomeInputSerializer, request.data)
        check = services.outcome_check(
            user=request.user,
            entry=_entry(proposal),
            verdict=data["verdict"],
            reason=data.get("reason", ""),
        )
        payload = {
            "verdict": check.verdict,
            "reason": check.reason,
            "round": check.round,
            "entry": selectors.summaries([proposal.pk]).get(proposal.pk),
            "checks": selectors.outcome_counts(check.entry),
        }
        return Response(ts.OutcomeResultSerializer(payload).data)


# -- moderation ------------------------------------------------------------------


class ModerationLogView(ApiMixin, viewsets.GenericViewSet):
    """The public moderation log of a process, newest first."""

    serializer_class = ts.ModerationLogSerializer

    def get_queryset(self) -> QuerySet:
        from participation.moderation.models import ModerationAction

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
        from participation.moderation import selectors

        process = Process.objects.filter(
            slug=slug, status__in=queries.PUBLIC_PROCESS_STATUSES
        ).first()
        if process is None:
            raise NotFound()
        kind = request.query_params.get("kind", "")
        page = self.paginate_queryset(selectors.public_log(process, kind=kind))
        return self.get_paginated_response(
            ts.ModerationLogSerializer(
                page, many=True, context=self.get_serializer_context()
            ).data
        )


class ReportView(ApiMixin, APIView):
    """Report a proposal or a comment to the facilitators (scope: participate)."""

    required_scope = Scope.PARTICIPATE

    @extend_schema(
        request=ts.ReportSerializer,
        responses={201: ts.ReportResultSerializer},
        operation_id="report_create",
    )
    def post(self, request: Request) -> Response:
        from participation.moderation import services

        data = _validated(ts.ReportSerializer, request.data)
        model = Proposal if data["target_type"] == "proposal" else Comment
        target = model.objects.filter(pk=data["target_id"]).first()
        if target is None:
            raise ValidationError({"target_id": [_("There is no such content.")]})
        report = services.report_create(
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
        )
