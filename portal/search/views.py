"""The search page: a door onto ``search.selectors``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from participation.errors import Invalid
from portal.search import selectors
from portal.search.forms import SearchForm

PER_PAGE = getattr(settings, "SEARCH_RESULTS_PER_PAGE", 20)


class _CountedPaginator(Paginator):
    """A paginator told its total (already known from the per-type counts)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"]:
        data = form.cleaned_data
        try:
            documents, facets = selectors.search_with_facets(
                data["q"],
                kind=data["type"],
                process=data["process"],
                status=data["status"],
                sort=data["sort"],
            )
        except Invalid as exc:
            form.add_error("q", exc.message)
            status = 400
        else:
            total = facets.count_of(data["type"])
            paginator = _CountedPaginator(documents, PER_PAGE, count=total)
            page = paginator.get_page(request.GET.get("page"))
            context.update(
                searched=True,
                q=data["q"],
                facets=facets,
                total=total,
                total_capped=facets.is_capped(data["type"]),
                page_obj=page,
                results=selectors.hits(page.object_list, data["q"]),
                active_type=data["type"],
            )
    return render(request, "search/search.html", context, status=status)
