"""A Redis cache that keeps the site working while Redis is unreachable.

With ``REDIS_URL`` the cache (rate limits, cached figures) and the channel layer
live in Redis. If Redis goes away, pages must still render and residents must
still be able to post: cache reads become misses, writes are dropped, and the
rate limits let actions through (``incr`` counts as a first hit) until Redis is
back. The failure is logged once, and the recovery once; redis-py reconnects by
itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
_down = threading.Event()


def _guarded(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    original = getattr(RedisCacheClient, name)

    def method(self: RedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        try:
            result = original(self, *args, **kwargs)
        except (self._lib.ConnectionError, self._lib.TimeoutError):
            if not _down.is_set():
                _down.set()
                logger.exception("Redis cache unreachable; serving without it.")
            return fallback(*args, **kwargs)
        if _down.is_set():
            _down.clear()
            logger.info("Redis cache reachable again.")
        return result

    method.__name__ = name
    return method


class ResilientRedisCacheClient(RedisCacheClient):
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
