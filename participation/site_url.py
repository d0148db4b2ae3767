"""Absolute addresses of the site's own pages: ``settings.SITE_URL`` plus a path.

Every absolute link the product hands out — feeds, CSV and open-data exports, the
QR codes of flyers and projectors, e-mails, API links — is built by
:func:`absolute_url`, never from the request's ``Host`` header (which the client
writes) nor from the Sites framework's record (``example.com`` until someone edits
it). The Sites record is kept equal to ``SITE_URL`` after every ``migrate``
(:func:`sync_site`) for the third-party code that still reads it (allauth).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_url() -> str:
    """``SITE_URL`` without a trailing slash, checked to be an absolute http(s) URL."""
    url = str(settings.SITE_URL).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "SITE_URL must be an absolute http(s) address, such as "
            "https://participation.example.jp"
        )
    return url


def absolute_url(path: str) -> str:
    """The public address of one of the site's own paths (``/proposals/1/``)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path of this site: {path!r}")
    return site_url() + path


def site_domain() -> str:
    """The host (and port, if any) of ``SITE_URL``: what the Sites record holds."""
    return urlsplit(site_url()).netloc


def sync_site(*, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """post_migrate: make the Sites record (``SITE_ID``) name ``SITE_URL``'s host."""
    from django.apps import apps as global_apps
    from django.db import router

    try:
        site_model = (apps or global_apps).get_model("sites", "Site")
    except LookupError:  # the sites app is not migrated (yet)
        return
    if not router.allow_migrate_model(using, site_model):
        return
    from django.contrib.sites.models import Site

    domain = site_domain()
    site_model.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": domain, "name": (settings.SITE_NAME or domain)[:50]},
    )
    Site.objects.clear_cache()
