"""``{% for_you %}``: the home page's "For you" block (portal/foryou.py), shown to
a signed-in resident who chose attributes. Reads only; a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template

from portal.foryou import for_you as for_you_of

register = template.Library()


@register.inclusion_tag("portal/_for_you.html", takes_context=True)
def for_you(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    found = for_you_of(user) if user is not None else None
    return {"for_you": found, "request": request}
