"""A request-rate limit for the API, shared by every server process.

Anonymous clients are counted by address (``REMOTE_ADDR``: behind a proxy, uvicorn
has already replaced it with the client's address, and only for trusted proxies,
so a client cannot pick a fresh count by sending its own ``X-Forwarded-For``).
Signed-in users and personal access tokens are counted by account, so a resident
behind a city hall's shared address is not throttled by a neighbour's script.

The count is a fixed window in the default cache (Redis in production, else the
database cache): one ``incr`` per request, and an ``add`` for the first request
of each window. On the database cache
``incr`` is not atomic, so concurrent requests may be undercounted slightly; a
throttle against runaway clients does not need more. Writes are also limited per
action by ``moderation.limits``, exactly.

When Redis is down the throttle **fails open**: the API keeps answering, without a
request limit, and the outage is logged once (deploy/README.md, "When Redis is
down"). Reads are public and cheap, writes stay under the action limits' own
choice, and refusing every API client for the length of a cache outage would take
the API down with the cache.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from participation.cache import OutageLog, Unavailable, strict
from participation.moderation.limits import parse_rate

logger = logging.getLogger(__name__)
outage = OutageLog(
    logger,
    "The API request limit (API_RATE_ANON, API_RATE_USER) is off while the cache "
    "is unreachable: API requests are answered without it until it is back.",
    "The API request limit is counted again: the cache is reachable.",
)


class RequestRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.retry_after: int | None = None

    def identity(self, request: Request) -> tuple[str, str]:
        """(rate setting, counter key) for the client making ``request``."""
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            return settings.API_RATE_USER, f"user:{user.pk}"  # type: ignore[union-attr]
        address = request.META.get("REMOTE_ADDR") or "unknown"
        return settings.API_RATE_ANON, f"addr:{address}"

    def allow_request(self, request: Request, view: Any) -> bool:
        rate, who = self.identity(request)
        if not rate:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window, left = int(now // period), period - int(now % period)
        key = f"api-rate:{who}:{window}"
        try:
            with strict():
                count = self.count(key, timeout=left + 5)
        except Unavailable:
            outage.failed()
            return True  # fail open: see the module docstring
        outage.recovered()
        if count > limit:
            self.retry_after = left
            return False
        return True

    @staticmethod
    def count(key: str, *, timeout: int) -> int:
        """This request's number in the window."""
        # One cache operation per request once the window's counter exists.
        try:
            return cache.incr(key)
        except ValueError:  # the window's first request (or a lost race for it)
            return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)

    def wait(self) -> float | None:
        return self.retry_after
