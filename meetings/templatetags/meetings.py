"""Template helpers of live meetings: ``{% load meetings %}``."""

from __future__ import annotations

from typing import Any

from django import template

from meetings import selectors

register = template.Library()


@register.simple_tag
def live_sessions_of(process: Any, limit: int = 5) -> list[Any]:
    """Open, upcoming and recent sessions of a process (one query)."""
    return selectors.sessions_for_process(process, limit=int(limit))
