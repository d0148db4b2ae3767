"""Site-wide pages: home, a process page, health check and error pages.

These are doors, like the API: they read through selectors of any app.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participation.accounts.models import User
from participation.spaces.models import Process
from proposals import selectors as proposal_selectors
from proposals.models import Comment, Proposal

HEADLINE_CACHE_SECONDS = 60


def headline_figures() -> dict[str, int]:
    """Site-wide counts for the home page (cached briefly; a handful of queries)."""
    figures = cache.get("home:headline")
    if figures is None:
        visible = Proposal.objects.filter(hidden_at__isnull=True)
        figures = {
            "proposals": visible.count(),
            "comments": Comment.objects.filter(
                hidden_at__isnull=True, deleted_at__isnull=True
            ).count(),
            "participants": User.objects.filter(
                Q(proposals__isnull=False)
                | Q(comments__isnull=False)
                | Q(supports__isnull=False)
            )
            .distinct()
            .count(),
            "answered": _answered_count(),
        }
        cache.set("home:headline", figures, HEADLINE_CACHE_SECONDS)
    return figures


def _answered_count() -> int:
    from responses.selectors import answered_proposal_count

    return answered_proposal_count()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    processes = list(proposal_selectors.published_processes())
    return render(
        request,
        "home.html",
        {"processes": processes, "figures": headline_figures()},
    )


@require_GET
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = proposal_selectors.process_for_page(slug)
    except Process.DoesNotExist as exc:
        raise Http404 from exc
    from responses.selectors import proposals_with_tracker

    latest = proposals_with_tracker(
        proposal_selectors.proposal_list(process, proposal_selectors.ProposalFilters())
    )[:5]
    return render(
        request,
        "spaces/process_detail.html",
        {"process": process, "latest": latest},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # report, never raise: load balancers read the status
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        from participation.api.errors import plain_error_response

        return plain_error_response(status)
    return render(request, template, status=status)


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "errors/500.html")
