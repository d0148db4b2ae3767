"""Template helpers of the draft pages and the published answer's commitments."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yen(value: Any) -> str:
    """A whole number of yen with thousands separators (1,200,000)."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
