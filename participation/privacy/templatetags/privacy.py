from __future__ import annotations

from typing import Any

from django import template

from participation.privacy import services
from participation.privacy.access import entries_for
from participation.privacy.personal_data import staff_named

register = template.Library()


@register.simple_tag
def access_log_for(user: Any, limit: int = 50) -> dict[str, Any]:
    """The latest entries about ``user`` for "Your data", and whether staff are
    named (the organisation's policy)."""
    return {"entries": list(entries_for(user, limit=limit)), "named": staff_named()}


@register.simple_tag
def pending_deletion_of(user: Any) -> Any:
    return services.pending_deletion(user)
