"""The database connection pool seen from a request: when none is free, and giving
one back early.

On PostgreSQL each server process keeps a pool of at most ``DB_POOL_MAX_SIZE``
connections (psycopg's pool, ``participation/settings.py``). A request that waits
more than ``DB_POOL_TIMEOUT`` seconds for one gets :class:`psycopg_pool.PoolTimeout`
(Django wraps it in ``OperationalError``). That is not a bug of the page but a busy
server: :class:`PoolBusyMiddleware` answers it with a translated 503 and
``Retry-After`` (``participation.doors.unavailable``; JSON under ``/api/``), never a
500.

A connection PostgreSQL ended (``pg_terminate_backend``, a restart, a failover, a
proxy that dropped it) is not a bug of the page either. Idle in the pool, it is
found out before any request gets it: the pool checks each connection it hands out
(Django passes psycopg's ``check_connection`` when ``CONN_HEALTH_CHECKS`` is on, as
``participation/settings.py`` sets it: one empty round trip). When many idle
connections were ended at once (a restart with a full, quiet pool), the request
that finds them out waits between discarded ones (psycopg's backoff: 1 s, 2 s,
4 s …) while the pool opens fresh ones, and may get the 503 below after
``DB_POOL_TIMEOUT``; the requests after it find fresh connections. (A CI run found
this when a test ended the test process's own idle sessions; tests end only the
sessions of the server they test, by application name.) Lost in the
middle of a request, it fails that request: :func:`is_lost_connection` recognises
it, and the answer is the same translated 503 with ``Retry-After`` (whether the
request's transaction was committed cannot be known, so the text does not say
"nothing was changed"; a retried support answers 409 "already supported" when it
had been). The broken connection is closed at once, and the pool, which discards
broken connections given back to it, opens a fresh one for the next request.

A request keeps its connection until Django's ``request_finished`` signal, which for
a streamed response comes after the last byte reached the client. So nothing may
stream from the database: large downloads are written to a file first and the
connection given back (:func:`release_connections`, ``participation/spool.py``)
before the first byte is sent (docs/ARCHITECTURE.md, "Exports stream from a file").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from participation import doors
from participation.errors import Busy

# What a visitor is told (and how long to wait) when no connection is free.
RETRY_AFTER = 5
# A busy server logs one warning (with a count) per interval, not one per request.
LOG_INTERVAL = 10.0

logger = logging.getLogger("participation.dbpool")
_log_lock = threading.Lock()
_log_state = {"last": 0.0, "count": 0}


def _log_busy(request: HttpRequest, error: Busy) -> None:
    with _log_lock:
        _log_state["count"] += 1
        now = time.monotonic()
        if now - _log_state["last"] < LOG_INTERVAL:
            return
        count, _log_state["count"], _log_state["last"] = _log_state["count"], 0, now
    logger.warning(
        "503 (%s) for %s: %d such answer(s) since the last warning",
        error.code,
        request.path,
        count,
    )


def busy(retry_after: int = RETRY_AFTER) -> Busy:
    return Busy(
        _(
            "The site is very busy right now. Please try again in a few seconds; "
            "nothing was changed."
        ),
        retry_after=retry_after,
    )


def connection_lost() -> Busy:
    return Busy(
        _(
            "The connection to the database was interrupted. Please try again in a "
            "few seconds."
        ),
        retry_after=RETRY_AFTER,
    )


# SQLSTATE classes and codes of a connection that is gone: 08 (connection
# exception), 57P01 (admin shutdown: pg_terminate_backend), 57P02 (crash
# shutdown), 57P03 (cannot connect now: starting or stopping).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")
_BAD = 1  # psycopg.pq.ConnStatus.BAD


def is_lost_connection(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database connection itself was
    lost, as opposed to an error in a statement (which stays a 500)."""
    try:
        import psycopg
    except ImportError:  # SQLite only
        return False
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, psycopg.Error):
            state = getattr(exc, "sqlstate", None) or ""
            if state.startswith(_LOST_STATES):
                return True
            pgconn = exc.pgconn  # libpq's side of the connection, when known
            if isinstance(exc, psycopg.OperationalError) and (
                not state or (pgconn is not None and pgconn.status == _BAD)
            ):
                return True  # "server closed the connection unexpectedly"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def discard_broken_connections() -> None:
    """Close this thread's connections that can no longer be used, even inside a
    transaction (it is lost with the connection), so that the pool replaces them
    and this thread's next query opens a working one."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.is_usable():
            continue
        if conn.in_atomic_block:
            conn.needs_rollback = True
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing what is already broken
            conn.connection = None


def is_pool_timeout(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is the pool's "no connection free"."""
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite only: there is no pool
        return False
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, PoolTimeout):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def release_connections() -> None:
    """Give this thread's database connections back (to the pool, or close them)
    unless a transaction is open on one (then its owner decides). Django opens a
    new one if anything queries afterwards."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block:
            conn.close()


def busy_response(request: HttpRequest, error: Busy) -> HttpResponse:
    """503 with Retry-After: a page, or the API's JSON error under /api/. Logged
    once per interval here, instead of an error line per request by Django."""
    if request.path.startswith("/api/"):
        from participation.api.errors import error_body

        response: HttpResponse = JsonResponse(
            error_body(error.code, error.message), status=error.status
        )
        response = doors.with_retry_after(response, error)
    else:
        response = doors.unavailable(request, error)
    _log_busy(request, error)
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag
    return response


class PoolBusyMiddleware:
    """A view that found no free database connection (or export slot) answers 503
    with ``Retry-After`` instead of 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, Busy):
            return busy_response(request, exception)
        if is_pool_timeout(exception):
            return busy_response(request, busy())
        if is_lost_connection(exception):
            discard_broken_connections()
            return busy_response(request, connection_lost())
        return None


def busy_or_none(request: HttpRequest, exc: Any) -> HttpResponse | None:
    """For the 500 handler: the 503 answer if ``exc`` is a busy pool."""
    if isinstance(exc, Busy):
        return busy_response(request, exc)
    if is_pool_timeout(exc):
        return busy_response(request, busy())
    if is_lost_connection(exc):
        discard_broken_connections()
        return busy_response(request, connection_lost())
    return None
