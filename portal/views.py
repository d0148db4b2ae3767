"""Site-wide pages: the home page and a process page.

Doors, like the rest of ``portal``: they read through the selectors of any app.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from participation import pagecache
from participation.accounts.models import User
from participation.spaces.models import Process
from proposals import selectors as proposal_selectors
from proposals.models import Comment, Proposal
from responses.selectors import answered_proposal_count, proposals_with_tracker

HEADLINE_CACHE_SECONDS = 60


def headline_figures() -> dict[str, int]:
    """Site-wide counts for the home page (cached briefly; a handful of queries)."""
    figures = cache.get("home:headline")
    if figures is None:
        visible = Proposal.objects.filter(hidden_at__isnull=True)
        figures = {
            "proposals": visible.count(),
            "comments": Comment.objects.shown().count(),
            "participants": User.objects.filter(
                Q(proposals__isnull=False)
                | Q(comments__isnull=False)
                | Q(supports__isnull=False)
            )
            .distinct()
            .count(),
            "answered": answered_proposal_count(),
        }
        cache.set("home:headline", figures, HEADLINE_CACHE_SECONDS)
    return figures


@require_GET
@pagecache.cached(lambda: [pagecache.scope("home")])
def home(request: HttpRequest) -> HttpResponse:
    processes = list(proposal_selectors.published_processes())
    return render(
        request,
        "home.html",
        {"processes": processes, "figures": headline_figures()},
    )


@require_GET
@pagecache.cached(lambda slug: [pagecache.scope("process", slug)])
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        # Drafts open for those who may preview them (a banner says so).
        process = proposal_selectors.process_for_page(slug, request.user)
    except Process.DoesNotExist as exc:
        raise Http404 from exc
    latest = proposals_with_tracker(
        proposal_selectors.proposal_list(process, proposal_selectors.ProposalFilters())
    )[:5]
    return render(
        request,
        "spaces/process_detail.html",
        {"process": process, "latest": latest},
    )
