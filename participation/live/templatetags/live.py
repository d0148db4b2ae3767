"""Template helpers of the live transport: ``{% load live %}``."""

from __future__ import annotations

from typing import Any

from django import template

from participation.live import registry, selectors

register = template.Library()


def _group(kind: str) -> registry.LiveGroup:
    try:
        return registry.get(kind)
    except LookupError as error:
        raise template.TemplateSyntaxError(str(error)) from None


@register.simple_tag
def live_since(kind: str, object_id: Any = None) -> int:
    """The latest event id of a live group, for ``data-live-since`` (one query).

    ``{% live_since "proposal" proposal.pk as since %}``; the kinds are those the
    apps declared in the live registry.
    """
    return selectors.latest_event_id(_group(kind).name(object_id))


@register.simple_tag
def live_socket_path(kind: str, object_id: Any = None) -> str:
    """The websocket path of a live page: ``{% live_socket_path "proposal" 7 %}``."""
    return _group(kind).path(object_id)
