from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from participation.privacy import services


def policies(request: HttpRequest) -> dict[str, Any]:
    """``policies_to_accept``: the new versions a signed-in person has not accepted
    (one query, only when a template reads it: the banner in base.html)."""
    return {
        "policies_to_accept": SimpleLazyObject(
            lambda: services.policies_to_accept(getattr(request, "user", None))
        )
    }
