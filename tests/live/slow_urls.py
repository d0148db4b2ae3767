"""The site's URLs plus /test-slow/, for the tests that start a real server
(tests/live/test_server_lifecycle.py): a request that takes as long as it is told.

On PostgreSQL it waits inside the database (``SELECT pg_sleep``), so the request
holds a pooled connection the test can terminate; elsewhere it sleeps. When
``SLOW_MARKER`` names a file, the view creates it on arrival, so that a test knows
the request is in progress before it acts."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from participation.urls import *  # noqa: F403
from participation.urls import urlpatterns as site_urlpatterns

MAX_SECONDS = 60.0


def slow(request: HttpRequest) -> HttpResponse:
    try:
        seconds = min(MAX_SECONDS, max(0.0, float(request.GET.get("seconds", "1"))))
    except ValueError:
        seconds = 1.0
    marker = os.environ.get("SLOW_MARKER", "")
    if marker:
        Path(marker).touch()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
    else:
        time.sleep(seconds)
    return HttpResponse(f"slept {seconds}", content_type="text/plain")


urlpatterns = [path("test-slow/", slow), *site_urlpatterns]
