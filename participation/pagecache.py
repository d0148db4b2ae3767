"""Whole rendered pages for anonymous readers, kept in the cache and invalidated on
commit by version keys.

What is cached and why: on the day a proposal makes the news most readers are not
signed in and read the same few pages (the proposal, its process's list, the
tracker and the departments' scorecards). For them a page is the same for everyone
who asks in the same language with the same query, so it is rendered once per
change instead of once per reader.

- **Only anonymous GETs**: no session cookie, no pending messages (no ``messages``
  cookie), an answer of 200 that sets no cookie of its own, does not touch the
  session and adds no message. Signed-in people never get a stored page (they see
  their own support, their own name, forms with their data): their pages bypass
  the cache and say ``Cache-Control: private, no-cache``.
- **Key** = the page's name + the request's resolved language + its normalised
  query (parameters sorted, tracking parameters such as ``utm_*`` dropped) + the
  current values of the page's version keys.
- **Version keys** (``scopes``): ``site`` (processes, phases, departments,
  sections, categories, policies: anything audited on those models, see
  ``SITE_WIDE_TARGETS``), ``process:<slug>``, ``proposal:<id>`` and ``tracker``.
  ``changed(*scopes)`` bumps them after the transaction commits. The callers are
  few on purpose: ``participation.live.broadcast.send`` (every live broadcast
  bumps the pages of its group, declared with the group in the app's ``live.py``),
  ``participation.audit.services.record`` (site-wide models), and the proposal
  writes that broadcast nothing (create, edit). A page stored while a write
  commits is stored under the old version and never read again.
- **Nothing per response is replayed**: the CSRF token of forms and the CSP nonce
  of scripts are stored as placeholders and filled in afresh on every hit (a new
  masked token, with its cookie set by Django's CSRF middleware as usual, and a
  new nonce in the header and the body).
- **Safety net**: entries live ``PAGE_CACHE_SECONDS`` (60 by default; 0 switches
  the cache off), so what no version key follows (a phase opening by the clock,
  "3 days ago") is at most that old.
- **Fails open**: any error of the cache (Redis stopped, a broken backend) renders
  the page uncached; logged once per outage.

``X-Cache: HIT``, ``MISS`` or ``BYPASS`` tells operators what happened.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

SITE = "site"
# Audited changes to these models change what every page shows (names, phases,
# categories, department names, the policy banner): they bump ``site``.
SITE_WIDE_TARGETS = frozenset(
    {
        "spaces.process",
        "spaces.phase",
        "spaces.processattachment",
        "spaces.department",
        "spaces.section",
        "spaces.category",
        "spaces.area",
        "privacy.policydocument",
    }
)
# Parameters that never change a page (links shared from the news and social media).
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid"})
TRACKING_PREFIXES = ("utm_",)
# A longer query string is rendered but not stored (no key explosion).
MAX_QUERY_CHARS = 512
HEADER = "X-Cache"
# Headers of the stored answer that are not replayed: the outer middleware sets
# them again for each request (CSP, language, security headers, cookies).
_NOT_STORED = frozenset(
    {
        "set-cookie",
        "vary",
        "content-length",
        "cache-control",
        "content-security-policy",
        "content-security-policy-report-only",
        "expires",
        "x-cache",
    }
)
_CSRF_INPUT = 'name="csrfmiddlewaretoken" value="'
_failure_logged = threading.Event()


def _cache() -> Any:
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


def _failed() -> None:
    if not _failure_logged.is_set():
        _failure_logged.set()
        logger.warning("Page cache unreachable; pages are rendered uncached.")


def _recovered() -> None:
    if _failure_logged.is_set():
        _failure_logged.clear()
        logger.info("Page cache reachable again.")


# --- Version keys ---------------------------------------------------------------------
def scope(kind: str, identity: Any = None) -> str:
    """The name of a version key: ``scope("proposal", 12)`` → ``proposal:12``."""
    return kind if identity is None else f"{kind}:{identity}"


def _version_key(name: str) -> str:
    return f"pagecache:v:{name}"


def _fresh_version() -> int:
    # A version key that was evicted starts again from the clock, never from a
    # number an older stored page might carry.
    return time.time_ns() // 1000


def _bump(names: tuple[str, ...]) -> None:
    cache = _cache()
    keys = [_version_key(name) for name in names]
    try:
        bump_many = getattr(cache, "bump_counters", None)
        if bump_many is not None:  # Redis: every key in one round trip
            bump_many(keys, _fresh_version())
        else:
            for key in keys:
                try:
                    cache.incr(key)
                except ValueError:  # not there (first change, or evicted)
                    cache.set(key, _fresh_version(), None)
    except Exception:
        _failed()
        return
    _recovered()


def changed(*scopes: str) -> None:
    """Invalidate every stored page depending on ``scopes``, once the current
    transaction commits (at once outside one). Never raises."""
    names = tuple(dict.fromkeys(s for s in scopes if s))
    if names:
        transaction.on_commit(lambda: _bump(names), robust=True)


def site_changed() -> None:
    changed(SITE)


def audited(target_label: str) -> None:
    """Called by the audit log for every audited write: changes to the models in
    ``SITE_WIDE_TARGETS`` invalidate every stored page."""
    if target_label in SITE_WIDE_TARGETS:
        site_changed()


def _versions(names: list[str]) -> list[Any]:
    cache = _cache()
    keys = [_version_key(n) for n in names]
    found = cache.get_many(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = _fresh_version()
            if not cache.add(key, value, None):
                value = cache.get(key, value)
        values.append(value)
    return values


def version_of(*scopes: str) -> str:
    """The current versions of ``scopes`` as one token, for other caches that must
    follow the same invalidations (the map's points); empty if the cache fails."""
    try:
        return ".".join(str(v) for v in _versions([s for s in scopes if s]))
    except Exception:
        _failed()
        return ""


# --- Which requests and answers -------------------------------------------------------
def _anonymous_reader(request: HttpRequest) -> bool:
    if request.method != "GET" or _seconds() <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not getattr(user, "is_authenticated", False)


def _normalised_query(request: HttpRequest) -> str | None:
    raw = request.META.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_CHARS:
        return None
    pairs = [
        (k, v)
        for k, v in parse_qsl(raw, keep_blank_values=True)
        if k not in TRACKING_PARAMETERS and not k.startswith(TRACKING_PREFIXES)
    ]
    # Sorted by name; the values of one name keep their order (getlist).
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.added_new or getattr(storage, "used", False)):
        return False
    return "no-store" not in response.get("Cache-Control", "")


# --- Storing and replaying ------------------------------------------------------------
def _freeze(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The answer with its per-response values replaced by placeholders."""
    text = response.content.decode(response.charset or "utf-8")
    marks = {"nonce": "", "csrf": ""}
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str) and nonce:
        marks["nonce"] = f"\x00nonce-{secrets.token_hex(8)}\x00"
        text = text.replace(nonce, marks["nonce"])
    if _CSRF_INPUT in text:
        marks["csrf"] = f"\x00csrf-{secrets.token_hex(8)}\x00"
        parts = text.split(_CSRF_INPUT)
        for i in range(1, len(parts)):
            end = parts[i].find('"')
            parts[i] = marks["csrf"] + parts[i][end:]
        text = _CSRF_INPUT.join(parts)
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in _NOT_STORED
    ]
    return {"body": text, "headers": headers, "marks": marks}


def _thaw(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    text = entry["body"]
    marks = entry["marks"]
    if marks["nonce"]:
        text = text.replace(marks["nonce"], str(request.csp_nonce))  # type: ignore[attr-defined]
    if marks["csrf"]:
        text = text.replace(marks["csrf"], get_token(request))
    response = HttpResponse(text)
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _page_key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pagecache:p:{digest}"


def _private(response: HttpResponseBase, state: str) -> HttpResponseBase:
    # Every such page carries a fresh CSRF token and nonce, and signed-in pages are
    # personal: no shared cache (proxy, CDN) may keep any of them.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    response[HEADER] = state
    return response


def cached(
    scopes: Callable[..., Iterable[str]],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve the view's page from the cache to anonymous readers.

    ``scopes(**view_kwargs)`` names the version keys the page depends on, besides
    ``site`` (always)::

        @pagecache.cached(lambda pk: [pagecache.scope("proposal", pk)])
        def proposal_detail(request, pk): ...
    """

    def decorate(
        view: Callable[..., HttpResponseBase],
    ) -> Callable[..., HttpResponseBase]:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            query = _normalised_query(request)
            if not _anonymous_reader(request) or query is None:
                return _private(view(request, *args, **kwargs), "BYPASS")
            key = None
            try:
                names = [SITE, *scopes(*args, **kwargs)]
                versions = _versions(names)
                language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
                key = _page_key(
                    name,
                    repr(args),
                    repr(sorted(kwargs.items())),
                    language,
                    query,
                    *(f"{n}={v}" for n, v in zip(names, versions, strict=True)),
                )
                entry = _cache().get(key)
            except Exception:
                _failed()
                return _private(view(request, *args, **kwargs), "BYPASS")
            if entry is not None:
                _recovered()
                return _private(_thaw(request, entry), "HIT")
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponse) and _storable(request, response):
                try:
                    _cache().set(key, _freeze(request, response), _seconds())
                except Exception:
                    _failed()
            return _private(response, "MISS")

        return wrapper

    return decorate
