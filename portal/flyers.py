"""Printable flyers with a QR code, for a proposal and for a process.

Older residents often arrive through a printed notice on a community board: the
flyer carries the page's stable address, printed and as a QR code (inline SVG made
on the server with segno, so it prints without JavaScript or a network).
"""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from participation.site_url import absolute_url
from participation.spaces.models import Process
from proposals import selectors as proposal_selectors
from proposals.models import Proposal


def qr_svg(url: str, *, title: str) -> SafeString:
    """An inline, scalable SVG QR code for ``url`` (error correction M, which
    survives a crease or a smudge on a printed notice)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=4,
        border=4,
        title=title,
        svgclass="flyer-qr-code",
        lineclass="flyer-qr-path",
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; the rest is paths


@require_GET
def proposal_flyer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = (
        Proposal.objects.public()
        .select_related("process", "author", "category", "area")
        .filter(pk=pk, hidden_at__isnull=True)
        .first()
    )
    if proposal is None:
        raise Http404
    url = absolute_url(proposal.get_absolute_url())
    return render(
        request,
        "flyers/flyer.html",
        {
            "kind": "proposal",
            "proposal": proposal,
            "process": proposal.process,
            "short_url": url,
            "qr": qr_svg(url, title=str(_("QR code: open this proposal"))),
            "printed_at": timezone.now(),
        },
    )


@require_GET
def process_flyer(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = proposal_selectors.process_for_page(slug)
    except Process.DoesNotExist as exc:
        raise Http404 from exc
    url = absolute_url(process.get_absolute_url())
    return render(
        request,
        "flyers/flyer.html",
        {
            "kind": "process",
            "process": process,
            "phase": process.current_phase,
            "short_url": url,
            "qr": qr_svg(url, title=str(_("QR code: open this process"))),
            "printed_at": timezone.now(),
        },
    )
