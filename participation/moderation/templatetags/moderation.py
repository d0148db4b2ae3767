"""Template helpers of the moderation includes: ``{% load moderation %}``."""

from __future__ import annotations

from typing import Any

from django import template

from participation.accounts.selectors import Standing, standing_of
from participation.moderation import selectors
from participation.moderation.models import ReportReason

register = template.Library()


def _viewer(context: template.Context) -> Any:
    request = context.get("request")
    return context.get("user") or getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def moderation_tools(
    context: template.Context, target: Any, proposal: Any, capabilities: Any = None
) -> selectors.Tools:
    """``{% moderation_tools comment proposal caps as tools %}``.

    Permission is judged on ``proposal`` for comments (same process), so a page of
    comments costs no query per comment; the viewer's reports and the pinned notes
    are loaded once per page and cached on the proposal object. ``capabilities``
    (a page's ``can_moderate``, ``can_report`` and ``viewer_id``, judged once per
    page) spares the rules for every comment of a long thread: what is left are
    comparisons on the comment itself (the same as ``rules.report_refusal``'s).
    """
    return selectors.tools_for(_viewer(context), target, proposal, capabilities)


@register.simple_tag(takes_context=True)
def moderation_standing(context: template.Context) -> Standing:
    """The viewer's standing (cached per request on the user object)."""
    return standing_of(_viewer(context))


@register.simple_tag
def report_reasons() -> list[tuple[str, str]]:
    return list(ReportReason.choices)
