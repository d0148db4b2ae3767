"""{% load staff %}: the header's staff entry and the workspace's navigation."""

from __future__ import annotations

from typing import Any

from django import template

from participation.staff.registry import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_panels(context: dict[str, Any]) -> list[Any]:
    """The workspace panels the signed-in person may open (none for residents).

    Reads the request's cached standing: no query beyond what the page's
    banners already ran."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return panels_for(user)
