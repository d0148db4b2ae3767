"""allauth's rate limits fail closed while their store is unreachable.

Signing in, signing up, password resets and the other account actions are limited
by allauth (``ACCOUNT_RATE_LIMITS``: per address, and per e-mail address for
failed logins), with counters in the default cache. Redis being down must not
switch that protection off: the participation cache answers a failed write as a
fallback (participation/cache.py), and allauth would count it as a success, so a
password could be guessed without limit for as long as Redis is away.

``AccountLimitsMiddleware`` runs allauth's views with the cache in strict mode: an
unreachable Redis raises ``Unavailable``, and the visitor gets a translated 503
page with ``Retry-After`` (never a 500, never an unlimited password check). The
outage is logged once. Pages that are not allauth's (the profile, personal data,
tokens) keep the cache's ordinary fallbacks. Choices per limit: deploy/README.md,
"When Redis is down".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from participation.cache import OutageLog, Unavailable, strict

logger = logging.getLogger(__name__)
outage = OutageLog(
    logger,
    "Signing in, signing up and other account actions are refused (503) while "
    "the cache that holds their rate limits is unreachable.",
    "Account actions are allowed again: the cache is reachable.",
)
# Seconds a refused visitor is asked to wait (Retry-After).
RETRY_AFTER = 30


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page of an account action refused because its limit cannot be
    checked."""
    with strict(False):  # the page itself may use the cache's fallbacks
        response = render(
            request,
            "components/refused.html",
            {
                "message": _(
                    "Signing in, signing up and changes to accounts are paused for "
                    "a moment, because the protection against password guessing "
                    "cannot be checked right now. Please try again in a few "
                    "minutes."
                ),
                "status": 503,
                "back": request.get_full_path(),
                "back_label": _("Try again"),
            },
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class AccountLimitsMiddleware:
    """Last in ``MIDDLEWARE``, so that the strict mode covers allauth's view (and
    its rendering) only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._prefix = ""

    def prefix(self) -> str:
        """Where allauth's URLs are included (``/accounts/``)."""
        if not self._prefix:
            self._prefix = reverse("account_login").rstrip("/").rpartition("/")[0]
            self._prefix += "/"
        return self._prefix

    def guards(self, request: HttpRequest) -> bool:
        """Whether the request goes to one of allauth's views."""
        if not request.path_info.startswith(self.prefix()):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return getattr(match.func, "__module__", "").startswith("allauth.")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.guards(request):
            return self.get_response(request)
        with strict():
            response = self.get_response(request)
        if request.method == "POST" and not getattr(
            request, "_account_limits_unavailable", False
        ):
            outage.recovered()
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, Unavailable):
            return None
        request._account_limits_unavailable = True  # type: ignore[attr-defined]
        outage.failed()
        return unavailable(request)
