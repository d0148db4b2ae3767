"""Template helpers about the signed-in person ({% load accounts %})."""

from __future__ import annotations

from typing import Any

from django import template

from participation.accounts.rules import needs_mfa
from participation.accounts.selectors import standing_of

register = template.Library()


@register.filter
def staff_needs_mfa(user: Any) -> bool:
    """A facilitator, official or admin whose staff powers wait for two-factor
    authentication. Uses the request's cached standing (no extra query when the
    page has already asked a permission)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(needs_mfa(user))


@register.filter
def is_staff_member(user: Any) -> bool:
    """Holds a facilitator, official or admin role (with or without MFA)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return standing_of(user).is_staff_role
