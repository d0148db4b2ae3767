"""Open data: the datasets page, the downloads (spooled, then streamed), the data
package, and the participation figures at /stats/ (kpis.py computes them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from participation.site_url import site_url
from participation.spool import spooled_download
from portal.opendata import charts as charts_module
from portal.opendata import datasets, exports, groups, kpis, package
from portal.opendata.forms import StatsForm


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": datasets.all_datasets(),
            "licence": settings.OPENDATA_LICENCE,
            "licence_url": settings.OPENDATA_LICENCE_URL,
            "generated_at": timezone.now(),
            "site_url": site_url(),
        },
    )


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    """A dataset file: generated into a temporary file, the database connection
    given back, then streamed at the client's pace (participation/spool.py)."""
    dataset = datasets.get(slug)
    if dataset is None or fmt not in exports.FORMATS:
        raise Http404
    now = timezone.now()
    # UTC (timezone.now() is UTC), like every timestamp in the files and
    # X-Generated-At: open data is read by programs, and the "Z" names the zone.
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return spooled_download(
        request,
        exports.chunks(dataset, fmt),
        content_type=exports.FORMATS[fmt],
        filename=f"{dataset.slug}-{stamp}.{fmt}",
        headers={
            "X-Generated-At": now.isoformat(),
            "X-Licence": settings.OPENDATA_LICENCE,
            "Cache-Control": "public, max-age=300",
        },
    )


@require_GET
def datapackage(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        package.describe(generated_at=timezone.now()),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


# --- /stats/ --------------------------------------------------------------------------


def _chart_specs(report: kpis.KpiReport) -> list[dict[str, Any]]:
    labels = [f"{m.month:%Y-%m}" for m in report.months]
    specs = [
        (
            "participants",
            _("Participants"),
            _("Residents who posted a proposal, a comment or a support that month."),
            "bar",
            "",
        ),
        (
            "new_participants",
            _("New participants"),
            _("Residents taking part for the first time that month."),
            "bar",
            "",
        ),
        ("proposals", _("Proposals"), _("Proposals posted that month."), "bar", ""),
        ("comments", _("Comments"), _("Comments posted that month."), "bar", ""),
        ("supports", _("Supports"), _("Supports given that month."), "bar", ""),
        (
            "answered_percent",
            _("Share of proposals answered"),
            _(
                "Of the proposals in the response tracker at the end of each month, "
                "the share that had a published decision."
            ),
            "line",
            "%",
        ),
        (
            "median_days_to_decision",
            _("Median days to a decision"),
            _(
                "For decisions published that month, the median number of days since "
                "the proposal entered the tracker."
            ),
            "bar",
            "",
        ),
        (
            "satisfaction",
            _("Residents' satisfaction with responses"),
            _(
                "Share of residents' ratings of responses that said “satisfied”, by "
                "month of rating (shown from 5 ratings)."
            ),
            "line",
            "%",
        ),
    ]
    charts = []
    for key, title, description, kind, unit in specs:
        values = [getattr(m, key) for m in report.months]
        withheld = [key in m.suppressed for m in report.months]
        draw = charts_module.bar_chart if kind == "bar" else charts_module.line_chart
        svg = draw(
            f"chart-{key.replace('_', '-')}",
            title=str(title),
            description=f"{description} {_('The table below lists every figure.')}",
            labels=labels,
            values=values,
            withheld=withheld,
            unit=unit,
        )
        charts.append(
            {
                "key": key,
                "title": title,
                "description": description,
                "svg": svg,
                "unit": unit,
                "rows": list(
                    zip([m.month for m in report.months], values, withheld, strict=True)
                ),
                "total": getattr(report.totals, key),
                "total_withheld": key in report.totals.suppressed,
            }
        )
    return charts


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    form = StatsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "stats/index.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    process = data.get("process")
    months = data.get("months") or 12
    report = kpis.participation_kpis(process=process, months=months)
    return render(
        request,
        "stats/index.html",
        {
            "form": form,
            "report": report,
            "process": process,
            "months": months,
            "charts": _chart_specs(report),
            "min_group": kpis.MIN_GROUP,
            "group_tables": groups.participation_by_group(
                process=process, months=months
            ),
            "given": groups.attributes_given(process=process, months=months),
        },
    )
