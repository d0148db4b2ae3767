"""Per-user rate limits that hold across server processes (they live in the cache,
which is the database or Redis in production)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from participation.errors import RateLimited


def parse_rate(rate: str) -> tuple[int, int]:
    count, _sep, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def hit(*, user: Any, action: str) -> None:
    """Count one ``action`` by ``user``; raise RateLimited when over the limit.

    Fixed windows keyed by user, action and window number: ``cache.add`` then
    ``cache.incr`` are atomic on Redis and on the database cache.
    """
    rate = settings.RATE_LIMITS.get(action)
    if not rate or not getattr(user, "is_authenticated", False):
        return
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"ratelimit:{action}:{user.pk}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        retry_after = period - int(time.time() % period)
        raise RateLimited(
            _("You are doing that too often. Please wait a little and try again."),
            retry_after=retry_after,
        )
