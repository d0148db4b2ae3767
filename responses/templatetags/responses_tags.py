"""Template helpers of the tracker: ``{% load responses_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from proposals.models import Proposal
from responses import rules, selectors
from responses.transitions import ACCEPTING, PENDING, Decision, Implementation

register = template.Library()


@register.simple_tag
def tracker_panel(proposal: Proposal, user: Any) -> selectors.Panel:
    """Everything the proposal page's tracker panel shows (a fixed set of reads),
    with what this user may do on it.

    The flags come from the tracker's rules directly, not ``user.has_perm``: Django
    grants every permission to superusers, and the tracker must not offer an admin
    a button (dispute a completion, rate a response) the services would refuse."""
    panel = selectors.panel(proposal, user)
    panel.perms = permissions(user, proposal, panel.entry, panel.response)
    return panel


def permissions(user: Any, proposal: Proposal, entry: Any, response: Any) -> dict:
    if entry is None:
        return {"forward": rules.forward_refusal(user, proposal) is None}
    return {
        "manage": bool(rules.can_manage(user, entry)),
        "publish": rules.publish_refusal(user, entry) is None,
        "revise": rules.revise_refusal(user, entry) is None,
        "progress": rules.progress_refusal(user, entry) is None,
        "answer": rules.dispute_answer_refusal(user, entry) is None,
        "check": rules.outcome_refusal(user, entry) is None,
        "rate": response is not None and rules.rate_refusal(user, response) is None,
    }


@register.filter
def tracker_entry(proposal: Proposal) -> Any:
    """The proposal's tracker entry when the list query selected it, else None
    (never a query per card)."""
    return selectors.entry_of(proposal)


@register.filter
def decision_class(decision: str) -> str:
    """A badge modifier for a decision."""
    if decision in ACCEPTING:
        return "tracker-badge-accepted"
    if decision == Decision.NOT_ADOPTED:
        return "tracker-badge-refused"
    if decision in PENDING:
        return "tracker-badge-pending"
    return "tracker-badge-other"


@register.filter
def implementation_class(value: str) -> str:
    return {
        Implementation.COMPLETED: "tracker-badge-accepted",
        Implementation.STALLED: "tracker-badge-refused",
    }.get(value, "tracker-badge-pending")


@register.filter
def days_label(value: float | None) -> str:
    """Fractional days with one decimal, or an en dash when unknown."""
    if value is None:
        return "–"
    return f"{value:.1f}"


@register.filter
def share(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


# responses/cards.py imports this module's filters: the tags import it when called.
@register.simple_tag
def tracker_rows(entries: Any) -> SafeString:
    """``{% tracker_rows entries %}``: entries as rows of the tracker table
    (responses/cards.py)."""
    from responses import cards

    return cards.render_rows(entries)
