"""Per-user rate limits that hold across server processes.

Counters live in the cache (the database cache or Redis in production), never in
process memory. Each action in a fixed time window claims a numbered *slot* with
``cache.add``, which is atomic on every backend Django ships (a unique key insert on
the database cache, ``SET NX`` on Redis, a lock on local memory). Exactly ``limit``
slots exist per user, action and window, so concurrent requests in several
processes can never together exceed the limit. (``cache.incr`` is not atomic on the
database cache, and it resets the key's expiry there.)

When Redis is down these limits **fail open**: residents keep posting, without a
limit, and the outage is logged once (deploy/README.md, "When Redis is down").
Blocking every post, comment and support for the length of a cache outage would
hurt more than the spam it keeps out; the duplicate check, the link rule for new
accounts and moderation still apply, since they do not depend on the cache.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from participation.cache import OutageLog, Unavailable, strict
from participation.errors import RateLimited

logger = logging.getLogger(__name__)
outage = OutageLog(
    logger,
    "Action rate limits (RATE_LIMITS) are off while the cache is unreachable: "
    "posting goes on without them until it is back.",
    "Action rate limits are counted again: the cache is reachable.",
)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/3600"`` → (5 actions, per 3600 seconds); ``"5"`` means per minute."""
    count, _sep, seconds = rate.partition("/")
    try:
        limit, period = int(count), int(seconds or 60)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Rate limit {rate!r} must look like 'count/seconds', e.g. '5/3600'."
        ) from exc
    if limit < 1 or period < 1:
        raise ImproperlyConfigured(f"Rate limit {rate!r} must be positive.")
    return limit, period


def _window(period: int, now: float) -> tuple[int, int]:
    """The current window number and the seconds left in it."""
    return int(now // period), period - int(now % period)


def hit(*, user: Any, action: str) -> None:
    """Count one ``action`` by ``user``; raise RateLimited when over the limit.

    Actions without a configured rate, and anonymous users (who cannot act), are
    not counted.
    """
    rate = settings.RATE_LIMITS.get(action)
    if not rate or not getattr(user, "is_authenticated", False):
        return
    try:
        left = claim(key=f"{action}:{user.pk}", rate=rate)
    except Unavailable:
        outage.failed()
        return  # fail open: see the module docstring
    outage.recovered()
    if left:
        raise RateLimited(
            _("You are doing that too often. Please wait a little and try again."),
            retry_after=left,
        )


def claim(*, key: str, rate: str) -> int:
    """Count one action under ``key`` (any subject: a user, an address) at
    ``rate``: 0 when counted, else the seconds left in the full window. Raises
    ``Unavailable`` when the cache cannot be reached, so that each caller chooses
    to fail open (``hit``) or closed (residency code entry)."""
    limit, period = parse_rate(rate)
    window, left = _window(period, time.time())
    with strict():
        claimed = _claim(f"ratelimit:{key}:{window}", limit, timeout=left + 5)
    return 0 if claimed else left


def _claim(base: str, limit: int, *, timeout: int) -> bool:
    """Claim the first free slot of the window; False when all are taken."""
    # The hint is only a starting point: a stale hint costs extra ``add`` calls,
    # never a wrong count, because every slot can be claimed exactly once.
    start = int(cache.get(f"{base}:next", 1) or 1)
    for slot in range(max(start, 1), limit + 1):
        if cache.add(f"{base}:{slot}", 1, timeout=timeout):
            cache.set(f"{base}:next", slot + 1, timeout=timeout)
            return True
    return False


def remaining(*, user: Any, action: str) -> int | None:
    """How many more ``action`` the user may do in this window (None: no limit,
    or not counted now)."""
    rate = settings.RATE_LIMITS.get(action)
    if not rate or not getattr(user, "is_authenticated", False):
        return None
    limit, period = parse_rate(rate)
    window, _left = _window(period, time.time())
    base = f"ratelimit:{action}:{user.pk}:{window}"
    keys = [f"{base}:{slot}" for slot in range(1, limit + 1)]
    try:
        with strict():
            return limit - len(cache.get_many(keys))
    except Unavailable:
        return None  # not counted while the cache is unreachable
