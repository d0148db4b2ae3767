"""Template helpers of the moderation includes: ``{% load moderation %}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from participation.accounts.selectors import Standing, standing_of
from participation.moderation import rules, selectors, services
from participation.moderation.models import FacilitatorNote, ReportReason

register = template.Library()


@dataclass(frozen=True)
class Tools:
    """What the viewer may do with one piece of content on a proposal page."""

    kind: str
    pk: int
    can_moderate: bool
    can_report: bool
    already_reported: bool
    note: FacilitatorNote | None


def _viewer(context: template.Context) -> Any:
    request = context.get("request")
    return context.get("user") or getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def moderation_tools(
    context: template.Context, target: Any, proposal: Any, capabilities: Any = None
) -> Tools:
    """``{% moderation_tools comment proposal caps as tools %}``.

    Permission is judged on ``proposal`` for comments (same process), so a page of
    comments costs no query per comment; the viewer's reports and the pinned notes
    are loaded once per page and cached on the proposal object. ``capabilities``
    (a page's ``can_moderate``, ``can_report`` and ``viewer_id``, judged once per
    page) spares the rules for every comment of a long thread: what is left are
    comparisons on the comment itself (the same as ``rules.report_refusal``'s).
    """
    user = _viewer(context)
    kind = services.kind_of(target)
    key = (ContentType.objects.get_for_model(target).pk, target.pk)
    reported = key in selectors.reported_keys(user, proposal)
    if capabilities:
        can_moderate = bool(capabilities.can_moderate)
        may_report = bool(
            capabilities.can_report
            and getattr(target, "author_id", None) != capabilities.viewer_id
            and getattr(target, "deleted_at", None) is None
            and not getattr(target, "is_hidden", False)
        )
    else:
        can_moderate = rules.moderate_refusal(user, proposal) is None
        may_report = rules.report_refusal(user, target) is None
    return Tools(
        kind=kind,
        pk=target.pk,
        can_moderate=can_moderate,
        can_report=not reported and may_report,
        already_reported=reported,
        note=selectors.pinned_notes(proposal).get(key),
    )


@register.simple_tag(takes_context=True)
def moderation_standing(context: template.Context) -> Standing:
    """The viewer's standing (cached per request on the user object)."""
    return standing_of(_viewer(context))


@register.simple_tag
def report_reasons() -> list[tuple[str, str]]:
    return list(ReportReason.choices)
