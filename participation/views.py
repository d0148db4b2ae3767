"""The core's own pages: the health checks and the error pages."""

from __future__ import annotations

import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participation.dbpool import busy_or_none


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests. It reads nothing from the database,
    so a busy pool or a database outage never gets a healthy process restarted
    (deploy/README.md, "Health checks")."""
    return JsonResponse({"status": "ok"})


def _database_answers() -> bool:
    """``SELECT 1`` on a connection of its own when there is a pool (a busy pool
    says nothing about whether the database answers), else on the usual one."""
    pool = getattr(connection, "pool", None)
    if pool is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    import psycopg

    params = connection.get_connection_params()
    params["connect_timeout"] = READY_CONNECT_TIMEOUT
    with psycopg.connect(**params) as direct:
        direct.execute("SELECT 1").fetchone()
    return True


READY_CONNECT_TIMEOUT = 3


def _pool_figures() -> dict[str, int] | None:
    pool = getattr(connection, "pool", None)
    if pool is None:
        return None
    stats = pool.get_stats()
    return {
        "size": stats.get("pool_size", 0),
        "available": stats.get("pool_available", 0),
        "waiting": stats.get("requests_waiting", 0),
        "max": pool.max_size,
    }


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, 503 when it does not. The pool's
    figures are reported, never judged: exports cannot fill it (participation/spool.py)
    and a pool busy with pages is answered politely (participation/dbpool.py)."""
    body: dict[str, object] = {"status": "ok", "database": "ok"}
    pool = _pool_figures()
    if pool is not None:
        body["pool"] = pool
    try:
        _database_answers()
    except Exception:  # report, never raise: load balancers read the status
        body.update(status="error", database="unreachable")
        return JsonResponse(body, status=503)
    return JsonResponse(body)


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Imported here: the API's errors module loads DRF, which a process that
        # serves only pages never needs (participation/urls.py, lazy_include).
        from participation.api.errors import plain_error_response

        return plain_error_response(status)
    return render(request, template, status=status)


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # No free database connection (found outside a view, e.g. in a middleware):
    # 503 with Retry-After, not 500 (participation/dbpool.py).
    busy = busy_or_none(request, sys.exc_info()[1])
    if busy is not None:
        return busy
    return _error(request, 500, "errors/500.html")
