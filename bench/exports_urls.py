"""The site's URLs plus /bench-file/<name>: a bare view streaming a file of
``BENCH_FILES`` (the very bytes a download produced), under the same server,
settings and middleware as the open-data downloads it is compared with."""

import os
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest
from django.urls import path

from participation.urls import *  # noqa: F403
from participation.urls import urlpatterns as site_urlpatterns


def ceiling(request: HttpRequest, name: str) -> FileResponse:
    folder = Path(os.environ.get("BENCH_FILES", "/nonexistent"))
    target = folder / name
    if not name.isidentifier() or not target.is_file():
        raise Http404
    return FileResponse(target.open("rb"), content_type="application/octet-stream")


urlpatterns = [path("bench-file/<str:name>", ceiling), *site_urlpatterns]
