"""Template helpers of the live layer: ``{% load live %}``."""

from __future__ import annotations

from typing import Any

from django import template

from participation.live import broadcast, selectors

register = template.Library()


@register.simple_tag
def live_since(kind: str, object_id: Any = None) -> int:
    """The latest event id of a live group, for ``data-live-since`` (one query).

    ``{% live_since "proposal" proposal.pk as since %}``; kinds: proposal, session,
    tracker.
    """
    if kind == "proposal":
        group = broadcast.proposal_group(int(object_id))
    elif kind == "session":
        group = broadcast.session_group(int(object_id))
    elif kind == "tracker":
        group = broadcast.TRACKER_GROUP
    else:
        raise template.TemplateSyntaxError(f"Unknown live group kind: {kind}")
    return selectors.latest_event_id(group)


@register.simple_tag
def live_socket_path(kind: str, object_id: Any = None) -> str:
    """The websocket path of a live page: ``{% live_socket_path "proposal" 7 %}``."""
    paths = {
        "proposal": "/ws/proposals/{}/",
        "session": "/ws/live/{}/",
        "tracker": "/ws/tracker/",
        "notifications": "/ws/notifications/",
    }
    if kind not in paths:
        raise template.TemplateSyntaxError(f"Unknown live group kind: {kind}")
    return paths[kind].format(int(object_id) if object_id is not None else "")


@register.simple_tag
def live_sessions_of(process: Any, limit: int = 5) -> list[Any]:
    """Open, upcoming and recent sessions of a process (one query)."""
    return selectors.sessions_for_process(process, limit=int(limit))
