"""Conditional GET for every API read: ETag, Last-Modified, and 304 Not Modified.

The ETag is a digest of the representation itself, so it changes exactly when the
bytes do (a new support, an edit, a hide). Last-Modified is the time this exact
representation was first served, remembered in the shared cache under its ETag:
a client's If-Modified-Since earns a 304 only if the bytes have not changed since,
and a forgotten entry only costs a full response, never a stale one.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

FIRST_SEEN_SECONDS = 60 * 60 * 24 * 30


def _first_seen(digest: str) -> int:
    key = f"api:etag-seen:{digest}"
    now = int(time.time())
    if cache.add(key, now, timeout=FIRST_SEEN_SECONDS):
        return now
    seen = cache.get(key)
    return int(seen) if seen else now


def apply(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add validators to a successful GET/HEAD response; answer 304 when they match."""
    patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if getattr(response, "streaming", False):
        return response
    if hasattr(response, "render"):
        response.render()
    digest = hashlib.sha256(response.content).hexdigest()[:40]
    etag = f'"{digest}"'
    last_modified = _first_seen(digest)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if not response.has_header("Cache-Control"):
        personal = bool(
            getattr(request, "user", None) and request.user.is_authenticated
        )
        response["Cache-Control"] = (
            "private, no-cache" if personal else "public, max-age=0, must-revalidate"
        )
    if "HTTP_IF_NONE_MATCH" not in request.META and last_modified >= int(time.time()):
        # Seconds are the resolution of If-Modified-Since: a representation born
        # this second cannot be told apart from one replaced this second.
        return response
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
