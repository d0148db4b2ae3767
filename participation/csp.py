"""Content-Security-Policy: the header (django-csp, with this host's websockets) and
the endpoint where browsers report what the policy blocked.

The policy itself is in settings (``CONTENT_SECURITY_POLICY``): scripts only from
this site or with the response's nonce, no inline event handlers, no inline styles,
no plugins, no framing. ``CSP_REPORT_ONLY=1`` sends the same policy as
``Content-Security-Policy-Report-Only`` (the browser reports, blocks nothing), to try
a change on a live site first. deploy/README.md, "Content-Security-Policy".

Templates give every ``<script>`` the nonce (``nonce="{{ request.csp_nonce }}"``),
which also makes every HTML page carry a fresh one. Behaviour goes in static files
with ``addEventListener``; ``tests/core/test_csp.py`` scans the templates so that
``onclick=``, ``javascript:`` URLs and ``style=`` attributes cannot come back.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from participation.cache import Unavailable, strict

logger = logging.getLogger("participation.csp")

# A report is a few hundred bytes; anything much larger is not a browser's report.
REPORT_MAX_BYTES = 16 * 1024
# Logged fields are cut to this length, and at most this many reports are read
# from one batch (the Reporting API sends lists).
FIELD_MAX_CHARS = 300
BATCH_MAX_REPORTS = 10
# The fields worth logging, in both report formats (report-uri's "csp-report" uses
# kebab-case, the Reporting API's "body" camelCase).
_FIELDS = (
    ("document", ("document-uri", "documentURL")),
    ("directive", ("effective-directive", "effectiveDirective", "violated-directive")),
    ("blocked", ("blocked-uri", "blockedURL")),
    ("source", ("source-file", "sourceFile")),
    ("line", ("line-number", "lineNumber")),
    ("sample", ("script-sample", "sample")),
    ("disposition", ("disposition",)),
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class PolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``connect-src`` naming this host's websockets:
    not every browser counts ``ws:``/``wss:`` of the page's own host as
    ``'self'``. The host is Django's validated ``get_host()`` (ALLOWED_HOSTS)."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: the response is already an error page
            return parts
        # Not secure here may still be HTTPS at a proxy Django is not told about.
        sockets = [f"wss://{host}"]
        if not request.is_secure():
            sockets.insert(0, f"ws://{host}")
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", ()), *sockets]
        parts.update = update
        return parts


def _clean(value: Any) -> str:
    """One field of a report, safe for a log line: a string without control
    characters (no forged log lines), URLs without query or fragment (they may
    hold tokens), cut to FIELD_MAX_CHARS."""
    text = _UNPRINTABLE.sub(" ", str(value))[: FIELD_MAX_CHARS * 2]
    if "://" in text:
        try:
            parts = urlsplit(text)
            text = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        except ValueError:
            pass
    return text[:FIELD_MAX_CHARS]


def _bodies(payload: Any) -> list[dict[str, Any]]:
    """The violation bodies of a report in either format; [] when it is neither."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):  # application/reports+json
        return [
            item["body"]
            for item in payload[:BATCH_MAX_REPORTS]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


class _ProcessBudget:
    """At most ``limit`` logged reports per minute in this process, whatever the
    cache says: many addresses (or an unreachable cache) cannot flood the log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.minute = 0
        self.used = 0

    def take(self, limit: int) -> bool:
        minute = int(time.time() // 60)
        with self.lock:
            if minute != self.minute:
                self.minute, self.used = minute, 0
            if self.used >= limit:
                return False
            self.used += 1
            return True


_budget = _ProcessBudget()


def _address_allows(address: str, limit: int) -> bool:
    """Count one report from ``address`` in this minute; False over ``limit``. With
    the cache unreachable only the process budget applies."""
    key = f"csp-report:{address}:{int(time.time() // 60)}"
    try:
        with strict():
            if cache.add(key, 1, timeout=120):
                return True
            return int(cache.incr(key)) <= limit
    except Unavailable:
        return True
    except ValueError:  # the key expired between add and incr
        return True


@never_cache
@csrf_exempt  # sent by the browser itself, without the site's cookies or token
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """Log the violations a browser reports (``report-uri`` of the policy).

    204 when read (logged, or dropped over the rate limit: browsers do not retry);
    400 for a body that is not a report, 413 for one too large; never a 500.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    raw = request.read(REPORT_MAX_BYTES + 1)
    if len(raw) > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return HttpResponse(status=400)
    bodies = _bodies(payload)
    if not bodies:
        return HttpResponse(status=400)
    address = request.META.get("REMOTE_ADDR") or "unknown"
    limit = settings.CSP_REPORTS_PER_MINUTE
    if not _address_allows(address, limit):
        return HttpResponse(status=429)
    for body in bodies:
        if not _budget.take(settings.CSP_REPORTS_PER_MINUTE_PROCESS):
            break
        fields = {
            name: next((body[key] for key in keys if body.get(key)), "")
            for name, keys in _FIELDS
        }
        logger.warning(
            "CSP violation: %s",
            " ".join(
                f"{name}={json.dumps(_clean(value), ensure_ascii=False)}"
                for name, value in fields.items()
            ),
        )
    return HttpResponse(status=204)
