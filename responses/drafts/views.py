"""The staff pages of draft answers (決裁), answer templates and batch progress,
under /staff/drafts/. Each view parses a form, calls one service, then redirects
with a message or renders again with the refusal's message and status."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import doors
from participation.errors import DomainError, RateLimited
from participation.idempotency import services as idempotency
from proposals.models import Proposal
from responses import approval, diff, services
from responses.drafts import forms, rules, selectors
from responses.models import AnswerTemplate, ResponseDraft, TrackerEntry
from responses.services.drafting import StaleDraft, template_text

MAX_ID = 2**63 - 1


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return doors.refused(request, error, back=reverse("drafts:list"))


def _officials_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer anyone but officials and administrators with the refusal page."""

    @wraps(view)
    def door(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = rules.desk_refusal(request.user)
        if refusal is not None:
            return _refused(request, refusal)
        return view(request, *args, **kwargs)

    return door


def _draft_or_404(pk: int) -> ResponseDraft:
    draft = selectors.draft_of(pk) if pk <= MAX_ID else None
    if draft is None:
        raise Http404
    return draft


def _viewable(request: HttpRequest, pk: int) -> ResponseDraft:
    draft = _draft_or_404(pk)
    refusal = rules.view_refusal(request.user, draft)
    if refusal is not None:
        raise refusal
    return draft


def _initial(draft: ResponseDraft) -> dict[str, Any]:
    return {
        "decision": draft.decision,
        "body": draft.body,
        "referred_to": draft.referred_to,
        "change_note": draft.change_note,
        "review_on": draft.review_on,
        "cost_estimate": draft.cost_estimate,
        "period_start": draft.period_start,
        "period_end": draft.period_end,
        "also": [e.pk for e in draft.also.all()],
        "version": draft.version,
    }


def _draft_form(
    draft: ResponseDraft, data: Any = None, initial: dict[str, Any] | None = None
) -> forms.DraftForm:
    return forms.DraftForm(
        data,
        initial=initial if initial is not None else _initial(draft),
        candidates=selectors.candidates_for(draft),
        revision=draft.is_revision,
    )


def _current_revision(draft: ResponseDraft) -> Any:
    entry = draft.entry
    if entry.response_id is None or entry.response is None:
        return None
    return entry.response.current


def _context(
    request: HttpRequest, draft: ResponseDraft, **extra: Any
) -> dict[str, Any]:
    user = request.user
    current = _current_revision(draft)
    context: dict[str, Any] = {
        "draft": draft,
        "entry": draft.entry,
        "proposal": draft.entry.proposal,
        "current": current,
        "diff": diff.render_diff(current.body, draft.body) if current else "",
        "approval_applies": approval.approval_applies(draft.department),
        "can_edit": rules.edit_refusal(user, draft) is None,
        "submit_refusal": rules.submit_refusal(user, draft),
        "publish_refusal": rules.publish_refusal(user, draft),
        "approve_refusal": rules.approve_refusal(user, draft),
        "return_refusal": rules.return_refusal(user, draft),
        "templates": selectors.templates_of(draft.department_id),
        "return_form": forms.ReturnForm(initial={"version": draft.version}),
        "autosave_ms": _autosave_ms(),
    }
    if "form" not in extra:
        context["form"] = _draft_form(draft)
    context.update(extra)
    return context


def _autosave_ms() -> int:
    return max(1000, int(getattr(settings, "RESPONSE_DRAFT_AUTOSAVE_MS", 3000)))


def _save_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": data["version"],
        "decision": data.get("decision") or "",
        "body": data.get("body") or "",
        "referred_to": data.get("referred_to") or "",
        "change_note": data.get("change_note") or "",
        "review_on": data.get("review_on"),
        "cost_estimate": data.get("cost_estimate"),
        "period_start": data.get("period_start"),
        "period_end": data.get("period_end"),
        "also": data.get("also") or (),
    }


# --- Lists ----------------------------------------------------------------------------
@login_required
@_officials_only
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = selectors.open_drafts(request.user)
    me = request.user.pk
    return render(
        request,
        "responses/drafts/list.html",
        {
            "returned": [
                d for d in drafts if d.author_id == me and d.status == "returned"
            ],
            "mine": [d for d in drafts if d.author_id == me and d.status != "returned"],
            "others": [d for d in drafts if d.author_id != me],
        },
    )


@login_required
@_officials_only
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "responses/drafts/approvals.html",
        {"drafts": selectors.awaiting_approval(request.user)},
    )


# --- One draft ------------------------------------------------------------------------
@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the draft answer of a proposal (the open one, or a new one)."""
    if pk > MAX_ID:
        raise Http404
    entry = (
        TrackerEntry.objects.select_related("proposal", "department")
        .filter(proposal_id=pk, proposal__in=Proposal.objects.public())
        .first()
    )
    if entry is None:
        raise Http404
    template = None
    template_id = request.POST.get("template", "")
    if template_id:
        if not template_id.isdigit() or int(template_id) > MAX_ID:
            raise Http404
        template = AnswerTemplate.objects.filter(pk=int(template_id)).first()
        if template is None:
            raise Http404
    try:
        draft = services.draft_start(
            actor=request.user,
            entry=entry,
            template=template,
            idempotency_key=idempotency.key_from(request),
        )
    except DomainError as exc:
        return doors.refused(request, exc, back=entry.get_absolute_url())
    return redirect(draft.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the draft (an editor while it is open, the approver's review once
    submitted). POST: save it, or fill it from a template."""
    try:
        draft = _viewable(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "GET":
        return render(request, "responses/drafts/detail.html", _context(request, draft))
    refusal = rules.edit_refusal(request.user, draft)
    if refusal is not None:
        if refusal.status == 403:
            return _refused(request, refusal)
        messages.error(request, str(refusal.message))
        return redirect(draft.get_absolute_url())
    form = _draft_form(draft, request.POST)
    if "use_template" in request.POST:
        return _use_template(request, draft, form)
    if not form.is_valid():
        return render(
            request,
            "responses/drafts/detail.html",
            _context(request, draft, form=form),
            status=400,
        )
    try:
        services.draft_save(
            actor=request.user, draft=draft, **_save_kwargs(form.cleaned_data)
        )
    except StaleDraft as exc:
        return _stale(request, exc, form)
    except DomainError as exc:
        if exc.status == 403 or isinstance(exc, RateLimited):
            return _refused(request, exc)
        status = doors.form_error(form, exc)
        return render(
            request,
            "responses/drafts/detail.html",
            _context(request, draft, form=form),
            status=status,
        )
    messages.success(request, _("The draft is saved."))
    return redirect(draft.get_absolute_url())


def _use_template(
    request: HttpRequest, draft: ResponseDraft, form: forms.DraftForm
) -> HttpResponse:
    """Fill the form with a template, after what is typed: nothing is saved until
    the official saves, nothing typed is lost."""
    templates = selectors.templates_of(draft.department_id)
    chooser = forms.UseTemplateForm(request.POST, templates=templates)
    if not chooser.is_valid():
        form.is_valid()
        form.add_error(None, _("Choose one of the department's templates."))
        return render(
            request,
            "responses/drafts/detail.html",
            _context(request, draft, form=form),
            status=400,
        )
    template = next(t for t in templates if t.pk == chooser.cleaned_data["template"])
    data = request.POST.copy()
    data["body"] = template_text(template, request.POST.get("body", ""))
    if template.decision and not data.get("decision"):
        data["decision"] = template.decision
    filled = _draft_form(draft, data)
    filled.is_valid()
    messages.info(
        request,
        _("The template “%(title)s” was added to the text. Save to keep it.")
        % {"title": template.title},
    )
    return render(
        request, "responses/drafts/detail.html", _context(request, draft, form=filled)
    )


def _stale(
    request: HttpRequest, exc: StaleDraft, form: forms.DraftForm
) -> HttpResponse:
    """Both texts side by side: what this person typed (still in the form, with
    the new version so that saving again keeps it) and what was saved."""
    current = exc.current
    data = request.POST.copy()
    data["version"] = str(current.version)
    mine = _draft_form(current, data)
    mine.is_valid()
    return render(
        request,
        "responses/drafts/detail.html",
        _context(
            request,
            current,
            form=mine,
            stale=exc,
            their_text=current.body,
            my_text=request.POST.get("body", ""),
            stale_diff=diff.render_diff(current.body, request.POST.get("body", "")),
        ),
        status=409,
    )


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's autosave (static/js/drafts.js): the same form and service as
    the Save button, answered in JSON."""
    try:
        draft = _viewable(request, pk)
    except DomainError as exc:
        return JsonResponse(
            {"error": str(exc.message), "code": exc.code}, status=exc.status
        )
    form = _draft_form(draft, request.POST)
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("Not saved: check the highlighted fields and save."),
                "code": "invalid",
                "fields": sorted(form.errors),
            },
            status=400,
        )
    try:
        saved = services.draft_save(
            actor=request.user,
            draft=draft,
            autosave=True,
            **_save_kwargs(form.cleaned_data),
        )
    except StaleDraft as exc:
        return JsonResponse(
            {
                "error": str(exc.message),
                "code": exc.code,
                "version": exc.current.version,
            },
            status=409,
        )
    except DomainError as exc:
        return JsonResponse(
            {"error": str(exc.message), "code": exc.code}, status=exc.status
        )
    saved_at = formats.time_format(timezone.localtime(saved.updated_at), "TIME_FORMAT")
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": saved.updated_at.isoformat(),
            "message": _("Saved at %(time)s") % {"time": saved_at},
        }
    )


def _button(
    request: HttpRequest,
    pk: int,
    act: Any,
    success: str,
    *,
    form_class: Any = forms.VersionForm,
) -> HttpResponse:
    try:
        draft = _viewable(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    form = form_class(request.POST)
    if not form.is_valid():
        if form_class is forms.ReturnForm:
            return render(
                request,
                "responses/drafts/detail.html",
                _context(request, draft, return_form=form),
                status=400,
            )
        messages.error(request, _("The form was incomplete. Try again."))
        return redirect(draft.get_absolute_url())
    try:
        target = act(draft, form.cleaned_data)
    except StaleDraft as exc:
        messages.error(request, str(exc.message))
        return redirect(draft.get_absolute_url())
    except DomainError as exc:
        if exc.status == 403 or isinstance(exc, RateLimited):
            return _refused(request, exc)
        if form_class is forms.ReturnForm:
            status = doors.form_error(form, exc)
            return render(
                request,
                "responses/drafts/detail.html",
                _context(request, draft, return_form=form),
                status=status,
            )
        messages.error(request, str(exc.message))
        response = redirect(draft.get_absolute_url())
        return response
    messages.success(request, success)
    return redirect(target or draft.get_absolute_url())


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(draft: ResponseDraft, data: dict[str, Any]) -> None:
        services.draft_submit(actor=request.user, draft=draft, version=data["version"])

    return _button(
        request,
        pk,
        act,
        _(
            "The draft is submitted for approval. The approvers of your section "
            "are told."
        ),
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def act(draft: ResponseDraft, data: dict[str, Any]) -> str:
        services.draft_approve(actor=request.user, draft=draft, version=data["version"])
        return reverse("drafts:approvals")

    return _button(request, pk, act, _("Approved. The answer is published."))


@login_required
@require_POST
def return_draft(request: HttpRequest, pk: int) -> HttpResponse:
    def act(draft: ResponseDraft, data: dict[str, Any]) -> str:
        services.draft_return(
            actor=request.user,
            draft=draft,
            version=data["version"],
            comment=data["comment"],
        )
        return reverse("drafts:approvals")

    return _button(
        request,
        pk,
        act,
        _("The draft is returned to its author with your comment."),
        form_class=forms.ReturnForm,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    def act(draft: ResponseDraft, data: dict[str, Any]) -> str:
        services.draft_publish(actor=request.user, draft=draft, version=data["version"])
        return draft.entry.get_absolute_url()

    return _button(request, pk, act, _("The response is published."))


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    def act(draft: ResponseDraft, data: dict[str, Any]) -> str:
        services.draft_discard(actor=request.user, draft=draft, version=data["version"])
        return reverse("drafts:list")

    return _button(request, pk, act, _("The draft is discarded."))


# --- Answer templates -----------------------------------------------------------------
@login_required
@_officials_only
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "responses/drafts/templates.html",
        {"templates": selectors.templates_for(request.user)},
    )


@login_required
@_officials_only
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    departments = selectors.departments_for(request.user)
    form = forms.TemplateForm(
        request.POST if request.method == "POST" else None, departments=departments
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_template_create(
                    actor=request.user,
                    department=form.cleaned_data["department"],
                    title=form.cleaned_data["title"],
                    decision=form.cleaned_data["decision"],
                    body=form.cleaned_data["body"],
                    idempotency_key=idempotency.key_from(request),
                )
            except DomainError as exc:
                if exc.status == 403:
                    return _refused(request, exc)
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("drafts:templates")
        else:
            status = 400
    return render(
        request, "responses/drafts/template_form.html", {"form": form}, status=status
    )


def _template_or_404(request: HttpRequest, pk: int) -> AnswerTemplate:
    template = (
        AnswerTemplate.objects.select_related("department").filter(pk=pk).first()
        if pk <= MAX_ID
        else None
    )
    if template is None:
        raise Http404
    refusal = rules.templates_refusal(request.user, template.department_id)
    if refusal is not None:
        raise refusal
    return template


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        template = _template_or_404(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    initial = {
        "title": template.title,
        "decision": template.decision,
        "body": template.body,
    }
    form = forms.TemplateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        departments=selectors.departments_for(request.user),
        editing=True,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_template_update(
                    actor=request.user,
                    template=template,
                    title=form.cleaned_data["title"],
                    decision=form.cleaned_data["decision"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                if exc.status == 403:
                    return _refused(request, exc)
                status = doors.form_error(form, exc)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("drafts:templates")
        else:
            status = 400
    return render(
        request,
        "responses/drafts/template_form.html",
        {"form": form, "template": template},
        status=status,
    )


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        template = _template_or_404(request, pk)
        services.answer_template_delete(actor=request.user, template=template)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("The template is deleted."))
    return redirect("drafts:templates")


# --- Batch progress -------------------------------------------------------------------
@login_required
@_officials_only
@require_http_methods(["GET", "POST"])
def batch_progress(request: HttpRequest) -> HttpResponse:
    """One progress update for several proposals of the same project."""
    candidates = selectors.open_implementations(request.user)
    initial: dict[str, Any] = {"status": "in_progress"}
    response_id = request.GET.get("response", "")
    if response_id.isdigit():
        initial["entries"] = [
            c.pk for c in candidates if str(c.response_id) == response_id
        ]
    form = forms.BatchProgressForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        candidates=candidates,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                posted = services.progress_post_batch(
                    actor=request.user,
                    entry_ids=data["entries"],
                    status=data["status"],
                    percent=data["percent"],
                    body=data["body"],
                    link=data["link"],
                    happened_on=data["happened_on"],
                )
            except DomainError as exc:
                if isinstance(exc, RateLimited):
                    return _refused(request, exc)
                status = doors.form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The update is posted to %(n)d proposals.") % {"n": len(posted)},
                )
                return redirect("drafts:batch_progress")
        else:
            status = 400
    groups: dict[Any, list[TrackerEntry]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.response_id, []).append(candidate)
    return render(
        request,
        "responses/drafts/batch_progress.html",
        {"form": form, "groups": list(groups.values())},
        status=status,
    )
