from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from participation.privacy import services


def policies(request: HttpRequest) -> dict[str, Any]:
    """``policies_pending``: whether a signed-in person has a new version to accept
    (the banner in base.html; asked only when a template reads it, and remembered
    in the cache: ``services.has_policies_to_accept``)."""
    return {
        "policies_pending": SimpleLazyObject(
            lambda: services.has_policies_to_accept(getattr(request, "user", None))
        )
    }
