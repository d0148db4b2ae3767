"""Tracker pages: the public tracker, scorecards, exports, and the forms officials,
facilitators and residents use on a tracked proposal.

Each view parses a form, calls one service, then redirects with a message or
renders again. A service's refusal becomes a message and a status: the form page
again with the message (400 invalid, 403 not allowed, 409 double submit or stale,
429 too fast), or, for a button, the refusal page with the same status. Anonymous
visitors are sent to log in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import csvwriter, doors, pagecache
from participation.accounts.models import User
from participation.accounts.selectors import standing_of
from participation.errors import DomainError, Invalid, NotAllowed, RateLimited
from participation.idempotency import services as idempotency
from participation.paging import KeysFirstPaginator
from participation.site_url import absolute_url
from participation.spaces.models import Department
from participation.spool import spooled_download
from proposals.models import Proposal
from responses import charts, forms, questionnaire, rules, selectors, services
from responses.document import tracker_document
from responses.models import (
    OutcomeCheck,
    Response,
    ResponseComment,
    TrackerEntry,
    Verdict,
)
from responses.projection import entry_fields
from responses.staff import views as staff_views
from responses.transitions import Implementation

PER_PAGE = 25


# --- helpers --------------------------------------------------------------------------
def _proposal_or_404(pk: int) -> Proposal:
    if pk > forms.MAX_ID:
        raise Http404
    proposal = (
        Proposal.objects.public()
        .select_related("process", "author", "category", "area")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def _entry_or_404(proposal: Proposal) -> TrackerEntry:
    entry = (
        TrackerEntry.objects.select_related(
            "department", "section", "assignee", "process", "response"
        )
        .filter(proposal=proposal)
        .first()
    )
    if entry is None:
        raise Http404
    entry.proposal = proposal
    return entry


def _response_or_404(pk: int) -> Response:
    if pk > forms.MAX_ID:
        raise Http404
    try:
        response = selectors.response_for_page(pk)
    except Response.DoesNotExist as exc:
        raise Http404 from exc
    return response


def _tracker_url(proposal: Proposal) -> str:
    return f"{proposal.get_absolute_url()}#tracker"


def _manage_url(proposal: Proposal) -> str:
    return reverse("responses:manage", args=[proposal.pk])


def _official_departments(user: Any) -> Any:
    return Department.objects.filter(pk__in=standing_of(user).department_ids)


# --- Public tracker -------------------------------------------------------------------
@require_GET
@pagecache.cached(lambda: [pagecache.scope("tracker")])
def tracker(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices()
    form = forms.TrackerFilterForm(request.GET or None, choices=choices)
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    filters = form.filters() if request.GET else selectors.TrackerFilters()
    page = KeysFirstPaginator(selectors.tracker_entries(filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "responses/tracker.html",
        {
            "form": form,
            "page_obj": page,
            "entries": page.object_list,
            "counts": selectors.tracker_counts(),
            "filters": filters,
            "export_query": request.GET.urlencode(),
        },
        status=status,
    )


# The CSV's columns: (column, projection key); "url" is the door's own (absolute).
CSV_FIELDS = (
    ("proposal_id", "proposal_id"),
    ("title", "title"),
    ("url", "url"),
    ("process", "process"),
    ("category", "category"),
    ("area", "area"),
    ("department", "department"),
    ("decision", "decision"),
    ("implementation", "implementation"),
    ("implementation_percent", "implementation_percent"),
    ("entered_at", "entered_at"),
    ("entered_via", "entered_via"),
    ("response_due_at", "response_due_at"),
    ("decided_at", "decided_at"),
    ("days_to_decision", "days_to_decision"),
    ("answered_on_time", "answered_on_time"),
    ("overdue", "overdue"),
    ("days_overdue", "days_overdue"),
    ("referred_to", "referred_to"),
    ("disputed", "disputed"),
    ("supports", "support_count"),
    ("last_update_at", "last_update_at"),
    ("last_update", "last_update_kind"),
    ("review_on", "review_on"),
    ("review_due", "review_due"),
    # Added later, so after the earlier columns (spreadsheets read by position).
    ("section", "section"),
)
CSV_COLUMNS = [column for column, _key in CSV_FIELDS]
_CSV_KEYS = [key for _column, key in CSV_FIELDS if key != "url"]


def _csv_value(value: Any) -> Any:
    """The tracker CSV's own spelling: instants in ISO 8601, yes/no for booleans
    (the one CSV writer writes None as an empty cell)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _csv_rows(rows: Iterator[TrackerEntry]) -> Iterator[list[Any]]:
    for entry in rows:
        values = entry_fields(entry, _CSV_KEYS)
        values["url"] = absolute_url(entry.proposal.get_absolute_url())
        yield [_csv_value(values[key]) for _column, key in CSV_FIELDS]


@require_GET
def tracker_csv(request: HttpRequest) -> HttpResponse:
    """The tracker table as CSV, with the page's filters, by the one CSV writer
    (UTF-8 with BOM so spreadsheet software reads Japanese correctly; titles and
    other text that look like formulas neutralised; spooled, then streamed)."""
    form = forms.TrackerFilterForm(
        request.GET or None, choices=selectors.filter_choices()
    )
    if request.GET and not form.is_valid():
        return doors.refused(
            request,
            Invalid(_("Some filters are not valid.")),
            back=reverse("responses:tracker"),
            form_errors=form.errors,
        )
    filters = form.filters() if request.GET else selectors.TrackerFilters()
    # A local date: the file is named for the day the person downloading it sees
    # (timestamps inside are full ISO 8601 instants with their offset).
    stamp = timezone.localdate().isoformat()
    # Generated into a file, the connection given back, then streamed at the
    # client's pace (participation/spool.py).
    return spooled_download(
        request,
        csvwriter.csv_chunks(CSV_COLUMNS, _csv_rows(selectors.csv_rows(filters))),
        content_type="text/csv; charset=utf-8",
        filename=f"tracker-{stamp}.csv",
    )


def _charts(figures: selectors.Figures, months: Any) -> dict[str, Any]:
    starts, received, answered = months
    month_labels = [f"{s:%Y-%m}" for s in starts]
    bucket_labels = []
    for low, high in selectors.DAY_BUCKETS:
        if high is None:
            bucket_labels.append(_("%(n)d+ days") % {"n": low})
        else:
            bucket_labels.append(_("%(a)d–%(b)d days") % {"a": low, "b": high})
    return {
        "monthly": charts.grouped_bars(
            title=_("Received and answered per month"),
            description=_(
                "Proposals entering the tracker and proposals answered, by month, "
                "over the last twelve months."
            ),
            categories=month_labels,
            series_names=[_("Received"), _("Answered")],
            values=[received, answered],
            first_column=_("Month"),
        ),
        "days": charts.grouped_bars(
            title=_("Days to decision"),
            description=_("How many answered proposals were decided within each span."),
            categories=bucket_labels,
            series_names=[_("Proposals")],
            values=[figures.buckets],
            first_column=_("Days"),
        ),
        "mix": charts.horizontal_bars(
            title=_("Decision mix"),
            description=_("The current status of every tracked proposal."),
            items=[(label, count) for _value, label, count in figures.decision_mix],
            columns=[_("Status"), _("Proposals"), _("Share")],
        ),
    }


# The scorecards read what the tracker's rows read, and the responses' ratings: a
# rating is broadcast to its proposal's group, whose pages include the tracker's.
@require_GET
@pagecache.cached(lambda: [pagecache.scope("tracker")])
def departments(request: HttpRequest) -> HttpResponse:
    board = selectors.scorecards()
    return render(
        request,
        "responses/departments.html",
        {
            "board": board,
            "charts": _charts(board.total, selectors.monthly_series()),
        },
    )


@require_GET
@pagecache.cached(lambda code: [pagecache.scope("tracker")])
def department(request: HttpRequest, code: str) -> HttpResponse:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        raise Http404
    figures = selectors.department_figures(dept)
    return render(
        request,
        "responses/department.html",
        {
            "department": dept,
            "figures": figures,
            "charts": _charts(figures, selectors.monthly_series(dept)),
            "entries": selectors.recent_entries(dept),
        },
    )


@require_GET
def tracker_json(request: HttpRequest, pk: int) -> JsonResponse:
    """A proposal's fate as a JSON document, every milestone timestamped."""
    proposal = _proposal_or_404(pk)
    if proposal.is_hidden:
        raise Http404
    document = tracker_document(proposal)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(pk)
    return _render_response_page(request, response)


def _render_response_page(
    request: HttpRequest,
    response: Response,
    *,
    rating_form: forms.RatingForm | None = None,
    comment_form: forms.ResponseCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    proposals = selectors.response_proposals(response)
    if not proposals:
        raise Http404
    user = request.user
    my_rating = None
    if user.is_authenticated:
        my_rating = response.ratings.filter(user=user).first()
    initial = {}
    if my_rating is not None:
        initial = {
            "clear": "yes" if my_rating.clear else "no",
            "satisfied": "yes" if my_rating.satisfied else "no",
        }
    return render(
        request,
        "responses/response_detail.html",
        {
            "response": response,
            "revision": response.current,
            "history": selectors.revision_history(response),
            "proposals": proposals,
            "ratings": selectors.rating_summary(response),
            "my_rating": my_rating,
            "rating_form": rating_form or forms.RatingForm(initial=initial),
            "comments": selectors.response_comments(response),
            "comment_form": comment_form
            or forms.ResponseCommentForm(initial={"proposal": proposals[0].pk}),
            "can_rate": rules.rate_refusal(user, response) is None,
            "can_comment": rules.response_comment_refusal(user, response) is None,
        },
        status=status,
    )


@require_POST
def response_rate(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(pk)
    back = f"{response.get_absolute_url()}#rate"
    if not request.user.is_authenticated:
        return redirect_to_login(response.get_absolute_url())
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        return _render_response_page(request, response, rating_form=form, status=400)
    try:
        services.response_rate(
            user=request.user,
            response=response,
            clear=form.cleaned_data["clear"],
            satisfied=form.cleaned_data["satisfied"],
        )
    except DomainError as exc:
        if exc.status == 403 or isinstance(exc, RateLimited):
            return doors.refused(request, exc, back=back)
        status = doors.form_error(form, exc)
        return _render_response_page(request, response, rating_form=form, status=status)
    messages.success(request, _("Thank you: your rating is saved."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/proposals/") and "//" not in next_url:
        return redirect(next_url)
    return redirect(back)


@require_POST
def response_comment(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(response.get_absolute_url())
    form = forms.ResponseCommentForm(request.POST)
    if not form.is_valid():
        return _render_response_page(request, response, comment_form=form, status=400)
    proposal = Proposal.objects.filter(pk=form.cleaned_data["proposal"]).first()
    try:
        if proposal is None:
            raise DomainError(_("This response does not answer that proposal."))
        comment = services.response_comment_create(
            idempotency_key=idempotency.key_from(request),
            author=request.user,
            response=response,
            proposal=proposal,
            body=form.cleaned_data["body"],
        )
    except DomainError as exc:
        if exc.status == 403 or isinstance(exc, RateLimited):
            return doors.refused(request, exc, back=response.get_absolute_url())
        status = doors.form_error(form, exc)
        return _render_response_page(
            request, response, comment_form=form, status=status
        )
    messages.success(request, _("Your comment is posted."))
    return redirect(f"{response.get_absolute_url()}#response-comment-{comment.pk}")


@require_POST
def response_comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = (
        ResponseComment.objects.select_related("response").filter(pk=pk).first()
        if pk <= forms.MAX_ID
        else None
    )
    if comment is None:
        raise Http404
    back = comment.response.get_absolute_url()
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        services.response_comment_delete(actor=request.user, comment=comment)
    except DomainError as exc:
        return doors.refused(request, exc, back=back)
    messages.success(request, _("Your comment was deleted."))
    return redirect(back)


# --- Staff console --------------------------------------------------------------------
def _manage_context(
    request: HttpRequest,
    proposal: Proposal,
    entry: TrackerEntry | None,
    **forms_given: Any,
) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "proposal": proposal,
        "entry": entry,
        "forward_form": forms_given.get("forward_form") or forms.ForwardForm(),
    }
    if entry is not None:
        context.update(
            {
                "assign_form": forms_given.get("assign_form")
                or staff_views.reassign_form(entry),
                "claim_form": forms_given.get("claim_form")
                or forms.ClaimForm(
                    departments=_official_departments(user),
                    initial={"department": entry.department_id},
                ),
                "status_form": forms_given.get("status_form") or forms.StatusForm(),
                "can_assign": rules.assign_refusal(user, entry) is None,
                "can_claim": bool(rules.can_claim(user, entry)),
                "can_status": rules.status_refusal(user, entry) is None,
                "publish_refusal": rules.publish_refusal(user, entry),
                "revise_refusal": rules.revise_refusal(user, entry),
                "progress_refusal": rules.progress_refusal(user, entry),
                "answer_refusal": rules.dispute_answer_refusal(user, entry),
                # Internal notes: only for the department and the admins.
                **staff_views.console_context(request, entry),
            }
        )
    else:
        context["forward_refusal"] = rules.forward_refusal(user, proposal)
    return context


@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entry = (
        TrackerEntry.objects.select_related(
            "department", "section", "assignee", "process", "response"
        )
        .filter(proposal=proposal)
        .first()
    )
    if entry is None:
        refusal = rules.forward_refusal(request.user, proposal)
        if refusal is not None:
            return doors.refused(request, refusal, back=_tracker_url(proposal))
    else:
        entry.proposal = proposal
        if not rules.can_manage(request.user, entry):
            return doors.refused(request, _not_staff(), back=_tracker_url(proposal))
    return render(
        request, "responses/manage.html", _manage_context(request, proposal, entry)
    )


def _not_staff() -> DomainError:
    return NotAllowed(
        _(
            "Only facilitators, administrators and officials of the assigned "
            "department can handle this proposal."
        )
    )


def _console_error(
    request: HttpRequest,
    proposal: Proposal,
    entry: TrackerEntry | None,
    error: DomainError,
    **forms_given: Any,
) -> HttpResponse:
    """A refused console action: permission problems get the refusal page; other
    problems re-render the console with the message next to the form."""
    if error.status == 403 or isinstance(error, RateLimited):
        return doors.refused(request, error, back=_tracker_url(proposal))
    for form in forms_given.values():
        doors.form_error(form, error)
    return render(
        request,
        "responses/manage.html",
        _manage_context(request, proposal, entry, **forms_given),
        status=error.status,
    )


@require_POST
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_manage_url(proposal))
    form = forms.ForwardForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "responses/manage.html",
            _manage_context(request, proposal, None, forward_form=form),
            status=400,
        )
    try:
        services.tracker_forward(
            actor=request.user, proposal=proposal, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _console_error(request, proposal, None, exc, forward_form=form)
    messages.success(request, _("The proposal is now in the response tracker."))
    return redirect(_manage_url(proposal))


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_manage_url(proposal))
    entry = _entry_or_404(proposal)
    form = staff_views.reassign_form(entry, request.POST)
    refusal = rules.assign_refusal(request.user, entry)
    if refusal is not None:
        return doors.refused(request, refusal, back=_tracker_url(proposal))
    if not form.is_valid():
        return render(
            request,
            "responses/manage.html",
            _manage_context(request, proposal, entry, assign_form=form),
            status=400,
        )
    try:
        entry = services.tracker_assign(
            actor=request.user,
            entry=entry,
            department=form.cleaned_data["department"],
            section=form.cleaned_data["section"],
            assignee=form.cleaned_data["assignee"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _console_error(request, proposal, entry, exc, assign_form=form)
    messages.success(
        request,
        _("Assigned to %(department)s.") % {"department": entry.place_label},
    )
    return redirect(_manage_url(proposal))


@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_manage_url(proposal))
    entry = _entry_or_404(proposal)
    form = forms.ClaimForm(
        request.POST, departments=_official_departments(request.user)
    )
    if not form.is_valid():
        refusal = rules.claim_refusal(request.user, entry, None)
        if refusal is not None and not _official_departments(request.user).exists():
            return doors.refused(request, refusal, back=_tracker_url(proposal))
        return render(
            request,
            "responses/manage.html",
            _manage_context(request, proposal, entry, claim_form=form),
            status=400,
        )
    try:
        entry = services.tracker_claim(
            actor=request.user, entry=entry, department=form.cleaned_data["department"]
        )
    except DomainError as exc:
        return _console_error(request, proposal, entry, exc, claim_form=form)
    messages.success(
        request,
        _("Claimed for %(department)s. The deadline is shown on the proposal.")
        % {"department": entry.place_label},
    )
    return redirect(_manage_url(proposal))


@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_manage_url(proposal))
    entry = _entry_or_404(proposal)
    refusal = rules.status_refusal(request.user, entry)
    if refusal is not None and refusal.status == 403:
        return doors.refused(request, refusal, back=_tracker_url(proposal))
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "responses/manage.html",
            _manage_context(request, proposal, entry, status_form=form),
            status=400,
        )
    try:
        entry = services.tracker_set_status(
            actor=request.user,
            entry=entry,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            review_on=form.cleaned_data["review_on"],
        )
    except DomainError as exc:
        return _console_error(request, proposal, entry, exc, status_form=form)
    messages.success(
        request,
        _("Status set to “%(status)s”.") % {"status": entry.get_decision_display()},
    )
    return redirect(_tracker_url(proposal))


def _staff_form_view(
    request: HttpRequest,
    pk: int,
    *,
    refusal_fn: Any,
    template: str,
    build_form: Any,
    act: Any,
    success: Any,
    extra: Any = None,
) -> HttpResponse:
    """GET shows the form (or why it cannot be used); POST calls the service."""
    proposal = _proposal_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entry = _entry_or_404(proposal)
    refusal = refusal_fn(request.user, entry)
    if refusal is not None:
        return doors.refused(request, refusal, back=_tracker_url(proposal))
    form = build_form(request.POST if request.method == "POST" else None, entry)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                act(request.user, entry, form.cleaned_data)
            except DomainError as exc:
                if exc.status == 403 or isinstance(exc, RateLimited):
                    return doors.refused(request, exc, back=_tracker_url(proposal))
                status = doors.form_error(form, exc)
            else:
                messages.success(request, success)
                return redirect(_tracker_url(proposal))
        else:
            status = 400
    context = {"proposal": proposal, "entry": entry, "form": form}
    if extra is not None:
        context.update(extra(entry))
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    def build(data: Any, entry: TrackerEntry) -> forms.PublishForm:
        return forms.PublishForm(data, candidates=selectors.group_candidates(entry))

    def act(user: Any, entry: TrackerEntry, data: dict[str, Any]) -> None:
        services.response_publish(
            idempotency_key=idempotency.key_from(request),
            actor=user,
            entry=entry,
            decision=data["decision"],
            body=data["body"],
            referred_to=data["referred_to"],
            also=data["also"],
            review_on=data["review_on"],
        )

    return _staff_form_view(
        request,
        pk,
        refusal_fn=rules.publish_refusal,
        template="responses/respond.html",
        build_form=build,
        act=act,
        success=_("The response is published."),
    )


@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    def build(data: Any, entry: TrackerEntry) -> forms.ReviseForm:
        current = entry.response.current if entry.response else None
        initial = {}
        if current is not None:
            initial = {
                "decision": current.decision,
                "body": current.body,
                "referred_to": current.referred_to,
                "base_revision": current.number,
                "review_on": entry.review_on,
            }
        return forms.ReviseForm(data, initial=initial)

    def act(user: Any, entry: TrackerEntry, data: dict[str, Any]) -> None:
        services.response_revise(
            actor=user,
            entry=entry,
            decision=data["decision"],
            body=data["body"],
            referred_to=data["referred_to"],
            change_note=data["change_note"],
            base_revision=data["base_revision"],
            review_on=data["review_on"],
        )

    def extra(entry: TrackerEntry) -> dict[str, Any]:
        return {
            "revision": entry.response.current if entry.response else None,
            "covered": selectors.response_proposals(entry.response)
            if entry.response
            else [],
        }

    return _staff_form_view(
        request,
        pk,
        refusal_fn=rules.revise_refusal,
        template="responses/revise.html",
        build_form=build,
        act=act,
        success=_("The revision is published. Earlier versions stay public."),
        extra=extra,
    )


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    def build(data: Any, entry: TrackerEntry) -> forms.ProgressForm:
        return forms.ProgressForm(
            data,
            initial={
                "status": Implementation.IN_PROGRESS,
                "percent": entry.implementation_percent or 0,
            },
        )

    def act(user: Any, entry: TrackerEntry, data: dict[str, Any]) -> None:
        services.progress_post(
            idempotency_key=idempotency.key_from(request),
            actor=user,
            entry=entry,
            status=data["status"],
            percent=data["percent"],
            body=data["body"],
            link=data["link"],
            happened_on=data["happened_on"],
        )

    return _staff_form_view(
        request,
        pk,
        refusal_fn=rules.progress_refusal,
        template="responses/progress.html",
        build_form=build,
        act=act,
        success=_("The progress update is posted."),
    )


@require_http_methods(["GET", "POST"])
def dispute_answer(request: HttpRequest, pk: int) -> HttpResponse:
    def build(data: Any, entry: TrackerEntry) -> forms.DisputeAnswerForm:
        return forms.DisputeAnswerForm(data)

    def act(user: Any, entry: TrackerEntry, data: dict[str, Any]) -> None:
        services.dispute_answer(
            idempotency_key=idempotency.key_from(request),
            actor=user,
            entry=entry,
            body=data["body"],
            reopen=data["reopen"],
        )

    def extra(entry: TrackerEntry) -> dict[str, Any]:
        return {
            "disputes": list(
                OutcomeCheck.objects.filter(
                    entry=entry, verdict=Verdict.DISPUTED, answer__isnull=True
                ).select_related("user")
            )
        }

    return _staff_form_view(
        request,
        pk,
        refusal_fn=rules.dispute_answer_refusal,
        template="responses/dispute_answer.html",
        build_form=build,
        act=act,
        success=_("Your answer is published and the dispute flag is cleared."),
        extra=extra,
    )


@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def build(data: Any, entry: TrackerEntry) -> forms.OutcomeForm:
        # "No, it is not" in the questionnaire e-mail opens the form on a dispute.
        wanted = request.GET.get("verdict")
        initial = {"verdict": wanted} if wanted in Verdict.values else None
        return forms.OutcomeForm(data, initial=initial)

    def act(user: Any, entry: TrackerEntry, data: dict[str, Any]) -> None:
        services.outcome_check(
            idempotency_key=idempotency.key_from(request),
            user=user,
            entry=entry,
            verdict=data["verdict"],
            reason=data["reason"],
        )

    return _staff_form_view(
        request,
        pk,
        refusal_fn=rules.outcome_refusal,
        template="responses/outcome.html",
        build_form=build,
        act=act,
        success=_("Thank you: the department and other residents can see your answer."),
    )


# --- The completion questionnaire's one-click links
def _questionnaire_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    status: int = 200,
    proposal: Proposal | None = None,
    token: str = "",
    ask: bool = False,
) -> HttpResponse:
    return render(
        request,
        "responses/questionnaire.html",
        {
            "title": title,
            "message": message,
            "proposal": proposal,
            "token": token,
            "ask": ask,
        },
        status=status,
    )


def _questionnaire_ticket(
    request: HttpRequest, token: str
) -> tuple[TrackerEntry, Any] | HttpResponse:
    """The entry and the person a link was sent to, or the page saying why the link
    cannot be used (400 tampered, 410 expired, account gone or question closed)."""
    try:
        ticket = questionnaire.read_token(token)
    except signing.SignatureExpired:
        return _questionnaire_page(
            request,
            title=_("This link has expired"),
            message=_(
                "The links in the e-mail are valid for %(days)d days. You can still "
                "confirm or dispute the completion on the proposal's page after "
                "signing in."
            )
            % {"days": settings.TRACKER_QUESTIONNAIRE_LINK_DAYS},
            status=410,
        )
    except signing.BadSignature:
        return _questionnaire_page(
            request,
            title=_("This link is not valid"),
            message=_(
                "The address is incomplete or was changed. Open the link from the "
                "e-mail again, or copy the whole address."
            ),
            status=400,
        )
    user = User.objects.filter(pk=ticket.user_id, is_active=True).first()
    if user is None:
        return _questionnaire_page(
            request,
            title=_("This account no longer exists"),
            message=_(
                "The account this e-mail was sent to has been deleted, so its "
                "answer cannot be recorded."
            ),
            status=410,
        )
    entry = (
        TrackerEntry.objects.select_related("proposal", "department", "process")
        .filter(pk=ticket.entry_id, proposal__in=Proposal.objects.public())
        .first()
    )
    if (
        entry is None
        or entry.completion_round != ticket.round
        or entry.implementation != Implementation.COMPLETED
    ):
        return _questionnaire_page(
            request,
            title=_("This question is closed"),
            message=_(
                "The implementation changed since the e-mail was sent, so this "
                "question no longer applies. The proposal's page shows where it "
                "stands."
            ),
            status=410,
            proposal=entry.proposal if entry is not None else None,
        )
    return entry, user


@require_http_methods(["GET", "POST"])
def questionnaire_done(request: HttpRequest, token: str) -> HttpResponse:
    """ "Yes, it is done": GET asks (one button), POST records, without signing in."""
    found = _questionnaire_ticket(request, token)
    if isinstance(found, HttpResponse):
        return found
    entry, user = found
    refusal = rules.outcome_refusal(user, entry)
    if refusal is not None:
        return doors.refused(request, refusal, back=_tracker_url(entry.proposal))
    already = _questionnaire_page(
        request,
        title=_("Your answer is already recorded"),
        message=_("You already confirmed that this proposal's implementation is done."),
        proposal=entry.proposal,
    )
    if request.method == "GET":
        if OutcomeCheck.objects.filter(
            entry=entry, user=user, round=entry.completion_round, verdict="confirmed"
        ).exists():
            return already
        return _questionnaire_page(
            request,
            title=_("Is it done?"),
            message=_(
                "The department marked “%(title)s” as completed. Press the button to "
                "confirm that it is really done; everyone will see the count of "
                "confirmations."
            )
            % {"title": entry.proposal.title},
            proposal=entry.proposal,
            token=token,
            ask=True,
        )
    try:
        services.outcome_check(user=user, entry=entry, verdict=Verdict.CONFIRMED)
    except DomainError as exc:
        if getattr(exc, "code", "") == "duplicate":
            already.status_code = 409
            return already
        return doors.refused(request, exc, back=_tracker_url(entry.proposal))
    return _questionnaire_page(
        request,
        title=_("Thank you"),
        message=_(
            "Your confirmation is recorded. The department and other residents can "
            "see it on the proposal's page."
        ),
        proposal=entry.proposal,
    )


@require_GET
def questionnaire_not_done(request: HttpRequest, token: str) -> HttpResponse:
    """ "No, it is not": leads to the dispute form (which asks to sign in); opening
    the link records nothing."""
    found = _questionnaire_ticket(request, token)
    if isinstance(found, HttpResponse):
        return found
    entry, _user = found
    url = reverse("responses:outcome", args=[entry.proposal_id])
    return redirect(f"{url}?verdict={Verdict.DISPUTED}")
