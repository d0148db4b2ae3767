"""A Redis cache that keeps the site working while Redis is unreachable.

With ``REDIS_URL`` the cache (rate limits, cached figures) and the channel layer
live in Redis. If Redis goes away, pages must still render and residents must
still be able to post: cache reads become misses and writes are dropped. The
failure is logged once, and the recovery once; redis-py reconnects by itself.

Two things keep an outage from being slow or silently unsafe:

- **Fail fast.** Every call waits at most the socket timeouts of the settings
  (``REDIS_CONNECT_TIMEOUT``, ``REDIS_SOCKET_TIMEOUT``), and after a failure Redis
  is not asked again for ``REDIS_RETRY_SECONDS``: calls answer from the fallback at
  once, so a request that makes twenty cache calls waits for one timeout, not
  twenty (a login used to take 40 seconds against a Redis that never answered).
- **Rate limits are told.** A fallback must never count as a successful write for
  a rate limit (``add`` answering "claimed" would switch every limit off). Rate
  limits make their calls inside ``strict()``, where an unreachable Redis raises
  ``Unavailable`` instead, and each limit decides whether it fails open or closed
  (deploy/README.md, "When Redis is down"). ``OutageLog`` logs that decision once
  per outage.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_down = threading.Event()
# While Redis is down: the monotonic time before which it is not asked again.
_retry_at = 0.0
_strict: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "participation_cache_strict", default=False
)


class Unavailable(Exception):
    """The cache could not be reached (raised only inside ``strict()``)."""


@contextmanager
def strict(on: bool = True) -> Iterator[None]:
    """Within this block an unreachable Redis raises ``Unavailable`` instead of
    answering with a fallback (``strict(False)`` restores the fallbacks)."""
    token = _strict.set(on)
    try:
        yield
    finally:
        _strict.reset(token)


def retry_seconds() -> float:
    return float(getattr(settings, "REDIS_RETRY_SECONDS", 5))


def reset() -> None:
    """Forget an outage: the next call asks Redis again (tests, recovery)."""
    global _retry_at
    _down.clear()
    _retry_at = 0.0


def _unreachable(
    fallback: Callable[..., Any], args: Any, kwargs: Any, error: Any = None
) -> Any:
    if _strict.get():
        raise Unavailable("The cache is unreachable.") from error
    return fallback(*args, **kwargs)


def _guarded(
    name: str,
    fallback: Callable[..., Any],
    original: Callable[..., Any] | None = None,
) -> Callable[..., Any]:
    original = original or getattr(RedisCacheClient, name)

    def method(self: RedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        global _retry_at
        if _down.is_set() and time.monotonic() < _retry_at:
            return _unreachable(fallback, args, kwargs)
        try:
            result = original(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _retry_at = time.monotonic() + retry_seconds()
            if not _down.is_set():
                _down.set()
                logger.exception("Redis cache unreachable; serving without it.")
            return _unreachable(fallback, args, kwargs, error)
        if _down.is_set():
            _down.clear()
            logger.info("Redis cache reachable again.")
        return result

    method.__name__ = name
    return method


def _bump_counters(self: RedisCacheClient, keys: list[str], start: int) -> list[int]:
    """Add one to each counter in ``keys``, starting a missing one at ``start``
    (then it is ``start + 1``): one round trip (a pipeline of SET NX and INCR per
    key) instead of Django's EXISTS and INCRBY per key."""
    pipeline = self.get_client(None, write=True).pipeline(transaction=False)
    for key in keys:
        pipeline.set(key, start, nx=True)
        pipeline.incr(key)
    return [int(value) for value in pipeline.execute()[1::2]]


class ResilientRedisCacheClient(RedisCacheClient):
    bump_counters = _guarded(
        "bump_counters", lambda keys, start: [], original=_bump_counters
    )
    add = _guarded("add", lambda key, value, timeout: True)
    get = _guarded("get", lambda key, default: default)
    set = _guarded("set", lambda key, value, timeout: None)
    touch = _guarded("touch", lambda key, timeout: False)
    delete = _guarded("delete", lambda key: False)
    get_many = _guarded("get_many", lambda keys: {})
    has_key = _guarded("has_key", lambda key: False)
    incr = _guarded("incr", lambda key, delta: delta)
    set_many = _guarded("set_many", lambda data, timeout: None)
    delete_many = _guarded("delete_many", lambda keys: None)
    clear = _guarded("clear", lambda: False)


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades instead of
    failing when Redis is unreachable (see the module docstring)."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def bump_counters(self, keys: list[str], start: int) -> list[int]:
        """Increment several integer keys in one round trip (the page cache's
        version keys, participation/pagecache.py); a missing one starts at
        ``start``. Degrades like every other call (nothing while Redis is down)."""
        client: ResilientRedisCacheClient = self._cache  # type: ignore[attr-defined]
        return client.bump_counters(
            [self.make_and_validate_key(key) for key in keys], start
        )


class OutageLog:
    """What a limit does while its store is unreachable, logged once per outage
    (not once per request) and its recovery once, in this process."""

    def __init__(self, log: logging.Logger, failed: str, recovered: str) -> None:
        self.log = log
        self.failed_message = failed
        self.recovered_message = recovered
        self._logged = threading.Event()

    def failed(self) -> None:
        if not self._logged.is_set():
            self._logged.set()
            self.log.warning(self.failed_message)

    def recovered(self) -> None:
        if self._logged.is_set():
            self._logged.clear()
            self.log.info(self.recovered_message)

    def reset(self) -> None:
        self._logged.clear()
