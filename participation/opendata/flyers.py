"""QR codes for printed flyers: inline SVG generated on the server with segno."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


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
