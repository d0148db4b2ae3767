"""The response tracker in the REST API: the tracker list, scorecards, a
proposal's record, officials' actions, the response with its revisions, progress
updates, and residents' ratings and outcome checks. Reads go through
responses.selectors, writes through responses.services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.api.base import ApiMixin
from participation.api.models import Scope
from participation.api.schema import IDEMPOTENCY_KEY
from participation.api.serializers import validated
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.spaces import selectors as spaces
from participation.spaces.models import Department
from proposals import selectors as proposal_selectors
from proposals.models import Proposal
from responses import selectors, services
from responses.api import serializers as ts
from responses.models import TrackerEntry
from responses.transitions import Decision, Implementation

STATUS_WORDS = ("pending", "decided", "overdue")
_IMPLEMENTATIONS = [value for value in Implementation.values if value]


def _check_status(value: str, field: str = "status") -> None:
    if value and value not in (*Decision.values, *STATUS_WORDS):
        raise ValidationError(
            {
                field: [
                    _("Unknown status: choose a decision, pending, decided or overdue.")
                ]
            }
        )


def filter_proposals(
    qs: QuerySet[Proposal], filters: dict[str, Any]
) -> QuerySet[Proposal]:
    """The proposals API's tracker filters (status incl. overdue, department), with
    each proposal's tracker entry selected (registered in proposals.events)."""
    status = filters.get("status") or ""
    _check_status(status)
    return selectors.proposals_in_tracker(
        qs, department=filters.get("department") or "", status=status
    )


def _entry(proposal: Proposal) -> TrackerEntry:
    entry = selectors.tracked_entry(proposal)
    if entry is None:
        raise Conflict(
            _("This proposal has not entered the response tracker."),
            code="not_tracked",
        )
    return entry


def _proposal(pk: Any) -> Proposal:
    try:
        return proposal_selectors.public_proposal(int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _department(code: str | None, field: str = "department") -> Department | None:
    if not code:
        return None
    department = spaces.department_by_code(code)
    if department is None:
        raise ValidationError({field: [_("There is no department with this code.")]})
    return department


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


# -- the tracker -----------------------------------------------------------------


class TrackerViewSet(ApiMixin, viewsets.GenericViewSet):
    """The public response tracker: every proposal that entered it."""

    serializer_class = ts.TrackerRowSerializer

    def get_queryset(self) -> QuerySet:
        return TrackerEntry.objects.none()

    def _filters(self) -> dict[str, Any]:
        if not hasattr(self, "_values"):
            self._values = validated(
                ts.TrackerFilterSerializer, self.request.query_params.dict()
            )
            _check_status(self._values.get("status") or "")
            implementation = self._values.get("implementation") or ""
            if implementation and implementation not in _IMPLEMENTATIONS:
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
        qs = selectors.api_tracker_entries(filters)
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
        board = selectors.scorecards()
        return Response(ts.ScoreboardSerializer(board).data)


class DepartmentScorecardView(ApiMixin, APIView):
    @extend_schema(responses=ts.FiguresSerializer, operation_id="department_scorecard")
    def get(self, request: Request, code: str) -> Response:
        department = spaces.department_by_code(code)
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
        proposal = _proposal(pk)
        data = validated(ts.ForwardSerializer, request.data)
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
        proposal = _proposal(pk)
        data = validated(ts.AssignSerializer, request.data)
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
        proposal = _proposal(pk)
        data = validated(ts.ClaimSerializer, request.data)
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
        proposal = _proposal(pk)
        data = validated(ts.StatusSerializer, request.data)
        services.tracker_set_status(
            actor=request.user,
            entry=_entry(proposal),
            status=data["status"],
            note=data.get("note", ""),
            review_on=data.get("review_on"),
        )
        return self._render(proposal)


class ProposalResponseView(ApiMixin, APIView):
    """The department's response to a proposal, with every revision."""

    required_scope = Scope.OFFICIAL

    def _entry_or_404(self, pk: int) -> tuple[Proposal, Any]:
        proposal = _proposal(pk)
        return proposal, selectors.tracked_entry(proposal)

    def _render(self, response_id: int, code: int = http.HTTP_200_OK) -> Response:
        context = {"request": self.request}
        return Response(
            ts.ResponseSerializer(
                selectors.response_record(response_id), context=context
            ).data,
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
        parameters=[_ID, IDEMPOTENCY_KEY],
        operation_id="proposal_response_publish",
        summary="Publish the department's response (scope: official)",
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal, entry = self._entry_or_404(pk)
        data = validated(ts.PublishSerializer, request.data)
        if entry is None:
            entry = _entry(proposal)
        also_proposals = sorted(set(data.get("also") or []) - {proposal.pk})
        also = selectors.entry_ids(also_proposals)
        if len(also) != len(also_proposals):
            raise Invalid(
                _("Some of the proposals to cover are not in the tracker."),
                field_errors={"also": ["invalid_choice"]},
            )
        response = services.response_publish(
            idempotency_key=idempotency.key_from(request),
            actor=request.user,
            entry=entry,
            decision=data["decision"],
            body=data["body"],
            referred_to=data.get("referred_to", ""),
            also=also,
            review_on=data.get("review_on"),
        )
        answer = self._render(response.pk, http.HTTP_201_CREATED)
        for name, value in idempotency.replay_headers(response).items():
            answer[name] = value
        return answer

    @extend_schema(
        request=ts.ReviseSerializer,
        responses=ts.ResponseSerializer,
        parameters=[_ID],
        operation_id="proposal_response_revise",
        summary="Revise the response: a new public revision (scope: official)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        proposal, entry = self._entry_or_404(pk)
        data = validated(ts.ReviseSerializer, request.data)
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
            review_on=data.get("review_on"),
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
        proposal = _proposal(pk)
        if proposal.is_hidden:
            raise NotFound()
        updates = selectors.progress_updates(proposal)
        return Response(
            ts.ProgressUpdateSerializer(
                updates, many=True, context={"request": request}
            ).data
        )

    @extend_schema(
        request=ts.ProgressInputSerializer,
        responses={201: ts.ProgressUpdateSerializer},
        parameters=[_ID, IDEMPOTENCY_KEY],
        operation_id="proposal_progress_post",
        summary="Post a progress update (scope: official)",
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(pk)
        data = validated(ts.ProgressInputSerializer, request.data)
        update = services.progress_post(
            idempotency_key=idempotency.key_from(request),
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
            headers=idempotency.replay_headers(update),
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
        proposal = _proposal(pk)
        data = validated(ts.RatingInputSerializer, request.data)
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
        parameters=[_ID, IDEMPOTENCY_KEY],
        operation_id="proposal_tracker_outcome",
        summary="Confirm or dispute that the completed work is done",
    )
    def post(self, request: Request, pk: int) -> Response:
        proposal = _proposal(pk)
        data = validated(ts.OutcomeInputSerializer, request.data)
        check = services.outcome_check(
            idempotency_key=idempotency.key_from(request),
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
